// Payment methods and AutoPay in Chromium (D1, D3, D8): a customer adds a card through the
// processor's form (a card the processor refuses is not saved, and says why), stars it,
// turns AutoPay on for a stream (the API sees the enrolment), then removes the card.
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

async function addCard(page, number) {
  await page.getByRole('link', { name: 'Add a card' }).click();
  await page.getByLabel('Card number').fill(number);
  await page.getByLabel('Expiry month (MM)').fill('09');
  await page.getByLabel('Expiry year (YYYY)').fill('2036');
  await page.getByLabel('Security code (CVC)').fill('555');
  await page.getByRole('button', { name: 'Use this card' }).click();
  await page.getByRole('heading', { name: 'Save this card?' }).waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await page.getByRole('button', { name: 'Save the card' }).click();
  await page.getByRole('heading', { name: 'Payment methods and AutoPay' }).waitFor();
}

test('a customer saves a card, stars it, turns AutoPay on, and removes the card', async () => {
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  await page.goto(demo.url + '/');
  await page.getByLabel('Email address', { exact: true }).fill(demo.login);
  await page.getByLabel('Password').fill(demo.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Payment methods' }).click();
  await page.getByRole('heading', { name: 'Payment methods and AutoPay' }).waitFor();

  await addCard(page, '4000000000000002');  // declined when the processor verifies it
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').innerText(), /declined/);
  await addCard(page, '4242424242424242');
  const row = page.locator('tr', { hasText: '4242' });
  await row.waitFor();
  await row.getByRole('button', { name: 'Make preferred' }).click();
  await page.locator('tr', { hasText: '4242' }).getByText('Preferred').waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'methods');

  const accounts = await demo.api('/v1/accounts?limit=100');
  const me = accounts.data.find((a) => a.emails.includes(demo.login));
  const turnOn = page.getByRole('button', { name: /^Turn on/ }).first();
  await turnOn.click();
  await page.getByRole('button', { name: /^Turn off/ }).first().waitFor();
  const enrolled = await demo.api(`/v1/accounts/${me.id}/autopay`);
  assert.equal(enrolled.data.length, 1);

  await page.getByRole('button', { name: /^Turn off/ }).first().click();
  await page.locator('tr', { hasText: '4242' }).getByRole('button', { name: 'Remove' }).click();
  await page.getByRole('heading', { name: 'Payment methods and AutoPay' }).waitFor();
  assert.equal(await page.locator('tr', { hasText: '4242' }).count(), 0);
  assert.equal((await demo.api(`/v1/accounts/${me.id}/autopay`)).data.length, 0);

  // The profile: the account's contacts, address, paperless and language.
  await page.getByRole('link', { name: 'Profile' }).click();
  await page.getByLabel('Mailing address').fill('12 Lake Ave\nWillmar, MN 56201');
  await page.getByLabel('Language of bills and emails').selectOption('zh-CN');
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'profile');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').waitFor();  // saved, and the pages now in Chinese
  assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
  const after = await demo.api(`/v1/accounts/${me.id}`);
  assert.equal(after.language, 'zh-CN');
  assert.equal(after.address, '12 Lake Ave\nWillmar, MN 56201');
  await page.close();
});
