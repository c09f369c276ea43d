import { expect, test } from '@playwright/test';

import { EXOLVE, lastCode, newPhone, ready, requestCode, sentCount } from '../support.mjs';

for (const js of [true, false]) {
  test.describe(`JavaScript ${js ? 'on' : 'off'}`, () => {
    test.use({ javaScriptEnabled: js, locale: 'ru-RU' });

    test('signs in from the start page, sees the account, signs out', async ({ page }) => {
      const phone = newPhone();
      await page.goto('/');
      await ready(page, js);
      await page.click('main a[href="/signup"]');
      await expect(page).toHaveURL(/\/signup$/);
      await page.fill('input[name="phone"]', phone.written);
      await page.click('form[action="/api/request_code"] button[type="submit"]');
      await expect(page).toHaveURL(/\/verify$/);
      await expect(page.locator('.sent-to .phone')).toHaveText(phone.masked);
      await page.fill('input[name="code"]', await lastCode(phone.digits));
      await page.click('form[action="/api/verify_code"] button[type="submit"]');
      await expect(page).toHaveURL(/\/account$/);
      await expect(page.locator('dd.phone')).toHaveText(phone.display);
      await expect(page.locator('dd.account-number')).toHaveText(/^\d{8}$/);
      await expect(page).toHaveTitle('Личный кабинет · Вход по SMS');
      // Each screen is a page load (islands): the account's island, a chunk of its
      // own, hydrates too.
      await ready(page, js);

      await page.click('form[action="/api/sign_out"] button[type="submit"]');
      await expect(page).toHaveURL(/localhost:3100\/$/);
      await page.goto('/account');
      await expect(page).toHaveURL(/\/signup$/);
    });

    test('a wrong code is told with the tries left, then the right one works', async ({ page }) => {
      const phone = newPhone();
      await requestCode(page, js, phone);
      const code = await lastCode(phone.digits);
      const wrong = code === '000000' ? '111111' : '000000';
      await page.fill('input[name="code"]', wrong);
      await page.click('form[action="/api/verify_code"] button[type="submit"]');
      await expect(page.locator('[role="alert"]')).toHaveText('Неверный код. Осталось попыток: 4.');
      await page.fill('input[name="code"]', code);
      await page.click('form[action="/api/verify_code"] button[type="submit"]');
      await expect(page).toHaveURL(/\/account$/);
    });

    test('an invalid number is told and sends nothing', async ({ page }) => {
      await page.goto('/signup');
      await ready(page, js);
      await page.fill('input[name="phone"]', '8 (495) 123-45-67');
      await page.click('form[action="/api/request_code"] button[type="submit"]');
      await expect(page.locator('[role="alert"]')).toContainText('Это не похоже на номер мобильного');
      await expect(page).toHaveURL(/\/signup/);
      expect(await sentCount('74951234567')).toBe(0);
    });

    test('send again inside the cooldown is refused with the seconds left', async ({ page }) => {
      const phone = newPhone();
      await requestCode(page, js, phone);
      if (js) {
        // The countdown is the verify island's: once hydrated it counts down in place.
        await ready(page, js);
        const left = async () => Number((await page.locator('.countdown').textContent()).match(/\d+/)[0]);
        const first = await left();
        await expect.poll(left).toBeLessThan(first);
      }
      await page.click('form[action="/api/resend_code"] button[type="submit"]');
      await expect(page.locator('[role="alert"]')).toContainText(/Новый можно запросить через \d+ с/);
      expect(await sentCount(phone.digits)).toBe(1);
    });
  });
}

test.describe('language', () => {
  test.use({ locale: 'ru-RU' });

  test('Russian by default, switched to English and remembered', async ({ page }) => {
    await page.goto('/');
    await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
    await page.click('a[hreflang="en"]');
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.locator('h1')).toHaveText('Sign in with a code by SMS');
    await page.goto('/signup');
    await expect(page.locator('label[for="phone"]')).toHaveText('Mobile number');
    // What an island says once hydrated is in the page's language too: it reads it
    // from the page, having none of the server's context.
    await ready(page, true);
    await page.fill('input[name="phone"]', '8 (495) 123-45-67');
    await page.click('form[action="/api/request_code"] button[type="submit"]');
    await expect(page.locator('[role="alert"]')).toHaveText('This is not a valid mobile number. Check it and try again.');
    await expect(page).toHaveURL(/\/signup$/);
  });
});

test.describe('the HTTP edge', () => {
  test.use({ locale: 'ru-RU' });

  test('pages hydrate under their Content-Security-Policy with no violation', async ({ page }) => {
    const violations = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    const response = await page.goto('/signup');
    const csp = response.headers()['content-security-policy'];
    expect(csp).toMatch(/script-src 'self' 'nonce-[^']+' 'wasm-unsafe-eval'/);
    expect(csp).toContain("frame-ancestors 'none'");
    await ready(page, true);
    expect(violations).toEqual([]);
  });

  test('a form on another site cannot make the app send an SMS', async ({ page, baseURL }) => {
    const phone = newPhone();
    await page.goto(`${EXOLVE}/attacker?app=${encodeURIComponent(baseURL)}&phone=${phone.digits}`);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/request_code')),
      page.click('button[type="submit"]'),
    ]);
    expect(response.status()).toBe(403);
    expect(await sentCount(phone.digits)).toBe(0);
  });
});
