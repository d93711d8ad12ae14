/**
 * Chat SSE (`chat.completion.chunk`s) → Responses SSE (ENDPOINTS.md §4.3), one incremental state machine:
 * `response.created` and `response.in_progress` first; each output item announced (`output_item.added`) before
 * any of its deltas, at a dense `output_index` in the order items appear; text as `content_part.added`,
 * `output_text.delta`…, `output_text.done`, `content_part.done`; reasoning as a summary part (signed thinking
 * blocks as the item's `encrypted_content` when asked for, thinking.ts); tool calls as
 * `function_call_arguments.delta`/`.done` (custom tools: `custom_tool_call_input.delta`/`.done`, whole);
 * `output_item.done` for every item; then exactly one of `response.completed` / `response.incomplete` /
 * `response.failed` carrying the full output and usage. A `sequence_number` on every event; no `[DONE]`.
 * The provider's reasoning state (`reasoning_details`, signed `thinking_blocks`, each call's `extra_content`)
 * leaves, when asked for, as a reasoning item's `encrypted_content`: the gateway envelope naming the provider, of
 * what came with that item; what comes once no reasoning item is open goes in a reasoning item with no summary,
 * before the call that needs it or at the end (reasoning-state.ts collects it).
 * Upstream SSE comments (Anthropic pings, provider keep-alives) go on as `: keep-alive` comments.
 * The final events repeat the text, reasoning and arguments, so all of them are held to the end: at most
 * MINI_LLM_MAX_STREAM_STATE_BYTES (stream-state.ts), checked before each chunk is taken in, so that the failure
 * that ends a larger answer carries only what the client already saw.
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
import { sseTransform, type SseTranslator } from '../../sse.js';
import { ENTRY_COST, StreamState } from '../../stream-state.js';
import { chunkError, firstChoice, parseChunk, toolCallKeys } from '../chat-chunk.js';
import type { Remember } from '../pivot.js';
import { encodeReasoning } from '../reasoning-envelope.js';
import { ReasoningCollector } from '../reasoning-state.js';
import { newId, responseObject, statusOf, usageFromChat, type Echo, type ResponsesUsage, type Status } from './envelope.js';
import { callItem, customInput, isCustom, reasoningItem, refusalPart, textPart } from './items.js';
import type { ToolOrigins } from './request.js';

type Json = Record<string, any>;

export interface StreamContext {
  echo: Echo;
  origins: ToolOrigins;
  /** The response id; generated when absent. */
  id?: string;
  /** Unix seconds; defaults to now. */
  createdAt?: number;
  /** The client asked for `reasoning.encrypted_content` (the provider's reasoning state goes there). */
  encrypted?: boolean;
  /** The provider that answers (named in `encrypted_content`: its state goes back to it only). */
  provider: string;
  /** Keeps the answer's reasoning state for clients that drop it (the reasoning cache), when given. */
  remember?: Remember;
  /** What the translator may hold (MINI_LLM_MAX_STREAM_STATE_BYTES); defaults to the config's default. */
  maxState?: number;
}

export interface ResponsesStreamTranslator extends SseTranslator {
  /** The events that end this stream after a failure (`code`: the gateway's, named in the message). */
  failure(message: string, code: string): string;
}

interface Part {
  kind: 'output_text' | 'refusal';
  text: string;
}

interface OpenMessage {
  kind: 'message';
  index: number;
  id: string;
  parts: Part[];
}

interface OpenReasoning {
  kind: 'reasoning';
  index: number;
  id: string;
  text: string;
}

interface ToolCall {
  index: number; // output_index, -1 until announced
  id: string;
  callId: string;
  chatName: string;
  arguments: string;
  done: boolean;
  /** Its `extra_content` (Gemini's thought signature), and whether it went to the collector. */
  extra?: Json;
  extraTaken?: boolean;
}

/** A spec error code for a provider's error type (the spec's enum has no room for the provider's own). */
const errorCode = (type: unknown) => (type === 'rate_limit_error' || type === 'rate_limit_exceeded' || type === 'insufficient_quota' ? 'rate_limit_exceeded' : 'server_error');

