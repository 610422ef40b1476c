// View & Pay links past their expiry, and printing, in Chromium: an expired link's page offers
// "Send me a fresh link"; asking emails the invoice again with a new link (found in the .eml
// outbox folder), which opens the invoice. The invoice pages' Print button calls the
// browser's print dialog; without JavaScript it stays hidden and a hint says how to print.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
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

const outbox = () => path.join(demo.dir, 'outbox');
const emailText = (f) => readFileSync(path.join(outbox(), f), 'utf8').replace(/=\r?\n/g, '');

// The View & Pay link of an open invoice, from the demo's invoice emails.
async function openInvoiceLink() {
  for (const f of readdirSync(outbox()).sort().reverse()) {
    const text = emailText(f);
    const link = text.match(/https?:\/\/[^/\s"]+(\/view\/v1\.[A-Za-z0-9_=.-]+)/);
    const number = text.match(/INV-\d{6}/);
    if (!link || !number) continue;
    const invoices = await demo.api('/v1/invoices?status=open&limit=100');
    const inv = invoices.data.find((i) => i.number === number[0] && i.amount_due > 0);
    if (inv) return { path: link[1], invoice: inv };
  }
  throw new Error('no open invoice email in the outbox');
}

// The same invoice's link signed as the tenant signs it (its link key, read from the
// database) with an expiry long past: what an old email's link is.
function expiredLink(link) {
  const [, tenant, invoice] = link.slice('/view/'.length).split('.');
  const key = execFileSync('sqlite3', [path.join(demo.dir, 'remit.db'),
    `SELECT link_secret FROM tenants WHERE id = ${Number(tenant)}`], { encoding: 'utf8' }).trim();
  const body = `v1.${tenant}.${invoice}.${Math.floor(Date.parse('2020-01-01T00:00:00Z') / 1000)}`;
  return `/view/${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

test('an expired link sends a fresh one to the billing contact', async () => {
  const { path: link, invoice } = await openInvoiceLink();
  const old = expiredLink(link);
  const page = await browser.newPage();
  const before = new Set(readdirSync(outbox()));
  await page.goto(demo.url + old);
  await page.getByRole('heading', { name: invoice.number }).waitFor();
  assert.match(await page.locator('main').innerText(), /This link has expired/);
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'view-link-expired');
  await page.getByRole('button', { name: 'Send me a fresh link' }).click();
  await page.getByRole('status').waitFor();
  assert.match(await page.getByRole('status').innerText(),
               /If this invoice is still open, a fresh link was sent to the billing contact on file\./);
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'view-link-sent');

  // The email arrives in the outbox folder (the server's senders deliver it).
  let fresh;
  for (let i = 0; i < 100 && !fresh; i++) {
    for (const f of readdirSync(outbox()).filter((x) => !before.has(x))) {
      const text = emailText(f);
      if (!text.includes(invoice.number)) continue;
      fresh = text.match(/https?:\/\/[^/\s"]+(\/view\/v1\.[A-Za-z0-9_=.-]+)/)?.[1];
    }
    if (!fresh) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(fresh, 'the fresh link email is in the outbox folder');
  assert.notEqual(fresh, old);
  await page.goto(demo.url + fresh);
  await page.getByRole('heading', { name: invoice.number }).waitFor();
  await page.close();
});

test('the invoice pages print with the Print button, and say how without JavaScript', async () => {
  const { path: link } = await openInvoiceLink();
  const page = await browser.newPage();
  await page.goto(demo.url + link);
  const print = page.getByRole('button', { name: 'Print' });
  await print.waitFor();
  assert.equal(await page.getByText('Print command').isVisible(), false);
  await page.evaluate(() => { window.print = () => { window.printed = true; }; });
  await print.click();
  assert.equal(await page.evaluate(() => window.printed), true);

  // The portal's invoice page, signed in.
  await page.goto(demo.url + '/');
  await page.getByLabel('Email address', { exact: true }).fill(demo.login);
  await page.getByLabel('Password').fill(demo.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#balance-due').waitFor();
  await page.locator('a[href*="/invoices/"]').first().click();
  await page.getByRole('button', { name: 'Print' }).waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await page.close();

  const nojs = await browser.newContext({ javaScriptEnabled: false });
  const plain = await nojs.newPage();
  await plain.goto(demo.url + link);
  await plain.getByText('Print command').waitFor();
  assert.equal(await plain.getByRole('button', { name: 'Print' }).count(), 0);  // hidden: not a dead button
  await nojs.close();
});
