/**
 * Issue 18: a provider's reasoning state in a translated Responses stream (src/dialects/responses/stream.ts): a
 * reasoning item's `encrypted_content` is the gateway envelope of the state collected with it (when the client
 * asked for it); state that arrives once no reasoning item is open goes in a reasoning item with no summary,
 * before the call that needs it or at the end; the whole answer's state is handed to the reasoning cache.
 */
import { describe, expect, it } from 'vitest';
import { decodeReasoning } from '../../src/dialects/reasoning-envelope.js';
import type { PivotState } from '../../src/dialects/reasoning-state.js';
import { echoOf } from '../../src/dialects/responses/envelope.js';
import { toChatRequest } from '../../src/dialects/responses/request.js';
import { createResponsesStreamTranslator } from '../../src/dialects/responses/stream.js';
import { checkResponsesStream } from '../responses-check.js';

type Json = Record<string, any>;

const chunk = (delta: Json, finish: string | null = null) => JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'up', choices: [{ index: 0, delta, finish_reason: finish }] });
const DONE = '[DONE]';
const sig = { google: { thought_signature: 'sig+/=' } };
const callDelta = (index: number, id: string, args: string, extra?: Json) => ({ tool_calls: [{ index, id, type: 'function', function: { name: 'get_weather', arguments: args }, ...(extra ? { extra_content: extra } : {}) }] });
const d0 = (text: string) => ({ type: 'reasoning.text', text, format: 'f', index: 0 });
const enc = { type: 'reasoning.encrypted', data: 'ZGF0YQ', id: 'c1', format: 'f', index: 1 };
const body = { model: 'alias', tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: {} } }] };

function run(events: string[], encrypted: boolean) {
  const remembered: Array<[string[], PivotState]> = [];
  const t = createResponsesStreamTranslator({ echo: echoOf(body), origins: toChatRequest({ input: 'x', ...body }).origins, id: 'resp_1', encrypted, provider: 'p', remember: (ids, state) => remembered.push([ids, state]) });
  const out = events.map((e) => t.event('', e)).join('');
  const final = checkResponsesStream(out).at(-1)!.data.response;
  const items = (final.output as Json[]).map((i) => (i.type === 'reasoning' ? { reasoning: i.summary.map((s: Json) => s.text).join(''), state: decodeReasoning(i.encrypted_content, 'p') } : { [i.type]: i.call_id ?? i.content?.[0]?.text }));
  return { items, remembered };
}

describe('Responses stream: reasoning state in encrypted_content', () => {
  it.each<[string, string[], Json[], Array<[string[], PivotState]>]>([
    [
      'DeepSeek: the text, with an envelope naming the provider',
      [chunk({ reasoning_content: 'I need ' }), chunk({ reasoning_content: 'the weather.' }), chunk(callDelta(0, 'c1', '{}')), chunk({}, 'tool_calls'), DONE],
      [{ reasoning: 'I need the weather.', state: { provider: 'p' } }, { function_call: 'c1' }],
      [[['c1'], { reasoning_content: 'I need the weather.' }]],
    ],
    [
      'OpenRouter: merged entries with their item; the entry after the calls in a last item',
      [chunk({ reasoning: 'a', reasoning_details: [d0('a')] }), chunk({ reasoning: 'b', reasoning_details: [d0('b')] }), chunk(callDelta(0, 'c1', '{}')), chunk({ reasoning_details: [enc] }), chunk({}, 'tool_calls'), DONE],
      [{ reasoning: 'ab', state: { provider: 'p', reasoning_details: [d0('ab')] } }, { function_call: 'c1' }, { reasoning: '', state: { provider: 'p', reasoning_details: [enc] } }],
      [[['c1'], { reasoning_content: 'ab', reasoning_details: [d0('ab'), enc] }]],
    ],
    [
      "Gemini: the call's thought signature in an item of its own, before the call",
      [chunk({ content: 'Checking.' }), chunk(callDelta(0, 'c1', '{}', sig)), chunk({}, 'tool_calls'), DONE],
      [{ message: 'Checking.' }, { reasoning: '', state: { provider: 'p', extra_content: { c1: sig } } }, { function_call: 'c1' }],
      [[['c1'], { extra_content: { c1: sig } }]],
    ],
  ])('%s', (_, events, items, remembered) => {
    const r = run(events, true);
    expect(r.items).toEqual(items);
    expect(r.remembered).toEqual(remembered);
  });

  it('not asked for: no encrypted_content and no state-only items, but the cache still gets the state', () => {
    const r = run([chunk(callDelta(0, 'c1', '{}', sig)), chunk({ reasoning_details: [enc] }), chunk({}, 'tool_calls'), DONE], false);
    expect(r.items).toEqual([{ function_call: 'c1' }]);
    expect(r.remembered).toEqual([[['c1'], { reasoning_details: [enc], extra_content: { c1: sig } }]]);
  });
});
