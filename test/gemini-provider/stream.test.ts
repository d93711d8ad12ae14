/** Gemini streamGenerateContent?alt=sse → OpenAI chat.completion.chunk SSE (src/providers/gemini/stream.ts). */
import { describe, expect, it } from 'vitest';
import { geminiToChatStream } from '../../src/providers/gemini/stream.js';
import { bodyOf, bytewise, frames } from '../stream-feed.js';

type Json = Record<string, any>;

const CREATED = 1_700_000_000;
/** Google's SSE: `data: <json>` events ending in CRLF CRLF, no `event:` lines, no [DONE]. */
const events = (...evs: Json[]) => evs.map((e) => `data: ${JSON.stringify(e)}\r\n\r\n`).join('');

let made = 0;
const translate = (pieces: (string | Uint8Array)[], includeUsage = false) =>
  new Response(geminiToChatStream(bodyOf(pieces), { includeUsage, model: 'gemini-3-flash', created: CREATED, newId: () => `call_made${++made}` })).text();

const usage = (candidates: number, thoughts = 0) => ({ promptTokenCount: 12, candidatesTokenCount: candidates, totalTokenCount: 12 + candidates + thoughts, ...(thoughts ? { thoughtsTokenCount: thoughts } : {}) });
const ev = (parts: Json[], extra: Json = {}) => ({ candidates: [{ content: { role: 'model', parts }, index: 0, ...extra }], modelVersion: 'gemini-3-flash-preview', responseId: 'resp-9' });
const chunk = (delta: Json, finish: string | null = null, withUsage = false) => ({
  id: 'resp-9',
  object: 'chat.completion.chunk',
  created: CREATED,
  model: 'gemini-3-flash-preview',
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  ...(withUsage ? { usage: null } : {}),
});

const TEXT_STREAM = events(
  { ...ev([{ text: 'Thinking…', thought: true }]), usageMetadata: usage(0, 4) },
  { ...ev([{ text: 'Hello ' }]), usageMetadata: usage(2, 4) },
  { ...ev([{ text: 'there.', thoughtSignature: 'SIG' }], { finishReason: 'STOP' }), usageMetadata: usage(4, 4) },
);

