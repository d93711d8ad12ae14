/** PROVIDERS.md §3e: Anthropic SSE → OpenAI chat.completion.chunk SSE (translator and byte stream). */
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { anthropic } from '../../src/providers/anthropic/index.js';
import { anthropicToOpenAIStream, createStreamTranslator } from '../../src/providers/anthropic/stream.js';
import { bodyOf, bytewise, frames } from '../stream-feed.js';

const sse = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const CREATED = 1_700_000_000;
const enc = new TextEncoder();

async function translate(pieces: (string | Uint8Array)[], includeUsage = false): Promise<string> {
  return new Response(anthropicToOpenAIStream(bodyOf(pieces), { includeUsage, created: CREATED })).text();
}

const ID = 'msg_01Wv3Ly8ZbN5cQe7HkR2tPqM';
const chunk = (delta: object, finish: string | null = null, extra: object = {}) => ({
  id: ID,
  object: 'chat.completion.chunk',
  created: CREATED,
  model: 'claude-sonnet-4-6',
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  ...extra,
});

describe('anthropicToOpenAIStream: fixtures', () => {
  it('anthropic-messages.sse without include_usage', async () => {
    expect(frames(await translate([sse('anthropic-messages.sse')]))).toEqual([
      chunk({ role: 'assistant', content: '' }),
      ': ping',
      chunk({ content: 'The capital' }),
      chunk({ content: ' of France is' }),
      chunk({ content: ' Paris.' }),
      chunk({}, 'stop'),
      '[DONE]',
    ]);
  });

  it('anthropic-messages.sse with include_usage: usage null on every chunk, then a usage-only chunk', async () => {
    const u = { usage: null };
    expect(frames(await translate([sse('anthropic-messages.sse')], true))).toEqual([
      chunk({ role: 'assistant', content: '' }, null, u),
      ': ping',
      chunk({ content: 'The capital' }, null, u),
      chunk({ content: ' of France is' }, null, u),
      chunk({ content: ' Paris.' }, null, u),
      chunk({}, 'stop', u),
      {
        id: ID,
        object: 'chat.completion.chunk',
        created: CREATED,
        model: 'claude-sonnet-4-6',
        choices: [],
        usage: { prompt_tokens: 21, completion_tokens: 10, total_tokens: 31, prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 }, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      },
      '[DONE]',
    ]);
  });

  it('anthropic-tool-use.sse: tool call arguments reassemble to the JSON input', async () => {
    const out = frames(await translate([sse('anthropic-tool-use.sse')])) as any[];
    expect(out.at(-1)).toBe('[DONE]');
    const chunks = out.filter((f) => typeof f === 'object');
    const deltas = chunks.map((c) => c.choices[0].delta);
    expect(deltas.map((d) => d.content ?? '').join('')).toBe("I'll check the current weather in Paris for you.");
    const calls = deltas.flatMap((d) => d.tool_calls ?? []);
    expect(calls[0]).toEqual({ index: 0, id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(calls.every((c) => c.index === 0)).toBe(true);
    expect(calls.some((c) => c.function.arguments === '' && c.id === undefined)).toBe(false); // empty partial_json skipped
    const args = calls.map((c) => c.function.arguments).join('');
    expect(JSON.parse(args)).toEqual({ location: 'Paris, France', unit: 'celsius' });
    expect(chunks.at(-1).choices[0].finish_reason).toBe('tool_calls');
  });

  it('anthropic-stream-error.sse: ends with exactly one error frame and no [DONE]', async () => {
    const text = await translate([sse('anthropic-stream-error.sse')]);
    const out = frames(text);
    expect(out).toEqual([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'The capital' }),
      { error: { message: 'Overloaded', type: 'overloaded_error', param: null, code: null } },
    ]);
    expect(text).not.toContain('[DONE]');
  });

  it.each(['anthropic-messages.sse', 'anthropic-tool-use.sse', 'anthropic-stream-error.sse'])(
    '%s byte by byte gives the same output as in one piece',
    async (name) => {
      for (const includeUsage of [false, true]) {
        const whole = await translate([sse(name)], includeUsage);
        expect(await translate(bytewise(sse(name)), includeUsage)).toBe(whole);
      }
    },
  );

  it('multi-byte characters split across reads survive', async () => {
    const text = sse('anthropic-messages.sse').replace('" Paris."', '" 18°C ☀️ Paris."');
    const out = await translate(bytewise(text));
    expect(out).toContain('18°C ☀️ Paris.');
    expect(out).toBe(await translate([text]));
  });

  it('CRLF line endings are accepted', async () => {
    const crlf = sse('anthropic-messages.sse').replace(/\n/g, '\r\n');
    expect(await translate([crlf])).toBe(await translate([sse('anthropic-messages.sse')]));
  });
});

