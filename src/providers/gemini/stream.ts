/**
 * Gemini `streamGenerateContent?alt=sse` → OpenAI `chat.completion.chunk` SSE. Each event is a whole
 * `GenerateContentResponse` holding the next parts: text → `delta.content`, thought text →
 * `delta.reasoning_content`, a functionCall (always whole) → one `delta.tool_calls` entry with its arguments,
 * a signature → `extra_content` on its call or a `delta.reasoning_details` entry of its own. Gemini sends no
 * `[DONE]`: the answer ends with the body, after the event with `finishReason`; then come the finish chunk, the
 * usage (cumulative in every event: the last one counts) when asked for, and `[DONE]`. A body that ends without a
 * `finishReason` was cut: the stream fails. A `data: {"error": ...}` event ends it with an error frame.
 * State: a few counters and the last usage, whatever the provider streams.
 */
import { sseErrorFrame } from '../../errors.js';
import { sseTransform, type SseTranslator } from '../../sse.js';
import { chunkWriter } from '../chat-chunks.js';
import { failedCall, filteredText, mapFinishReason, mapUsage, type GeminiUsage } from './finish.js';
import { partSignature, signatureEntry } from './signatures.js';
import { geminiId, toolCallOf } from './response.js';

type Json = Record<string, any>;

export interface StreamOptions {
  /** The client sent `stream_options.include_usage: true`. */
  includeUsage: boolean;
  /** The model the request named, for events without `modelVersion`. */
  model: string;
  /** Unix seconds for every chunk's `created`; defaults to now. */
  created?: number;
  /** Makes a tool call id for a call Gemini sent without one. */
  newId?: () => string;
}

export function createGeminiStreamTranslator(opts: StreamOptions): SseTranslator {
  const w = chunkWriter(opts.includeUsage, opts.created);
  w.model = opts.model;
  const { chunk } = w;
  const newId = opts.newId ?? (() => geminiId('call_'));
  let started = false;
  let ended = false;
  let calls = 0;
  let entries = 0;
  let wroteText = false;
  let finishReason: string | undefined;
  let blocked: string | undefined;
  let usage: GeminiUsage | undefined;

  const partChunks = (part: Json): string => {
    if (typeof part !== 'object' || part === null) return '';
    const sig = partSignature(part);
    if (typeof part.functionCall === 'object' && part.functionCall !== null) {
      return chunk({ tool_calls: [{ index: calls++, ...toolCallOf(part, newId) }] });
    }
    let out = '';
    if (typeof part.text === 'string' && part.text !== '') {
      if (part.thought === true) out += chunk({ reasoning_content: part.text });
      else {
        wroteText = true;
        out += chunk({ content: part.text });
      }
    }
    if (sig) out += chunk({ reasoning_details: [signatureEntry(sig, entries++)] });
    return out;
  };

  const handle = (ev: Json): string => {
    if (ev.error !== undefined && ev.error !== null) {
      ended = true;
      const e = typeof ev.error === 'object' ? ev.error : { message: ev.error };
      const message = typeof e.message === 'string' && e.message !== '' ? e.message : 'Gemini reported an error.';
      return sseErrorFrame(message, 'upstream_error', typeof e.status === 'string' ? e.status : null);
    }
    let out = '';
    if (!started) {
      started = true;
      w.id = typeof ev.responseId === 'string' && ev.responseId !== '' ? ev.responseId : geminiId('chatcmpl-');
      if (typeof ev.modelVersion === 'string' && ev.modelVersion !== '') w.model = ev.modelVersion;
      out += chunk({ role: 'assistant', content: '' });
    }
    if (typeof ev.usageMetadata === 'object' && ev.usageMetadata !== null) usage = ev.usageMetadata;
    const candidate = Array.isArray(ev.candidates) ? ev.candidates[0] : undefined;
    if (candidate === undefined && typeof ev.promptFeedback?.blockReason === 'string') {
      blocked = ev.promptFeedback.blockReason;
      return out + chunk({ refusal: filteredText('prompt', blocked!) });
    }
    const parts = candidate?.content?.parts;
    if (Array.isArray(parts)) for (const part of parts) out += partChunks(part);
    if (typeof candidate?.finishReason === 'string') {
      finishReason = candidate.finishReason;
      const failed = failedCall(finishReason);
      if (failed) {
        ended = true;
        return out + sseErrorFrame(failed.message, 'upstream_error', failed.code);
      }
    }
    return out;
  };

  return {
    get ended() {
      return ended;
    },
    endEvent: 'its finishReason',
    event(_name, data) {
      if (ended) return '';
      let ev: unknown;
      try {
        ev = JSON.parse(data);
      } catch {
        throw new Error('Gemini sent an unreadable event.');
      }
      if (typeof ev !== 'object' || ev === null || Array.isArray(ev)) throw new Error('Gemini sent an event that is not a JSON object.');
      return handle(ev as Json);
    },
    finish() {
      if (!started || (finishReason === undefined && blocked === undefined)) return undefined;
      const finish = blocked !== undefined ? 'content_filter' : mapFinishReason(finishReason, calls > 0);
      const refusal = blocked === undefined && finish === 'content_filter' && !wroteText ? chunk({ refusal: filteredText('answer', finishReason!) }) : '';
      return refusal + chunk({}, finish) + w.end(mapUsage(usage));
    },
  };
}

/**
 * Translate a Gemini SSE body into an OpenAI SSE body, each event's output as soon as the event is complete.
 * Cancelling the result cancels `body`.
 */
export function geminiToChatStream(body: ReadableStream<Uint8Array>, opts: StreamOptions): ReadableStream<Uint8Array> {
  return sseTransform(body, createGeminiStreamTranslator(opts));
}
