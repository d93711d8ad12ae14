/**
 * The gemini provider kind: the provider table and config (GEMINI_API_KEY, GEMINI_BASE_URL, the `gemini-*`
 * alias, MINI_LLM_PROVIDERS entries of kind gemini), the adapter's calls (URLs, key header), its model list for
 * `models --check`, embeddings mapping, and Google's error shapes in upstream errors.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { resolveModel } from '../../src/models.js';
import { adapterFor, modelListFor } from '../../src/providers/index.js';
import { base64Floats, toBatchEmbedRequest, toEmbeddingsAnswer } from '../../src/providers/gemini/embeddings.js';
import { parseErrorBody } from '../../src/upstream.js';
import { thrown } from '../helpers.js';

const KEY = 'AIza-unit-test-key-0123';
const config = (env: Record<string, string> = {}) => loadConfig({ GEMINI_API_KEY: KEY, ...env });

describe('provider table and config', () => {
  it('gemini: kind gemini, the server root, x-goog-api-key, enabled by GEMINI_API_KEY', () => {
    const p = config().providers.get('gemini')!;
    expect(p).toMatchObject({ id: 'gemini', kind: 'gemini', baseUrl: 'https://generativelanguage.googleapis.com', auth: 'x-goog-api-key', enabled: true, apiKey: KEY });
    expect(p.chatUrl).toBe('https://generativelanguage.googleapis.com/v1beta/models');
    expect(loadConfig({}).providers.get('gemini')!.enabled).toBe(false);
    expect(config().secrets).toContain(KEY);
  });

  it('GEMINI_BASE_URL replaces the root', () => {
    expect(config({ GEMINI_BASE_URL: 'http://127.0.0.1:9/' }).providers.get('gemini')!.chatUrl).toBe('http://127.0.0.1:9/v1beta/models');
  });

  it.each([
    ['gemini-3-flash-preview', 'gemini-3-flash-preview', 'gemini-*'],
    ['gemini-2.5-pro', 'gemini-2.5-pro', 'gemini-*'],
    ['gemini/gemini-embedding-001', 'gemini-embedding-001', null],
  ])('%s → gemini, upstream %s (alias %s)', (model, upstream, alias) => {
    const r = resolveModel(config(), model);
    expect(r.provider.id).toBe('gemini');
    expect(r.upstreamModel).toBe(upstream);
    expect(r.alias).toBe(alias);
  });

  it('a MINI_LLM_PROVIDERS entry of kind gemini takes x-goog-api-key unless it says otherwise', () => {
    const c = loadConfig({
      MINI_LLM_PROVIDERS: JSON.stringify({ vertexish: { kind: 'gemini', baseUrl: 'http://127.0.0.1:1' }, proxy: { kind: 'gemini', baseUrl: 'http://127.0.0.1:2', auth: 'bearer' } }),
      VERTEXISH_API_KEY: 'vertexish-key-123',
      PROXY_API_KEY: 'proxy-key-0123456',
    });
    expect(c.providers.get('vertexish')).toMatchObject({ kind: 'gemini', auth: 'x-goog-api-key', chatUrl: 'http://127.0.0.1:1/v1beta/models' });
    const call = adapterFor('gemini').chatRequest({ body: { messages: [{ role: 'user', content: 'hi' }] }, provider: c.providers.get('proxy')!, upstreamModel: 'm' });
    expect(call.headers.authorization).toBe('Bearer proxy-key-0123456');
    expect(call.headers['x-goog-api-key']).toBeUndefined();
  });
});

describe('the adapter', () => {
  const gemini = adapterFor('gemini');
  const provider = () => config({ GEMINI_BASE_URL: 'http://127.0.0.1:9' }).providers.get('gemini')!;

  it.each([
    [false, 'gemini-2.5-flash', 'http://127.0.0.1:9/v1beta/models/gemini-2.5-flash:generateContent', 'application/json'],
    [true, 'gemini-2.5-flash', 'http://127.0.0.1:9/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', 'text/event-stream'],
    [false, 'models/gemini-3-pro-preview', 'http://127.0.0.1:9/v1beta/models/gemini-3-pro-preview:generateContent', 'application/json'],
    [false, 'odd/name?x#y', 'http://127.0.0.1:9/v1beta/models/odd%2Fname%3Fx%23y:generateContent', 'application/json'],
  ])('stream %s, %s → %s', (stream, model, url, accept) => {
    const call = gemini.chatRequest({ body: { stream, messages: [{ role: 'user', content: 'hi' }] }, provider: provider(), upstreamModel: model });
    expect(call.url).toBe(url);
    expect(call.headers).toEqual({ 'content-type': 'application/json', accept, 'x-goog-api-key': KEY });
    expect(JSON.parse(call.body)).toEqual({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });
  });

  it('models --check: GET {root}/v1beta/models, ids without the models/ prefix', () => {
    const list = modelListFor('gemini');
    expect(list.request(provider())).toEqual({ url: 'http://127.0.0.1:9/v1beta/models?pageSize=1000', headers: { accept: 'application/json', 'x-goog-api-key': KEY } });
    expect(list.ids({ models: [{ name: 'models/gemini-2.5-flash' }, { name: 'models/gemini-embedding-001' }, { displayName: 'x' }], nextPageToken: 't' })).toEqual(['gemini-2.5-flash', 'gemini-embedding-001']);
    expect(list.ids({ data: [{ id: 'x' }] })).toEqual([]);
  });

  it('embeddings: {root}/v1beta/models/{model}:batchEmbedContents, one request per input', () => {
    const exchange = gemini.embeddings!({ body: { model: 'gemini-embedding-001', input: ['a', 'b'], dimensions: 4 }, provider: provider(), upstreamModel: 'gemini-embedding-001' });
    expect(exchange.call.url).toBe('http://127.0.0.1:9/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(exchange.call.headers['x-goog-api-key']).toBe(KEY);
    expect(JSON.parse(exchange.call.body)).toEqual({
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a' }] }, outputDimensionality: 4 },
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'b' }] }, outputDimensionality: 4 },
      ],
    });
  });

  it('the Anthropic kind still has no embeddings; OpenAI-compatible passes through', () => {
    expect(adapterFor('anthropic').embeddings).toBeUndefined();
    expect(adapterFor('openai-compatible').embeddings!({ body: { model: 'alias', input: 'x', dimensions: 3 }, provider: config().providers.get('openai')!, upstreamModel: 'text-embedding-3-small' }).translate).toBeUndefined();
  });
});

describe('embeddings mapping', () => {
  it.each<[string, Record<string, unknown>, string, string]>([
    ['token ids', { input: [[1, 2, 3]] }, 'invalid_input', 'input'],
    ['an empty list', { input: [] }, 'invalid_input', 'input'],
    ['a number', { input: 3 }, 'invalid_input', 'input'],
    ['dimensions 0', { input: 'x', dimensions: 0 }, 'invalid_dimensions', 'dimensions'],
    ['an unknown encoding', { input: 'x', encoding_format: 'int8' }, 'invalid_encoding_format', 'encoding_format'],
  ])('400: %s', (_row, body, code, param) => {
    const err = thrown(() => toBatchEmbedRequest(body, 'gemini-embedding-001'));
    expect([err.status, err.code, err.param]).toEqual([400, code, param]);
  });

  it('the answer → OpenAI embeddings, floats or base64 (little-endian float32)', () => {
    const answer = { embeddings: [{ values: [0.5, -0.25] }, { values: [1, 0] }] };
    expect(toEmbeddingsAnswer(answer, 'gemini-embedding-001', false)).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [0.5, -0.25] },
        { object: 'embedding', index: 1, embedding: [1, 0] },
      ],
      model: 'gemini-embedding-001',
      usage: { prompt_tokens: 0, total_tokens: 0 },
    });
    const b64 = toEmbeddingsAnswer(answer, 'm', true).data[0].embedding;
    expect(b64).toBe(Buffer.from(new Float32Array([0.5, -0.25]).buffer).toString('base64'));
    const long = Array.from({ length: 70_000 }, (_, i) => i / 7);
    expect(Array.from(new Float32Array(Buffer.from(base64Floats(long), 'base64').buffer.slice(0)))).toEqual(Array.from(Float32Array.from(long)));
  });
});

describe("Google's error shapes from upstream", () => {
  it.each<[string, string, ReturnType<typeof parseErrorBody>]>([
    ['the object form', JSON.stringify({ error: { code: 429, message: 'Quota exceeded.', status: 'RESOURCE_EXHAUSTED', details: [] } }), { message: 'Quota exceeded.', code: 'RESOURCE_EXHAUSTED', type: undefined, param: undefined }],
    ['the array form', JSON.stringify([{ error: { code: 400, message: 'Bad.', status: 'INVALID_ARGUMENT' } }]), { message: 'Bad.', code: 'INVALID_ARGUMENT', type: undefined, param: undefined }],
    ['a RetryInfo detail: its delay as whole seconds (the retry-after every route relays)', JSON.stringify({ error: { code: 429, message: 'Slow down.', status: 'RESOURCE_EXHAUSTED', details: [{ '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [] }, { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' }] } }), { message: 'Slow down.', code: 'RESOURCE_EXHAUSTED', retryAfter: '7' }],
    ['a fractional delay rounds up', JSON.stringify({ error: { code: 429, message: 'm', status: 'RESOURCE_EXHAUSTED', details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '36.2s' }] } }), { message: 'm', code: 'RESOURCE_EXHAUSTED', retryAfter: '37' }],
    ['a delay that is not a duration is ignored', JSON.stringify({ error: { code: 429, message: 'm', status: 'RESOURCE_EXHAUSTED', details: [{ retryDelay: 'soon' }, { retryDelay: 7 }] } }), { message: 'm', code: 'RESOURCE_EXHAUSTED', retryAfter: undefined }],
    ["OpenAI's form is unchanged", JSON.stringify({ error: { message: 'm', type: 'invalid_request_error', code: 'model_not_found', param: 'model' } }), { message: 'm', type: 'invalid_request_error', code: 'model_not_found', param: 'model' }],
  ])('%s', (_row, text, want) => expect(parseErrorBody(text)).toEqual(want));
});
