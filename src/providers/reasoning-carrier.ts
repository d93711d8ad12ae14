/**
 * Reasoning state on earlier assistant messages, put where the provider reads it (its `reasoning` setting,
 * REASONING.md): a field one provider requires is one another refuses (DeepSeek and Kimi answer 400 without
 * `reasoning_content` on a tool-call message; Groq, Cerebras and Mistral answer 400/422 when it is there).
 * - `reasoning_content`: the text (from `reasoning_content`, else `reasoning`) in `reasoning_content`, the key
 *   present (`""` when there is none) on every message with tool calls; `reasoning`, `reasoning_details` removed.
 * - `reasoning`: the text in `reasoning`; `reasoning_content`, `reasoning_details` removed.
 * - `reasoning_details`: `reasoning_details` kept unmodified; `reasoning_content`, `reasoning` removed.
 * - `none`: all three removed, and `thinking_blocks` too.
 * A tool call's `extra_content` (Gemini's thought signature) always stays with its call: the dialects only keep it
 * for the provider that issued it. Pure: the body comes back as it was (no copy) unless a message changes.
 */
import type { ReasoningCarrier } from './table.js';
import type { ChatBody } from './types.js';

type Json = Record<string, unknown>;

const FIELDS = ['reasoning_content', 'reasoning', 'reasoning_details'] as const;
const REMOVABLE = [...FIELDS, 'thinking_blocks'] as const;

const isAssistant = (m: unknown): m is Json =>
  typeof m === 'object' && m !== null && !Array.isArray(m) && (m as Json).role === 'assistant';

const hasToolCalls = (m: Json) => Array.isArray(m.tool_calls) && m.tool_calls.length > 0;

/** The reasoning text a message carries: `reasoning_content`, else `reasoning` (both are the same thing on input). */
const textOf = (m: Json): string | undefined =>
  typeof m.reasoning_content === 'string' ? m.reasoning_content : typeof m.reasoning === 'string' ? m.reasoning : undefined;

/** The carrier drops this field of an assistant message. */
const drops = (key: string, carrier: ReasoningCarrier) =>
  carrier === 'none' ? (REMOVABLE as readonly string[]).includes(key) : key !== carrier && (FIELDS as readonly string[]).includes(key);

/** The message does not already look as the carrier wants it. */
function needsChange(m: Json, carrier: ReasoningCarrier): boolean {
  for (const f of REMOVABLE) if (drops(f, carrier) && Object.hasOwn(m, f)) return true;
  if (carrier === 'reasoning_content') return hasToolCalls(m) && typeof m.reasoning_content !== 'string';
  return false;
}

/**
 * A copy of the message with its reasoning in the carrier's field alone, built key by key (`delete` would make
 * every copy slow); `defineProperty` keeps a key named `__proto__` an ordinary field.
 */
function rewrite(m: Json, carrier: ReasoningCarrier): Json {
  const text = textOf(m);
  const out: Json = {};
  for (const k of Object.keys(m)) {
    if (drops(k, carrier)) continue;
    if (k === '__proto__') Object.defineProperty(out, k, { value: m[k], enumerable: true, writable: true, configurable: true });
    else out[k] = m[k];
  }
  if (carrier === 'reasoning_content') {
    if (text !== undefined) out.reasoning_content = text;
    else if (hasToolCalls(m)) out.reasoning_content = '';
  } else if (carrier === 'reasoning' && text !== undefined) out.reasoning = text;
  return out;
}

/** The body with each assistant message's reasoning state in the provider's carrier (see the file comment). */
export function applyReasoningCarrier(body: ChatBody, carrier: ReasoningCarrier): ChatBody {
  const messages = body.messages;
  if (!Array.isArray(messages)) return body;
  let first = -1;
  for (let i = 0; i < messages.length; i++) {
    const m: unknown = messages[i];
    if (isAssistant(m) && needsChange(m, carrier)) {
      first = i;
      break;
    }
  }
  if (first < 0) return body;
  const out: unknown[] = messages.slice(0, first);
  for (let i = first; i < messages.length; i++) {
    const m: unknown = messages[i];
    out.push(isAssistant(m) && needsChange(m, carrier) ? rewrite(m, carrier) : m);
  }
  return { ...body, messages: out };
}
