#!/usr/bin/env bash
# Runs Debian's Caddy in the foreground on deploy/caddy/Caddyfile, unchanged (imported
# whole), with a throwaway home and the global options an unprivileged loopback run
# needs: no admin endpoint, no certificates.
set -euo pipefail
caddyfile="$(cd "$(dirname "$0")/../../deploy/caddy" && pwd)/Caddyfile"
# Beside the run's databases (playwright.config.js), else in a directory of its own.
home="${SMS_AUTH_E2E_DIR:-$(mktemp -d)}/caddy"
mkdir -p "$home"
printf '{\n\tadmin off\n\tauto_https off\n}\n\nimport %s\n' "$caddyfile" > "$home/Caddyfile"
export HOME="$home" XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config"
exec /usr/bin/caddy run --config "$home/Caddyfile" --adapter caddyfile
