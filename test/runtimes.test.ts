/**
 * One behaviour suite, run against the gateway on each real runtime: Node (the machine's own Node),
 * Bun (the real binary) and workerd (wrangler dev), all talking to the loopback mock provider.
 */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { KEYS, readEvents, sharedServer } from './helpers.js';
import { startMockProvider } from './mock-provider.js';
import { gatewayOn, RUNTIMES } from './runtimes.js';

const GATEWAY_KEY = 'gw-test-key-0123456789';
const mock = sharedServer(startMockProvider);

describe.each(RUNTIMES)('on $name', (runtime) => {
  const on = gatewayOn(
    runtime,
    () => ({
      ...mock().env,
      ...KEYS,
      MINI_LLM_API_KEY: GATEWAY_KEY,
      MINI_LLM_LOG: 'silent',
      // A provider added without code (on Workers: a binding like any other)
      MINI_LLM_PROVIDERS: JSON.stringify({ myvllm: { baseUrl: `${mock().url}/nebius/v1`, apiKeyEnv: 'MYVLLM_KEY' } }),
      MYVLLM_KEY: 'vllm-key-0123456789',
      MINI_LLM_MODELS: '{"mine":"myvllm/Qwen/Qwen3-8B"}',
    }),
    (url) => new OpenAI({ baseURL: `${url}/v1`, apiKey: GATEWAY_KEY, maxRetries: 0 }),
  );

  it('serves /health without a key', async () => {
    const res = await fetch(`${on.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('lists the configured aliases', async () => {
    const ids = [];
    for await (const m of on.client.models.list()) ids.push(m.id);
    expect(ids).toEqual(expect.arrayContaining(['gpt-4o', 'claude-sonnet', 'llama-70b', 'llama-70b-alt']));
  });

  it.each(['gpt-4o-mini', 'llama-70b', 'claude-sonnet'])('answers %s without streaming', async (model) => {
    const res = await on.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Capital of France?' }] });
    expect(res.choices[0].message.content).toBe('The capital of France is Paris.');
    expect(res.choices[0].finish_reason).toBe('stop');
    expect(res.usage?.total_tokens).toBeGreaterThan(0);
  });

  it.each(['gpt-4o', 'llama-70b-alt', 'claude-haiku'])('streams %s', async (model) => {
    const stream = await on.client.chat.completions.create({
      model,
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'Capital of France?' }],
    });
    let text = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(text).toBe('The capital of France is Paris.');
    expect(finish).toBe('stop');
  });

  it('routes to a provider added with MINI_LLM_PROVIDERS, through its alias', async () => {
    const before = mock().requests.length;
    const res = await on.client.chat.completions.create({ model: 'mine', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.choices[0].message.content).toBe('The capital of France is Paris.');
    const rec = mock().requests.slice(before).find((r) => r.path === '/nebius/v1/chat/completions')!;
    expect(rec.headers.authorization).toBe('Bearer vllm-key-0123456789');
    expect(rec.body.model).toBe('Qwen/Qwen3-8B');
  });

  it('streams incrementally: the first event arrives long before the last is sent', async () => {
    const started = Date.now();
    const res = await fetch(`${on.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${GATEWAY_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/slow:200', stream: true, messages: [] }),
    });
    const { data, times } = await readEvents(res);
    expect(data).toHaveLength(7);
    expect(times[0] - started).toBeLessThan(600);
    expect(times.at(-1)! - times[0]).toBeGreaterThan(1000);
  });

  it('raises an upstream 429 as RateLimitError with the upstream message', async () => {
    const err = await on.client.chat.completions.create({ model: 'openai/status:429:openai-error-429.json', messages: [] }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.status).toBe(429);
    expect(err.code).toBe('rate_limit_exceeded');
  });

  it('raises an unknown model as BadRequestError model_not_found', async () => {
    const err = await on.client.chat.completions.create({ model: 'no-such-model', messages: [] }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.code).toBe('model_not_found');
  });

  it('refuses a missing or wrong gateway key with 401', async () => {
    for (const apiKey of ['wrong-key', '']) {
      const c = new OpenAI({ baseURL: `${on.url}/v1`, apiKey: apiKey || 'x', maxRetries: 0, defaultHeaders: apiKey ? {} : { authorization: null } });
      const err = await c.chat.completions.create({ model: 'gpt-4o', messages: [] }).catch((e) => e);
      expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(err.code).toBe('invalid_api_key');
    }
  });
});

describe('on workerd without a gateway key', () => {
  const workerd = RUNTIMES.find((r) => r.name === 'workerd')!;

  it('refuses chat requests (public by default), unless MINI_LLM_ALLOW_UNAUTHENTICATED=true', async () => {
    const open = await workerd.start({ ...mock().env, OPENAI_API_KEY: KEYS.OPENAI_API_KEY });
    try {
      const res = await fetch(`${open.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'gpt-4o', messages: [] }) });
      expect(res.status).toBe(401);
      const body = await res.json();
      expect(body.error.code).toBe('invalid_api_key');
      expect(body.error.message).toContain('MINI_LLM_API_KEY');
      expect((await fetch(`${open.url}/health`)).status).toBe(200);
    } finally {
      await open.stop();
    }
    const allowed = await workerd.start({ ...mock().env, OPENAI_API_KEY: KEYS.OPENAI_API_KEY, MINI_LLM_ALLOW_UNAUTHENTICATED: 'true' });
    try {
      const res = await fetch(`${allowed.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'gpt-4o', messages: [] }) });
      expect(res.status).toBe(200);
      expect((await res.json()).choices[0].message.content).toBe('The capital of France is Paris.');
    } finally {
      await allowed.stop();
    }
  }, 150_000);
});
