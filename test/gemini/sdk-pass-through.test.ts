/**
 * The real `@google/genai` SDK through the gateway (a real server on a loopback port, Node's upstream client) to
 * a `gemini` provider, the strict Gemini mock (test/mocks/gemini-upstream.ts): pass-through. generateContent,
 * generateContentStream, a function-calling loop on a Gemini 3 name (the mock refuses a signature it did not
 * issue), countTokens and embedContent answered by the provider, Google's errors raised by the SDK, a stream that
 * fails mid-way; the answer's bytes exactly as the mock sent them (SSE, the streamed JSON array, JSON), and the
 * client's gateway key never sent on (the mock sees GEMINI_KEY only).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countTokensAnswer } from '../../src/dialects/gemini/count-tokens.js';
import { ENVELOPE_PREFIX } from '../../src/dialects/reasoning-envelope.js';
import { startGateway, type RunningGateway } from '../helpers.js';
import { BYPASS, countOf, GEMINI_KEY, HELLO, startGeminiUpstream, THOUGHT, vectorOf, type GeminiRequest, type GeminiUpstream } from '../mocks/gemini-upstream.js';
import { genaiInstalled, loadGenAI, requireGenAI } from './genai.js';

type Json = Record<string, any>;

const KEY = 'gw-genai-pass-0123456789';
const TOOLS = [
  {
    functionDeclarations: [
      { name: 'get_weather', description: 'The weather in a city.', parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
      { name: 'get_time', description: 'The local time in a city.', parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
    ],
  },
];

requireGenAI('test/gemini/sdk-pass-through.test.ts');

/** Marks the test's own calls to the mock (which bypass the gateway). */
const DIRECT = { 'x-test-direct': '1' };

/** Every event of an SSE text (Google's `\r\n\r\n` or `\n\n` between them), parsed. */
const sseEvents = (text: string): Json[] =>
  text
    .split(/\r?\n\r?\n/)
    .filter((b) => b.trim() !== '')
    .map((b) => JSON.parse(b.replace(/^data: /, '')));

