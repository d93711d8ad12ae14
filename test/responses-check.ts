/**
 * What every Responses stream must satisfy, checked event by event (ENDPOINTS.md §4.3 and what openai-node's
 * ResponseStream and Codex enforce): each event valid against OpenAI's schema, its SSE `event:` name equal to
 * its `type`; `response.created` first; `sequence_number` counting up from 0 (strictly increasing when
 * `counted` is false, for pass-through failure frames); `output_item.added` before any event of that item, at
 * the next dense `output_index`; one `output_item.done` per item; exactly one terminal event, last, whose
 * response carries every finished item. Returns the parsed events.
 */
import { expect } from 'vitest';
import { parseSse, type SseEvent } from './helpers.js';
import { assertValid, assertValidEvent } from './schemas/openapi.js';

const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);

export function checkResponsesStream(text: string, opts: { counted?: boolean } = {}): SseEvent[] {
  const { events } = parseSse(text);
  expect(events.length).toBeGreaterThan(0);
  expect(events[0].data.type).toBe('response.created');
  const added = new Map<number, any>();
  const done = new Map<number, any>();
  let last = -1;
  for (const [i, { event, data }] of events.entries()) {
    assertValidEvent(data);
    expect(event, `event name of #${i}`).toBe(data.type);
    if (opts.counted === false) expect(data.sequence_number).toBeGreaterThan(last);
    else expect(data.sequence_number, `sequence_number of #${i} (${data.type})`).toBe(i);
    last = data.sequence_number;
    if (TERMINAL.has(data.type)) {
      expect(i, `${data.type} must be the last event`).toBe(events.length - 1);
      assertValid('Response', data.response);
    }
    if (data.type === 'response.output_item.added') {
      expect(data.output_index, 'dense output_index').toBe(added.size);
      added.set(data.output_index, data.item);
    } else if (typeof data.output_index === 'number') {
      expect(added.has(data.output_index), `${data.type} before output_item.added of ${data.output_index}`).toBe(true);
      expect(done.has(data.output_index), `${data.type} after output_item.done of ${data.output_index}`).toBe(false);
      if (data.item_id !== undefined) expect(data.item_id).toBe(added.get(data.output_index).id);
      if (data.type === 'response.output_item.done') {
        expect(data.item.id).toBe(added.get(data.output_index).id);
        expect(data.item.type).toBe(added.get(data.output_index).type);
        done.set(data.output_index, data.item);
      }
    }
  }
  const end = events.at(-1)!.data;
  expect(TERMINAL.has(end.type), `last event is terminal, got ${end.type}`).toBe(true);
  if (end.type !== 'response.failed') {
    expect(done.size, 'every item done').toBe(added.size);
    expect(end.response.output).toEqual([...done.keys()].sort((a, b) => a - b).map((k) => done.get(k)));
  }
  const ids = new Set(events.filter((e) => e.data.response).map((e) => e.data.response.id));
  if (opts.counted !== false) expect(ids.size, 'one response id').toBe(1);
  return events;
}
