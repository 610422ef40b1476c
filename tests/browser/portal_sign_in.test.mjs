// The portal in Chromium (issue 10): a demo customer signs in with a password, sees the
// balance due the API reports, opens an invoice and downloads its PDF, switches to Chinese,
// signs out; the pages wear the provider's colour; a wrong password shows a clear error and signs nothing in. Every page passes
// axe-core with no serious or critical violation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launch, axeViolations, screenshot } from './harness.mjs';

let demo, browser;
before(async () => {
  demo = await startDemo();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  demo?.stop();
});

async function signIn(page, password) {
  await page.goto(demo.url + '/');
  await page.getByLabel('Email address', { exact: true }).fill(demo.login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('a wrong password is a clear error and signs nothing in', async () => {
  const page = await browser.newPage();
  await signIn(page, 'not-the-password');
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').innerText(), /do not match/);
  assert.equal(await page.getByLabel('Email address', { exact: true }).inputValue(), demo.login);
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'sign-in-error');
  const cookies = await page.context().cookies();
  assert.equal(cookies.find((c) => c.name === '__Host-remit_session'), undefined);
  await page.close();
});

test('a customer signs in, sees the balance due, opens an invoice, switches language', async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  await signIn(page, demo.password);
  await page.locator('#balance-due').waitFor();
  const cookie = (await page.context().cookies()).find((c) => c.name === '__Host-remit_session');
  assert.ok(cookie, 'the session cookie is set');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.secure, true);
  assert.equal(cookie.sameSite, 'Lax');

  // The balance the API reports for the signed-in customer's account.
  const accounts = await demo.api('/v1/accounts?limit=100');
  const me = accounts.data.find((a) => a.emails.includes(demo.login));
  const balance = await demo.api(`/v1/accounts/${me.id}/balance`);
  const shown = (await page.locator('#balance-due').innerText()).replace(/[$,]/g, '');
  assert.equal(Math.round(Number(shown) * 100), balance.balance_due);
  // The provider's colour (the demo sets its own), on the bar and the buttons.
  const { brand_color: brand } = await demo.api('/v1/tenant');
  assert.notEqual(brand, '#0b5cad');
  const rgb = `rgb(${[1, 3, 5].map((i) => parseInt(brand.slice(i, i + 2), 16)).join(', ')})`;
  assert.equal(await page.locator('header.bar').evaluate((e) => getComputedStyle(e).backgroundColor), rgb);
  assert.equal(await page.locator('main a.button').first().evaluate((e) => getComputedStyle(e).backgroundColor), rgb);
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'home-en');

  const first = page.locator('section[aria-labelledby="open-h"] tbody a').first();
  const number = await first.innerText();
  await first.click();
  await page.getByRole('heading', { level: 1 }).filter({ hasText: number }).waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'invoice-en');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download PDF' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), `${number}.pdf`);

  await page.getByRole('link', { name: '中文' }).click();
  await page.getByRole('link', { name: '下载 PDF' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'invoice-zh-CN');
  await page.getByRole('link', { name: '首页' }).click();
  await page.locator('.balance').getByText('应付余额').waitFor();  // the language is kept
  await screenshot(page, 'home-zh-CN');

  await page.getByRole('button', { name: '退出' }).click();
  await page.getByRole('heading', { name: '登录', exact: true }).waitFor();
  await page.goto(demo.url + '/p/demo/');
  assert.match(page.url(), /\/sign-in\?next=/);
  await page.close();
});

test('on a phone the home page fits the screen', async () => {
  const context = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true });
  const page = await context.newPage();
  await signIn(page, demo.password);
  await page.locator('#balance-due').waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
  await screenshot(page, 'home-phone');
  await context.close();
});

test('a customer signs in with a code from the email', async () => {
  const page = await browser.newPage();
  await page.goto(demo.url + '/');
  await page.getByLabel('Email address for the code').fill(demo.login);
  await page.getByRole('button', { name: 'Email me a sign-in code' }).click();
  await page.getByLabel('Sign-in code').waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'sign-in-code');
  // The code, from the email the server's senders wrote to the outbox folder.
  const code = await demo.email(/^Subject: (\d{6}) is your sign-in code/m);
  await page.getByLabel('Sign-in code').fill(code === '000000' ? '111111' : '000000');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').innerText(), /not right/);
  await page.getByLabel('Sign-in code').fill(code);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#balance-due').waitFor();
  await page.close();
});
