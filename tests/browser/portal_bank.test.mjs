// Bank accounts, sharing and split payments in Chromium (D2, D6, A3): a customer adds a bank
// account with its debit authorization, reads the two micro-deposits (here: from the day's
// NACHA bank file, as the bank statement would show them), enters a wrong pair (a clear error,
// one try used) and then the right one (the account is active); shares it with the child
// accounts (the API lists it on a child); then pays an invoice split across a new card and the
// bank account: the review shows each part and its fee, the confirmation each part's number,
// and the API the two payments.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launch, axeViolations, screenshot } from './harness.mjs';

const holder = 'Pat Browsertest';
let demo, browser, page, me;
before(async () => {
  demo = await startDemo();
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  await page.goto(demo.url + '/');
  await page.getByLabel('Email address', { exact: true }).fill(demo.login);
  await page.getByLabel('Password').fill(demo.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#balance-due').waitFor();
  const accounts = await demo.api('/v1/accounts?limit=100');
  me = accounts.data.find((a) => a.emails.includes(demo.login));
});
after(async () => {
  await browser?.close();
  demo?.stop();
});

// The micro-deposits of the bank accounts added today, in cents, from the day's NACHA file:
// the ACCTVERIFY batch's entries for `name` (entry detail records: amount in columns 30-39,
// the individual's name in 55-76).
async function depositsFor(name) {
  const r = await fetch(demo.url + '/v1/bank-files', { headers: { Authorization: `Bearer ${demo.apiKey}` } });
  assert.equal(r.status, 200, await r.clone().text());
  let verify = false;
  const cents = [];
  for (const line of (await r.text()).split(/\r?\n/)) {
    if (line.startsWith('5')) verify = line.slice(53, 63).trim() === 'ACCTVERIFY';
    if (verify && line.startsWith('6') && line.slice(54, 76).trim() === name.toUpperCase().slice(0, 22))
      cents.push(Number(line.slice(29, 39)));
  }
  return cents;
}

test('a customer adds a bank account, verifies it by its deposits and shares it', async () => {
  await page.getByRole('link', { name: 'Payment methods' }).click();
  await page.getByRole('link', { name: 'Add a bank account' }).click();
  await page.getByRole('heading', { name: 'Add a bank account' }).waitFor();
  assert.match(await page.locator('#mandate').innerText(), /^I authorize .+ to debit the bank account above/);
  await page.getByLabel('Name on the account').fill(holder);
  await page.getByLabel('Account type').selectOption('checking');
  await page.getByLabel('Routing number (9 digits)').fill('110000000');
  await page.getByLabel('Account number').fill('000123456789');
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'bank-add');
  await page.getByLabel('I agree to the debit authorization above.').check();
  await page.getByRole('button', { name: 'Save bank account' }).click();
  await page.getByRole('status').waitFor();
  assert.match(await page.getByRole('status').innerText(), /Two small deposits/);
  const row = page.locator('tr', { hasText: 'Bank account ••••6789' });
  assert.match(await row.innerText(), /Not verified yet/);
  assert.equal(await page.getByText('000123456789').count(), 0);  // masked everywhere after
  const saved = (await demo.api(`/v1/accounts/${me.id}/payment-methods`)).data.find((m) => m.kind === 'bank');
  assert.equal(saved.status, 'pending_verification');
  assert.equal(saved.mandate.channel, 'online');
  assert.equal(saved.mandate.address, '127.0.0.1');

  await row.getByRole('link', { name: 'Verify' }).click();
  await page.getByRole('heading', { name: 'Verify a bank account' }).waitFor();
  assert.match(await page.locator('main').innerText(), /Tries left: 3/);
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'bank-verify');
  const cents = await depositsFor(holder);
  assert.equal(cents.length, 2, 'two micro-deposits in the bank file');
  await page.getByLabel('First deposit, in cents').fill(String(cents[0] === 99 ? 98 : cents[0] + 1));
  await page.getByLabel('Second deposit, in cents').fill(String(cents[1]));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').innerText(), /do not match the deposits\. Tries left: 2\./);
  assert.deepEqual(await axeViolations(page), []);
  await page.getByLabel('First deposit, in cents').fill(String(cents[1]));  // either order
  await page.getByLabel('Second deposit, in cents').fill(String(cents[0]));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByRole('status').waitFor();
  assert.match(await page.getByRole('status').innerText(), /verified/);
  assert.doesNotMatch(await row.innerText(), /Not verified/);
  const verified = (await demo.api(`/v1/accounts/${me.id}/payment-methods`)).data.find((m) => m.id === saved.id);
  assert.equal(verified.status, 'active');

  // Shared with the child accounts: a child lists it as inherited.
  await row.getByRole('button', { name: 'Share with child accounts' }).click();
  await page.locator('tr', { hasText: 'Bank account ••••6789' }).getByRole('button', { name: 'Stop sharing' }).waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'methods-bank');
  const child = (await demo.api('/v1/accounts?limit=100')).data.find((a) => a.parent_id === me.id);
  const inherited = (await demo.api(`/v1/accounts/${child.id}/payment-methods`)).data;
  assert.ok(inherited.some((m) => m.id === saved.id && m.inherited), 'the child lists the shared account');

  // The same pages in Chinese.
  await page.goto(demo.url + '/p/demo/methods?lang=zh-CN');
  await page.getByRole('heading', { name: '付款方式与自动付款' }).waitFor();
  assert.match(await page.locator('main').innerText(), /银行账户 ••••6789（支票账户）|银行账户 ••••6789 \(支票账户\)/);
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'methods-bank-zh-CN');
  await page.getByRole('link', { name: '添加银行账户' }).click();
  await page.getByRole('heading', { name: '添加银行账户' }).waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'bank-add-zh-CN');
  await page.goto(demo.url + '/p/demo/methods?lang=en');
});

