/**
 * OpenAI chat SSE → Anthropic Messages SSE (ENDPOINTS.md §3.3), one upstream chunk at a time. What Anthropic
 * clients enforce, and this keeps:
 * - exactly one `message_start`, first; `type` inside every event's data;
 * - content blocks with dense indexes, each closed (`content_block_stop`) before the next opens;
 * - reasoning (`reasoning_content` / `reasoning`) in a `thinking` block of its own, never in a text block;
 * - `tool_use` blocks started with `input: {}` and filled by `input_json_delta`, tool calls tracked by their
 *   chat `index` (later chunks omit the id), started once their name is known, one after another (interleaved
 *   arguments of parallel calls wait their turn);
 * - `message_delta` (stop reason, usage) held until the usage chunk that `include_usage` brings, then
 *   `message_stop`, and nothing after it; stop reason `tool_use` whenever a tool call was emitted;
 * - an upstream keep-alive (an SSE comment, or a chunk that maps to nothing) becomes a `ping`; an error frame
 *   becomes one `event: error`;
 * - the provider's reasoning state (`reasoning_details`, signed `thinking_blocks`, each call's `extra_content`)
 *   leaves in thinking signatures, the gateway envelope naming the provider: each thinking block ends with a
 *   `signature_delta` carrying what came so far; what comes once no thinking block is open goes in a thinking
 *   block with no text, before the tool_use that needs it or at the end (reasoning-state.ts collects it), except
 *   after the text that ends an answer without tool calls (Gemini 3's signature on its last text part): the text
 *   stays the last block, as Claude Code and the Agent SDK take the last block for the answer (`claude -p`
 *   printed nothing), and no provider checks the state of an answer that made no call.
 * What waits (a tool call's arguments until they are whole, the arguments of a call not started yet, text behind
 * an unfinished call, the reasoning state) is held up to MINI_LLM_MAX_STREAM_STATE_BYTES (stream-state.ts); past
 * it the stream fails.
 */
import { sseTransform, type SseTranslator } from '../../sse.js';
import { ENTRY_COST, StreamState } from '../../stream-state.js';
import { chunkError, firstChoice, parseChunk, toolCallKeys } from '../chat-chunk.js';
import type { Remember } from '../pivot.js';
import { encodeReasoning } from '../reasoning-envelope.js';
import { ReasoningCollector, REMEMBERED_TEXT_LIMIT } from '../reasoning-state.js';
import { anthropicErrorType, messagesErrorFrame } from './errors.js';
import { mapChatUsage, mapFinishReason, messageId, toolName, toolUseId, type AnthropicUsage } from './response.js';

type Json = Record<string, any>;

const event = (type: string, payload: Json = {}) => `event: ${type}\ndata: ${JSON.stringify({ type, ...payload })}\n\n`;

interface ToolCall {
  /** Its content block index, once started. */
  block?: number;
  id: string;
  name: string;
  /** The argument fragments not sent yet (kept apart: slicing one growing string flattens it every time). */
  unsent: string;
  /** Whether the arguments so far are whole JSON. */
  json: WholeJson;
  /** Its `extra_content` (Gemini's thought signature), and whether it went to the collector. */
  extra?: Json;
  extraTaken?: boolean;
}

/**
 * Whether a call's arguments are whole: one complete JSON object or array (nothing yet is not whole: more may
 * come). Fed fragment by fragment, each character read once, and JSON.parse run once, when the outermost
 * bracket closes: re-parsing the whole text on every fragment would cost time quadratic in the arguments' size
 * (a 400 KB argument in 20-byte fragments stalled the event loop for seconds). The text it keeps for that one
 * parse counts against `state`, and is let go as soon as the bracket closes.
 */
export class WholeJson {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private closed = false;
  /** Not an object or array, or text after its end: it can never become whole. */
  private broken = false;
  private text = '';
  private verdict: boolean | undefined;

  constructor(private readonly state = new StreamState()) {}

