/** The gateway on Node, in-process, against the loopback mock provider: routes, forwarding, errors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, post, readEvents, startGateway, withGateway, type RunningGateway } from './helpers.js';
import { fixture, startMockProvider, type MockProvider } from './mock-provider.js';

let mock: MockProvider;
let gw: RunningGateway;

beforeAll(async () => {
  mock = await startMockProvider();
  gw = await startGateway({ ...mock.env, ...KEYS, MINI_LLM_MODELS: '{"my-fast":"custom/fast-model"}' });
});
afterAll(async () => {
  await gw?.close();
  await mock?.close();
});

const last = () => mock.requests[mock.requests.length - 1];
const EMBEDDING_ALIASES = ['text-embedding-3-small', 'text-embedding-3-large', 'qwen3-embedding-8b', 'qwen3-embedding-8b-alt'];

/** The upstream headers a client may see arrived, and the others (cookies, internal headers) did not. */
function expectUpstreamHeaders(res: Response) {
  expect(res.headers.get('content-type')).toBe('application/json');
  expect(res.headers.get('x-ratelimit-remaining-requests')).toBe('99');
  expect(res.headers.get('x-upstream-request-id')).toBe('req_mock_upstream');
  expect(res.headers.get('set-cookie')).toBeNull();
  expect(res.headers.get('x-internal-debug')).toBeNull();
}

