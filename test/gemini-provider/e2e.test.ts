/**
 * The gemini provider kind end to end: the real `openai` SDK (chat completions, embeddings) and the Anthropic SDK
 * (/v1/messages, through the chat pivot) → the gateway → the strict mock Gemini API (mocks/gemini-upstream.ts),
 * which refuses a Gemini 3 tool turn whose signatures it did not issue. In-process on Node; the streamed tool loop
 * also on Bun (a real child process).
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { describe, expect, it } from 'vitest';
import { decodeReasoning } from '../../src/dialects/reasoning-envelope.js';
import { loadConfig } from '../../src/config.js';
import { fetchListing } from '../../src/cli/check.js';
import { sharedServer, startGateway } from '../helpers.js';
import { BYPASS, GEMINI_KEY, HELLO, startGeminiUpstream, THOUGHT, vectorOf, type GeminiUpstream } from '../mocks/gemini-upstream.js';
import { gatewayOn, RUNTIMES } from '../runtimes.js';

type Json = Record<string, any>;

const GATEWAY_KEY = 'gw-gemini-key-0123456789';
const mock = sharedServer(startGeminiUpstream);
const gateway = sharedServer(async () => startGateway({ ...mock().env, MINI_LLM_API_KEY: GATEWAY_KEY, MINI_LLM_LOG: 'silent' }));
const openai = (url = gateway().url) => new OpenAI({ baseURL: `${url}/v1`, apiKey: GATEWAY_KEY, maxRetries: 0 });
const generateCalls = (m: GeminiUpstream) => m.requests.filter((r) => r.action === 'generateContent' || r.action === 'streamGenerateContent');
const last = () => generateCalls(mock()).at(-1)!;

const TOOLS: ChatCompletionTool[] = [
  { type: 'function', function: { name: 'get_weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } },
  { type: 'function', function: { name: 'get_time', description: 'Local time in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } },
];
const runTool = (name: string, args: string) => `${name}(${JSON.parse(args).city}) = ${name === 'get_weather' ? '18°C' : '14:05'}`;

/** A chat stream assembled into the assistant message a client sends back (extra fields kept, as a client keeps them). */
async function assembled(stream: AsyncIterable<Json>): Promise<{ message: Json; finish: string | null; usage: Json | null }> {
  const message: Json = { role: 'assistant', content: null };
  let finish: string | null = null;
  let usage: Json | null = null;
  for await (const chunk of stream) {
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) continue;
    const d = choice.delta;
    if (typeof d.content === 'string' && d.content !== '') message.content = (message.content ?? '') + d.content;
    if (d.reasoning_content) message.reasoning_content = (message.reasoning_content ?? '') + d.reasoning_content;
    if (d.reasoning_details) (message.reasoning_details ??= []).push(...d.reasoning_details);
    for (const tc of d.tool_calls ?? []) {
      const calls = (message.tool_calls ??= []);
      const { index, ...rest } = tc;
      calls[index] = { ...calls[index], ...rest, function: { ...calls[index]?.function, ...rest.function } };
    }
    if (choice.finish_reason) finish = choice.finish_reason;
  }
  return { message, finish, usage };
}

/**
 * The three-turn loop with thinking on: two parallel calls of one function, then one call, then the answer. Each
 * assistant message goes back as the client received it; returns the requests the mock saw.
 */
async function toolLoop(client: OpenAI, model: string, stream: boolean, keep: (m: Json) => Json = (m) => m) {
  const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather and time in Paris and Tokyo?' }];
  const turns: { message: Json; finish: string | null }[] = [];
  for (let turn = 0; turn < 3; turn++) {
    const params = { model, messages, tools: TOOLS, reasoning_effort: 'high' as const };
    const got = stream
      ? await assembled((await client.chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } })) as AsyncIterable<Json>)
      : await client.chat.completions.create(params).then((c) => ({ message: c.choices[0]!.message as Json, finish: c.choices[0]!.finish_reason as string }));
    turns.push(got);
    messages.push(keep(got.message) as ChatCompletionMessageParam);
    for (const tc of got.message.tool_calls ?? []) messages.push({ role: 'tool', tool_call_id: tc.id, content: runTool(tc.function.name, tc.function.arguments) });
  }
  return turns;
}

