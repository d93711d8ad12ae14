/**
 * The gateway envelope: a provider's reasoning state carried through a client whose API has no field for it
 * (a Messages `thinking.signature`, a Responses `encrypted_content`), sent back by the client as it got it.
 *
 *   `mlgw.reasoning.v1:` + base64url(JSON `{p: providerId, d?: reasoning_details, x?: {[toolCallId]: extra_content},
 *   b?: thinking_blocks}`)
 *
 * The envelope names the provider that produced the state: decoding for any other provider gives nothing, so
 * state never reaches a provider that did not make it. Not a secret and not signed (the provider checks its own
 * state); a client that changes an envelope only changes what it sends that provider. Decoding never throws: a
 * foreign value (OpenAI's `encrypted_content`, an Anthropic signature), a damaged one or another provider's is
 * `undefined`. Linear time in the text; nesting deeper than `maxDepth` is refused before JSON.parse sees it.
 */
import { base64ToBytes, bytesToBase64 } from '../base64.js';
import { LIMIT_DEFAULTS } from '../config.js';
import { jsonDepthExceeds } from '../json-depth.js';
import { isObject } from '../json.js';

type Json = Record<string, unknown>;

/** Reasoning state in the pivot's own field names (dialects/pivot.ts), and the provider that produced it. */
export interface ReasoningState {
  provider: string;
  /** OpenRouter-shaped entries, unmodified. */
  reasoning_details?: Json[];
  /** Per tool call (by id): its `extra_content` (Gemini's thought signature), unmodified. */
  extra_content?: Record<string, Json>;
  /** Anthropic-shaped signed blocks, unmodified. */
  thinking_blocks?: Json[];
}

export const ENVELOPE_PREFIX = 'mlgw.reasoning.v1:';

/** The text is a gateway envelope (for some provider); it must not reach Anthropic as a signature. */
export const isEnvelope = (text: unknown): text is string => typeof text === 'string' && text.startsWith(ENVELOPE_PREFIX);

const toBase64Url = (text: string): string =>
  bytesToBase64(new TextEncoder().encode(text)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** The UTF-8 text a base64url string holds; throws on anything else. */
function fromBase64Url(b64: string): string {
  if (!/^[A-Za-z0-9_-]*$/.test(b64) || b64.length % 4 === 1) throw new Error('not base64url');
  return new TextDecoder('utf-8', { fatal: true }).decode(base64ToBytes(b64.replace(/-/g, '+').replace(/_/g, '/')));
}

const isObjectArray = (v: unknown): v is Json[] => Array.isArray(v) && v.every(isObject);

/** The state as an envelope. Empty parts are left out. */
export function encodeReasoning(state: ReasoningState): string {
  const packed: Json = { p: state.provider };
  if (state.reasoning_details && state.reasoning_details.length > 0) packed.d = state.reasoning_details;
  if (state.extra_content && Object.keys(state.extra_content).length > 0) packed.x = state.extra_content;
  if (state.thinking_blocks && state.thinking_blocks.length > 0) packed.b = state.thinking_blocks;
  return ENVELOPE_PREFIX + toBase64Url(JSON.stringify(packed));
}

/**
 * The state an envelope carries for `forProvider`, or undefined: not an envelope, damaged, malformed, nested
 * deeper than `maxDepth`, or made for another provider.
 */
export function decodeReasoning(text: unknown, forProvider: string, maxDepth: number = LIMIT_DEFAULTS.maxJsonDepth): ReasoningState | undefined {
  if (!isEnvelope(text)) return undefined;
  let packed: unknown;
  try {
    const json = fromBase64Url(text.slice(ENVELOPE_PREFIX.length));
    if (jsonDepthExceeds(json, maxDepth)) return undefined;
    packed = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!isObject(packed) || packed.p !== forProvider) return undefined;
  const { d, x, b } = packed;
  if (d !== undefined && !isObjectArray(d)) return undefined;
  if (b !== undefined && !isObjectArray(b)) return undefined;
  if (x !== undefined && !(isObject(x) && Object.values(x).every(isObject))) return undefined;
  const state: ReasoningState = { provider: forProvider };
  if (d !== undefined) state.reasoning_details = d;
  if (x !== undefined) state.extra_content = x as Record<string, Json>;
  if (b !== undefined) state.thinking_blocks = b;
  return state;
}
