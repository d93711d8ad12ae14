/**
 * Answers back (ANTHROPIC-FIDELITY.md §3, §5): thinking as reasoning_content + thinking_blocks, the JSON tool as
 * content, refusal, stop_details, usage; whole and streamed, each output validated against OpenAI's published
 * chat schemas (test/schemas/openai-openapi.json).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toOpenAIResponse, type AnthropicMessage } from '../../src/providers/anthropic/response.js';
import { createStreamTranslator } from '../../src/providers/anthropic/stream.js';
import { JSON_TOOL_NAME } from '../../src/providers/anthropic/structured-output.js';
import { closure, schemaErrors } from '../schemas/openapi.js';

const base = { id: 'msg_1', model: 'claude-sonnet-4-6', usage: { input_tokens: 5, output_tokens: 9, cache_read_input_tokens: 100, cache_creation_input_tokens: 20, output_tokens_details: { thinking_tokens: 4 } } };
const SIGNED = { type: 'thinking', thinking: 'I should call f.', signature: 'sig1' };
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as AnthropicMessage;

describe('the schemas allow extension fields', () => {
  it('no schema in the closure sets additionalProperties:false', () => {
    expect(JSON.stringify(closure('CreateChatCompletionResponse', 'CreateChatCompletionStreamResponse'))).not.toMatch(/"additionalProperties":\s*false/);
  });
  it('the validator rejects what OpenAI does not allow', () => {
    expect(schemaErrors('CreateChatCompletionResponse', { id: 'x', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 1 }, finish_reason: 'done' }] })).not.toEqual([]);
  });
});

describe('toOpenAIResponse: fidelity', () => {
  it.each<{ row: string; msg: AnthropicMessage; message: Record<string, unknown>; finish: string; stopDetails?: unknown }>([
    {
      row: 'thinking → reasoning_content + thinking_blocks; tool call kept',
      msg: { ...base, stop_reason: 'tool_use', content: [SIGNED, { type: 'redacted_thinking', data: 'opaque' }, { type: 'tool_use', id: 't1', name: 'f', input: { a: 1 } }] },
      message: {
        role: 'assistant',
        content: null,
        refusal: null,
        reasoning_content: 'I should call f.',
        thinking_blocks: [SIGNED, { type: 'redacted_thinking', data: 'opaque' }],
        tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
      },
      finish: 'tool_calls',
    },
    {
      row: 'signature-only thinking: a block, no reasoning text',
      msg: { ...base, stop_reason: 'end_turn', content: [{ type: 'thinking', thinking: '', signature: 'sig2' }, { type: 'text', text: 'hi' }] },
      message: { role: 'assistant', content: 'hi', refusal: null, thinking_blocks: [{ type: 'thinking', thinking: '', signature: 'sig2' }] },
      finish: 'stop',
    },
    {
      row: 'the JSON tool → content, finish stop, no tool envelope, no preamble',
      msg: { ...base, stop_reason: 'tool_use', content: [{ type: 'text', text: 'Here:' }, { type: 'tool_use', id: 't9', name: JSON_TOOL_NAME, input: { name: 'Ada' } }] },
      message: { role: 'assistant', content: '{"name":"Ada"}', refusal: null },
      finish: 'stop',
    },
    {
      row: 'refusal → content_filter, refusal from stop_details, stop_details kept',
      msg: { ...base, stop_reason: 'refusal', stop_details: { type: 'refusal', category: 'cyber', explanation: 'Declined.' }, content: [{ type: 'text', text: 'I cannot.' }] },
      message: { role: 'assistant', content: 'I cannot.', refusal: 'Declined.' },
      finish: 'content_filter',
      stopDetails: { type: 'refusal', category: 'cyber', explanation: 'Declined.' },
    },
    {
      row: 'refusal without details → the text',
      msg: { ...base, stop_reason: 'refusal', content: [{ type: 'text', text: 'I cannot.' }] },
      message: { role: 'assistant', content: 'I cannot.', refusal: 'I cannot.' },
      finish: 'content_filter',
    },
  ])('$row', ({ msg, message, finish, stopDetails }) => {
    const out = toOpenAIResponse(msg, 1);
    expect(out.choices[0].message).toEqual(message);
    expect(out.choices[0].finish_reason).toBe(finish);
    expect(out.choices[0].stop_details).toEqual(stopDetails);
    expect(out.usage).toEqual({
      prompt_tokens: 125,
      completion_tokens: 9,
      total_tokens: 134,
      prompt_tokens_details: { cached_tokens: 100, cache_write_tokens: 20 },
      completion_tokens_details: { reasoning_tokens: 4 },
      cache_creation_input_tokens: 20,
      cache_read_input_tokens: 100,
    });
    expect(schemaErrors('CreateChatCompletionResponse', out)).toEqual([]);
  });

  it.each(['anthropic-messages.json', 'anthropic-tool-use.json'])('%s validates', (name) => {
    expect(schemaErrors('CreateChatCompletionResponse', toOpenAIResponse(fixture(name), 1))).toEqual([]);
  });
});

type Ev = [string, Record<string, unknown>];
const run = (events: Ev[], includeUsage = true) => {
  const turns: unknown[] = [];
  const t = createStreamTranslator({ includeUsage, created: 1, onTurn: (blocks, ids) => turns.push({ blocks, ids }) });
  const text = events.map(([name, data]) => t.event(name, JSON.stringify({ type: name, ...data }))).join('');
  const chunks = text
    .split('\n\n')
    .filter((f) => f.startsWith('data: {'))
    .map((f) => JSON.parse(f.slice(6)));
  return { text, chunks, turns };
};
const start: Ev = ['message_start', { message: { id: 'msg_1', model: 'claude-sonnet-4-6', usage: { input_tokens: 5, cache_read_input_tokens: 100, cache_creation_input_tokens: 20, output_tokens: 1 } } }];
const stop: Ev = ['message_stop', {}];
const deltas = (chunks: { choices: { delta: Record<string, unknown> }[] }[], key: string) => chunks.flatMap((c) => (c.choices[0]?.delta[key] !== undefined ? [c.choices[0].delta[key]] : []));

describe('stream: fidelity', () => {
  it('thinking → delta.reasoning_content, the signed block whole at its end; never in content', () => {
    const { chunks, turns, text } = run([
      start,
      ['content_block_start', { index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } }],
      ['content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: 'I should ' } }],
      ['content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: 'call f.' } }],
      ['content_block_delta', { index: 0, delta: { type: 'signature_delta', signature: 'sig1' } }],
      ['content_block_stop', { index: 0 }],
      ['content_block_start', { index: 1, content_block: { type: 'redacted_thinking', data: 'opaque' } }],
      ['content_block_stop', { index: 1 }],
      ['content_block_start', { index: 2, content_block: { type: 'tool_use', id: 't1', name: 'f', input: {} } }],
      ['content_block_delta', { index: 2, delta: { type: 'input_json_delta', partial_json: '{"a":1}' } }],
      ['content_block_stop', { index: 2 }],
      ['message_delta', { delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 30, output_tokens_details: { thinking_tokens: 12 } } }],
      stop,
    ]);
    expect(deltas(chunks, 'reasoning_content')).toEqual(['I should ', 'call f.']);
    expect(deltas(chunks, 'thinking_blocks')).toEqual([[SIGNED], [{ type: 'redacted_thinking', data: 'opaque' }]]);
    expect(deltas(chunks, 'content')).toEqual(['']);
    expect(text).not.toContain('"content":"I should');
    expect(turns).toEqual([{ blocks: [SIGNED, { type: 'redacted_thinking', data: 'opaque' }], ids: ['t1'] }]);
    expect(chunks.at(-1).usage).toMatchObject({ prompt_tokens: 125, prompt_tokens_details: { cached_tokens: 100, cache_write_tokens: 20 }, completion_tokens_details: { reasoning_tokens: 12 } });
    for (const c of chunks) expect(schemaErrors('CreateChatCompletionStreamResponse', c)).toEqual([]);
  });

  it('the JSON tool streams as content and finishes with stop; no turn for the cache', () => {
    const { chunks, turns } = run([
      start,
      ['content_block_start', { index: 0, content_block: { type: 'tool_use', id: 't9', name: JSON_TOOL_NAME, input: {} } }],
      ['content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: '{"name":' } }],
      ['content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: '"Ada"}' } }],
      ['content_block_stop', { index: 0 }],
      ['message_delta', { delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 9 } }],
      stop,
    ]);
    expect(deltas(chunks, 'content').join('')).toBe('{"name":"Ada"}');
    expect(deltas(chunks, 'tool_calls')).toEqual([]);
    expect(chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean)).toEqual(['stop']);
    expect(turns).toEqual([]);
    for (const c of chunks) expect(schemaErrors('CreateChatCompletionStreamResponse', c)).toEqual([]);
  });

  it('refusal: a refusal delta, then content_filter with stop_details on the choice', () => {
    const details = { type: 'refusal', category: 'bio', explanation: 'Declined.' };
    const { chunks } = run([
      start,
      ['content_block_start', { index: 0, content_block: { type: 'text', text: '' } }],
      ['content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'I can' } }],
      ['content_block_stop', { index: 0 }],
      ['message_delta', { delta: { stop_reason: 'refusal', stop_details: details }, usage: { output_tokens: 3 } }],
      stop,
    ]);
    expect(deltas(chunks, 'refusal')).toEqual(['Declined.']);
    const finish = chunks.find((c) => c.choices[0]?.finish_reason);
    expect(finish.choices[0]).toMatchObject({ finish_reason: 'content_filter', stop_details: details });
    for (const c of chunks) expect(schemaErrors('CreateChatCompletionStreamResponse', c)).toEqual([]);
  });

  it.each(['anthropic-messages.sse', 'anthropic-tool-use.sse'])('%s: every chunk validates', (name) => {
    const raw = readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
    const events: Ev[] = raw
      .split('\n\n')
      .filter((e) => e.includes('data:'))
      .map((e) => {
        const data = JSON.parse(e.split('\n').find((l) => l.startsWith('data:'))!.slice(5));
        return [data.type, data];
      });
    const { chunks } = run(events);
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks) expect(schemaErrors('CreateChatCompletionStreamResponse', c)).toEqual([]);
  });
});
