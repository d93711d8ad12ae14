/**
 * OpenAI Responses SSE → chat `chat.completion.chunk` SSE (the pivot's stream), one event at a time:
 * reasoning summary (or raw reasoning) text → `delta.reasoning_content`; a finished reasoning item →
 * `delta.reasoning_details: [entry]` (whole, once: the state a client sends back); output text → `delta.content`;
 * refusals → `delta.refusal`; a function call → a `tool_calls` delta with its index, id and name, then its
 * argument deltas; `response.completed` / `response.incomplete` → the finish chunk, the usage chunk (when asked)
 * and `[DONE]`; `response.failed` or an `error` event → one chat error frame. Responses streams output items one
 * after another, so the translator holds the current item only: its memory does not grow with the answer.
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
import { sseErrorFrame } from '../../errors.js';
import { sseTransform, type SseTranslator } from '../../sse.js';
import { chunkWriter } from '../chat-chunks.js';
import { chatUsage, finishReason, reasoningDetail, reasoningText, responseFailure } from './response.js';

export interface StreamOptions {
  /** The client sent `stream_options.include_usage: true`. */
  includeUsage: boolean;
}

type Json = Record<string, any>;

/** The output item being streamed. */
interface Current {
  outputIndex: number;
  /** Its tool_calls index, for a function call. */
  tool?: number;
  /** Deltas of it were emitted (its `done` event then adds nothing but what deltas cannot carry). */
  streamed: boolean;
}

export function createStreamTranslator(opts: StreamOptions): SseTranslator {
  const w = chunkWriter(opts.includeUsage);
  const { chunk } = w;
  let started = false;
  let ended = false;
  let tools = 0;
  let details = 0;
  /** The reasoning part last written (`output_index:summary_index`): a new one is set apart by a blank line. */
  let reasoningPart: string | undefined;
  let current: Current | undefined;

  /** The role chunk, before the first thing emitted. */
  const head = () => {
    if (started) return '';
    started = true;
    return chunk({ role: 'assistant', content: '' });
  };
  const meta = (r: Json | undefined) => {
    if (typeof r?.id === 'string') w.id = r.id;
    if (typeof r?.model === 'string') w.model = r.model;
    if (typeof r?.created_at === 'number') w.created = r.created_at;
  };
  const at = (ev: Json): Current => {
    if (current && current.outputIndex === ev.output_index) return current;
    current = { outputIndex: ev.output_index, streamed: false };
    return current;
  };
  const reasoning = (part: string, text: string) => {
    if (text === '') return '';
    const sep = reasoningPart !== undefined && reasoningPart !== part ? '\n\n' : '';
    reasoningPart = part;
    return head() + chunk({ reasoning_content: sep + text });
  };
  const failure = (error: Json | undefined) => {
    ended = true;
    const e = responseFailure(error);
    return sseErrorFrame(e.message, e.type, e.code);
  };

  const itemDone = (ev: Json): string => {
    const item: Json = ev.item ?? {};
    const cur = current?.outputIndex === ev.output_index ? current : undefined;
    current = undefined;
    switch (item.type) {
      case 'reasoning': {
        const text = cur?.streamed ? '' : reasoning(`${ev.output_index}:`, reasoningText(item));
        const detail = reasoningDetail(item, details);
        if (!detail) return text;
        details++;
        return text + head() + chunk({ reasoning_details: [detail] });
      }
      case 'message': {
        if (cur?.streamed) return '';
        let out = '';
        for (const p of Array.isArray(item.content) ? item.content : []) {
          if (p?.type === 'output_text' && typeof p.text === 'string' && p.text !== '') out += chunk({ content: p.text });
          else if (p?.type === 'refusal' && typeof p.refusal === 'string' && p.refusal !== '') out += chunk({ refusal: p.refusal });
        }
        return out === '' ? '' : head() + out;
      }
      case 'function_call': {
        const args = typeof item.arguments === 'string' ? item.arguments : '';
        if (cur?.tool === undefined) return head() + chunk({ tool_calls: [{ index: tools++, id: item.call_id, type: 'function', function: { name: item.name, arguments: args } }] });
        return cur.streamed || args === '' ? '' : chunk({ tool_calls: [{ index: cur.tool, function: { arguments: args } }] });
      }
      default:
        return '';
    }
  };

  const handle = (type: string, ev: Json): string => {
    switch (type) {
      case 'response.created':
      case 'response.in_progress':
        meta(ev.response);
        return head();
      case 'response.output_item.added': {
        const item: Json = ev.item ?? {};
        const cur = at(ev);
        if (item.type !== 'function_call') return '';
        cur.tool = tools++;
        const args = typeof item.arguments === 'string' ? item.arguments : '';
        cur.streamed = args !== '';
        return head() + chunk({ tool_calls: [{ index: cur.tool, id: item.call_id, type: 'function', function: { name: item.name, arguments: args } }] });
      }
      case 'response.function_call_arguments.delta': {
        const cur = current?.outputIndex === ev.output_index ? current : undefined;
        if (cur?.tool === undefined || typeof ev.delta !== 'string' || ev.delta === '') return '';
        cur.streamed = true;
        return chunk({ tool_calls: [{ index: cur.tool, function: { arguments: ev.delta } }] });
      }
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta':
        if (typeof ev.delta !== 'string' || ev.delta === '') return '';
        at(ev).streamed = true;
        return reasoning(`${ev.output_index}:${ev.summary_index ?? ev.content_index ?? ''}`, ev.delta);
      case 'response.output_text.delta':
      case 'response.refusal.delta':
        if (typeof ev.delta !== 'string' || ev.delta === '') return '';
        at(ev).streamed = true;
        return head() + chunk(type === 'response.output_text.delta' ? { content: ev.delta } : { refusal: ev.delta });
      case 'response.output_item.done':
        return itemDone(ev);
      case 'response.completed':
      case 'response.incomplete': {
        ended = true;
        const r: Json = ev.response ?? {};
        meta(r);
        return head() + chunk({}, finishReason(r.status ?? (type === 'response.completed' ? 'completed' : 'incomplete'), r.incomplete_details, tools > 0)) + w.end(chatUsage(r.usage));
      }
      case 'response.failed':
        return failure(ev.response?.error ?? undefined);
      case 'error':
        return failure(ev.error ?? ev);
      default:
        return ''; // part and done events whose content came as deltas, annotations, future events
    }
  };

  return {
    get ended() {
      return ended;
    },
    endEvent: 'response.completed',
    event(name, data) {
      if (ended) return '';
      let ev: Json;
      try {
        ev = JSON.parse(data) as Json;
      } catch {
        throw new Error(`The provider sent an unreadable ${name || 'Responses'} event.`);
      }
      if (typeof ev !== 'object' || ev === null) throw new Error(`The provider sent an unreadable ${name || 'Responses'} event.`);
      return handle(typeof ev.type === 'string' ? ev.type : name, ev);
    },
  };
}

/** Translate a Responses SSE body into a chat SSE body (cancelling the result cancels `body`). */
export function responsesToChatStream(body: ReadableStream<Uint8Array>, opts: StreamOptions): ReadableStream<Uint8Array> {
  return sseTransform(body, createStreamTranslator(opts));
}
