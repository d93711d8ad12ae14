/** Issue 20, item 6: the chat SSE → `chat.completion` assembler (src/dialects/chat/assemble.ts), table-driven. */
import { describe, expect, it } from 'vitest';
import { assembleChatStream, createChatAssembler } from '../src/dialects/chat/assemble.js';
import { completionAsChunks } from '../src/dialects/pivot.js';

type Json = Record<string, any>;

const head = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 7, model: 'm' };
const chunk = (delta: Json, finish: string | null = null, choice: Json = {}) => ({ ...head, choices: [{ index: 0, delta, finish_reason: finish, ...choice }] });
const usage = { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 };
const done = '[DONE]';

/** Feed the events (objects are JSON-encoded), then return the result and whether it was complete. */
function assemble(events: Array<Json | string>) {
  const a = createChatAssembler();
  for (const e of events) a.event(typeof e === 'string' ? e : JSON.stringify(e));
  return { result: a.result(), complete: a.complete, ended: a.ended };
}

const message = (m: Json) => ({ role: 'assistant', content: null, refusal: null, ...m });
const completion = (m: Json, finish = 'stop', extra: Json = {}) => ({ id: 'chatcmpl-1', object: 'chat.completion', created: 7, model: 'm', choices: [{ index: 0, message: message(m), logprobs: null, finish_reason: finish }], ...extra });

describe('createChatAssembler', () => {
  it.each<[string, Array<Json | string>, Json]>([
    ['text in pieces, then usage and [DONE]', [chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hel' }), chunk({ content: 'lo' }), chunk({}, 'stop'), { ...head, choices: [], usage }, done], completion({ content: 'Hello' }, 'stop', { usage })],
    ['reasoning_content and reasoning kept apart, as sent', [chunk({ reasoning_content: 'a' }), chunk({ reasoning: 'b' }), chunk({ reasoning_content: 'c' }), chunk({ content: 'x' }, 'stop')], completion({ content: 'x', reasoning_content: 'ac', reasoning: 'b' })],
    [
      'signed thinking blocks appended in order',
      [chunk({ thinking_blocks: [{ type: 'thinking', thinking: 't', signature: 's' }] }), chunk({ thinking_blocks: [{ type: 'redacted_thinking', data: 'd' }] }), chunk({}, 'stop')],
      completion({ thinking_blocks: [{ type: 'thinking', thinking: 't', signature: 's' }, { type: 'redacted_thinking', data: 'd' }] }),
    ],
    [
      'parallel tool calls by index, arguments interleaved',
      [
        chunk({ tool_calls: [{ index: 0, id: 'c1', type: 'function', function: { name: 'a', arguments: '' } }] }),
        chunk({ tool_calls: [{ index: 1, id: 'c2', type: 'function', function: { name: 'b', arguments: '{"y"' } }] }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: '{"x":1}' } }] }),
        chunk({ tool_calls: [{ index: 1, function: { arguments: ':2}' } }] }),
        chunk({}, 'tool_calls'),
      ],
      completion({ tool_calls: [{ id: 'c1', type: 'function', function: { name: 'a', arguments: '{"x":1}' } }, { id: 'c2', type: 'function', function: { name: 'b', arguments: '{"y":2}' } }] }, 'tool_calls'),
    ],
    [
      'tool calls without index: a new id is a new call, no id the last one',
      [chunk({ tool_calls: [{ id: 'c1', function: { name: 'a', arguments: '{' } }] }), chunk({ tool_calls: [{ function: { arguments: '}' } }] }), chunk({ tool_calls: [{ id: 'c2', function: { name: 'b', arguments: '{}' } }] }), chunk({}, 'tool_calls')],
      completion({ tool_calls: [{ id: 'c1', type: 'function', function: { name: 'a', arguments: '{}' } }, { id: 'c2', type: 'function', function: { name: 'b', arguments: '{}' } }] }, 'tool_calls'),
    ],
    [
      "reasoning_details fragments of one entry merged (OpenRouter); a call's extra_content (Gemini) kept",
      [
        chunk({ reasoning: 'a', reasoning_details: [{ type: 'reasoning.text', text: 'a', format: 'f', index: 0 }] }),
        chunk({ reasoning: 'b', reasoning_details: [{ type: 'reasoning.text', text: 'b', format: 'f', index: 0 }] }),
        chunk({ tool_calls: [{ index: 0, id: 'c1', type: 'function', function: { name: 'a', arguments: '{}' }, extra_content: { google: { thought_signature: 's' } } }] }),
        chunk({ reasoning_details: [{ type: 'reasoning.encrypted', data: 'd', id: 'c1', format: 'f', index: 1 }] }),
        chunk({}, 'tool_calls'),
      ],
      completion(
        {
          reasoning: 'ab',
          reasoning_details: [{ type: 'reasoning.text', text: 'ab', format: 'f', index: 0 }, { type: 'reasoning.encrypted', data: 'd', id: 'c1', format: 'f', index: 1 }],
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'a', arguments: '{}' }, extra_content: { google: { thought_signature: 's' } } }],
        },
        'tool_calls',
      ),
    ],
    ['a refusal', [chunk({ refusal: 'I can' }), chunk({ refusal: 'not.' }, 'stop')], completion({ refusal: 'I cannot.' })],
    ['vLLM stop_reason and Anthropic stop_details kept on the choice', [chunk({ content: 'a' }, 'stop', { stop_reason: '###', stop_details: { type: 'x' } })], { ...completion({ content: 'a' }), choices: [{ ...completion({ content: 'a' }).choices[0], stop_reason: '###', stop_details: { type: 'x' } }] }],
    [
      'logprobs joined',
      [chunk({ content: 'a' }, null, { logprobs: { content: [{ token: 'a', logprob: -1, bytes: [97], top_logprobs: [] }] } }), chunk({ content: 'b' }, 'stop', { logprobs: { content: [{ token: 'b', logprob: -2, bytes: [98], top_logprobs: [] }] } })],
      { ...completion({ content: 'ab' }), choices: [{ ...completion({ content: 'ab' }).choices[0], logprobs: { content: [{ token: 'a', logprob: -1, bytes: [97], top_logprobs: [] }, { token: 'b', logprob: -2, bytes: [98], top_logprobs: [] }], refusal: null } }] },
    ],
    ['an error frame: the answer is that error', [chunk({ content: 'a' }), { error: { message: 'overloaded', code: 529 } }, chunk({ content: 'ignored' })], { error: { message: 'overloaded', code: 529 } }],
    ['events after [DONE] are ignored', [chunk({ content: 'a' }, 'stop'), done, chunk({ content: 'b' })], completion({ content: 'a' })],
    ['keep-alive chunks with no choices change nothing', [{ ...head, choices: [] }, chunk({ content: 'a' }), { ...head, choices: [{ index: 0, delta: {} }] }, chunk({}, 'length')], completion({ content: 'a' }, 'length')],
  ])('%s', (_name, events, expected) => {
    expect(assemble(events).result).toEqual(expected);
  });

  it('two choices (n = 2) stay apart, in index order', () => {
    const { result } = assemble([
      { ...head, choices: [{ index: 1, delta: { content: 'B' } }, { index: 0, delta: { content: 'A' } }] },
      { ...head, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }, { index: 1, delta: {}, finish_reason: 'length' }] },
    ]);
    expect(result.choices.map((c: Json) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, 'A', 'stop'],
      [1, 'B', 'length'],
    ]);
  });

  it.each<[string, Array<Json | string>, boolean, boolean]>([
    ['nothing yet', [], false, false],
    ['text but no finish', [chunk({ content: 'a' })], false, false],
    ['a finish reason without [DONE]', [chunk({ content: 'a' }, 'stop')], true, false],
    ['[DONE]', [chunk({ content: 'a' }), done], true, true],
    ['an error frame', [{ error: 'boom' }], true, true],
  ])('%s: complete %s, ended %s', (_name, events, complete, ended) => {
    expect(assemble(events)).toMatchObject({ complete, ended });
  });

  it('a chunk that is not JSON throws', () => {
    expect(() => assemble(['{"id":'])).toThrow(/unreadable/);
  });

  it('undoes completionAsChunks: a whole answer as chunks and back is the same answer (its reasoning state too)', () => {
    const whole = {
      id: 'chatcmpl-9',
      object: 'chat.completion',
      created: 9,
      model: 'm',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Paris.',
            refusal: null,
            reasoning_content: 'think',
            reasoning_details: [{ type: 'reasoning.text', text: 'think', index: 0 }],
            tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' }, extra_content: { google: { thought_signature: 's' } } }],
          },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
      usage,
    };
    const events = completionAsChunks(whole).split('\n\n').filter(Boolean).map((e) => e.replace(/^data: /, ''));
    expect(assemble(events).result).toEqual(whole);
  });
});

