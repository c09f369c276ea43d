// End-to-end: the conversion guard's challenge in a real browser. A range whose codes
// are never entered is challenged; a new number there signs in with JavaScript on
// (the browser solves the proof of work, for the code and for "send again": the
// person only waits), is told why with JavaScript off, and the owner's known browser
// is never asked.
import { expect, test } from '@playwright/test';

import { lastCode, ready, requestCode, sentCount } from '../support.mjs';

test.use({ locale: 'ru-RU' });

/** The number `n` (0–999) of the range `+7 900 <range>`, as the helpers take it. */
function inRange(range, n) {
  const rest = `${range}${String(n).padStart(3, '0')}`;
  return {
    written: `+7 900 ${rest.slice(0, 3)}-${rest.slice(3, 5)}-${rest.slice(5)}`,
    digits: `7900${rest}`,
    masked: `+7900***${rest.slice(3)}`,
  };
}

test('a challenged range: solved with JavaScript on, told with it off, never asked of the owner', async ({
  browser,
}) => {
  test.setTimeout(60_000);
  // A range of its own for each run: 55x x (4 digits) before the last 3.
  const range = `55${Math.floor(Math.random() * 100)
    .toString()
    .padStart(2, '0')}`;

  // The owner of a number in the range signed in from this browser before.
  const owner = await (await browser.newContext({ locale: 'ru-RU' })).newPage();
  const ownersPhone = inRange(range, 999);
  await requestCode(owner, true, ownersPhone);
  await owner.fill('input[name="code"]', await lastCode(ownersPhone.digits));
  await owner.click('form[action="/api/verify_code"] button[type="submit"]');
  await expect(owner).toHaveURL(/\/account$/);
  await owner.click('form[action="/api/sign_out"] button[type="submit"]');
  await expect(owner).toHaveURL(/localhost:3100\/$/);

  // Bots ask for codes to nine more numbers of the range and enter none: 10 sent,
  // 1 entered, and the range is challenged.
  const bots = (await browser.newContext()).request;
  for (let n = 0; n < 9; n += 1) {
    const response = await bots.post('/api/request_code', {
      form: { phone: inRange(range, n).written },
    });
    expect(response.status()).toBe(200);
  }
  const refused = await bots.post('/api/request_code', {
    form: { phone: inRange(range, 100).written },
  });
  expect(refused.status()).toBe(403);
  expect(Object.keys(await refused.json())).toEqual(['ChallengeRequired']);

  // JavaScript off: the form's page says why and until when; no code goes out.
  const noScript = await (
    await browser.newContext({ locale: 'ru-RU', javaScriptEnabled: false })
  ).newPage();
  await noScript.goto('/signup');
  await noScript.fill('input[name="phone"]', inRange(range, 101).written);
  await noScript.click('form[action="/api/request_code"] button[type="submit"]');
  await expect(noScript.locator('[role="alert"]')).toContainText('нужен JavaScript');
  await expect(noScript.locator('[role="alert"]')).toContainText(/попробуйте после \d\d:\d\d МСК/);
  await expect(noScript).toHaveURL(/\/signup/);

  // JavaScript on: the browser solves the challenge and the code goes out.
  const newcomer = await (await browser.newContext({ locale: 'ru-RU' })).newPage();
  const phone = inRange(range, 102);
  await newcomer.goto('/signup');
  await ready(newcomer, true);
  await newcomer.fill('input[name="phone"]', phone.written);
  await newcomer.click('form[action="/api/request_code"] button[type="submit"]');
  await expect(newcomer).toHaveURL(/\/verify$/, { timeout: 20_000 });
  await expect(newcomer.locator('.sent-to .phone')).toHaveText(phone.masked);
  expect(await sentCount(phone.digits)).toBe(1);

  // "Send again" is challenged too (the number is still new), and solved the same way.
  await expect(newcomer.locator('.countdown')).toBeEmpty({ timeout: 15_000 });
  await newcomer.click('form[action="/api/resend_code"] button[type="submit"]');
  await expect.poll(() => sentCount(phone.digits), { timeout: 20_000 }).toBe(2);
  await expect(newcomer).toHaveURL(/\/verify$/);
  await expect(newcomer.locator('[role="alert"]')).toHaveCount(0);
  await newcomer.fill('input[name="code"]', await lastCode(phone.digits));
  await newcomer.click('form[action="/api/verify_code"] button[type="submit"]');
  await expect(newcomer).toHaveURL(/\/account$/);

  // The owner's known browser: a code at once, no challenge.
  await requestCode(owner, true, ownersPhone);
  await owner.fill('input[name="code"]', await lastCode(ownersPhone.digits));
  await owner.click('form[action="/api/verify_code"] button[type="submit"]');
  await expect(owner).toHaveURL(/\/account$/);
});
