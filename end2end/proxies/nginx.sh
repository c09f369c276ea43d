#!/usr/bin/env bash
# Runs Debian's nginx in the foreground with deploy/nginx's files laid out as Debian
# lays them (the site in sites-enabled/, the snippets in snippets/), unchanged, in a
# throwaway prefix: the main file below only gives an unprivileged nginx its paths.
set -euo pipefail
deploy="$(cd "$(dirname "$0")/../../deploy/nginx" && pwd)"
# Beside the run's databases (playwright.config.js), else in a directory of its own.
prefix="${SMS_AUTH_E2E_DIR:-$(mktemp -d)}/nginx"
mkdir -p "$prefix/snippets" "$prefix/sites-enabled" "$prefix/temp"
cp "$deploy/sms-auth-location.conf" "$deploy/sms-auth-authrequest.conf" "$prefix/snippets/"
cp "$deploy/example.conf" "$prefix/sites-enabled/"
cat > "$prefix/nginx.conf" <<CONF
pid $prefix/nginx.pid;
error_log stderr warn;
events {}
http {
    access_log off;
    client_body_temp_path $prefix/temp/body;
    proxy_temp_path $prefix/temp/proxy;
    fastcgi_temp_path $prefix/temp/fastcgi;
    uwsgi_temp_path $prefix/temp/uwsgi;
    scgi_temp_path $prefix/temp/scgi;
    include sites-enabled/*.conf;
}
CONF
exec /usr/sbin/nginx -e stderr -p "$prefix" -c "$prefix/nginx.conf" -g 'daemon off;'
