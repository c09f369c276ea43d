import { expect, test } from '@playwright/test';

import { newPhone, ready, sentCount, signIn, virtualAuthenticator, withoutAutofill } from '../support.mjs';

// Passkeys in Chromium, with its virtual authenticator over the DevTools protocol (a
// platform authenticator with resident keys and user verification): a sign-in by
// SMS, a passkey added, a sign-in with it that sends no code, its removal, and the
// server refusing an answer whose user-verified bit is cleared.

/** How many passkey answers the server has refused, from its metrics. */
async function refusedByServer(page) {
  const metrics = await (await page.request.get('/metrics')).text();
  const line = metrics.split('\n').find((l) => l.startsWith('sms_auth_passkeys_total{result="refused"}'));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

async function addPasskey(page) {
  await page.goto('/account');
  await ready(page, true);
  await page.click('button.add-passkey');
  await expect(page.locator('.passkeys [role="status"]')).toHaveText(
    'Ключ доступа добавлен. В следующий раз входите с ним.',
  );
  await expect(page.locator('li.passkey')).toHaveCount(1);
}

async function signOut(page) {
  await page.click('form[action="/api/sign_out"] button[type="submit"]');
  await expect(page).toHaveURL(/localhost:3100\/$/);
}

async function passkeyButton(page) {
  await page.goto('/signup');
  await ready(page, true);
  return page.getByRole('button', { name: 'Войти с ключом доступа' });
}

/**
 * A browser that signed in by code, added a passkey and signed out; `codes`: the codes
 * sent so far. `autofill`: whether the browser's autofill may offer the passkey.
 */
async function signedOutWithPasskey(browser, { autofill = false } = {}) {
  const page = await (await browser.newContext({ locale: 'ru-RU' })).newPage();
  if (!autofill) await withoutAutofill(page);
  await virtualAuthenticator(page);
  const phone = newPhone();
  await signIn(page, true, phone);
  await addPasskey(page);
  await signOut(page);
  return { page, phone, codes: await sentCount(phone.digits) };
}

test('SMS sign-in, add a passkey, sign in with it (no code sent), remove it: it no longer signs in', async ({
  browser,
}) => {
  const { page, phone, codes } = await signedOutWithPasskey(browser);
  await (await passkeyButton(page)).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.locator('dd.phone')).toHaveText(phone.display);
  await expect(page.locator('li.passkey .name')).toHaveText('Chrome, Linux');
  await expect(page.locator('li.session.current .method')).toHaveText('вход с ключом доступа');
  expect(await sentCount(phone.digits)).toBe(codes);

  // A passkey session may not add another: the page asks for a fresh code first.
  await expect(page.locator('.passkeys .fresh')).toBeVisible();
  await expect(page.locator('button.add-passkey')).toHaveCount(0);

  await page.click('li.passkey button.remove');
  await expect(page.locator('li.passkey')).toHaveCount(0);
  await signOut(page);
  await (await passkeyButton(page)).click();
  await expect(page.locator('.passkey-sign-in [role="alert"]')).toHaveText(
    'Этот ключ доступа здесь не зарегистрирован или удалён. Войдите по коду из SMS.',
  );
  await expect(page).toHaveURL(/\/signup$/);
});

test('an answer with the user-verified bit cleared is refused by the server', async ({ browser }) => {
  const page = await (await browser.newContext({ locale: 'ru-RU' })).newPage();
  await withoutAutofill(page);
  const { cdp, authenticatorId } = await virtualAuthenticator(page);
  const phone = newPhone();
  await signIn(page, true, phone);
  await addPasskey(page);
  await signOut(page);

  const refusals = () => refusedByServer(page);
  const before = await refusals();
  await cdp.send('WebAuthn.setResponseOverrideBits', {
    authenticatorId,
    isBogusSignature: false,
    isBadUV: true,
    isBadUP: false,
  });
  await (await passkeyButton(page)).click();
  await expect(page.locator('.passkey-sign-in [role="alert"]')).toHaveText(
    'Ответ ключа доступа не прошёл проверку. Попробуйте ещё раз или войдите по коду из SMS.',
  );
  // The browser sent the answer; the server refused it.
  expect(await refusals()).toBe(before + 1);
  await page.goto('/account');
  await expect(page).toHaveURL(/\/signup$/);
});

// Chromium's virtual authenticator answers the autofill's pending request the way a
// person picks the passkey among the phone field's suggestions.
test('the phone field offers the passkey in its autofill: picking it signs in', async ({ browser }) => {
  const { page, phone, codes } = await signedOutWithPasskey(browser, { autofill: true });
  // The field asks for the site's passkeys among its suggestions. Read from the page's
  // HTML: once the page is open, the authenticator may answer (and the browser leave
  // for /account) before a check of the live field could run.
  const html = await (await page.request.get('/signup')).text();
  expect(html).toMatch(/<input[^>]*name="phone"[^>]*autocomplete="tel webauthn"/);
  await page.goto('/signup');
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.locator('dd.phone')).toHaveText(phone.display);
  expect(await sentCount(phone.digits)).toBe(codes);
});

test('the start page offers the passkey at one tap: it signs in, no code sent', async ({ browser }) => {
  const { page, phone, codes } = await signedOutWithPasskey(browser);
  await page.goto('/');
  await ready(page, true);
  await expect(page.locator('a.button[href="/signup"]')).toBeVisible();
  await page.getByRole('button', { name: 'Войти с ключом доступа' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.locator('li.session.current .method')).toHaveText('вход с ключом доступа');
  expect(await sentCount(phone.digits)).toBe(codes);
});

test('JavaScript off shows no passkey button', async ({ browser }) => {
  const page = await (await browser.newContext({ locale: 'ru-RU' })).newPage();
  await passkeyButton(page);
  await expect(page.locator('html')).toHaveAttribute('data-passkeys', 'on');

  const off = await (await browser.newContext({ locale: 'ru-RU', javaScriptEnabled: false })).newPage();
  await off.goto('/signup');
  await expect(off.locator('form[action="/api/request_code"]')).toBeVisible();
  await expect(off.getByRole('button', { name: 'Войти с ключом доступа' })).toHaveCount(0);
  await off.goto('/');
  await expect(off.locator('a.button[href="/signup"]')).toBeVisible();
  await expect(off.getByRole('button', { name: 'Войти с ключом доступа' })).toHaveCount(0);
});
