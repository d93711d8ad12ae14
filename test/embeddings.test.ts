/**
 * `POST /v1/embeddings` and `GET /v1/models/{id}` on Node, in-process, against the loopback mock (which checks
 * and answers embeddings like OpenAI: mocks/embeddings-upstream.ts). The real `openai` SDK, the body the
 * provider receives, the answer's bytes, OpenAI's schemas, errors, limits, timeouts, aborts and the log.
 * (The same through real Node, Bun and workerd processes: embeddings-runtimes.test.ts.)
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, startGateway, withGateway, type RunningGateway } from './helpers.js';
import { fixture, startMockProvider, type MockProvider } from './mock-provider.js';
import { embeddingsAnswer, FIXTURE_REQUEST, float32Decimal, rejectEmbeddingsRequest } from './mocks/embeddings-upstream.js';
import { schemaErrors } from './schemas/openapi.js';

let mock: MockProvider;
let gw: RunningGateway;
let client: OpenAI;

beforeAll(async () => {
  mock = await startMockProvider();
  gw = await startGateway({ ...mock.env, ...KEYS, MINI_LLM_MODELS: '{"my-embed":"custom/bge-small","qwen-*":"nebius/Qwen/Qwen3-*"}' });
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(async () => {
  await gw?.close();
  await mock?.close();
});

const embed = (url: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) =>
  fetch(`${url}/v1/embeddings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal,
  });

const last = () => mock.requests[mock.requests.length - 1]!;
const logLines = () => gw.logs.map((l) => JSON.parse(l));

describe('the mock answers embeddings as OpenAI does', () => {
  it('its answer to the fixture request is the recorded fixture, and it validates against CreateEmbeddingResponse', () => {
    const answer = embeddingsAnswer(FIXTURE_REQUEST);
    expect(answer.text).toBe(fixture('openai-embeddings.json'));
    expect(schemaErrors('CreateEmbeddingResponse', JSON.parse(answer.text))).toEqual([]);
  });

  it('base64 is the little-endian float32 bytes of the float answer', () => {
    const floats = JSON.parse(embeddingsAnswer({ ...FIXTURE_REQUEST, encoding_format: 'float' }).text).data[0].embedding;
    const b64 = JSON.parse(embeddingsAnswer({ ...FIXTURE_REQUEST, encoding_format: 'base64' }).text).data[0].embedding;
    const bytes = Buffer.from(b64, 'base64');
    const decoded = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4), float32Decimal);
    expect(decoded).toEqual(floats);
  });

  // What the spec's CreateEmbeddingRequest accepts, the mock accepts, and the other way round; except an empty
  // string, which the spec's schema allows but its text ("cannot be an empty string") and the API reject.
  it.each([
    [{ model: 'm', input: 'hi' }, true],
    [{ model: 'm', input: ['a', 'b'] }, true],
    [{ model: 'm', input: [1, 2, 3] }, true],
    [{ model: 'm', input: [[1, 2], [3]] }, true],
    [{ model: 'm', input: 'hi', dimensions: 8, encoding_format: 'base64', user: 'u-1' }, true],
    [{ model: 'm' }, false],
    [{ model: 'm', input: [] }, false],
    [{ model: 'm', input: [[]] }, false],
    [{ model: 'm', input: ['a', 1] }, false],
    [{ model: 'm', input: Array.from({ length: 2049 }, () => 'a') }, false],
    [{ model: 'm', input: 'hi', encoding_format: 'int8' }, false],
    [{ model: 'm', input: 'hi', dimensions: 0 }, false],
    [{ model: 'm', input: 'hi', dimensions: 1.5 }, false],
    [{ model: 'm', input: 'hi', stream: true }, false],
  ])('%j valid: %s (spec and mock agree)', (body, valid) => {
    expect(schemaErrors('CreateEmbeddingRequest', body).length === 0).toBe(valid);
    expect(rejectEmbeddingsRequest(body) === undefined).toBe(valid);
  });
});

describe('POST /v1/embeddings passes through', () => {
  // Every form of input and every option reaches the provider untouched; only `model` changes.
  it.each([
    ['a string', { input: 'The food was delicious and the waiter...' }],
    ['an array of strings', { input: ['first text', 'second text', 'third text'] }],
    ['a token array', { input: [1212, 318, 257, 1332, 13] }],
    ['an array of token arrays', { input: [[1212, 318], [257, 1332, 13]] }],
    ['dimensions and float', { input: 'hi', dimensions: 256, encoding_format: 'float' }],
    ['base64 and user', { input: ['hi', 'there'], encoding_format: 'base64', user: 'user-1234' }],
  ])('%s: the provider gets the body with only model replaced, the client gets its answer bytes', async (_, fields) => {
    const body = { model: 'text-embedding-3-small', ...fields };
    const res = await embed(gw.url, body);
    expect(res.status).toBe(200);
    const rec = last();
    expect(rec.path).toBe('/openai/v1/embeddings');
    expect(rec.body).toEqual(body); // the alias's upstream name is the same here
    expect(Object.keys(rec.body)).toEqual(Object.keys(body));
    const text = await res.text();
    expect(text).toBe(embeddingsAnswer(rec.body).text);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('x-mini-llm-provider')).toBe('openai');
    const answer = JSON.parse(text);
    if ((body as { encoding_format?: string }).encoding_format !== 'base64') expect(schemaErrors('CreateEmbeddingResponse', answer)).toEqual([]);
    expect(answer.data).toHaveLength(Array.isArray(body.input) && typeof body.input[0] !== 'number' ? body.input.length : 1);
  });

  it.each([
    ['text-embedding-3-large', 'openai', '/openai/v1/embeddings', `Bearer ${KEYS.OPENAI_API_KEY}`, 'text-embedding-3-large'],
    ['qwen3-embedding-8b', 'nebius', '/nebius/v1/embeddings', `Bearer ${KEYS.NEBIUS_API_KEY}`, 'Qwen/Qwen3-Embedding-8B'],
    ['qwen3-embedding-8b-alt', 'deepinfra', '/deepinfra/v1/openai/embeddings', `Bearer ${KEYS.DEEPINFRA_API_KEY}`, 'Qwen/Qwen3-Embedding-8B'],
    ['my-embed', 'custom', '/custom/v1/embeddings', `Bearer ${KEYS.CUSTOM_PROVIDER_KEY}`, 'bge-small'],
    ['nebius/BAAI/bge-en-icl', 'nebius', '/nebius/v1/embeddings', `Bearer ${KEYS.NEBIUS_API_KEY}`, 'BAAI/bge-en-icl'],
    ['qwen-Embedding-0.6B', 'nebius', '/nebius/v1/embeddings', `Bearer ${KEYS.NEBIUS_API_KEY}`, 'Qwen/Qwen3-Embedding-0.6B'],
  ])('%s → %s at %s', async (model, provider, path, auth, upstream) => {
    const body = { input: ['a', 'b'], model, dimensions: 16 };
    const res = await embed(gw.url, body, { authorization: 'Bearer client-secret', 'x-request-id': 'req-embed-1' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-mini-llm-provider')).toBe(provider);
    expect(res.headers.get('x-request-id')).toBe('req-embed-1');
    const rec = last();
    expect(rec.path).toBe(path);
    expect(rec.headers.authorization).toBe(auth);
    expect(rec.headers['x-request-id']).toBe('req-embed-1');
    expect(rec.body).toEqual({ ...body, model: upstream });
    expect(Object.keys(rec.body)).toEqual(['input', 'model', 'dimensions']);
    expect((await res.json()).model).toBe(upstream);
  });

  it('a batch of 2048 inputs goes through whole', async () => {
    const input = Array.from({ length: 2048 }, (_, i) => `document number ${i} `.repeat(20));
    const res = await embed(gw.url, { model: 'text-embedding-3-small', input, dimensions: 64 });
    expect(res.status).toBe(200);
    const answer = await res.json();
    expect(answer.data).toHaveLength(2048);
    expect(answer.data[2047]).toMatchObject({ index: 2047, object: 'embedding' });
    expect(last().body.input).toEqual(input);
  });
});

describe('the openai SDK: embeddings.create', () => {
  it('by default asks for base64 and decodes it into the float vectors', async () => {
    const res = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['hello', 'world'], dimensions: 32 });
    expect(last().body).toEqual({ model: 'text-embedding-3-small', input: ['hello', 'world'], dimensions: 32, encoding_format: 'base64' });
    const floats = JSON.parse(embeddingsAnswer({ ...last().body, encoding_format: 'float' }).text);
    expect(res.data.map((d) => Array.from(d.embedding, float32Decimal))).toEqual(floats.data.map((d: { embedding: number[] }) => d.embedding));
    expect(res.usage).toEqual(floats.usage);
    expect(schemaErrors('CreateEmbeddingResponse', { ...res, data: res.data.map((d) => ({ ...d, embedding: Array.from(d.embedding) })) })).toEqual([]);
  });

  it('encoding_format "float": the float answer as sent', async () => {
    const res = await client.embeddings.create({ model: 'qwen3-embedding-8b', input: 'hello', encoding_format: 'float', dimensions: 8 });
    expect(last().body).toEqual({ model: 'Qwen/Qwen3-Embedding-8B', input: 'hello', encoding_format: 'float', dimensions: 8 });
    expect(res).toEqual(JSON.parse(embeddingsAnswer(last().body).text));
    expect(schemaErrors('CreateEmbeddingResponse', res)).toEqual([]);
  });

  it('encoding_format "base64": the base64 strings as sent', async () => {
    const res = await client.embeddings.create({ model: 'text-embedding-3-small', input: [[1, 2, 3]], encoding_format: 'base64', dimensions: 4 });
    expect(res).toEqual(JSON.parse(embeddingsAnswer(last().body).text));
    expect(typeof res.data[0]!.embedding).toBe('string');
  });

  it('what the provider rejects reaches the SDK as its BadRequestError, with the provider message', async () => {
    const err = await client.embeddings.create({ model: 'text-embedding-3-small', input: '' }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.message).toContain("'$.input' is invalid");
    const missing = await embed(gw.url, { model: 'text-embedding-3-small' });
    expect(missing.status).toBe(400);
    const body = await missing.json();
    expect(body.error.message).toBe("'input' is a required property");
    expect(schemaErrors('ErrorResponse', body)).toEqual([]);
  });
});

describe('gateway errors on /v1/embeddings, in OpenAI shape', () => {
  it('an Anthropic-kind model → 400 unsupported_endpoint naming the provider; nothing goes upstream', async () => {
    const before = mock.requests.length;
    for (const model of ['claude-sonnet', 'anthropic/claude-haiku-4-5', 'claude-opus-5-5']) {
      const res = await embed(gw.url, { model, input: 'hi' });
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'unsupported_endpoint', param: 'model' });
      expect(body.error.message).toContain('"anthropic"');
      expect(schemaErrors('ErrorResponse', body)).toEqual([]);
    }
    expect(mock.requests.length).toBe(before);
    const err = await client.embeddings.create({ model: 'claude-sonnet', input: 'hi' }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.code).toBe('unsupported_endpoint');
  });

  it.each([
    [{ model: 'no-such-embedder', input: 'hi' }, 'model_not_found'],
    [{ input: 'hi' }, 'missing_model'],
    ['{"model":', 'invalid_json'],
  ])('%j → 400 %s', async (body, code) => {
    const res = await embed(gw.url, body);
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe(code);
  });

  it('a provider without a key → 400 provider_not_configured naming the variable', async () => {
    await withGateway({ ...mock.env, OPENAI_API_KEY: KEYS.OPENAI_API_KEY }, async (only) => {
      const res = await embed(only.url, { model: 'qwen3-embedding-8b', input: 'hi' });
      expect(res.status).toBe(400);
      const { error } = await res.json();
      expect(error.code).toBe('provider_not_configured');
      expect(error.message).toContain('NEBIUS_API_KEY');
    });
  });

  it('an upstream 429 → 429 with the upstream error and its headers', async () => {
    const res = await embed(gw.url, { model: 'openai/status:429:openai-error-429.json', input: 'hi' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect((await res.json()).error.code).toBe('rate_limit_exceeded');
  });

  it('GET /v1/embeddings → 404 not_found with allow: POST', async () => {
    const res = await fetch(`${gw.url}/v1/embeddings`);
    expect(res.status).toBe(404);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('the log line has route "embeddings", the alias and the provider, and never a key', async () => {
    await embed(gw.url, { model: 'qwen3-embedding-8b-alt', input: 'hi' }, { 'x-request-id': 'req-embed-log' });
    await new Promise((r) => setTimeout(r, 20));
    const line = logLines().find((l) => l.request_id === 'req-embed-log');
    expect(line).toMatchObject({ route: 'embeddings', path: '/v1/embeddings', model: 'qwen3-embedding-8b-alt', alias: 'qwen3-embedding-8b-alt', provider: 'deepinfra', status: 200, upstream_status: 200, outcome: 'ok' });
    expect(line.bytes).toBeGreaterThan(0);
    for (const key of Object.values(KEYS)) expect(gw.logs.join('\n')).not.toContain(key);
  });
});

describe('limits, timeouts and aborts on /v1/embeddings', () => {
  let tight: RunningGateway;
  beforeAll(async () => {
    tight = await startGateway({ ...mock.env, ...KEYS, MINI_LLM_TIMEOUT_MS: '400', MINI_LLM_MAX_BODY_BYTES: '4096' });
  });
  afterAll(async () => {
    await tight?.close();
  });

  it('a body over MINI_LLM_MAX_BODY_BYTES → 413 request_too_large, with or without content-length', async () => {
    const big = JSON.stringify({ model: 'text-embedding-3-small', input: Array.from({ length: 500 }, () => 'chunk of text') });
    const before = mock.requests.length;
    const res = await embed(tight.url, big);
    expect(res.status).toBe(413);
    expect((await res.json()).error).toMatchObject({ type: 'invalid_request_error', code: 'request_too_large' });
    const chunked = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const res2 = await fetch(`${tight.url}/v1/embeddings`, { method: 'POST', body: chunked, headers: { 'content-type': 'application/json' }, duplex: 'half' } as RequestInit);
    expect(res2.status).toBe(413);
    expect(mock.requests.length).toBe(before);
  });

  it('an upstream silent before its headers → 504 upstream_timeout, and the upstream request is closed', async () => {
    const index = mock.requests.length;
    const res = await embed(tight.url, { model: 'openai/hang', input: 'hi' });
    expect(res.status).toBe(504);
    expect((await res.json()).error).toMatchObject({ type: 'upstream_error', code: 'upstream_timeout' });
    await mock.waitForClose(index);
  });

  it('an answer that goes silent midway → 504; one that dies midway → 502; never a truncated 200', async () => {
    const index = mock.requests.length;
    const silent = await embed(tight.url, { model: 'openai/hang-json', input: 'hi' });
    expect(silent.status).toBe(504);
    await mock.waitForClose(index);
    const died = await embed(tight.url, { model: 'openai/die-json', input: 'hi' });
    expect(died.status).toBe(502);
    expect((await died.json()).error.code).toBe('upstream_disconnected');
  });

  it('an answer arriving slowly, in pieces, comes back whole (the silence timeout is per chunk)', async () => {
    const res = await embed(tight.url, { model: 'openai/late:100:150', input: ['a', 'b'] });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(embeddingsAnswer(last().body).text);
  });

  it('a client that goes away aborts the upstream request within 1 s', async () => {
    const index = mock.requests.length;
    const ac = new AbortController();
    const pending = embed(gw.url, { model: 'openai/hang', input: 'hi' }, {}, ac.signal).catch((e) => e);
    for (let i = 0; i < 200 && mock.requests.length <= index; i++) await new Promise((r) => setTimeout(r, 10));
    const abortedAt = Date.now();
    ac.abort();
    await pending;
    const rec = await mock.waitForClose(index, 2000);
    expect(rec.closedAt! - abortedAt).toBeLessThan(1000);
  });
});

describe('GET /v1/models/{id} (the SDK\'s models.retrieve)', () => {
  it('every listed model retrieves as the same entry, valid against OpenAI\'s Model schema', async () => {
    const listed = await (await fetch(`${gw.url}/v1/models`)).json();
    expect(schemaErrors('ListModelsResponse', listed)).toEqual([]);
    expect(listed.data.map((m: { id: string }) => m.id)).toEqual(expect.arrayContaining(['text-embedding-3-small', 'text-embedding-3-large', 'qwen3-embedding-8b', 'qwen3-embedding-8b-alt']));
    for (const entry of listed.data) {
      const got = await client.models.retrieve(entry.id);
      expect({ ...got }).toEqual(entry);
      expect(schemaErrors('Model', got)).toEqual([]);
    }
  });

  it('answers for every name the gateway routes: <provider>/<model> (slashes encoded or not) and wildcard matches', async () => {
    const explicit = await client.models.retrieve('nebius/Qwen/Qwen3-Embedding-8B');
    expect({ ...explicit }).toEqual({ id: 'nebius/Qwen/Qwen3-Embedding-8B', object: 'model', created: 0, owned_by: 'nebius' });
    const raw = await (await fetch(`${gw.url}/v1/models/nebius/Qwen/Qwen3-Embedding-8B`)).json();
    expect(raw).toEqual({ ...explicit });
    expect({ ...(await client.models.retrieve('claude-opus-5-5')) }).toEqual({ id: 'claude-opus-5-5', object: 'model', created: 0, owned_by: 'anthropic' });
  });

  it('an unknown name, or one whose provider is not configured → 404 model_not_found (NotFoundError)', async () => {
    const err = await client.models.retrieve('no-such-model').catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err.code).toBe('model_not_found');
    const res = await fetch(`${gw.url}/v1/models/no-such-model`);
    expect(res.status).toBe(404);
    expect(schemaErrors('ErrorResponse', await res.json())).toEqual([]);
    await withGateway({ ...mock.env, OPENAI_API_KEY: KEYS.OPENAI_API_KEY }, async (only) => {
      const c = new OpenAI({ baseURL: `${only.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      expect((await c.models.retrieve('text-embedding-3-small')).owned_by).toBe('openai');
      const e = await c.models.retrieve('qwen3-embedding-8b').catch((x) => x);
      expect(e).toBeInstanceOf(OpenAI.NotFoundError);
    });
  });
});
