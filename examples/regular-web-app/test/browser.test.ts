// The example in a real browser (Chromium through playwright-core): cookies, SameSite, the CSP's
// form-action on the login and logout redirects, exactly as a user meets them.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { ALICE } from '@latchkey/testing';
import { ALICE_NAME, startStack, type Stack } from './helpers/stack.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const missing = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;

describe('regular web app in Chromium', { skip: missing }, () => {
  let stack: Stack;
  let browser: Browser;

  before(async () => {
    stack = await startStack();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('logs in, shows the profile, calls the API and logs out', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });

    await page.goto(`${stack.origin}/`);
    await page.getByRole('button', { name: 'Log in' }).last().click();
    await page.waitForURL((url) => url.pathname === '/u/login');
    await page.locator('input[name="email"]').fill(ALICE.email);
    await page.locator('input[name="password"]').fill(ALICE.password);
    await page.locator('form:has(input[name="password"]) [type="submit"]').first().click();
    await page.waitForURL(`${stack.origin}/profile`);

    assert.equal(await page.locator('#user-email').textContent(), ALICE.email);
    assert.equal(await page.locator('#user-name').textContent(), ALICE_NAME, 'shown as text, not markup');
    const cookies = await context.cookies(stack.origin);
    const session = cookies.find((c) => c.name === 'appSession');
    assert.ok(session, 'session cookie');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Lax');

    await page.getByRole('button', { name: 'Call API' }).click();
    await page.waitForURL(`${stack.origin}/call-api`);
    assert.match((await page.locator('#api-answer').textContent()) ?? '', /Hello from a protected API\./);
    await page.getByRole('link', { name: 'Back to the profile' }).click();

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL((url) => url.origin === stack.origin && url.pathname === '/');
    await page.getByRole('button', { name: 'Log in' }).first().waitFor();
    assert.equal((await context.cookies(stack.origin)).some((c) => c.name === 'appSession'), false);
    // Logout ended Latchkey's session too: logging in again asks for the password.
    await page.getByRole('button', { name: 'Log in' }).last().click();
    await page.waitForURL((url) => url.pathname === '/u/login');

    assert.deepEqual(violations, []);
    await context.close();
  });
});
