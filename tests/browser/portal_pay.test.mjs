// Paying in the portal in Chromium (D4-D7): a declined test card shows a clear error and
// changes nothing; a good one (entered on the sandbox's hosted card form, never on Remit's
// pages) pays the invoice: the fee is shown before confirming, the confirmation number after,
// the API sees the invoice paid and the receipt email arrives in the outbox folder.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launch, axeViolations, screenshot } from './harness.mjs';

let demo, browser, page;
before(async () => {
  demo = await startDemo();
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  await page.goto(demo.url + '/');
  await page.getByLabel('Email address', { exact: true }).fill(demo.login);
  await page.getByLabel('Password').fill(demo.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#balance-due').waitFor();
});
after(async () => {
  await browser?.close();
  demo?.stop();
});

// Pay now for the first open invoice only, with a new card typed into the hosted form.
async function payFirstInvoiceWith(number) {
  await page.goto(demo.url + '/p/demo/');
  await page.getByRole('link', { name: 'Pay now' }).first().click();
  await page.getByRole('heading', { name: 'Pay now' }).waitFor();
  const boxes = page.locator('input[name="invoice"]');
  const first = await boxes.first().getAttribute('value');
  for (let i = 1; i < await boxes.count(); i++) await boxes.nth(i).uncheck();
  await page.getByRole('link', { name: 'Use a new card' }).click();
  await page.getByLabel('Card number').fill(number);
  await page.getByLabel('Expiry month (MM)').fill('12');
  await page.getByLabel('Expiry year (YYYY)').fill('2034');
  await page.getByLabel('Security code (CVC)').fill('123');
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'card-form');
  await page.getByRole('button', { name: 'Use this card' }).click();
  await page.getByRole('heading', { name: 'Pay now' }).waitFor();
  for (let i = 1; i < await boxes.count(); i++) await boxes.nth(i).uncheck();
  assert.match(await page.locator('input[name="method"]:checked').locator('xpath=..').innerText(),
               new RegExp(number.slice(-4)));
  await page.getByRole('button', { name: 'Review payment' }).click();
  return Number(first);
}

test('a declined card is a clear error and changes nothing', async () => {
  const invoice = await payFirstInvoiceWith('4000000000000002');
  await page.getByText('Convenience fee').waitFor();  // shown before anything is charged
  await page.getByRole('button', { name: /^Pay now/ }).click();
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').innerText(), /declined/);
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'pay-declined');
  const inv = await demo.api(`/v1/invoices/${invoice}`);
  assert.equal(inv.status, 'open');
  const payments = await demo.api(`/v1/payments?account_id=${inv.account_id}&limit=100`);
  assert.equal(payments.data.filter((p) => p.status === 'succeeded' && p.channel === 'portal').length, 0);
});

test('a test card pays the invoice, with the fee shown first and the receipt mailed', async () => {
  const invoice = await payFirstInvoiceWith('4242424242424242');
  const before = await demo.api(`/v1/invoices/${invoice}`);
  await page.locator('#pay-total').waitFor();
  const total = (await page.locator('#pay-total').innerText()).replace(/[$,]/g, '');
  assert.equal(Math.round(Number(total) * 100), before.amount_due + 175);  // the $1.75 fee (D5)
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'pay-review');
  await page.getByRole('button', { name: /^Pay now/ }).click();
  await page.locator('#confirmation').waitFor();
  const confirmation = (await page.locator('#confirmation').innerText()).trim();
  assert.match(confirmation, /^P-[A-Z0-9]{10}$/);
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'paid');
  const after = await demo.api(`/v1/invoices/${invoice}`);
  assert.equal(after.status, 'paid');
  // The receipt reaches the outbox folder (the server's senders write .eml files).
  const receipt = await demo.email(new RegExp(confirmation));
  assert.ok(receipt, 'the receipt email names the confirmation number');
  assert.doesNotMatch(receipt, /4242424242424242/);
});
