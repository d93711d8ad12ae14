/**
 * The real `@google/genai` SDK through the gateway's Gemini routes, translated to an OpenAI-compatible provider
 * (chat only) and to Anthropic (test/mocks/messages-upstream.ts): generateContent, generateContentStream, a
 * function-calling loop (with thinking on Anthropic: the signed blocks ride in the envelope, across two gateway
 * processes), countTokens, embedContent, and errors the SDK raises with Google's status.
 */
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeReasoning } from '../../src/dialects/reasoning-envelope.js';
import { startGateway, type ChildGateway, type RunningGateway } from '../helpers.js';
import { embeddingsAnswer } from '../mocks/embeddings-upstream.js';
import { startLoopback, type Loopback } from '../mocks/loopback.js';
import { startMessagesUpstream, type MessagesUpstream, type Turn, type UpstreamRequest } from '../mocks/messages-upstream.js';
import { RUNTIMES } from '../runtimes.js';
import { genaiInstalled, loadGenAI, requireGenAI } from './genai.js';

type Json = Record<string, any>;

const KEY = 'gw-genai-sdk-0123456789';
const WEATHER = { functionDeclarations: [{ name: 'get_weather', description: 'The weather in a city.', parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }] };

requireGenAI('test/gemini/sdk.test.ts');

/** The request's last message carries a tool result (chat: a tool message; Messages: a tool_result block). */
const toolResult = (req: UpstreamRequest): string | undefined => {
  const last = (req.body.messages as Json[]).at(-1)!;
  if (last.role === 'tool') return String(last.content);
  const block = Array.isArray(last.content) ? last.content.find((b: Json) => b.type === 'tool_result') : undefined;
  return block ? JSON.stringify(block.content) : undefined;
};

const weatherTurn = (kind: string) => (req: UpstreamRequest): Turn => {
  const result = toolResult(req);
  if (result === undefined) return { thinking: 'The user wants the weather; ask the tool.', text: 'Checking.', tools: [{ id: kind === 'anthropic' ? 'toolu_01Weather' : 'call_weather_1', name: 'get_weather', input: { city: 'Paris' } }] };
  return { text: result.includes('sunny') ? 'It is sunny in Paris.' : 'The result did not arrive.' };
};

