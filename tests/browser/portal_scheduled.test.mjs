// Scheduled payments in Chromium (D9): with a saved card, a customer schedules an invoice's
// payment for its due date, moves it to the day before, then cancels it; the API agrees at
// each step.
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

// 'YYYY-MM-DD' moved by `days`.
const addDays = (day, days) => new Date(Date.parse(day + 'T00:00:00Z') + days * 86400000).toISOString().slice(0, 10);

test('a customer schedules a payment, changes its day and cancels it', async () => {
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  await page.goto(demo.url + '/');
  await page.getByLabel('Email address', { exact: true }).fill(demo.login);
  await page.getByLabel('Password').fill(demo.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Payment methods' }).click();
  await page.getByRole('link', { name: 'Add a card' }).click();
  await page.getByLabel('Card number').fill('4242424242424242');
  await page.getByLabel('Expiry month (MM)').fill('08');
  await page.getByLabel('Expiry year (YYYY)').fill('2036');
  await page.getByLabel('Security code (CVC)').fill('123');
  await page.getByRole('button', { name: 'Use this card' }).click();
  await page.getByRole('button', { name: 'Save the card' }).click();
  await page.locator('tr', { hasText: '4242' }).waitFor();

  await page.getByRole('link', { name: 'Scheduled payments' }).click();
  await page.getByRole('heading', { name: 'Schedule a payment' }).waitFor();
  // An open invoice due at least two days after today, paid on its due date, then the day
  // before (still after today: changeable and cancellable until then).
  const today = await page.locator('#run_on').getAttribute('min');
  const boxes = page.locator('input[name="invoice"]');
  let box, invoice;
  for (let i = 0; i < await boxes.count() && !invoice; i++) {
    const inv = await demo.api(`/v1/invoices/${await boxes.nth(i).getAttribute('value')}`);
    if (inv.due_date > addDays(today, 1)) { box = boxes.nth(i); invoice = inv; }
  }
  assert.ok(invoice, 'an open invoice due two days after today or later');
  const invoiceId = invoice.id;
  await box.check();
  await page.locator('#run_on').fill(invoice.due_date);
  await page.getByRole('button', { name: 'Schedule', exact: true }).click();
  await page.getByRole('button', { name: 'Cancel it' }).waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'scheduled');
  const list = await demo.api(`/v1/accounts/${invoice.account_id}/scheduled-payments`);
  const s = list.data.filter((x) => x.status === 'scheduled' && x.invoice_ids[0] === invoiceId).pop();
  assert.ok(s, 'the API lists the scheduled payment');
  assert.equal(s.run_on, invoice.due_date);
  assert.deepEqual(s.invoice_ids, [invoiceId]);

  const earlier = addDays(invoice.due_date, -1);
  await page.locator(`#day-${s.id}`).fill(earlier);
  await page.locator('tr', { has: page.locator(`#cancel-${s.id}`) })
    .getByRole('button', { name: 'Change the day' }).click();
  await page.locator(`#day-${s.id}[value="${earlier}"]`).waitFor();
  assert.deepEqual(await axeViolations(page), []);
  const moved = (await demo.api(`/v1/accounts/${invoice.account_id}/scheduled-payments`)).data
    .find((x) => x.id === s.id);
  assert.equal(moved.status, 'scheduled');
  assert.equal(moved.run_on, earlier);
  assert.deepEqual(moved.invoice_ids, [invoiceId]);

  await page.locator(`#cancel-${s.id}`).click();
  await page.locator(`#cancel-${s.id}`).waitFor({ state: 'detached' });
  const after = await demo.api(`/v1/accounts/${invoice.account_id}/scheduled-payments`);
  assert.equal(after.data.find((x) => x.id === s.id).status, 'cancelled');
  await page.close();
});
