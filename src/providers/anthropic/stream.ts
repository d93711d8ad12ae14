/**
 * Anthropic Messages SSE → OpenAI `chat.completion.chunk` SSE (PROVIDERS.md §3e; chunk format §4).
 * `createStreamTranslator` maps one Anthropic event to the OpenAI text to emit; `anthropicToOpenAIStream`
 * runs it over a byte stream, emitting each event's output as soon as the event is complete.
 * Web-standard APIs only (Node, Bun, Cloudflare Workers).
 * @see https://docs.claude.com/en/docs/build-with-claude/streaming
 */
import { sseErrorFrame } from '../../errors.js';
import { sseTransform, type SseTransformOptions, type SseTranslator } from '../../sse.js';
import { mapStopReason, type FinishReason } from './stop-reason.js';
import { mapUsage, type AnthropicUsage } from './usage.js';

export interface StreamOptions {
  /** The client sent `stream_options.include_usage: true`. */
  includeUsage: boolean;
  /** Unix seconds for every chunk's `created`; defaults to now. */
  created?: number;
}

/** `ended` is true once `message_stop` or `error` was seen: the output is complete and later events are ignored. */
export type StreamTranslator = SseTranslator;

type Json = Record<string, any>;

interface Delta {
  role?: 'assistant';
  content?: string;
  tool_calls?: Json[];
}

const frame = (payload: unknown) => `data: ${JSON.stringify(payload)}\n\n`;

export function createStreamTranslator(opts: StreamOptions): StreamTranslator {
  const created = opts.created ?? Math.floor(Date.now() / 1000);
  let id = '';
  let model = '';
  let ended = false;
  let usage: AnthropicUsage = {};
  /** Anthropic content-block index → OpenAI tool_calls index (ordinal among tool_use blocks). */
  const toolIndex = new Map<number, number>();

  const chunk = (delta: Delta, finish: FinishReason | null = null) =>
    frame({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(opts.includeUsage ? { usage: null } : {}),
    });

  const rememberUsage = (u: unknown) => {
    if (typeof u !== 'object' || u === null) return;
    for (const [k, v] of Object.entries(u)) {
      if (typeof v === 'number') (usage as Record<string, number>)[k] = v;
    }
  };

  const handle = (name: string, ev: Json): string => {
    switch (name) {
      case 'message_start':
        id = String(ev.message?.id ?? '');
        model = String(ev.message?.model ?? '');
        rememberUsage(ev.message?.usage);
        return chunk({ role: 'assistant', content: '' });
      case 'content_block_start': {
        const block = ev.content_block;
        if (block?.type !== 'tool_use') return '';
        const k = toolIndex.size;
        toolIndex.set(ev.index, k);
        return chunk({
          tool_calls: [{ index: k, id: block.id, type: 'function', function: { name: block.name, arguments: '' } }],
        });
      }
      case 'content_block_delta': {
        const d = ev.delta;
        if (d?.type === 'text_delta' && typeof d.text === 'string' && d.text !== '') return chunk({ content: d.text });
        if (d?.type === 'input_json_delta' && typeof d.partial_json === 'string' && d.partial_json !== '') {
          const k = toolIndex.get(ev.index);
          if (k === undefined) return '';
          return chunk({ tool_calls: [{ index: k, function: { arguments: d.partial_json } }] });
        }
        return ''; // thinking_delta, signature_delta, citations_delta: dropped
      }
      case 'message_delta':
        rememberUsage(ev.usage); // output_tokens is cumulative; input/cache counts may be repeated
        return chunk({}, mapStopReason(ev.delta?.stop_reason));
      case 'message_stop':
        ended = true;
        return (
          (opts.includeUsage ? frame({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: mapUsage(usage) }) : '') +
          'data: [DONE]\n\n'
        );
      case 'ping':
        return ': ping\n\n';
      case 'error': {
        ended = true;
        const message = typeof ev.error?.message === 'string' ? ev.error.message : 'The provider reported an error.';
        const type = typeof ev.error?.type === 'string' ? ev.error.type : 'api_error';
        return sseErrorFrame(message, type, null);
      }
      default:
        return ''; // content_block_stop and unknown (future) events
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
export function anthropicToOpenAIStream(body: ReadableStream<Uint8Array>, opts: StreamOptions & SseTransformOptions): ReadableStream<Uint8Array> {
  return sseTransform(body, createStreamTranslator(opts), opts);
}
