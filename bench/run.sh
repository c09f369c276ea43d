#!/usr/bin/env bash
# The load, size and page benchmark: builds the release server and its precompressed,
# hashed front end, then runs benches/load.rs, which starts the server on SQLite and
# on a throwaway PostgreSQL (each with a fake Exolve) and prints the figures: load on
# an empty and on a filled store, a month of purges, the first visit's bytes beside a
# bare Leptos app's (bench/bare), and Lighthouse's scores of the pages.
#   bench/run.sh                          both backends
#   BENCH_BACKENDS=sqlite bench/run.sh    one
# Then it runs benches/attack.rs: an SMS-pumping flood beside the customers' sign-ins.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --test
source scripts/env.sh
# Lighthouse, for the page audits (in the Chromium the bootstrap installs).
[ -x bench/lighthouse/node_modules/.bin/lighthouse ] ||
  (cd bench/lighthouse && npm ci --no-audit --no-fund)
cargo leptos build --release --precompress --split
# The bare Leptos app the first visit is weighed against (its own target folder).
(cd bench/bare && cargo leptos build --release --precompress)
cargo bench --no-default-features --features ssr --bench load
# The SMS-pumping flood beside the customers' sign-ins (BENCH_ATTACK=0 leaves it out).
if [ "${BENCH_ATTACK:-1}" != 0 ]; then
  cargo bench --no-default-features --features ssr --bench attack
fi
