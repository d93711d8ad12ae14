/**
 * Issue 18: a provider's reasoning state in a translated Messages stream (src/dialects/messages/stream.ts): each
 * thinking block ends with a `signature_delta` carrying the gateway envelope of the state collected so far; state
 * that arrives once no thinking block is open (a Gemini call's thought signature, OpenRouter's entry after the
 * calls) goes in a thinking block with no text, before the tool_use that needs it or at the end, but not after
 * the text that ends an answer with no call (Claude Code takes the last block for the answer); the whole
 * answer's state is handed to the reasoning cache with its call ids. Table-driven over chunk sequences.
 */
import { describe, expect, it } from 'vitest';
import { createMessagesStreamTranslator } from '../../src/dialects/messages/stream.js';
import { encodeReasoning } from '../../src/dialects/reasoning-envelope.js';
import type { PivotState } from '../../src/dialects/reasoning-state.js';
import { accumulate, expectValidMessagesStream, parseEvents } from './stream-check.js';

type Json = Record<string, any>;

const chunk = (delta: Json, finish: string | null = null) => JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] });
const usage = JSON.stringify({ id: 'c', choices: [], usage: { prompt_tokens: 3, completion_tokens: 2 } });
const env = (state: Json = {}) => encodeReasoning({ provider: 'p', ...state });
const sig = { google: { thought_signature: 'sig+/=' } };
const callDelta = (index: number, id: string, args: string, extra?: Json) => ({ tool_calls: [{ index, id, type: 'function', function: { name: 'get_weather', arguments: args }, ...(extra ? { extra_content: extra } : {}) }] });
const use = (id: string) => ({ type: 'tool_use', id, name: 'get_weather', input: { city: 'Paris' } });
const d0 = (text: string) => ({ type: 'reasoning.text', text, format: 'f', index: 0 });
const enc = { type: 'reasoning.encrypted', data: 'ZGF0YQ', id: 'c1', format: 'f', index: 1 };

function run(events: string[], maxState?: number) {
  const remembered: Array<[string[], PivotState]> = [];
  const t = createMessagesStreamTranslator({ model: 'm', provider: 'p', remember: (ids, state) => remembered.push([ids, state]), maxState });
  const out = events.map((e) => t.event('', e)).join('') + (t.ended ? '' : (t.finish?.() ?? ''));
  const parsed = parseEvents(out);
  expectValidMessagesStream(parsed);
  return { blocks: accumulate(parsed), remembered };
}

describe('Messages stream: reasoning state in thinking signatures', () => {
  it.each<[string, string[], Json[], Array<[string[], PivotState]>]>([
    [
      'DeepSeek: text only, signed with the envelope naming the provider',
      [chunk({ reasoning_content: 'I need ' }), chunk({ reasoning_content: 'the weather.' }), chunk(callDelta(0, 'c1', '{"city":"Paris"}')), chunk({}, 'tool_calls'), usage],
      [{ type: 'thinking', thinking: 'I need the weather.', signature: env() }, use('c1')],
      [[['c1'], { reasoning_content: 'I need the weather.' }]],
    ],
    [
      'OpenRouter: fragments of one entry merged into the signature; the entry after the calls in a last thinking block',
      [chunk({ reasoning: 'a', reasoning_details: [d0('a')] }), chunk({ reasoning: 'b', reasoning_details: [d0('b')] }), chunk(callDelta(0, 'c1', '{"city":"Paris"}')), chunk({ reasoning_details: [enc] }), chunk({}, 'tool_calls'), usage],
      [{ type: 'thinking', thinking: 'ab', signature: env({ reasoning_details: [d0('ab')] }) }, use('c1'), { type: 'thinking', thinking: '', signature: env({ reasoning_details: [enc] }) }],
      [[['c1'], { reasoning_content: 'ab', reasoning_details: [d0('ab'), enc] }]],
    ],
    [
      "Gemini: no reasoning text, the call's thought signature in a thinking block before its tool_use",
      [chunk(callDelta(0, 'c1', '{"city":"Paris"}', sig)), chunk({}, 'tool_calls'), usage],
      [{ type: 'thinking', thinking: '', signature: env({ extra_content: { c1: sig } }) }, use('c1')],
      [[['c1'], { extra_content: { c1: sig } }]],
    ],
    [
      "reasoning, then a call with its extra: the extra in the open thinking block's signature",
      [chunk({ reasoning_content: 'R' }), chunk(callDelta(0, 'c1', '{"city":"Paris"}', sig)), chunk({}, 'tool_calls'), usage],
      [{ type: 'thinking', thinking: 'R', signature: env({ extra_content: { c1: sig } }) }, use('c1')],
      [[['c1'], { reasoning_content: 'R', extra_content: { c1: sig } }]],
    ],
    [
      "Gemini 3: a text answer's signature on its last text piece is left out, so the text ends the answer",
      [chunk({ content: 'Hello ' }), chunk({ content: 'there.' }), chunk({ reasoning_details: [enc] }), chunk({}, 'stop'), usage],
      [{ type: 'text', text: 'Hello there.' }],
      [],
    ],
    [
      'reasoning, text, then its signature: the thinking block, then the text last',
      [chunk({ reasoning_content: 'R' }), chunk({ content: 'Hi' }), chunk({ reasoning_details: [enc] }), chunk({}, 'stop'), usage],
      [{ type: 'thinking', thinking: 'R', signature: env() }, { type: 'text', text: 'Hi' }],
      [],
    ],
    [
      'text, state, then a call: the state in a thinking block before its tool_use',
      [chunk({ content: 'Let me look.' }), chunk({ reasoning_details: [enc] }), chunk(callDelta(0, 'c1', '{"city":"Paris"}')), chunk({}, 'tool_calls'), usage],
      [{ type: 'text', text: 'Let me look.' }, { type: 'thinking', thinking: '', signature: env({ reasoning_details: [enc] }) }, use('c1')],
      [[['c1'], { reasoning_details: [enc] }]],
    ],
    [
      'signed blocks of an OpenAI-compatible proxy ride in the envelope; no cache entry without tool calls',
      [chunk({ reasoning_content: 'R' }), chunk({ thinking_blocks: [{ type: 'thinking', thinking: 'R', signature: 'EqQB' }] }), chunk({ content: 'Hi' }), chunk({}, 'stop'), usage],
      [{ type: 'thinking', thinking: 'R', signature: env({ thinking_blocks: [{ type: 'thinking', thinking: 'R', signature: 'EqQB' }] }) }, { type: 'text', text: 'Hi' }],
      [],
    ],
  ])('%s', (_, events, blocks, remembered) => {
    const r = run(events);
    expect(r.blocks).toEqual(blocks);
    expect(r.remembered).toEqual(remembered);
  });

  it('state past the stream-state bound ends the stream (it is not kept without bound)', () => {
    const big = chunk({ reasoning_details: [{ type: 'reasoning.encrypted', data: 'x'.repeat(50_000), index: 0 }] });
    expect(() => run([chunk({ reasoning_content: 'R' }), big, big, chunk({}, 'stop'), usage], 64 * 1024)).toThrow(/MINI_LLM_MAX_STREAM_STATE_BYTES/);
    expect(run([chunk({ reasoning_content: 'R' }), big, chunk({}, 'stop'), usage], 64 * 1024).blocks).toHaveLength(1);
  });
});
