/**
 * Responses SSE → chat SSE (src/providers/openai-responses/stream.ts): the recorded fixtures and the reasoning one
 * (made in their shape, every event checked against OpenAI's schema here), split at every byte; failures.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createStreamTranslator, responsesToChatStream } from '../../src/providers/openai-responses/stream.js';
import { parseSse } from '../helpers.js';
import { bodyOf, bytewise, frames } from '../stream-feed.js';
import { assertValidEvent, schemaErrors } from '../schemas/openapi.js';

type Json = Record<string, any>;
const sse = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const translate = (pieces: (string | Uint8Array)[], includeUsage = false) => new Response(responsesToChatStream(bodyOf(pieces), { includeUsage })).text();

/** What a chat client assembles from the chunks (as the Vercel AI SDK or LangChain do: appending, entries whole). */
function assemble(fs: Array<Json | '[DONE]'>) {
  const out = { role: '', content: '', reasoning: '', refusal: '', details: [] as Json[], calls: [] as Json[], finish: null as string | null, usage: undefined as Json | undefined, ids: new Set<string>() };
  for (const f of fs) {
    if (f === '[DONE]') continue;
    out.ids.add(f.id);
    if (f.usage) out.usage = f.usage;
    for (const c of f.choices) {
      const d = c.delta;
      if (d.role) out.role = d.role;
      out.content += d.content ?? '';
      out.reasoning += d.reasoning_content ?? '';
      out.refusal += d.refusal ?? '';
      out.details.push(...(d.reasoning_details ?? []));
      for (const tc of d.tool_calls ?? []) {
        const slot = (out.calls[tc.index] ??= { id: '', name: '', arguments: '' });
        if (tc.id) slot.id = tc.id;
        if (tc.function?.name) slot.name = tc.function.name;
        slot.arguments += tc.function?.arguments ?? '';
      }
      if (c.finish_reason) out.finish = c.finish_reason;
    }
  }
  return out;
}

const reasoningWhole = JSON.parse(sse('openai-responses-reasoning-tool.json'));
const rs = reasoningWhole.output[0];

const FIXTURES: Array<[file: string, expected: Json]> = [
  ['openai-responses.sse', { content: 'The capital of France is Paris.', reasoning: '', details: [], calls: [], finish: 'stop' }],
  ['openai-responses-tool.sse', { content: '', calls: [{ id: 'call_Xk2pQ7vR9sT4mN8bL1cW3yZ5', name: 'get_weather', arguments: '{"city":"Paris"}' }], finish: 'tool_calls' }],
  [
    'openai-responses-reasoning-tool.sse',
    {
      content: '',
      reasoning: `${rs.summary[0].text}\n\n${rs.summary[1].text}`,
      details: [{ type: 'reasoning.encrypted', id: rs.id, data: rs.encrypted_content, format: 'openai-responses-v1', index: 0 }],
      calls: [{ id: 'call_R7pQ2vX9sK4mT8bN1cW3yZ6d', name: 'get_weather', arguments: '{"city":"Paris"}' }],
      finish: 'tool_calls',
    },
  ],
];

