#!/usr/bin/env bash
# Runs sms-auth in development mode at http://localhost:3000: SQLite in data/,
# no Exolve account needed (SMS land in the dev outbox at /dev/outbox), rebuilt on change.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
source scripts/env.sh
exec cargo leptos watch --split
