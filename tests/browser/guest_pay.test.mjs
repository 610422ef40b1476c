// Guest pay (D4) in Chromium: with the account number and last name from the API, and an
// email for the receipt, a customer pays an invoice without signing in; a wrong name is
// answered as a wrong number would be. The receipt goes to the guest's address.
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

test('a guest pays an invoice with the account number and last name', async () => {
  // An account billed to itself, with an open invoice under the card limit.
  const invoices = (await demo.api('/v1/invoices?status=open&limit=100')).data;
  let account, invoice;
  for (const inv of invoices.filter((i) => i.amount_due > 0 && i.amount_due <= 100000)) {
    const a = await demo.api(`/v1/accounts/${inv.account_id}`);
    if (a.billing_account_id === a.id && (a.last_name || a.name)) { account = a; invoice = inv; break; }
  }
  assert.ok(account, 'the demo has an open invoice to pay');
  const name = [...(account.last_name || account.name)].slice(0, 10).join('');
  const page = await browser.newPage();
  await page.goto(demo.url + '/');
  await page.getByRole('link', { name: 'Pay without signing in' }).click();
  const fill = async (last) => {
    await page.getByLabel('Account number').fill(account.number);
    await page.getByLabel('Last name on the account (first 10 characters)').fill(last);
    await page.getByLabel('Email address for the receipt').fill('guest@example.org');
    await page.getByRole('button', { name: 'Continue' }).click();
  };
  await fill(name + 'x');
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').innerText(), /could not find an account/);
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'guest-not-found');
  await fill(name);
  await page.getByRole('heading', { name: 'Pay now' }).waitFor();
  const boxes = page.locator('input[name="invoice"]');
  for (let i = 0; i < await boxes.count(); i++) {
    if (await boxes.nth(i).getAttribute('value') === String(invoice.id)) await boxes.nth(i).check();
    else await boxes.nth(i).uncheck();
  }
  await page.getByRole('link', { name: 'Use a new card' }).click();
  await page.getByLabel('Card number').fill('5555555555554444');
  await page.getByLabel('Expiry month (MM)').fill('10');
  await page.getByLabel('Expiry year (YYYY)').fill('2035');
  await page.getByLabel('Security code (CVC)').fill('999');
  await page.getByRole('button', { name: 'Use this card' }).click();
  await page.getByRole('heading', { name: 'Pay now' }).waitFor();
  for (let i = 0; i < await boxes.count(); i++) {
    if (await boxes.nth(i).getAttribute('value') === String(invoice.id)) await boxes.nth(i).check();
    else await boxes.nth(i).uncheck();
  }
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'guest-pay');
  await page.getByRole('button', { name: 'Review payment' }).click();
  await page.getByRole('button', { name: /^Pay now/ }).click();
  await page.locator('#confirmation').waitFor();
  const confirmation = (await page.locator('#confirmation').innerText()).trim();
  assert.equal((await demo.api(`/v1/invoices/${invoice.id}`)).status, 'paid');
  const receipt = await demo.email(new RegExp(confirmation));
  assert.ok(receipt, 'the receipt was mailed');
  assert.match(receipt, /guest@example\.org/);
  await page.close();
});
