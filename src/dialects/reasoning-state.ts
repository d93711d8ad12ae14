/**
 * One assistant message's reasoning state in the pivot's own fields (dialects/pivot.ts): what a provider returned
 * with its answer and needs back on the next request of a tool loop. Read from a whole chat answer
 * (`stateOfMessage`), collected from a chat stream (`ReasoningCollector`), put on a chat request's assistant
 * message (`withState`, `restoreState`). Dialects whose clients have no field for it carry it in the gateway
 * envelope (reasoning-envelope.ts); the reasoning cache keeps it for clients that drop it.
 */
import { pushAll } from '../lists.js';
import { ENTRY_COST } from '../stream-state.js';
import { isObject } from '../json.js';

type Json = Record<string, unknown>;

export interface PivotState {
  /** Reasoning text (`reasoning_content`, or `reasoning` as vLLM and OpenRouter spell it). */
  reasoning_content?: string;
  /** Opaque entries in OpenRouter's shape, unmodified. */
  reasoning_details?: Json[];
  /** Per tool call (by id): its `extra_content` (Gemini's thought signature), unmodified. */
  extra_content?: Record<string, Json>;
  /** Signed thinking blocks in Anthropic's shape, unmodified. */
  thinking_blocks?: Json[];
}

const objects = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);

/** The state holds something to send back (text, entries, blocks or a call's extra). */
export const hasState = (s: PivotState): boolean =>
  (s.reasoning_content ?? '') !== '' || (s.reasoning_details?.length ?? 0) > 0 || (s.thinking_blocks?.length ?? 0) > 0 || Object.keys(s.extra_content ?? {}).length > 0;

/** The state holds something other than text: what only the gateway envelope can carry through a client. */
export const hasOpaqueState = (s: PivotState): boolean => hasState({ ...s, reasoning_content: undefined });

/** The state of a chat answer's (or a chat request's) assistant message. */
export function stateOfMessage(m: Json): PivotState {
  const state: PivotState = {};
  const text = typeof m.reasoning_content === 'string' ? m.reasoning_content : typeof m.reasoning === 'string' ? m.reasoning : '';
  if (text !== '') state.reasoning_content = text;
  const details = objects(m.reasoning_details);
  if (details.length > 0) state.reasoning_details = details;
  const blocks = objects(m.thinking_blocks);
  if (blocks.length > 0) state.thinking_blocks = blocks;
  const extras: [string, Json][] = [];
  for (const tc of Array.isArray(m.tool_calls) ? m.tool_calls : []) {
    if (isObject(tc) && typeof tc.id === 'string' && tc.id !== '' && isObject(tc.extra_content)) extras.push([tc.id, tc.extra_content]);
  }
  // fromEntries defines each key as an own field (an id `__proto__` stays a field); read back with Object.hasOwn.
  if (extras.length > 0) state.extra_content = Object.fromEntries(extras);
  return state;
}

/** The ids of an assistant message's tool calls (empty ones left out). */
export function toolCallIds(m: Json): string[] {
  const ids: string[] = [];
  for (const tc of Array.isArray(m.tool_calls) ? m.tool_calls : []) if (isObject(tc) && typeof tc.id === 'string' && tc.id !== '') ids.push(tc.id);
  return ids;
}

/** A chat request's assistant message carries no reasoning state at all (a client that drops it sent it). */
export function carriesNoState(m: Json): boolean {
  if (m.reasoning_content !== undefined || m.reasoning !== undefined || m.reasoning_details !== undefined || m.thinking_blocks !== undefined) return false;
  for (const tc of Array.isArray(m.tool_calls) ? m.tool_calls : []) if (isObject(tc) && tc.extra_content !== undefined) return false;
  return true;
}

/**
 * The assistant message with the state added (a copy; `m` is not changed): text as `reasoning_content`, entries
 * and blocks after any it has, each call's extra on the call of that id.
 */
export function withState(m: Json, state: PivotState): Json {
  const out: Json = { ...m };
  if (state.reasoning_content !== undefined && typeof out.reasoning_content !== 'string') out.reasoning_content = state.reasoning_content;
  if (state.reasoning_details && state.reasoning_details.length > 0) out.reasoning_details = pushAll(objects(out.reasoning_details), state.reasoning_details);
  if (state.thinking_blocks && state.thinking_blocks.length > 0) out.thinking_blocks = pushAll(objects(out.thinking_blocks), state.thinking_blocks);
  const x = state.extra_content;
  if (x && Array.isArray(m.tool_calls)) {
    out.tool_calls = m.tool_calls.map((tc: unknown) =>
      isObject(tc) && typeof tc.id === 'string' && Object.hasOwn(x, tc.id) && tc.extra_content === undefined ? { ...tc, extra_content: x[tc.id] } : tc,
    );
  }
  return out;
}

/**
 * The chat body with the state of each assistant tool-call message that arrived without any put back from
 * `recall` (the reasoning cache, by any of its tool call ids). The body comes back as it was (no copy) when
 * nothing is recalled. Linear in the messages.
 */
