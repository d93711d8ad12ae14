/**
 * `POST /v1/embeddings` and `GET /v1/models/{id}` through the gateway as a real process on each runtime: Node
 * (the machine's own), Bun (the real binary) and workerd (wrangler dev), with the real `openai` SDK, against the
 * loopback mock (which answers embeddings like OpenAI: mocks/embeddings-upstream.ts).
 */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { KEYS, sharedServer } from './helpers.js';
import { startMockProvider } from './mock-provider.js';
import { embeddingsAnswer, float32Decimal } from './mocks/embeddings-upstream.js';
import { gatewayOn, RUNTIMES } from './runtimes.js';
import { schemaErrors } from './schemas/openapi.js';

const GATEWAY_KEY = 'gw-test-key-0123456789';

const mock = sharedServer(startMockProvider);

describe.each(RUNTIMES)('on $name', (runtime) => {
  const on = gatewayOn(
    runtime,
    () => ({ ...mock().env, ...KEYS, MINI_LLM_API_KEY: GATEWAY_KEY, MINI_LLM_LOG: 'silent' }),
    (url) => new OpenAI({ baseURL: `${url}/v1`, apiKey: GATEWAY_KEY, maxRetries: 0 }),
  );
  const embeddingRequests = () => mock().requests.filter((r) => r.path.endsWith('/embeddings'));
  const lastEmbedding = () => embeddingRequests().at(-1)!;

  it('embeddings.create, float: the answer as the provider sent it, valid against CreateEmbeddingResponse', async () => {
    const res = await on.client.embeddings.create({ model: 'text-embedding-3-small', input: ['one', 'two'], encoding_format: 'float', dimensions: 16 });
    const rec = lastEmbedding();
    expect(rec.path).toBe('/openai/v1/embeddings');
    expect(rec.headers.authorization).toBe(`Bearer ${KEYS.OPENAI_API_KEY}`);
    expect(rec.body).toEqual({ model: 'text-embedding-3-small', input: ['one', 'two'], encoding_format: 'float', dimensions: 16 });
    expect(res).toEqual(JSON.parse(embeddingsAnswer(rec.body).text));
    expect(schemaErrors('CreateEmbeddingResponse', res)).toEqual([]);
  });

  it('embeddings.create, the SDK default: base64 on the wire, decoded to the same floats', async () => {
    const res = await on.client.embeddings.create({ model: 'qwen3-embedding-8b', input: [[1212, 318, 257]], dimensions: 8 });
    const rec = lastEmbedding();
    expect(rec.path).toBe('/nebius/v1/embeddings');
    expect(rec.body).toEqual({ model: 'Qwen/Qwen3-Embedding-8B', input: [[1212, 318, 257]], dimensions: 8, encoding_format: 'base64' });
    const floats = JSON.parse(embeddingsAnswer({ ...rec.body, encoding_format: 'float' }).text);
    expect(Array.from(res.data[0]!.embedding, float32Decimal)).toEqual(floats.data[0].embedding);
  });

  it('the answer bytes are unchanged (raw fetch, base64)', async () => {
    const body = { input: 'The food was delicious and the waiter...', model: 'qwen3-embedding-8b-alt', encoding_format: 'base64', user: 'u-1' };
    const res = await fetch(`${on.url}/v1/embeddings`, { method: 'POST', headers: { authorization: `Bearer ${GATEWAY_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-mini-llm-provider')).toBe('deepinfra');
    const rec = lastEmbedding();
    expect(rec.path).toBe('/deepinfra/v1/openai/embeddings');
    expect(rec.body).toEqual({ ...body, model: 'Qwen/Qwen3-Embedding-8B' });
    expect(await res.text()).toBe(embeddingsAnswer(rec.body).text);
  });

  it('an Anthropic-kind model → BadRequestError unsupported_endpoint', async () => {
    const err = await on.client.embeddings.create({ model: 'claude-sonnet', input: 'hi' }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.code).toBe('unsupported_endpoint');
    expect(err.message).toContain('anthropic');
  });

  it('models.retrieve: an embedding alias, and 404 NotFoundError for an unknown one', async () => {
    expect({ ...(await on.client.models.retrieve('text-embedding-3-large')) }).toEqual({ id: 'text-embedding-3-large', object: 'model', created: 0, owned_by: 'openai' });
    expect((await on.client.models.retrieve('nebius/Qwen/Qwen3-Embedding-8B')).owned_by).toBe('nebius');
    const err = await on.client.models.retrieve('no-such-embedder').catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err.code).toBe('model_not_found');
  });

  // Under `wrangler dev` a client that leaves before the Worker answered is not seen by the Worker
  // (see abort.test.ts), so this is observable on Node and Bun only.
  it.skipIf(runtime.name === 'workerd')('a client that goes away aborts the upstream request within 1 s', async () => {
    const index = mock().requests.length;
    const ac = new AbortController();
    const pending = on.client.embeddings.create({ model: 'openai/hang', input: 'hi' }, { signal: ac.signal }).catch((e) => e);
    for (let i = 0; i < 200 && mock().requests.length <= index; i++) await new Promise((r) => setTimeout(r, 10));
    const abortedAt = Date.now();
    ac.abort();
    expect(await pending).toBeInstanceOf(OpenAI.APIUserAbortError);
    const rec = await mock().waitForClose(index, 2000);
    expect(rec.closedAt! - abortedAt).toBeLessThan(1000);
  });
});
