/**
 * OpenAI chat SSE → Gemini's stream, one upstream chunk at a time (GEMINI.md §3). What Gemini clients rely on,
 * and this keeps:
 * - each chunk a whole `GenerateContentResponse`: `data: {...}` and a blank line, no `event:` lines and no
 *   `[DONE]` (the SDK would parse it), or, without `?alt=sse`, the elements of one JSON array;
 * - text (and, when asked, `thought: true` reasoning) as it arrives;
 * - each function call whole, in one part, with an id and `args` an object: their fragments are held until the
 *   answer ends, and go in the last chunk, the reasoning-state envelope on the first (response.ts);
 * - the last chunk carries `finishReason`, and every chunk the latest usage known (chat gives it at the end);
 * - an upstream error frame becomes one `{"error":{"code","message","status"}}` element, the last.
 * What it holds (call arguments, reasoning state) is bounded: past MAX_HELD_BYTES the stream fails.
 */
import { StreamLimitError } from '../../errors.js';
import { sseTransform, type SseTranslator } from '../../sse.js';
import { chunkError, firstChoice, parseChunk, toolCallKeys } from '../chat-chunk.js';
import { googleErrorBody } from './errors.js';
import { callParts, finishReason, geminiResponse, malformedReason, newCallId, stateEnvelope, usageMetadata, type GeminiAnswerOptions } from './response.js';

type Json = Record<string, any>;

/** The most a stream holds for its last chunk (call arguments, reasoning text and state), in characters. */
export const MAX_HELD_BYTES = 8 * 1024 * 1024;

/** How the chunks are framed: SSE events, or the elements of one JSON array (`:streamGenerateContent` without `alt=sse`). */
export interface StreamFraming {
  /** One element (a JSON text) as it goes on the wire. */
  item(json: string): string;
  /** What closes the stream after the last element. */
  end(): string;
}

export const sseFraming = (): StreamFraming => ({ item: (json) => `data: ${json}\n\n`, end: () => '' });

/** The JSON array form: `[` before the first element, `,` between, `]` at the end. */
export function arrayFraming(): StreamFraming {
  let opened = false;
  return {
    item(json) {
      const out = (opened ? ',\r\n' : '[') + json;
      opened = true;
      return out;
    },
    end: () => (opened ? ']' : '[]'),
  };
}

interface HeldCall {
  id: string;
  name: string;
  args: string;
  extra?: Json;
}

export interface GeminiStreamOptions extends GeminiAnswerOptions {
  framing: StreamFraming;
}

