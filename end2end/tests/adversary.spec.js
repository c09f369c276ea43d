import { expect, test } from '@playwright/test';

import { lastCode, newPhone, ready, requestCode } from '../support.mjs';

// The e2e server locks a number after 5 wrong codes an hour (playwright.config.js),
// so one stranger's code is enough to burn the number's shared allowance.
test.use({ locale: 'ru-RU' });

async function submitCode(page, code) {
  await page.fill('input[name="code"]', code);
  await page.click('form[action="/api/verify_code"] button[type="submit"]');
}

test('the owner signs in from their own browser while a stranger burns the number', async ({
  browser,
}) => {
  test.setTimeout(60_000);
  const phone = newPhone();
  const owner = await (await browser.newContext({ locale: 'ru-RU' })).newPage();
  const stranger = await (await browser.newContext({ locale: 'ru-RU' })).newPage();

  // The owner has signed in from this browser before, then signed out.
  await requestCode(owner, true, phone);
  await submitCode(owner, await lastCode(phone.digits));
  await expect(owner).toHaveURL(/\/account$/);
  await owner.click('form[action="/api/sign_out"] button[type="submit"]');
  await expect(owner).toHaveURL(/localhost:3100\/$/);

  // A stranger who knows the number asks for a code (after the cooldown of the
  // owner's, which was asked for before the owner's browser was known) and guesses
  // until the number is locked.
  await stranger.waitForTimeout(10_000);
  await requestCode(stranger, true, phone);
  const strangersCode = await lastCode(phone.digits);
  const wrong = strangersCode === '000000' ? '111111' : '000000';
  for (let guess = 1; guess < 5; guess += 1) {
    await submitCode(stranger, wrong);
    await expect(stranger.locator('[role="alert"]')).toHaveText(
      `Неверный код. Осталось попыток: ${5 - guess}.`,
    );
  }
  await submitCode(stranger, wrong);
  await expect(stranger.locator('[role="alert"]')).toHaveText(
    /Вход заблокирован до \d\d:\d\d МСК/,
  );

  // ... and keeps asking for new codes every couple of seconds.
  const refusals = [];
  let attacking = true;
  const attack = (async () => {
    while (attacking) {
      const response = await stranger.request.post('/api/request_code', {
        form: { phone: phone.written },
      });
      refusals.push(response.status());
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  })();

  try {
    // The owner's browser still gets a code and signs in.
    await owner.goto('/signup');
    await ready(owner, true);
    await owner.fill('input[name="phone"]', phone.written);
    await owner.click('form[action="/api/request_code"] button[type="submit"]');
    await expect(owner).toHaveURL(/\/verify$/);
    await expect(owner.locator('[role="alert"]')).toHaveCount(0);
    await submitCode(owner, await lastCode(phone.digits));
    await expect(owner).toHaveURL(/\/account$/);
    await expect(owner.locator('dd.phone')).toHaveText(phone.display);
    // Let the stranger try a few more times while the owner is in.
    await owner.waitForTimeout(4_500);
  } finally {
    attacking = false;
    await attack;
  }
  expect(refusals.length).toBeGreaterThanOrEqual(3);
  expect(new Set(refusals)).toEqual(new Set([429]));

  // The stranger's browser is still locked out.
  await stranger.goto('/signup');
  await ready(stranger, true);
  await stranger.fill('input[name="phone"]', phone.written);
  await stranger.click('form[action="/api/request_code"] button[type="submit"]');
  await expect(stranger.locator('[role="alert"]')).toContainText('заблокирован до');
});
