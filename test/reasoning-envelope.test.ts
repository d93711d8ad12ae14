/** The gateway envelope for reasoning state (dialects/reasoning-envelope.ts), table-driven. */
import { describe, expect, it } from 'vitest';
import { decodeReasoning, encodeReasoning, ENVELOPE_PREFIX, isEnvelope, type ReasoningState } from '../src/dialects/reasoning-envelope.js';
import { encodeThinking } from '../src/dialects/responses/thinking.js';

const details = [
  { type: 'reasoning.text', text: 'Pensons-y : 東京 ☂️ "quoted" \\ back', signature: 'sig+/=', format: 'anthropic-claude-v1', index: 0 },
  { type: 'reasoning.summary', summary: 'short', id: 'rs_1', index: 1 },
  { type: 'reasoning.encrypted', data: 'gAAAAABo+/==', id: 'rs_2', format: 'openai-responses-v1', index: 2 },
];
const extra = { call_1: { google: { thought_signature: 'CiQBcsjafA+/w==' } }, 'call/2': { google: { thought_signature: 'x' } } };
const blocks = [{ type: 'thinking', thinking: 'hm', signature: 'EqQBCkYIBxgCKkB' }, { type: 'redacted_thinking', data: 'EmwKAhgB' }];

/** The envelope of an arbitrary packed JSON text (what a client that forges one could send). */
const forged = (json: string) => ENVELOPE_PREFIX + Buffer.from(json, 'utf8').toString('base64url');