/** An answer without what the mock makes anew for every request (its response id, the signatures it issues). */
const stable = (answer: unknown) => JSON.parse(JSON.stringify(answer).replace(/"(responseId|thoughtSignature)":"[^"]*"/g, '"$1":"…"'));

describe.runIf(genaiInstalled)('@google/genai through the gateway to a gemini provider (pass-through)', () => {
  let mock: GeminiUpstream;
  let gw: RunningGateway;
  let genai: any;
  let ai: any;

  beforeAll(async () => {
    genai = await loadGenAI();
    mock = await startGeminiUpstream();
    gw = await startGateway({ ...mock.env, MINI_LLM_API_KEY: KEY, MINI_LLM_LOG: 'silent', MINI_LLM_MODELS: JSON.stringify({ embedder: 'gemini/gemini-embedding-001' }) });
    ai = new genai.GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: gw.url } });
  });
  afterAll(async () => {
    await gw?.close();
    await mock?.close();
  });

  /** The requests the mock got since `from`. */
  const since = (from: number): GeminiRequest[] => mock.requests.slice(from);

  /** A raw POST to the gateway's Gemini route, the key as `x-goog-api-key` unless `headers` says otherwise. */
  const post = (path: string, body: unknown, headers: Record<string, string> = { 'x-goog-api-key': KEY }) =>
    fetch(`${gw.url}/v1beta/models/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('generateContent: the body as the SDK sent it, the answer as Gemini sent it, Google’s key only', async () => {
    const from = mock.requests.length;
    const config = { systemInstruction: 'Be brief.', temperature: 0.3, topK: 20, maxOutputTokens: 64, safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }] };
    const whole = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Say hello', config });
    expect(whole.text).toBe(HELLO);
    expect(whole.candidates[0].finishReason).toBe('STOP');
    const [rec] = since(from);
    expect(rec!.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    // Fields the translated route drops or refuses (topK, safetySettings) reach Google as they were.
    expect(rec!.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Say hello' }] }],
      systemInstruction: { role: 'user', parts: [{ text: 'Be brief.' }] },
      generationConfig: { temperature: 0.3, topK: 20, maxOutputTokens: 64 },
      safetySettings: config.safetySettings,
    });
    expect(rec!.headers['x-goog-api-key']).toBe(GEMINI_KEY);
    // What the SDK parsed is what the mock answered, field for field (usage, modelVersion, responseId).
    const { sdkHttpResponse, ...parsed } = JSON.parse(JSON.stringify(whole));
    expect(parsed).toEqual(JSON.parse(rec!.answer));
    expect(sdkHttpResponse.headers['x-mini-llm-provider']).toBe('gemini');
  });

  it('generateContentStream: SSE, every event the mock sent, as it sent it', async () => {
    const from = mock.requests.length;
    const chunks: Json[] = [];
    for await (const chunk of await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'Say hello', config: { thinkingConfig: { includeThoughts: true } } })) chunks.push(chunk);
    const [rec] = since(from);
    expect(rec!.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    const sent = sseEvents(rec!.answer);
    expect(sent.length).toBeGreaterThan(2);
    expect(chunks.map(({ sdkHttpResponse: _, ...c }) => JSON.parse(JSON.stringify(c)))).toEqual(sent);
    expect(chunks[0]!.candidates[0].content.parts).toEqual([{ text: THOUGHT, thought: true }]);
    expect(chunks.map((c) => c.text ?? '').join('')).toBe(HELLO);
    expect(chunks.at(-1)!.candidates[0].finishReason).toBe('STOP');
  });

  it.each([false, true])('a function-calling loop on gemini-3-pro-preview (stream %s): Gemini gets its own signatures back', async (stream) => {
    const from = mock.requests.length;
    const config = { tools: TOOLS, thinkingConfig: { thinkingLevel: 'HIGH', includeThoughts: true } };
    const contents: Json[] = [{ role: 'user', parts: [{ text: 'Weather and time in Paris and Tokyo?' }] }];
    /** One turn: the model's content (a stream's parts put together, as Gemini CLI keeps them). */
    const turn = async (): Promise<Json> => {
      if (!stream) return (await ai.models.generateContent({ model: 'gemini-3-pro-preview', contents, config })).candidates[0];
      const parts: Json[] = [];
      let finishReason;
      for await (const chunk of await ai.models.generateContentStream({ model: 'gemini-3-pro-preview', contents, config })) {
        parts.push(...(chunk.candidates?.[0]?.content?.parts ?? []));
        finishReason = chunk.candidates?.[0]?.finishReason ?? finishReason;
      }
      return { content: { role: 'model', parts }, finishReason };
    };
    const calls: Json[][] = [];
    let answer = '';
    for (let round = 0; round < 3; round++) {
      const candidate = await turn();
      const parts = candidate.content.parts as Json[];
      const called = parts.filter((p) => p.functionCall).map((p) => p.functionCall);
      if (called.length === 0) {
        answer = parts.filter((p) => !p.thought).map((p) => p.text ?? '').join('');
        break;
      }
      calls.push(called);
      contents.push(candidate.content, { role: 'user', parts: called.map((c) => ({ functionResponse: { name: c.name, response: { output: `${c.name}(${c.args.city}) ok` } } })) });
    }
    expect(calls.map((c) => c.map((f) => [f.name, f.args.city]))).toEqual([[['get_weather', 'Paris'], ['get_weather', 'Tokyo']], [['get_time', expect.any(String)]]]);
    expect(answer).toBe('The tools answered: {"output":"get_weather(Paris) ok"}; {"output":"get_weather(Tokyo) ok"}; {"output":"get_time(' + calls[1]![0]!.args.city + ') ok"}');
    const sent = since(from);
    expect(sent.map((r) => r.status)).toEqual([200, 200, 200]);
    // The last request's history: the first call of each model turn signed with a signature the mock issued.
    const history = sent.at(-1)!.body.contents as Json[];
    const signed = history.filter((c) => c.role === 'model').map((c) => c.parts.find((p: Json) => p.functionCall).thoughtSignature);
    expect(signed).toHaveLength(2);
    for (const sig of signed) expect(mock.issued.has(sig)).toBe(true);
    const wire = JSON.stringify(sent.map((r) => r.body));
    expect(wire).not.toContain(BYPASS);
    expect(wire).not.toContain(ENVELOPE_PREFIX);
  });

  it('countTokens: Gemini’s own count, not the gateway’s estimate', async () => {
    const from = mock.requests.length;
    const contents = 'How many tokens is this? '.repeat(5);
    const counted = await ai.models.countTokens({ model: 'gemini-2.5-flash', contents });
    const [rec] = since(from);
    expect(rec!.path).toBe('/v1beta/models/gemini-2.5-flash:countTokens');
    expect(counted.totalTokens).toBe(countOf([{ role: 'user', parts: [{ text: contents }] }]));
    expect(counted.totalTokens).toBe(JSON.parse(rec!.answer).totalTokens);
    expect(counted.totalTokens).not.toBe(countTokensAnswer({ contents: rec!.body.contents }).totalTokens);
  });

  it.each([['gemini-embedding-001'], ['gemini/gemini-embedding-001'], ['embedder']])('embedContent as %s: a batch through the SDK, one through :embedContent', async (model) => {
    const from = mock.requests.length;
    const out = await ai.models.embedContent({ model, contents: ['first text', 'second text'], config: { outputDimensionality: 6 } });
    expect(out.embeddings.map((e: Json) => e.values)).toEqual([vectorOf('first text', 6), vectorOf('second text', 6)]);
    const single = await post(`${model}:embedContent`, { model: `models/${model}`, content: { parts: [{ text: 'first text' }] }, outputDimensionality: 4 });
    expect(single.status).toBe(200);
    expect(await single.json()).toEqual({ embedding: { values: vectorOf('first text', 4) } });
    // Each request's `model` names the upstream model, as Google requires of a batch's requests (the path's name).
    expect(since(from).map((r) => [r.path, r.status])).toEqual([
      ['/v1beta/models/gemini-embedding-001:batchEmbedContents', 200],
      ['/v1beta/models/gemini-embedding-001:embedContent', 200],
    ]);
    expect(since(from)[0]!.body.requests.map((r: Json) => r.model)).toEqual(['models/gemini-embedding-001', 'models/gemini-embedding-001']);
  });

  it.each([
    ['gemini-2.5-flash-rate-limited', 429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota'],
    ['gemini-2.5-flash-unauthenticated', 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials'],
    ['gemini-2.5-flash-array-error', 400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.'],
    ['gemini-2.5-flash-echo-key', 400, 'INVALID_ARGUMENT', 'API key [redacted] is not allowed'],
  ])('%s: the SDK raises ApiError %i with Google’s status and message, never the upstream key', async (model, status, name, message) => {
    for (const call of [() => ai.models.generateContent({ model, contents: 'x' }), () => ai.models.generateContentStream({ model, contents: 'x' })]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(genai.ApiError);
      expect(err.status).toBe(status);
      const body = JSON.parse(err.message);
      expect(body.error).toMatchObject({ code: status, status: name });
      expect(body.error.message).toContain(message);
      expect(err.message).not.toContain(GEMINI_KEY);
      // Google's RetryInfo (the mock's 7 s) reaches the client, which honours it (Gemini CLI's retry loop).
      if (status === 429) expect(body.error.details).toEqual([{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' }]);
    }
  });

  it('an error event mid-stream reaches the client as Gemini sent it, after the events before it', async () => {
    const from = mock.requests.length;
    const res = await post('gemini-2.5-flash-stream-error:streamGenerateContent?alt=sse', { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });
    expect(res.status).toBe(200);
    const text = await res.text();
    const [rec] = since(from);
    expect(text).toBe(rec!.answer);
    const events = sseEvents(text);
    expect(events.slice(0, -1).map((e) => e.candidates[0].content.parts[0].text).join('')).toBe(HELLO.slice(0, Math.ceil(HELLO.length / 2)));
    expect(events.at(-1)).toEqual({ error: { code: 500, message: expect.stringContaining('An internal error has occurred.'), status: 'INTERNAL' } });
    // The SDK (1.30) parses the error event as one more chunk, with no candidates: the text before it arrives.
    const chunks: Json[] = [];
    for await (const chunk of await ai.models.generateContentStream({ model: 'gemini-2.5-flash-stream-error', contents: 'hi' })) chunks.push(chunk);
    expect(chunks.map((c) => c.text ?? '').join('')).toBe(HELLO.slice(0, Math.ceil(HELLO.length / 2)));
    expect(chunks.at(-1)!.candidates).toBeUndefined();
  });

  it('bytes unchanged: SSE, the streamed JSON array and JSON are what the mock wrote, and match a direct call to it', async () => {
    const body = { contents: [{ role: 'user', parts: [{ text: 'Say hello' }] }], generationConfig: { thinkingConfig: { includeThoughts: true } } };
    for (const [action, type] of [
      ['streamGenerateContent?alt=sse', 'text/event-stream'],
      ['streamGenerateContent', 'application/json; charset=UTF-8'],
      ['generateContent', 'application/json; charset=UTF-8'],
    ]) {
      const from = mock.requests.length;
      const viaGateway = await post(`gemini-2.5-flash:${action}`, body);
      expect(viaGateway.headers.get('content-type')).toBe(type);
      const bytes = await viaGateway.text();
      expect(bytes).toBe(since(from)[0]!.answer);
      const direct = await fetch(`${mock.url}/v1beta/models/gemini-2.5-flash:${action}`, { method: 'POST', headers: { ...DIRECT, 'content-type': 'application/json', 'x-goog-api-key': GEMINI_KEY }, body: JSON.stringify(body) });
      const directBytes = await direct.text();
      const parse = (t: string) => (action.endsWith('sse') ? sseEvents(t) : JSON.parse(t));
      expect(stable(parse(bytes))).toEqual(stable(parse(directBytes)));
      expect(bytes.length).toBe(directBytes.length); // the responseIds and signatures differ, but not in length
      if (action === 'streamGenerateContent') expect(JSON.parse(bytes).map((e: Json) => e.candidates[0].finishReason ?? null)).toEqual([null, null, 'STOP']);
    }
  });

  it('the gateway key as ?key= or x-goog-api-key; never sent on: the mock sees GEMINI_KEY only', async () => {
    const from = mock.requests.length;
    const body = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] };
    expect((await post(`gemini-2.5-flash:generateContent?key=${KEY}`, body, {})).status).toBe(200);
    expect((await post('gemini-2.5-flash:generateContent', body, { 'x-goog-api-key': KEY })).status).toBe(200);
    const viaV1 = await fetch(`${gw.url}/v1/models/gemini-2.5-flash:streamGenerateContent?alt=sse&key=${KEY}`, { method: 'POST', body: JSON.stringify(body) });
    expect(viaV1.status).toBe(200);
    expect(sseEvents(await viaV1.text()).at(-1)!.candidates[0].finishReason).toBe('STOP');
    const denied = await post('gemini-2.5-flash:generateContent?key=gw-wrong-0123456789', body, {});
    expect(denied.status).toBe(401);
    expect(await denied.json()).toEqual({ error: { code: 401, message: 'Invalid gateway key.', status: 'UNAUTHENTICATED' } });
    expect(since(from).map((r) => r.path)).toEqual([
      '/v1beta/models/gemini-2.5-flash:generateContent',
      '/v1beta/models/gemini-2.5-flash:generateContent',
      '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
    ]);
    // Over every request this file made: Google's key, and nothing of the gateway's.
    for (const r of mock.requests.filter((r) => r.headers['x-test-direct'] === undefined)) {
      expect(r.headers['x-goog-api-key']).toBe(GEMINI_KEY);
      expect(r.headers.authorization).toBeUndefined();
      expect(JSON.stringify(r)).not.toContain(KEY);
    }
  });
});
