/**
 * Issue 11 on workerd (wrangler dev): the upstream sees the same request headers as from Node and Bun, an encoded
 * answer is refused, and a redirect is never followed (the platform `fetch` with `redirect: "manual"`).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildGateway } from './helpers.js';
import { HOSTILE_KEY, hostileEnv, startHostileUpstream, type HostileUpstream } from './mocks/hostile-upstream.js';
import { RUNTIMES } from './runtimes.js';

const chat = (url: string, model: string) =>
  fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model, messages: [] }) });

describe('on workerd', () => {
  let up: HostileUpstream;
  let gw: ChildGateway;
  beforeAll(async () => {
    up = await startHostileUpstream();
    gw = await RUNTIMES.find((r) => r.name === 'workerd')!.start({ ...hostileEnv(up.url), MINI_LLM_ALLOW_UNAUTHENTICATED: 'true' });
  }, 90_000);
  afterAll(async () => {
    await gw?.stop();
    await up?.close();
  });

  it('item 9: sends user-agent mini-llm-gateway/<version> and accept-encoding identity', async () => {
    const version = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
    const received = (await (await chat(gw.url, 'hostile/echo-headers')).json()).received_headers as Record<string, string>;
    expect(received['user-agent']).toBe(`mini-llm-gateway/${version}`);
    expect(received['accept-encoding']).toBe('identity');
    // workerd adds only its own `cf-worker` marker.
    expect(Object.keys(received).sort()).toEqual(['accept', 'accept-encoding', 'authorization', 'cf-worker', 'content-length', 'content-type', 'host', 'user-agent', 'x-request-id']);
  });

  it('items 2, 3 and 7: a redirect is a 502 (never followed), a gzip body a 502 upstream_encoded_body, echoed keys are redacted', async () => {
    const redirect = await chat(gw.url, 'hostile/redirect:307');
    expect(redirect.status).toBe(502);
    expect(up.elsewhere).toEqual([]);
    await redirect.arrayBuffer();
    const gzip = await chat(gw.url, 'hostile/gzip');
    expect(gzip.status).toBe(502);
    expect((await gzip.json()).error.code).toBe('upstream_encoded_body');
    const leak = await chat(gw.url, 'hostile/echo-key-error');
    const text = (await leak.text()) + [...leak.headers].join('\n');
    expect(text).not.toContain(HOSTILE_KEY);
    expect(text).toContain('[redacted]');
  });
});