describe('encodeReasoning / decodeReasoning', () => {
  it.each<[string, ReasoningState]>([
    ['reasoning_details (OpenRouter, MiniMax, Responses upstream)', { provider: 'openrouter', reasoning_details: details }],
    ['extra_content per tool call (Gemini)', { provider: 'gemini', extra_content: extra }],
    ['thinking_blocks', { provider: 'anthropic-proxy', thinking_blocks: blocks }],
    ['all three', { provider: 'p.1_x-y', reasoning_details: details, extra_content: extra, thinking_blocks: blocks }],
    ['nothing but the provider', { provider: 'deepseek' }],
  ])('%s: round trip, unmodified, as base64url after the prefix', (_, state) => {
    const envelope = encodeReasoning(state);
    expect(envelope.startsWith(ENVELOPE_PREFIX)).toBe(true);
    expect(envelope.slice(ENVELOPE_PREFIX.length)).toMatch(/^[A-Za-z0-9_-]*$/);
    expect(isEnvelope(envelope)).toBe(true);
    expect(decodeReasoning(envelope, state.provider)).toEqual(state);
  });

  it('leaves empty parts out', () => {
    const envelope = encodeReasoning({ provider: 'x', reasoning_details: [], extra_content: {}, thinking_blocks: [] });
    expect(JSON.parse(Buffer.from(envelope.slice(ENVELOPE_PREFIX.length), 'base64url').toString())).toEqual({ p: 'x' });
  });

  it('the format is the documented one: {p, d, x, b}', () => {
    const envelope = encodeReasoning({ provider: 'gemini', reasoning_details: details, extra_content: extra, thinking_blocks: blocks });
    expect(JSON.parse(Buffer.from(envelope.slice(ENVELOPE_PREFIX.length), 'base64url').toString())).toEqual({ p: 'gemini', d: details, x: extra, b: blocks });
    expect(decodeReasoning(forged(JSON.stringify({ p: 'gemini', d: details, future: 1 })), 'gemini')).toEqual({ provider: 'gemini', reasoning_details: details });
  });

  const good = encodeReasoning({ provider: 'deepseek', reasoning_details: details });
  const body = good.slice(ENVELOPE_PREFIX.length);
  it.each<[string, unknown]>([
    // wrong provider
    ['another provider', encodeReasoning({ provider: 'moonshot', reasoning_details: details })],
    ['a provider whose id only starts the same', encodeReasoning({ provider: 'deepseek2', reasoning_details: details })],
    // damaged
    ['cut short', good.slice(0, -7)],
    ['one character changed', ENVELOPE_PREFIX + 'A' + body.slice(1)],
    ['standard base64 padding', good + '=='],
    ['a newline inside', ENVELOPE_PREFIX + body.slice(0, 10) + '\n' + body.slice(10)],
    ['plus and slash (not base64url)', ENVELOPE_PREFIX + body.replace(/-/g, '+').replace(/_/g, '/') + '+/'],
    ['the prefix alone', ENVELOPE_PREFIX],
    ['invalid UTF-8', ENVELOPE_PREFIX + Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64url')],
    ['not JSON', forged('{"p":"deepseek",')],
    ['JSON but an array', forged('["deepseek"]')],
    ['JSON null', forged('null')],
    ['no provider', forged('{"d":[]}')],
    ['d not an array', forged('{"p":"deepseek","d":{"type":"reasoning.text"}}')],
    ['d with a non-object entry', forged('{"p":"deepseek","d":[{"type":"reasoning.text"},5]}')],
    ['x with a non-object value', forged('{"p":"deepseek","x":{"call_1":"sig"}}')],
    ['x an array', forged('{"p":"deepseek","x":[{}]}')],
    ['b a string', forged('{"p":"deepseek","b":"EqQB"}')],
    ['nested deeper than the JSON depth limit', forged(`{"p":"deepseek","d":[${'['.repeat(500)}${']'.repeat(500)}]}`)],
    // foreign
    ["OpenAI's encrypted_content", 'gAAAAABpQ2x0Zk1vY2tFbmNyeXB0ZWRDb250ZW50X2Zvcl90ZXN0aW5nX29ubHk9PQ=='],
    ['an Anthropic signature', 'EqQBCkYIBxgCKkBmwPzE2n3yVQ8x0lJ1Xw5n0YQm8VmZ3mXkC1Jr6x0Y2u9cT3oP0vGQ4M+/x/ZhZ1kQ=='],
    ['a Gemini thought signature', 'CiQBcsjafA8Rpd2x9y7tTQnXvjQ7w+u5QJ2A3Yg1ub3N8FJH0dsKZgE='],
    ["the Responses dialect's thinking envelope", encodeThinking(blocks, 'deepseek')],
    ['the prefix in another case', good.toUpperCase()],
    ['the empty string', ''],
    ['null', null],
    ['a number', 42],
    ['an object', { p: 'deepseek' }],
  ])('%s → undefined', (_, text) => {
    expect(decodeReasoning(text, 'deepseek')).toBeUndefined();
  });

  it('a depth limit can be set: the same envelope decodes under a higher one', () => {
    const deep = forged(`{"p":"deepseek","d":[{"n":${'['.repeat(40)}${']'.repeat(40)}}]}`);
    expect(decodeReasoning(deep, 'deepseek', 32)).toBeUndefined();
    expect(decodeReasoning(deep, 'deepseek', 64)?.reasoning_details).toHaveLength(1);
  });

  it('never throws on garbage after the prefix (seeded random strings)', () => {
    let seed = 18;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const alphabet = 'AZaz09-_+/=\n {}"[]\\é☂\u0000';
    for (let n = 0; n < 2000; n++) {
      let s = ENVELOPE_PREFIX;
      const len = Math.floor(rand() * 64);
      for (let i = 0; i < len; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
      expect(() => decodeReasoning(s, 'deepseek')).not.toThrow();
    }
    // Valid base64url of random bytes, too.
    for (let n = 0; n < 500; n++) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(rand() * 64) }, () => Math.floor(rand() * 256)));
      expect(decodeReasoning(ENVELOPE_PREFIX + bytes.toString('base64url'), 'deepseek')).toBeUndefined();
    }
  });

  it('large state: 8 MiB of reasoning_details round-trips, and 32 MiB of garbage is refused, each in well under a few seconds', () => {
    const big = { provider: 'openrouter', reasoning_details: Array.from({ length: 2048 }, (_, i) => ({ type: 'reasoning.encrypted', data: 'A+/='.repeat(1024), index: i })) };
    let started = performance.now();
    const envelope = encodeReasoning(big);
    expect(envelope.length).toBeGreaterThan(8 * 1024 * 1024);
    expect(decodeReasoning(envelope, 'openrouter')).toEqual(big);
    expect(performance.now() - started).toBeLessThan(5000);
    started = performance.now();
    expect(decodeReasoning(ENVELOPE_PREFIX + 'A'.repeat(32 * 1024 * 1024 - 1) + '!', 'openrouter')).toBeUndefined();
    expect(decodeReasoning(ENVELOPE_PREFIX + 'A'.repeat(32 * 1024 * 1024), 'openrouter')).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