describe('anthropicToOpenAIStream: ends and failures', () => {
  const cut = sse('anthropic-messages.sse').split('event: message_stop')[0];

  it('a stream cut before message_stop errors (after emitting what it had)', async () => {
    const reader = anthropicToOpenAIStream(bodyOf([cut]), { includeUsage: false, created: CREATED }).getReader();
    const seen: string[] = [];
    const dec = new TextDecoder();
    await expect(
      (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          seen.push(dec.decode(value));
        }
      })(),
    ).rejects.toThrow(/message_stop/);
    expect(seen.join('')).toContain('"finish_reason":"stop"');
    expect(seen.join('')).not.toContain('[DONE]');
  });

  it('a stream cut in the middle of an event errors', async () => {
    await expect(translate([cut.slice(0, cut.length - 40)])).rejects.toThrow();
  });

  it('an empty upstream body errors', async () => {
    await expect(translate([])).rejects.toThrow(/message_stop/);
  });

  it('an upstream body that errors makes the output error', async () => {
    let n = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (n++ === 0) c.enqueue(enc.encode(cut.slice(0, 400)));
        else c.error(new Error('socket hang up'));
      },
    });
    await expect(new Response(anthropicToOpenAIStream(body, { includeUsage: false })).text()).rejects.toThrow('socket hang up');
  });

  it('message_stop without a final blank line still completes', async () => {
    const text = sse('anthropic-messages.sse').trimEnd();
    expect(await translate([text])).toBe(await translate([sse('anthropic-messages.sse')]));
  });

  it.each([
    ['message_stop', 'anthropic-messages.sse', '[DONE]'],
    ['error', 'anthropic-stream-error.sse', 'overloaded_error'],
  ])('events after %s are ignored and the upstream is cancelled', async (_, name, last) => {
    let cancelled = false;
    const pieces = [sse(name), 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"LATE"}}\n\n'];
    let i = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (i < pieces.length) c.enqueue(enc.encode(pieces[i++]));
        // never closes: the translator must end the output by itself
      },
      cancel() {
        cancelled = true;
      },
    });
    const out = await new Response(anthropicToOpenAIStream(body, { includeUsage: false })).text();
    expect(out).not.toContain('LATE');
    expect(out.trimEnd().endsWith(last === '[DONE]' ? 'data: [DONE]' : '}}')).toBe(true);
    expect(out).toContain(last);
    expect(cancelled).toBe(true);
  });

  it('cancelling the output cancels the upstream body', async () => {
    let reason: unknown;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(enc.encode(sse('anthropic-messages.sse').split('event: content_block_start')[0]));
      },
      cancel(r) {
        reason = r;
      },
    });
    const reader = anthropicToOpenAIStream(body, { includeUsage: false }).getReader();
    await reader.read();
    await reader.cancel('client went away');
    expect(reason).toBe('client went away');
  });
});

describe('anthropicToOpenAIStream: incrementality', () => {
  it('emits a text chunk before the next upstream event is written', async () => {
    let upstream!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (upstream = c) });
    const reader = anthropicToOpenAIStream(body, { includeUsage: false }).getReader();
    const dec = new TextDecoder();
    const next = () =>
      Promise.race([
        reader.read().then((r) => dec.decode(r.value)),
        new Promise<string>((_, reject) => setTimeout(() => reject(new Error('no chunk within 1s: output is buffered')), 1000)),
      ]);
    const events = sse('anthropic-messages.sse').split(/\n\n+/).filter(Boolean).map((e) => `${e}\n\n`);
    const write = (i: number) => upstream.enqueue(enc.encode(events[i]));

    write(0); // message_start
    expect(await next()).toContain('"role":"assistant"');
    write(1); // content_block_start (no output)
    write(2); // ping
    expect(await next()).toBe(': ping\n\n');
    write(3); // first text_delta
    expect(await next()).toContain('"content":"The capital"');
    // Only now does the rest arrive.
    for (let i = 4; i < events.length; i++) write(i);
    upstream.close();
    let rest = '';
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      rest += dec.decode(r.value);
    }
    expect(rest).toContain(' Paris.');
    expect(rest.endsWith('data: [DONE]\n\n')).toBe(true);
  });
});

