/**
 * Claude at full fidelity on /v1/chat/completions, end to end: the real `openai` SDK and the Vercel AI SDK
 * against the gateway, the gateway against a strict mock Anthropic (test/mocks/strict-anthropic.ts) that rejects
 * what the real API rejects. Answers and stream chunks validate against OpenAI's published chat schemas.
 */
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateObject, generateText, streamText } from 'ai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startGateway, type RunningGateway } from './helpers.js';
import { startStrictAnthropic, type StrictAnthropic } from './mocks/strict-anthropic.js';
import { schemaErrors } from './schemas/openapi.js';

const KEY_A = 'gw-key-tenant-a';
const KEY_B = 'gw-key-tenant-b';
let mock: StrictAnthropic;
let gw: RunningGateway;
let autoGw: RunningGateway;

beforeAll(async () => {
  mock = await startStrictAnthropic();
  const env = { ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: mock.url, MINI_LLM_API_KEY: `${KEY_A},${KEY_B}` };
  gw = await startGateway(env);
  autoGw = await startGateway({ ...env, MINI_LLM_ANTHROPIC_CACHE: 'auto' });
});
afterAll(async () => {
  await gw?.close();
  await autoGw?.close();
  await mock?.close();
});

const client = (key = KEY_A, g = () => gw) => new OpenAI({ baseURL: `${g().url}/v1`, apiKey: key, maxRetries: 0 });
const weather = [
  {
    type: 'function' as const,
    function: { name: 'get_weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
  },
];
type Msg = Record<string, any>;
const lastUpstream = () => mock.requests[mock.requests.length - 1];

/** Three turns: two tool calls, then the answer. `sendBack` decides what of the assistant message goes back. */
async function toolConversation(sendBack: (m: Msg) => Msg, key = KEY_A, model = 'claude-sonnet') {
  const messages: Msg[] = [{ role: 'user', content: 'Weather in Paris and Rome?' }];
  const answers: Msg[] = [];
  for (let turn = 0; turn < 3; turn++) {
    const r = await client(key).chat.completions.create({ model, messages: messages as never, tools: weather, reasoning_effort: 'high' as never });
    expect(schemaErrors('CreateChatCompletionResponse', r)).toEqual([]);
    const m = r.choices[0].message as Msg;
    answers.push({ ...m, finish_reason: r.choices[0].finish_reason, usage: r.usage });
    if (!m.tool_calls) break;
    messages.push(sendBack(m));
    for (const call of m.tool_calls) messages.push({ role: 'tool', tool_call_id: call.id, content: '18°C, sunny' });
  }
  return answers;
}

describe('a three-turn tool conversation with thinking on (openai SDK)', () => {
  it('a client that sends thinking_blocks back: they reach Anthropic first and unmodified', async () => {
    const from = mock.requests.length;
    const answers = await toolConversation((m) => m);
    expect(answers.map((a) => a.finish_reason)).toEqual(['tool_calls', 'tool_calls', 'stop']);
    expect(answers[2].content).toBe('Done after 2 tool results.');
    for (const a of answers) {
      expect(a.reasoning_content).toMatch(/^Thinking about step \d\.$/);
      expect(a.thinking_blocks).toEqual([{ type: 'thinking', thinking: a.reasoning_content, signature: expect.stringMatching(/^sig_/) }]);
    }
    const upstream = mock.requests.slice(from);
    expect(upstream.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(upstream.every((r) => r.body.thinking?.type === 'adaptive' && r.body.output_config?.effort === 'high')).toBe(true);
    const lastAssistant = upstream[2].body.messages.filter((m: Msg) => m.role === 'assistant').at(-1);
    expect(lastAssistant.content[0]).toEqual(answers[1].thinking_blocks[0]);
  });

  it('a client that strips them (LangChain-like): the gateway puts them back from its cache', async () => {
    const from = mock.requests.length;
    const answers = await toolConversation((m) => ({ role: 'assistant', content: m.content, tool_calls: m.tool_calls }));
    expect(answers.map((a) => a.finish_reason)).toEqual(['tool_calls', 'tool_calls', 'stop']);
    const upstream = mock.requests.slice(from);
    expect(upstream.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(upstream.every((r) => r.body.thinking?.type === 'adaptive')).toBe(true);
    const assistants = upstream[2].body.messages.filter((m: Msg) => m.role === 'assistant');
    expect(assistants.map((m: Msg) => m.content[0])).toEqual(answers.slice(0, 2).map((a) => a.thinking_blocks[0]));
  });

  it("another tenant replaying the same tool calls never gets the blocks: thinking is off for it, and it still works", async () => {
    const messages: Msg[] = [{ role: 'user', content: 'Weather in Paris?' }];
    const first = await client(KEY_A).chat.completions.create({ model: 'claude-sonnet', messages: messages as never, tools: weather, reasoning_effort: 'high' as never });
    const m = first.choices[0].message;
    messages.push({ role: 'assistant', content: m.content, tool_calls: m.tool_calls }, { role: 'tool', tool_call_id: m.tool_calls![0].id, content: '18°C' });
    const other = await client(KEY_B).chat.completions.create({ model: 'claude-sonnet', messages: messages as never, tools: weather, reasoning_effort: 'high' as never });
    expect(other.choices[0].finish_reason).toBe('tool_calls');
    expect(lastUpstream().status).toBe(200);
    expect(lastUpstream().body).not.toHaveProperty('thinking');
    expect(JSON.stringify(lastUpstream().body)).not.toContain('"type":"thinking"');
  });

  it('streamed: reasoning_content deltas, the signed blocks, sent back across three turns; every chunk validates', async () => {
    const from = mock.requests.length;
    const messages: Msg[] = [{ role: 'user', content: 'Weather in Paris and Rome?' }];
    let final = '';
    for (let turn = 0; turn < 3; turn++) {
      const stream = await client().chat.completions.create({
        model: 'claude-sonnet',
        messages: messages as never,
        tools: weather,
        reasoning_effort: 'high' as never,
        stream: true,
        stream_options: { include_usage: true },
      });
      let content = '';
      let reasoning = '';
      const blocks: Msg[] = [];
      const calls: Msg[] = [];
      let finish: string | null = null;
      let usage: Msg | undefined;
      for await (const chunk of stream) {
        expect(schemaErrors('CreateChatCompletionStreamResponse', chunk)).toEqual([]);
        if (chunk.usage) usage = chunk.usage;
        const choice = chunk.choices[0];
        if (!choice) continue;
        const d = choice.delta as Msg;
        content += d.content ?? '';
        reasoning += d.reasoning_content ?? '';
        blocks.push(...(d.thinking_blocks ?? []));
        for (const tc of d.tool_calls ?? []) {
          calls[tc.index] ??= { id: tc.id, type: 'function', function: { name: tc.function.name, arguments: '' } };
          calls[tc.index].function.arguments += tc.function?.arguments ?? '';
        }
        finish = choice.finish_reason ?? finish;
      }
      expect(reasoning).toBe(`Thinking about step ${turn + 1}.`);
      expect(content).not.toContain('Thinking');
      expect(blocks).toEqual([{ type: 'thinking', thinking: reasoning, signature: expect.stringMatching(/^sig_/) }]);
      expect(usage?.completion_tokens_details?.reasoning_tokens).toBe(12);
      if (finish !== 'tool_calls') {
        final = content;
        break;
      }
      messages.push({ role: 'assistant', content: content || null, tool_calls: calls, thinking_blocks: blocks });
      for (const call of calls) messages.push({ role: 'tool', tool_call_id: call.id, content: '18°C' });
    }
    expect(final).toBe('Done after 2 tool results.');
    expect(mock.requests.slice(from).map((r) => r.status)).toEqual([200, 200, 200]);
  });
});

describe('the strict mock rejects what Anthropic rejects (so the tests above can fail)', () => {
  const post = (body: Msg) =>
    fetch(`${mock.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': 'k', 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: await r.json() }));
  const toolTurn = [
    { role: 'user', content: 'q' },
    { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'get_weather', input: {} }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'r' }] },
  ];
  it.each<{ row: string; body: Msg; message: RegExp }>([
    { row: 'last tool-use turn without its thinking block', body: { model: 'claude-sonnet-4-6', max_tokens: 100, thinking: { type: 'adaptive' }, messages: toolTurn }, message: /must start with a thinking block/ },
    {
      row: 'a forged signature',
      body: { model: 'claude-sonnet-4-6', max_tokens: 100, thinking: { type: 'adaptive' }, messages: [toolTurn[0], { role: 'assistant', content: [{ type: 'thinking', thinking: 'x', signature: 'forged' }, ...(toolTurn[1].content as Msg[])] }, toolTurn[2]] },
      message: /Invalid `signature`/,
    },
    {
      row: 'a fifth cache_control breakpoint',
      body: { model: 'claude-sonnet-4-6', max_tokens: 100, cache_control: { type: 'ephemeral' }, messages: [{ role: 'user', content: [1, 2, 3, 4].map((i) => ({ type: 'text', text: `${i}`, cache_control: { type: 'ephemeral' } })) }] },
      message: /A maximum of 4 blocks with cache_control may be provided. Found 5./,
    },
    { row: 'temperature with thinking', body: { model: 'claude-sonnet-4-5', max_tokens: 3000, temperature: 0.5, thinking: { type: 'enabled', budget_tokens: 2048 }, messages: [toolTurn[0]] }, message: /temperature/ },
    { row: 'budget ≥ max_tokens', body: { model: 'claude-sonnet-4-5', max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 2048 }, messages: [toolTurn[0]] }, message: /max_tokens/ },
    { row: 'enabled on a newest model', body: { model: 'claude-opus-4-7', max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 2048 }, messages: [toolTurn[0]] }, message: /adaptive/ },
    { row: 'effort on Sonnet 4.5', body: { model: 'claude-sonnet-4-5', max_tokens: 100, output_config: { effort: 'low' }, messages: [toolTurn[0]] }, message: /effort/ },
    {
      row: 'a schema without additionalProperties:false',
      body: { model: 'claude-sonnet-4-6', max_tokens: 100, output_config: { format: { type: 'json_schema', schema: { type: 'object', properties: {} } } }, messages: [toolTurn[0]] },
      message: /additionalProperties/,
    },
  ])('$row → 400', async ({ body, message }) => {
    const r = await post(body);
    expect(r.status).toBe(400);
    expect(r.body.type).toBe('error');
    expect(r.body.error.message).toMatch(message);
  });
});

describe('prompt caching through the gateway', () => {
  const longSystem = 'You are a meticulous assistant. '.repeat(200);

  it('markers from an OpenAI client reach Anthropic; the second call reads the cache; usage counts it', async () => {
    const body = {
      model: 'claude-sonnet',
      messages: [
        { role: 'system', content: [{ type: 'text', text: longSystem, cache_control: { type: 'ephemeral', ttl: '1h' } }] },
        { role: 'user', content: 'Hello' },
      ],
    };
    const first = await client().chat.completions.create(body as never);
    expect(lastUpstream().body.system).toEqual([{ type: 'text', text: longSystem, cache_control: { type: 'ephemeral', ttl: '1h' } }]);
    const second = await client().chat.completions.create(body as never);
    const u1 = first.usage as Msg;
    const u2 = second.usage as Msg;
    expect(u1.prompt_tokens_details.cache_write_tokens).toBeGreaterThan(1000);
    expect(u1.prompt_tokens_details.cached_tokens).toBe(0);
    expect(u2.prompt_tokens_details.cached_tokens).toBe(u1.prompt_tokens_details.cache_write_tokens);
    expect(u2.cache_read_input_tokens).toBe(u2.prompt_tokens_details.cached_tokens);
    expect(u2.prompt_tokens).toBe(u1.prompt_tokens); // prompt_tokens counts cached input too
    expect(schemaErrors('CreateChatCompletionResponse', second)).toEqual([]);
  });

  it('streams report cache usage in the usage chunk', async () => {
    const body = { model: 'claude-sonnet', messages: [{ role: 'user', content: `${longSystem} stream`, cache_control: { type: 'ephemeral' } }], stream: true, stream_options: { include_usage: true } };
    const read = async () => {
      let usage: Msg | undefined;
      for await (const c of (await client().chat.completions.create(body as never)) as unknown as AsyncIterable<Msg>) if (c.usage) usage = c.usage;
      return usage!;
    };
    const u1 = await read();
    const u2 = await read();
    expect(u1.prompt_tokens_details.cache_write_tokens).toBeGreaterThan(1000);
    expect(u2.prompt_tokens_details.cached_tokens).toBe(u1.prompt_tokens_details.cache_write_tokens);
  });

  it('MINI_LLM_ANTHROPIC_CACHE=auto: a request without markers gets top-level automatic caching', async () => {
    const body = { model: 'claude-sonnet', messages: [{ role: 'user', content: `${longSystem} auto` }] };
    const c = client(KEY_A, () => autoGw);
    await c.chat.completions.create(body as never);
    expect(lastUpstream().body.cache_control).toEqual({ type: 'ephemeral' });
    const again = await c.chat.completions.create(body as never);
    expect((again.usage as Msg).prompt_tokens_details.cached_tokens).toBeGreaterThan(1000);
    await client().chat.completions.create(body as never);
    expect(lastUpstream().body).not.toHaveProperty('cache_control');
  });

  it('a fifth breakpoint is a clear 400 from the gateway, before Anthropic', async () => {
    const before = mock.requests.length;
    const parts = [1, 2, 3, 4, 5].map((i) => ({ type: 'text', text: `${i}`, cache_control: { type: 'ephemeral' } }));
    const err = await client().chat.completions.create({ model: 'claude-sonnet', messages: [{ role: 'user', content: parts }] } as never).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.code).toBe('too_many_cache_breakpoints');
    expect(mock.requests.length).toBe(before);
  });
});

describe('structured outputs, refusal, anthropic-beta (openai SDK)', () => {
  const schema = { type: 'object', properties: { city: { type: 'string' }, temp: { type: 'integer', minimum: -90 } }, required: ['city', 'temp'] };

  it('json_schema on Sonnet 4.6 → native output_config.format; JSON back', async () => {
    const r = await client().chat.completions.create({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'Weather as JSON' }], response_format: { type: 'json_schema', json_schema: { name: 'w', schema, strict: true } } });
    expect(lastUpstream().status).toBe(200);
    expect(lastUpstream().body.output_config.format.schema.additionalProperties).toBe(false);
    expect(JSON.parse(r.choices[0].message.content!)).toEqual({ city: 'Paris', temp: 21 });
    expect(r.choices[0].finish_reason).toBe('stop');
  });

  it('json_object on Haiku 4.5 → forced tool; its input comes back as content with finish stop, streamed too', async () => {
    const r = await client().chat.completions.create({ model: 'claude-haiku', messages: [{ role: 'user', content: 'JSON please' }], response_format: { type: 'json_object' } });
    expect(lastUpstream().body.tool_choice).toEqual({ type: 'tool', name: 'json_response', disable_parallel_tool_use: true });
    expect(r.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: '{"answer":"Paris"}' } });
    expect(r.choices[0].message.tool_calls).toBeUndefined();
    const schemaReq = { model: 'anthropic/claude-sonnet-4-20250514', messages: [{ role: 'user', content: 'JSON please' }], response_format: { type: 'json_schema', json_schema: { name: 'w', schema } }, stream: true } as const;
    let content = '';
    let finish: string | null = null;
    for await (const c of (await client().chat.completions.create(schemaReq as never)) as unknown as AsyncIterable<Msg>) {
      expect(schemaErrors('CreateChatCompletionStreamResponse', c)).toEqual([]);
      const ch = (c as Msg).choices[0];
      content += ch?.delta?.content ?? '';
      finish = ch?.finish_reason ?? finish;
      expect(ch?.delta?.tool_calls).toBeUndefined();
    }
    expect(JSON.parse(content)).toEqual({ city: 'Paris', temp: 21 });
    expect(finish).toBe('stop');
  });

  it('refusal → finish_reason content_filter and message.refusal', async () => {
    const r = await client().chat.completions.create({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'REFUSE this' }] });
    expect(r.choices[0].finish_reason).toBe('content_filter');
    expect(r.choices[0].message.refusal).toBe('This request was declined by the safety system.');
    expect((r.choices[0] as Msg).stop_details).toMatchObject({ type: 'refusal', category: 'cyber' });
  });

  it("the client's anthropic-beta header is forwarded", async () => {
    await client().chat.completions.create({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'anthropic-beta': 'context-management-2025-06-27,interleaved-thinking-2025-05-14' } });
    expect(lastUpstream().headers['anthropic-beta']).toBe('context-management-2025-06-27,interleaved-thinking-2025-05-14');
  });

  it.each(['claude-sonnet-4-5', 'claude-opus-4-5', 'claude-sonnet-4-6', 'claude-opus-4-7'])('anthropic/%s: reasoning_effort + temperature + top_p + top_k + required tool_choice is accepted upstream', async (model) => {
    const r = await client().chat.completions.create({ model: `anthropic/${model}`, messages: [{ role: 'user', content: 'hi' }], tools: weather, tool_choice: 'required', temperature: 0.3, top_p: 0.5, top_k: 5, reasoning_effort: 'medium' as never } as never);
    expect(lastUpstream().error).toBeUndefined();
    expect(lastUpstream().body.thinking).toBeDefined();
    expect(r.choices[0].message).toHaveProperty('reasoning_content');
  });
});

describe('Vercel AI SDK (@ai-sdk/openai-compatible) against a Claude alias', () => {
  const provider = (supportsStructuredOutputs: boolean) =>
    createOpenAICompatible({ name: 'gw', baseURL: `${gw.url}/v1`, apiKey: KEY_A, includeUsage: true, supportsStructuredOutputs });

  it('sees the reasoning text (generateText and streamText)', async () => {
    const r = await generateText({ model: provider(false)('claude-sonnet'), prompt: 'Think, then greet.', providerOptions: { gw: { reasoningEffort: 'low' } }, maxRetries: 0 });
    expect(r.reasoningText).toBe('Thinking about step 1.');
    expect(r.text).toBe('Hello from the strict mock.');
    const s = streamText({ model: provider(false)('claude-sonnet'), prompt: 'Think, then greet.', providerOptions: { gw: { reasoningEffort: 'low' } }, maxRetries: 0 });
    let text = '';
    for await (const t of s.textStream) text += t;
    expect(await s.reasoningText).toBe('Thinking about step 1.');
    expect(text).toBe('Hello from the strict mock.');
  });

  it('generateObject with a schema gets the object (supportsStructuredOutputs: native structured outputs)', async () => {
    const { object } = await generateObject({
      model: provider(true)('claude-sonnet'),
      schema: z.object({ city: z.string(), temp: z.number().int() }),
      prompt: 'Weather in Paris as JSON.',
      maxRetries: 0,
    });
    expect(lastUpstream().status).toBe(200);
    expect(lastUpstream().body.output_config?.format?.type).toBe('json_schema');
    expect(object).toEqual({ city: 'Paris', temp: 21 });
  });

  it('generateObject in JSON mode (json_object, the default) gets a JSON object through the forced tool', async () => {
    const { object } = await generateObject({ model: provider(false)('claude-sonnet'), output: 'no-schema', prompt: 'Weather in Paris as JSON.', maxRetries: 0 });
    expect(lastUpstream().status).toBe(200);
    expect(lastUpstream().body.tool_choice?.name).toBe('json_response');
    expect(object).toEqual({ answer: 'Paris' });
  });
});
