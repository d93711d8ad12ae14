/**
 * Reference: a raw `node:http` pipe with a keep-alive agent, the ceiling for a Node proxy.
 * UPSTREAM_URL is the OpenAI-style base (`…/v1`), UPSTREAM_PATH the endpoint under it (default `/chat/completions`);
 * prints `raw listening on http://127.0.0.1:PORT`.
 */
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

const upstream = new URL(`${process.env.UPSTREAM_URL ?? 'http://127.0.0.1:1/v1'}${process.env.UPSTREAM_PATH ?? '/chat/completions'}`);
const key = process.env.UPSTREAM_KEY ?? 'sk-bench';
const agent = new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1024 });

const server = createServer((req, res) => {
  const up = request(
    {
      agent,
      host: upstream.hostname,
      port: upstream.port,
      path: upstream.pathname,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'content-length': req.headers['content-length'] ?? '0' },
    },
    (ures) => {
      res.writeHead(ures.statusCode ?? 502, { 'content-type': ures.headers['content-type'] ?? 'application/json' });
      ures.pipe(res);
    },
  );
  up.on('error', () => res.destroy());
  res.on('close', () => {
    if (!res.writableFinished) up.destroy();
  });
  req.pipe(up);
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`raw listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.once('SIGTERM', () => process.exit(0));
