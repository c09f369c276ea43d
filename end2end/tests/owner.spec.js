import { expect, test } from '@playwright/test';

import { alertsTo, newPhone, ready, signIn } from '../support.mjs';

// Telling the owner: a sign-in from a second browser sends the owner one SMS, the
// owner's account page shows that session as new, and "not me" ends it.

const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';

for (const js of [true, false]) {
  test(`a second browser alerts the owner, who ends it with "not me" (JavaScript ${js ? 'on' : 'off'})`, async ({
    browser,
  }) => {
    test.setTimeout(60_000);
    const phone = newPhone();
    const a = await (
      await browser.newContext({ locale: 'ru-RU', javaScriptEnabled: js })
    ).newPage();
    const b = await (
      await browser.newContext({ locale: 'ru-RU', javaScriptEnabled: js, userAgent: FIREFOX_LINUX })
    ).newPage();
    await signIn(a, js, phone);
    // A's code was asked for on the number's shared allowance: the e2e server's
    // cooldown there is 10 s (playwright.config.js).
    await b.waitForTimeout(10_000);
    await signIn(b, js, phone);

    // One alert, naming B's browser, and no link.
    await expect.poll(() => alertsTo(phone.digits)).toHaveLength(1);
    const [alert] = await alertsTo(phone.digits);
    expect(alert).toContain('Новый вход в localhost: Firefox, Linux');
    expect(alert).toContain('Не вы? Откройте сайт сами: Аккаунт → Сеансы');
    expect(alert).not.toMatch(/https?:|\//);

    // A's page shows B's session as new.
    await a.goto('/account');
    await ready(a, js);
    const theirs = a.locator('li.session:not(.current)');
    await expect(theirs).toHaveCount(1);
    await expect(theirs).toHaveClass(/\bnew\b/);
    await expect(theirs.locator('.device')).toHaveText('Firefox, Linux');
    await expect(theirs.locator('.badge.new')).toHaveText('новое устройство');

    // "Not me": B's session ends; with JavaScript the list updates in place, never
    // showing a loading state meanwhile (a Transition keeps the old list until the
    // new one is there).
    if (js) {
      await a.evaluate(() => {
        const list = document.querySelector('section.sessions');
        window.flashed = false;
        new MutationObserver(() => {
          if (list.textContent.includes('Загрузка') || !list.querySelector('li.session')) {
            window.flashed = true;
          }
        }).observe(list, { childList: true, subtree: true, characterData: true });
      });
    }
    await theirs.locator('button.not-me').click();
    await expect(a.locator('li.session')).toHaveCount(1);
    await expect(a.locator('li.session.current')).toHaveCount(1);
    if (js) {
      await expect(a.locator('[role="status"]')).toContainText('Сеанс завершён');
      expect(await a.evaluate(() => window.flashed)).toBe(false);
    }
    await b.goto('/account');
    await expect(b).toHaveURL(/\/signup$/);

    // The activity tells the owner what happened.
    await a.goto('/account/activity');
    await ready(a, js);
    await expect(a.locator('li.event[data-kind="session_ended"]')).toContainText('«Это не я»');
    await expect(a.locator('li.event[data-kind="alert_sent"]')).toHaveCount(1);
    // Its times: in the browser's zone once its (lazy) island is hydrated, else Moscow time.
    await expect(a.locator('.zone')).toHaveText(
      js ? 'Время — по часовому поясу этого устройства.' : 'Время — МСК.',
    );
  });
}

test('times are in the browser\'s zone once hydrated, and in Moscow time without JavaScript', async ({
  browser,
}) => {
  const phone = newPhone();
  const context = await browser.newContext({ locale: 'ru-RU', timezoneId: 'Asia/Vladivostok' });
  const page = await context.newPage();
  await signIn(page, true, phone);
  await ready(page, true);
  const since = page.locator('dl.account time').first();
  const iso = await since.getAttribute('datetime');
  // Vladivostok is UTC+10 all year round.
  const local = new Date(Date.parse(iso) + 10 * 3600 * 1000);
  const hhmm = `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
  await expect(since).toContainText(`, ${hhmm}`);
  await expect(page.locator('.zone').first()).toHaveText('Время — по часовому поясу этого устройства.');

  const noJs = await (
    await browser.newContext({ locale: 'ru-RU', timezoneId: 'Asia/Vladivostok', javaScriptEnabled: false })
  ).newPage();
  await noJs.context().addCookies(await context.cookies());
  await noJs.goto('/account');
  const moscow = new Date(Date.parse(iso) + 3 * 3600 * 1000);
  const mskHhmm = `${String(moscow.getUTCHours()).padStart(2, '0')}:${String(moscow.getUTCMinutes()).padStart(2, '0')}`;
  await expect(noJs.locator('dl.account time').first()).toContainText(`, ${mskHhmm}`);
  await expect(noJs.locator('.zone').first()).toHaveText('Время — МСК.');
});

test('the phone field formats a Russian number as it is typed', async ({ page }) => {
  await page.goto('/signup');
  await ready(page, true);
  const field = page.locator('input[name="phone"]');
  await field.pressSequentially('89991234567');
  await expect(field).toHaveValue('8 999 123-45-67');
  // Deleting is never undone: backspace over the last digits.
  await field.press('Backspace');
  await field.press('Backspace');
  await expect(field).toHaveValue('8 999 123-45-');
  await field.press('Backspace');
  await expect(field).toHaveValue('8 999 123-45');
  // Typing in the middle keeps the caret after the typed digit.
  await field.fill('');
  await field.pressSequentially('+7999123');
  await expect(field).toHaveValue('+7 999 123');
  await field.press('ArrowLeft');
  await field.press('ArrowLeft');
  await field.press('ArrowLeft');
  await field.press('ArrowLeft');
  await field.pressSequentially('5');
  await expect(field).toHaveValue('+7 999 512-3');
  await field.pressSequentially('6');
  await expect(field).toHaveValue('+7 999 561-23');
  // Another country is left as typed.
  await field.fill('');
  await field.pressSequentially('+375291234567');
  await expect(field).toHaveValue('+375291234567');
});
