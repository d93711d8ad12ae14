/**
 * `/v1/messages` and `/v1/messages/count_tokens` with the real `@anthropic-ai/sdk` as the caller, against an
 * Anthropic-kind upstream (pass-through) and an OpenAI-compatible one (translated through the chat pivot).
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeReasoning } from '../src/dialects/reasoning-envelope.js';
import { readEvents, startGateway, type RunningGateway } from './helpers.js';
import { startMockProvider, type MockProvider } from './mock-provider.js';
import { startMessagesUpstream, UPSTREAM_KEYS, type MessagesUpstream, type UpstreamRequest } from './mocks/messages-upstream.js';

const GATEWAY_KEY = 'gw-messages-key-0123456789';

let mock: MessagesUpstream;
let gw: RunningGateway;
beforeAll(async () => {
  mock = await startMessagesUpstream();
  gw = await startGateway({ ...mock.env, MINI_LLM_API_KEY: GATEWAY_KEY });
});
afterAll(async () => {
  await gw?.close();
  await mock?.close();
});

const client = () => new Anthropic({ baseURL: gw.url, apiKey: GATEWAY_KEY, maxRetries: 0 });
const last = () => mock.requests.at(-1)!;

const WEATHER_TOOL = { name: 'get_weather', description: 'The weather in a city', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] } };
/** The scripted model: asks for the weather tool, then answers from its result. */
const weatherModel = (toolId: string) => (req: UpstreamRequest) => {
  const messages = req.body.messages as any[];
  const lastMessage = messages.at(-1);
  const answered = lastMessage.role === 'tool' || (Array.isArray(lastMessage.content) && lastMessage.content.some((b: any) => b.type === 'tool_result'));
  return answered ? { text: 'It is 18°C in Paris.' } : { text: 'Let me check.', tools: [{ id: toolId, name: 'get_weather', input: { city: 'Paris' } }] };
};

describe.each([
  { route: 'pass-through', model: 'claude-sonnet-4-6', kind: 'anthropic', toolId: 'toolu_01Mock' },
  { route: 'translated', model: 'gpt-4o-mini', kind: 'openai', toolId: 'call_mock1' },
])('$route ($model)', ({ model, kind, toolId }) => {
  it('messages.create: a text answer', async () => {
    mock.reply = () => ({ text: 'Hello from the mock.' });
    const msg = await client().messages.create({ model, max_tokens: 64, messages: [{ role: 'user', content: 'Say hello' }] });
    expect(msg.type).toBe('message');
    expect(msg.content).toEqual([{ type: 'text', text: 'Hello from the mock.' }]);
    expect(msg.stop_reason).toBe('end_turn');
    expect(msg.usage.output_tokens).toBeGreaterThan(0);
    expect(last().kind).toBe(kind);
  });

  it('messages.stream() + finalMessage(): text events and the whole message', async () => {
    mock.reply = () => ({ text: 'Streaming works through the gateway.', keepAlive: true });
    const stream = client().messages.stream({ model, max_tokens: 64, messages: [{ role: 'user', content: 'Stream please' }] });
    let text = '';
    stream.on('text', (t) => (text += t));
    const msg = await stream.finalMessage();
    expect(text).toBe('Streaming works through the gateway.');
    expect(msg.content).toEqual([{ type: 'text', text: 'Streaming works through the gateway.', ...(kind === 'anthropic' ? {} : {}) }]);
    expect(msg.stop_reason).toBe('end_turn');
    expect(msg.usage.output_tokens).toBe(kind === 'anthropic' ? 10 : 9);
    if (kind === 'openai') {
      expect(last().body.stream_options).toEqual({ include_usage: true });
      // Usage held for the usage chunk: input excludes the cached part, cache reads apart.
      expect(msg.usage).toMatchObject({ input_tokens: 20, cache_read_input_tokens: 10 });
    }
  });

  it('a tool-use round trip, streamed', async () => {
    mock.reply = weatherModel(toolId);
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];
    const first = await client().messages.stream({ model, max_tokens: 256, tools: [WEATHER_TOOL], messages }).finalMessage();
    expect(first.stop_reason).toBe('tool_use');
    const use = first.content.find((b) => b.type === 'tool_use') as Anthropic.ToolUseBlock;
    expect(use).toEqual({ type: 'tool_use', id: toolId, name: 'get_weather', input: { city: 'Paris' } });
    messages.push({ role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '18°C, sunny' }] });
    const second = await client().messages.create({ model, max_tokens: 256, tools: [WEATHER_TOOL], messages });
    expect(second.content).toEqual([{ type: 'text', text: 'It is 18°C in Paris.' }]);
    if (kind === 'openai') {
      const sent = last().body.messages;
      expect(sent.at(-2)).toMatchObject({ role: 'assistant', content: 'Let me check.', tool_calls: [{ id: toolId, function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] });
      expect(sent.at(-1)).toEqual({ role: 'tool', tool_call_id: toolId, content: '18°C, sunny' });
      expect(last().body.tools).toEqual([{ type: 'function', function: { name: 'get_weather', description: 'The weather in a city', parameters: WEATHER_TOOL.input_schema } }]);
    }
  });

  it('countTokens', async () => {
    const before = mock.requests.length;
    const res = await client().messages.countTokens({ model, system: 'Be brief.', tools: [WEATHER_TOOL], messages: [{ role: 'user', content: 'Weather in Paris?' }] });
    if (kind === 'anthropic') {
      expect(res.input_tokens).toBe(4242);
      expect(last().path).toBe('/anthropic/v1/messages/count_tokens');
      expect(last().body).toEqual({ model, system: 'Be brief.', tools: [WEATHER_TOOL], messages: [{ role: 'user', content: 'Weather in Paris?' }] });
    } else {
      // A local estimate: never 0, and no upstream request.
      expect(res.input_tokens).toBeGreaterThan(10);
      expect(mock.requests.length).toBe(before);
    }
  });
});

