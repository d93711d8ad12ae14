/**
 * OpenAI reasoning models upstream on Responses (issue 18), end to end through the gateway with the real SDKs and
 * the strict OpenAI mock (test/mocks/openai-upstream.ts):
 * - `/v1/messages` → `openai` (gpt-5.4): goes upstream as a Responses request (stateless, encrypted reasoning asked
 *   for), text and a three-turn tool loop with thinking, whole and streamed; the reasoning summary arrives as
 *   thinking, the encrypted items in its signature (test/reasoning-messages.test.ts checks they come back).
 * - chat with `chatViaResponses: true`: the `openai` SDK runs a three-turn tool loop sending each answer's
 *   `reasoning_details` back; the mock checks each replayed item against what it issued, and the recorded requests
 *   show turn N's reasoning item, unmodified, right before turn N's function call in every later request.
 * - chat without the opt-in stays pass-through (and gets OpenAI's refusal of tools with reasoning_effort);
 *   `/v1/responses` stays pass-through.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { encodeReasoning } from '../src/dialects/reasoning-envelope.js';
import { addChatDelta } from './chat-client.js';
import { sharedServer, startGateway } from './helpers.js';
import { OPENAI_KEY, startOpenAIUpstream } from './mocks/openai-upstream.js';
import { schemaErrors } from './schemas/openapi.js';

type Json = Record<string, any>;

const GATEWAY_KEY = 'gw-openai-responses-0123456789';
const STATELESS = { store: false, include: ['reasoning.encrypted_content'] };

const mock = sharedServer(startOpenAIUpstream);
const gateway = sharedServer(() =>
  startGateway({
    ...mock().env,
    MINI_LLM_API_KEY: GATEWAY_KEY,
    MINI_LLM_LOG: 'silent',
    // The same upstream once more, opted in: chat requests to `viaresp/...` go through Responses.
    MINI_LLM_PROVIDERS: JSON.stringify({ viaresp: { baseUrl: `${mock().url}/v1`, apiKeyEnv: 'OPENAI_API_KEY', responses: true, chatViaResponses: true } }),
  }),
);

const anthropic = () => new Anthropic({ baseURL: gateway().url, apiKey: GATEWAY_KEY, maxRetries: 0 });
const openai = () => new OpenAI({ baseURL: `${gateway().url}/v1`, apiKey: GATEWAY_KEY, maxRetries: 0 });
const sentSince = (n: number) => mock().requests.slice(n);

const WEATHER = { name: 'get_weather', description: 'The weather in a city.', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] } };
const CHAT_WEATHER = { type: 'function' as const, function: { name: 'get_weather', description: 'The weather in a city.', parameters: WEATHER.input_schema } };

describe('/v1/messages → openai goes upstream on Responses', () => {
  it('messages.create and messages.stream(): text', async () => {
    const before = mock().requests.length;
    const msg = await anthropic().messages.create({ model: 'gpt-5.4', max_tokens: 256, messages: [{ role: 'user', content: 'Capital of France?' }] });
    // No summary asked for: a thinking block without text, its signature the envelope of the encrypted reasoning item.
    const item = mock().issued.at(-1)!;
    const details = [{ type: 'reasoning.encrypted', id: item.id, data: item.encrypted_content, format: 'openai-responses-v1', index: 0 }];
    expect(msg.content).toEqual([{ type: 'thinking', thinking: '', signature: encodeReasoning({ provider: 'openai', reasoning_details: details }) }, { type: 'text', text: 'The capital of France is Paris.' }]);
    expect(msg.stop_reason).toBe('end_turn');
    expect(msg.usage).toMatchObject({ input_tokens: 32, cache_read_input_tokens: 8, output_tokens: 30 }); // 40 in, 8 of them cached
    let text = '';
    const stream = anthropic().messages.stream({ model: 'gpt-5.4', max_tokens: 256, system: 'Be brief.', messages: [{ role: 'user', content: 'Capital of France?' }] });
    stream.on('text', (t) => (text += t));
    const final = await stream.finalMessage();
    expect(text).toBe('The capital of France is Paris.');
    expect(final.stop_reason).toBe('end_turn');
    const sent = sentSince(before);
    expect(sent.map((r) => r.path)).toEqual(['/v1/responses', '/v1/responses']);
    expect(sent[0].body).toEqual({ model: 'gpt-5.4', input: [{ type: 'message', role: 'user', content: 'Capital of France?' }], max_output_tokens: 256, ...STATELESS });
    expect(sent[1].body).toMatchObject({ instructions: 'Be brief.', stream: true, ...STATELESS });
  });

  it('a model without reasoning (gpt-4o-mini) is not asked for encrypted reasoning, which it would refuse', async () => {
    const before = mock().requests.length;
    const msg = await anthropic().messages.create({ model: 'gpt-4o-mini', max_tokens: 64, messages: [{ role: 'user', content: 'Capital of France?' }] });
    expect(msg.content).toEqual([{ type: 'text', text: 'The capital of France is Paris.' }]);
    expect(sentSince(before).map((r) => [r.path, r.body.store, r.body.include])).toEqual([['/v1/responses', false, undefined]]);
  });

  it.each(['create', 'stream'] as const)('a three-turn tool loop with thinking (%s): no 400, the reasoning summary as thinking', async (mode) => {
    const before = mock().requests.length;
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'What is the weather in Paris?' }];
    for (let turn = 1; turn <= 3; turn++) {
      const params = { model: 'gpt-5.4', max_tokens: 4096, thinking: { type: 'enabled' as const, budget_tokens: 2048 }, tools: [WEATHER], messages };
      const msg = mode === 'create' ? await anthropic().messages.create(params) : await anthropic().messages.stream(params).finalMessage();
      const thinking = msg.content.find((b) => b.type === 'thinking');
      expect(thinking?.type === 'thinking' && thinking.thinking).toBe(turn < 3 ? `Turn ${turn}: I should call get_weather.` : 'Turn 3: I can answer now.');
      messages.push({ role: 'assistant', content: msg.content });
      if (turn === 3) {
        expect(msg.stop_reason).toBe('end_turn');
        expect(msg.content.filter((b) => b.type === 'text')).toEqual([{ type: 'text', text: 'The tool answered: sunny 2' }]);
        break;
      }
      expect(msg.stop_reason).toBe('tool_use');
      const use = msg.content.find((b) => b.type === 'tool_use');
      expect(use?.type === 'tool_use' && use.input).toEqual({ city: 'Paris' });
      messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: use!.type === 'tool_use' ? use!.id : '', content: `sunny ${turn}` }] });
    }
    const sent = sentSince(before);
    expect(sent.map((r) => r.path)).toEqual(['/v1/responses', '/v1/responses', '/v1/responses']);
    for (const r of sent) expect(r.body).toMatchObject({ reasoning: { effort: 'low', summary: 'auto' }, tools: [{ type: 'function', name: 'get_weather', strict: false }], ...STATELESS });
    expect(sent.map((r) => r.body.input.filter((i: Json) => i.type === 'function_call_output').map((i: Json) => i.output))).toEqual([[], ['sunny 1'], ['sunny 1', 'sunny 2']]);
  });
});

/** One chat turn through the SDK: the assistant message as a client keeps it (streamed: assembled from chunks). */
async function chatTurn(model: string, messages: Json[], stream: boolean): Promise<Json> {
  const params = { model, messages: messages as OpenAI.ChatCompletionMessageParam[], tools: [CHAT_WEATHER], reasoning_effort: 'low' as const };
  if (!stream) {
    const c = await openai().chat.completions.create(params);
    expect(schemaErrors('CreateChatCompletionResponse', c)).toEqual([]);
    return c.choices[0].message as Json;
  }
  const m: Json = { role: 'assistant', content: '', reasoning_content: '', reasoning_details: [], tool_calls: [] };
  let usage: Json | undefined;
  for await (const chunk of await openai().chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } })) {
    expect(schemaErrors('CreateChatCompletionStreamResponse', chunk)).toEqual([]);
    if (chunk.usage) usage = chunk.usage;
    const d = chunk.choices[0]?.delta as Json | undefined;
    if (!d) continue;
    m.reasoning_content += d.reasoning_content ?? '';
    addChatDelta(m, d);
  }
  expect(usage).toMatchObject({ prompt_tokens: 40, completion_tokens: 30, completion_tokens_details: { reasoning_tokens: 12 } });
  if (m.tool_calls.length === 0) delete m.tool_calls;
  return m;
}

