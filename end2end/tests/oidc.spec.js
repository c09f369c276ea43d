import { expect, test } from '@playwright/test';

import { newPhone, ready, signInFromHere, virtualAuthenticator, withoutAutofill } from '../support.mjs';

// Sign in with sms-auth through a certified relying party: Debian's Apache with
// mod_auth_openidc (deploy/apache's documented file, unchanged) protects a page on
// 127.0.0.1:3185 and signs people in at the sms-auth on localhost:3120, an OpenID
// provider with Apache registered as a client (playwright.config.js). The page prints
// the claims mod_auth_openidc passes it.

const OP = 'http://localhost:3120';
const SITE = 'http://127.0.0.1:3185';
const PAGE = `${SITE}/protected/`;
const PUBLIC_ID = /^[0-9a-f]{32}$/;

const context = async (browser, js) =>
  browser.newContext({ locale: 'ru-RU', javaScriptEnabled: js });

/** The browser is on sms-auth's sign-in page, which will return to the authorization. */
async function expectSentToSignIn(page) {
  await expect(page).toHaveURL(
    (u) =>
      u.origin === OP &&
      u.pathname === '/signup' &&
      (u.searchParams.get('rd') ?? '').startsWith(`${OP}/oidc/authorize?client_id=apache&`),
  );
}


/** The consent screen asks about Apache; the person allows. */
async function allow(page) {
  await expect(page).toHaveURL((u) => u.origin === OP && u.pathname === '/oidc/consent');
  await expect(page.locator('.app-name')).toHaveText('Apache');
  await expect(page.locator('p.lead')).toContainText('узнает ваш номер телефона');
  await page.getByRole('button', { name: 'Разрешить' }).click();
}

/** The protected page, with the claims Apache passed it. */
async function expectClaims(page, phone, amr) {
  await expect(page).toHaveURL(PAGE);
  await expect(page.locator('h1')).toHaveText('A page behind Apache');
  await expect(page.locator('#sub')).toHaveText(PUBLIC_ID);
  await expect(page.locator('#phone')).toHaveText(`+${phone.digits}`);
  await expect(page.locator('#amr')).toHaveText(amr);
}

/** A first visit to Apache's page: sent to sign in by code, consents, lands with the claims. */
async function firstVisit(page, js, phone) {
  await page.goto(PAGE);
  await expectSentToSignIn(page);
  await signInFromHere(page, js, phone);
  await allow(page);
  await expectClaims(page, phone, 'sms');
}

for (const js of [true, false]) {
  test(`Apache's page sends to sign in by code, asks consent once, shows the claims, and its logout ends the sign-in (JavaScript ${
    js ? 'on' : 'off'
  })`, async ({ browser }) => {
    const page = await (await context(browser, js)).newPage();
    const phone = newPhone();
    await firstVisit(page, js, phone);
    const sub = await page.locator('#sub').textContent();

    // A new session at Apache asks nothing: the person is signed in, and consented.
    await page.context().clearCookies({ domain: '127.0.0.1' });
    await page.goto(PAGE);
    await expectClaims(page, phone, 'sms');
    await expect(page.locator('#sub')).toHaveText(sub);

    // The site's logout signs out of sms-auth too, and comes back.
    await page.click('#logout');
    await expect(page).toHaveURL(`${SITE}/loggedout.html`);
    await page.goto(`${OP}/account`);
    await expect(page).toHaveURL((u) => u.origin === OP && u.pathname === '/signup');
    await page.goto(PAGE);
    await expectSentToSignIn(page);
  });
}

test('a passkey signs in for Apache, and the page is told so (amr)', async ({ browser }) => {
  const page = await (await context(browser, true)).newPage();
  await virtualAuthenticator(page);
  await withoutAutofill(page);
  const phone = newPhone();
  await firstVisit(page, true, phone);

  await page.goto(`${OP}/account`);
  await ready(page, true);
  await page.click('button.add-passkey');
  await expect(page.locator('li.passkey')).toHaveCount(1);

  await page.context().clearCookies();
  await page.goto(PAGE);
  await expectSentToSignIn(page);
  await ready(page, true);
  await page.getByRole('button', { name: 'Войти с ключом доступа' }).click();
  await expectClaims(page, phone, 'hwk,user');
});

test('the account page lists Apache as a connected app; disconnecting it makes Apache ask again', async ({
  browser,
}) => {
  const page = await (await context(browser, true)).newPage();
  const phone = newPhone();
  await firstVisit(page, true, phone);

  await page.goto(`${OP}/account`);
  await ready(page, true);
  const apps = page.locator('section.apps');
  await expect(apps.locator('h2')).toHaveText('Подключённые приложения');
  await expect(apps.locator('li.app')).toHaveCount(1);
  await expect(apps.locator('li.app .app-name')).toHaveText('Apache');
  await expect(apps.locator('li.app')).toContainText('знает ваш номер телефона');
  await apps.getByRole('button', { name: 'Отключить' }).click();
  await expect(apps.getByRole('status')).toContainText('Приложение отключено');
  await expect(apps.locator('li.app')).toHaveCount(0);

  // The activity tells the consent, the sign-in to the app and the disconnection.
  await page.goto(`${OP}/account/activity`);
  await expect(page.locator('li.event').filter({ hasText: 'Apache' })).toHaveText([
    /Приложение отключено — Apache/,
    /Вход в приложение — Apache/,
    /Приложению разрешён вход — Apache/,
  ]);

  // A new session at Apache: sms-auth still knows the person, but asks again.
  await page.context().clearCookies({ domain: '127.0.0.1' });
  await page.goto(PAGE);
  await allow(page);
  await expectClaims(page, phone, 'sms');
});

test('a person who denies is not signed in to Apache', async ({ browser }) => {
  const page = await (await context(browser, false)).newPage();
  const phone = newPhone();
  await page.goto(PAGE);
  await expectSentToSignIn(page);
  await signInFromHere(page, false, phone);
  await expect(page).toHaveURL((u) => u.pathname === '/oidc/consent');
  await page.getByRole('button', { name: 'Отказать' }).click();
  // Back at Apache with the refusal (mod_auth_openidc 2.4.12 then shows an error of
  // its own: it takes an error response carrying `iss`, RFC 9207, for a discovery
  // response). The page stays closed: the next visit asks again.
  await expect(page).toHaveURL(
    (u) =>
      u.origin === SITE &&
      u.pathname === '/protected/redirect_uri' &&
      u.searchParams.get('error') === 'access_denied' &&
      u.searchParams.get('iss') === OP,
  );
  await expect(page.locator('body')).not.toContainText('A page behind Apache');
  await page.goto(PAGE);
  await expect(page).toHaveURL((u) => u.origin === OP && u.pathname === '/oidc/consent');
});

test('docs/oidc.md shows the Apache file the tests run, verbatim', async () => {
  const fs = await import('node:fs');
  const root = new URL('../../', import.meta.url);
  const doc = fs.readFileSync(new URL('docs/oidc.md', root), 'utf8');
  const conf = fs.readFileSync(new URL('deploy/apache/sms-auth-oidc.conf', root), 'utf8');
  expect(doc).toContain('```apache\n' + conf + '```');
});
