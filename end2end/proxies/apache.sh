#!/usr/bin/env bash
# Runs Debian's Apache in the foreground with mod_auth_openidc and
# deploy/apache/sms-auth-oidc.conf, unchanged, as its comment says to include it:
# a site on 127.0.0.1:$1 whose /protected/ page prints the claims Apache passes it,
# signing in at the sms-auth $2 (the issuer) as the client "apache" with secret $3.
# The main file below only gives an unprivileged Apache its paths.
set -euo pipefail
port="$1" issuer="$2" secret="$3"
deploy="$(cd "$(dirname "$0")/../../deploy/apache" && pwd)"
# Beside the run's databases (playwright.config.js), else in a directory of its own.
prefix="${SMS_AUTH_E2E_DIR:-$(mktemp -d)}/apache"
mkdir -p "$prefix/site/protected"
cp "$deploy/sms-auth-oidc.conf" "$prefix/"
cat > "$prefix/site/protected/index.shtml" <<'PAGE'
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Behind Apache</title></head>
<body>
<h1>A page behind Apache</h1>
<p>sub: <span id="sub"><!--#echo var="OIDC_CLAIM_sub" --></span></p>
<p>phone_number: <span id="phone"><!--#echo var="OIDC_CLAIM_phone_number" --></span></p>
<p>amr: <span id="amr"><!--#echo var="OIDC_CLAIM_amr" --></span></p>
<p><a id="logout" href="/protected/redirect_uri?logout=http%3A%2F%2F127.0.0.1%3A__PORT__%2Floggedout.html">Sign out</a></p>
</body></html>
PAGE
sed -i "s/__PORT__/$port/" "$prefix/site/protected/index.shtml"
printf '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Signed out</title></head><body><h1>Signed out of the site</h1></body></html>\n' \
  > "$prefix/site/loggedout.html"
modules=/usr/lib/apache2/modules
cat > "$prefix/apache2.conf" <<CONF
ServerRoot "$prefix"
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile "$prefix/apache2.pid"
ErrorLog "$prefix/error.log"
LogLevel warn
Mutex file:$prefix default
LoadModule mpm_event_module $modules/mod_mpm_event.so
LoadModule authn_core_module $modules/mod_authn_core.so
LoadModule authz_core_module $modules/mod_authz_core.so
LoadModule authz_user_module $modules/mod_authz_user.so
LoadModule mime_module $modules/mod_mime.so
LoadModule dir_module $modules/mod_dir.so
LoadModule include_module $modules/mod_include.so
LoadModule auth_openidc_module $modules/mod_auth_openidc.so
TypesConfig /etc/mime.types
DirectoryIndex index.shtml index.html
AddType text/html .shtml
AddOutputFilter INCLUDES .shtml
$( [ "$(id -u)" = 0 ] && printf 'User www-data\nGroup www-data\n' )
<VirtualHost 127.0.0.1:$port>
    DocumentRoot "$prefix/site"
    <Directory "$prefix/site">
        Options +Includes
        AllowOverride None
        Require all granted
    </Directory>
    Define SMS_AUTH_ISSUER $issuer
    Define SMS_AUTH_SITE http://127.0.0.1:$port
    Define SMS_AUTH_CLIENT_SECRET $secret
    Define SMS_AUTH_PASSPHRASE e2e-passphrase-e2e-passphrase
    Include "$prefix/sms-auth-oidc.conf"
</VirtualHost>
CONF
# Apache's worker user reads the site: through the run's folder (mkdtemp's, owner
# only), which it may pass but not list.
chmod -R a+rX "$prefix"
chmod a+x "$(dirname "$prefix")"
exec /usr/sbin/apache2 -f "$prefix/apache2.conf" -DFOREGROUND