describe.runIf(genaiInstalled)('@google/genai through the gateway', () => {
  let mock: MessagesUpstream;
  let vectors: Loopback;
  let gw: RunningGateway;
  let genai: any;
  let ai: any;
  let env: Record<string, string>;

  beforeAll(async () => {
    genai = await loadGenAI();
    mock = await startMessagesUpstream();
    // An OpenAI-compatible embeddings API (the same mock answers as test/embeddings.test.ts uses).
    vectors = await startLoopback((rec, res: ServerResponse) => {
      const answer = embeddingsAnswer(rec.body);
      res.writeHead(rec.path === '/v1/embeddings' ? answer.status : 404, { 'content-type': 'application/json' }).end(answer.text);
    });
    env = { ...mock.env, CUSTOM_PROVIDER_URL: vectors.url, CUSTOM_PROVIDER_KEY: 'sk-vectors-0123456789', MINI_LLM_API_KEY: KEY };
    gw = await startGateway(env);
    ai = new genai.GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: gw.url } });
  });
  afterAll(async () => {
    await gw?.close();
    await mock?.close();
    await vectors?.close();
  });

  const providers = [
    { kind: 'openai', model: 'openai/gpt-4o-mini' },
    { kind: 'anthropic', model: 'anthropic/claude-sonnet-4-5' },
  ] as const;

  it.each(providers)('generateContent and generateContentStream ($kind)', async ({ kind, model }) => {
    mock.requests.length = 0;
    mock.reply = () => ({ text: 'Hello from the mock, in a few pieces.' });
    const whole = await ai.models.generateContent({ model, contents: 'Say hello', config: { systemInstruction: 'Be brief.', temperature: 0.3, maxOutputTokens: 64 } });
    expect(whole.text).toBe('Hello from the mock, in a few pieces.');
    expect(whole.candidates[0].finishReason).toBe('STOP');
    expect(whole.usageMetadata.promptTokenCount).toBeGreaterThan(0);
    const sent = mock.requests[0];
    expect(sent.kind).toBe(kind);
    if (kind === 'openai') expect(sent.body).toMatchObject({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello' }], temperature: 0.3, max_completion_tokens: 64 });
    else expect(sent.body).toMatchObject({ model: 'claude-sonnet-4-5', system: 'Be brief.', max_tokens: 64 });

    const chunks: Json[] = [];
    for await (const chunk of await ai.models.generateContentStream({ model, contents: 'Say hello' })) chunks.push(chunk);
    expect(chunks.map((c) => c.text ?? '').join('')).toBe('Hello from the mock, in a few pieces.');
    if (kind === 'openai') expect(chunks.length).toBeGreaterThan(2); // the mock sends the text in 12-character pieces
    expect(chunks.at(-1)!.candidates[0].finishReason).toBe('STOP');
    expect(chunks.at(-1)!.usageMetadata.totalTokenCount).toBeGreaterThan(0);
  });

  it.each(providers)('a function-calling loop ($kind): the call’s id comes back with its response', async ({ kind, model }) => {
    mock.requests.length = 0;
    mock.reply = weatherTurn(kind);
    const contents: Json[] = [{ role: 'user', parts: [{ text: 'Weather in Paris?' }] }];
    const first = await ai.models.generateContent({ model, contents, config: { tools: [WEATHER] } });
    const [call] = first.functionCalls;
    expect(call).toEqual({ id: kind === 'anthropic' ? 'toolu_01Weather' : 'call_weather_1', name: 'get_weather', args: { city: 'Paris' } });
    contents.push(first.candidates[0].content, { role: 'user', parts: [{ functionResponse: { id: call.id, name: call.name, response: { output: 'sunny, 21 °C' } } }] });
    const second = await ai.models.generateContent({ model, contents, config: { tools: [WEATHER] } });
    expect(second.text).toBe('It is sunny in Paris.');
    const withResult = mock.requests[1].body;
    if (kind === 'openai') {
      // (The reasoning the answer had also comes back, in whatever field the provider reads it: see reasoning-envelope.)
      expect(withResult.messages.at(-2)).toMatchObject({ role: 'assistant', content: 'Checking.', tool_calls: [{ id: 'call_weather_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] });
      expect(withResult.messages.at(-1)).toEqual({ role: 'tool', tool_call_id: 'call_weather_1', content: 'sunny, 21 °C' });
      expect(withResult.tools).toEqual([{ type: 'function', function: { name: 'get_weather', description: 'The weather in a city.', parameters: WEATHER.functionDeclarations[0].parametersJsonSchema } }]);
    } else {
      expect(withResult.messages.at(-1).content[0]).toMatchObject({ type: 'tool_result', tool_use_id: 'toolu_01Weather' });
      expect(withResult.messages.at(-2).content).toContainEqual({ type: 'tool_use', id: 'toolu_01Weather', name: 'get_weather', input: { city: 'Paris' } });
    }
  });

  it('with thinking on Anthropic, the signed block rides in the call’s thoughtSignature, back to a gateway that never saw it', async () => {
    const start = RUNTIMES.find((r) => r.name === 'node')!.start;
    const first: ChildGateway = await start({ ...env, MINI_LLM_LOG: 'silent' });
    const second: ChildGateway = await start({ ...env, MINI_LLM_LOG: 'silent' });
    try {
      mock.requests.length = 0;
      mock.reply = weatherTurn('anthropic');
      const config = { tools: [WEATHER], thinkingConfig: { thinkingBudget: 8192, includeThoughts: true } };
      const contents: Json[] = [{ role: 'user', parts: [{ text: 'Weather in Paris?' }] }];
      const one = new genai.GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: first.url } });
      const answer = await one.models.generateContent({ model: 'anthropic/claude-sonnet-4-5', contents, config });
      const parts = answer.candidates[0].content.parts as Json[];
      expect(parts[0]).toEqual({ text: 'The user wants the weather; ask the tool.', thought: true });
      const callPart = parts.find((p) => p.functionCall)!;
      expect(decodeReasoning(callPart.thoughtSignature, 'anthropic')?.thinking_blocks).toEqual([{ type: 'thinking', thinking: 'The user wants the weather; ask the tool.', signature: 'EqQBCkYIBxgCKkCmock' }]);
      expect(mock.requests[0].body.thinking).toMatchObject({ type: 'enabled' });

      // As Gemini CLI keeps history: thoughts dropped, the signature kept on the call.
      const history = { role: 'model', parts: parts.filter((p) => !p.thought) };
      const reply = { role: 'user', parts: [{ functionResponse: { id: callPart.functionCall.id, name: 'get_weather', response: { output: 'sunny' } } }] };
      const two = new genai.GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: second.url } });
      expect((await two.models.generateContent({ model: 'anthropic/claude-sonnet-4-5', contents: [...contents, history, reply], config })).text).toBe('It is sunny in Paris.');
      const assistant = mock.requests[1].body.messages.at(-2);
      expect(assistant.content[0]).toEqual({ type: 'thinking', thinking: 'The user wants the weather; ask the tool.', signature: 'EqQBCkYIBxgCKkCmock' });

      // Without the signature the second gateway has nothing to give back: thinking goes off for that request.
      const unsigned = { role: 'model', parts: history.parts.map(({ thoughtSignature: _, ...p }) => p) };
      await two.models.generateContent({ model: 'anthropic/claude-sonnet-4-5', contents: [...contents, unsigned, reply], config });
      expect(JSON.stringify(mock.requests[2].body.messages)).not.toContain('EqQBCkYIBxgCKkCmock');
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  }, 60_000);

  it.each(providers)('countTokens ($kind): an estimate that grows with the input', async ({ model }) => {
    const short = await ai.models.countTokens({ model, contents: 'How many tokens is this?' });
    const long = await ai.models.countTokens({ model, contents: 'How many tokens is this? '.repeat(40) });
    expect(short.totalTokens).toBeGreaterThan(0);
    expect(long.totalTokens).toBeGreaterThan(short.totalTokens * 20);
  });

  it('embedContent (the SDK sends :batchEmbedContents): the provider’s vectors, in order; :embedContent too', async () => {
    const out = await ai.models.embedContent({ model: 'custom/text-embedding-3-small', contents: ['first text', 'second text'], config: { outputDimensionality: 8 } });
    const expected = (input: string) => JSON.parse(embeddingsAnswer({ model: 'text-embedding-3-small', input: [input], dimensions: 8 }).text).data[0].embedding;
    expect(out.embeddings.map((e: Json) => e.values)).toEqual([expected('first text'), expected('second text')]);
    const single = await fetch(`${gw.url}/v1beta/models/custom/text-embedding-3-small:embedContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': KEY },
      body: JSON.stringify({ content: { parts: [{ text: 'first text' }] }, outputDimensionality: 8 }),
    });
    expect(await single.json()).toEqual({ embedding: { values: expected('first text') } });
    const anthropic = await ai.models.embedContent({ model: 'anthropic/claude-sonnet-4-5', contents: ['x'] }).catch((e: unknown) => e);
    expect(anthropic).toBeInstanceOf(genai.ApiError);
    expect(anthropic.status).toBe(400);
  });

  it('errors: the SDK raises its ApiError with Google’s status and body', async () => {
    const denied = await new genai.GoogleGenAI({ apiKey: 'gw-not-the-key-0123', httpOptions: { baseUrl: gw.url } }).models.generateContent({ model: 'openai/gpt-4o-mini', contents: 'x' }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(genai.ApiError);
    expect([denied.status, JSON.parse(denied.message).error.status]).toEqual([401, 'UNAUTHENTICATED']);
    const unknown = await ai.models.generateContent({ model: 'no-such-model', contents: 'x' }).catch((e: unknown) => e);
    expect([unknown.status, JSON.parse(unknown.message).error.status]).toEqual([400, 'INVALID_ARGUMENT']);
    mock.reply = () => ({ status: 429, headers: { 'retry-after': '3' }, error: { type: 'error', error: { type: 'rate_limit_error', message: 'Slow down.' } } });
    const limited = await ai.models.generateContentStream({ model: 'anthropic/claude-sonnet-4-5', contents: 'x' }).catch((e: unknown) => e);
    expect(limited.status).toBe(429);
    expect(JSON.parse(limited.message).error).toMatchObject({ code: 429, message: 'Slow down.', status: 'RESOURCE_EXHAUSTED', details: [{ retryDelay: '3s' }] });
  });
});
