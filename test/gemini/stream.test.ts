/** The chat SSE → Gemini stream state machine (src/dialects/gemini/stream.ts) on recorded chat streams. */
import { describe, expect, it } from 'vitest';
import { arrayFraming, chatToGeminiStream, sseFraming, type StreamFraming } from '../../src/dialects/gemini/stream.js';
import { StreamLimitError } from '../../src/errors.js';
import { decodeReasoning } from '../../src/dialects/reasoning-envelope.js';
import { fixture } from '../mock-provider.js';
import { bodyOf, chatStream } from '../messages/stream-check.js';

type Json = Record<string, any>;

const opts: { model: string; providerId: string; thoughts: boolean; maxState?: number } = { model: 'up-model', providerId: 'nebius', thoughts: true };
const run = (text: string, framing: StreamFraming = sseFraming(), extra: Partial<typeof opts> = {}, readSize = 7) =>
  new Response(chatToGeminiStream(bodyOf(text, readSize), { ...opts, ...extra, framing })).text();

/** The SSE form's chunks: every event a `data:` line and a blank line, each a JSON object; no [DONE], no `event:`. */
function chunksOf(sse: string): Json[] {
  expect(sse.endsWith('\n\n')).toBe(true);
  return sse
    .split('\n\n')
    .filter((e) => e !== '')
    .map((e) => {
      expect(e.startsWith('data: ')).toBe(true);
      expect(e).not.toContain('\n');
      return JSON.parse(e.slice(6));
    });
}

