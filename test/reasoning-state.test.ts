/** The pivot's reasoning state of one assistant message (src/dialects/reasoning-state.ts), table-driven. */
import { describe, expect, it } from 'vitest';
import { ReasoningCollector, restoreState, stateOfMessage, withState, type PivotState } from '../src/dialects/reasoning-state.js';

type Json = Record<string, any>;

const call = (id: string, extra?: Json) => ({ id, type: 'function', function: { name: 'f', arguments: '{}' }, ...(extra ? { extra_content: extra } : {}) });
const sig = { google: { thought_signature: 's' } };

describe('stateOfMessage', () => {
  it.each<[string, Json, PivotState]>([
    ['nothing', { role: 'assistant', content: 'x' }, {}],
    ['reasoning_content', { reasoning_content: 'r' }, { reasoning_content: 'r' }],
    ['reasoning (vLLM, OpenRouter)', { reasoning: 'r' }, { reasoning_content: 'r' }],
    ['entries, blocks, extras by call id', { reasoning_details: [{ type: 'reasoning.text', text: 't' }, 'junk'], thinking_blocks: [{ type: 'thinking' }], tool_calls: [call('a', sig), call('b')] }, { reasoning_details: [{ type: 'reasoning.text', text: 't' }], thinking_blocks: [{ type: 'thinking' }], extra_content: { a: sig } }],
    ['an id `__proto__` is a field like any other', { tool_calls: [call('__proto__', sig)] }, { extra_content: JSON.parse('{"__proto__":{"google":{"thought_signature":"s"}}}') }],
  ])('%s', (_, m, expected) => {
    expect(stateOfMessage(m)).toEqual(expected);
  });
});

describe('restoreState', () => {
  const body = (assistant: Json) => ({ model: 'm', messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: null, tool_calls: [call('a'), call('b')], ...assistant }, { role: 'tool', tool_call_id: 'a', content: 'r' }] });
  const state: PivotState = { reasoning_content: 'r', reasoning_details: [{ type: 'reasoning.text', text: 'r' }], extra_content: { b: sig } };

  it('puts the state back on a tool-call message that came without any, by any of its ids', () => {
    const asked: string[][] = [];
    const out: Json = restoreState(body({}), (ids) => (asked.push(ids), state));
    expect(asked).toEqual([['a', 'b']]);
    expect(out.messages[1]).toEqual({ role: 'assistant', content: null, reasoning_content: 'r', reasoning_details: state.reasoning_details, tool_calls: [call('a'), call('b', sig)] });
  });

  it.each<[string, Json]>([
    ['reasoning_content', { reasoning_content: '' }],
    ['reasoning', { reasoning: 'x' }],
    ['reasoning_details', { reasoning_details: [] }],
    ['thinking_blocks', { thinking_blocks: [] }],
    ['a call with extra_content', { tool_calls: [call('a', sig)] }],
  ])('leaves a message that carries any state (%s) as it is, and the body the same object', (_, assistant) => {
    const b = body(assistant);
    expect(restoreState(b, () => state)).toBe(b);
  });

  it('a miss changes nothing', () => {
    const b = body({});
    expect(restoreState(b, () => undefined)).toBe(b);
  });

  it('withState does not change the message it is given', () => {
    const m = { role: 'assistant', tool_calls: [call('b')] };
    withState(m, state);
    expect(m).toEqual({ role: 'assistant', tool_calls: [call('b')] });
  });
});

describe('ReasoningCollector', () => {
  const holder = () => {
    const h = { held: 0, hold: (n: number) => void (h.held += n) };
    return h;
  };

  it('a field a fragment left null takes a later fragment\'s value (OpenRouter streams `signature: null` until the last)', () => {
    const c = new ReasoningCollector(holder());
    c.addDetails([{ type: 'reasoning.text', text: 'a', signature: null, index: 0 }]);
    c.addDetails([{ type: 'reasoning.text', text: 'b', signature: null, index: 0 }, { type: 'reasoning.text', text: '', signature: 'S', index: 0 }]);
    c.addDetails([{ type: 'reasoning.text', signature: 'later', index: 0 }]);
    expect(c.take()).toEqual({ reasoning_details: [{ type: 'reasoning.text', text: 'ab', signature: 'S', index: 0 }] });
  });

  it('merges consecutive fragments of one index and type; hands over what is new once; keeps all for the cache', () => {
    const c = new ReasoningCollector(holder(), 100);
    c.addText('ab');
    c.addDetails([{ type: 'reasoning.text', text: 'a', format: 'f', index: 0 }]);
    c.addDetails([{ type: 'reasoning.text', text: 'b', index: 0 }, { type: 'reasoning.text', signature: 'S', index: 0 }]);
    expect(c.take()).toEqual({ reasoning_details: [{ type: 'reasoning.text', text: 'ab', format: 'f', index: 0, signature: 'S' }] });
    expect(c.pending).toBe(false);
    // After it went out, a fragment of the same index is an entry of its own (what went out is not changed).
    c.addDetails([{ type: 'reasoning.text', text: 'c', index: 0 }, { type: 'reasoning.encrypted', data: 'd', index: 1 }]);
    c.addExtra('call_1', sig);
    c.addBlocks([{ type: 'thinking', thinking: 't', signature: 's' }, 'junk']);
    expect(c.pending).toBe(true);
    expect(c.take()).toEqual({
      reasoning_details: [{ type: 'reasoning.text', text: 'c', index: 0 }, { type: 'reasoning.encrypted', data: 'd', index: 1 }],
      extra_content: { call_1: sig },
      thinking_blocks: [{ type: 'thinking', thinking: 't', signature: 's' }],
    });
    expect(c.all()).toEqual({
      reasoning_content: 'ab',
      reasoning_details: [{ type: 'reasoning.text', text: 'ab', format: 'f', index: 0, signature: 'S' }, { type: 'reasoning.text', text: 'c', index: 0 }, { type: 'reasoning.encrypted', data: 'd', index: 1 }],
      extra_content: { call_1: sig },
      thinking_blocks: [{ type: 'thinking', thinking: 't', signature: 's' }],
    });
  });

  it('never merges fragments of different indexes, or without one', () => {
    const c = new ReasoningCollector(holder());
    c.addDetails([{ type: 'reasoning.text', text: 'a', index: 0 }, { type: 'reasoning.text', text: 'b', index: 1 }, { type: 'reasoning.text', text: 'c' }, { type: 'reasoning.text', text: 'd' }]);
    expect(c.take().reasoning_details!.map((d) => d.text)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('counts what it keeps against the holder (which throws past the bound), and drops the cache text past its limit', () => {
    const h = holder();
    const c = new ReasoningCollector(h, 3);
    c.addDetails([{ type: 'reasoning.text', text: 'x'.repeat(1000), index: 0 }]);
    c.addDetails([{ type: 'reasoning.text', text: 'y'.repeat(500), index: 0 }]);
    expect(h.held).toBeGreaterThanOrEqual(1500);
    const refusing = new ReasoningCollector({ hold: () => { throw new Error('too large'); } });
    expect(() => refusing.addExtra('c', sig)).toThrow('too large');
    c.addText('abcd');
    c.addText('e');
    expect(c.all().reasoning_content).toBeUndefined();
  });
});
