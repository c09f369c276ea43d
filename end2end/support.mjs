// What the end-to-end specs share: fresh numbers, the codes the fake Exolve got, and
// the steps every sign-in begins with.
import { expect } from '@playwright/test';

export const EXOLVE = 'http://127.0.0.1:3199';

/** A fresh Russian mobile number per test, as a person would type it. */
export function newPhone() {
  const rest = String(Math.floor(Math.random() * 1e7)).padStart(7, '0');
  return {
    written: `8 (999) ${rest.slice(0, 3)}-${rest.slice(3, 5)}-${rest.slice(5)}`,
    digits: `7999${rest}`,
    masked: `+7999***${rest.slice(3)}`,
    display: `+7 999 ${rest.slice(0, 3)}-${rest.slice(3, 5)}-${rest.slice(5)}`,
  };
}

// The WebOTP line names the sign-in's host: localhost, or auth.example.localhost for
// the forward-auth tests.
const WEBOTP_LINE = /^@[a-z.]+ #\d{6}$/;

const lastLine = (message) => message.text.trim().split('\n').at(-1);

async function messagesTo(digits) {
  const response = await fetch(`${EXOLVE}/messages?destination=${digits}`);
  return response.json();
}

/** The code of the last code SMS the fake Exolve got for `digits`, from its WebOTP line. */
export async function lastCode(digits) {
  const codes = (await messagesTo(digits)).filter((m) => WEBOTP_LINE.test(lastLine(m)));
  expect(codes.length).toBeGreaterThan(0);
  return lastLine(codes.at(-1)).split('#')[1];
}

/** How many code SMS went to `digits`. */
export async function sentCount(digits) {
  return (await messagesTo(digits)).filter((m) => WEBOTP_LINE.test(lastLine(m))).length;
}

/** The texts of the alerts (every SMS but codes) that went to `digits`. */
export async function alertsTo(digits) {
  return (await messagesTo(digits)).filter((m) => !WEBOTP_LINE.test(lastLine(m))).map((m) => m.text);
}

export async function ready(page, js) {
  if (js) await page.waitForSelector('body[data-hydrated]');
}

/** Signs `page` in with a code to `phone`: it ends on /account. */
export async function signIn(page, js, phone) {
  await requestCode(page, js, phone);
  await page.fill('input[name="code"]', await lastCode(phone.digits));
  await page.click('form[action="/api/verify_code"] button[type="submit"]');
  await expect(page).toHaveURL(/\/account$/);
}

/** From the sign-in page `page` is on (a site or an app sent it there), signs in
 * with a code to `phone`; the browser then goes back where the sign-in was asked. */
export async function signInFromHere(page, js, phone) {
  await ready(page, js);
  await page.fill('input[name="phone"]', phone.written);
  await page.click('form[action="/api/request_code"] button[type="submit"]');
  await expect(page).toHaveURL(new URL('/verify', page.url()).href);
  await page.fill('input[name="code"]', await lastCode(phone.digits));
  await page.click('form[action="/api/verify_code"] button[type="submit"]');
}

export async function requestCode(page, js, phone) {
  await page.goto('/signup');
  await ready(page, js);
  await page.fill('input[name="phone"]', phone.written);
  await page.click('form[action="/api/request_code"] button[type="submit"]');
  await expect(page).toHaveURL(/\/verify$/);
  await expect(page.locator('.sent-to .phone')).toHaveText(phone.masked);
}

/** Chromium's virtual authenticator (a platform one with resident keys and user
 * verification) for `page`, over the DevTools protocol. */
export async function virtualAuthenticator(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

/** A browser whose autofill cannot offer passkeys: the button is the way in. */
export async function withoutAutofill(page) {
  await page.addInitScript(() => {
    if (window.PublicKeyCredential) {
      PublicKeyCredential.isConditionalMediationAvailable = () => Promise.resolve(false);
    }
  });
}
