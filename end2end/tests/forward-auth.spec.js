import fs from 'node:fs';
import http from 'node:http';

import { expect, test } from '@playwright/test';

import { newPhone, ready, signInFromHere, virtualAuthenticator, withoutAutofill } from '../support.mjs';

// Forward-auth through real proxies: Debian's nginx (auth_request) and Caddy
// (forward_auth), configured with deploy/'s documented files, in front of a site that
// prints the headers it gets (protected-site.mjs). sms-auth runs at
// auth.example.com with COOKIE_DOMAIN=example.com, so one sign-in serves
// app.example.com behind either proxy (playwright.config.js).

const AUTH = 'http://auth.example.com:3180';
const PROXIES = [
  { name: 'nginx', site: 'http://app.example.com:3180' },
  { name: 'Caddy', site: 'http://app.example.com:3181' },
];
const PUBLIC_ID = /^[0-9a-f]{32}$/;

const context = async (browser, js) =>
  browser.newContext({ locale: 'ru-RU', javaScriptEnabled: js });

/** The browser is on sms-auth's sign-in page, which will return to `url`. */
async function expectSentToSignIn(page, url, stepUp = {}) {
  await expect(page).toHaveURL(
    (u) =>
      u.origin === AUTH &&
      u.pathname === '/signup' &&
      u.searchParams.get('rd') === url &&
      u.searchParams.get('method') === (stepUp.method ?? null) &&
      u.searchParams.get('max_age') === (stepUp.maxAge ?? null),
  );
}

/** From sms-auth's sign-in page, signs in with a code to `phone`; the browser ends on `url`. */
async function signInBackTo(page, js, phone, url) {
  await signInFromHere(page, js, phone);
  await expect(page).toHaveURL(url);
}

/** Visits `url` behind a proxy, is sent to sign in, signs in and is back on `url`. */
async function visitAndSignIn(page, js, phone, url) {
  await page.goto(url);
  await expectSentToSignIn(page, url);
  await signInBackTo(page, js, phone, url);
  await expectPerson(page, phone, 'sms');
}

/** The protected page shows the person the proxy passed it. */
async function expectPerson(page, phone, method) {
  await expect(page.locator('h1')).toHaveText('A protected page');
  await expect(page.locator('#remote-user')).toHaveText(PUBLIC_ID);
  await expect(page.locator('#remote-phone')).toHaveText(`+${phone.digits}`);
  await expect(page.locator('#remote-auth-method')).toHaveText(method);
}

