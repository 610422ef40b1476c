// Sign in with an OpenID Connect provider in Chromium (issue 10, A5), against a real provider
// run locally (npm oidc-provider): the tenant configures it through the API; a customer signed
// in by password links the provider's account on the profile (the provider's own login and
// consent pages), signs out and signs in with it alone; an account of the provider linked to
// no login is turned away with a clear message; an invitation is accepted by signing in with
// the provider, and works once. axe on every Remit page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launch, axeViolations, screenshot } from './harness.mjs';
import { startOidcProvider } from './oidc_provider.mjs';

let demo, idp, browser;
before(async () => {
  demo = await startDemo({ publicUrl: true });
  idp = await startOidcProvider({ redirectUri: demo.url + '/p/demo/oidc/callback' });
  await demo.api('/v1/portal/oidc-providers', {
    name: 'Local IdP', kind: 'oidc', issuer: idp.issuer, client_id: idp.clientId, client_secret: idp.clientSecret,
  });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await idp?.stop();
  demo?.stop();
});

// The provider's own pages: any login name and password, then consent when it asks.
async function providerLogin(page, login) {
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('anything');
  await page.locator('button[type="submit"]').click();
  await page.waitForLoadState();
  if (new URL(page.url()).origin === idp.issuer) await page.locator('button[type="submit"]').click();
}

test('a customer links a provider account, then signs in with it alone', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(demo.url + '/');
  await page.getByLabel('Email address', { exact: true }).fill(demo.login);
  await page.getByLabel('Password').fill(demo.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.locator('#balance-due').waitFor();

  await page.goto(demo.url + '/p/demo/profile');
  await page.getByRole('button', { name: 'Link your Local IdP account' }).click();
  await page.waitForURL((u) => u.origin === idp.issuer);
  await providerLogin(page, 'customer-zero');
  await page.waitForURL(/\/profile\?linked=1/);
  assert.match(await page.locator('#identities ~ ul').innerText(), /Local IdP: linked \(customer-zero@idp\.example\)/);
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'profile-linked');

  // Signed out, the provider's button signs in (the provider remembers its own session).
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.getByRole('link', { name: 'Sign in with Local IdP' }).waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'sign-in-oidc');
  await page.getByRole('link', { name: 'Sign in with Local IdP' }).click();
  await page.locator('#balance-due').waitFor();
  const session = (await context.cookies()).find((c) => c.name === '__Host-remit_session');
  assert.ok(session, 'signed in');
  assert.equal((await context.cookies()).find((c) => c.name === '__Host-remit_oidc'), undefined, 'the flow cookie is gone');
  await context.close();
});

test('a provider account linked to no login is turned away, and a forged callback too', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(demo.url + '/p/demo/sign-in');
  await page.getByRole('link', { name: 'Sign in with Local IdP' }).click();
  await page.waitForURL((u) => u.origin === idp.issuer);
  await providerLogin(page, 'a-stranger');
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').innerText(), /not linked to a login here/);
  assert.equal((await context.cookies()).find((c) => c.name === '__Host-remit_session'), undefined);
  assert.deepEqual(await axeViolations(page), []);

  // A callback with no flow of this browser (login CSRF) signs nothing in.
  await page.goto(demo.url + '/p/demo/oidc/callback?code=stolen&state=guess');
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').innerText(), /did not work/);
  assert.equal((await context.cookies()).find((c) => c.name === '__Host-remit_session'), undefined);
  await context.close();
});

test('an invitation is accepted by signing in with the provider, once', async () => {
  const owner = await (await browser.newContext()).newPage();
  await owner.goto(demo.url + '/p/demo/sign-in');
  await owner.getByLabel('Email address', { exact: true }).fill(demo.login);
  await owner.getByLabel('Password').fill(demo.password);
  await owner.getByRole('button', { name: 'Sign in', exact: true }).click();
  await owner.getByRole('link', { name: 'Users' }).click();
  await owner.getByLabel('Email address', { exact: true }).fill('idp.person@customer0.example');
  await owner.getByLabel('Role', { exact: true }).selectOption('viewer');
  await owner.getByRole('button', { name: 'Send the invitation' }).click();
  await owner.getByText('The invitation is on its way.').waitFor();
  const link = (await demo.email(/^Accept the invitation: (http\S+)/m)).replace(/^http:\/\/[^/]+/, demo.url);

  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(link);
  assert.match(await page.locator('main').innerText(), /with the login idp\.person@customer0\.example/);
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'invitation-oidc');
  await page.getByRole('link', { name: 'Accept with Local IdP' }).click();
  await page.waitForURL((u) => u.origin === idp.issuer);
  await providerLogin(page, 'invited-person');
  await page.locator('#balance-due').waitFor();
  assert.equal(await page.getByRole('link', { name: 'Users' }).count(), 0, 'a viewer, as invited');
  assert.match(await page.locator('header').innerText(), /idp\.person@customer0\.example/);

  // The owner sees the new login; the provider's account now signs in alone.
  await owner.reload();
  assert.match(await owner.locator('main').innerText(), /idp\.person@customer0\.example/);
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.getByRole('link', { name: 'Sign in with Local IdP' }).click();
  await page.locator('#balance-due').waitFor();
  assert.match(await page.locator('header').innerText(), /idp\.person@customer0\.example/);

  // The link worked once: it now shows no way to accept.
  await page.goto(link);
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').innerText(), /not valid/);
  assert.equal(await page.getByRole('link', { name: 'Accept with Local IdP' }).count(), 0);
  await owner.context().close();
  await context.close();
});