describe('routes', () => {
  it('GET /health', async () => {
    const res = await fetch(`${gw.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('GET /v1/models lists the aliases of configured providers in OpenAI shape', async () => {
    const res = await fetch(`${gw.url}/v1/models`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.object).toBe('list');
    expect(body.data).toContainEqual({ id: 'gpt-4o', object: 'model', created: 0, owned_by: 'openai' });
    expect(body.data).toContainEqual({ id: 'my-fast', object: 'model', created: 0, owned_by: 'custom' });
    expect(body.data.map((m: { id: string }) => m.id).sort()).toEqual(
      ['claude-haiku', 'claude-sonnet', 'gpt-4o', 'gpt-4o-mini', 'llama-70b', 'llama-70b-alt', 'llama-8b', 'my-fast', ...EMBEDDING_ALIASES].sort(),
    );
  });

  it('lists only configured providers', async () => {
    const body = await withGateway({ ...mock.env, OPENAI_API_KEY: 'k-only-openai' }, async (only) => (await fetch(`${only.url}/v1/models`)).json());
    expect(body.data.map((m: { id: string }) => m.id)).toEqual(['gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small', 'text-embedding-3-large']);
  });
});

describe('forwarding', () => {
  const clientHeaders = { authorization: 'Bearer client-secret', 'x-api-key': 'client-key', cookie: 'sid=client-cookie', 'x-request-id': 'client-req-42' };
  const extra = { temperature: 0.3, foo_custom: { nested: [1, 2] }, stream_options: undefined };

  it.each([
    ['gpt-4o', 'openai', '/openai/v1/chat/completions', KEYS.OPENAI_API_KEY, 'gpt-4o'],
    ['llama-70b', 'nebius', '/nebius/v1/chat/completions', KEYS.NEBIUS_API_KEY, 'meta-llama/Llama-3.3-70B-Instruct'],
    ['llama-70b-alt', 'deepinfra', '/deepinfra/v1/openai/chat/completions', KEYS.DEEPINFRA_API_KEY, 'meta-llama/Llama-3.3-70B-Instruct-Turbo'],
    ['custom/my-model', 'custom', '/custom/v1/chat/completions', KEYS.CUSTOM_PROVIDER_KEY, 'my-model'],
    ['my-fast', 'custom', '/custom/v1/chat/completions', KEYS.CUSTOM_PROVIDER_KEY, 'fast-model'],
    ['nebius/Qwen/Qwen3-235B-A22B-Instruct-2507', 'nebius', '/nebius/v1/chat/completions', KEYS.NEBIUS_API_KEY, 'Qwen/Qwen3-235B-A22B-Instruct-2507'],
  ])('%s goes to %s at %s with its key, body untouched but for the model', async (model, provider, path, key, upstreamModel) => {
    const messages = [{ role: 'user', content: 'hi' }];
    const res = await post(gw.url, { model, messages, ...extra }, clientHeaders);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    const r = last();
    expect(r.provider).toBe(provider);
    expect(r.method).toBe('POST');
    expect(r.path).toBe(path);
    expect(r.headers.authorization).toBe(`Bearer ${key}`);
    expect(r.headers['x-api-key']).toBeUndefined();
    expect(r.headers.cookie).toBeUndefined();
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['x-request-id']).toBe('client-req-42');
    expect(r.body).toEqual({ model: upstreamModel, messages, temperature: 0.3, foo_custom: { nested: [1, 2] } });
    expect(res.headers.get('x-mini-llm-provider')).toBe(provider);
    expect(res.headers.get('x-request-id')).toBe('client-req-42');
  });

  it('Nebius: max_completion_tokens becomes max_tokens', async () => {
    await (await post(gw.url, { model: 'llama-70b', messages: [{ role: 'developer', content: 'x' }], max_completion_tokens: 77 })).arrayBuffer();
    expect(last().body).toEqual({ model: 'meta-llama/Llama-3.3-70B-Instruct', messages: [{ role: 'developer', content: 'x' }], max_tokens: 77 });
  });

  it('DeepInfra: developer role becomes system, max_completion_tokens becomes max_tokens', async () => {
    const messages = [
      { role: 'developer', content: 'be brief' },
      { role: 'user', content: 'hi' },
    ];
    await (await post(gw.url, { model: 'llama-70b-alt', messages, max_completion_tokens: 12 })).arrayBuffer();
    expect(last().body).toEqual({
      model: 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
      messages: [{ role: 'system', content: 'be brief' }, messages[1]],
      max_tokens: 12,
    });
  });

  it('OpenAI: no quirks applied', async () => {
    await (await post(gw.url, { model: 'gpt-4o', messages: [{ role: 'developer', content: 'x' }], max_completion_tokens: 5 })).arrayBuffer();
    expect(last().body).toEqual({ model: 'gpt-4o', messages: [{ role: 'developer', content: 'x' }], max_completion_tokens: 5 });
  });

  it('passes the non-streaming body through byte for byte, with the documented headers only', async () => {
    const res = await post(gw.url, { model: 'gpt-4o-mini', messages: [] });
    expect(await res.text()).toBe(fixture('openai-chat.json'));
    expectUpstreamHeaders(res);
    expect(res.headers.get('openai-processing-ms')).toBe('7');
    // Its own, exact length: the whole answer is known (see hardening.test.ts for a body that dies midway).
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(fixture('openai-chat.json'))));
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(last().headers['x-request-id']).toBe(res.headers.get('x-request-id'));
  });

  it.each([
    ['gpt-4o', 'openai-chat.sse'],
    ['llama-70b-alt', 'deepinfra-chat.sse'],
  ])('passes the %s SSE stream through byte for byte', async (model, file) => {
    const res = await post(gw.url, { model, stream: true, messages: [] });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(await res.text()).toBe(fixture(file));
    expect(last().headers.accept).toBe('text/event-stream');
  });

  it('streams incrementally: the first event arrives long before the last is sent', async () => {
    const started = Date.now();
    const res = await post(gw.url, { model: 'openai/slow:200', stream: true, messages: [] });
    const { data, times } = await readEvents(res);
    expect(data).toHaveLength(7);
    expect(data.at(-1)).toBe('[DONE]');
    // 7 events 200 ms apart: the last is sent ~1200 ms after the first.
    expect(times[0] - started).toBeLessThan(400);
    expect(times.at(-1)! - times[0]).toBeGreaterThan(1000);
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThan(100);
  });
});

describe('errors', () => {
  const expectError = async (res: Response, status: number, type: string, code: string | null) => {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/json');
    const body = await res.json();
    expect(Object.keys(body)).toEqual(['error']);
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(body.error).toMatchObject({ type, code });
    expect(body.error.message.length).toBeGreaterThan(0);
    return body.error;
  };

  it.each([
    ['{not json', 'invalid_json'],
    ['', 'invalid_json'],
    ['[1,2]', 'invalid_json'],
    ['"a string"', 'invalid_json'],
    ['null', 'invalid_json'],
    ['{}', 'missing_model'],
    ['{"model":42}', 'missing_model'],
    ['{"model":""}', 'missing_model'],
    ['{"model":"no-such-alias"}', 'model_not_found'],
    ['{"model":"nosuch/provider-model"}', 'model_not_found'],
  ])('body %s → 400 %s', async (body, code) => {
    await expectError(await post(gw.url, body), 400, 'invalid_request_error', code);
  });

  it('provider not configured → 400, naming the variable', async () => {
    const err = await withGateway({ ...mock.env, OPENAI_API_KEY: 'k-test-key' }, async (only) =>
      expectError(await post(only.url, { model: 'claude-haiku', messages: [] }), 400, 'invalid_request_error', 'provider_not_configured'),
    );
    expect(err.message).toContain('ANTHROPIC_API_KEY');
  });

  it('unknown route → 404 not_found; a known path with another method too, with an allow header', async () => {
    await expectError(await fetch(`${gw.url}/v1/nothing`), 404, 'invalid_request_error', 'not_found');
    const res = await fetch(`${gw.url}/v1/chat/completions`);
    expect(res.headers.get('allow')).toBe('POST');
    await expectError(res, 404, 'invalid_request_error', 'not_found');
  });

  it.each([
    ['status:401:openai-error-401.json', 401, 'invalid_request_error', 'invalid_api_key'],
    ['status:404:openai-error-404-model.json', 404, 'invalid_request_error', 'model_not_found'],
    ['status:429:openai-error-429.json', 429, 'tokens', 'rate_limit_exceeded'],
    ['status:429:openai-error-429-quota.json', 429, 'insufficient_quota', 'insufficient_quota'],
    ['status:500', 500, 'upstream_error', null],
    ['status:529:anthropic-error-overloaded.json', 503, 'overloaded_error', null],
  ])('upstream %s → %i %s/%s', async (model, status, type, code) => {
    const res = await post(gw.url, { model: `openai/${model}`, messages: [] });
    expect(res.headers.get('x-request-id')).toBeTruthy();
    await expectError(res, status, type, code);
  });

  it('passes the upstream rate-limit headers on with its error (retry-after, x-ratelimit-*, ids)', async () => {
    const res = await post(gw.url, { model: 'openai/status:429:openai-error-429.json', messages: [] }, { 'x-request-id': 'rl-1' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expectUpstreamHeaders(res);
    expect(res.headers.get('x-mini-llm-provider')).toBe('openai');
    expect(res.headers.get('x-request-id')).toBe('rl-1');
  });

  it('keeps the upstream message, and the upstream never sees the client credentials', async () => {
    const res = await post(gw.url, { model: 'openai/status:429:openai-error-429.json' }, { authorization: 'Bearer nope' });
    const body = await res.json();
    expect(body.error.message).toContain('Rate limit reached');
    expect(last().headers.authorization).toBe(`Bearer ${KEYS.OPENAI_API_KEY}`);
  });

  it('upstream unreachable → 502 upstream_unreachable', async () => {
    const err = await withGateway({ OPENAI_API_KEY: 'k-test-key', OPENAI_BASE_URL: 'http://127.0.0.1:1/v1' }, async (down) =>
      expectError(await post(down.url, { model: 'gpt-4o', messages: [] }), 502, 'upstream_error', 'upstream_unreachable'),
    );
    expect(err.message).toContain('openai');
  });

  it('the server keeps serving after errors', async () => {
    for (const body of ['{', '[]', '{"model":1}']) await (await post(gw.url, body)).arrayBuffer();
    expect((await fetch(`${gw.url}/health`)).status).toBe(200);
  });
});
