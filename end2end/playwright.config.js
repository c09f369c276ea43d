// End-to-end: the release server (production mode, real Exolve client) against the
// fake Exolve, driven through Debian's Chromium. Run from end2end/: npx playwright test
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';

const APP_PORT = 3100;
const EXOLVE_PORT = 3199;
// One fresh database per run; workers inherit the variable, so they agree on it.
process.env.SMS_AUTH_E2E_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), 'sms-auth-e2e-'));

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  workers: 1,
  retries: 0,
  forbidOnly: true,
  reporter: [['list']],
  use: {
    // localhost, not 127.0.0.1: WebAuthn refuses an IP address as relying party.
    baseURL: `http://localhost:${APP_PORT}`,
    browserName: 'chromium',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: [
    {
      command: `node fake-exolve.mjs ${EXOLVE_PORT}`,
      url: `http://127.0.0.1:${EXOLVE_PORT}/health`,
      reuseExistingServer: false,
      stdout: 'ignore',
    },
    {
      command: './target/release/sms-auth',
      cwd: '..',
      url: `http://127.0.0.1:${APP_PORT}/`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: {
        LEPTOS_ENV: 'PROD',
        LEPTOS_SITE_ADDR: `127.0.0.1:${APP_PORT}`,
        DATABASE_URL: `sqlite://${process.env.SMS_AUTH_E2E_DIR}/e2e.db?mode=rwc`,
        EXOLVE_API_URL: `http://127.0.0.1:${EXOLVE_PORT}`,
        EXOLVE_API_KEY: 'e2e-key',
        EXOLVE_SENDER: '79990000000',
        APP_SECRET: 'e2e-secret-e2e-secret-e2e-secret-e2e',
        PUBLIC_ORIGIN: `http://localhost:${APP_PORT}`,
        // Every test signs in from 127.0.0.1.
        LIMIT_SMS_PER_IP_PER_HOUR: '1000',
        // The owner-under-attack test: one stranger's code (5 wrong guesses) locks the
        // number, and the stranger may ask 10 s after the owner did.
        LIMIT_PHONE_FAILURES_PER_HOUR: '5',
        OTP_RESEND_COOLDOWN_SECS: '10',
        RUST_LOG: 'warn',
      },
    },
  ],
});
