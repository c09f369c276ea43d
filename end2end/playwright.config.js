// End-to-end: the release server (production mode, real Exolve client) against the
// fake Exolve, driven through Debian's Chromium. Run from end2end/: npx playwright test
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';

const APP_PORT = 3100;
const EXOLVE_PORT = 3199;
// Forward-auth (tests/forward-auth.spec.js): a second sms-auth at auth.example.com (on
// 3110, reached through nginx) for the sites under example.com, and Debian's nginx and
// Caddy in front of a site that prints what they pass it (deploy/nginx, deploy/caddy:
// the documented files, unchanged). Chromium alone resolves example.com's hosts to
// loopback, and takes them as secure (for passkeys) over http. Not *.localhost:
// Chromium sets no cookie for a domain under a top-level domain the Public Suffix List
// does not know, and COOKIE_DOMAIN is one.
const FORWARD_AUTH_PORT = 3110;
const NGINX_PORT = 3180;
const CADDY_PORT = 3181;
const SITE_PORT = 3190;
// sms-auth's PUBLIC_ORIGIN is behind nginx too; the sites behind nginx and Caddy.
const FORWARD_AUTH_ORIGINS = [
  `http://auth.example.com:${NGINX_PORT}`,
  `http://app.example.com:${NGINX_PORT}`,
  `http://app.example.com:${CADDY_PORT}`,
];
// One fresh database per run; workers inherit the variable, so they agree on it.
process.env.SMS_AUTH_E2E_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), 'sms-auth-e2e-'));

// Sign in with sms-auth (tests/oidc.spec.js): a third sms-auth at localhost:3120 is an
// OpenID provider, and Debian's Apache with mod_auth_openidc protects a page on
// 127.0.0.1:3185 with it, configured by deploy/apache's documented file, unchanged.
const OIDC_PORT = 3120;
const APACHE_PORT = 3185;
const APACHE_SECRET = 'e2e-apache-client-secret';
const OIDC_CLIENTS = path.join(process.env.SMS_AUTH_E2E_DIR, 'oidc-clients.toml');
fs.writeFileSync(
  OIDC_CLIENTS,
  `[[clients]]
id = "apache"
name = "Apache"
secret_sha256 = "${crypto.createHash('sha256').update(APACHE_SECRET).digest('hex')}"
redirect_uris = ["http://127.0.0.1:${APACHE_PORT}/protected/redirect_uri"]
post_logout_redirect_uris = ["http://127.0.0.1:${APACHE_PORT}/loggedout.html"]
`,
);

const SERVER_ENV = {
  LEPTOS_ENV: 'PROD',
  EXOLVE_API_URL: `http://127.0.0.1:${EXOLVE_PORT}`,
  EXOLVE_API_KEY: 'e2e-key',
  EXOLVE_SENDER: '79990000000',
  APP_SECRET: 'e2e-secret-e2e-secret-e2e-secret-e2e',
};

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
        '--host-resolver-rules=MAP *.example.com 127.0.0.1',
        `--unsafely-treat-insecure-origin-as-secure=${FORWARD_AUTH_ORIGINS.join(',')}`,
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
        ...SERVER_ENV,
        LEPTOS_SITE_ADDR: `127.0.0.1:${APP_PORT}`,
        DATABASE_URL: `sqlite://${process.env.SMS_AUTH_E2E_DIR}/e2e.db?mode=rwc`,
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
    {
      command: './target/release/sms-auth',
      cwd: '..',
      url: `http://127.0.0.1:${FORWARD_AUTH_PORT}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: {
        ...SERVER_ENV,
        LEPTOS_SITE_ADDR: `127.0.0.1:${FORWARD_AUTH_PORT}`,
        DATABASE_URL: `sqlite://${process.env.SMS_AUTH_E2E_DIR}/forward-auth.db?mode=rwc`,
        PUBLIC_ORIGIN: FORWARD_AUTH_ORIGINS[0],
        COOKIE_DOMAIN: 'example.com',
        TRUSTED_PROXIES: '127.0.0.1',
        LIMIT_SMS_PER_IP_PER_HOUR: '1000',
        // A second sign-in to one number ("not me", step-up) need not wait a minute.
        OTP_RESEND_COOLDOWN_SECS: '2',
        RUST_LOG: 'warn',
      },
    },
    {
      command: './target/release/sms-auth',
      cwd: '..',
      url: `http://127.0.0.1:${OIDC_PORT}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: {
        ...SERVER_ENV,
        LEPTOS_SITE_ADDR: `127.0.0.1:${OIDC_PORT}`,
        DATABASE_URL: `sqlite://${process.env.SMS_AUTH_E2E_DIR}/oidc.db?mode=rwc`,
        PUBLIC_ORIGIN: `http://localhost:${OIDC_PORT}`,
        OIDC_CLIENTS,
        LIMIT_SMS_PER_IP_PER_HOUR: '1000',
        OTP_RESEND_COOLDOWN_SECS: '2',
        RUST_LOG: 'warn',
      },
    },
    {
      command: `proxies/apache.sh ${APACHE_PORT} http://localhost:${OIDC_PORT} ${APACHE_SECRET}`,
      url: `http://127.0.0.1:${APACHE_PORT}/loggedout.html`,
      reuseExistingServer: false,
      stdout: 'ignore',
    },
    {
      command: `node protected-site.mjs ${SITE_PORT} ${FORWARD_AUTH_ORIGINS[0]}`,
      url: `http://127.0.0.1:${SITE_PORT}/health`,
      reuseExistingServer: false,
      stdout: 'ignore',
    },
    {
      command: 'proxies/nginx.sh',
      port: NGINX_PORT,
      reuseExistingServer: false,
    },
    {
      command: 'proxies/caddy.sh',
      port: CADDY_PORT,
      reuseExistingServer: false,
      stdout: 'ignore',
    },
  ],
});
