/**
 * Reasoning state of recent tool-call turns, kept so that a client that drops unknown fields (LangChain,
 * `@ai-sdk/openai-compatible`) can still continue a tool conversation (ANTHROPIC-FIDELITY.md §3.3, §3.4; issue 18):
 * Anthropic's signed thinking blocks (this adapter), and on translated routes every provider's pivot state (text,
 * `reasoning_details`, each call's `extra_content`, blocks: dialects/pivot.ts). Keyed by `tool_call_id` within a
 * scope: the caller's gateway key (hashed; the key itself is never stored) and the provider, so one tenant's
 * reasoning never enters another's request, nor one provider's another's. Bounded by entries and
 * bytes, least recently used out first, and shared fairly: when the cache is full, the entry that goes is the
 * oldest of the scope adding one if that scope holds more than its share (the limits divided by the scopes
 * that hold entries), else the oldest of the scope that holds the most. So one key's churn evicts its own
 * entries, never another's that stays within its share. In memory, per process (per isolate on Workers): best
 * effort; a miss means the request is sent without the state (Anthropic: with thinking off), never that it fails.
 */
import { presentedKey } from '../../auth.js';
import type { PivotState } from '../../dialects/reasoning-state.js';

export type ThinkingBlock = Record<string, unknown>;

export interface ThinkingCacheLimits {
  maxEntries: number;
  maxBytes: number;
}

export const DEFAULT_THINKING_CACHE_LIMITS: ThinkingCacheLimits = { maxEntries: 2000, maxBytes: 16 * 1024 * 1024 };

interface Entry<T> {
  value: T;
  bytes: number;
}

/** One scope's entries, least recently used first, and what they hold. */
interface Scope<T> {
  entries: Map<string, Entry<T>>;
  bytes: number;
}

/** A shallow copy: what one request takes out is not what the cache keeps. */
const copyOf = <T extends object>(v: T): T => (Array.isArray(v) ? (v.slice() as T) : { ...v });

/** The cache of one kind of value (signed blocks, by default; the pivot's state for the process-wide one). */
export class ThinkingCache<T extends object = ThinkingBlock[]> {
  /** Only scopes that hold entries (an emptied one is dropped, so it no longer counts in the shares). */
  private readonly scopes = new Map<string, Scope<T>>();
  private count = 0;
  private total = 0;

  constructor(readonly limits: ThinkingCacheLimits = DEFAULT_THINKING_CACHE_LIMITS) {}

  get size(): number {
    return this.count;
  }

  get bytes(): number {
    return this.total;
  }

  /** Entries held by one scope. */
  sizeOf(scope: string): number {
    return this.scopes.get(scope)?.entries.size ?? 0;
  }

  /** Remember one turn's state under each of its tool call ids (nothing for an empty list). */
  put(scope: string, toolCallIds: readonly string[], value: T): void {
    if (Array.isArray(value) && value.length === 0) return;
    const bytes = JSON.stringify(value).length * 2;
    if (bytes > this.limits.maxBytes) return;
    for (const id of toolCallIds) {
      if (id === '') continue;
      const existing = this.scopes.get(scope);
      if (existing) this.remove(scope, existing, id); // a replaced entry is counted once
      const s = this.scopeFor(scope);
      s.entries.set(id, { value: copyOf(value), bytes });
      s.bytes += bytes;
      this.count++;
      this.total += bytes;
      this.evict(scope);
    }
  }

  /** The state of the turn that made this tool call, in this scope. */
  get(scope: string, toolCallId: string): T | undefined {
    const s = this.scopes.get(scope);
    const entry = s?.entries.get(toolCallId);
    if (!s || !entry) return undefined;
    s.entries.delete(toolCallId); // most recently used last
    s.entries.set(toolCallId, entry);
    return copyOf(entry.value);
  }

  clear(): void {
    this.scopes.clear();
    this.count = 0;
    this.total = 0;
  }

  private scopeFor(scope: string): Scope<T> {
    let s = this.scopes.get(scope);
    if (!s) this.scopes.set(scope, (s = { entries: new Map(), bytes: 0 }));
    return s;
  }

