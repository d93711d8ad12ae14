/**
 * The Gemini routes on a real (in-process) gateway: where the key may come from and that a `?key=` is never
 * logged, the model lists in either shape, model names with `/` and `:`, errors and mid-stream failures in
 * Google's shape, and the other routes as they were.
 */
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../helpers.js';
import { startChatUpstream } from '../mocks/chat-upstream.js';
import { startLoopback, type Loopback } from '../mocks/loopback.js';

type Json = Record<string, any>;

const KEY = 'gw-gemini-routes-0123456789';
const WRONG_QUERY_KEY = 'wrong-query-key-SHOULD-NOT-APPEAR';
const hello = { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] };

let upstream: Loopback;
let failing: Loopback;
let gw: RunningGateway;

beforeAll(async () => {
  upstream = await startChatUpstream();
  // A provider that is out of capacity, as OpenAI says it (429 with retry-after).
  failing = await startLoopback((_rec, res: ServerResponse) => {
    res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' }).end(JSON.stringify({ error: { message: 'Rate limit reached.', type: 'requests', param: null, code: 'rate_limit_exceeded' } }));
  });
  gw = await startGateway({
    CUSTOM_PROVIDER_URL: upstream.url,
    CUSTOM_PROVIDER_KEY: 'sk-custom-upstream-0123456789',
    MINI_LLM_PROVIDERS: JSON.stringify({ busy: { baseUrl: `${failing.url}/v1`, apiKeyEnv: 'BUSY_KEY' } }),
    BUSY_KEY: 'sk-busy-upstream-0123456789',
    MINI_LLM_API_KEY: KEY,
    MINI_LLM_MODELS: JSON.stringify({ 'gem-a': 'custom/mock', 'gem-b': 'custom/other' }),
    MINI_LLM_MAX_BODY_BYTES: '4096',
  });
});
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
  await failing?.close();
});

