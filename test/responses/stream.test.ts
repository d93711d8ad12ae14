/** Chat SSE → Responses SSE (src/dialects/responses/stream.ts): the state machine, table-driven. */
import { describe, expect, it } from 'vitest';
import { echoOf } from '../../src/dialects/responses/envelope.js';
import { toChatRequest } from '../../src/dialects/responses/request.js';
import { decodeReasoning } from '../../src/dialects/reasoning-envelope.js';
import { chatToResponsesStream, createResponsesStreamTranslator } from '../../src/dialects/responses/stream.js';
import { parseSse } from '../helpers.js';
import { checkResponsesStream } from '../responses-check.js';

type Json = Record<string, any>;

const chunk = (delta: Json, finish: string | null = null, extra: Json = {}) =>
  JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'up-model', choices: [{ index: 0, delta, finish_reason: finish }], ...extra });
const usage = JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'up-model', choices: [], usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18, prompt_tokens_details: { cached_tokens: 5, cache_write_tokens: 2 }, completion_tokens_details: { reasoning_tokens: 3 } } });
const DONE = '[DONE]';
const tc = (index: number, f: Json, id?: string) => ({ tool_calls: [{ index, ...(id ? { id, type: 'function' } : {}), function: f }] });

const tools = [
  { type: 'function', name: 'get_weather', parameters: { type: 'object', properties: {} } },
  { type: 'custom', name: 'apply_patch' },
];

function run(events: string[], body: Json = { model: 'alias', tools }, encrypted = false): string {
  const { origins } = toChatRequest({ input: 'x', ...body });
  const t = createResponsesStreamTranslator({ echo: echoOf(body), origins, id: 'resp_test', encrypted, provider: 'p' });
  let out = '';
  for (const e of events) {
    if (t.ended) break;
    out += e.startsWith(':') ? (t.comment?.(e.slice(1)) ?? '') : t.event('', e);
  }
  if (!t.ended) out += t.finish?.() ?? t.failure('The provider closed the connection before the answer was complete.', 'upstream_disconnected');
  return out;
}

const types = (text: string) => parseSse(text).events.map((e) => e.data.type.replace(/^response\./, ''));