  /** Back within the limits after `adder` added an entry: from `adder` while it holds more than its share, else from the largest scope. */
  private evict(adder: string): void {
    for (;;) {
      const overEntries = this.count > this.limits.maxEntries;
      if (!overEntries && this.total <= this.limits.maxBytes) return;
      const held = overEntries ? (s: Scope<T>) => s.entries.size : (s: Scope<T>) => s.bytes;
      const share = (overEntries ? this.limits.maxEntries : this.limits.maxBytes) / this.scopes.size;
      let victim = adder;
      let from = this.scopes.get(adder);
      if (!from || held(from) <= share) {
        // The total is over the limit, so some scope holds more than its share: the one that holds the most.
        for (const [name, s] of this.scopes) if (!from || held(s) > held(from)) (victim = name), (from = s);
      }
      this.remove(victim, from!, from!.entries.keys().next().value as string);
    }
  }

  private remove(name: string, s: Scope<T>, id: string): void {
    const entry = s.entries.get(id);
    if (!entry) return;
    s.entries.delete(id);
    s.bytes -= entry.bytes;
    this.count--;
    this.total -= entry.bytes;
    if (s.entries.size === 0) this.scopes.delete(name);
  }
}

/** The one cache of this process (isolate): the pivot's state, Anthropic's blocks in `thinking_blocks`. */
export const thinkingCache = new ThinkingCache<PivotState>();

/** The cache scope of a request: provider id + SHA-256 of the presented gateway key ('' when none). */
export function thinkingScope(providerId: string, headers: Headers | undefined): string {
  const key = headers ? presentedKey(headers) : undefined;
  return `${providerId}:${key === undefined ? '' : sha256Hex(key)}`;
}

/** The same, computed on first use only: most requests never touch the cache. */
export function lazyThinkingScope(providerId: string, headers: Headers | undefined): () => string {
  let scope: string | undefined;
  return () => (scope ??= thinkingScope(providerId, headers));
}

// A small synchronous SHA-256 (FIPS 180-4): the request mapper is synchronous, and Web Crypto's digest is not.
// Its constants are the first 32 bits of the fractional parts of the cube roots of the first 64 primes (K) and of
// the square roots of the first 8 (the initial hash, §5.3.3): computed, not listed (a double holds them with room to
// spare: no true value lies within 2^-37 of a 32-bit boundary; a test checks against node:crypto).
const fraction32 = (x: number) => ((x % 1) * 2 ** 32) >>> 0;
const K = new Uint32Array(64);
const H0: number[] = [];
for (let n = 2, i = 0; i < 64; n++) {
  let prime = true;
  for (let d = 2; d * d <= n && prime; d++) prime = n % d !== 0;
  if (!prime) continue;
  if (i < 8) H0.push(fraction32(Math.sqrt(n)));
  K[i++] = fraction32(Math.cbrt(n));
}

const W = new Uint32Array(64);
const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));

export function sha256Hex(text: string): string {
  const data = new TextEncoder().encode(text);
  const padded = new Uint8Array(((data.length + 9 + 63) >> 6) << 6);
  padded.set(data);
  padded[data.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor((data.length * 8) / 2 ** 32));
  view.setUint32(padded.length - 4, (data.length * 8) >>> 0);
  const h = H0.slice();
  for (let off = 0; off < padded.length; off += 64) {
    for (let i = 0; i < 16; i++) W[i] = view.getUint32(off + i * 4);
    for (let i = 16; i < 64; i++) {
      const x = W[i - 15];
      const y = W[i - 2];
      W[i] = W[i - 16] + (rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3)) + W[i - 7] + (rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10));
    }
    let a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
    for (let i = 0; i < 64; i++) {
      const t1 = (k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + W[i]) >>> 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      k = g;
      g = f;
      f = e;
      e = (d + t1) >>> 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) >>> 0;
    }
    h[0] = (h[0] + a) >>> 0;
    h[1] = (h[1] + b) >>> 0;
    h[2] = (h[2] + c) >>> 0;
    h[3] = (h[3] + d) >>> 0;
    h[4] = (h[4] + e) >>> 0;
    h[5] = (h[5] + f) >>> 0;
    h[6] = (h[6] + g) >>> 0;
    h[7] = (h[7] + k) >>> 0;
  }
  let hex = '';
  for (const x of h) hex += x.toString(16).padStart(8, '0');
  return hex;
}