export function createResponsesStreamTranslator(ctx: StreamContext): ResponsesStreamTranslator {
  const id = ctx.id ?? newId('resp');
  const createdAt = ctx.createdAt ?? Math.floor(Date.now() / 1000);
  let echo = ctx.echo;
  let seq = 0;
  let started = false;
  let ended = false;
  let finish: unknown;
  let usage: ResponsesUsage | undefined;
  /** Every item by output_index, in its latest (finished or in-progress) form. */
  const output: Json[] = [];
  let current: OpenMessage | OpenReasoning | undefined;
  const tools = new Map<number, ToolCall>();
  const state = new StreamState(ctx.maxState);
  /** The reasoning state: collected only for a client that asked for it, or for the cache. */
  const keepState = ctx.encrypted === true || ctx.remember !== undefined;
  const collector = new ReasoningCollector(state);

  const event = (type: string, fields: Json) => `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...fields })}\n\n`;
  const response = (status: Status, extra: Json = {}) => responseObject(echo, { id, created_at: createdAt, status, output: output.filter(Boolean), usage, ...extra });

  const start = (chunk?: Json): string => {
    if (started) return '';
    started = true;
    if (typeof chunk?.model === 'string' && chunk.model !== '') echo = { ...echo, model: chunk.model };
    const r = response('in_progress');
    return event('response.created', { response: r }) + event('response.in_progress', { response: r });
  };

  const messageItem = (m: OpenMessage, status: string) => ({
    type: 'message',
    id: m.id,
    status,
    role: 'assistant',
    content: m.parts.map((p) => (p.kind === 'output_text' ? textPart(p.text) : refusalPart(p.text))),
  });

  const closePart = (m: OpenMessage): string => {
    const part = m.parts.at(-1);
    if (!part) return '';
    const at = { item_id: m.id, output_index: m.index, content_index: m.parts.length - 1 };
    const done =
      part.kind === 'output_text'
        ? event('response.output_text.done', { ...at, text: part.text, logprobs: [] }) + event('response.content_part.done', { ...at, part: textPart(part.text) })
        : event('response.refusal.done', { ...at, refusal: part.text }) + event('response.content_part.done', { ...at, part: refusalPart(part.text) });
    return done;
  };

  /** Close the open message or reasoning item (tool calls stay open until the end). */
  const closeCurrent = (status: 'completed' | 'incomplete' = 'completed'): string => {
    const c = current;
    if (!c) return '';
    current = undefined;
    if (c.kind === 'message') {
      const item = messageItem(c, status);
      output[c.index] = item;
      return closePart(c) + event('response.output_item.done', { output_index: c.index, item });
    }
    const at = { item_id: c.id, output_index: c.index, summary_index: 0 };
    const item = reasoningItem(c.id, c.text, undefined, ctx.encrypted ? encodeReasoning({ provider: ctx.provider, ...collector.take() }) : undefined);
    output[c.index] = item;
    const summary =
      c.text === ''
        ? ''
        : event('response.reasoning_summary_text.done', { ...at, text: c.text }) + event('response.reasoning_summary_part.done', { ...at, part: { type: 'summary_text', text: c.text } });
    return summary + event('response.output_item.done', { output_index: c.index, item });
  };

  const open = (kind: 'message' | 'reasoning'): string => {
    state.hold(ENTRY_COST);
    let out = closeCurrent();
    const index = output.length;
    if (kind === 'message') {
      const m: OpenMessage = { kind, index, id: newId('msg'), parts: [] };
      current = m;
      output[index] = messageItem(m, 'in_progress');
      out += event('response.output_item.added', { output_index: index, item: output[index] });
    } else {
      const r: OpenReasoning = { kind, index, id: newId('rs'), text: '' };
      current = r;
      output[index] = reasoningItem(r.id, '', 'in_progress');
      out += event('response.output_item.added', { output_index: index, item: output[index] });
    }
    return out;
  };

  const textDelta = (kind: Part['kind'], delta: string): string => {
    let out = current?.kind === 'message' ? '' : open('message');
    const m = current as OpenMessage;
    if (m.parts.at(-1)?.kind !== kind) {
      out += closePart(m);
      state.hold(ENTRY_COST);
      m.parts.push({ kind, text: '' });
      const part = kind === 'output_text' ? textPart('') : refusalPart('');
      out += event('response.content_part.added', { item_id: m.id, output_index: m.index, content_index: m.parts.length - 1, part });
    }
    const part = m.parts.at(-1)!;
    part.text += delta;
    const at = { item_id: m.id, output_index: m.index, content_index: m.parts.length - 1 };
    return out + (kind === 'output_text' ? event('response.output_text.delta', { ...at, delta, logprobs: [] }) : event('response.refusal.delta', { ...at, delta }));
  };

  const reasoningDelta = (delta: string): string => {
    const out = current?.kind === 'reasoning' ? '' : open('reasoning');
    const r = current as OpenReasoning;
    const at = { item_id: r.id, output_index: r.index, summary_index: 0 };
    const part = r.text === '' ? event('response.reasoning_summary_part.added', { ...at, part: { type: 'summary_text', text: '' } }) : '';
    r.text += delta;
    return out + part + event('response.reasoning_summary_text.delta', { ...at, delta });
  };

  /**
   * Signed thinking blocks belong to the reasoning item they finish (a new one when none is open); kept only for
   * a client that asked for them (`encrypted_content`).
   */
  const thinkingBlocks = (blocks: Json[]): string => {
    const out = current?.kind === 'reasoning' ? '' : open('reasoning');
    if (keepState) collector.addBlocks(blocks);
    return out;
  };

  /** State not handed out yet, in a reasoning item: the open one, else one of its own (for a client that asked). */
  const flushState = (): string => {
    if (!ctx.encrypted || !collector.pending) return '';
    return (current?.kind === 'reasoning' ? '' : open('reasoning')) + closeCurrent();
  };

  /** A call's extra goes to the collector once its id is known. */
  const takeExtra = (t: ToolCall) => {
    if (t.extra === undefined || t.extraTaken || t.callId === '') return;
    t.extraTaken = true;
    collector.addExtra(t.callId, t.extra);
  };

  const announce = (t: ToolCall): string => {
    t.callId ||= newId('call');
    takeExtra(t);
    let out = flushState() + closeCurrent();
    t.index = output.length;
    output[t.index] = callItem({ ...t, arguments: '' }, ctx.origins, 'in_progress');
    out += event('response.output_item.added', { output_index: t.index, item: output[t.index] });
    if (t.arguments !== '' && !isCustom(t.chatName, ctx.origins)) out += event('response.function_call_arguments.delta', { item_id: t.id, output_index: t.index, delta: t.arguments });
    return out;
  };

  const keyOf = toolCallKeys();

  const toolDelta = (tc: Json): string => {
    const k = keyOf(tc);
    let t = tools.get(k);
    if (!t) {
      state.hold(ENTRY_COST);
      t = { index: -1, id: newId('fc'), callId: '', chatName: '', arguments: '', done: false };
      tools.set(k, t);
    }
    const fn = tc.function ?? {};
    if (t.index < 0) {
      if (typeof tc.id === 'string' && tc.id !== '') t.callId = tc.id;
      if (typeof fn.name === 'string') t.chatName += fn.name;
    }
    if (keepState && t.extra === undefined && tc.extra_content !== null && typeof tc.extra_content === 'object' && !Array.isArray(tc.extra_content)) {
      t.extra = tc.extra_content;
      if (t.index >= 0) takeExtra(t); // arrived after its call was announced: goes in a later reasoning item
    }
    const args = typeof fn.arguments === 'string' ? fn.arguments : '';
    t.arguments += args;
    if (t.index < 0) return t.chatName !== '' ? announce(t) : '';
    if (args === '' || isCustom(t.chatName, ctx.origins)) return '';
    return event('response.function_call_arguments.delta', { item_id: t.id, output_index: t.index, delta: args });
  };

  const closeTool = (t: ToolCall, status: 'completed' | 'incomplete'): string => {
    let out = t.index < 0 ? announce(t) : '';
    t.done = true;
    t.callId ||= newId('call');
    const at = { item_id: t.id, output_index: t.index };
    const item = callItem(t, ctx.origins, status);
    output[t.index] = item;
    if (item.type === 'custom_tool_call') {
      const input = customInput(t.arguments);
      out += event('response.custom_tool_call_input.delta', { ...at, delta: input }) + event('response.custom_tool_call_input.done', { ...at, input });
    } else {
      out += event('response.function_call_arguments.done', { ...at, name: item.name, arguments: t.arguments });
    }
    return out + event('response.output_item.done', { output_index: t.index, item });
  };

  /** The end of the answer: every open item done, then the one terminal event. */
  const complete = (): string => {
    ended = true;
    const { status, incomplete_details } = statusOf(finish);
    const itemStatus = status === 'completed' ? 'completed' : 'incomplete';
    let out = start() + closeCurrent(itemStatus);
    const open = [...tools.values()].filter((t) => !t.done).sort((a, b) => (a.index < 0 ? Infinity : a.index) - (b.index < 0 ? Infinity : b.index));
    for (const t of open) out += closeTool(t, itemStatus);
    out += flushState();
    remember();
    const type = status === 'completed' ? 'response.completed' : 'response.incomplete';
    return out + event(type, { response: response(status, { incomplete_details }) });
  };

  /** The whole answer's state to the cache, with its reasoning text (the reasoning items' summaries), if it called tools. */
  const remember = () => {
    const ids = [...tools.values()].map((t) => t.callId).filter((id) => id !== '');
    if (!ctx.remember || ids.length === 0) return;
    const state = collector.all();
    const text = output.map((i) => (i?.type === 'reasoning' ? (i.summary[0]?.text ?? '') : '')).join('');
    if (text !== '') state.reasoning_content = text;
    ctx.remember(ids, state);
  };

  /** A failure: what was produced so far (open items as they stand), then `response.failed`. */
  const fail = (message: string, code: string): string => {
    ended = true;
    const out = start();
    // Items still open go in as they stand (`output` holds them as announced; deltas are not copied in as they pass).
    if (current?.kind === 'message') output[current.index] = messageItem(current, 'incomplete');
    if (current?.kind === 'reasoning') output[current.index] = { ...reasoningItem(current.id, current.text), status: 'incomplete' };
    for (const t of tools.values()) if (!t.done && t.index >= 0) output[t.index] = callItem(t, ctx.origins, 'incomplete');
    return out + event('response.failed', { response: response('failed', { error: { code, message } }) });
  };

  const chunk = (c: Json): string => {
    const error = chunkError(c);
    if (error) return fail(error.type !== undefined ? `${error.message} (${error.type})` : error.message, errorCode(error.type));
    const choice = firstChoice(c);
    const d: Json = choice?.delta ?? {};
    const reasoning = d.reasoning_content ?? d.reasoning;
    // Checked before anything is taken in: the items, parts and calls this delta may open come on top of its text.
    const text = choice ? textOf(d, reasoning, ctx.encrypted === true) : 0;
    if (choice) state.check(text + ENTRY_COST * entriesOf(d, reasoning));
    let out = start(c);
    if (c.usage) usage = usageFromChat(c.usage) ?? usage;
    if (!choice) return out;
    state.hold(text);
    if (typeof reasoning === 'string' && reasoning !== '') out += reasoningDelta(reasoning);
    if (Array.isArray(d.thinking_blocks) && d.thinking_blocks.length > 0) out += thinkingBlocks(d.thinking_blocks);
    if (keepState) collector.addDetails(d.reasoning_details);
    if (typeof d.content === 'string' && d.content !== '') out += textDelta('output_text', d.content);
    if (typeof d.refusal === 'string' && d.refusal !== '') out += textDelta('refusal', d.refusal);
    if (Array.isArray(d.tool_calls)) for (const tc of d.tool_calls) out += toolDelta(tc ?? {});
    if (choice.finish_reason != null) finish = choice.finish_reason;
    return out;
  };

  return {
    get ended() {
      return ended;
    },
    endEvent: 'data: [DONE]',
    event(_name, data) {
      if (ended) return '';
      if (data.trim() === '[DONE]') return complete();
      return chunk(parseChunk(data));
    },
    comment: () => (ended ? '' : ': keep-alive\n\n'),
    // A provider that closes after its finish chunk without `[DONE]`: the answer is whole. Without one, it is not.
    finish: () => (finish !== undefined ? complete() : undefined),
    failure: (message, code) => (ended ? '' : fail(`${message} (${code})`, 'server_error')),
  };
}

