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
 * What it holds for the last chunk (call arguments, reasoning text and state) is bounded by
 * MINI_LLM_MAX_STREAM_STATE_BYTES (stream-state.ts): past it the stream fails.
 */
import { sseTransform, type SseTranslator } from '../../sse.js';
import { ENTRY_COST, StreamState } from '../../stream-state.js';
import { chunkError, firstChoice, parseChunk, toolCallKeys } from '../chat-chunk.js';
import { ReasoningCollector } from '../reasoning-state.js';
import { googleErrorBody } from './errors.js';
import { callParts, finishReason, geminiResponse, malformedReason, newCallId, stateEnvelope, usageMetadata, type GeminiAnswerOptions } from './response.js';

type Json = Record<string, any>;

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

/** Google's error as the stream's last element, and what closes the stream after it. */
export const errorItem = (framing: StreamFraming, status: number, message: string) => framing.item(JSON.stringify(googleErrorBody(status, message))) + framing.end();

interface HeldCall {
  id: string;
  name: string;
  args: string;
  extra?: Json;
}

export interface GeminiStreamOptions extends GeminiAnswerOptions {
  framing: StreamFraming;
  /** What the translator may hold (MINI_LLM_MAX_STREAM_STATE_BYTES); defaults to the config's default. */
  maxState?: number;
}

export function createGeminiStreamTranslator(opts: GeminiStreamOptions): SseTranslator {
  const { framing } = opts;
  let ended = false;
  let responseId: unknown;
  let finish: unknown;
  let usage: Json | undefined;
  let reasoning = '';
  const state = new StreamState(opts.maxState);
  const collector = new ReasoningCollector(state);
  const calls = new Map<number, HeldCall>();

  const emit = (parts: Json[], finishReason?: string) => framing.item(JSON.stringify(geminiResponse(parts, opts, responseId, finishReason, usage)));

  const keyOf = toolCallKeys();

  const toolDelta = (tc: Json) => {
    const key = keyOf(tc);
    let call = calls.get(key);
    if (!call) {
      state.hold(ENTRY_COST);
      call = { id: '', name: '', args: '' };
      calls.set(key, call);
    }
    if (typeof tc.id === 'string' && tc.id !== '' && call.id === '') call.id = tc.id;
    const fn = (tc.function ?? {}) as Json;
    if (typeof fn.name === 'string') {
      state.hold(fn.name.length);
      call.name += fn.name;
    }
    if (typeof fn.arguments === 'string') {
      state.hold(fn.arguments.length);
      call.args += fn.arguments;
    }
    if (tc.extra_content && typeof tc.extra_content === 'object' && !Array.isArray(tc.extra_content)) call.extra = tc.extra_content;
  };

  const end = (): string => {
    ended = true;
    const ordered = [...calls.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c);
    const given = ordered.map((c) => ({ id: c.id || newCallId(), name: c.name, args: c.args }));
    ordered.forEach((c, i) => {
      if (c.extra) collector.addExtra(given[i].id, c.extra);
    });
    const s = collector.all();
    const envelope = stateEnvelope(opts.providerId, { reasoning, details: s.reasoning_details ?? [], blocks: s.thinking_blocks ?? [], extra: s.extra_content ?? {}, calls: given.length > 0 });
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
        state.hold(thought.length);
        reasoning += thought;
        if (opts.thoughts) parts.push({ text: thought, thought: true });
      }
      if (typeof delta.content === 'string' && delta.content !== '') parts.push({ text: delta.content });
      if (typeof delta.refusal === 'string' && delta.refusal !== '') parts.push({ text: delta.refusal });
      collector.addDetails(delta.reasoning_details);
      collector.addBlocks(delta.thinking_blocks);
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
        return errorItem(framing, error.status, error.message);
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
