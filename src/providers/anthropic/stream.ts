/**
 * Anthropic Messages SSE → OpenAI `chat.completion.chunk` SSE (PROVIDERS.md §3e; chunk format §4).
 * `createStreamTranslator` maps one Anthropic event to the OpenAI text to emit; `anthropicToOpenAIStream`
 * runs it over a byte stream, emitting each event's output as soon as the event is complete.
 * Thinking comes as `delta.reasoning_content` (never inside `content`), and each finished signed block as one
 * `delta.thinking_blocks: [block]` (whole, with its signature; a client appends them in order to send back).
 * The JSON tool of the structured-output fallback streams as `delta.content`, finishing with `stop`.
 * A thinking block is held until it ends, and the turn's signed blocks and tool call ids until `message_stop`
 * (the thinking cache): at most MINI_LLM_MAX_STREAM_STATE_BYTES (stream-state.ts); past it the stream fails.
 * Web-standard APIs only (Node, Bun, Cloudflare Workers).
 * @see https://docs.claude.com/en/docs/build-with-claude/streaming
 */
import { sseErrorFrame } from '../../errors.js';
import { sseTransform, type SseTranslator } from '../../sse.js';
import { chunkWriter } from '../chat-chunks.js';
import { ENTRY_COST, StreamState } from '../../stream-state.js';
import { refusalText } from './response.js';
import { mapStopReason, type FinishReason } from './stop-reason.js';
import { JSON_TOOL_NAME } from './structured-output.js';
import { mergeUsage, mapUsage, type AnthropicUsage } from './usage.js';

export interface StreamOptions {
  /** The client sent `stream_options.include_usage: true`. */
  includeUsage: boolean;
  /** Unix seconds for every chunk's `created`; defaults to now. */
  created?: number;
  /** Called once at `message_stop` with the turn's signed thinking blocks and its tool call ids (the thinking cache). */
  onTurn?: (blocks: Record<string, unknown>[], toolCallIds: string[]) => void;
  /** What the translator may hold (MINI_LLM_MAX_STREAM_STATE_BYTES); defaults to the config's default. */
  maxState?: number;
}

/** `ended` is true once `message_stop` or `error` was seen: the output is complete and later events are ignored. */
export type StreamTranslator = SseTranslator;

type Json = Record<string, any>;

interface Delta {
  role?: 'assistant';
  content?: string;
  refusal?: string;
  reasoning_content?: string;
  thinking_blocks?: Json[];
  tool_calls?: Json[];
}

