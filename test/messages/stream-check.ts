/** Helpers for the Messages stream tests: run a translated stream, parse its events, check the client invariants. */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { parseSse, type SseEvent } from '../helpers.js';

export const chatStream = (name: string) => readFileSync(new URL(`../fixtures/chat-streams/${name}`, import.meta.url), 'utf8');

/** A body delivering `text` in pieces of `size` bytes (events split across reads, as on a real socket). */
export function bodyOf(text: string, size = 7): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let i = 0;
  return new ReadableStream({
    pull(c) {
      if (i >= bytes.length) return c.close();
      c.enqueue(bytes.slice(i, i + size));
      i += size;
    },
  });
}

export type MessagesEvent = SseEvent;

/** A Messages stream's events; it has no comments (Anthropic sends `ping` events instead). */
export function parseEvents(text: string): MessagesEvent[] {
  const { events, comments } = parseSse(text);
  if (comments.length > 0) throw new Error(`a comment in a Messages stream: ${comments[0]}`);
  return events;
}

/** What Anthropic clients enforce (ENDPOINTS.md §3.3), checked on a whole translated stream. */
export function expectValidMessagesStream(events: MessagesEvent[], { complete = true } = {}) {
  for (const e of events) expect(e.data.type, 'type inside data equals the event name').toBe(e.event);
  const starts = events.filter((e) => e.event === 'message_start');
  expect(starts).toHaveLength(1);
  expect(events.findIndex((e) => e.event !== 'ping')).toBe(events.indexOf(starts[0]));
  let next = 0;
  let open: number | undefined;
  for (const e of events) {
    if (e.event === 'content_block_start') {
      expect(open, 'a block opens only when the previous one is closed').toBeUndefined();
      expect(e.data.index).toBe(next++);
      expect(e.data.content_block.index).toBeUndefined();
      if (e.data.content_block.type === 'tool_use') expect(e.data.content_block.input).toEqual({});
      open = e.data.index;
    } else if (e.event === 'content_block_delta') {
      expect(e.data.index).toBe(open);
    } else if (e.event === 'content_block_stop') {
      expect(e.data.index).toBe(open);
      open = undefined;
    } else if (e.event === 'message_delta' || e.event === 'message_stop') {
      expect(open, 'every block is closed before the message ends').toBeUndefined();
    }
  }
  if (complete) {
    expect(events.at(-1)!.event).toBe('message_stop');
    expect(events.at(-2)!.event).toBe('message_delta');
    expect(typeof events.at(-2)!.data.usage.output_tokens).toBe('number');
    expect(events.filter((e) => e.event === 'message_delta')).toHaveLength(1);
  }
}

/** The blocks a client accumulates from the stream (what `finalMessage()` would hold). */
export function accumulate(events: MessagesEvent[]) {
  const blocks: any[] = [];
  for (const e of events) {
    if (e.event === 'content_block_start') blocks[e.data.index] = { ...e.data.content_block, json: '' };
    if (e.event === 'content_block_delta') {
      const b = blocks[e.data.index];
      const d = e.data.delta;
      if (d.type === 'text_delta') b.text += d.text;
      if (d.type === 'thinking_delta') b.thinking += d.thinking;
      if (d.type === 'signature_delta') b.signature += d.signature;
      if (d.type === 'input_json_delta') b.json += d.partial_json;
    }
  }
  return blocks.map(({ json, ...b }) => (b.type === 'tool_use' ? { ...b, input: json === '' ? {} : JSON.parse(json) } : b));
}
