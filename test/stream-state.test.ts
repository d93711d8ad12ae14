/**
 * The bound on what each stream translator holds (src/stream-state.ts, MINI_LLM_MAX_STREAM_STATE_BYTES), one
 * table per translator: past a small limit the translator throws StreamStateTooLarge before keeping more, and the
 * failure the stream guard then sends is valid in the route's shape; under it, nothing changes.
 */
import { describe, expect, it } from 'vitest';
import { messagesFailureFrame } from '../src/dialects/messages/errors.js';
import { createMessagesStreamTranslator } from '../src/dialects/messages/stream.js';
import { echoOf } from '../src/dialects/responses/envelope.js';
import { toChatRequest } from '../src/dialects/responses/request.js';
import { createResponsesStreamTranslator } from '../src/dialects/responses/stream.js';
import type { SseTranslator } from '../src/sse.js';
import { createStreamTranslator } from '../src/providers/anthropic/stream.js';
import { StreamStateTooLarge } from '../src/stream-state.js';
import { parseSse } from './helpers.js';
import { accumulate, expectValidMessagesStream, parseEvents } from './messages/stream-check.js';
import { checkResponsesStream } from './responses-check.js';

type Json = Record<string, any>;

const LIMIT = 4096;
const x = (n: number) => 'x'.repeat(n);
const times = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

const chunk = (delta: Json, finish: string | null = null) => JSON.stringify({ id: 'chatcmpl-s', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] });
const call = (index: number, f: Json, id?: string) => chunk({ tool_calls: [{ index, ...(id ? { id, type: 'function' } : {}), function: f }] });
const USAGE = JSON.stringify({ id: 'chatcmpl-s', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });
const end = (finish: string) => [chunk({}, finish), USAGE, '[DONE]'];

/** Feed `events` ([name, data]) to a translator; on a throw, stop there (as sseTransform does) and return it. */
function feed(t: SseTranslator, events: Array<[string, string]>): { out: string; error?: unknown } {
  let out = '';
  try {
    for (const [name, data] of events) {
      if (t.ended) break;
      out += t.event(name, data);
    }
  } catch (error) {
    return { out, error };
  }
  return { out };
}

const tooLarge = (error: unknown, limit = LIMIT) => {
  expect(error).toBeInstanceOf(StreamStateTooLarge);
  expect(error).toMatchObject({ code: 'upstream_stream_too_large', limit });
  expect((error as Error).message).toContain('MINI_LLM_MAX_STREAM_STATE_BYTES');
};