const len = (s: unknown) => (typeof s === 'string' ? s.length : 0);

/** The text a delta adds to what the translator holds: reasoning, signed blocks (when kept), text, arguments. */
function textOf(d: Json, reasoning: unknown, keepBlocks: boolean): number {
  let n = len(reasoning) + len(d.content) + len(d.refusal);
  if (keepBlocks && Array.isArray(d.thinking_blocks)) for (const b of d.thinking_blocks) if (typeof b === 'object' && b !== null) n += JSON.stringify(b).length;
  if (Array.isArray(d.tool_calls)) for (const tc of d.tool_calls) n += len(tc?.id) + len(tc?.function?.name) + len(tc?.function?.arguments);
  return n;
}

/** The most items, parts and calls a delta may open (a message item and its part for text or a refusal). */
const entriesOf = (d: Json, reasoning: unknown): number =>
  (len(reasoning) > 0 ? 1 : 0) +
  (Array.isArray(d.thinking_blocks) && d.thinking_blocks.length > 0 ? 1 : 0) +
  (len(d.content) > 0 ? 2 : 0) +
  (len(d.refusal) > 0 ? 2 : 0) +
  (Array.isArray(d.tool_calls) ? d.tool_calls.length : 0);

/** Translate a chat SSE body into a Responses SSE body (see createResponsesStreamTranslator). */
export function chatToResponsesStream(body: ReadableStream<Uint8Array>, translator: ResponsesStreamTranslator): ReadableStream<Uint8Array> {
  return sseTransform(body, translator);
}