function expectLoop(turns: { message: Json; finish: string | null }[], sent: Json[]) {
  expect(turns.map((t) => t.finish)).toEqual(['tool_calls', 'tool_calls', 'stop']);
  const [first, second, third] = turns.map((t) => t.message);
  expect(first!.tool_calls.map((c: Json) => [c.function.name, JSON.parse(c.function.arguments).city])).toEqual([['get_weather', 'Paris'], ['get_weather', 'Tokyo']]);
  expect(new Set(first!.tool_calls.map((c: Json) => c.id)).size).toBe(2); // parallel calls to one function, kept apart
  expect(first!.tool_calls[0].extra_content.google.thought_signature).toEqual(expect.any(String));
  expect(first!.tool_calls[1].extra_content).toBeUndefined();
  expect(first!.reasoning_content).toBe(THOUGHT);
  expect(second!.tool_calls.map((c: Json) => c.function.name)).toEqual(['get_time']);
  expect(third!.content).toBe('The tools answered: {"output":"get_weather(Paris) = 18°C"}; {"output":"get_weather(Tokyo) = 18°C"}; {"output":"get_time(Paris) = 14:05"}');
  // What Gemini got on the last turn: its own signatures back on the calls, results matched by id and name.
  const contents = sent.at(-1)!.contents as Json[];
  expect(contents.map((c) => c.role)).toEqual(['user', 'model', 'user', 'model', 'user']);
  expect(contents[1].parts.map((p: Json) => p.thoughtSignature)).toEqual([first!.tool_calls[0].extra_content.google.thought_signature, undefined]);
  expect(contents[2].parts.map((p: Json) => [p.functionResponse.id, p.functionResponse.name])).toEqual(first!.tool_calls.map((c: Json) => [c.id, 'get_weather']));
  expect(contents[3].parts[0].thoughtSignature).toBe(second!.tool_calls[0].extra_content.google.thought_signature);
  expect(sent.at(-1)!.generationConfig).toEqual({ thinkingConfig: { thinkingLevel: 'HIGH', includeThoughts: true } });
}