  feed(fragment: string): void {
    if (this.broken) return;
    if (!this.closed) {
      this.state.hold(fragment.length);
      this.text += fragment;
    }
    for (let i = 0; i < fragment.length; i++) {
      const c = fragment.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true;
        else if (c === 0x22) this.inString = false;
        continue;
      }
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
      if (this.closed || (this.depth === 0 && c !== 0x7b && c !== 0x5b)) {
        this.broken = true;
        this.drop();
        return;
      }
      if (c === 0x22) this.inString = true;
      else if (c === 0x7b || c === 0x5b) this.depth++;
      else if ((c === 0x7d || c === 0x5d) && --this.depth === 0) this.closed = true;
    }
    if (this.closed && this.verdict === undefined) {
      try {
        JSON.parse(this.text);
        this.verdict = true;
      } catch {
        this.verdict = false;
      }
      this.drop();
    }
  }

  get whole(): boolean {
    return !this.broken && this.verdict === true;
  }

  private drop(): void {
    this.state.release(this.text.length);
    this.text = '';
  }
}

export interface MessagesStreamOptions {
  /** The model name the client asked for, echoed in `message_start`. */
  model: string;
  /** The client's tool names the request shortened, by their chat name. */
  names?: ReadonlyMap<string, string>;
  /** What the translator may hold (MINI_LLM_MAX_STREAM_STATE_BYTES); defaults to the config's default. */
  maxState?: number;
  /** The provider that answers: named in the thinking signatures (its state goes back to it only). */
  provider: string;
  /** Keeps the answer's reasoning state for clients that drop it (the reasoning cache), when given. */
  remember?: Remember;
}