export function restoreState(body: Json, recall: (ids: string[]) => PivotState | undefined): Json {
  const messages = body.messages;
  if (!Array.isArray(messages)) return body;
  let out: unknown[] | undefined;
  for (let i = 0; i < messages.length; i++) {
    const m: unknown = messages[i];
    if (!isObject(m) || m.role !== 'assistant' || !carriesNoState(m)) continue;
    const ids = toolCallIds(m);
    const state = ids.length > 0 ? recall(ids) : undefined;
    if (!state) continue;
    out ??= messages.slice();
    out[i] = withState(m, state);
  }
  return out ? { ...body, messages: out } : body;
}

/**
 * The most reasoning text of one streamed answer kept for the reasoning cache (characters). Past it the cache
 * entry goes without its text (a provider that requires the field then gets it empty).
 */
export const REMEMBERED_TEXT_LIMIT = 1 << 20;

/** What a stream translator holds, against its bound (stream-state.ts). */
export interface Holder {
  hold(n: number): void;
}

/** Fields of a `reasoning_details` fragment that continue the entry before it (concatenated). */
const CONTINUED = ['text', 'summary', 'data'] as const;

/** What an entry costs besides its text (an object and its keys), roughly. */
const ENTRY = ENTRY_COST;

/**
 * The reasoning state of one streamed answer: `reasoning_details` fragments merged into entries (consecutive
 * fragments of one `index` and `type` are one entry, their text, summary or data concatenated), signed blocks,
 * each tool call's `extra_content`. What has not gone into an envelope yet is `pending` (`take` hands it over);
 * `all` is the whole answer's, for the reasoning cache, with its reasoning text while that stays under
 * `textLimit` (past it, the text is left out of the cache: it is best effort). Every entry held counts against
 * `holder`, so a provider that streams more state than the bound ends the stream instead of growing memory.
 */
export class ReasoningCollector {
  private readonly details: Json[] = [];
  private detailsSent = 0;
  private readonly blocks: Json[] = [];
  private blocksSent = 0;
  private readonly extras: [string, Json][] = [];
  private extrasSent = 0;
  private text = '';
  private textLost = false;

  constructor(
    private readonly holder: Holder,
    private readonly textLimit = 0,
  ) {}

  /** A delta's `reasoning_details` fragments (a field an earlier fragment left null takes a later value: OpenRouter's `signature`). */
  addDetails(list: unknown): void {
    if (!Array.isArray(list)) return;
    for (const d of list) {
      if (!isObject(d)) continue;
      const last = this.details.length > this.detailsSent ? this.details[this.details.length - 1] : undefined;
      if (last && last.index === d.index && last.type === d.type && d.index !== undefined) {
        for (const [k, v] of Object.entries(d)) {
          if ((CONTINUED as readonly string[]).includes(k) && typeof v === 'string') {
            this.holder.hold(v.length);
            last[k] = typeof last[k] === 'string' ? last[k] + v : v;
          } else if ((!Object.hasOwn(last, k) || last[k] === null) && k !== '__proto__') {
            this.holder.hold(k.length + JSON.stringify(v ?? null).length);
            last[k] = v;
          }
        }
      } else {
        this.holder.hold(ENTRY + JSON.stringify(d).length);
        this.details.push(copy(d));
      }
    }
  }

  /** A delta's signed thinking blocks (each arrives whole). */
  addBlocks(list: unknown): void {
    for (const b of objects(list)) {
      this.holder.hold(ENTRY + JSON.stringify(b).length);
      this.blocks.push(b);
    }
  }

  /** A tool call's `extra_content`, once its id is known. */
  addExtra(id: string, extra: Json): void {
    this.holder.hold(ENTRY + id.length + JSON.stringify(extra).length);
    this.extras.push([id, extra]);
  }

  /** Reasoning text, kept for the cache only (and only while under the text limit). */
  addText(text: string): void {
    if (this.textLost) return;
    if (this.text.length + text.length > this.textLimit) {
      this.textLost = true;
      this.text = '';
      return;
    }
    this.text += text;
  }

  /** Something collected has not been handed over yet. */
  get pending(): boolean {
    return this.details.length > this.detailsSent || this.blocks.length > this.blocksSent || this.extras.length > this.extrasSent;
  }

  /** What has not been handed over yet, now handed over. */
  take(): PivotState {
    const state: PivotState = {};
    if (this.details.length > this.detailsSent) state.reasoning_details = this.details.slice(this.detailsSent);
    if (this.blocks.length > this.blocksSent) state.thinking_blocks = this.blocks.slice(this.blocksSent);
    if (this.extras.length > this.extrasSent) state.extra_content = Object.fromEntries(this.extras.slice(this.extrasSent));
    this.detailsSent = this.details.length;
    this.blocksSent = this.blocks.length;
    this.extrasSent = this.extras.length;
    return state;
  }

  /** The whole answer's state (for the cache). */
  all(): PivotState {
    const state: PivotState = {};
    if (!this.textLost && this.text !== '') state.reasoning_content = this.text;
    if (this.details.length > 0) state.reasoning_details = this.details.slice();
    if (this.blocks.length > 0) state.thinking_blocks = this.blocks.slice();
    if (this.extras.length > 0) state.extra_content = Object.fromEntries(this.extras);
    return state;
  }
}

/** A fragment copied into an entry of its own (later fragments are concatenated onto it, never onto the chunk's object). */
function copy(d: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(d)) {
    if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    else out[k] = v;
  }
  return out;
}
