/** The per-provider reasoning carrier on outgoing chat requests (providers/reasoning-carrier.ts), table-driven. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { openAICompatible } from '../src/providers/openai-compatible.js';
import { applyReasoningCarrier } from '../src/providers/reasoning-carrier.js';
import type { ReasoningCarrier } from '../src/providers/table.js';

type Json = Record<string, any>;

const call = { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } };
const signedCall = { ...call, extra_content: { google: { thought_signature: 'c2lnLTE=' } } };
const details = [{ type: 'reasoning.encrypted', id: 'rs_1', data: 'AAAA', format: 'openai-responses-v1', index: 0 }];
const blocks = [{ type: 'thinking', thinking: 'hm', signature: 'EqQB' }];
const body = (...assistant: Json[]): Json => ({
  model: 'm',
  messages: [{ role: 'user', content: 'Weather?' }, ...assistant.flatMap((a) => [a, ...(a.tool_calls ? [{ role: 'tool', tool_call_id: a.tool_calls[0].id, content: 'sunny' }] : [])])],
});
const apply = (b: Json, carrier: ReasoningCarrier): Json => applyReasoningCarrier(b, carrier);
const assistantOf = (out: Json) => out.messages.filter((m: Json) => m.role === 'assistant');

describe('applyReasoningCarrier', () => {
  const rows: { row: string; carrier: ReasoningCarrier; in: Json; out: Json }[] = [
    // reasoning_content (DeepSeek, Kimi, GLM)
    { row: 'reasoning_content: kept as it is', carrier: 'reasoning_content', in: { role: 'assistant', content: null, reasoning_content: 'why', tool_calls: [call] }, out: { role: 'assistant', content: null, reasoning_content: 'why', tool_calls: [call] } },
    { row: 'reasoning_content: `reasoning` moves to it', carrier: 'reasoning_content', in: { role: 'assistant', content: 'x', reasoning: 'why' }, out: { role: 'assistant', content: 'x', reasoning_content: 'why' } },
    { row: 'reasoning_content: the key is added, empty, on a tool-call message without any', carrier: 'reasoning_content', in: { role: 'assistant', content: null, tool_calls: [call] }, out: { role: 'assistant', content: null, tool_calls: [call], reasoning_content: '' } },
    { row: 'reasoning_content: null on a tool-call message becomes ""', carrier: 'reasoning_content', in: { role: 'assistant', content: null, reasoning_content: null, tool_calls: [call] }, out: { role: 'assistant', content: null, reasoning_content: '', tool_calls: [call] } },
    { row: 'reasoning_content: no key added on a message without tool calls', carrier: 'reasoning_content', in: { role: 'assistant', content: 'Sunny.' }, out: { role: 'assistant', content: 'Sunny.' } },
    { row: 'reasoning_content: both given, reasoning_content wins and reasoning goes', carrier: 'reasoning_content', in: { role: 'assistant', content: 'x', reasoning_content: 'a', reasoning: 'b' }, out: { role: 'assistant', content: 'x', reasoning_content: 'a' } },
    { row: 'reasoning_content: reasoning_details removed, thinking_blocks and extra_content kept', carrier: 'reasoning_content', in: { role: 'assistant', content: null, reasoning_details: details, thinking_blocks: blocks, tool_calls: [signedCall] }, out: { role: 'assistant', content: null, thinking_blocks: blocks, tool_calls: [signedCall], reasoning_content: '' } },
    // reasoning (vLLM, gpt-oss, Ollama, Together)
    { row: 'reasoning: reasoning_content moves to it', carrier: 'reasoning', in: { role: 'assistant', content: null, reasoning_content: 'why', tool_calls: [call] }, out: { role: 'assistant', content: null, tool_calls: [call], reasoning: 'why' } },
    { row: 'reasoning: kept as it is', carrier: 'reasoning', in: { role: 'assistant', content: 'x', reasoning: 'why' }, out: { role: 'assistant', content: 'x', reasoning: 'why' } },
    { row: 'reasoning: no key added without text', carrier: 'reasoning', in: { role: 'assistant', content: null, reasoning_details: details, tool_calls: [call] }, out: { role: 'assistant', content: null, tool_calls: [call] } },
    // reasoning_details (OpenRouter, MiniMax)
    { row: 'reasoning_details: kept unmodified, text fields removed', carrier: 'reasoning_details', in: { role: 'assistant', content: null, reasoning: 'why', reasoning_content: 'why', reasoning_details: details, tool_calls: [signedCall] }, out: { role: 'assistant', content: null, reasoning_details: details, tool_calls: [signedCall] } },
    // none (Groq, Cerebras, Mistral, OpenAI)
    { row: 'none: every reasoning field removed, extra_content kept', carrier: 'none', in: { role: 'assistant', content: null, reasoning: 'a', reasoning_content: 'b', reasoning_details: details, thinking_blocks: blocks, tool_calls: [signedCall] }, out: { role: 'assistant', content: null, tool_calls: [signedCall] } },
    { row: 'none: reasoning_content: null removed too', carrier: 'none', in: { role: 'assistant', content: 'x', reasoning_content: null }, out: { role: 'assistant', content: 'x' } },
  ];

  it.each(rows)('$row', ({ carrier, in: message, out }) => {
    const input = body(message);
    const snapshot = structuredClone(input);
    const result = apply(input, carrier);
    expect(assistantOf(result)).toEqual([out]);
    expect(Object.keys(assistantOf(result)[0])).toEqual(Object.keys(out));
    expect(input).toEqual(snapshot); // pure: the client's body is not touched
    expect(result.messages.filter((m: Json) => m.role !== 'assistant')).toEqual(input.messages.filter((m: Json) => m.role !== 'assistant'));
  });

  it.each<[ReasoningCarrier, Json]>([
    ['reasoning_content', { role: 'assistant', content: null, reasoning_content: '', tool_calls: [call] }],
    ['reasoning', { role: 'assistant', content: 'x', reasoning: 'why', thinking_blocks: blocks }],
    ['reasoning_details', { role: 'assistant', content: null, reasoning_details: details, tool_calls: [signedCall] }],
    ['none', { role: 'assistant', content: null, tool_calls: [signedCall] }],
  ])('%s: a body with nothing to change is returned as it is, no copy', (carrier, message) => {
    const input = body(message, { role: 'assistant', content: 'done' });
    expect(apply(input, carrier)).toBe(input);
  });

  it('leaves user, system and tool messages alone, even with reasoning-like fields; bodies without messages pass', () => {
    const input = { model: 'm', messages: [{ role: 'user', content: 'x', reasoning_content: 'not mine' }, null, 5, { role: 'tool', tool_call_id: 'a', content: 'r', reasoning: 'z' }] };
    expect(apply(input, 'none')).toBe(input);
    const noMessages = { model: 'm', input: 'x' };
    expect(apply(noMessages, 'none')).toBe(noMessages);
  });

  it('only the messages that change are copied; the others are the same objects', () => {
    const keep = { role: 'assistant', content: 'plain' };
    const input = { model: 'm', messages: [{ role: 'user', content: 'x' }, keep, { role: 'assistant', content: 'y', reasoning: 'r' }] };
    const out = apply(input, 'none');
    expect(out.messages[0]).toBe(input.messages[0]);
    expect(out.messages[1]).toBe(keep);
    expect(out.messages[2]).toEqual({ role: 'assistant', content: 'y' });
  });

  it('a field named __proto__ stays an ordinary field of the copy', () => {
    const input = JSON.parse('{"model":"m","messages":[{"role":"assistant","content":"x","reasoning":"r","__proto__":{"polluted":true}}]}');
    const m = apply(input, 'none').messages[0];
    expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(m))).toEqual(JSON.parse('{"role":"assistant","content":"x","__proto__":{"polluted":true}}'));
  });

  it('is linear: 200,000 assistant tool-call messages take well under a second', () => {
    const messages: Json[] = [{ role: 'user', content: 'go' }];
    for (let i = 0; i < 100_000; i++) {
      messages.push({ role: 'assistant', content: null, reasoning: `r${i}`, tool_calls: [{ ...call, id: `c${i}` }] });
      messages.push({ role: 'tool', tool_call_id: `c${i}`, content: 'ok' });
    }
    const started = performance.now();
    const out = apply({ model: 'm', messages }, 'reasoning_content');
    expect(performance.now() - started).toBeLessThan(1500);
    expect(out.messages[199_999]).toMatchObject({ reasoning_content: 'r99999' });
  });
});

describe('the OpenAI-compatible adapter applies each provider carrier', () => {
  const env = { DEEPSEEK_API_KEY: 'sk-test-deepseek', GROQ_API_KEY: 'gsk-test-groq', OPENROUTER_API_KEY: 'sk-or-test', CUSTOM_PROVIDER_URL: 'http://127.0.0.1:9', CUSTOM_PROVIDER_KEY: 'k-custom-test' };
  const config = loadConfig(env);
  const history = body({ role: 'assistant', content: null, reasoning: 'why', reasoning_details: details, tool_calls: [signedCall] });
  const sent = (id: string) => JSON.parse(openAICompatible.chatRequest({ body: history, provider: config.providers.get(id)!, upstreamModel: 'up' }).body);
  it.each([
    ['deepseek', { reasoning_content: 'why' }, ['reasoning', 'reasoning_details']],
    ['groq', {}, ['reasoning', 'reasoning_content', 'reasoning_details']],
    ['openrouter', { reasoning_details: details }, ['reasoning', 'reasoning_content']],
    ['custom', { reasoning: 'why' }, ['reasoning_content', 'reasoning_details']],
  ])('%s', (id, has, hasNot) => {
    const m = assistantOf(sent(id))[0];
    expect(m).toMatchObject({ ...has, tool_calls: [signedCall] });
    for (const f of hasNot) expect(m).not.toHaveProperty(f);
  });
});
