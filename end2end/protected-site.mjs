// The site behind the proxies in the forward-auth end-to-end tests: it knows nothing
// of sign-in and shows the identity headers the proxy passed it, with a link to
// sign out through sms-auth. /api/data stands for the site's XHR endpoints.
import http from 'node:http';

const port = Number(process.argv[2] ?? 3190);
const auth = process.argv[3] ?? 'http://auth.example.com:3180';
const HEADERS = ['remote-user', 'remote-phone', 'remote-groups', 'remote-auth-method'];

const escape = (s) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

http
  .createServer((req, res) => {
    if (req.url === '/health') {
      res.writeHead(200);
      return res.end('ok');
    }
    const identity = Object.fromEntries(HEADERS.map((h) => [h, req.headers[h] ?? null]));
    if (req.url.startsWith('/api/')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(identity));
    }
    const here = `http://${req.headers.host}${req.url}`;
    const rows = HEADERS.map(
      (h) => `<dt>${h}</dt><dd id="${h}">${identity[h] === null ? '(none)' : escape(identity[h])}</dd>`,
    ).join('');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(
      `<!doctype html><title>Protected</title><h1>A protected page</h1><dl>${rows}</dl>` +
        `<a id="sign-out" href="${auth}/signout?rd=${encodeURIComponent(here)}">Sign out</a>`,
    );
  })
  .listen(port, '127.0.0.1');
