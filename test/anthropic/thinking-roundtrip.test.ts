/** Signed thinking blocks back to Anthropic (ANTHROPIC-FIDELITY.md §3.3): from the client, or the cache; else thinking off. */
import { describe, expect, it } from 'vitest';
import { toAnthropicRequest } from '../../src/providers/anthropic/request.js';
import { sha256Hex, ThinkingCache, thinkingScope } from '../../src/providers/anthropic/thinking-cache.js';

const SIGNED = { type: 'thinking', thinking: 'plan', signature: 'sig1' };
const EMPTY_SIGNED = { type: 'thinking', thinking: '', signature: 'sig2' };
const REDACTED = { type: 'redacted_thinking', data: 'opaque' };
const call = { id: 't1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } };
const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }];
const turn = (assistant: Record<string, unknown>) => [
  { role: 'user', content: 'q' },
  { role: 'assistant', content: null, tool_calls: [call], ...assistant },
  { role: 'tool', tool_call_id: 't1', content: 'r' },
];
const conv = (messages: unknown[], recall?: (ids: string[]) => Record<string, unknown>[] | undefined, extra = {}) =>
  toAnthropicRequest({ model: 'a', messages, tools, reasoning_effort: 'high', ...extra }, 'claude-sonnet-4-6', { recall });
const assistantTurn = (out: Record<string, unknown>) => (out.messages as { role: string; content: unknown }[])[1].content;
const TOOL_USE = { type: 'tool_use', id: 't1', name: 'f', input: { a: 1 } };

describe('assistant thinking blocks → first in the Anthropic turn, unmodified', () => {
  it.each<{ row: string; assistant: Record<string, unknown>; blocks: unknown[] }>([
    { row: 'thinking_blocks (LiteLLM)', assistant: { thinking_blocks: [SIGNED, REDACTED] }, blocks: [SIGNED, REDACTED] },
    { row: 'signature-only block kept', assistant: { thinking_blocks: [EMPTY_SIGNED] }, blocks: [EMPTY_SIGNED] },
    {
      row: 'reasoning_details (OpenRouter); unsigned text and summaries skipped',
      assistant: {
        reasoning_details: [
          { type: 'reasoning.text', text: 'plan', signature: 'sig1', format: 'anthropic-claude-v1', index: 0 },
          { type: 'reasoning.text', text: 'unsigned' },
          { type: 'reasoning.summary', summary: 's' },
          { type: 'reasoning.encrypted', data: 'opaque', format: 'anthropic-claude-v1' },
        ],
      },
      blocks: [SIGNED, REDACTED],
    },
    {
      row: "another provider's state is never sent: gateway envelopes, reasoning_details of another format (issue 18)",
      assistant: {
        thinking_blocks: [{ type: 'thinking', thinking: 'x', signature: 'mlgw.reasoning.v1:eyJwIjoiYW50aHJvcGljIn0' }, SIGNED, { type: 'redacted_thinking', data: 'mlgw.reasoning.v1:e30' }],
        reasoning_details: [{ type: 'reasoning.encrypted', data: 'gAAAA', id: 'rs_1', format: 'openai-responses-v1' }],
      },
      blocks: [SIGNED],
    },
    {
      row: 'reasoning_details of another format only: none sent',
      assistant: { reasoning_details: [{ type: 'reasoning.encrypted', data: 'gAAAA', id: 'rs_1', format: 'openai-responses-v1' }, { type: 'reasoning.text', text: 't', signature: 'sig', format: 'google-gemini-v1' }], content: [SIGNED] },
      blocks: [SIGNED],
    },
    { row: 'thinking parts in content', assistant: { content: [SIGNED, { type: 'text', text: 'let me see' }] }, blocks: [SIGNED, { type: 'text', text: 'let me see' }] },
    { row: 'extra fields on a block are not sent', assistant: { thinking_blocks: [{ ...SIGNED, cache_control: { type: 'ephemeral' }, index: 3 }] }, blocks: [SIGNED] },
  ])('$row', ({ assistant, blocks }) => {
    const out = conv(turn(assistant));
    expect(out.thinking).toEqual({ type: 'adaptive' });
    expect(assistantTurn(out)).toEqual([...blocks, TOOL_USE]);
  });

  it('reasoning_content alone (no signature) cannot be replayed: the cache is asked', () => {
    const asked: string[][] = [];
    const out = conv(turn({ reasoning_content: 'plan' }), (ids) => (asked.push(ids), [SIGNED]));
    expect(asked).toEqual([['t1']]);
    expect(assistantTurn(out)).toEqual([SIGNED, TOOL_USE]);
  });

  it('a cache miss turns thinking off for that request (and its constraints with it)', () => {
    const out = conv(turn({}), () => undefined, { temperature: 0.3, tool_choice: 'required' });
    expect(out).not.toHaveProperty('thinking');
    expect(out.output_config).toEqual({ effort: 'high' }); // effort works without thinking
    expect(out.temperature).toBe(0.3);
    expect(out.tool_choice).toEqual({ type: 'any' });
    expect(assistantTurn(out)).toEqual([TOOL_USE]);
  });

  it('with thinking off, history carries no thinking blocks', () => {
    const out = toAnthropicRequest({ model: 'a', messages: turn({ thinking_blocks: [SIGNED] }), tools }, 'claude-sonnet-4-6');
    expect(out).not.toHaveProperty('thinking');
    expect(assistantTurn(out)).toEqual([TOOL_USE]);
  });

  it('only the last tool-use turn needs its blocks: an older turn without them is fine', () => {
    const messages = [
      ...turn({}),
      { role: 'assistant', content: null, tool_calls: [{ ...call, id: 't2' }], thinking_blocks: [SIGNED] },
      { role: 'tool', tool_call_id: 't2', content: 'r2' },
    ];
    const out = conv(messages, () => undefined);
    expect(out.thinking).toEqual({ type: 'adaptive' });
  });
});