describe('chat → Responses: text, reasoning, arguments and signed blocks held for the final events', () => {
  const tools = [{ type: 'function', name: 'lookup', parameters: { type: 'object', properties: {} } }];
  const run = (chunks: string[], opts: { maxState?: number; encrypted?: boolean } = {}) => {
    const { origins } = toChatRequest({ model: 'm', input: 'x', tools });
    const t = createResponsesStreamTranslator({ echo: echoOf({ model: 'm', tools }), origins, id: 'resp_state', encrypted: opts.encrypted, maxState: opts.maxState, provider: 'p' });
    const fed = feed(t, chunks.map((c) => ['', c]));
    // What the stream guard does with the thrown StreamLimitError: the route's failure event.
    const failure = fed.error ? t.failure((fed.error as Error).message, (fed.error as StreamStateTooLarge).code) : '';
    return { ...fed, out: fed.out + failure };
  };

  /** Each output item of the failed response holds exactly what its deltas gave the client, no more. */
  const sameAsDeltas = (out: string) => {
    const events = parseSse(out).events.map((e) => e.data);
    const deltas = (type: string, id: string, key = 'delta') =>
      events
        .filter((e) => e.type === type && e.item_id === id)
        .map((e) => e[key])
        .join('');
    const failed = events.at(-1)!.response;
    for (const item of failed.output) {
      if (item.type === 'message') for (const part of item.content) expect(part.text ?? part.refusal).toBe(deltas(part.type === 'refusal' ? 'response.refusal.delta' : 'response.output_text.delta', item.id));
      if (item.type === 'reasoning') expect(item.summary.map((s: Json) => s.text).join('')).toBe(deltas('response.reasoning_summary_text.delta', item.id));
      if (item.type === 'function_call') expect(item.arguments).toBe(deltas('response.function_call_arguments.delta', item.id));
    }
    return failed;
  };

  const signed = (i: number) => ({ type: 'thinking', thinking: x(1000), signature: `sig-${i}` });
  const CASES: Array<[name: string, chunks: string[], encrypted?: boolean]> = [
    ['text deltas', times(100, () => chunk({ content: x(100) }))],
    ['a refusal', times(100, () => chunk({ refusal: x(100) }))],
    ['reasoning', times(100, () => chunk({ reasoning_content: x(100) }))],
    ['tool-call arguments', [call(0, { name: 'lookup', arguments: '{"a":"' }, 'call_1'), ...times(100, () => call(0, { arguments: x(100) }))]],
    ['signed thinking blocks kept for encrypted_content', [chunk({ reasoning_content: 'r' }), ...times(10, (i) => chunk({ thinking_blocks: [signed(i)] }))], true],
    ['many one-character items (reasoning and text in turn)', times(100, (i) => chunk(i % 2 ? { content: 'c' } : { reasoning_content: 'r' }))],
    ['many small tool calls', times(100, (i) => call(i, { name: 'lookup', arguments: '{}' }, `call_${i}`))],
  ];

  it.each(CASES)('%s past the limit → response.failed (schema-valid) carrying only what the client saw', (_name, chunks, encrypted) => {
    const { out, error } = run([...chunks, ...end('stop')], { maxState: LIMIT, encrypted });
    tooLarge(error);
    const events = checkResponsesStream(out);
    const last = events.at(-1)!.data;
    expect(last.type).toBe('response.failed');
    expect(last.response.error.message).toContain('upstream_stream_too_large');
    const failed = sameAsDeltas(out);
    expect(JSON.stringify(failed.output).length).toBeLessThan(2 * LIMIT);
  });

  it.each(CASES)('%s under the limit: the same stream as without one', (_name, chunks, encrypted) => {
    const limited = run([...chunks, ...end('stop')], { maxState: 1 << 20, encrypted });
    const unlimited = run([...chunks, ...end('stop')], { encrypted });
    expect(limited.error).toBeUndefined();
    // Ids are random, and the two runs may straddle a second (created_at, completed_at).
    const strip = (out: string) =>
      checkResponsesStream(out).map((e) =>
        JSON.stringify(e.data)
          .replace(/"(msg|rs|fc|call)_[0-9a-f]+"/g, '"id"')
          .replace(/"(created_at|completed_at)":\d+/g, '"$1":0'),
      );
    expect(strip(limited.out)).toEqual(strip(unlimited.out));
    expect(checkResponsesStream(limited.out).at(-1)!.data.type).toBe('response.completed');
  });

  it('signed thinking blocks are not kept for a client that did not ask for encrypted_content', () => {
    const chunks = [chunk({ reasoning_content: 'r' }), ...times(10, (i) => chunk({ thinking_blocks: [signed(i)] })), ...end('stop')];
    const { out, error } = run(chunks, { maxState: LIMIT });
    expect(error).toBeUndefined();
    const done = checkResponsesStream(out).at(-1)!.data.response;
    expect(done.status).toBe('completed');
    expect(done.output[0].encrypted_content).toBeUndefined();
  });
});