describe('geminiToChatStream', () => {
  it('text with thoughts and a signature: role first, deltas as they come, finish and [DONE] at the end of the body', async () => {
    expect(frames(await translate([TEXT_STREAM]))).toEqual([
      chunk({ role: 'assistant', content: '' }),
      chunk({ reasoning_content: 'Thinking…' }),
      chunk({ content: 'Hello ' }),
      chunk({ content: 'there.' }),
      chunk({ reasoning_details: [{ type: 'reasoning.encrypted', data: 'SIG', format: 'google-gemini-v1', index: 0 }] }),
      chunk({}, 'stop'),
      '[DONE]',
    ]);
  });

  it('the same, fed one byte at a time', async () => {
    expect(await translate(bytewise(TEXT_STREAM))).toBe(await translate([TEXT_STREAM]));
  });

  it('include_usage: `usage: null` on every chunk, the last (cumulative) usageMetadata once at the end', async () => {
    const out = frames(await translate([TEXT_STREAM], true));
    expect(out.at(-2)).toEqual({
      id: 'resp-9',
      object: 'chat.completion.chunk',
      created: CREATED,
      model: 'gemini-3-flash-preview',
      choices: [],
      usage: { prompt_tokens: 12, completion_tokens: 8, total_tokens: 20, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 4 } },
    });
    expect(out.filter((f) => typeof f === 'object' && (f as Json).usage !== null)).toHaveLength(1);
    expect(out.at(-3)).toEqual(chunk({}, 'stop', true));
  });

  it('function calls (whole, without ids): one tool_calls delta each, distinct made-up ids, the signature as extra_content; STOP → tool_calls', async () => {
    const out = frames(
      await translate([
        events({
          ...ev(
            [
              { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'FIRST' },
              { functionCall: { name: 'get_weather', args: { city: 'Tokyo' } } },
            ],
            { finishReason: 'STOP' },
          ),
          usageMetadata: usage(9),
        }),
      ]),
    ) as Json[];
    const calls = out.slice(1, 3).map((c) => c.choices[0].delta.tool_calls[0]);
    expect(calls).toEqual([
      { index: 0, id: expect.stringMatching(/^call_made\d+$/), type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' }, extra_content: { google: { thought_signature: 'FIRST' } } },
      { index: 1, id: expect.stringMatching(/^call_made\d+$/), type: 'function', function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' } },
    ]);
    expect(calls[0].id).not.toBe(calls[1].id);
    expect(out.at(-2)).toEqual(chunk({}, 'tool_calls'));
  });

  it.each<[string, Json, Json[]]>([
    ['MAX_TOKENS → length', ev([{ text: 'Once' }], { finishReason: 'MAX_TOKENS' }), [chunk({ content: 'Once' }), chunk({}, 'length')]],
    ['SAFETY without text → a refusal, content_filter', ev([], { finishReason: 'SAFETY' }), [chunk({ refusal: 'Gemini stopped the answer (finishReason SAFETY).' }), chunk({}, 'content_filter')]],
    ['RECITATION after text → content_filter, no refusal', ev([{ text: 'Once' }], { finishReason: 'RECITATION' }), [chunk({ content: 'Once' }), chunk({}, 'content_filter')]],
    [
      'a blocked prompt → a refusal naming the reason, content_filter',
      { promptFeedback: { blockReason: 'SAFETY' }, modelVersion: 'gemini-3-flash-preview', responseId: 'resp-9' },
      [chunk({ refusal: 'Gemini blocked the prompt (blockReason SAFETY).' }), chunk({}, 'content_filter')],
    ],
  ])('%s', async (_row, event, want) => {
    expect(frames(await translate([events(event)]))).toEqual([chunk({ role: 'assistant', content: '' }), ...want, '[DONE]']);
  });

  it('MALFORMED_FUNCTION_CALL → an error frame the client raises, and the stream ends', async () => {
    const out = frames(await translate([events(ev([{ text: 'Calling…' }]), ev([], { finishReason: 'MALFORMED_FUNCTION_CALL' }), ev([{ text: 'ignored' }]))]));
    expect(out).toEqual([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Calling…' }),
      { error: { message: expect.stringContaining('MALFORMED_FUNCTION_CALL'), type: 'upstream_error', param: null, code: 'malformed_function_call' } },
    ]);
  });

  it("a mid-stream Google error event → one error frame with Google's status as the code", async () => {
    const out = frames(await translate([events(ev([{ text: 'Hi' }]), { error: { code: 500, message: 'An internal error has occurred.', status: 'INTERNAL' } })]));
    expect(out.at(-1)).toEqual({ error: { message: 'An internal error has occurred.', type: 'upstream_error', param: null, code: 'INTERNAL' } });
    expect(out).not.toContain('[DONE]');
  });

  it('a body that ends without finishReason was cut: the stream fails (the guard sends the failure frame)', async () => {
    await expect(translate([events(ev([{ text: 'Hel' }]))])).rejects.toThrow(/ended before its finishReason/);
    await expect(translate([])).rejects.toThrow(/ended before/);
  });

  it('an unreadable event fails the stream', async () => {
    await expect(translate(['data: {not json\r\n\r\n'])).rejects.toThrow(/unreadable/);
  });

  it('a long stream: every text event passes on, and the usage is the last event’s (cumulative, never summed)', async () => {
    const many = Array.from({ length: 20_000 }, (_, i) => `data: ${JSON.stringify({ ...ev([{ text: 'x' }]), usageMetadata: usage(i) })}\r\n\r\n`);
    many.push(events({ ...ev([], { finishReason: 'STOP' }), usageMetadata: usage(20_000) }));
    const out = frames(await translate(many, true)) as Json[];
    expect(out.filter((f) => f?.choices?.[0]?.delta?.content === 'x')).toHaveLength(20_000);
    expect(out.at(-2)!.usage.completion_tokens).toBe(20_000);
  });
});
