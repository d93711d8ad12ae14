/**
 * The chat → Messages and chat → Responses stream translators keep what Anthropic and OpenAI clients enforce
 * (ENDPOINTS.md §3.3, §4.3) over 3000 random (seeded) chunk sequences: text, reasoning, refusals, tool calls with
 * and without index, odd chunks, errors, finish, usage, [DONE] in any order.
 */
import { expect, it } from 'vitest';
import { createMessagesStreamTranslator } from '../src/dialects/messages/stream.js';
import { createResponsesStreamTranslator } from '../src/dialects/responses/stream.js';
import { echoOf } from '../src/dialects/responses/envelope.js';
import { toChatRequest } from '../src/dialects/responses/request.js';
let seed = 1;
const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
const deltas = [
  { content: 'Hi' }, { content: '' }, { reasoning_content: 'th' }, { refusal: 'no' },
  { tool_calls: [{ index: 0, id: 'a', function: { name: 'f', arguments: '' } }] }, { tool_calls: [{ index: 0, function: { arguments: '{"x":' } }] }, { tool_calls: [{ index: 0, function: { arguments: '1}' } }] },
  { tool_calls: [{ index: 1, id: 'b', function: { name: 'g', arguments: '{}' } }] }, { tool_calls: [{ id: 'c', function: { name: 'h', arguments: '{}' } }] }, { tool_calls: [{ function: { arguments: '' } }] },
  { tool_calls: [] }, {}, { thinking_blocks: [{ type: 'thinking', thinking: 't', signature: 's' }] }, { tool_calls: [null, 5] },
];
it('keeps the stream invariants over 3000 random chunk sequences', () => {
  const problems: string[] = [];
  for (let run = 0; run < 3000; run++) {
    const events: string[] = [];
    const n = rnd(12);
    for (let i = 0; i < n; i++) {
      const r = rnd(20);
      if (r < 14) events.push(JSON.stringify({ id: 'c', choices: [{ index: 0, delta: deltas[rnd(deltas.length)], finish_reason: null }] }));
      else if (r === 14) events.push(JSON.stringify({ id: 'c', choices: [{ index: 0, delta: {}, finish_reason: ['stop', 'tool_calls', 'length'][rnd(3)] }] }));
      else if (r === 15) events.push(JSON.stringify({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 2 } }));
      else if (r === 16) events.push('[DONE]');
      else if (r === 17) events.push(JSON.stringify({ error: { message: 'x' } }));
      else if (r === 18) events.push('5');
      else events.push('null');
    }
    // Messages
    try {
      const t = createMessagesStreamTranslator({ model: 'm', provider: 'p' });
      let out = '';
      for (const e of events) out += t.event('', e);
      if (!t.ended) out += t.finish?.() ?? '';
      const evs = out.split('\n\n').filter(Boolean).map((x) => JSON.parse(x.split('\n')[1].slice(6)));
      if (evs.length && evs[0].type !== 'message_start' && evs[0].type !== 'error') throw new Error('first ' + evs[0].type);
      let open = -1; let next = 0;
      for (const ev of evs) {
        if (ev.type === 'message_start' && ev !== evs[0]) throw new Error('second start');
        if (ev.type === 'content_block_start') { if (open !== -1) throw new Error('start while open'); if (ev.index !== next) throw new Error('index'); open = next++; }
        if (ev.type === 'content_block_delta' && ev.index !== open) throw new Error('delta to closed block ' + ev.index + ' open ' + open);
        if (ev.type === 'content_block_stop') { if (ev.index !== open) throw new Error('stop'); open = -1; }
        if (ev.type === 'content_block_delta' && ev.delta.type === 'input_json_delta' && typeof ev.delta.partial_json !== 'string') throw new Error('pj');
      }
      if (t.ended && evs.at(-1).type !== 'message_stop' && evs.at(-1).type !== 'error') throw new Error('last ' + evs.at(-1).type);
    } catch (err) { problems.push(`messages: ${(err as Error).message} ${JSON.stringify(events)}`); }
    // Responses
    try {
      const body = { model: 'a', input: 'x', tools: [{ type: 'function', name: 'f' }, { type: 'function', name: 'g' }] };
      const t = createResponsesStreamTranslator({ echo: echoOf(body), origins: toChatRequest(body).origins, provider: 'p' });
      let out = '';
      for (const e of events) out += t.event('', e);
      if (!t.ended) out += t.finish?.() ?? t.failure('x', 'upstream_disconnected');
      const evs = out.split('\n\n').filter(Boolean).map((x) => JSON.parse(x.split('\n')[1].slice(6)));
      if (evs[0].type !== 'response.created') throw new Error('first');
      evs.forEach((e, i) => { if (e.sequence_number !== i) throw new Error('seq'); });
      const added = new Set<number>();
      for (const e of evs) {
        if (e.type === 'response.output_item.added') { if (e.output_index !== added.size) throw new Error('dense'); added.add(e.output_index); }
        else if ('output_index' in e && !added.has(e.output_index)) throw new Error('before added ' + e.type);
      }
      const term = evs.filter((e) => ['response.completed', 'response.incomplete', 'response.failed'].includes(e.type));
      if (term.length !== 1 || evs.at(-1) !== term[0]) throw new Error('terminal');
      if (term[0].response.output.length !== added.size) throw new Error('output length ' + term[0].response.output.length + ' vs ' + added.size);
    } catch (err) { problems.push(`responses: ${(err as Error).message} ${JSON.stringify(events)}`); }
  }
  expect(problems.slice(0, 5)).toEqual([]);
});