describe('pass-through to an Anthropic-kind provider', () => {
  it('sends the client body with only model replaced, its beta and version headers, the provider key (?beta=true ignored)', async () => {
    mock.reply = () => ({ text: 'ok' });
    const body = {
      model: 'claude-opus-5-5',
      max_tokens: 100,
      thinking: { type: 'adaptive' as const },
      system: [{ type: 'text' as const, text: 'sys', cache_control: { type: 'ephemeral' as const } }],
      messages: [{ role: 'user' as const, content: 'hi' }],
      context_management: { edits: [] },
      metadata: { user_id: 'u1' },
    };
    // The SDK's beta namespace calls POST /v1/messages?beta=true, as Claude Code does.
    const msg = await client().beta.messages.create({ ...body, betas: ['interleaved-thinking-2025-05-14', 'context-management-2025-06-27'] } as any);
    expect(msg.content).toEqual([{ type: 'text', text: 'ok' }]);
    const seen = last();
    expect(seen.path).toBe('/anthropic/v1/messages');
    expect(seen.body).toEqual(body);
    expect(seen.headers['anthropic-beta']).toBe('interleaved-thinking-2025-05-14,context-management-2025-06-27');
    // The SDK's own version header, forwarded as it is.
    expect(seen.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(seen.headers['x-api-key']).toBe(UPSTREAM_KEYS.anthropic);
    expect(seen.headers.authorization).toBeUndefined();
    expect(JSON.stringify(seen.headers)).not.toContain(GATEWAY_KEY);
  });

  it('sends anthropic-version 2023-06-01 when the client sends none', async () => {
    mock.reply = () => ({ text: 'ok' });
    const res = await fetch(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${GATEWAY_KEY}` },
      body: JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.status).toBe(200);
    expect(last().headers['anthropic-version']).toBe('2023-06-01');
    expect(last().headers['anthropic-beta']).toBeUndefined();
    expect(last().headers.authorization).toBeUndefined();
  });

  it('returns the upstream bytes unchanged, streamed', async () => {
    mock.reply = () => ({ text: 'Bytes as they are.', thinking: 'secret plan' });
    const res = await fetch(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': GATEWAY_KEY, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const { raw } = await readEvents(res);
    // The mock's own events, signature_delta and the spaced ping included, byte for byte.
    expect(raw).toContain('event: ping\ndata: {"type": "ping"}\n\n');
    expect(raw).toContain('"signature_delta"');
    expect(raw).toContain('"id":"msg_01MockPassThrough"');
    expect(raw.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n')).toBe(true);
  });

  it('an upstream Anthropic error keeps its status and type', async () => {
    mock.reply = () => ({ status: 529, error: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, headers: { 'retry-after': '2' } });
    const err = await client().messages.create({ model: 'claude-sonnet-4-6', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(err.status).toBe(529);
    expect(err.error).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    expect(err.headers.get('retry-after')).toBe('2');
  });
});

describe('translated to an OpenAI-compatible provider', () => {
  it('maps Claude Code-like requests (system blocks, system entries, Anthropic-only fields dropped)', async () => {
    mock.reply = () => ({ text: 'ok' });
    await client().messages.create({
      model: 'gpt-4o-mini',
      max_tokens: 100,
      system: [{ type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral' } }] }],
      thinking: { type: 'adaptive' },
      metadata: { user_id: 'u1' },
      stop_sequences: ['###'],
      tools: [WEATHER_TOOL, { type: 'web_search_20250305', name: 'web_search' }],
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
      context_management: { edits: [] },
    } as any);
    expect(last().body).toEqual({
      model: 'gpt-4o-mini',
      messages: [{ role: 'system', content: 'You are Claude Code.' }, { role: 'user', content: 'hi' }],
      // OpenAI's own API gets max_completion_tokens (its reasoning models reject max_tokens).
      max_completion_tokens: 100,
      stop: ['###'],
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'The weather in a city', parameters: WEATHER_TOOL.input_schema } }],
      tool_choice: 'auto',
      parallel_tool_calls: false,
      user: 'u1',
    });
  });

  it('reasoning comes back as a thinking block, streamed and whole', async () => {
    mock.reply = () => ({ text: '4', thinking: '2+2 is 4' });
    const streamed = await client().messages.stream({ model: 'gpt-4o-mini', max_tokens: 64, messages: [{ role: 'user', content: '2+2?' }] }).finalMessage();
    // Signed with the gateway envelope naming the provider (issue 18): the text goes back to it only.
    expect(streamed.content).toEqual([{ type: 'thinking', thinking: '2+2 is 4', signature: encodeReasoning({ provider: 'openai' }) }, { type: 'text', text: '4' }]);
    const whole = await client().messages.create({ model: 'gpt-4o-mini', max_tokens: 64, messages: [{ role: 'user', content: '2+2?' }] });
    expect(whole.content).toEqual(streamed.content);
  });

  it('parallel tool calls come back as dense tool_use blocks', async () => {
    mock.reply = () => ({ tools: [{ id: 'call_a', name: 'get_weather', input: { city: 'Paris' } }, { id: 'call_b', name: 'get_weather', input: { city: 'Rome' } }] });
    const msg = await client().messages.stream({ model: 'gpt-4o-mini', max_tokens: 64, tools: [WEATHER_TOOL], messages: [{ role: 'user', content: 'Paris and Rome?' }] }).finalMessage();
    expect(msg.content).toEqual([
      { type: 'tool_use', id: 'call_a', name: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool_use', id: 'call_b', name: 'get_weather', input: { city: 'Rome' } },
    ]);
    expect(msg.stop_reason).toBe('tool_use');
  });

  it('an OpenAI-shaped 429 becomes rate_limit_error with its retry-after', async () => {
    mock.reply = () => ({ status: 429, error: { error: { message: 'Rate limit reached for gpt-4o-mini', type: 'requests', param: null, code: 'rate_limit_exceeded' } }, headers: { 'retry-after': '7', 'x-ratelimit-remaining-requests': '0' } });
    const err = await client().messages.create({ model: 'gpt-4o-mini', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    expect(err.error).toEqual({ type: 'error', error: { type: 'rate_limit_error', message: 'Rate limit reached for gpt-4o-mini' } });
    expect(err.headers.get('retry-after')).toBe('7');
    expect(err.headers.get('x-ratelimit-remaining-requests')).toBe('0');
  });

  it('a 200 whose body is an error becomes that error, not an empty message (key redacted)', async () => {
    mock.reply = () => ({ status: 200, error: { error: { message: `Upstream overloaded (key ${UPSTREAM_KEYS.openai})`, code: 503 } } });
    const err = await client().messages.create({ model: 'gpt-4o-mini', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(err.status).toBe(503);
    expect(err.error).toEqual({ type: 'error', error: { type: 'api_error', message: 'Upstream overloaded (key [redacted])' } });
  });

  it('logs the route', async () => {
    mock.reply = () => ({ text: 'ok' });
    gw.logs.length = 0;
    await client().messages.create({ model: 'gpt-4o-mini', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });
    await client().messages.countTokens({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
    const lines = gw.logs.map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.route, l.status, l.provider])).toEqual([
      ['messages', 200, 'openai'],
      ['messages.count_tokens', 200, 'openai'],
    ]);
  });
});

describe('count_tokens on an Anthropic-compatible provider without that endpoint', () => {
  it('answers the local estimate instead of the upstream 404', async () => {
    const compat = await startGateway({
      ...mock.env,
      // An Anthropic-kind provider whose count_tokens path does not exist upstream (the mock answers 404 there).
      MINI_LLM_PROVIDERS: JSON.stringify({ compat: { kind: 'anthropic', baseUrl: `${mock.url}/anthropic/compat`, apiKeyEnv: 'COMPAT_KEY' } }),
      COMPAT_KEY: UPSTREAM_KEYS.anthropic,
    });
    try {
      const c = new Anthropic({ baseURL: compat.url, apiKey: 'unused', maxRetries: 0 });
      const res = await c.messages.countTokens({ model: 'compat/some-model', messages: [{ role: 'user', content: 'How long is this?' }] });
      expect(res.input_tokens).toBeGreaterThan(0);
      expect(last().path).toBe('/anthropic/compat/v1/messages/count_tokens');
      expect(JSON.parse(compat.logs.at(-1)!)).toMatchObject({ route: 'messages.count_tokens', upstream_status: 404, status: 200 });
      // Other upstream errors stand.
      mock.reply = () => ({ text: 'unused' });
      const bad = await fetch(`${compat.url}/v1/messages/count_tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'compat/m' }) });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: 'messages: Field required' } });
    } finally {
      await compat.close();
    }
  });
});

