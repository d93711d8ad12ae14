/**
 * The gateway's first envelope for a stateless Responses client: signed thinking blocks (the pivot's
 * `thinking_blocks`) as a `reasoning` item's `encrypted_content`, `mlgw.thinking.v1:` + base64 JSON. Answers now
 * carry every provider's state in the reasoning envelope (reasoning-envelope.ts); this one is still read, so that
 * a conversation begun before keeps its blocks (for the provider that signed them; another provider's
 * `encrypted_content`, OpenAI's, does not carry the prefix and is dropped). Neither envelope is ever sent to a
 * provider that speaks Responses itself (`withoutGatewayReasoning`).
 */
import { base64ToBytes, bytesToBase64 } from '../../base64.js';
import { jsonDepthExceeds, MAX_EMBEDDED_JSON_DEPTH } from '../../json-depth.js';
import { isEnvelope } from '../reasoning-envelope.js';
import { isObject } from '../../json.js';

type Json = Record<string, unknown>;

const PREFIX = 'mlgw.thinking.v1:';

export const INCLUDE_ENCRYPTED = 'reasoning.encrypted_content';

/** The client asked for `encrypted_content` on reasoning items. */
export const wantsEncrypted = (include: unknown) => Array.isArray(include) && include.includes(INCLUDE_ENCRYPTED);

const toBase64 = (text: string) => bytesToBase64(new TextEncoder().encode(text));

const fromBase64 = (b64: string) => new TextDecoder().decode(base64ToBytes(b64));

/** The blocks in the first envelope, naming the provider that signed them (tests write older values with it). */
export const encodeThinking = (blocks: readonly Json[], provider?: string): string =>
  PREFIX + toBase64(JSON.stringify(provider === undefined ? blocks : { provider, blocks }));

/**
 * The blocks an `encrypted_content` carries, or undefined when it is not the gateway's (or is damaged), or when
 * `provider` is given and the blocks were signed by another provider.
 */
export function decodeThinking(encrypted: unknown, provider?: string): Json[] | undefined {
  if (typeof encrypted !== 'string' || !encrypted.startsWith(PREFIX)) return undefined;
  try {
    const text = fromBase64(encrypted.slice(PREFIX.length));
    if (jsonDepthExceeds(text, MAX_EMBEDDED_JSON_DEPTH)) return undefined; // never the gateway's, and too deep to send on
    const decoded = JSON.parse(text);
    const named = typeof decoded === 'object' && decoded !== null && !Array.isArray(decoded);
    if (named && provider !== undefined && decoded.provider !== provider) return undefined;
    const blocks = named ? decoded.blocks : decoded;
    return Array.isArray(blocks) ? blocks.filter((b) => typeof b === 'object' && b !== null) : undefined;
  } catch {
    return undefined;
  }
}

/** A reasoning item whose `encrypted_content` the gateway wrote (either envelope): no provider's own. */
const isGatewayItem = (item: unknown) =>
  isObject(item) && item.type === 'reasoning' && typeof item.encrypted_content === 'string' && (item.encrypted_content.startsWith(PREFIX) || isEnvelope(item.encrypted_content));

/**
 * The `input` of a request passed through to a provider that speaks Responses (OpenAI) without the reasoning
 * items the gateway wrote for another provider (a conversation that went to DeepSeek or Claude first): OpenAI
 * refuses an `encrypted_content` it did not issue. The body comes back as it was (no copy) when it holds none.
 */
export function withoutGatewayReasoning(body: Json): Json {
  const input = body.input;
  if (!Array.isArray(input) || !input.some(isGatewayItem)) return body;
  return { ...body, input: input.filter((item) => !isGatewayItem(item)) };
}
