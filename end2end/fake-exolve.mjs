// A fake MTS Exolve SMS API on loopback for the end-to-end tests. It speaks
// SendSMS as EXOLVE.md describes it and lets the tests read what was "sent".
// Being another origin than the app, it also serves /attacker?phone=…: a page of
// another site whose form posts to the app, for the cross-site refusal test.
import http from 'node:http';

const port = Number(process.argv[2] ?? 3199);
const apiKey = process.env.FAKE_EXOLVE_KEY ?? 'e2e-key';
const messages = [];

function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

http
  .createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname === '/health') return json(res, 200, { ok: true });
    if (req.method === 'GET' && url.pathname === '/attacker') {
      const phone = (url.searchParams.get('phone') ?? '').replace(/[^0-9+]/g, '');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(
        `<form method="post" action="${url.searchParams.get('app')}/api/request_code">` +
          `<input name="phone" value="${phone}"><button type="submit">win a prize</button></form>`,
      );
    }
    if (req.method === 'GET' && url.pathname === '/messages') {
      const destination = url.searchParams.get('destination');
      return json(res, 200, messages.filter((m) => !destination || m.destination === destination));
    }
    if (req.method === 'POST' && url.pathname === '/messaging/v1/SendSMS') {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        if (req.headers.authorization !== `Bearer ${apiKey}`) {
          return json(res, 401, { error: { message: 'invalid token' } });
        }
        let sms;
        try {
          sms = JSON.parse(body);
        } catch {
          return json(res, 400, { error: { message: 'invalid json' } });
        }
        if (!/^7\d{10}$/.test(sms.destination ?? '')) {
          return json(res, 400, {
            error: { message: 'invalid SendRequest.Destination: value does not match regex pattern', details: null },
          });
        }
        messages.push({ number: sms.number, destination: sms.destination, text: sms.text });
        return json(res, 200, { message_id: String(571497026622089119n + BigInt(messages.length)) });
      });
      return;
    }
    json(res, 404, { error: 'not found' });
  })
  .listen(port, '127.0.0.1', () => console.log(`fake Exolve on http://127.0.0.1:${port}`));