const CASES: Array<[name: string, events: string[], expected: string[], final?: Json]> = [
  [
    'text',
    [chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hel' }), chunk({ content: 'lo' }), chunk({}, 'stop'), usage, DONE],
    ['created', 'in_progress', 'output_item.added', 'content_part.added', 'output_text.delta', 'output_text.delta', 'output_text.done', 'content_part.done', 'output_item.done', 'completed'],
    { status: 'completed', output: [{ type: 'message', status: 'completed', content: [{ type: 'output_text', text: 'Hello' }] }], usage: { input_tokens: 11, input_tokens_details: { cached_tokens: 5, cache_write_tokens: 2 }, output_tokens: 7, output_tokens_details: { reasoning_tokens: 3 }, total_tokens: 18 } },
  ],
  [
    'reasoning, then text',
    [chunk({ reasoning_content: 'Think' }), chunk({ reasoning_content: 'ing.' }), chunk({ content: 'Hi' }), chunk({}, 'stop'), DONE],
    ['created', 'in_progress', 'output_item.added', 'reasoning_summary_part.added', 'reasoning_summary_text.delta', 'reasoning_summary_text.delta', 'reasoning_summary_text.done', 'reasoning_summary_part.done', 'output_item.done', 'output_item.added', 'content_part.added', 'output_text.delta', 'output_text.done', 'content_part.done', 'output_item.done', 'completed'],
    { output: [{ type: 'reasoning', summary: [{ type: 'summary_text', text: 'Thinking.' }] }, { type: 'message', content: [{ text: 'Hi' }] }] },
  ],
  [
    'a tool-only turn: no message item, the call at output_index 0',
    [chunk({ role: 'assistant', content: null }), chunk(tc(0, { name: 'get_weather', arguments: '' }, 'call_1')), chunk(tc(0, { arguments: '{"a"' })), chunk(tc(0, { arguments: ':1}' })), chunk({}, 'tool_calls'), DONE],
    ['created', 'in_progress', 'output_item.added', 'function_call_arguments.delta', 'function_call_arguments.delta', 'function_call_arguments.done', 'output_item.done', 'completed'],
    { status: 'completed', output: [{ type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"a":1}', status: 'completed' }] },
  ],
  [
    'text, then two tool calls (dense output_index 0, 1, 2)',
    [chunk({ content: 'Checking.' }), chunk(tc(0, { name: 'get_weather', arguments: '{}' }, 'call_1')), chunk(tc(1, { name: 'get_weather', arguments: '{"b":2}' }, 'call_2')), chunk({}, 'tool_calls'), DONE],
    ['created', 'in_progress', 'output_item.added', 'content_part.added', 'output_text.delta', 'output_text.done', 'content_part.done', 'output_item.done', 'output_item.added', 'function_call_arguments.delta', 'output_item.added', 'function_call_arguments.delta', 'function_call_arguments.done', 'output_item.done', 'function_call_arguments.done', 'output_item.done', 'completed'],
    { output: [{ type: 'message' }, { type: 'function_call', call_id: 'call_1', arguments: '{}' }, { type: 'function_call', call_id: 'call_2', arguments: '{"b":2}' }] },
  ],
  [
    'a tool call whose arguments arrive before its name: announced with its name, then what came so far in one delta',
    [chunk(tc(0, { arguments: '{"x"' }, 'call_9')), chunk(tc(0, { name: 'get_weather', arguments: ':0}' })), chunk({}, 'tool_calls'), DONE],
    ['created', 'in_progress', 'output_item.added', 'function_call_arguments.delta', 'function_call_arguments.done', 'output_item.done', 'completed'],
    { output: [{ type: 'function_call', name: 'get_weather', arguments: '{"x":0}' }] },
  ],
  [
    'a custom tool: its input whole at the end, as custom_tool_call',
    [chunk(tc(0, { name: 'apply_patch', arguments: '{"input":"*** Be' }, 'call_p')), chunk(tc(0, { arguments: 'gin"}' })), chunk({}, 'tool_calls'), DONE],
    ['created', 'in_progress', 'output_item.added', 'custom_tool_call_input.delta', 'custom_tool_call_input.done', 'output_item.done', 'completed'],
    { output: [{ type: 'custom_tool_call', call_id: 'call_p', name: 'apply_patch', input: '*** Begin' }] },
  ],
  [
    'a refusal',
    [chunk({ refusal: 'No.' }), chunk({}, 'stop'), DONE],
    ['created', 'in_progress', 'output_item.added', 'content_part.added', 'refusal.delta', 'refusal.done', 'content_part.done', 'output_item.done', 'completed'],
    { output: [{ type: 'message', content: [{ type: 'refusal', refusal: 'No.' }] }] },
  ],
  [
    'finish_reason length → response.incomplete (max_output_tokens)',
    [chunk({ content: 'Hel' }), chunk({}, 'length'), DONE],
    ['created', 'in_progress', 'output_item.added', 'content_part.added', 'output_text.delta', 'output_text.done', 'content_part.done', 'output_item.done', 'incomplete'],
    { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [{ type: 'message', status: 'incomplete' }] },
  ],
  ['finish_reason content_filter → response.incomplete (content_filter)', [chunk({}, 'content_filter'), DONE], ['created', 'in_progress', 'incomplete'], { status: 'incomplete', incomplete_details: { reason: 'content_filter' } }],
  [
    'an error frame mid-stream → response.failed with a spec code and the provider message',
    [chunk({ content: 'Hel' }), JSON.stringify({ error: { message: 'Overloaded', type: 'overloaded_error' } })],
    ['created', 'in_progress', 'output_item.added', 'content_part.added', 'output_text.delta', 'failed'],
    { status: 'failed', error: { code: 'server_error', message: 'Overloaded (overloaded_error)' }, output: [{ type: 'message', status: 'incomplete', content: [{ text: 'Hel' }] }] },
  ],
  ['a rate-limit error frame → rate_limit_exceeded', [JSON.stringify({ error: { message: 'Slow down', type: 'rate_limit_error' } })], ['created', 'in_progress', 'failed'], { error: { code: 'rate_limit_exceeded' } }],
  ['the provider closes after its finish chunk without [DONE]: still complete', [chunk({ content: 'Hi' }), chunk({}, 'stop')], ['created', 'in_progress', 'output_item.added', 'content_part.added', 'output_text.delta', 'output_text.done', 'content_part.done', 'output_item.done', 'completed']],
  [
    'the provider closes before finishing: response.failed numbered in sequence',
    [chunk({ content: 'Hi' })],
    ['created', 'in_progress', 'output_item.added', 'content_part.added', 'output_text.delta', 'failed'],
    { status: 'failed', error: { code: 'server_error', message: 'The provider closed the connection before the answer was complete. (upstream_disconnected)' } },
  ],
  ['a failure before any event: response.created first, then response.failed', [], ['created', 'in_progress', 'failed']],
  [
    'a failure mid tool call: the partial call in the failed response, incomplete',
    [chunk({ reasoning_content: 'R' }), chunk(tc(0, { name: 'get_weather', arguments: '{"ci' }, 'call_1'))],
    ['created', 'in_progress', 'output_item.added', 'reasoning_summary_part.added', 'reasoning_summary_text.delta', 'reasoning_summary_text.done', 'reasoning_summary_part.done', 'output_item.done', 'output_item.added', 'function_call_arguments.delta', 'failed'],
    { status: 'failed', output: [{ type: 'reasoning', summary: [{ text: 'R' }] }, { type: 'function_call', arguments: '{"ci', status: 'incomplete' }] },
  ],
];

describe('chat stream → Responses stream', () => {
  it.each(CASES)('%s', (_, events, expected, final) => {
    const text = run(events);
    expect(types(text)).toEqual(expected);
    const checked = checkResponsesStream(text); // schemas, sequence numbers, order, dense indexes, one terminal event
    if (final) expect(checked.at(-1)!.data.response).toMatchObject(final);
  });

  const signed = { type: 'thinking', thinking: 'Think', signature: 'sig==' };
  const redacted = { type: 'redacted_thinking', data: 'opaque' };
  it('puts signed thinking blocks in the reasoning item as encrypted_content, when asked for', () => {
    const events = [chunk({ reasoning_content: 'Think' }), chunk({ thinking_blocks: [signed] }), chunk({ thinking_blocks: [redacted] }), chunk({ content: 'Hi' }), chunk({}, 'stop'), DONE];
    const asked = checkResponsesStream(run(events, { model: 'a' }, true));
    const item = asked.at(-1)!.data.response.output[0];
    expect(item).toMatchObject({ type: 'reasoning', summary: [{ text: 'Think' }] });
    expect(decodeReasoning(item.encrypted_content, 'p')).toEqual({ provider: 'p', thinking_blocks: [signed, redacted] });
    const notAsked = checkResponsesStream(run(events, { model: 'a' }, false));
    expect(notAsked.at(-1)!.data.response.output[0]).not.toHaveProperty('encrypted_content');
  });

  it('opens a reasoning item with no summary for blocks that come without text (thinking not displayed)', () => {
    const text = run([chunk({ thinking_blocks: [signed] }), chunk(tc(0, { name: 'get_weather', arguments: '{}' }, 'c')), chunk({}, 'tool_calls'), DONE], { model: 'a', tools }, true);
    expect(types(text)).toEqual(['created', 'in_progress', 'output_item.added', 'output_item.done', 'output_item.added', 'function_call_arguments.delta', 'function_call_arguments.done', 'output_item.done', 'completed']);
    const out = checkResponsesStream(text).at(-1)!.data.response.output;
    expect(out[0]).toMatchObject({ type: 'reasoning', summary: [] });
    expect(decodeReasoning(out[0].encrypted_content, 'p')).toEqual({ provider: 'p', thinking_blocks: [signed] });
    expect(out[1]).toMatchObject({ type: 'function_call' });
  });

  it('carries the echo of the request and the provider model on every response', () => {
    const body = { model: 'alias', instructions: 'Be brief.', tools, temperature: 0.3, max_output_tokens: 9, metadata: { k: 'v' } };
    const events = parseSse(run([chunk({ content: 'x' }), chunk({}, 'stop'), DONE], body)).events;
    for (const e of events.filter((x) => x.data.response)) {
      expect(e.data.response).toMatchObject({ id: 'resp_test', model: 'up-model', instructions: 'Be brief.', temperature: 0.3, max_output_tokens: 9, metadata: { k: 'v' }, store: false, previous_response_id: null });
      expect(e.data.response.tools[0]).toEqual({ ...tools[0], strict: null });
    }
  });

  it('keeps ids stable: the item in output_item.added is the one done and in the final output', () => {
    const events = parseSse(run([chunk({ content: 'a' }), chunk(tc(0, { name: 'get_weather', arguments: '{}' }, 'c')), chunk({}, 'tool_calls'), DONE])).events;
    const added = events.filter((e) => e.data.type === 'response.output_item.added').map((e) => e.data.item.id);
    const done = events.filter((e) => e.data.type === 'response.output_item.done').map((e) => e.data.item.id);
    expect(done).toEqual(added);
    expect(events.at(-1)!.data.response.output.map((i: Json) => i.id)).toEqual(added);
  });

  it('turns upstream SSE comments into keep-alive comments, and stops emitting after the end', () => {
    const text = run([': ping', chunk({ content: 'x' }), ': ping', chunk({}, 'stop'), DONE, ': late']);
    expect(parseSse(text).comments).toEqual([': keep-alive', ': keep-alive']);
  });

  it('ignores events after the terminal event and answers failure() with nothing once ended', () => {
    const { origins } = toChatRequest({ model: 'm', input: 'x' });
    const t = createResponsesStreamTranslator({ echo: echoOf({ model: 'm' }), origins, provider: 'p' });
    t.event('', chunk({}, 'stop'));
    t.event('', DONE);
    expect(t.ended).toBe(true);
    expect(t.event('', chunk({ content: 'late' }))).toBe('');
    expect(t.failure('x', 'upstream_timeout')).toBe('');
  });

  it('runs over a byte stream split anywhere (chatToResponsesStream)', async () => {
    const sse = [chunk({ content: 'Hello' }), chunk({}, 'stop'), usage, DONE].map((d) => `data: ${d}\n\n`).join('');
    const bytes = new TextEncoder().encode(sse);
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < bytes.length; i += 7) c.enqueue(bytes.slice(i, i + 7));
        c.close();
      },
    });
    const { origins } = toChatRequest({ model: 'm', input: 'x' });
    const out = await new Response(chatToResponsesStream(body, createResponsesStreamTranslator({ echo: echoOf({ model: 'm' }), origins, provider: 'p' }))).text();
    expect(checkResponsesStream(out).at(-1)!.data.response.output[0].content[0].text).toBe('Hello');
  });
});