test('a payment split across a new card and the bank account', async () => {
  await page.goto(demo.url + '/p/demo/pay');
  const boxes = page.locator('input[name="invoice"]');
  for (let i = 1; i < await boxes.count(); i++) await boxes.nth(i).uncheck();
  const invoice = await demo.api(`/v1/invoices/${await boxes.first().getAttribute('value')}`);
  await page.getByRole('link', { name: 'Use a new card' }).click();
  await page.getByLabel('Card number').fill('4242424242424242');
  await page.getByLabel('Expiry month (MM)').fill('10');
  await page.getByLabel('Expiry year (YYYY)').fill('2035');
  await page.getByLabel('Security code (CVC)').fill('123');
  await page.getByRole('button', { name: 'Use this card' }).click();
  await page.getByRole('heading', { name: 'Pay now' }).waitFor();
  for (let i = 1; i < await boxes.count(); i++) await boxes.nth(i).uncheck();
  const onCard = Math.min(Math.floor(invoice.amount_due / 2), 50000);  // cents
  await page.getByLabel('Amount with the method above').fill((onCard / 100).toFixed(2));
  await page.getByLabel('The rest with').selectOption({ label: 'Bank account ••••6789 (Checking)' });
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'pay-split');
  await page.getByRole('button', { name: 'Review payment' }).click();
  await page.getByRole('table', { name: 'How it is paid' }).waitFor();
  const parts = page.getByRole('table', { name: 'How it is paid' }).locator('tbody tr');
  assert.equal(await parts.count(), 2);
  const money = (c) => '$' + (c / 100).toLocaleString('en-US', { minimumFractionDigits: 2 });
  assert.match(await parts.nth(0).innerText(), new RegExp(`4242\\s+\\${money(onCard)}\\s+\\$1\\.75`));
  assert.match(await parts.nth(1).innerText(), new RegExp(`6789.*\\s+\\${money(invoice.amount_due - onCard)}\\s+\\$0\\.00`));
  assert.equal(await page.locator('#pay-total').innerText(), money(invoice.amount_due + 175));
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'pay-split-review');
  await page.getByRole('button', { name: /^Pay now/ }).click();
  await page.locator('#confirmation').waitFor();
  const confirmation = await page.locator('#confirmation').innerText();
  assert.match(await page.locator('main').innerText(), new RegExp(`${confirmation}-2`));
  assert.deepEqual(await axeViolations(page), []);
  const payments = (await demo.api(`/v1/payments?account_id=${me.id}&limit=100`)).data
    .filter((p) => p.confirmation.startsWith(confirmation));
  assert.deepEqual(payments.map((p) => p.amount).sort((a, b) => a - b),
                   [onCard, invoice.amount_due - onCard].sort((a, b) => a - b));
  assert.equal((await demo.api(`/v1/invoices/${invoice.id}`)).status, 'paid');
});
