import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseForms } from '../../src/oidc/html-form.js';

test('a login form yields its action, hidden fields (entities decoded) and inputs', () => {
  const html = `<form method="post" action="/u/login?state=a&amp;b">
    <input type="hidden" name="_csrf" value="t&#x2F;k&quot;n">
    <input type="hidden" name='state' value=abc>
    <input type="email" name="email" value="">
    <input type="password" name="password">
    <input type="checkbox" name="remember">
    <button type="submit">Continue</button>
  </form>`;
  const [form] = parseForms(html, 'http://127.0.0.1:4000/u/login?state=abc');
  assert.ok(form);
  assert.equal(form.method, 'post');
  assert.equal(form.action, 'http://127.0.0.1:4000/u/login?state=a&b');
  assert.deepEqual([...form.fields], [['_csrf', 't/k"n'], ['state', 'abc'], ['email', ''], ['password', '']]);
});

test('a consent form lists its named submit buttons and posts to the page itself without an action', () => {
  const html = `<form method="POST"><input type="hidden" name="state" value="s">
    <button type="submit" name="action" value="deny">Deny</button>
    <button name="action" value="accept">Accept</button></form>`;
  const [form] = parseForms(html, 'http://127.0.0.1:4000/u/consent?state=s');
  assert.ok(form);
  assert.equal(form.action, 'http://127.0.0.1:4000/u/consent?state=s');
  assert.deepEqual(form.buttons.get('action'), ['deny', 'accept']);
  assert.deepEqual([...form.fields], [['state', 's']]);
});
