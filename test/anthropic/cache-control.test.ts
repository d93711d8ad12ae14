/** cache_control markers onto Anthropic blocks, the 4-breakpoint limit, automatic caching (ANTHROPIC-FIDELITY.md §4). */
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors.js';
import { countBreakpoints } from '../../src/providers/anthropic/cache-control.js';
import { toAnthropicRequest } from '../../src/providers/anthropic/request.js';

const CC = { type: 'ephemeral' };
const CC1H = { type: 'ephemeral', ttl: '1h' };
const conv = (body: Record<string, unknown>, opts = {}) => toAnthropicRequest({ model: 'alias', ...body }, 'claude-sonnet-4-6', opts);

describe('cache_control → Anthropic blocks', () => {
  it.each<{ row: string; messages: unknown[]; system?: unknown; messagesOut: unknown[] }>([
    {
      row: 'on a text part (ttl kept)',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'long', cache_control: CC1H }, { type: 'text', text: 'q' }] }],
      messagesOut: [{ role: 'user', content: [{ type: 'text', text: 'long', cache_control: CC1H }, { type: 'text', text: 'q' }] }],
    },
    {
      row: 'on an image part',
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' }, cache_control: CC }] }],
      messagesOut: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://x/y.png' }, cache_control: CC }] }],
    },
    {
      row: 'on a user message with string content → a marked text block',
      messages: [{ role: 'user', content: 'long', cache_control: CC }],
      messagesOut: [{ role: 'user', content: [{ type: 'text', text: 'long', cache_control: CC }] }],
    },
    {
      row: 'on a user message with parts → its last block',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }], cache_control: CC }],
      messagesOut: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b', cache_control: CC }] }],
    },
    {
      row: 'on an assistant message with string content',
      messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a', cache_control: CC }, { role: 'user', content: 'q2' }],
      messagesOut: [{ role: 'user', content: 'q' }, { role: 'assistant', content: [{ type: 'text', text: 'a', cache_control: CC }] }, { role: 'user', content: 'q2' }],
    },
    {
      row: 'on a tool message → its tool_result',
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 't1', content: 'r', cache_control: CC },
      ],
      messagesOut: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'r', cache_control: CC }] },
      ],
    },
  ])('$row', ({ messages, messagesOut }) => expect(conv({ messages }).messages).toEqual(messagesOut));

  it('system: a marker makes system an array of text blocks, markers where they were', () => {
    const out = conv({
      messages: [
        { role: 'system', content: 'A', cache_control: CC },
        { role: 'developer', content: [{ type: 'text', text: 'B' }, { type: 'text', text: 'C', cache_control: CC1H }] },
        { role: 'user', content: 'q' },
      ],
    });
    expect(out.system).toEqual([
      { type: 'text', text: 'A', cache_control: CC },
      { type: 'text', text: 'B' },
      { type: 'text', text: 'C', cache_control: CC1H },
    ]);
  });

  it('system without markers stays one string', () => {
    expect(conv({ messages: [{ role: 'system', content: 'A' }, { role: 'user', content: 'q' }] }).system).toBe('A');
  });

  it('tools: tool.cache_control or tool.function.cache_control', () => {
    const out = conv({
      messages: [{ role: 'user', content: 'q' }],
      tools: [
        { type: 'function', function: { name: 'a' }, cache_control: CC },
        { type: 'function', function: { name: 'b', cache_control: CC1H } },
        { type: 'function', function: { name: 'c' } },
      ],
    });
    expect(out.tools).toEqual([
      { name: 'a', input_schema: { type: 'object', properties: {} }, cache_control: CC },
      { name: 'b', input_schema: { type: 'object', properties: {} }, cache_control: CC1H },
      { name: 'c', input_schema: { type: 'object', properties: {} } },
    ]);
  });

  it('top level: automatic caching passes', () => {
    expect(conv({ messages: [{ role: 'user', content: 'q' }], cache_control: CC }).cache_control).toEqual(CC);
  });

  it('a malformed marker is a 400', () => {
    expect(() => conv({ messages: [{ role: 'user', content: 'q', cache_control: 'yes' }] })).toThrow(GatewayError);
  });
});

describe('breakpoint limit and automatic caching', () => {
  const marked = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'text', text: `p${i}`, cache_control: CC }));

  it('4 breakpoints pass; 5 are a clear 400', () => {
    expect(countBreakpoints(conv({ messages: [{ role: 'user', content: marked(4) }] }))).toBe(4);
    let err: GatewayError | undefined;
    try {
      conv({ messages: [{ role: 'user', content: marked(4) }], cache_control: CC });
    } catch (e) {
      err = e as GatewayError;
    }
    expect(err?.status).toBe(400);
    expect(err?.code).toBe('too_many_cache_breakpoints');
    expect(err?.message).toMatch(/at most 4.*has 5/);
  });

  it('MINI_LLM_ANTHROPIC_CACHE=auto adds top-level caching to a request with no marker', () => {
    expect(conv({ messages: [{ role: 'user', content: 'q' }] }, { automaticCache: true }).cache_control).toEqual({ type: 'ephemeral' });
    expect(conv({ messages: [{ role: 'user', content: 'q' }] })).not.toHaveProperty('cache_control');
  });

  it('…and stands down when the client set any marker', () => {
    const out = conv({ messages: [{ role: 'user', content: marked(4) }] }, { automaticCache: true });
    expect(out).not.toHaveProperty('cache_control');
  });
});
