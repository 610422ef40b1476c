// Users and passwords in Chromium (issue 10, A4 and A5): the demo customer (an owner) invites
// someone as billing; the invitation email's link (read from the .eml folder) opens the
// invitation, which sets a password and signs in; the owner sees the new login and makes it a
// viewer. A forgotten password: the account number and email, the reset code from the email,
// the new password chosen on the profile, then signing in with it. axe on every page.
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

async function signIn(page, email, password) {
  await page.goto(demo.url + '/p/demo/sign-in');
  await page.getByLabel('Email address', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

test('an owner invites someone, who accepts and signs in; the owner changes the role', async () => {
  const owner = await (await browser.newContext()).newPage();
  await signIn(owner, demo.login, demo.password);
  await owner.locator('#balance-due').waitFor();
  await owner.getByRole('link', { name: 'Users' }).click();
  await owner.getByLabel('Email address', { exact: true }).fill('new.person@customer0.example');
  await owner.getByLabel('Role', { exact: true }).selectOption('billing');
  await owner.getByRole('button', { name: 'Send the invitation' }).click();
  await owner.getByText('The invitation is on its way.').waitFor();
  assert.match(await owner.locator('main').innerText(), /new\.person@customer0\.example/);
  assert.deepEqual(await axeViolations(owner), []);
  await screenshot(owner, 'users');

  const link = await demo.email(/^Accept the invitation: (http\S+)/m);
  const invitee = await (await browser.newContext()).newPage();
  await invitee.goto(link.replace(/^http:\/\/[^/]+/, demo.url));
  assert.match(await invitee.locator('main').innerText(), /as Billing, with the login new\.person@customer0\.example/);
  assert.deepEqual(await axeViolations(invitee), []);
  await screenshot(invitee, 'invitation');
  await invitee.getByLabel(/Choose a password/).fill('a new long password');
  await invitee.getByLabel('New password again').fill('a new long password');
  await invitee.getByRole('button', { name: 'Accept and sign in' }).click();
  await invitee.locator('#balance-due').waitFor();
  assert.equal(await invitee.getByRole('link', { name: 'Users' }).count(), 0, 'only owners manage users');

  await owner.reload();
  const row = owner.locator('tr', { hasText: 'new.person@customer0.example' });
  await row.getByRole('combobox').selectOption('viewer');
  await row.getByRole('button', { name: 'Change' }).click();
  await owner.locator('tr', { hasText: 'new.person@customer0.example' }).getByRole('combobox').waitFor();
  assert.equal(await owner.locator('tr', { hasText: 'new.person@customer0.example' }).getByRole('combobox').inputValue(), 'viewer');
  await owner.context().close();
  await invitee.context().close();
});

test('a forgotten password is replaced with the account number and an emailed code', async () => {
  const page = await (await browser.newContext()).newPage();
  const accounts = await demo.api('/v1/accounts?limit=100');
  const me = accounts.data.find((a) => a.emails.includes(demo.login));
  await page.goto(demo.url + '/p/demo/sign-in');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await page.getByLabel('Account number').fill(me.number);
  await page.getByLabel('Email address', { exact: true }).fill(demo.login);
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'forgot-password');
  await page.getByRole('button', { name: 'Email me a sign-in code' }).click();
  const code = await demo.email(/^Subject: (\d{6}) is your code to reset your password/m);
  await page.getByLabel('Sign-in code').fill(code);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByText('You are signed in: choose your new password below.').waitFor();
  await page.getByLabel('New password (at least 12 characters)').fill('my brand new password');
  await page.getByLabel('New password again').fill('my brand new password');
  await page.getByRole('button', { name: 'Set the password' }).click();
  await page.getByText('Saved.').waitFor();
  await page.context().close();

  const again = await (await browser.newContext()).newPage();
  await signIn(again, demo.login, 'my brand new password');
  await again.locator('#balance-due').waitFor();
  await again.context().close();
});
