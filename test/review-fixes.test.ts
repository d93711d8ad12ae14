/**
 * Fixes from the review of the new routes (/v1/messages, /v1/responses) against an OpenAI-compatible upstream
 * that behaves oddly but plausibly: a 200 whose body is an error, and a whole JSON answer to a `stream: true`
 * request (a server that ignores `stream`). The clients are the real SDKs.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config.js';
import { chatToMessage } from '../src/dialects/messages/response.js';
import { createMessagesStreamTranslator, WholeJson } from '../src/dialects/messages/stream.js';
import { echoOf } from '../src/dialects/responses/envelope.js';
import { toChatRequest } from '../src/dialects/responses/request.js';
import { createResponsesStreamTranslator } from '../src/dialects/responses/stream.js';
import { decodeThinking, encodeThinking } from '../src/dialects/responses/thinking.js';
import { encodeReasoning } from '../src/dialects/reasoning-envelope.js';
import { resolveModel } from '../src/models.js';
import { startGateway, type RunningGateway } from './helpers.js';
import { checkResponsesStream } from './responses-check.js';
import { startLoopback, type Loopback } from './mocks/loopback.js';

const UPSTREAM_KEY = 'sk-review-upstream-0123456789';

const completion = (model: string, message: Record<string, unknown>, finish = 'stop') => ({
  id: 'chatcmpl-review',
  object: 'chat.completion',
  created: 1760000000,
  model,
  choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finish }],
  usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17, prompt_tokens_details: { cached_tokens: 2 } },
});

/** The upstream model picks the answer: `error200` (a 200 carrying an error), `json-text`, `json-tool` (whole JSON, whatever `stream` says). */
let up: Loopback;
let gw: RunningGateway;
beforeAll(async () => {
  up = await startLoopback((rec, res) => {
    const model = String(rec.body?.model);
    const json = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (model === 'error200') return json({ error: { message: `boom ${UPSTREAM_KEY}`, type: 'server_error', code: 503 } });
    if (model === 'json-text') return json(completion(model, { content: 'Hello whole.', reasoning_content: 'Thinking it over.' }));
    if (model === 'long-tools') {
      // OpenAI's rule for function names, in tools and in the history's calls.
      const names = [...(rec.body.tools ?? []).map((t: any) => t.function?.name), ...rec.body.messages.flatMap((m: any) => (m.tool_calls ?? []).map((c: any) => c.function?.name))];
      const bad = names.find((n: unknown) => typeof n !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(n));
      if (bad !== undefined) return res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `Invalid 'tools[0].function.name': string too long (${String(bad).length})`, type: 'invalid_request_error', param: 'tools', code: 'string_above_max_length' } }));
      const call = { id: 'call_long', type: 'function', function: { name: rec.body.tools[0].function.name, arguments: '{"q":"x"}' } };
      if (rec.body.stream !== true) return json(completion(model, { content: null, tool_calls: [call] }, 'tool_calls'));
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (delta: unknown, finish: string | null = null) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      return res.end(chunk({ role: 'assistant', tool_calls: [{ index: 0, ...call }] }) + chunk({}, 'tool_calls') + 'data: [DONE]\n\n');
    }
    if (model === 'strict-messages') {
      // A strict chat API (Groq-like): message fields it does not know are refused.
      const known = new Set(['role', 'content', 'name', 'tool_calls', 'tool_call_id', 'refusal']);
      const extra = rec.body.messages.flatMap((m: any) => Object.keys(m).filter((k) => !known.has(k)));
      if (extra.length > 0) return res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `'messages' : property '${extra[0]}' is unsupported`, type: 'invalid_request_error' } }));
      return json(completion(model, { content: 'Fine.' }));
    }
    if (model === 'json-tool') return json(completion(model, { content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] }, 'tool_calls'));
    return json({ error: { message: 'unknown scenario' } });
  });
  gw = await startGateway({ MINI_LLM_PROVIDERS: JSON.stringify({ up: { baseUrl: `${up.url}/v1`, apiKeyEnv: 'UP_KEY' } }), UP_KEY: UPSTREAM_KEY, MINI_LLM_LOG: 'silent' });
});
afterAll(async () => {
  await gw?.close();
  await up?.close();
});

const anthropic = () => new Anthropic({ baseURL: gw.url, apiKey: 'unused', maxRetries: 0 });
const openai = () => new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'unused', maxRetries: 0 });
const WEATHER = { name: 'get_weather', description: 'Weather', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } } };

describe('a 200 whose body is an error is an error on every translated route, never an empty answer', () => {
  it('/v1/responses (whole and streamed request): the error, with the provider key redacted', async () => {
    for (const stream of [false, true]) {
      const res = await fetch(`${gw.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'up/error200', input: 'hi', stream }) });
      expect(res.status).toBe(503);
      const text = await res.text();
      expect(JSON.parse(text).error).toMatchObject({ message: 'boom [redacted]', type: 'upstream_error' });
      expect(text).not.toContain(UPSTREAM_KEY);
    }
    const err = await openai().responses.create({ model: 'up/error200', input: 'hi' }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.status).toBe(503);
  });

  it('/v1/messages: still the error in Anthropic shape', async () => {
    const err = await anthropic().messages.create({ model: 'up/error200', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((e) => e);
    expect(err.status).toBe(503);
    expect(err.error).toEqual({ type: 'error', error: { type: 'api_error', message: 'boom [redacted]' } });
  });
});

describe('stream: true answered with one JSON document: the client still gets its stream', () => {
  it('/v1/messages: messages.stream() sees the text and thinking, and finalMessage() is whole', async () => {
    const stream = anthropic().messages.stream({ model: 'up/json-text', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] });
    let text = '';
    stream.on('text', (t) => (text += t));
    const msg = await stream.finalMessage();
    expect(text).toBe('Hello whole.');
    expect(msg.content).toEqual([
      // Signed with the gateway envelope naming the provider (`up`): the text goes back to it only.
      { type: 'thinking', thinking: 'Thinking it over.', signature: encodeReasoning({ provider: 'up' }) },
      { type: 'text', text: 'Hello whole.' },
    ]);
    expect(msg.stop_reason).toBe('end_turn');
    expect(msg.usage).toMatchObject({ input_tokens: 10, cache_read_input_tokens: 2, output_tokens: 5 });
  });

  it('/v1/messages: a tool call arrives as a tool_use block with its input', async () => {
    const msg = await anthropic().messages.stream({ model: 'up/json-tool', max_tokens: 64, tools: [WEATHER], messages: [{ role: 'user', content: 'weather?' }] }).finalMessage();
    expect(msg.content).toEqual([{ type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } }]);
    expect(msg.stop_reason).toBe('tool_use');
  });

  it('/v1/responses: responses.stream() gets the deltas and finalResponse() the whole output', async () => {
    const stream = openai().responses.stream({ model: 'up/json-text', input: 'hi' });
    let text = '';
    stream.on('response.output_text.delta', (e) => (text += e.delta));
    const final = await stream.finalResponse();
    expect(text).toBe('Hello whole.');
    expect(final.status).toBe('completed');
    expect(final.output_text).toBe('Hello whole.');
    expect(final.usage).toMatchObject({ input_tokens: 12, output_tokens: 5 });
  });

  it('/v1/responses: a function call item', async () => {
    const final = await openai()
      .responses.stream({ model: 'up/json-tool', input: 'weather?', tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: false }] })
      .finalResponse();
    expect(final.output).toEqual([expect.objectContaining({ type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed' })]);
  });
});

describe('wildcard aliases forward the matched name as it is', () => {
  it.each([
    ['claude-x$&y', 'claude-x$&y'],
    ["claude-a$'b", "claude-a$'b"],
    ['claude-a$`b', 'claude-a$`b'],
    ['claude-$$', 'claude-$$'],
    ['claude-$1', 'claude-$1'],
  ])('%s → anthropic %s (no replacement patterns)', (model, upstream) => {
    const config = loadConfig({ ANTHROPIC_API_KEY: 'sk-ant-0123456789', MINI_LLM_LOG: 'silent' });
    expect(resolveModel(config, model)).toMatchObject({ upstreamModel: upstream, alias: 'claude-*' });
  });
});

describe('Responses stream: parallel tool calls from an upstream that omits tool_calls[].index', () => {
  it('are two function_call items, not one with the names and arguments run together', () => {
    const body = { model: 'a', input: 'x', tools: [{ type: 'function', name: 'get_weather' }, { type: 'function', name: 'get_time' }] };
    const { origins } = toChatRequest(body);
    const t = createResponsesStreamTranslator({ echo: echoOf(body), origins, provider: 'p' });
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) => JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] });
    let out = '';
    for (const e of [
      chunk({ tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":' } }] }),
      chunk({ tool_calls: [{ function: { arguments: '"Paris"}' } }] }),
      chunk({ tool_calls: [{ id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{}' } }] }),
      chunk({}, 'tool_calls'),
      '[DONE]',
    ])
      out += t.event('', e);
    const events = checkResponsesStream(out);
    expect(events.at(-1)!.data.response.output).toEqual([
      expect.objectContaining({ type: 'function_call', call_id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' }),
      expect.objectContaining({ type: 'function_call', call_id: 'call_b', name: 'get_time', arguments: '{}' }),
    ]);
  });
});

describe('Messages stream: a live tool call with another one waiting costs linear time in its arguments', () => {
  const chunk = (tc: unknown) => JSON.stringify({ id: 'c', choices: [{ index: 0, delta: { tool_calls: [tc] }, finish_reason: null }] });
  it('parses the arguments once when they close, not once per fragment, and streams them whole and in order', () => {
    const t = createMessagesStreamTranslator({ model: 'm', provider: 'p' });
    let out = t.event('', chunk({ index: 0, id: 'call_a', function: { name: 'Write', arguments: '{"content":"' } }));
    out += t.event('', chunk({ index: 1, id: 'call_b', function: { name: 'Read', arguments: '{"path":"a"}' } }));
    const parse = vi.spyOn(JSON, 'parse');
    try {
      for (let i = 0; i < 1000; i++) out += t.event('', chunk({ index: 0, function: { arguments: 'x}{\\\\' } })); // x}{ and an escaped backslash
      out += t.event('', chunk({ index: 0, function: { arguments: '"}' } }));
      // One parse per upstream event, plus one when the first call's arguments closed (was one per fragment more).
      expect(parse.mock.calls.length).toBeLessThanOrEqual(1001 + 2);
    } finally {
      parse.mockRestore();
    }
    out += t.event('', JSON.stringify({ id: 'c', choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] })) + t.event('', '[DONE]');
    const events = out.split('\n\n').filter(Boolean).map((e) => JSON.parse(e.split('\n')[1].slice(6)));
    const input = (index: number) => events.filter((e) => e.type === 'content_block_delta' && e.index === index).map((e) => e.delta.partial_json).join('');
    expect(JSON.parse(input(0))).toEqual({ content: 'x}{\\'.repeat(1000) });
    expect(events.filter((e) => e.type === 'content_block_start').map((e) => [e.index, e.content_block.name])).toEqual([[0, 'Write'], [1, 'Read']]);
    expect(JSON.parse(input(1))).toEqual({ path: 'a' });
  });

  it.each([
    ['{"a":1}', true],
    ['  [1, {"b": "}"}] ', true],
    ['{"a":"\\\\"}', true],
    ['{"a":"\\"}"', false],
    ['{"a":}', false],
    ['{} {}', false],
    ['5', false],
    ['', false],
    ['{"a":', false],
  ])('WholeJson(%j) → %s, whatever the fragments', (text, whole) => {
    for (const size of [1, 3, 1000]) {
      const w = new WholeJson();
      for (let i = 0; i < text.length; i += size) w.feed(text.slice(i, i + size));
      expect(w.whole).toBe(whole);
    }
  });
});

describe('tool names longer than 64 characters (MCP tools; Anthropic takes 128, OpenAI-compatible APIs 64)', () => {
  const LONG = `mcp__plugin_jenkins-mcp-plugin_jenkins__jenkins_get_build_console_output_${'x'.repeat(20)}`;
  const tool = { name: LONG, description: 'Long', input_schema: { type: 'object' as const, properties: { q: { type: 'string' } } } };
  it('/v1/messages: go upstream shortened (tools, tool_choice, history) and come back as the client named them', async () => {
    expect(LONG.length).toBeGreaterThan(64);
    const history: Anthropic.MessageParam[] = [
      { role: 'user', content: 'go' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: LONG, input: { q: 'a' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'done' }] },
    ];
    const whole = await anthropic().messages.create({ model: 'up/long-tools', max_tokens: 64, tools: [tool], tool_choice: { type: 'tool', name: LONG }, messages: history });
    expect(whole.content).toEqual([{ type: 'tool_use', id: 'call_long', name: LONG, input: { q: 'x' } }]);
    const streamed = await anthropic().messages.stream({ model: 'up/long-tools', max_tokens: 64, tools: [tool], messages: history }).finalMessage();
    expect(streamed.content).toEqual([{ type: 'tool_use', id: 'call_long', name: LONG, input: { q: 'x' } }]);
    const sent = up.requests.at(-1)!.body;
    expect(sent.tools[0].function.name).toHaveLength(64);
    expect(sent.messages[1].tool_calls[0].function.name).toBe(sent.tools[0].function.name);
  });

  it('/v1/responses: function and namespaced tools go upstream shortened and come back as the client named them', async () => {
    const tools = [{ type: 'function' as const, name: LONG, parameters: { type: 'object', properties: { q: { type: 'string' } } }, strict: false }];
    const input = [
      { role: 'user' as const, content: 'go' },
      { type: 'function_call' as const, call_id: 'call_0', name: LONG, arguments: '{"q":"a"}' },
      { type: 'function_call_output' as const, call_id: 'call_0', output: 'done' },
    ];
    const whole = await openai().responses.create({ model: 'up/long-tools', tools, tool_choice: { type: 'function', name: LONG }, input });
    expect(whole.output).toEqual([expect.objectContaining({ type: 'function_call', name: LONG, call_id: 'call_long' })]);
    const streamed = await openai().responses.stream({ model: 'up/long-tools', tools, input }).finalResponse();
    expect(streamed.output).toEqual([expect.objectContaining({ type: 'function_call', name: LONG, call_id: 'call_long', arguments: '{"q":"x"}' })]);
    const ns = await fetch(`${gw.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'up/long-tools', input: 'go', tools: [{ type: 'namespace', name: 'mcp__plugin_jenkins-mcp-plugin_jenkins', tools: [{ type: 'function', name: 'jenkins_get_build_console_output' }] }] }),
    });
    expect(ns.status).toBe(200);
    expect((await ns.json()).output).toEqual([expect.objectContaining({ type: 'function_call', namespace: 'mcp__plugin_jenkins-mcp-plugin_jenkins', name: 'jenkins_get_build_console_output' })]);
  });
});

