/**
 * Reasoning state on the chat route (issue 18), with the real `openai` SDK through the gateway to strict mock
 * providers (test/mocks/strict-chat.ts): three-turn tool loops where the client sends each assistant message
 * back as it got it (DeepSeek, Kimi, Gemini 3, OpenRouter) or stripped of its reasoning (DeepSeek, Kimi: the
 * gateway adds the empty key they require), and histories carrying reasoning that reach Groq, Cerebras and
 * Mistral, which refuse the fields: stripped. On Node in-process; one loop on Bun.
 */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { sharedServer, startGateway } from './helpers.js';
import { DEEPSEEK_MISSING, OPENROUTER_GEMINI_MISSING, startStrictChat, THOUGHT_SIGNATURE_MISSING, type Flavor, type StrictRecord } from './mocks/strict-chat.js';
import { requestsOf, runToolLoop, STATE_CASES } from './reasoning-loops.js';
import { gatewayOn, RUNTIMES } from './runtimes.js';

type Json = Record<string, any>;

const GATEWAY_KEY = 'gw-reasoning-chat-0123456789';
const TOOLS = [{ type: 'function' as const, function: { name: 'get_weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];

const mock = sharedServer(startStrictChat);
const gateway = sharedServer(() => startGateway({ ...mock().env, MINI_LLM_API_KEY: GATEWAY_KEY, MINI_LLM_LOG: 'silent' }));
const client = () => new OpenAI({ baseURL: `${gateway().url}/v1`, apiKey: GATEWAY_KEY, maxRetries: 0 });

/**
 * One assistant message from a stream's chunks, as an agent assembles it: text fields concatenated,
 * `reasoning_details` fragments merged by index, tool calls by index with any extra field (extra_content) kept.
 */
function assemble(chunks: Json[]): Json {
  const message: Json = { role: 'assistant', content: null };
  for (const c of chunks) {
    const delta = c.choices?.[0]?.delta;
    if (!delta) continue;
    for (const f of ['content', 'reasoning_content', 'reasoning'] as const) if (typeof delta[f] === 'string') message[f] = (message[f] ?? '') + delta[f];
    for (const d of delta.reasoning_details ?? []) {
      const list: Json[] = (message.reasoning_details ??= []);
      const same = list.find((e) => e.index === d.index && e.type === d.type);
      if (!same) list.push({ ...d });
      else for (const k of ['text', 'summary', 'data']) if (typeof d[k] === 'string') same[k] = (same[k] ?? '') + d[k];
    }
    for (const t of delta.tool_calls ?? []) {
      const calls: Json[] = (message.tool_calls ??= []);
      const { index, function: fn, ...rest } = t;
      const call = (calls[index] ??= { function: { name: '', arguments: '' } });
      Object.assign(call, rest);
      if (fn?.name) call.function.name = fn.name;
      if (fn?.arguments) call.function.arguments += fn.arguments;
    }
  }
  if (message.content === '') message.content = null;
  return message;
}

/** What a client that drops reasoning (LangChain, @ai-sdk/openai-compatible) sends back. */
function stripped(m: Json): Json {
  const { reasoning_content: _a, reasoning: _b, reasoning_details: _c, ...rest } = m;
  return rest;
}

/** A tool loop until the model answers text: each assistant message sent back through `keep`. */
async function toolLoop(openai: OpenAI, model: string, stream: boolean, keep: (m: Json) => Json = (m) => m, history: Json[] = []): Promise<{ messages: Json[]; answers: Json[] }> {
  const messages: Json[] = [...history, { role: 'user', content: 'Weather in Paris and London?' }];
  const ask = async (): Promise<Json> => {
    if (!stream) return (await openai.chat.completions.create({ model, messages: messages as any, tools: TOOLS })).choices[0].message as Json;
    const chunks: Json[] = [];
    for await (const c of await openai.chat.completions.create({ model, messages: messages as any, tools: TOOLS, stream: true })) chunks.push(c as Json);
    return assemble(chunks);
  };
  const answers = await runToolLoop(ask, (message) => {
    messages.push(keep(message));
    for (const call of message.tool_calls ?? []) messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.parse(call.function.arguments).city === 'Paris' ? 'sunny, 21°C' : 'rain, 14°C' });
    return Boolean(message.tool_calls);
  });
  return { messages, answers };
}

/** Three requests, all accepted; the second and third replay 1 and 2 calls' state, every piece unmodified. */
function expectReplayed(recs: StrictRecord[], field: string) {
  expect(recs.map((r) => r.status)).toEqual([200, 200, 200]);
  expect(recs.map((r) => r.replays.filter((p) => p.field === field).length)).toEqual([0, 1, 2]);
  for (const r of recs) for (const p of r.replays) expect(p, JSON.stringify(p)).toMatchObject({ unmodified: true });
}

describe('strict mocks refuse what the real providers refuse (direct, no gateway)', () => {
  const post = async (flavor: Flavor, body: Json) => {
    const res = await fetch(`${mock().base(flavor)}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  };
  const call = (id: string, extra?: Json) => ({ id, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' }, ...(extra ? { extra_content: extra } : {}) });
  const loop = (assistant: Json, model = 'm') => ({ model, tools: TOOLS, messages: [{ role: 'user', content: 'Weather?' }, assistant, { role: 'tool', tool_call_id: assistant.tool_calls[0].id, content: 'sunny' }] });

  it.each<[Flavor, Json, number, unknown]>([
    ['deepseek', { role: 'assistant', content: '', tool_calls: [call('a')] }, 400, { error: { message: DEEPSEEK_MISSING } }],
    ['kimi', { role: 'assistant', content: '', tool_calls: [call('a')] }, 400, { error: { message: 'thinking is enabled but reasoning_content is missing in assistant tool call message at index 1' } }],
    ['gemini', { role: 'assistant', content: null, tool_calls: [call('a')] }, 400, [{ error: { code: 400, message: THOUGHT_SIGNATURE_MISSING, status: 'INVALID_ARGUMENT' } }]],
    ['gemini', { role: 'assistant', content: null, tool_calls: [call('a', { google: { thought_signature: 'Zm9yZWlnbg==' } })] }, 400, [{ error: { code: 400, message: 'Corrupted thought signature.', status: 'INVALID_ARGUMENT' } }]],
    ['groq', { role: 'assistant', content: null, reasoning: 'r', tool_calls: [call('a')] }, 400, { error: { message: "'messages.1' : for 'role:assistant' the following must be satisfied[('messages.1.reasoning' : property 'reasoning' is unsupported)]" } }],
    ['cerebras', { role: 'assistant', content: null, reasoning_content: 'r', tool_calls: [call('a')] }, 400, { message: "property 'messages.1.assistant.reasoning_content' is unsupported" }],
    ['mistral', { role: 'assistant', content: null, reasoning_details: [], tool_calls: [call('a')] }, 422, { message: { detail: [{ type: 'extra_forbidden', loc: ['body', 'messages', 1, 'assistant', 'reasoning_details'], msg: 'Extra inputs are not permitted' }] } }],
  ])('%s refuses %j', async (flavor, assistant, status, body) => {
    const res = await post(flavor, loop(assistant));
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject(body as Json);
  });

  it('openrouter refuses a Gemini model history without reasoning_details, not another model', async () => {
    const assistant = { role: 'assistant', content: null, tool_calls: [call('a')] };
    expect(await post('openrouter', loop(assistant, 'google/gemini-3-pro-preview'))).toMatchObject({ status: 400, body: { error: { message: OPENROUTER_GEMINI_MISSING } } });
    expect((await post('openrouter', loop(assistant, 'deepseek/deepseek-v3.2'))).status).toBe(200);
  });

  it('records whether the state it issued came back unmodified', async () => {
    const first = await post('deepseek', { model: 'm', tools: TOOLS, messages: [{ role: 'user', content: 'Weather?' }] });
    const message = first.body.choices[0].message;
    const next = (m: Json) => post('deepseek', { model: 'm', tools: TOOLS, messages: [{ role: 'user', content: 'Weather?' }, m, { role: 'tool', tool_call_id: message.tool_calls[0].id, content: 'sunny' }] });
    await next(message);
    expect(mock().requests.at(-1)!.replays).toEqual([{ message: 1, toolCallId: message.tool_calls[0].id, field: 'reasoning_content', unmodified: true }]);
    await next({ ...message, reasoning_content: `${message.reasoning_content} (edited)` });
    expect(mock().requests.at(-1)!.replays).toEqual([{ message: 1, toolCallId: message.tool_calls[0].id, field: 'reasoning_content', unmodified: false }]);
  });

  it('gemini enforces signatures in the current turn only, and takes the bypass value', async () => {
    const old = { role: 'assistant', content: null, tool_calls: [call('a')] };
    const history = [{ role: 'user', content: 'Weather?' }, old, { role: 'tool', tool_call_id: 'a', content: 'sunny' }, { role: 'assistant', content: 'Sunny.' }, { role: 'user', content: 'Thanks' }];
    expect((await post('gemini', { model: 'gemini-3-pro-preview', messages: history })).status).toBe(200);
    const bypass = { role: 'assistant', content: null, tool_calls: [call('b', { google: { thought_signature: 'skip_thought_signature_validator' } })] };
    expect((await post('gemini', loop(bypass))).status).toBe(200);
  });
});

describe.each([false, true])('chat route, three-turn tool loops sent back as received (stream: %s)', (stream) => {
  it.each(STATE_CASES)('%s: accepted at each turn, its state back unmodified', async (_, flavor, model, field) => {
    const since = mock().requests.length;
    const { answers } = await toolLoop(client(), model, stream);
    expect(answers.at(-1)!.content).toBe('Paris: sunny, 21°C. London: rain, 14°C.');
    const recs = requestsOf(mock(), flavor, since);
    expectReplayed(recs, field);
    if (flavor === 'deepseek' || flavor === 'kimi') expect(answers[0].reasoning_content).toMatch(new RegExp(`^${flavor} thought #\\d+: I need the weather`));
    if (flavor === 'openrouter') {
      // OpenRouter reads reasoning_details; the `reasoning` text it also emitted is not sent back.
      expect(answers[0].reasoning).toMatch(/^openrouter thought/);
      for (const r of recs) for (const m of r.body.messages) expect(m).not.toHaveProperty('reasoning');
    }
  });

  it.each<[string, Flavor, string]>([
    ['DeepSeek', 'deepseek', 'deepseek/deepseek-v4'],
    ['Kimi', 'kimi', 'moonshot/kimi-k2.6'],
  ])('%s: a client that strips reasoning still completes the loop (the gateway adds reasoning_content: "")', async (_, flavor, model) => {
    const since = mock().requests.length;
    const { answers } = await toolLoop(client(), model, stream, stripped);
    expect(answers.at(-1)!.content).toBe('Paris: sunny, 21°C. London: rain, 14°C.');
    const recs = requestsOf(mock(), flavor, since);
    expect(recs.map((r) => r.status)).toEqual([200, 200, 200]);
    const sentBack = recs[2].body.messages.filter((m: Json) => m.role === 'assistant');
    expect(sentBack.map((m: Json) => m.reasoning_content)).toEqual(['', '']);
  });
});

describe('chat route: reasoning that reaches a provider refusing it is stripped', () => {
  /** A conversation started on DeepSeek (its reasoning_content), with OpenRouter-style and Anthropic-style state too. */
  const movedHistory: Json[] = [
    { role: 'user', content: 'Weather in Rome?' },
    {
      role: 'assistant',
      content: '',
      reasoning_content: 'deepseek reasoning',
      reasoning: 'same, as vLLM names it',
      reasoning_details: [{ type: 'reasoning.text', text: 'x', index: 0 }],
      thinking_blocks: [{ type: 'thinking', thinking: 'x', signature: 'EqQB' }],
      tool_calls: [{ id: 'call_rome', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } }],
    },
    { role: 'tool', tool_call_id: 'call_rome', content: 'hot' },
    { role: 'assistant', content: 'Rome is hot.', reasoning_content: 'done' },
  ];

  it.each<[Flavor, string]>([
    ['groq', 'groq/openai/gpt-oss-120b'],
    ['cerebras', 'cerebras/gpt-oss-120b'],
    ['mistral', 'mistral/mistral-large-latest'],
  ])('%s: a moved conversation and its own emitted reasoning, both stripped, over a three-turn loop (no 400/422)', async (flavor, model) => {
    for (const stream of [false, true]) {
      const since = mock().requests.length;
      const { answers } = await toolLoop(client(), model, stream, (m) => m, movedHistory);
      expect(answers.at(-1)!.content).toBe('Paris: sunny, 21°C. London: rain, 14°C.');
      if (flavor !== 'mistral') expect(answers[0].reasoning).toMatch(new RegExp(`^${flavor} thought`));
      const recs = requestsOf(mock(), flavor, since);
      expect(recs.map((r) => r.status)).toEqual([200, 200, 200]);
      for (const r of recs) {
        for (const m of r.body.messages.filter((x: Json) => x.role === 'assistant')) {
          for (const f of ['reasoning_content', 'reasoning', 'reasoning_details', 'thinking_blocks']) expect(m, f).not.toHaveProperty(f);
        }
      }
      // Nothing else was lost: the moved history arrives with its text and tool calls.
      expect(recs[0].body.messages.slice(0, 4)).toEqual([movedHistory[0], { role: 'assistant', content: '', tool_calls: movedHistory[1].tool_calls }, movedHistory[2], { role: 'assistant', content: 'Rome is hot.' }]);
    }
  });

  it("Gemini's refusal reaches the client with Google's message (array error shape)", async () => {
    const res = await client()
      .chat.completions.create({ model: 'gemini/gemini-3-pro-preview', tools: TOOLS, messages: [{ role: 'user', content: 'Weather?' }, { role: 'assistant', content: null, tool_calls: [{ id: 'x', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] }, { role: 'tool', tool_call_id: 'x', content: 'sunny' }] })
      .catch((e: unknown) => e);
    expect(res).toBeInstanceOf(OpenAI.BadRequestError);
    expect((res as InstanceType<typeof OpenAI.BadRequestError>).message).toContain('Function call is missing a thought_signature');
  });
});

describe.each(RUNTIMES.filter((r) => r.name === 'bun'))('on $name', (runtime) => {
  const on = gatewayOn(
    runtime,
    () => ({ ...mock().env, MINI_LLM_API_KEY: GATEWAY_KEY, MINI_LLM_LOG: 'silent' }),
    (url) => new OpenAI({ baseURL: `${url}/v1`, apiKey: GATEWAY_KEY, maxRetries: 0 }),
    60_000,
  );

  it('DeepSeek streamed, stripped by the client, then Groq with the same history: both accepted', async () => {
    let since = mock().requests.length;
    const { messages } = await toolLoop(on.client, 'deepseek/deepseek-v4', true, stripped);
    expect(requestsOf(mock(), 'deepseek', since).map((r) => r.status)).toEqual([200, 200, 200]);
    since = mock().requests.length;
    const withReasoning = messages.map((m) => (m.role === 'assistant' ? { ...m, reasoning_content: 'kept by the client' } : m));
    await toolLoop(on.client, 'groq/openai/gpt-oss-120b', false, (m) => m, withReasoning);
    expect(requestsOf(mock(), 'groq', since).map((r) => r.status)).toEqual([200, 200, 200]);
  });
});