describe('chat with chatViaResponses → gpt-5.4 on Responses: reasoning state makes the round trip', () => {
  it.each([false, true])('a three-turn tool loop, reasoning_details sent back (stream: %s)', async (stream) => {
    const before = mock().requests.length;
    const issuedBefore = mock().issued.length;
    const messages: Json[] = [{ role: 'user', content: 'What is the weather in Paris?' }];
    const callIds: string[] = [];
    for (let turn = 1; turn <= 3; turn++) {
      const m = await chatTurn('viaresp/gpt-5.4', messages, stream);
      const issued = mock().issued[issuedBefore + turn - 1];
      expect(m.reasoning_content).toBe(turn < 3 ? `Turn ${turn}: I should call get_weather.` : 'Turn 3: I can answer now.');
      expect(m.reasoning_details).toEqual([{ type: 'reasoning.encrypted', id: issued.id, data: issued.encrypted_content, format: 'openai-responses-v1', index: 0 }]);
      messages.push(m); // as received
      if (turn === 3) {
        expect(m.content).toBe('The tool answered: sunny 2');
        break;
      }
      expect(m.tool_calls).toHaveLength(1);
      callIds.push(m.tool_calls[0].id);
      messages.push({ role: 'tool', tool_call_id: m.tool_calls[0].id, content: `sunny ${turn}` });
    }
    const sent = sentSince(before);
    expect(sent.map((r) => r.path)).toEqual(['/v1/responses', '/v1/responses', '/v1/responses']);
    sent.forEach((r, n) => {
      const input = r.body.input as Json[];
      expect(input.filter((i) => i.type === 'reasoning')).toHaveLength(n);
      // Every earlier turn's reasoning item, unmodified, right before that turn's function call.
      for (let k = 0; k < n; k++) {
        const item = mock().issued[issuedBefore + k];
        const at = input.findIndex((i) => i.type === 'reasoning' && i.id === item.id);
        expect(input[at]).toEqual({ type: 'reasoning', id: item.id, encrypted_content: item.encrypted_content, summary: [] });
        expect(input[at + 1]).toMatchObject({ type: 'function_call', call_id: callIds[k], name: 'get_weather' });
      }
    });
  });

  it('state stripped by the client: the loop still runs, nothing is replayed', async () => {
    const before = mock().requests.length;
    const messages: Json[] = [{ role: 'user', content: 'What is the weather in Paris?' }];
    for (let turn = 1; turn <= 3; turn++) {
      const { reasoning_details: _d, reasoning_content: _r, ...m } = await chatTurn('viaresp/gpt-5.4', messages, false);
      messages.push(m);
      if (turn < 3) messages.push({ role: 'tool', tool_call_id: m.tool_calls[0].id, content: `sunny ${turn}` });
    }
    expect(messages.at(-1)!.content).toBe('The tool answered: sunny 2');
    expect(sentSince(before).flatMap((r) => r.body.input.filter((i: Json) => i.type === 'reasoning'))).toEqual([]);
  });

  it('state altered by the client reaches OpenAI as sent, whose refusal comes back as a 400', async () => {
    const m = await chatTurn('viaresp/gpt-5.4', [{ role: 'user', content: 'Weather?' }], false);
    const altered = { ...m, reasoning_details: [{ ...m.reasoning_details[0], data: `${m.reasoning_details[0].data}x` }] };
    const err = await chatTurn('viaresp/gpt-5.4', [{ role: 'user', content: 'Weather?' }, altered, { role: 'tool', tool_call_id: m.tool_calls[0].id, content: 'sunny' }], false).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect((err as InstanceType<typeof OpenAI.APIError>).message).toMatch(/could not be verified/);
  });

  it('a parameter Responses cannot express is a 400 before any upstream call', async () => {
    const before = mock().requests.length;
    const err = await openai()
      .chat.completions.create({ model: 'viaresp/gpt-5.4', messages: [{ role: 'user', content: 'q' }], stop: ['END'] })
      .catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect((err as InstanceType<typeof OpenAI.APIError>).message).toMatch(/"stop" cannot be expressed in the OpenAI Responses API/);
    expect(mock().requests.length).toBe(before);
  });
});

