/**
 * Prompt caching (ANTHROPIC-FIDELITY.md §4): `cache_control` markers as LiteLLM and OpenRouter clients send them
 * (content parts, a message, system messages, tools, the request top level for automatic caching) go onto the
 * matching Anthropic blocks; at most 4 breakpoints per request (Anthropic's hard limit; a top-level marker is
 * counted as one), more is a clear 400 here instead of Anthropic's.
 */
import { invalidRequest } from '../../errors.js';
import { isObject } from '../../json.js';

type Json = Record<string, unknown>;

export const MAX_CACHE_BREAKPOINTS = 4;

/** What `MINI_LLM_ANTHROPIC_CACHE=auto` adds to a request that has no marker of its own. */
export const AUTOMATIC_CACHE_CONTROL: Readonly<Json> = Object.freeze({ type: 'ephemeral' });

/** A client's marker, checked: `{type: "ephemeral", ttl?: "5m" | "1h"}` (other fields go along for Anthropic to judge). */
export function cacheControlOf(value: unknown, where: string): Json | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value) || typeof value.type !== 'string') {
    throw invalidRequest('invalid_cache_control', `${where}.cache_control must be an object like {"type": "ephemeral", "ttl": "5m"}.`, `${where}.cache_control`);
  }
  return value;
}

/** `block` with the marker set (when there is one). */
export const marked = (block: Json, cc: Json | undefined): Json => (cc ? { ...block, cache_control: cc } : block);

/** Every block that can carry a marker, in prompt order: tools, system, messages (and tool_result contents). */
function* markable(request: Json): Generator<Json> {
  if (Array.isArray(request.tools)) yield* request.tools.filter(isObject);
  if (Array.isArray(request.system)) yield* request.system.filter(isObject);
  if (!Array.isArray(request.messages)) return;
  for (const m of request.messages) {
    if (!isObject(m) || !Array.isArray(m.content)) continue;
    for (const b of m.content) {
      if (!isObject(b)) continue;
      yield b;
      if (Array.isArray(b.content)) yield* b.content.filter(isObject);
    }
  }
}

export function countBreakpoints(request: Json): number {
  let n = request.cache_control !== undefined && request.cache_control !== null ? 1 : 0;
  for (const block of markable(request)) if (block.cache_control !== undefined && block.cache_control !== null) n++;
  return n;
}

/**
 * The last step for caching: adds automatic caching when the operator asked for it and the request has no marker,
 * then enforces the breakpoint limit. Mutates and returns `request`.
 */
export function finishCacheControl(request: Json, automatic: boolean): Json {
  let n = countBreakpoints(request);
  if (automatic && n === 0) {
    request.cache_control = { ...AUTOMATIC_CACHE_CONTROL };
    n = 1;
  }
  if (n > MAX_CACHE_BREAKPOINTS) {
    throw invalidRequest(
      'too_many_cache_breakpoints',
      `Anthropic takes at most ${MAX_CACHE_BREAKPOINTS} cache_control breakpoints (a top-level one counts); this request has ${n}.`,
      'cache_control',
    );
  }
  return request;
}