describe('openai SDK → /v1/chat/completions → gemini (Node, in process)', () => {
  it('a text answer: the request as Gemini takes it, the key in x-goog-api-key, usage with thoughts', async () => {
    const res = await openai().chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello' }], max_tokens: 50, temperature: 0.2, reasoning_effort: 'low' });
    expect(res.choices[0]!.message.content).toBe(HELLO);
    expect(res.choices[0]!.finish_reason).toBe('stop');
    expect((res.choices[0]!.message as Json).reasoning_content).toBe(THOUGHT);
    expect(res.usage).toMatchObject({ completion_tokens_details: { reasoning_tokens: 8 } });
    expect(res.usage!.completion_tokens).toBe(res.usage!.completion_tokens_details!.reasoning_tokens! + 5);
    const rec = last();
    expect(rec.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(rec.headers['x-goog-api-key']).toBe(GEMINI_KEY);
    expect(rec.headers.authorization).toBeUndefined();
    expect(rec.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Say hello' }] }],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      generationConfig: { maxOutputTokens: 50, temperature: 0.2, thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } },
    });
  });

  it('a stream: text as it comes, one usage chunk at the end (Gemini sends no [DONE])', async () => {
    const { message, finish, usage } = await assembled((await openai().chat.completions.create({ model: 'gemini-3-flash-preview', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] })) as AsyncIterable<Json>);
    expect(message.content).toBe(HELLO);
    expect(message.reasoning_details).toEqual([{ type: 'reasoning.encrypted', data: expect.any(String), format: 'google-gemini-v1', index: 0 }]);
    expect(mock().issued.has(message.reasoning_details[0].data)).toBe(true);
    expect(finish).toBe('stop');
    expect(usage!.completion_tokens).toBeGreaterThan(0);
    expect(usage!.total_tokens).toBe(usage!.prompt_tokens + usage!.completion_tokens);
    expect(last().path).toBe('/v1beta/models/gemini-3-flash-preview:streamGenerateContent?alt=sse');
  });

  it.each([false, true])('a three-turn tool loop with thinking on, Gemini 3, stream %s: the signatures go back and the strict mock takes them', async (stream) => {
    const before = generateCalls(mock()).length;
    const turns = await toolLoop(openai(), 'gemini-3-pro-preview', stream);
    const sent = generateCalls(mock()).slice(before);
    expect(sent.map((r) => r.status)).toEqual([200, 200, 200]);
    expectLoop(turns, sent.map((r) => r.body));
  });

  it('a client that drops extra_content: Gemini 3 gets the bypass value on the first call of each step, and answers', async () => {
    const before = generateCalls(mock()).length;
    const turns = await toolLoop(openai(), 'gemini-3-pro-preview', false, ({ extra_content: _, ...m }) => ({ ...m, tool_calls: m.tool_calls?.map(({ extra_content: _x, ...c }: Json) => c) }));
    expect(turns.map((t) => t.finish)).toEqual(['tool_calls', 'tool_calls', 'stop']);
    const sent = generateCalls(mock()).slice(before);
    expect(sent.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(sent.at(-1)!.body.contents.filter((c: Json) => c.role === 'model').map((c: Json) => c.parts.map((p: Json) => p.thoughtSignature))).toEqual([[BYPASS, undefined], [BYPASS]]);
  });

  it('history made by another model (foreign ids, no signatures) reaches Gemini 3', async () => {
    const res = await openai().chat.completions.create({
      model: 'gemini-3-flash-preview',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_01Abc', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'toolu_01Abc', content: '18°C' },
      ],
    });
    expect(res.choices[0]!.message.content).toBe('The tools answered: {"output":"18°C"}');
    expect(last().body.contents[1].parts[0]).toEqual({ functionCall: { id: 'toolu_01Abc', name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: BYPASS });
  });

  it('a signature Gemini did not issue → 400 from Gemini, relayed as a BadRequestError', async () => {
    const err = await openai()
      .chat.completions.create({
        model: 'gemini-3-flash-preview',
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' }, extra_content: { google: { thought_signature: 'Zm9yZ2Vk' } } } as Json as never] },
          { role: 'tool', tool_call_id: 'c1', content: '18°C' },
        ],
      })
      .catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.message).toContain('Corrupted thought signature.');
    expect(err.code).toBe('INVALID_ARGUMENT');
  });

  it.each<[string, new (...args: any[]) => Error, number, string, string | null]>([
    ['gemini-2.5-flash-rate-limited', OpenAI.RateLimitError, 429, 'RESOURCE_EXHAUSTED', '7'],
    ['gemini-2.5-flash-unauthenticated', OpenAI.AuthenticationError, 401, 'UNAUTHENTICATED', null],
    ['gemini-2.5-flash-array-error', OpenAI.BadRequestError, 400, 'INVALID_ARGUMENT', null],
  ])("%s: Google's error shape → %s, its status as the code, its RetryInfo delay as retry-after", async (model, cls, status, code, retryAfter) => {
    const err = await openai().chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(cls);
    expect(err.status).toBe(status);
    expect(err.code).toBe(code);
    expect(err.headers.get('retry-after')).toBe(retryAfter);
    expect(err.message).not.toContain(GEMINI_KEY);
  });

  it('a wrong upstream key: Google says so (400 API_KEY_INVALID), the key itself is not in the answer', async () => {
    const gw = await startGateway({ GEMINI_BASE_URL: mock().url, GEMINI_API_KEY: 'AIza-wrong-key-000000', MINI_LLM_LOG: 'silent' });
    try {
      const err = await openai(gw.url).chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] }).catch((e) => e);
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect(err.message).toContain('API key not valid');
      expect(JSON.stringify(err.error)).not.toContain('AIza-wrong-key-000000');
    } finally {
      await gw.close();
    }
  });

  it('a blocked prompt → content_filter with a refusal saying why', async () => {
    const res = await openai().chat.completions.create({ model: 'gemini-2.5-flash-blocked', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.choices[0]).toMatchObject({ finish_reason: 'content_filter', message: { content: null, refusal: 'Gemini blocked the prompt (blockReason SAFETY).' } });
  });

  it('MALFORMED_FUNCTION_CALL → a 502 the SDK can retry, not an empty answer', async () => {
    const err = await openai().chat.completions.create({ model: 'gemini-2.5-flash-malformed', messages: [{ role: 'user', content: 'hi' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(err.status).toBe(502);
    expect(err.code).toBe('malformed_function_call');
  });

  it.each([
    ['gemini-2.5-flash-stream-error', /An internal error has occurred/],
    ['gemini-2.5-flash-cut', /closed the connection before the answer was complete/],
  ])('%s: the stream ends with an error the SDK raises', async (model, message) => {
    const err = await assembled((await openai().chat.completions.create({ model, stream: true, messages: [{ role: 'user', content: 'hi' }] })) as AsyncIterable<Json>).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.message).toMatch(message);
  });

  it('structured output: response_format json_schema → responseJsonSchema, JSON back', async () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
    const res = await openai().chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'A city?' }], response_format: { type: 'json_schema', json_schema: { name: 'c', schema, strict: true } } });
    expect(JSON.parse(res.choices[0]!.message.content!)).toEqual({ city: 'Paris' });
    expect(last().body.generationConfig).toEqual({ responseMimeType: 'application/json', responseJsonSchema: schema });
  });
});

