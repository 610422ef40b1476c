// View & Pay (C6) in Chromium: the link in an invoice email opens that one invoice without
// signing in; "Pay this invoice" goes to the processor's card form and back, shows the fee and
// total, and pays: the API then sees the invoice paid.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
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

// The View & Pay link of an open invoice, from the demo's invoice emails.
async function openInvoiceLink() {
  const outbox = path.join(demo.dir, 'outbox');
  for (const f of readdirSync(outbox).sort().reverse()) {
    const text = readFileSync(path.join(outbox, f), 'utf8').replace(/=\r?\n/g, '');
    const link = text.match(/https?:\/\/[^/\s"]+(\/view\/[A-Za-z0-9_=.-]+)/);
    const number = text.match(/INV-\d{6}/);
    if (!link || !number) continue;
    const invoices = await demo.api(`/v1/invoices?status=open&limit=100`);
    const inv = invoices.data.find((i) => i.number === number[0] && i.amount_due > 0 && i.amount_due <= 100000);
    if (inv) return { path: link[1], invoice: inv };
  }
  throw new Error('no open invoice email in the outbox');
}

test('the emailed link shows the invoice and pays it with a test card', async () => {
  const { path: link, invoice } = await openInvoiceLink();
  const page = await browser.newPage();
  await page.goto(demo.url + link);
  await page.getByRole('heading', { name: invoice.number }).waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'view-and-pay');
  await page.getByRole('link', { name: 'Pay this invoice' }).click();
  await page.getByLabel('Card number').fill('4242424242424242');
  await page.getByLabel('Expiry month (MM)').fill('11');
  await page.getByLabel('Expiry year (YYYY)').fill('2033');
  await page.getByLabel('Security code (CVC)').fill('321');
  await page.getByRole('button', { name: 'Use this card' }).click();
  await page.locator('#pay-total').waitFor();
  const total = (await page.locator('#pay-total').innerText()).replace(/[$,]/g, '');
  assert.equal(Math.round(Number(total) * 100), invoice.amount_due + 175);
  assert.deepEqual(await axeViolations(page), []);
  await page.getByRole('button', { name: /^Pay now/ }).click();
  await page.locator('#confirmation').waitFor();
  assert.match(await page.locator('#confirmation').innerText(), /^P-[A-Z0-9]{10}$/);
  assert.deepEqual(await axeViolations(page), []);
  assert.equal((await demo.api(`/v1/invoices/${invoice.id}`)).status, 'paid');
  await page.close();
});
