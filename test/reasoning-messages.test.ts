/**
 * Reasoning state on `/v1/messages` (issue 18), with the real Anthropic SDK through the gateway: three-turn tool
 * loops to the strict chat providers (test/mocks/strict-chat.ts: DeepSeek, Kimi, Gemini 3 on Google's
 * OpenAI-compatible endpoint, OpenRouter serving Gemini) and to OpenAI on Responses (test/mocks/openai-upstream.ts),
 * whole and streamed; the client sends each answer back as it got it (the state rides in the thinking block's
 * signature, the gateway envelope) or stripped of its thinking blocks (the reasoning cache puts the state back).
 * Each provider records whether its state came back unmodified. A conversation moved between providers
 * (Claude → DeepSeek → Claude) sends each only its own state; no envelope reaches the strict Anthropic mock,
 * which refuses a signature it did not issue. Every streamed answer passes the Anthropic client invariants
 * (test/messages/stream-check.ts).
 */
import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { ENVELOPE_PREFIX } from '../src/dialects/reasoning-envelope.js';
import { sharedServer, startGateway } from './helpers.js';
import { expectValidMessagesStream, type MessagesEvent } from './messages/stream-check.js';
import { startOpenAIUpstream } from './mocks/openai-upstream.js';
import { startStrictAnthropic } from './mocks/strict-anthropic.js';
import { startStrictChat } from './mocks/strict-chat.js';
import { expectReplayed, requestsOf, runToolLoop, STATE_CASES } from './reasoning-loops.js';

type Json = Record<string, any>;

const GATEWAY_KEY = 'gw-reasoning-messages-0123456789';
const WEATHER = { name: 'get_weather', description: 'Weather in a city', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] } };

const strict = sharedServer(startStrictChat);
const openai = sharedServer(startOpenAIUpstream);
const claude = sharedServer(startStrictAnthropic);
const gateway = sharedServer(() =>
  startGateway({ ...strict().env, ...openai().env, ANTHROPIC_API_KEY: 'sk-ant-strict-0123456789', ANTHROPIC_BASE_URL: claude().url, MINI_LLM_API_KEY: GATEWAY_KEY, MINI_LLM_LOG: 'silent' }),
);
const client = () => new Anthropic({ baseURL: gateway().url, apiKey: GATEWAY_KEY, maxRetries: 0 });

/** One turn: the answer as the SDK gives it (streamed: `finalMessage()`, each event checked as Claude clients do). */
async function turn(model: string, messages: Anthropic.MessageParam[], stream: boolean, extra: Json = {}): Promise<Anthropic.Message> {
  const params = { model, max_tokens: 4096, tools: [WEATHER], messages, ...extra };
  if (!stream) return client().messages.create(params);
  const s = client().messages.stream(params);
  const events: MessagesEvent[] = [];
  s.on('streamEvent', (e) => events.push({ event: e.type, data: e }));
  const final = await s.finalMessage();
  expectValidMessagesStream(events);
  return final;
}

/** What a client that drops thinking sends back. */
const withoutThinking = (content: Anthropic.ContentBlock[]) => content.filter((b) => b.type !== 'thinking' && b.type !== 'redacted_thinking');

const weather = (input: unknown) => ((input as Json)?.city === 'London' ? 'rain, 14°C' : 'sunny, 21°C');

/** Add an answer to the history (through `keep`) and the results of its tool calls; whether it called any. */
function sendBack(messages: Anthropic.MessageParam[], msg: Anthropic.Message, keep = (c: Anthropic.ContentBlock[]): Anthropic.ContentBlockParam[] => c): boolean {
  messages.push({ role: 'assistant', content: keep(msg.content) });
  const uses = msg.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
  if (uses.length > 0) messages.push({ role: 'user', content: uses.map((u) => ({ type: 'tool_result' as const, tool_use_id: u.id, content: weather(u.input) })) });
  return uses.length > 0;
}

/** A tool loop until the model answers text; each answer sent back through `keep`. */
async function toolLoop(model: string, stream: boolean, keep?: (c: Anthropic.ContentBlock[]) => Anthropic.ContentBlockParam[], history: Anthropic.MessageParam[] = [], extra: Json = {}) {
  const messages: Anthropic.MessageParam[] = [...history, { role: 'user', content: 'Weather in Paris and London?' }];
  const answers = await runToolLoop(
    () => turn(model, messages, stream, extra),
    (msg) => sendBack(messages, msg, keep),
  );
  return { answers, messages };
}