const post = (path: string, body: unknown, headers: Record<string, string> = { 'x-goog-api-key': KEY }) =>
  fetch(gw.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const textOf = async (res: Response) => (await res.json()).candidates[0].content.parts.map((p: Json) => p.text ?? '').join('');

describe('Gemini routes: gateway keys', () => {
  it('x-goog-api-key, ?key= and Bearer are keys here; a wrong one is a 401 in Google’s shape', async () => {
    for (const [path, headers] of [
      ['/v1beta/models/gem-a:generateContent', { 'x-goog-api-key': KEY }],
      [`/v1beta/models/gem-a:generateContent?key=${KEY}`, {}],
      ['/v1/models/gem-a:generateContent', { authorization: `Bearer ${KEY}` }],
    ] as const) {
      const res = await post(path, hello, headers);
      expect(res.status, path).toBe(200);
      expect(await textOf(res)).toBe('The capital of France is Paris.');
    }
    const wrong = await post('/v1beta/models/gem-a:generateContent', hello, { 'x-goog-api-key': 'gw-wrong-0123456789' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: { code: 401, message: 'Invalid gateway key.', status: 'UNAUTHENTICATED' } });
  });

  it('?key= is read on the Gemini routes only; x-goog-api-key on every route', async () => {
    const chat = await post(`/v1/chat/completions?key=${KEY}`, { model: 'gem-a', messages: [{ role: 'user', content: 'Hi' }] }, {});
    expect(chat.status).toBe(401);
    expect((await chat.json()).error.type).toBe('authentication_error'); // OpenAI's shape, as before
    const viaGoogleHeader = await post('/v1/chat/completions', { model: 'gem-a', messages: [{ role: 'user', content: 'Hi' }] }, { 'x-goog-api-key': KEY });
    expect(viaGoogleHeader.status).toBe(200);
  });

  it('a ?key= never reaches a log line or an error body', async () => {
    gw.logs.length = 0;
    const bodies = [
      await (await post(`/v1beta/models/gem-a:generateContent?key=${WRONG_QUERY_KEY}`, hello, {})).text(),
      await (await post(`/v1beta/models/gem-a:unknownAction?key=${KEY}`, hello, {})).text(),
      await (await post(`/v1beta/models/nope:generateContent?key=${KEY}`, hello, {})).text(),
      await (await fetch(`${gw.url}/v1beta/nothing?key=${WRONG_QUERY_KEY}`)).text(),
    ];
    const seen = bodies.join('\n') + gw.logs.join('\n');
    expect(gw.logs.length).toBeGreaterThanOrEqual(4);
    expect(seen).not.toContain(WRONG_QUERY_KEY);
    expect(seen).not.toContain(KEY);
    expect(seen).not.toContain('?key');
  });
});

describe('Gemini routes: model lists', () => {
  it('GET /v1/models answers a Google client in Google’s shape, everyone else in OpenAI’s', async () => {
    const google = await (await fetch(`${gw.url}/v1/models`, { headers: { 'x-goog-api-key': KEY } })).json();
    expect(google.models.map((m: Json) => m.name)).toEqual(['models/gem-a', 'models/gem-b']);
    expect(google.models[0].supportedGenerationMethods).toContain('generateContent');
    const sdk = await (await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${KEY}`, 'x-goog-api-client': 'google-genai-sdk/1.30.0' } })).json();
    expect(sdk.models).toHaveLength(2);
    const openai = await (await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${KEY}` } })).json();
    expect(openai).toEqual({ object: 'list', data: [expect.objectContaining({ id: 'gem-a', object: 'model' }), expect.objectContaining({ id: 'gem-b', object: 'model' })] });
  });

  it('GET /v1beta/models pages with pageSize and pageToken; one model by name; a 404 in Google’s shape', async () => {
    const get = (path: string) => fetch(gw.url + path, { headers: { 'x-goog-api-key': KEY } });
    const first = await (await get('/v1beta/models?pageSize=1')).json();
    expect(first.models.map((m: Json) => m.name)).toEqual(['models/gem-a']);
    const second = await (await get(`/v1beta/models?pageSize=1&pageToken=${first.nextPageToken}`)).json();
    expect(second).toEqual({ models: [expect.objectContaining({ name: 'models/gem-b' })] });
    expect(await (await get('/v1beta/models/custom/Qwen/Qwen3-8B')).json()).toMatchObject({ name: 'models/custom/Qwen/Qwen3-8B' });
    const missing = await get('/v1beta/models/no-such-model');
    expect(missing.status).toBe(404);
    expect((await missing.json()).error).toMatchObject({ code: 404, status: 'NOT_FOUND' });
  });

  it('an OpenAI client’s GET /v1/models/{id} is OpenAI’s, even with a colon in the id', async () => {
    const res = await fetch(`${gw.url}/v1/models/ollama/llama3:8b`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(res.status).toBe(404);
    expect((await res.json()).error).toMatchObject({ type: 'invalid_request_error', code: 'model_not_found' });
  });
});

