/**
 * Issue 20, item 7: a gzip bomb sent although the gateway asked for identity is refused from its headers and
 * never inflated, on every route, on real gateway processes on Node, Bun and workerd. Bun's `fetch` inflated it
 * as it arrived (+227 MB for one 260 KB body that inflates to 256 MiB) before the gateway refused it; Node's
 * client never decodes, and workerd's `fetch` decodes only as the body is read (the gateway never reads it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildGateway } from './helpers.js';
import { hostileEnv, startHostileUpstream, type HostileUpstream } from './mocks/hostile-upstream.js';
import { groupMembers, peakGrowth, rssOf } from './rss.js';
import { RUNTIMES } from './runtimes.js';

const MiB = 1024 * 1024;
/** 256 MiB of zeros, gzipped by the mock once: ~260 KB on the wire. */
const BOMB = `gzip:${256 * MiB}`;
const hi = [{ role: 'user', content: 'hi' }];

/** Every model route, to an OpenAI-compatible provider (`hostile`) and, where it applies, an Anthropic one. */
const ROUTES: [name: string, path: string, body: (model: string) => Record<string, unknown>, shape: 'openai' | 'anthropic'][] = [
  ['chat', '/v1/chat/completions', (model) => ({ model: `hostile/${model}`, messages: hi }), 'openai'],
  ['chat streamed', '/v1/chat/completions', (model) => ({ model: `hostile/${model}`, stream: true, messages: hi }), 'openai'],
  ['chat → Anthropic', '/v1/chat/completions', (model) => ({ model: `hostile-claude/${model}`, messages: hi }), 'openai'],
  ['messages → chat', '/v1/messages', (model) => ({ model: `hostile/${model}`, max_tokens: 16, messages: hi }), 'anthropic'],
  ['messages → Anthropic', '/v1/messages', (model) => ({ model: `hostile-claude/${model}`, max_tokens: 16, messages: hi }), 'anthropic'],
  ['count_tokens → Anthropic', '/v1/messages/count_tokens', (model) => ({ model: `hostile-claude/${model}`, messages: hi }), 'anthropic'],
  ['responses', '/v1/responses', (model) => ({ model: `hostile/${model}`, input: 'hi' }), 'openai'],
  ['responses streamed', '/v1/responses', (model) => ({ model: `hostile/${model}`, stream: true, input: 'hi' }), 'openai'],
  ['responses → Anthropic', '/v1/responses', (model) => ({ model: `hostile-claude/${model}`, input: 'hi' }), 'openai'],
  ['embeddings', '/v1/embeddings', (model) => ({ model: `hostile/${model}`, input: 'hi' }), 'openai'],
];

async function send(url: string, [, path, body]: (typeof ROUTES)[number], model: string) {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(body(model)),
  });
  const text = await res.text();
  // A refusal is JSON on every route; a warm-up answer may be an event stream.
  return { status: res.status, body: res.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : text };
}

/** The refusal in the route's shape. */
function expectRefused(route: (typeof ROUTES)[number], got: { status: number; body: any }) {
  expect(got.status, route[0]).toBe(502);
  if (route[3] === 'openai') expect(got.body.error, route[0]).toMatchObject({ type: 'upstream_error', code: 'upstream_encoded_body' });
  else expect(got.body, route[0]).toMatchObject({ type: 'error', error: { type: 'api_error' } });
  expect(got.body.error.message, route[0]).toContain('content-encoding "gzip"');
}

describe.each(RUNTIMES)('on $name', (runtime) => {
  let up: HostileUpstream;
  let gw: ChildGateway;
  /** The gateway's resident memory: on workerd, that of wrangler's whole process group (workerd among them). */
  let memory: () => number;

  beforeAll(async () => {
    up = await startHostileUpstream();
    gw = await runtime.start({ ...hostileEnv(up.url), MINI_LLM_LOG: 'silent', MINI_LLM_ALLOW_UNAUTHENTICATED: 'true' });
    const pids = runtime.name === 'workerd' ? groupMembers(gw.child.pid!) : [gw.child.pid!];
    memory = () => rssOf(pids);
    // Every route served once (modules loaded, code warmed), and the bomb made once, before anything is measured.
    for (const route of ROUTES) await send(gw.url, route, 'x');
    await send(gw.url, ROUTES[0], BOMB);
  }, 90_000);
  afterAll(async () => {
    await gw?.stop();
    await up?.close();
  });

  it('issue 20 item 7: a 256 MiB gzip bomb on every route, 3 times each and then 8 at once, is a 502 upstream_encoded_body, never inflated', async () => {
    const { result, growth } = await peakGrowth(memory, async () => {
      const seen: [(typeof ROUTES)[number], { status: number; body: any }][] = [];
      for (let i = 0; i < 3; i++) for (const route of ROUTES) seen.push([route, await send(gw.url, route, BOMB)]);
      const together = ROUTES.slice(0, 8);
      const answers = await Promise.all(together.map((route) => send(gw.url, route, BOMB)));
      answers.forEach((got, i) => seen.push([together[i], got]));
      return seen;
    });
    expect(result).toHaveLength(3 * ROUTES.length + 8);
    for (const [route, got] of result) expectRefused(route, got);
    // One bomb inflated is 256 MiB: Bun's peak growth was +290 MiB here before its fetch was told not to inflate.
    expect(growth).toBeLessThan(64 * MiB);
    // And the gateway still serves.
    expect((await send(gw.url, ROUTES[0], 'x')).status).toBe(200);
  }, 120_000);
});
