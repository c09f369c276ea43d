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

/** The code of the last SMS the fake Exolve got for `digits`, from its WebOTP line. */
export async function lastCode(digits) {
  const response = await fetch(`${EXOLVE}/messages?destination=${digits}`);
  const messages = await response.json();
  expect(messages.length).toBeGreaterThan(0);
  const lastLine = messages.at(-1).text.trim().split('\n').at(-1);
  expect(lastLine).toMatch(/^@127\.0\.0\.1 #\d{6}$/);
  return lastLine.split('#')[1];
}

export async function sentCount(digits) {
  const response = await fetch(`${EXOLVE}/messages?destination=${digits}`);
  return (await response.json()).length;
}

export async function ready(page, js) {
  if (js) await page.waitForSelector('body[data-hydrated]');
}

export async function requestCode(page, js, phone) {
  await page.goto('/signup');
  await ready(page, js);
  await page.fill('input[name="phone"]', phone.written);
  await page.click('form[action="/api/request_code"] button[type="submit"]');
  await expect(page).toHaveURL(/\/verify$/);
  await expect(page.locator('.sent-to .phone')).toHaveText(phone.masked);
}