describe("the gateway's own errors, in Anthropic's shape", () => {
  const raw = (body: string, headers: Record<string, string> = { 'x-api-key': GATEWAY_KEY }, path = '/v1/messages') =>
    fetch(`${gw.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it.each([
    { name: 'bad JSON', body: '{"model":', status: 400, type: 'invalid_request_error', message: /not valid JSON/ },
    { name: 'unknown model', body: JSON.stringify({ model: 'no-such-model', max_tokens: 1, messages: [] }), status: 400, type: 'invalid_request_error', message: /no-such-model/ },
    { name: 'unknown provider', body: JSON.stringify({ model: 'nope/some-model', max_tokens: 1, messages: [] }), status: 400, type: 'invalid_request_error', message: /nope\/some-model/ },
    { name: 'unconfigured provider', body: JSON.stringify({ model: 'nebius/x', max_tokens: 1, messages: [] }), status: 400, type: 'invalid_request_error', message: /NEBIUS_API_KEY/ },
    { name: 'missing gateway key', body: '{}', headers: {}, status: 401, type: 'authentication_error', message: /Missing gateway key/ },
    { name: 'wrong gateway key on count_tokens', body: '{}', headers: { 'x-api-key': 'wrong' }, path: '/v1/messages/count_tokens', status: 401, type: 'authentication_error', message: /Invalid gateway key/ },
    { name: 'GET on the route', method: 'GET', status: 404, type: 'not_found_error', message: /use POST/ },
  ])('$name', async ({ body, headers, path, status, type, message, method }) => {
    const res = method ? await fetch(`${gw.url}/v1/messages`, { headers: { 'x-api-key': GATEWAY_KEY } }) : await raw(body!, headers as Record<string, string> | undefined, path);
    expect(res.status).toBe(status);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    const json = await res.json();
    expect(json).toEqual({ type: 'error', error: { type, message: expect.stringMatching(message) } });
    expect(JSON.stringify(json)).not.toContain(UPSTREAM_KEYS.openai);
  });

  it('body too large: 413 request_too_large', async () => {
    const small = await startGateway({ ...mock.env, MINI_LLM_API_KEY: GATEWAY_KEY, MINI_LLM_MAX_BODY_BYTES: '200' });
    try {
      const c = new Anthropic({ baseURL: small.url, apiKey: GATEWAY_KEY, maxRetries: 0 });
      const err = await c.messages.create({ model: 'gpt-4o-mini', max_tokens: 5, messages: [{ role: 'user', content: 'x'.repeat(500) }] }).catch((e) => e);
      expect(err.status).toBe(413);
      expect(err.error).toEqual({ type: 'error', error: { type: 'request_too_large', message: expect.stringContaining('MINI_LLM_MAX_BODY_BYTES') } });
    } finally {
      await small.close();
    }
  });
});

describe('a stream that fails after it began ends with event: error', () => {
  let replay: MockProvider;
  let g: RunningGateway;
  // The replay mock speaks chat only: `openai` as a chat-only provider, so /v1/messages reaches it through chat.
  const chatOnly = { MINI_LLM_PROVIDERS: JSON.stringify({ openai: { responses: false } }) };
  beforeAll(async () => {
    replay = await startMockProvider();
    g = await startGateway({ ...replay.env, ...chatOnly, OPENAI_API_KEY: 'sk-o-0123456789', ANTHROPIC_API_KEY: 'sk-a-0123456789' });
  });
  afterAll(async () => {
    await g?.close();
    await replay?.close();
  });

  const stream = (url: string, model: string, signal?: AbortSignal) =>
    fetch(`${url}/v1/messages`, { method: 'POST', signal, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model, max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'x' }] }) });

  it.each(['openai/hang-after:2', 'anthropic/hang-after:3'])('%s: an upstream gone silent ends with a timeout_error event', async (model) => {
    const quick = await startGateway({ ...replay.env, ...chatOnly, OPENAI_API_KEY: 'sk-o-0123456789', ANTHROPIC_API_KEY: 'sk-a-0123456789', MINI_LLM_TIMEOUT_MS: '300' });
    try {
      const { raw } = await readEvents(await stream(quick.url, model));
      expect(raw.startsWith('event: message_start\n')).toBe(true);
      expect(raw).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"timeout_error","message":"[^"]*300 ms[^"]*"\}\}\n\n$/);
    } finally {
      await quick.close();
    }
  });

  it.each(['openai/many:5:100', 'anthropic/slow:100'])('%s: events reach the client as they arrive, not buffered', async (model) => {
    const { data, times } = await readEvents(await stream(g.url, model));
    const deltas = data.map((d, i) => [JSON.parse(d), times[i]] as const).filter(([d]) => d.type === 'content_block_delta');
    expect(deltas.length).toBeGreaterThanOrEqual(3);
    // Upstream events 100 ms apart: the first and last text deltas arrive well apart.
    expect(deltas.at(-1)![1] - deltas[0][1]).toBeGreaterThanOrEqual(150);
  });

  it.each(['openai/slow:200', 'anthropic/slow:200'])('%s: a client that hangs up cancels the upstream call', async (model) => {
    const before = replay.requests.length;
    const abort = new AbortController();
    const res = await stream(g.url, model, abort.signal);
    const reader = res.body!.getReader();
    await reader.read();
    abort.abort();
    const closed = await replay.waitForClose(before);
    expect(closed.closedEarly).toBe(true);
  });

  it.each(['openai/die-after:2', 'anthropic/die-after:3'])('%s', async (model) => {
    const c = new Anthropic({ baseURL: g.url, apiKey: 'unused', maxRetries: 0 });
    const stream = c.messages.stream({ model, max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    const err = await stream.finalMessage().catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(String(err.message)).toMatch(/before the answer was complete/);
    const res = await fetch(`${g.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model, max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'x' }] }) });
    const { raw } = await readEvents(res);
    expect(raw.startsWith('event: message_start\n')).toBe(true);
    expect(raw).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"[^"]+"\}\}\n\n$/);
  });
});