describe('assembleChatStream', () => {
  const body = (text: string, pieceSize = 7) =>
    new ReadableStream<Uint8Array>({
      start(c) {
        const bytes = new TextEncoder().encode(text);
        for (let i = 0; i < bytes.length; i += pieceSize) c.enqueue(bytes.subarray(i, i + pieceSize));
        c.close();
      },
    });
  const sse = (...events: Array<Json | string>) => events.map((e) => `data: ${typeof e === 'string' ? e : JSON.stringify(e)}\n\n`).join('');

  it('reads an SSE body cut anywhere (7-byte pieces, comments, CRLF) to the same answer', async () => {
    const text = `: keep-alive\r\n\r\n${sse(chunk({ content: 'Hé' }), chunk({ content: 'llo' }, 'stop'), done)}`;
    expect(await assembleChatStream(body(text))).toEqual(completion({ content: 'Héllo' }));
  });

  it('a body that ends after the finish reason without [DONE] is whole', async () => {
    expect(await assembleChatStream(body(sse(chunk({ content: 'a' }, 'stop'))))).toEqual(completion({ content: 'a' }));
  });

  it('a body that ends before the answer is whole rejects', async () => {
    await expect(assembleChatStream(body(sse(chunk({ content: 'a' }))))).rejects.toThrow(/ended before/);
  });

  it('a body that fails rejects with its error', async () => {
    const failing = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode(sse(chunk({ content: 'a' }))));
        c.error(new Error('socket gone'));
      },
    });
    await expect(assembleChatStream(failing)).rejects.toThrow('socket gone');
  });
});