export function createGeminiStreamTranslator(opts: GeminiStreamOptions): SseTranslator {
  const { framing } = opts;
  let ended = false;
  let responseId: unknown;
  let finish: unknown;
  let usage: Json | undefined;
  let reasoning = '';
  const details: Json[] = [];
  const blocks: Json[] = [];
  const extra: Record<string, Json> = {};
  const calls = new Map<number, HeldCall>();
  let held = 0;

  const hold = (chars: number) => {
    held += chars;
    if (held > MAX_HELD_BYTES) {
      throw new StreamLimitError('upstream_stream_too_large', `The provider streamed more tool-call and reasoning state than the gateway holds for one answer (${MAX_HELD_BYTES} bytes).`);
    }
  };

  const emit = (parts: Json[], finishReason?: string) => framing.item(JSON.stringify(geminiResponse(parts, opts, responseId, finishReason, usage)));

  const keyOf = toolCallKeys();

  const toolDelta = (tc: Json) => {
    const key = keyOf(tc);
    let call = calls.get(key);
    if (!call) {
      call = { id: '', name: '', args: '' };
      calls.set(key, call);
      hold(64);
    }
    if (typeof tc.id === 'string' && tc.id !== '' && call.id === '') call.id = tc.id;
    const fn = (tc.function ?? {}) as Json;
    if (typeof fn.name === 'string') {
      call.name += fn.name;
      hold(fn.name.length);
    }
    if (typeof fn.arguments === 'string') {
      call.args += fn.arguments;
      hold(fn.arguments.length);
    }
    if (tc.extra_content && typeof tc.extra_content === 'object') {
      call.extra = tc.extra_content;
      hold(JSON.stringify(tc.extra_content).length);
    }
  };

  /** `reasoning_details` fragments: consecutive ones with the same index and type are one entry. */
  const detailDelta = (d: Json) => {
    const last = details.at(-1);
    if (last && d.index !== undefined && last.index === d.index && last.type === d.type) {
      for (const k of ['text', 'summary', 'data'] as const) if (typeof d[k] === 'string') last[k] = (typeof last[k] === 'string' ? last[k] : '') + d[k];
      if (typeof d.signature === 'string' && d.signature !== '') last.signature = d.signature;
    } else details.push({ ...d });
    hold(JSON.stringify(d).length);
  };

  const end = (): string => {
    ended = true;
    const ordered = [...calls.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c);
    const given = ordered.map((c) => ({ id: c.id || newCallId(), name: c.name, args: c.args }));
    ordered.forEach((c, i) => {
      if (c.extra) extra[given[i].id] = c.extra;
    });
    const envelope = stateEnvelope(opts.providerId, { reasoning, details, blocks, extra, calls: given.length > 0 });
    const made = callParts(given, envelope);
    return emit(made.parts, made.malformed ? malformedReason(finish) : finishReason(finish)) + framing.end();
  };

  const chunk = (c: Json): string => {
    if (responseId === undefined && typeof c.id === 'string') responseId = c.id;
    if (c.usage && typeof c.usage === 'object') usage = usageMetadata(c.usage);
    const choice = firstChoice(c);
    const parts: Json[] = [];
    if (choice) {
      const delta = (choice.delta ?? {}) as Json;
      const thought = delta.reasoning_content ?? delta.reasoning;
      if (typeof thought === 'string' && thought !== '') {
        reasoning += thought;
        hold(thought.length);
        if (opts.thoughts) parts.push({ text: thought, thought: true });
      }
      if (typeof delta.content === 'string' && delta.content !== '') parts.push({ text: delta.content });
      if (typeof delta.refusal === 'string' && delta.refusal !== '') parts.push({ text: delta.refusal });
      if (Array.isArray(delta.reasoning_details)) for (const d of delta.reasoning_details) if (d && typeof d === 'object') detailDelta(d);
      if (Array.isArray(delta.thinking_blocks)) {
        for (const b of delta.thinking_blocks) {
          if (!b || typeof b !== 'object') continue;
          blocks.push(b);
          hold(JSON.stringify(b).length);
        }
      }
      if (Array.isArray(delta.tool_calls)) for (const tc of delta.tool_calls) if (tc && typeof tc === 'object') toolDelta(tc);
      if (choice.finish_reason != null && finish === undefined) finish = choice.finish_reason;
    }
    const out = parts.length > 0 ? emit(parts) : '';
    // The finish reason waits for the usage that `include_usage` brings; both known, the answer ends.
    return finish !== undefined && usage !== undefined ? out + end() : out;
  };

  return {
    get ended() {
      return ended;
    },
    endEvent: 'data: [DONE]',
    event(_name, data) {
      if (ended) return '';
      if (data === '[DONE]') return end();
      const c = parseChunk(data);
      const error = chunkError(c);
      if (error) {
        ended = true;
        return framing.item(JSON.stringify(googleErrorBody(error.status, error.message))) + framing.end();
      }
      return chunk(c);
    },
    // An upstream that ends after its finish chunk but without usage or [DONE] still gave a whole answer.
    finish: () => (finish !== undefined ? end() : undefined),
  };
}

/** Translate a chat SSE body into a Gemini stream (cancelling the result cancels `body`). */
export function chatToGeminiStream(body: ReadableStream<Uint8Array>, opts: GeminiStreamOptions): ReadableStream<Uint8Array> {
  return sseTransform(body, createGeminiStreamTranslator(opts));
}
