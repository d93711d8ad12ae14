/**
 * Reference: the naive Hono + `fetch` proxy (what a 20-line gateway looks like). Runs under Node and Bun.
 * UPSTREAM_URL is the OpenAI-style base (`…/v1`); prints `naive listening on http://127.0.0.1:PORT`.
 */
import { Hono } from 'hono';

declare const Bun: { serve(o: { fetch: (r: Request) => Response | Promise<Response>; hostname: string; port: number }): { port: number } } | undefined;

const upstream = process.env.UPSTREAM_URL ?? 'http://127.0.0.1:1/v1';
const key = process.env.UPSTREAM_KEY ?? 'sk-bench';
const app = new Hono();

app.post('/v1/chat/completions', async (c) => {
  const res = await fetch(`${upstream}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: await c.req.text(),
    signal: c.req.raw.signal,
  });
  return new Response(res.body, { status: res.status, headers: { 'content-type': res.headers.get('content-type') ?? 'application/json' } });
});

const port = Number(process.env.PORT ?? 0);
if (typeof Bun !== 'undefined') {
  const server = Bun.serve({ fetch: app.fetch, hostname: '127.0.0.1', port });
  process.stdout.write(`naive listening on http://127.0.0.1:${server.port}\n`);
} else {
  const { serve } = await import('@hono/node-server');
  serve({ fetch: app.fetch, hostname: '127.0.0.1', port }, (info) => process.stdout.write(`naive listening on http://127.0.0.1:${info.port}\n`));
}
process.once('SIGTERM', () => process.exit(0));