describe('responsesToChatStream: fixtures', () => {
  it('the reasoning fixture: every event valid per OpenAI’s schema', () => {
    for (const e of parseSse(sse('openai-responses-reasoning-tool.sse')).events) assertValidEvent(e.data);
  });

  it.each(FIXTURES)('%s, whole and split at every byte, with and without usage', async (file, expected) => {
    const text = sse(file);
    const whole = await translate([text], true);
    expect(await translate(bytewise(text), true)).toBe(whole);
    const fs = frames(whole);
    expect(fs.at(-1)).toBe('[DONE]');
    const got = assemble(fs);
    expect(got).toMatchObject({ role: 'assistant', ...expected });
    expect(got.ids.size).toBe(1);
    const usage = (fs.at(-2) as Json).usage;
    expect((fs.at(-2) as Json).choices).toEqual([]);
    expect(usage.prompt_tokens).toBeGreaterThan(0);
    for (const f of fs) if (f !== '[DONE]') expect(schemaErrors('CreateChatCompletionStreamResponse', f)).toEqual([]);
    // Without include_usage: no usage chunk, no usage field.
    const plain = frames(await translate([text]));
    expect(plain.every((f) => f === '[DONE]' || !('usage' in f))).toBe(true);
    expect(assemble(plain)).toMatchObject(expected);
  });

  it('the reasoning entry comes whole, once, after its text and before the call; the call starts with id and name', async () => {
    const fs = frames(await translate([sse('openai-responses-reasoning-tool.sse')])) as Json[];
    const kinds = fs.slice(0, -1).map((f) => Object.keys(f.choices[0].delta).join(',') || `finish:${f.choices[0].finish_reason}`);
    const firstDetail = kinds.indexOf('reasoning_details');
    expect(kinds.filter((k) => k === 'reasoning_details')).toHaveLength(1);
    expect(kinds.lastIndexOf('reasoning_content')).toBeLessThan(firstDetail);
    expect(kinds.indexOf('tool_calls')).toBeGreaterThan(firstDetail);
    const head = fs.find((f) => f.choices[0].delta.tool_calls)!.choices[0].delta.tool_calls[0];
    expect(head).toEqual({ index: 0, id: 'call_R7pQ2vX9sK4mT8bN1cW3yZ6d', type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(kinds[0]).toBe('role,content');
    expect(kinds.at(-1)).toBe('finish:tool_calls');
  });
});

const ev = (type: string, body: Json = {}) => `event: ${type}\ndata: ${JSON.stringify({ type, ...body })}\n\n`;
const created = ev('response.created', { response: { id: 'resp_1', model: 'gpt-5.4', created_at: 1767000000, status: 'in_progress', output: [] } });
const completed = (extra: Json = {}) => ev('response.completed', { response: { id: 'resp_1', model: 'gpt-5.4', status: 'completed', output: [], usage: { input_tokens: 3, output_tokens: 2, total_tokens: 5 }, ...extra } });

describe('responsesToChatStream: edge cases', () => {
  it('items whose content comes only with output_item.done (no deltas) are still emitted, once', async () => {
    const body = [
      created,
      ev('response.output_item.added', { output_index: 0, item: { id: 'rs_1', type: 'reasoning', summary: [] } }),
      ev('response.output_item.done', { output_index: 0, item: { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'Thinking.' }], encrypted_content: 'blob' } }),
      ev('response.output_item.done', { output_index: 1, item: { id: 'msg_1', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hi.', annotations: [] }] } }),
      ev('response.output_item.added', { output_index: 2, item: { id: 'fc_1', type: 'function_call', call_id: 'c1', name: 'f', arguments: '' } }),
      ev('response.output_item.done', { output_index: 2, item: { id: 'fc_1', type: 'function_call', call_id: 'c1', name: 'f', arguments: '{"a":1}' } }),
      ev('response.output_item.done', { output_index: 3, item: { id: 'fc_2', type: 'function_call', call_id: 'c2', name: 'g', arguments: '{}' } }),
      completed(),
    ];
    const got = assemble(frames(await translate(body)));
    expect(got).toMatchObject({
      reasoning: 'Thinking.',
      content: 'Hi.',
      details: [{ type: 'reasoning.encrypted', id: 'rs_1', data: 'blob', format: 'openai-responses-v1', index: 0 }],
      calls: [{ id: 'c1', name: 'f', arguments: '{"a":1}' }, { id: 'c2', name: 'g', arguments: '{}' }],
      finish: 'tool_calls',
    });
  });

  it('two reasoning items: two entries, indexed; their texts set apart', async () => {
    const item = (n: number) => [
      ev('response.output_item.added', { output_index: n, item: { id: `rs_${n}`, type: 'reasoning', summary: [] } }),
      ev('response.reasoning_summary_text.delta', { item_id: `rs_${n}`, output_index: n, summary_index: 0, delta: `T${n}` }),
      ev('response.output_item.done', { output_index: n, item: { id: `rs_${n}`, type: 'reasoning', summary: [{ type: 'summary_text', text: `T${n}` }], encrypted_content: `E${n}` } }),
    ];
    const got = assemble(frames(await translate([created, ...item(0), ...item(1), completed()])));
    expect(got.reasoning).toBe('T0\n\nT1');
    expect(got.details.map((d) => [d.id, d.data, d.index])).toEqual([['rs_0', 'E0', 0], ['rs_1', 'E1', 1]]);
    expect(got.finish).toBe('stop');
  });

  it('refusal deltas → delta.refusal', async () => {
    const got = assemble(frames(await translate([created, ev('response.refusal.delta', { item_id: 'm', output_index: 0, content_index: 0, delta: 'No.' }), completed()])));
    expect(got.refusal).toBe('No.');
  });

  it.each([
    ['max_output_tokens', 'length'],
    ['content_filter', 'content_filter'],
  ])('response.incomplete (%s) → finish %s', async (reason, finish) => {
    const body = [created, ev('response.output_text.delta', { item_id: 'm', output_index: 0, content_index: 0, delta: 'Par' }), ev('response.incomplete', { response: { id: 'resp_1', status: 'incomplete', incomplete_details: { reason }, output: [], usage: { input_tokens: 1, output_tokens: 16 } } })];
    const fs = frames(await translate(body, true));
    expect(assemble(fs)).toMatchObject({ content: 'Par', finish, usage: { completion_tokens: 16 } });
    expect(fs.at(-1)).toBe('[DONE]');
  });

  it.each<[string, string, Json]>([
    ['response.failed → one error frame', ev('response.failed', { response: { id: 'resp_1', status: 'failed', error: { code: 'server_error', message: 'The model failed.' } } }), { message: 'The model failed.', type: 'upstream_error', code: 'server_error' }],
    ['an error event → one error frame', ev('error', { code: 'rate_limit_exceeded', message: 'Slow down.', param: null }), { message: 'Slow down.', type: 'rate_limit_error', code: 'rate_limit_exceeded' }],
  ])('%s, nothing after it', async (_name, failure, error) => {
    const fs = frames(await translate([created, ev('response.output_text.delta', { item_id: 'm', output_index: 0, content_index: 0, delta: 'Hi' }), failure, completed()]));
    expect(fs.at(-1)).toEqual({ error: { ...error, param: null } });
    expect(fs.filter((f) => f === '[DONE]')).toHaveLength(0);
    expect(assemble(fs.slice(0, -1)).content).toBe('Hi');
  });

  it('a body that ends before response.completed fails the stream (the guard reports it)', async () => {
    await expect(translate([created, ev('response.output_text.delta', { item_id: 'm', output_index: 0, content_index: 0, delta: 'Hi' })])).rejects.toThrow(/response\.completed/);
  });

  it('an unreadable event fails the stream', async () => {
    await expect(translate([created, 'event: response.output_text.delta\ndata: {not json\n\n'])).rejects.toThrow(/unreadable/);
  });

  it('events after the end are ignored', async () => {
    const t = createStreamTranslator({ includeUsage: false });
    t.event('', JSON.stringify({ type: 'response.completed', response: { status: 'completed' } }));
    expect(t.ended).toBe(true);
    expect(t.event('', JSON.stringify({ type: 'response.output_text.delta', output_index: 0, delta: 'late' }))).toBe('');
  });
});