export function createStreamTranslator(opts: StreamOptions): StreamTranslator {
  const w = chunkWriter(opts.includeUsage, opts.created);
  let ended = false;
  let usage: AnthropicUsage = {};
  /** Anthropic content-block index → OpenAI tool_calls index (ordinal among tool_use blocks). */
  const toolIndex = new Map<number, number>();
  /** Content-block indexes of the JSON tool (structured-output fallback): its input is the answer's text. */
  const jsonBlocks = new Set<number>();
  /** Thinking blocks being received, by content-block index. */
  const thinking = new Map<number, { thinking: string; signature: string }>();
  const signedBlocks: Json[] = [];
  const toolCallIds: string[] = [];
  const state = new StreamState(opts.maxState);
  const size = (s: unknown) => (typeof s === 'string' ? s.length : 0);

  const chunk = (delta: Delta, finish: FinishReason | null = null, extra?: Json) => w.chunk(delta as Json, finish, extra);

  const handle = (name: string, ev: Json): string => {
    switch (name) {
      case 'message_start':
        w.id = String(ev.message?.id ?? '');
        w.model = String(ev.message?.model ?? '');
        mergeUsage(usage, ev.message?.usage);
        return chunk({ role: 'assistant', content: '' });
      case 'content_block_start': {
        const block = ev.content_block;
        if (block?.type === 'thinking') {
          state.hold(ENTRY_COST + size(block.thinking) + size(block.signature));
          thinking.set(ev.index, { thinking: typeof block.thinking === 'string' ? block.thinking : '', signature: typeof block.signature === 'string' ? block.signature : '' });
          return typeof block.thinking === 'string' && block.thinking !== '' ? chunk({ reasoning_content: block.thinking }) : '';
        }
        if (block?.type === 'redacted_thinking' && typeof block.data === 'string') {
          state.hold(ENTRY_COST + block.data.length);
          const redacted = { type: 'redacted_thinking', data: block.data };
          signedBlocks.push(redacted);
          return chunk({ thinking_blocks: [redacted] });
        }
        if (block?.type !== 'tool_use') return '';
        state.hold(ENTRY_COST + size(block.id));
        if (block.name === JSON_TOOL_NAME) {
          jsonBlocks.add(ev.index);
          return '';
        }
        const k = toolIndex.size;
        toolIndex.set(ev.index, k);
        toolCallIds.push(String(block.id ?? ''));
        return chunk({
          tool_calls: [{ index: k, id: block.id, type: 'function', function: { name: block.name, arguments: '' } }],
        });
      }
      case 'content_block_delta': {
        const d = ev.delta;
        if (d?.type === 'text_delta' && typeof d.text === 'string' && d.text !== '') return chunk({ content: d.text });
        if (d?.type === 'input_json_delta' && typeof d.partial_json === 'string' && d.partial_json !== '') {
          if (jsonBlocks.has(ev.index)) return chunk({ content: d.partial_json });
          const k = toolIndex.get(ev.index);
          if (k === undefined) return '';
          return chunk({ tool_calls: [{ index: k, function: { arguments: d.partial_json } }] });
        }
        const t = thinking.get(ev.index);
        if (t && d?.type === 'thinking_delta' && typeof d.thinking === 'string' && d.thinking !== '') {
          state.hold(d.thinking.length);
          t.thinking += d.thinking;
          return chunk({ reasoning_content: d.thinking });
        }
        if (t && d?.type === 'signature_delta' && typeof d.signature === 'string') {
          state.hold(d.signature.length);
          t.signature += d.signature;
        }
        return ''; // citations_delta and unknown deltas: dropped
      }
      case 'content_block_stop': {
        const t = thinking.get(ev.index);
        if (!t) return '';
        thinking.delete(ev.index);
        if (t.signature === '') {
          state.release(ENTRY_COST + t.thinking.length); // an unsigned block is not kept
          return '';
        }
        const signed = { type: 'thinking', thinking: t.thinking, signature: t.signature };
        signedBlocks.push(signed);
        return chunk({ thinking_blocks: [signed] });
      }
      case 'message_delta': {
        mergeUsage(usage, ev.usage); // output_tokens is cumulative; input/cache counts may be repeated
        const reason = ev.delta?.stop_reason;
        let finish = mapStopReason(reason);
        if (finish === 'tool_calls' && jsonBlocks.size > 0 && toolIndex.size === 0) finish = 'stop';
        const details = ev.delta?.stop_details ?? ev.stop_details;
        const extra = details ? { stop_details: details } : undefined;
        const refusal = reason === 'refusal' ? chunk({ refusal: refusalText(details, '') }) : '';
        return refusal + chunk({}, finish, extra);
      }
      case 'message_stop':
        ended = true;
        if (opts.onTurn && signedBlocks.length > 0 && toolCallIds.length > 0) opts.onTurn(signedBlocks, toolCallIds);
        return w.end(mapUsage(usage));
      case 'ping':
        return ': ping\n\n';
      case 'error': {
        ended = true;
        const message = typeof ev.error?.message === 'string' ? ev.error.message : 'The provider reported an error.';
        const type = typeof ev.error?.type === 'string' ? ev.error.type : 'api_error';
        return sseErrorFrame(message, type, null);
      }
      default:
        return ''; // unknown (future) events
    }
  };

  return {
    get ended() {
      return ended;
    },
    endEvent: 'message_stop',
    event(name, data) {
      if (ended) return '';
      let ev: Json;
      try {
        ev = JSON.parse(data) as Json;
      } catch {
        if (name === 'error') return handle('error', {});
        if (name === 'ping') return handle('ping', {});
        throw new Error(`Anthropic sent an unreadable ${name || 'message'} event.`);
      }
      return handle(name || String(ev?.type ?? ''), ev ?? {});
    },
  };
}

/**
 * Translate an Anthropic SSE body into an OpenAI SSE body. Ends after `[DONE]` or one error frame; errors if the
 * upstream body fails or ends early (the caller turns that into an `upstream_disconnected` frame).
 * Cancelling the result cancels `body`.
 */
export function anthropicToOpenAIStream(body: ReadableStream<Uint8Array>, opts: StreamOptions): ReadableStream<Uint8Array> {
  return sseTransform(body, createStreamTranslator(opts));
}