describe('chat → Messages: what waits for a tool call', () => {
  const run = (chunks: string[], maxState = LIMIT) => {
    const fed = feed(createMessagesStreamTranslator({ model: 'claude', maxState, provider: 'p' }), chunks.map((c) => ['', c]));
    const failure = fed.error ? messagesFailureFrame((fed.error as Error).message, (fed.error as StreamStateTooLarge).code) : '';
    return { ...fed, events: parseEvents(fed.out + failure) };
  };

  it.each([
    ['a tool call whose arguments never close', [call(0, { name: 'lookup', arguments: '{"a":"' }, 'call_1'), ...times(100, () => call(0, { arguments: x(100) }))]],
    ['text behind a tool call whose arguments are not whole', [call(0, { name: 'lookup', arguments: '{"a":' }, 'call_1'), ...times(100, () => chunk({ content: x(100) }))]],
    ['thinking behind a tool call whose arguments are not whole', [call(0, { name: 'lookup', arguments: '{"a":' }, 'call_1'), ...times(100, () => chunk({ reasoning_content: x(100) }))]],
    ['the arguments of a call waiting its turn', [call(0, { name: 'lookup', arguments: '{"a":' }, 'call_1'), call(1, { name: 'lookup', arguments: '{"b":"' }, 'call_2'), ...times(100, () => call(1, { arguments: x(100) }))]],
    ['the arguments of a call not named yet', [call(0, { arguments: '{"a":"' }, 'call_1'), ...times(100, () => call(0, { arguments: x(100) }))]],
  ])('%s, past the limit → event: error', (_name, chunks) => {
    const { events, error } = run([...chunks, ...end('tool_calls')]);
    tooLarge(error);
    expectValidMessagesStream(events, { complete: false });
    expect(events.at(-1)).toMatchObject({ event: 'error', data: { type: 'error', error: { type: 'api_error' } } });
    expect(events.at(-1)!.data.error.message).toContain('MINI_LLM_MAX_STREAM_STATE_BYTES');
  });

  it.each([
    ['text ten times the limit', times(100, () => chunk({ content: x(400) })), [{ type: 'text', text: x(40_000) }]],
    [
      'tool calls one after another, each whole, together six times the limit',
      times(10, (i) => call(i, { name: 'lookup', arguments: JSON.stringify({ a: x(2500) }) }, `call_${i}`)),
      times(10, (i) => ({ type: 'tool_use', id: `call_${i}`, name: 'lookup', input: { a: x(2500) } })),
    ],
    [
      'arguments for a call whose block has closed (never sent, no longer kept)',
      [call(0, { name: 'lookup', arguments: '{}' }, 'call_1'), chunk({ content: 'done' }), ...times(100, () => call(0, { arguments: x(400) }))],
      [{ type: 'tool_use', id: 'call_1', name: 'lookup', input: {} }, { type: 'text', text: 'done' }],
    ],
  ])('%s → the whole answer, as without a limit', (_name, chunks, blocks) => {
    const { events, error } = run([...chunks, ...end('stop')]);
    expect(error).toBeUndefined();
    expectValidMessagesStream(events);
    expect(accumulate(events)).toEqual(blocks);
  });
});

describe('Anthropic → chat: thinking blocks held until they end, the turn until message_stop', () => {
  const ev = (type: string, data: Json): [string, string] => [type, JSON.stringify({ type, ...data })];
  const START = ev('message_start', { message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude', content: [], usage: { input_tokens: 1, output_tokens: 0 } } });
  const block = (index: number, content_block: Json) => ev('content_block_start', { index, content_block });
  const delta = (index: number, d: Json) => ev('content_block_delta', { index, delta: d });
  const stop = (index: number) => ev('content_block_stop', { index });
  const END = [ev('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 1 } }), ev('message_stop', {})];
  const run = (events: Array<[string, string]>, maxState = LIMIT) => feed(createStreamTranslator({ includeUsage: false, maxState }), [START, ...events, ...END]);
  const thinking = (index: number, n: number) => [block(index, { type: 'thinking', thinking: '', signature: '' }), ...times(n, () => delta(index, { type: 'thinking_delta', thinking: x(100) }))];

  it.each([
    ['thinking deltas', [...thinking(0, 100), delta(0, { type: 'signature_delta', signature: 'sig' }), stop(0)]],
    ['a signature', [...thinking(0, 1), ...times(100, () => delta(0, { type: 'signature_delta', signature: x(100) })), stop(0)]],
    ['a redacted_thinking block', [block(0, { type: 'redacted_thinking', data: x(LIMIT) }), stop(0)]],
    ['signed blocks, each under the limit, kept for the thinking cache', times(10, (i) => [...thinking(i, 5), delta(i, { type: 'signature_delta', signature: 'sig' }), stop(i)]).flat()],
    ['many tool_use blocks', times(100, (i) => [block(i, { type: 'tool_use', id: `toolu_${i}`, name: 'lookup', input: {} }), stop(i)]).flat()],
  ])('%s past the limit → StreamStateTooLarge (the chat route ends it with an error frame)', (_name, events) => {
    const { out, error } = run(events);
    tooLarge(error);
    for (const frame of out.split('\n\n').filter((f) => f.startsWith('data: '))) expect(JSON.parse(frame.slice(6)).object).toBe('chat.completion.chunk');
  });

  it.each([
    ['text ten times the limit', times(100, () => delta(0, { type: 'text_delta', text: x(400) }))],
    ['tool input ten times the limit', [block(0, { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: {} }), ...times(100, () => delta(0, { type: 'input_json_delta', partial_json: x(400) })), stop(0)]],
    ['unsigned thinking blocks, together over the limit (not kept)', times(10, (i) => [...thinking(i, 20), stop(i)]).flat()],
  ])('%s → the whole answer', (_name, events) => {
    const { out, error } = run(events);
    expect(error).toBeUndefined();
    expect(out.endsWith('data: [DONE]\n\n')).toBe(true);
  });
});
