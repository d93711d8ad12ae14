/**
 * `/v1/responses` streams keep chat's guarantees, pass-through and translated: a provider that goes silent
 * mid-stream ends the stream with `response.failed` (upstream_timeout); a client that leaves aborts the
 * upstream call within 1 s; a pass-through stream takes the Node push path, a translated one does not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createNodeUpstreamFetch } from '../src/node/upstream-client.js';
import { pushAnswerOf } from '../src/stream-guard.js';
import { KEYS, parseSse, startGateway, type RunningGateway } from './helpers.js';
import { startChatUpstream } from './mocks/chat-upstream.js';
import type { Loopback } from './mocks/loopback.js';
import { startResponsesUpstream } from './mocks/responses-upstream.js';
import { checkResponsesStream } from './responses-check.js';

let chatUp: Loopback;
let responsesUp: Loopback;
let gw: RunningGateway;
let env: Record<string, string>;
beforeAll(async () => {
  [chatUp, responsesUp] = await Promise.all([startChatUpstream(), startResponsesUpstream()]);
  env = { OPENAI_API_KEY: KEYS.OPENAI_API_KEY, OPENAI_BASE_URL: `${responsesUp.url}/v1`, MINI_LLM_PROVIDERS: JSON.stringify({ chatonly: { baseUrl: `${chatUp.url}/v1` } }), MINI_LLM_TIMEOUT_MS: '400' };
  gw = await startGateway(env);
});
afterAll(async () => {
  await gw?.close();
  await Promise.all([chatUp?.close(), responsesUp?.close()]);
});

const post = (model: string, signal?: AbortSignal) =>
  fetch(`${gw.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model, input: 'hi', stream: true }), signal });

const CASES = [
  { name: 'pass-through', model: 'openai/hang-after:4', upstream: () => responsesUp, counted: false },
  { name: 'translated', model: 'chatonly/hang-after:3', upstream: () => chatUp, counted: true },
];

describe.each(CASES)('$name', ({ model, upstream, counted }) => {
  it('ends a stream whose provider went silent with response.failed naming upstream_timeout', async () => {
    const started = Date.now();
    const raw = await (await post(model)).text();
    expect(Date.now() - started).toBeLessThan(3000);
    const events = checkResponsesStream(raw, { counted });
    expect(events.at(-1)!.data.response).toMatchObject({ status: 'failed', error: { code: 'server_error' } });
    expect(events.at(-1)!.data.response.error.message).toContain('upstream_timeout');
    const line = JSON.parse(gw.logs.at(-1)!);
    expect(line).toMatchObject({ route: 'responses', outcome: 'upstream_timeout' });
  });

  it('aborts the upstream call within 1 s of the client leaving', async () => {
    const before = upstream().requests.length;
    const ac = new AbortController();
    const res = await post(model, ac.signal);
    const reader = res.body!.getReader();
    await reader.read(); // the stream began
    ac.abort();
    const rec = upstream().requests[before];
    const deadline = Date.now() + 1000;
    while (!rec.closedEarly && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(rec.closedEarly).toBe(true);
  });
});

describe('carriers', () => {
  it('passes a pass-through stream on the Node push path, and translates a translated one through Web streams', async () => {
    const app = createApp(loadConfig({ ...env, MINI_LLM_LOG: 'silent' }), { fetch: createNodeUpstreamFetch() });
    const ask = (model: string) => app.fetch(new Request('http://gw/v1/responses', { method: 'POST', body: JSON.stringify({ model, input: 'hi', stream: true }) }));
    const pass = await ask('gpt-4o-mini');
    expect(pushAnswerOf(pass)).toBeDefined();
    expect(parseSse(await pass.text()).events.at(-1)!.data.type).toBe('response.completed');
    const translated = await ask('chatonly/m');
    expect(pushAnswerOf(translated)).toBeUndefined();
    expect(parseSse(await translated.text()).events.at(-1)!.data.type).toBe('response.completed');
  });
});