for (const { name, site } of PROXIES) {
  test.describe(`through ${name}`, () => {
    for (const js of [true, false]) {
      test(`a protected page sends to sign in and back; signing out there denies it again (JavaScript ${
        js ? 'on' : 'off'
      })`, async ({ browser }) => {
        const page = await (await context(browser, js)).newPage();
        const phone = newPhone();
        const url = `${site}/orders?page=2&sort=date`;
        await visitAndSignIn(page, js, phone, url);
        // The same person on the next visit, with no sign-in.
        const user = await page.locator('#remote-user').textContent();
        await page.goto(`${site}/profile`);
        await expect(page.locator('#remote-user')).toHaveText(user);

        // The site's "sign out" link: the page only asks; its button signs out and
        // returns to the site, which now sends to sign in.
        await page.click('#sign-out');
        await expect(page).toHaveURL((u) => u.origin === AUTH && u.pathname === '/signout');
        await ready(page, js);
        await page.click('form[action="/api/sign_out"] button[type="submit"]');
        await expectSentToSignIn(page, `${site}/profile`);
      });
    }

    test('"not me" from the owner\'s other browser denies the protected site within a second', async ({
      browser,
    }) => {
      const phone = newPhone();
      const stranger = await (await context(browser, false)).newPage();
      const owner = await (await context(browser, false)).newPage();
      await visitAndSignIn(stranger, false, phone, `${site}/`);

      // The owner signs in at sms-auth itself (the number's cooldown here is 2 s).
      await owner.waitForTimeout(2_000);
      await owner.goto(`${AUTH}/signup`);
      await signInBackTo(owner, false, phone, `${AUTH}/account`);
      await owner.locator('li.session:not(.current) button.not-me').click();
      await expect(owner.locator('li.session')).toHaveCount(1);

      await stranger.waitForTimeout(1_000);
      await stranger.goto(`${site}/`);
      await expectSentToSignIn(stranger, `${site}/`);
    });

    for (const js of [true, false]) {
      test(`a location with max_age sends an older sign-in to sign in again (JavaScript ${
        js ? 'on' : 'off'
      })`, async ({ browser }) => {
        const page = await (await context(browser, js)).newPage();
        const phone = newPhone();
        // Not signed in: any sign-in is recent, so the page asks nothing more. Just
        // signed in, the location passes.
        const url = `${site}/recent/report`;
        await page.goto(url);
        await expectSentToSignIn(page, url);
        await signInBackTo(page, js, phone, url);
        await expectPerson(page, phone, 'sms');
        // Its 5 seconds past: the sign-in page, which says why, then back again.
        await page.waitForTimeout(6_000);
        await page.goto(url);
        await expectSentToSignIn(page, url, { maxAge: '5' });
        await expect(page.locator('.step-up[role="status"]')).toHaveText(
          'Сайт, с которого вы пришли, просит войти заново: ваш последний вход старше, чем он допускает.',
        );
        await signInBackTo(page, js, phone, url);
        await expectPerson(page, phone, 'sms');
      });
    }

    test('a location asking for a passkey refuses a code\'s session, then passes a passkey\'s (JavaScript on)', async ({
      browser,
    }) => {
      const page = await (await context(browser, true)).newPage();
      await virtualAuthenticator(page);
      await withoutAutofill(page);
      const phone = newPhone();
      await visitAndSignIn(page, true, phone, `${site}/`);

      const url = `${site}/vault/`;
      await page.goto(url);
      await expectSentToSignIn(page, url, { method: 'passkey' });
      await expect(page.locator('.step-up[role="status"]')).toHaveText(STEP_UP_PASSKEY);

      // The note's way: add a passkey on the account page, then sign in with it.
      await page.goto(`${AUTH}/account`);
      await ready(page, true);
      await page.click('button.add-passkey');
      await expect(page.locator('li.passkey')).toHaveCount(1);
      await page.goto(url);
      await expectSentToSignIn(page, url, { method: 'passkey' });
      await ready(page, true);
      await page.getByRole('button', { name: 'Войти с ключом доступа' }).click();
      await expect(page).toHaveURL(url);
      await expectPerson(page, phone, 'passkey');

      // A site may link sms-auth's start page instead: its one-tap passkey returns too.
      await page.context().clearCookies();
      await page.goto(`${AUTH}/?rd=${encodeURIComponent(url)}`);
      await ready(page, true);
      await page.getByRole('button', { name: 'Войти с ключом доступа' }).click();
      await expect(page).toHaveURL(url);
      await expectPerson(page, phone, 'passkey');
    });

    test('a location asking for a passkey sends a code\'s session to sign in, and says why (JavaScript off)', async ({
      browser,
    }) => {
      const page = await (await context(browser, false)).newPage();
      const phone = newPhone();
      const url = `${site}/vault/`;
      await page.goto(url);
      await expectSentToSignIn(page, url, { method: 'passkey' });
      await expect(page.locator('.step-up[role="status"]')).toHaveText(STEP_UP_PASSKEY);
      // A code does not open it: back to the sign-in page, still saying why.
      await signInBackTo(page, false, phone, /\/signup\?/);
      await expectSentToSignIn(page, url, { method: 'passkey' });
      await expect(page.locator('.step-up[role="status"]')).toHaveText(STEP_UP_PASSKEY);
    });

    test('a client\'s own identity headers never reach the site', async ({ browser }) => {
      const page = await (await context(browser, false)).newPage();
      await page.setExtraHTTPHeaders({
        'Remote-User': 'admin',
        'Remote-Phone': '+70000000000',
        'Remote-Groups': 'admins',
        'Remote-Auth-Method': 'passkey',
      });
      // Not signed in: sent to sign in, never to the site.
      await page.goto(`${site}/`);
      await expectSentToSignIn(page, `${site}/`);

      // Signed in: the site gets the person, whatever the client says.
      const phone = newPhone();
      await signInBackTo(page, false, phone, `${site}/`);
      await expectPerson(page, phone, 'sms');
      await expect(page.locator('#remote-groups')).toHaveText(name === 'nginx' ? '(none)' : '');
    });
  });
}

/** A request to the Caddy-protected site from a script, not a browser: its status and `Location`. */
function requestCaddy(method, path, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: 3181, method, path, headers: { Host: 'app.example.com:3181', ...headers } },
      (res) => {
        res.resume();
        resolve({ status: res.statusCode, location: res.headers.location });
      },
    );
    req.on('error', reject);
    req.end(method === 'POST' ? 'item=1' : undefined);
  });
}

test('Caddy answers a script\'s request with 401, and a form\'s post with 303 to sign in', async () => {
  const xhr = await requestCaddy('GET', '/api/data', {
    Accept: 'text/html',
    'X-Requested-With': 'XMLHttpRequest',
  });
  expect(xhr.status).toBe(401);
  const api = await requestCaddy('GET', '/api/data', { Accept: 'application/json' });
  expect(api.status).toBe(401);
  const post = await requestCaddy('POST', '/orders', {
    Accept: 'text/html',
    'Content-Type': 'application/x-www-form-urlencoded',
  });
  expect(post.status).toBe(303);
  const to = new URL(post.location);
  expect(to.origin + to.pathname).toBe(`${AUTH}/signup`);
  expect(to.searchParams.get('rd')).toBe('http://app.example.com:3181/orders');
});

test('docs/forward-auth.md shows the configurations these tests run, verbatim', () => {
  const read = (path) => fs.readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
  const docs = read('docs/forward-auth.md');
  for (const [path, fence] of [
    ['deploy/nginx/sms-auth-location.conf', 'nginx'],
    ['deploy/nginx/sms-auth-authrequest.conf', 'nginx'],
    ['deploy/nginx/example.conf', 'nginx'],
    ['deploy/caddy/Caddyfile', 'caddyfile'],
  ]) {
    expect(docs, path).toContain(`\`\`\`${fence}\n${read(path)}\`\`\``);
  }
});

const STEP_UP_PASSKEY =
  'Сайт, с которого вы пришли, просит войти с ключом доступа. Войдите с ним ниже; если ключа ещё нет, сначала войдите по коду и добавьте ключ на странице аккаунта.';