describe('what stays pass-through', () => {
  it('chat to openai without the opt-in: the body goes to chat unchanged, and OpenAI refuses tools with reasoning_effort on gpt-5', async () => {
    const before = mock().requests.length;
    const err = await openai()
      .chat.completions.create({ model: 'gpt-5.4', messages: [{ role: 'user', content: 'q' }], tools: [CHAT_WEATHER], reasoning_effort: 'low' })
      .catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect((err as InstanceType<typeof OpenAI.APIError>).message).toMatch(/Function tools with reasoning_effort are not supported for gpt-5\.4 in \/v1\/chat\/completions\. Please use \/v1\/responses instead\./);
    const ok = await openai().chat.completions.create({ model: 'gpt-5.4', messages: [{ role: 'user', content: 'q' }] });
    expect(ok.choices[0].message.content).toBe('The capital of France is Paris.');
    expect(sentSince(before).map((r) => [r.path, r.body.messages?.length])).toEqual([['/v1/chat/completions', 1], ['/v1/chat/completions', 1]]);
  });

  it.each(['gpt-5.4', 'viaresp/gpt-5.4'])('/v1/responses to %s: the client body with only the model replaced', async (model) => {
    const before = mock().requests.length;
    const r = await openai().responses.create({ model, input: 'Capital of France?', store: false });
    expect(r.output_text).toBe('The capital of France is Paris.');
    expect(sentSince(before).map((x) => [x.path, x.body])).toEqual([['/v1/responses', { model: 'gpt-5.4', input: 'Capital of France?', store: false }]]);
    expect(sentSince(before)[0].headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
  });
});