describe.each([false, true])('/v1/messages → strict chat providers, three-turn tool loops (stream: %s)', (stream) => {
  it.each(STATE_CASES)('%s, sent back as received: accepted at each turn, its state back unmodified', async (_, flavor, model, field) => {
    const since = strict().requests.length;
    const { answers } = await toolLoop(model, stream);
    expect(answers.map((a) => a.stop_reason)).toEqual(['tool_use', 'tool_use', 'end_turn']);
    expect(answers.at(-1)!.content.at(-1)).toEqual({ type: 'text', text: 'Paris: sunny, 21°C. London: rain, 14°C.', ...(stream ? {} : {}) });
    expectReplayed(requestsOf(strict(), flavor, since), field);
    // The state rides in a thinking block, signed with the gateway envelope (never an empty signature).
    const thinking = answers[0].content.find((b) => b.type === 'thinking') as Anthropic.ThinkingBlock;
    expect(thinking.signature.startsWith(ENVELOPE_PREFIX)).toBe(true);
    if (flavor !== 'gemini') expect(thinking.thinking).toMatch(new RegExp(`^${flavor} thought #\\d+: I need the weather`));
  });

  it.each(STATE_CASES)('%s, the thinking blocks dropped by the client: the cache puts the state back', async (_, flavor, model, field) => {
    const since = strict().requests.length;
    const { answers, messages } = await toolLoop(model, stream, withoutThinking);
    expect(answers.map((a) => a.stop_reason)).toEqual(['tool_use', 'tool_use', 'end_turn']);
    expect(JSON.stringify(messages)).not.toContain(ENVELOPE_PREFIX);
    expectReplayed(requestsOf(strict(), flavor, since), field);
  });
});

describe.each([false, true])('/v1/messages → OpenAI reasoning model on Responses (stream: %s)', (stream) => {
  const thinking = { thinking: { type: 'enabled', budget_tokens: 2048 } };

  it.each([
    ['sent back as received', (c: Anthropic.ContentBlock[]): Anthropic.ContentBlockParam[] => c],
    ['the thinking blocks dropped by the client (the cache puts the items back)', withoutThinking],
  ])('%s: each request replays every earlier reasoning item, unmodified, before its call', async (_, keep) => {
    const since = openai().requests.length;
    const issuedBefore = openai().issued.length;
    const { answers } = await toolLoop('gpt-5.4', stream, keep, [], thinking);
    expect(answers.map((a) => a.stop_reason)).toEqual(['tool_use', 'tool_use', 'end_turn']);
    const sent = openai().requests.slice(since);
    const issued = openai().issued.slice(issuedBefore);
    expect(sent.map((r) => r.path)).toEqual(['/v1/responses', '/v1/responses', '/v1/responses']);
    // The mock refuses (400) an item it did not issue, or one modified; here each later request holds all earlier ones.
    const replayed = sent.map((r) => r.body.input.filter((i: Json) => i.type === 'reasoning').map((i: Json) => [i.id, i.encrypted_content]));
    expect(replayed).toEqual([[], [[issued[0].id, issued[0].encrypted_content]], issued.slice(0, 2).map((i) => [i.id, i.encrypted_content])]);
    for (const r of sent.slice(1)) {
      const input: Json[] = r.body.input;
      for (const [k, item] of input.entries()) if (item.type === 'reasoning') expect(input[k + 1].type).toBe('function_call');
    }
  });
});

describe.each([false, true])('a conversation moved between providers: Claude → DeepSeek → Claude (stream: %s)', (stream) => {
  it('each provider gets only its own state; no envelope reaches Anthropic, no Anthropic signature reaches DeepSeek', async () => {
    const thinking = { thinking: { type: 'enabled', budget_tokens: 2048 } };
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Weather in Paris and London?' }];
    const step = async (model: string) => {
      const msg = await turn(model, messages, stream, thinking);
      sendBack(messages, msg);
      return msg;
    };
    const claudeSince = claude().requests.length;
    const deepseekSince = strict().requests.length;
    const first = await step('claude-sonnet-4-6');
    const signed = first.content.find((b) => b.type === 'thinking') as Anthropic.ThinkingBlock;
    expect(signed.signature).toMatch(/^sig_/);
    const second = await step('deepseek/deepseek-v4');
    expect((second.content.find((b) => b.type === 'thinking') as Anthropic.ThinkingBlock).signature.startsWith(ENVELOPE_PREFIX)).toBe(true);
    const third = await step('claude-sonnet-4-6');
    expect(third.stop_reason).toBe('end_turn');

    const toClaude = claude().requests.slice(claudeSince);
    expect(toClaude.map((r) => [r.status, r.error])).toEqual([[200, undefined], [200, undefined]]);
    expect(JSON.stringify(toClaude[1].body)).not.toContain(ENVELOPE_PREFIX);
    expect(JSON.stringify(toClaude[1].body)).not.toContain('deepseek thought');
    // Claude's own signed block went back to it unmodified; DeepSeek's turn went without thinking, so thinking is off.
    expect(toClaude[1].body.messages[1].content[0]).toEqual({ type: 'thinking', thinking: signed.thinking, signature: signed.signature });
    expect(toClaude[1].body.thinking).toBeUndefined();

    const toDeepSeek = requestsOf(strict(), 'deepseek', deepseekSince);
    expect(toDeepSeek.map((r) => r.status)).toEqual([200]);
    const sent = JSON.stringify(toDeepSeek[0].body);
    expect(sent).not.toContain(signed.signature);
    expect(sent).not.toContain(signed.thinking);
    // Claude's tool-call turn reaches DeepSeek with the empty reasoning_content DeepSeek requires, nothing more.
    expect(toDeepSeek[0].body.messages[1]).toMatchObject({ role: 'assistant', reasoning_content: '' });
  });
});