describe('openai SDK → /v1/embeddings → gemini :batchEmbedContents', () => {
  it('the SDK default (base64 on the wire) decodes to the vectors Gemini sent', async () => {
    const res = await openai().embeddings.create({ model: 'gemini/gemini-embedding-001', input: ['one', 'two'], dimensions: 6 });
    expect(res.data.map((d) => d.embedding)).toEqual([vectorOf('one', 6), vectorOf('two', 6)]);
    expect(res.model).toBe('gemini-embedding-001');
    const rec = mock().requests.at(-1)!;
    expect(rec.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(rec.body.requests).toHaveLength(2);
  });

  it('encoding_format float', async () => {
    const res = await openai().embeddings.create({ model: 'gemini-embedding-001', input: 'one', dimensions: 4, encoding_format: 'float' });
    expect(res.data[0]!.embedding).toEqual(vectorOf('one', 4));
  });

  it('token ids → 400 before anything goes upstream', async () => {
    const count = mock().requests.length;
    const err = await openai().embeddings.create({ model: 'gemini-embedding-001', input: [[1, 2, 3]] }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.code).toBe('invalid_input');
    expect(mock().requests.length).toBe(count);
  });
});

describe('Anthropic SDK → /v1/messages → gemini (through the chat pivot)', () => {
  const anthropic = () => new Anthropic({ baseURL: gateway().url, apiKey: GATEWAY_KEY, maxRetries: 0 });

  it('messages.create: a text answer', async () => {
    const msg = await anthropic().messages.create({ model: 'gemini-2.5-flash', max_tokens: 64, system: 'Be brief.', messages: [{ role: 'user', content: 'Say hello' }] });
    // The text, and Gemini's signature on it carried in a text-less thinking block (the gateway envelope, for Gemini only).
    expect(msg.content.filter((b) => b.type === 'text')).toEqual([{ type: 'text', text: HELLO }]);
    for (const b of msg.content.filter((b) => b.type === 'thinking')) expect(decodeReasoning((b as { signature: string }).signature, 'gemini')).toBeDefined();
    expect(msg.stop_reason).toBe('end_turn');
    expect(msg.usage.output_tokens).toBe(5);
    expect(last().body).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Say hello' }] }], systemInstruction: { parts: [{ text: 'Be brief.' }] }, generationConfig: { maxOutputTokens: 64 } });
  });

  it('messages.stream(): text events and the final message', async () => {
    const stream = anthropic().messages.stream({ model: 'gemini-3-flash-preview', max_tokens: 64, messages: [{ role: 'user', content: 'Stream please' }] });
    let text = '';
    stream.on('text', (t) => (text += t));
    const msg = await stream.finalMessage();
    expect(text).toBe(HELLO);
    expect(msg.content.filter((b) => b.type === 'text')).toEqual([expect.objectContaining({ type: 'text', text: HELLO })]);
    for (const b of msg.content.filter((b) => b.type === 'thinking')) expect(decodeReasoning((b as { signature: string }).signature, 'gemini')).toBeDefined();
    expect(msg.stop_reason).toBe('end_turn');
    expect(last().path).toContain(':streamGenerateContent?alt=sse');
  });
});

describe('models --check against the Gemini catalog', () => {
  it('GET /v1beta/models, both pages, ids without models/', async () => {
    const provider = loadConfig({ ...mock().env }).providers.get('gemini')!;
    expect(await fetchListing(provider)).toEqual({ ok: true, ids: ['gemini-2.5-flash', 'gemini-2.5-pro', 'gemini-3-pro-preview', 'gemini-embedding-001'] });
    const pages = mock().requests.filter((r) => r.method === 'GET').slice(-2);
    expect(pages.map((r) => r.path)).toEqual(['/v1beta/models?pageSize=1000', '/v1beta/models?pageSize=1000&pageToken=page-2']);
    expect(pages[0]!.headers['x-goog-api-key']).toBe(GEMINI_KEY);
  });
});

describe('on Bun', () => {
  const bun = RUNTIMES.find((r) => r.name === 'bun')!;
  const on = gatewayOn(bun, () => ({ ...mock().env, MINI_LLM_API_KEY: GATEWAY_KEY, MINI_LLM_LOG: 'silent' }), (url) => openai(url));

  it('the streamed three-turn tool loop with thinking on, Gemini 3', async () => {
    const before = generateCalls(mock()).length;
    const turns = await toolLoop(on.client, 'gemini-3-pro-preview', true);
    const sent = generateCalls(mock()).slice(before);
    expect(sent.map((r) => r.status)).toEqual([200, 200, 200]);
    expectLoop(turns, sent.map((r) => r.body));
  });
});
