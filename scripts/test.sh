#!/usr/bin/env bash
# Runs every test of sms-auth: unit and integration tests (real SQLite, then the same
# integration suite on a throwaway PostgreSQL the tests start themselves, with the
# two-instance tests; the real Exolve client against a fake Exolve on loopback), the
# browser build's check, the release build, and the end-to-end tests in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --test
source scripts/env.sh

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "no module imports one that imports it back; shared code stays out of the server"
python3 scripts/check-imports.py

step "unit and integration tests (ssr), on SQLite"
SMS_AUTH_TEST_DB=sqlite cargo test --no-default-features --features ssr

step "the integration suite again, on PostgreSQL"
SMS_AUTH_TEST_DB=postgres cargo test --no-default-features --features ssr --test flow

step "the browser build pulls no server crates"
cargo check --lib --no-default-features --features hydrate --target wasm32-unknown-unknown

step "release build (server and wasm)"
cargo leptos build --release --precompress --split

step "end-to-end tests (Playwright, Chromium)"
(cd end2end && npx playwright test)