describe('Responses: a conversation that began on Claude and goes on with another model', () => {
  it("sends the earlier turn's signed thinking blocks back to the provider that signed them only", async () => {
    // What the gateway handed out for an earlier turn on a Claude model (signed by the "anthropic" provider).
    const encrypted = encodeThinking([{ type: 'thinking', thinking: 'Hmm.', signature: 'sig-0123' }], 'anthropic');
    const res = await openai().responses.create({
      model: 'up/strict-messages',
      input: [
        { role: 'user', content: 'first' },
        { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: encrypted },
        { role: 'assistant', content: 'answer one' },
        { role: 'user', content: 'second' },
      ] as any,
    });
    expect(res.output_text).toBe('Fine.');
    expect(up.requests.at(-1)!.body.messages[1]).toEqual({ role: 'assistant', content: 'answer one' });
    // The encrypted_content the gateway hands out names its provider, and decodes for that provider only.
    expect(decodeThinking(encrypted, 'anthropic')).toEqual([{ type: 'thinking', thinking: 'Hmm.', signature: 'sig-0123' }]);
    expect(decodeThinking(encrypted, 'up')).toBeUndefined();
  });
});

describe('Messages stream: a refusal (OpenAI structured outputs) is not dropped', () => {
  it('streams the refusal text and ends with stop_reason refusal, as the whole answer does', () => {
    const t = createMessagesStreamTranslator({ model: 'm', provider: 'p' });
    const chunk = (delta: unknown, finish: string | null = null) => JSON.stringify({ id: 'c', choices: [{ index: 0, delta, finish_reason: finish }] });
    const out = [chunk({ role: 'assistant', content: null, refusal: '' }), chunk({ refusal: "I'm sorry, " }), chunk({ refusal: 'I cannot help.' }), chunk({}, 'stop'), '[DONE]'].map((e) => t.event('', e)).join('');
    const events = out.split('\n\n').filter(Boolean).map((e) => JSON.parse(e.split('\n')[1].slice(6)));
    const text = events.filter((e) => e.delta?.type === 'text_delta').map((e) => e.delta.text).join('');
    expect(text).toBe("I'm sorry, I cannot help.");
    expect(events.find((e) => e.type === 'message_delta').delta.stop_reason).toBe('refusal');
    expect(chatToMessage({ choices: [{ message: { content: null, refusal: "I'm sorry, I cannot help." }, finish_reason: 'stop' }] }, 'm', undefined, 'p')).toMatchObject({ content: [{ type: 'text', text: "I'm sorry, I cannot help." }], stop_reason: 'refusal' });
  });
});