describe('ThinkingCache', () => {
  it('scoped: another scope never sees the blocks', () => {
    const c = new ThinkingCache();
    c.put('a', ['t1', 't2'], [SIGNED]);
    c.get('a', 't1')!.push(REDACTED); // what a request takes out is its own copy
    expect(c.get('a', 't1')).toEqual([SIGNED]);
    expect(c.get('a', 't2')).toEqual([SIGNED]);
    expect(c.get('b', 't1')).toBeUndefined();
  });

  it('bounded by entries, least recently used out first', () => {
    const c = new ThinkingCache({ maxEntries: 2, maxBytes: 1e6 });
    c.put('s', ['t1'], [SIGNED]);
    c.put('s', ['t2'], [SIGNED]);
    c.get('s', 't1');
    c.put('s', ['t3'], [SIGNED]);
    expect(c.size).toBe(2);
    expect(c.get('s', 't2')).toBeUndefined();
    expect(c.get('s', 't1')).toBeDefined();
  });

  it('bounded by bytes; a turn larger than the whole cache is not kept', () => {
    const big = [{ type: 'thinking', thinking: 'x'.repeat(1000), signature: 's' }];
    const c = new ThinkingCache({ maxEntries: 100, maxBytes: 5000 });
    for (let i = 0; i < 10; i++) c.put('s', [`t${i}`], big);
    expect(c.bytes).toBeLessThanOrEqual(5000);
    expect(c.get('s', 't9')).toBeDefined();
    expect(c.get('s', 't0')).toBeUndefined();
    c.put('s', ['huge'], [{ type: 'thinking', thinking: 'x'.repeat(10000), signature: 's' }]);
    expect(c.get('s', 'huge')).toBeUndefined();
  });

  it('a replaced entry is counted once', () => {
    const c = new ThinkingCache({ maxEntries: 10, maxBytes: 1e6 });
    c.put('s', ['t1'], [SIGNED]);
    c.put('s', ['t1'], [REDACTED]);
    expect(c.size).toBe(1);
    expect(c.bytes).toBe(JSON.stringify([REDACTED]).length * 2);
    expect(c.get('s', 't1')).toEqual([REDACTED]);
  });

  it('the scope holds a SHA-256 of the gateway key, never the key', () => {
    const scope = thinkingScope('anthropic', new Headers({ authorization: 'Bearer secret-key-1' }));
    expect(scope).toBe(`anthropic:${sha256Hex('secret-key-1')}`);
    expect(scope).not.toContain('secret-key-1');
    expect(thinkingScope('anthropic', new Headers({ 'x-api-key': 'secret-key-1' }))).toBe(scope);
    expect(thinkingScope('anthropic', new Headers())).toBe('anthropic:');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('ThinkingCache: a fair share per scope (issue 20, item 9)', () => {
  const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
  const putEach = (c: ThinkingCache, scope: string, list: string[], blocks = [SIGNED]) => list.forEach((id) => c.put(scope, [id], blocks));

  it("one scope's churn (5,000 turns) evicts only its own entries: another scope's survive", () => {
    const c = new ThinkingCache(); // the defaults: 2,000 entries
    putEach(c, 'b', ids('b', 50));
    putEach(c, 'a', ids('a', 5000));
    expect(ids('b', 50).every((id) => c.get('b', id) !== undefined)).toBe(true);
    expect(c.size).toBe(2000);
    expect(c.sizeOf('a')).toBe(1950);
    expect(c.get('a', 'a4999')).toBeDefined(); // the churning scope keeps its newest
    expect(c.get('a', 'a3049')).toBeUndefined();
  });

  it('the same by bytes: big blocks under one scope do not push out another scope', () => {
    const big = [{ type: 'thinking', thinking: 'x'.repeat(1000), signature: 's' }];
    const c = new ThinkingCache({ maxEntries: 10_000, maxBytes: 100_000 });
    putEach(c, 'b', ids('b', 5));
    putEach(c, 'a', ids('a', 500), big);
    expect(c.bytes).toBeLessThanOrEqual(100_000);
    expect(ids('b', 5).every((id) => c.get('b', id) !== undefined)).toBe(true);
  });

  it('a scope alone may use the whole cache; a newcomer takes from the largest scope up to its share, then from itself', () => {
    const c = new ThinkingCache({ maxEntries: 100, maxBytes: 1e9 });
    putEach(c, 'a', ids('a', 100));
    expect(c.sizeOf('a')).toBe(100);
    putEach(c, 'b', ids('b', 30));
    expect([c.sizeOf('a'), c.sizeOf('b')]).toEqual([70, 30]);
    putEach(c, 'b', ids('b2-', 40));
    expect([c.sizeOf('a'), c.sizeOf('b')]).toEqual([50, 50]); // shares of 100 / 2
    expect(c.get('b', 'b2-39')).toBeDefined();
    expect(c.get('b', 'b0')).toBeUndefined(); // past its share, b evicted its own oldest
    putEach(c, 'c', ids('c', 100));
    expect(c.sizeOf('c')).toBe(33); // 100 / 3 each (the one left over stays with an older scope)
    expect([c.sizeOf('a'), c.sizeOf('b')].sort()).toEqual([33, 34]);
    expect(c.size).toBe(100);
  });
});
