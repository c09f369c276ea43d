#!/usr/bin/env bash
# The load and size benchmark: builds the release server and its precompressed,
# hashed front end, then runs benches/load.rs, which starts the server on SQLite and
# on a throwaway PostgreSQL (each with a fake Exolve) and prints the figures.
#   bench/run.sh                          both backends
#   BENCH_BACKENDS=sqlite bench/run.sh    one
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --test
source scripts/env.sh
cargo leptos build --release --precompress --split
cargo bench --no-default-features --features ssr --bench load
