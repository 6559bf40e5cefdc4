// The cookie-jar browser the SDK and example tests rely on: if it kept a cookie a real browser
// drops (or dropped one it keeps), those tests would prove nothing.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Browser, findForm, listen, type Listening } from '../src/index.js';

describe('Browser (test cookie jar)', () => {
  let site: Listening;

  before(async () => {
    site = await listen();
    site.server.on('request', (req, res) => {
      const url = new URL(req.url ?? '/', site.origin);
      if (url.pathname === '/set') {
        res.setHeader('set-cookie', ['root=1; Path=/', 'scoped=2; Path=/app', 'gone=3; Max-Age=0']);
        res.writeHead(302, { location: '/app/echo' }).end();
      } else if (url.pathname === '/clear') {
        res.setHeader('set-cookie', 'root=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT');
        res.end();
      } else {
        res.end(req.headers.cookie ?? '');
      }
    });
  });
  after(() => site.close());

  it('follows redirects and sends cookies by path, most specific first (RFC 6265 §5.4)', async () => {
    const browser = new Browser();
    const page = await browser.navigate(`${site.origin}/set`);
    assert.equal(page.url.pathname, '/app/echo');
    assert.equal(page.body, 'scoped=2; root=1');
    assert.equal((await browser.request(`${site.origin}/application`)).body, 'root=1', '/app does not match /application');
    assert.deepEqual(browser.cookieNames().sort(), ['root', 'scoped'], 'Max-Age=0 is not stored');
  });

  it('forgets a cookie set to expire in the past', async () => {
    const browser = new Browser();
    await browser.navigate(`${site.origin}/set`);
    await browser.request(`${site.origin}/clear`);
    assert.equal(browser.cookie('root'), undefined);
    assert.equal((await browser.request(`${site.origin}/app/x`)).body, 'scoped=2');
  });

  it("reads a form's action, method and decoded hidden fields", () => {
    const form = findForm(
      `<form action="/a"><input type="hidden" name="x" value="1"></form>
       <form method="POST" action="/b?x=1&amp;y=2"><input name="shown"><input type="hidden" name="s" value="&lt;&quot;&#39;&amp;&gt;"></form>`,
      '/b',
    );
    assert.deepEqual(form, { action: '/b?x=1&amp;y=2', method: 'post', hidden: { s: `<"'&>` } });
  });
});