export function createMessagesStreamTranslator(opts: MessagesStreamOptions): SseTranslator {
  let started = false;
  let ended = false;
  /** The next content block's index, the open block's kind, and the kind of the last block opened. */
  let nextBlock = 0;
  let open: 'text' | 'thinking' | 'tool' | undefined;
  let lastBlock: 'text' | 'thinking' | 'tool' | undefined;
  const tools = new Map<number, ToolCall>();
  let toolUsed = false;
  let finish: unknown;
  let stopString: unknown;
  let usage: AnthropicUsage | undefined;
  let sawText = false;
  let sawRefusal = false;
  const state = new StreamState(opts.maxState);
  const collector = new ReasoningCollector(state, opts.remember ? REMEMBERED_TEXT_LIMIT : 0);

  const start = (chatId: unknown): string => {
    if (started) return '';
    started = true;
    const message = {
      id: messageId(chatId),
      type: 'message',
      role: 'assistant',
      model: opts.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    };
    return event('message_start', { message });
  };

  /** A thinking block ends with the envelope of the state not sent yet (the text's origin, at least). */
  const close = (): string => {
    if (open === undefined) return '';
    const signature = open === 'thinking' ? encodeReasoning({ provider: opts.provider, ...collector.take() }) : '';
    const out = signature === '' ? '' : event('content_block_delta', { index: nextBlock - 1, delta: { type: 'signature_delta', signature } });
    open = undefined;
    return out + event('content_block_stop', { index: nextBlock - 1 });
  };

  /** Closes the open block; state not sent yet goes in a thinking block of its own, with no text. */
  const closeWithState = (): string => {
    const out = close();
    return collector.pending ? out + openBlock('thinking', { type: 'thinking', thinking: '', signature: '' }) + close() : out;
  };

  const openBlock = (kind: 'text' | 'thinking' | 'tool', contentBlock: Json): string => {
    const out = close() + event('content_block_start', { index: nextBlock, content_block: contentBlock });
    nextBlock++;
    open = lastBlock = kind;
    return out;
  };

  /** The answer's end: closes the open block; state not sent yet goes in a thinking block unless text ends an answer with no call. */
  const closeAtEnd = (): string => {
    if (lastBlock !== 'text' || toolUsed) return closeWithState();
    collector.take();
    return close();
  };

  const textDelta = (kind: 'text' | 'thinking', text: string): string => {
    let out = '';
    if (open !== kind) out += openBlock(kind, kind === 'text' ? { type: 'text', text: '' } : { type: 'thinking', thinking: '', signature: '' });
    const delta = kind === 'text' ? { type: 'text_delta', text } : { type: 'thinking_delta', thinking: text };
    return out + event('content_block_delta', { index: nextBlock - 1, delta });
  };

  /**
   * Tool calls in the order they appeared (once named). The first not yet finished is the live one, its block
   * open and its arguments streamed as they come; the next starts once the live one's arguments are whole. So a
   * provider that interleaves the arguments of parallel calls still gets each block whole, in order, while the
   * usual one-after-another stream stays live.
   */
  const queue: ToolCall[] = [];
  let live: ToolCall | undefined;

  const sendArgs = (call: ToolCall): string => {
    if (call.unsent === '') return '';
    const partial = call.unsent;
    call.unsent = '';
    return event('content_block_delta', { index: call.block, delta: { type: 'input_json_delta', partial_json: partial } });
  };

  const startTool = (call: ToolCall): string => {
    const id = (call.id ||= toolUseId());
    takeExtra(call);
    const out = closeWithState() + openBlock('tool', { type: 'tool_use', id, name: toolName(call.name, opts.names), input: {} });
    call.block = nextBlock - 1;
    live = call;
    toolUsed = true;
    state.release(call.unsent.length); // the arguments that waited for the block go out now
    return out + sendArgs(call);
  };

  /** Start waiting calls while nothing holds them: no live call, or a live one whose arguments are whole. */
  const advance = (force = false): string => {
    let out = '';
    while (queue.length > 0 && (force || live === undefined || open !== 'tool' || live.json.whole)) out += startTool(queue.shift()!);
    return out;
  };

  /**
   * Text or thinking that arrives while the open tool call's arguments are still incomplete: held until they
   * are whole (or the answer ends), because opening a text block closes the tool block, and a closed block
   * takes no more arguments (its input would stay cut).
   */
  let held: Array<['text' | 'thinking', string]> = [];
  let heldBytes = 0;
  const holding = () => open === 'tool' && live !== undefined && !live.json.whole;
  const say = (kind: 'text' | 'thinking', text: string): string => {
    if (!holding()) return textDelta(kind, text);
    state.hold(ENTRY_COST + text.length);
    heldBytes += ENTRY_COST + text.length;
    held.push([kind, text]);
    return '';
  };
  const flushHeld = (): string => {
    const waiting = held;
    held = [];
    state.release(heldBytes);
    heldBytes = 0;
    return waiting.map(([kind, text]) => textDelta(kind, text)).join('');
  };

  const keyOf = toolCallKeys();

  /** A call's extra goes to the collector once its id is known (for a call without one: its tool_use id). */
  const takeExtra = (call: ToolCall) => {
    if (call.extra === undefined || call.extraTaken || call.id === '') return;
    call.extraTaken = true;
    collector.addExtra(call.id, call.extra);
  };

  const toolDelta = (tc: Json): string => {
    const index = keyOf(tc);
    const fn = (tc.function ?? {}) as Json;
    let call = tools.get(index);
    if (!call) {
      state.hold(ENTRY_COST);
      call = { id: '', name: '', unsent: '', json: new WholeJson(state) };
      tools.set(index, call);
    }
    if (typeof tc.id === 'string' && tc.id !== '' && call.id === '') {
      state.hold(tc.id.length);
      call.id = tc.id;
    }
    if (call.extra === undefined && tc.extra_content !== null && typeof tc.extra_content === 'object' && !Array.isArray(tc.extra_content)) call.extra = tc.extra_content;
    if (call.block !== undefined) takeExtra(call); // arrived after its block started: goes in a later thinking block
    const named = call.name !== '';
    if (typeof fn.name === 'string' && fn.name !== '' && call.block === undefined) {
      state.hold(fn.name.length);
      call.name += fn.name;
    }
    // Arguments wait while the call has no block yet, and go out at once while its block is open; a block already
    // closed takes no more (they were never sent).
    if (typeof fn.arguments === 'string' && (call.block === undefined || (call === live && open === 'tool'))) {
      call.json.feed(fn.arguments);
      if (call.block === undefined) state.hold(fn.arguments.length);
      call.unsent += fn.arguments;
    }
    if (!named && call.name !== '') queue.push(call); // a block cannot start without its name
    const out = call === live && open === 'tool' ? sendArgs(call) : '';
    return out + (held.length > 0 && !holding() ? flushHeld() : '') + advance();
  };

  const end = (): string => {
    const waiting = flushHeld() + advance(true) + closeAtEnd();
    ended = true;
    const ids: string[] = [];
    for (const call of tools.values()) if (call.block !== undefined) ids.push(call.id);
    if (ids.length > 0) opts.remember?.(ids, collector.all());
    const stopReason = sawRefusal && !sawText && !toolUsed ? 'refusal' : mapFinishReason(finish, toolUsed, stopString);
    return (
      waiting +
      close() +
      event('message_delta', {
        delta: { stop_reason: stopReason, stop_sequence: stopReason === 'stop_sequence' ? stopString : null },
        usage: usage ?? { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      }) +
      event('message_stop')
    );
  };

  const chunk = (c: Json): string => {
    let out = start(c.id);
    const choice = firstChoice(c);
    if (choice) {
      const delta = (choice.delta ?? {}) as Json;
      const reasoning = delta.reasoning_content ?? delta.reasoning;
      if (typeof reasoning === 'string' && reasoning !== '') {
        collector.addText(reasoning);
        out += say('thinking', reasoning);
      }
      collector.addDetails(delta.reasoning_details);
      collector.addBlocks(delta.thinking_blocks);
      if (typeof delta.content === 'string' && delta.content !== '') {
        sawText = true;
        out += say('text', delta.content);
      }
      // A refusal (OpenAI's structured outputs) is the answer's text, as in a whole answer (response.ts).
      if (typeof delta.refusal === 'string' && delta.refusal !== '') {
        sawRefusal = true;
        out += say('text', delta.refusal);
      }
      if (Array.isArray(delta.tool_calls)) for (const tc of delta.tool_calls) if (tc && typeof tc === 'object') out += toolDelta(tc);
      if (choice.finish_reason != null && finish === undefined) {
        finish = choice.finish_reason;
        stopString = choice.stop_reason;
        out += flushHeld() + advance(true) + closeAtEnd();
      }
    }
    if (c.usage && typeof c.usage === 'object') usage = mapChatUsage(c.usage);
    // The stop reason waits for the usage; both known, the message ends.
    if (finish !== undefined && usage !== undefined) out += end();
    return out;
  };

  return {
    get ended() {
      return ended;
    },
    endEvent: 'data: [DONE]',
    event(_name, data) {
      if (ended) return '';
      if (data === '[DONE]') return start(undefined) + end();
      const c = parseChunk(data);
      const error = chunkError(c);
      if (error) {
        ended = true;
        return messagesErrorFrame(error.message, anthropicErrorType(error.status));
      }
      // A chunk that maps to nothing (an empty delta some upstreams send to keep the connection alive): a ping.
      return chunk(c) || event('ping');
    },
    comment: () => (ended ? '' : start(undefined) + event('ping')),
    // An upstream that ends after its finish chunk but without usage or [DONE] still gave a whole answer.
    finish: () => (finish !== undefined ? start(undefined) + end() : undefined),
  };
}

/** Translate a chat SSE body into a Messages SSE body (cancelling the result cancels `body`). */
export function chatToMessagesStream(body: ReadableStream<Uint8Array>, opts: MessagesStreamOptions): ReadableStream<Uint8Array> {
  return sseTransform(body, createMessagesStreamTranslator(opts));
}