describe('Gemini routes: paths, errors, streams', () => {
  it('a model with slashes resolves like everywhere; the action follows the last colon', async () => {
    upstream.requests.length = 0;
    expect(await textOf(await post('/v1beta/models/custom/Qwen/Qwen3-8B:generateContent', hello))).toBe('The capital of France is Paris.');
    expect(upstream.requests.at(-1)!.body.model).toBe('Qwen/Qwen3-8B');
    const stream = await post('/v1beta/models/custom/comments:2:streamGenerateContent?alt=sse', hello);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    expect(upstream.requests.at(-1)!.body).toMatchObject({ model: 'comments:2', stream: true, stream_options: { include_usage: true } });
    expect(await stream.text()).toContain('"finishReason":"STOP"');
  });

  it.each([
    { name: 'invalid JSON', path: '/v1beta/models/gem-a:generateContent', body: '{"contents": [', status: 400, google: 'INVALID_ARGUMENT' },
    { name: 'a body over MINI_LLM_MAX_BODY_BYTES (413 is Google’s 400)', path: '/v1beta/models/gem-a:generateContent', body: JSON.stringify({ contents: [{ parts: [{ text: 'x'.repeat(5000) }] }] }), status: 400, google: 'INVALID_ARGUMENT' },
    { name: 'no contents', path: '/v1beta/models/gem-a:generateContent', body: '{}', status: 400, google: 'INVALID_ARGUMENT' },
    { name: 'an unknown action', path: '/v1beta/models/gem-a:predict', body: JSON.stringify(hello), status: 404, google: 'NOT_FOUND' },
    { name: 'a path with no action', path: '/v1/models/gem-a', body: JSON.stringify(hello), status: 404, google: 'NOT_FOUND' },
    { name: 'an unknown model', path: '/v1beta/models/nope:generateContent', body: JSON.stringify(hello), status: 400, google: 'INVALID_ARGUMENT' },
  ])('$name: $path → $status $google', async ({ path, body, status, google }) => {
    const res = await post(path, body);
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ error: { code: status, message: expect.any(String), status: google } });
  });

  it('an upstream 429 with retry-after: Google’s 429 with a RetryInfo detail (Gemini CLI waits it out)', async () => {
    const res = await post('/v1beta/models/busy/some-model:generateContent', hello);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(await res.json()).toEqual({
      error: { code: 429, message: 'Rate limit reached.', status: 'RESOURCE_EXHAUSTED', details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' }] },
    });
  });

  it('a provider dying mid-stream: the SSE stream ends with one Google error chunk', async () => {
    const res = await post('/v1beta/models/custom/die-after:3:streamGenerateContent?alt=sse', hello);
    expect(res.status).toBe(200);
    const events = (await res.text()).split('\n\n').filter((e) => e.trim() !== '');
    for (const e of events) expect(e.startsWith('data: ')).toBe(true);
    expect(JSON.parse(events.at(-1)!.slice(6))).toEqual({ error: { code: 503, message: expect.stringContaining('closed the connection'), status: 'UNAVAILABLE' } });
  });

  it('the JSON array form (no alt=sse): valid JSON as a whole, also when the provider dies mid-stream', async () => {
    const ok = await post('/v1beta/models/gem-a:streamGenerateContent', hello);
    expect(ok.headers.get('content-type')).toContain('application/json');
    const chunks = (await ok.json()) as Json[];
    expect(chunks.map((c) => c.candidates[0].content.parts.map((p: Json) => p.text ?? '').join('')).join('')).toBe('The capital of France is Paris.');
    expect(chunks.at(-1)!.candidates[0].finishReason).toBe('STOP');
    const cut = (await (await post('/v1beta/models/custom/die-after:3:streamGenerateContent', hello)).json()) as Json[];
    expect(cut.at(-1)).toEqual({ error: { code: 503, message: expect.any(String), status: 'UNAVAILABLE' } });
  });

  it('countTokens: a local estimate for a chat provider, never 0', async () => {
    const res = await post('/v1beta/models/gem-a:countTokens', { contents: [{ role: 'user', parts: [{ text: 'A fairly short sentence to count.' }] }] });
    const json = await res.json();
    expect(json.totalTokens).toBeGreaterThanOrEqual(9);
    const more = await (await post('/v1beta/models/gem-a:countTokens', { contents: [{ role: 'user', parts: [{ text: 'A fairly short sentence to count. '.repeat(20) }] }] })).json();
    expect(more.totalTokens).toBeGreaterThan(json.totalTokens * 10);
  });

  it('the other routes answer as before: chat, a POST to /v1/models, an unknown path', async () => {
    const chat = await post('/v1/chat/completions', { model: 'gem-a', messages: [{ role: 'user', content: 'Hi' }] }, { authorization: `Bearer ${KEY}` });
    expect((await chat.json()).choices[0].message.content).toBe('The capital of France is Paris.');
    const list = await post('/v1/models', {}, { authorization: `Bearer ${KEY}` });
    expect([list.status, list.headers.get('allow'), (await list.json()).error.type]).toEqual([404, 'GET', 'invalid_request_error']);
    const unknown = await fetch(`${gw.url}/v2/anything`);
    expect((await unknown.json()).error.code).toBe('not_found');
  });
});