describe('Messages stream: text that arrives while a tool call is cut mid-arguments', () => {
  it('waits for the arguments to be whole, so the tool input is never left cut', () => {
    const t = createMessagesStreamTranslator({ model: 'm', provider: 'p' });
    const chunk = (delta: unknown, finish: string | null = null) => JSON.stringify({ id: 'c', choices: [{ index: 0, delta, finish_reason: finish }] });
    const out = [
      chunk({ tool_calls: [{ index: 0, id: 'call_a', function: { name: 'f', arguments: '{"x":' } }] }),
      chunk({ content: 'Hi', reasoning_content: 'hmm' }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }),
      chunk({ content: ' there' }),
      chunk({}, 'tool_calls'),
      '[DONE]',
    ]
      .map((e) => t.event('', e))
      .join('');
    const events = out.split('\n\n').filter(Boolean).map((e) => JSON.parse(e.split('\n')[1].slice(6)));
    const input = events.filter((e) => e.type === 'content_block_delta' && e.index === 0).map((e) => e.delta.partial_json).join('');
    expect(JSON.parse(input)).toEqual({ x: 1 });
    expect(events.filter((e) => e.type === 'content_block_start').map((e) => e.content_block.type)).toEqual(['tool_use', 'thinking', 'text']);
    expect(events.filter((e) => e.delta?.type === 'text_delta').map((e) => e.delta.text).join('')).toBe('Hi there');
  });
});