const partsOf = (chunks: Json[]) => chunks.flatMap((c) => c.candidates?.[0]?.content?.parts ?? []);
const chunk = (delta: Json, finish: string | null = null, extra: Json = {}) => `data: ${JSON.stringify({ id: 'chatcmpl-s', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
const USAGE = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };

describe('chat stream → Gemini stream', () => {
  it('text: one chunk per delta as it comes, the last with finishReason and usage; no [DONE]', async () => {
    const chunks = chunksOf(await run(fixture('openai-chat.sse')));
    const last = chunks.at(-1)!;
    expect(partsOf(chunks).map((p) => p.text).join('')).toBe('The capital of France is Paris.');
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks.slice(0, -1)) expect(c.candidates[0].finishReason).toBeUndefined();
    expect(last.candidates[0].finishReason).toBe('STOP');
    expect(last.usageMetadata).toEqual({ promptTokenCount: 24, candidatesTokenCount: 8, totalTokenCount: 32 });
    expect(last.modelVersion).toBe('up-model');
  });

  it('reasoning deltas are thought parts (when asked), before the text', async () => {
    const chunks = chunksOf(await run(chatStream('deepseek-reasoning.sse')));
    const parts = partsOf(chunks);
    expect(parts.filter((p) => p.thought).map((p) => p.text).join('')).toBe('The user asks for 2+2.');
    expect(parts.filter((p) => !p.thought && p.text).map((p) => p.text).join('')).toBe('4.');
    const silent = partsOf(chunksOf(await run(chatStream('deepseek-reasoning.sse'), sseFraming(), { thoughts: false })));
    expect(silent.some((p) => p.thought)).toBe(false);
  });

  it.each([
    ['one call, arguments in fragments', 'openai-tool.sse', [{ id: 'call_Wx1', name: 'get_weather', args: { location: 'Paris, France' } }]],
    ['parallel calls', 'openai-parallel-tools.sse', [{ id: 'call_A', name: 'get_weather', args: { location: 'Paris' } }, { id: 'call_B', name: 'get_weather', args: { location: 'Rome' } }]],
    ['parallel calls, arguments interleaved', 'interleaved-parallel-tools.sse', [{ id: 'call_P', name: 'get_weather', args: { location: 'Paris' } }, { id: 'call_R', name: 'get_weather', args: { location: 'Rome' } }]],
    ['a call whole in one chunk, finish "stop" (Ollama)', 'ollama-tool-finish-stop.sse', [{ id: 'call_x9', name: 'Bash', args: { command: 'echo hi' } }]],
  ])('%s: each call whole, in one part of the last chunk', async (_name, file, calls) => {
    const chunks = chunksOf(await run(chatStream(file)));
    const withCalls = chunks.filter((c) => partsOf([c]).some((p) => p.functionCall));
    expect(withCalls).toHaveLength(1);
    expect(withCalls[0]).toBe(chunks.at(-1));
    expect(partsOf(withCalls).map((p) => p.functionCall)).toEqual(calls);
    expect(chunks.at(-1)!.candidates[0].finishReason).toBe('STOP');
  });

  it('the JSON array form: one valid JSON array of the same chunks', async () => {
    const sse = chunksOf(await run(chatStream('openai-parallel-tools.sse')));
    const array = JSON.parse(await run(chatStream('openai-parallel-tools.sse'), arrayFraming()));
    expect(array).toEqual(sse);
  });

  it('an upstream error frame becomes one Google error chunk, the last (SSE and array)', async () => {
    const chunks = chunksOf(await run(chatStream('error-frame.sse')));
    expect(chunks.at(-1)).toEqual({ error: { code: 502, message: 'Provider returned error: overloaded', status: 'UNAVAILABLE' } });
    expect(partsOf(chunks.slice(0, -1)).map((p) => p.text).join('')).toBe('Partial');
    const array = JSON.parse(await run(chatStream('error-frame.sse'), arrayFraming()));
    expect(array.at(-1).error.status).toBe('UNAVAILABLE');
  });

  it('an upstream that ends without finishing fails the stream (the guard then sends the failure chunk)', async () => {
    await expect(run(chatStream('openai-dies.sse'))).rejects.toThrow(/ended before/);
  });

  it('an upstream that ends after its finish chunk without usage or [DONE] still ends cleanly', async () => {
    const chunks = chunksOf(await run(chunk({ content: 'Hi' }) + chunk({}, 'stop')));
    expect(chunks.at(-1)!.candidates[0].finishReason).toBe('STOP');
  });

  it('usage on every chunk (some providers): each chunk carries the latest', async () => {
    const chunks = chunksOf(await run(chunk({ content: 'a' }, null, { usage: { prompt_tokens: 5, completion_tokens: 1 } }) + chunk({ content: 'b' }, null, { usage: { prompt_tokens: 5, completion_tokens: 2 } }) + chunk({}, 'stop', { usage: USAGE })));
    expect(chunks.map((c) => c.usageMetadata?.candidatesTokenCount)).toEqual([1, 2, 5]);
  });

  it('reasoning state (details in fragments, call extra_content) goes in an envelope on the first call', async () => {
    const text =
      chunk({ reasoning_details: [{ type: 'reasoning.text', text: 'Thin', index: 0 }] }) +
      chunk({ reasoning_details: [{ type: 'reasoning.text', text: 'king', signature: 'S1', index: 0 }] }) +
      chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' }, extra_content: { google: { thought_signature: 'G' } } }] }) +
      chunk({ tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'g', arguments: '{}' } }] }) +
      chunk({}, 'tool_calls') +
      `data: ${JSON.stringify({ id: 'chatcmpl-s', choices: [], usage: USAGE })}\n\ndata: [DONE]\n\n`;
    const parts = partsOf(chunksOf(await run(text)));
    expect(parts.map((p) => p.functionCall?.id)).toEqual(['call_1', 'call_2']);
    expect(decodeReasoning(parts[0].thoughtSignature, 'nebius')).toEqual({
      provider: 'nebius',
      reasoning_details: [{ type: 'reasoning.text', text: 'Thinking', signature: 'S1', index: 0 }],
      extra_content: { call_1: { google: { thought_signature: 'G' } } },
    });
  });

  it('thinking blocks (Anthropic through chat) without calls: a final empty text part carries them', async () => {
    const blocks = [{ type: 'thinking', thinking: 'Hmm.', signature: 'EqQB' }];
    const text = chunk({ reasoning_content: 'Hmm.' }) + chunk({ thinking_blocks: blocks }) + chunk({ content: 'Hi.' }) + chunk({}, 'stop', { usage: USAGE });
    const last = chunksOf(await run(text, sseFraming(), { providerId: 'anthropic' })).at(-1)!;
    const [signed] = last.candidates[0].content.parts;
    expect(signed.text).toBe('');
    expect(decodeReasoning(signed.thoughtSignature, 'anthropic')?.thinking_blocks).toEqual(blocks);
  });

  it('what it holds is bounded by MINI_LLM_MAX_STREAM_STATE_BYTES: arguments past it fail the stream with upstream_stream_too_large', async () => {
    const maxState = 1 << 20;
    const piece = 'x'.repeat(1 << 16);
    let text = chunk({ tool_calls: [{ index: 0, id: 'c', type: 'function', function: { name: 'f', arguments: '{"a":"' } }] });
    for (let held = 0; held <= maxState; held += piece.length) text += chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] });
    const err = await run(text, sseFraming(), { maxState }, 1 << 16).catch((e) => e);
    expect(err).toBeInstanceOf(StreamLimitError);
    expect(err.code).toBe('upstream_stream_too_large');
    // Under the bound, the same answer goes through.
    const whole = await run(text + chunk({}, 'tool_calls', { usage: USAGE }), sseFraming(), { maxState: 4 * maxState }, 1 << 16);
    expect(whole).toContain('"finishReason"');
  });

  it('reasoning_details fragments merge into one entry; a signature left null takes the later one (OpenRouter)', async () => {
    const frag = (d: Json) => chunk({ reasoning_details: [{ type: 'reasoning.text', format: 'anthropic-claude-v1', index: 0, ...d }] });
    const text = frag({ text: 'Let me ', signature: null }) + frag({ text: 'think.', signature: null }) + frag({ text: '', signature: 'SIG' }) +
      chunk({ tool_calls: [{ index: 0, id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] }) + chunk({}, 'tool_calls', { usage: USAGE });
    const last = chunksOf(await run(text)).at(-1)!;
    const call = last.candidates[0].content.parts.find((p: Json) => p.functionCall);
    expect(decodeReasoning(call.thoughtSignature, 'nebius')?.reasoning_details).toEqual([{ type: 'reasoning.text', format: 'anthropic-claude-v1', index: 0, text: 'Let me think.', signature: 'SIG' }]);
  });
});