describe('createStreamTranslator.event', () => {
  const start = JSON.stringify({
    type: 'message_start',
    message: { id: 'msg_1', model: 'claude-x', usage: { input_tokens: 10, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, output_tokens: 1 } },
  });
  const ev = (o: object) => JSON.stringify(o);
  const delta = (index: number, d: object) => ev({ type: 'content_block_delta', index, delta: d });
  const data = (out: string) => JSON.parse(out.replace(/^data: /, ''));

  it.each<{ row: string; name: string; json: string }>([
    { row: 'text content_block_start', name: 'content_block_start', json: ev({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }) },
    { row: 'thinking content_block_start', name: 'content_block_start', json: ev({ type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } }) },
    { row: 'thinking_delta', name: 'content_block_delta', json: delta(0, { type: 'thinking_delta', thinking: 'hmm' }) },
    { row: 'signature_delta', name: 'content_block_delta', json: delta(0, { type: 'signature_delta', signature: 'abc' }) },
    { row: 'citations_delta', name: 'content_block_delta', json: delta(0, { type: 'citations_delta', citation: {} }) },
    { row: 'content_block_stop', name: 'content_block_stop', json: ev({ type: 'content_block_stop', index: 0 }) },
    { row: 'unknown event', name: 'future_event', json: ev({ type: 'future_event' }) },
  ])('$row → nothing', ({ name, json }) => {
    const t = createStreamTranslator({ includeUsage: false, created: 1 });
    t.event('message_start', start);
    expect(t.event(name, json)).toBe('');
  });

  it('ping → SSE comment', () => {
    expect(createStreamTranslator({ includeUsage: false }).event('ping', '{"type": "ping"}')).toBe(': ping\n\n');
  });

  it('tool_calls index counts tool_use blocks, not content blocks', () => {
    const t = createStreamTranslator({ includeUsage: false, created: 1 });
    t.event('message_start', start);
    t.event('content_block_start', ev({ type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } }));
    t.event('content_block_start', ev({ type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } }));
    const first = data(t.event('content_block_start', ev({ type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'a', name: 'f', input: {} } })));
    const second = data(t.event('content_block_start', ev({ type: 'content_block_start', index: 3, content_block: { type: 'tool_use', id: 'b', name: 'g', input: {} } })));
    expect(first.choices[0].delta.tool_calls[0]).toMatchObject({ index: 0, id: 'a' });
    expect(second.choices[0].delta.tool_calls[0]).toMatchObject({ index: 1, id: 'b' });
    const arg = data(t.event('content_block_delta', delta(3, { type: 'input_json_delta', partial_json: '{}' })));
    expect(arg.choices[0].delta).toEqual({ tool_calls: [{ index: 1, function: { arguments: '{}' } }] });
    expect(t.event('content_block_delta', delta(2, { type: 'input_json_delta', partial_json: '' }))).toBe('');
  });

  it('usage: output_tokens is cumulative and message_delta may repeat input/cache counts', () => {
    const t = createStreamTranslator({ includeUsage: true, created: 1 });
    t.event('message_start', start);
    t.event('message_delta', ev({ type: 'message_delta', delta: { stop_reason: 'max_tokens' }, usage: { output_tokens: 20 } }));
    const fin = t.event(
      'message_delta',
      ev({ type: 'message_delta', delta: { stop_reason: 'max_tokens' }, usage: { input_tokens: 10, cache_read_input_tokens: 100, output_tokens: 50 } }),
    );
    expect(data(fin).choices[0].finish_reason).toBe('length');
    const end = t.event('message_stop', ev({ type: 'message_stop' }));
    const [usageFrame, done] = end.split('\n\n').filter(Boolean);
    expect(done).toBe('data: [DONE]');
    expect(data(usageFrame)).toEqual({
      id: 'msg_1',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'claude-x',
      choices: [],
      usage: { prompt_tokens: 110, completion_tokens: 50, total_tokens: 160, prompt_tokens_details: { cached_tokens: 100, cache_write_tokens: 0 }, cache_creation_input_tokens: 0, cache_read_input_tokens: 100 },
    });
    expect(t.ended).toBe(true);
  });

  it('an error event with an unreadable body still yields one error frame', () => {
    const t = createStreamTranslator({ includeUsage: false });
    expect(data(t.event('error', 'not json'))).toEqual({ error: { message: 'The provider reported an error.', type: 'api_error', param: null, code: null } });
    expect(t.ended).toBe(true);
    expect(t.event('message_start', start)).toBe('');
  });

  it('an unreadable data event throws (the stream then errors)', () => {
    expect(() => createStreamTranslator({ includeUsage: false }).event('content_block_delta', '{"type":')).toThrow();
  });
});

describe('anthropic.chatResponse (stream)', () => {
  it('returns an SSE body translated from the upstream', async () => {
    const upstream = new Response(sse('anthropic-messages.sse'), { headers: { 'content-type': 'text/event-stream' } });
    const out = await anthropic.chatResponse!(upstream, { stream: true, includeUsage: true, maxStreamState: 1 << 20 });
    expect(out.contentType).toBe('text/event-stream; charset=utf-8');
    const text = await new Response(out.body).text();
    expect(text).toContain('"usage":{"prompt_tokens":21,"completion_tokens":10,"total_tokens":31');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });
});
