/** `models --check`, the network part: ask each provider for its model list. */
import type { Config, Provider } from '../config.js';
import { pushAll } from '../lists.js';
import { modelListFor } from '../providers/index.js';
import { UPSTREAM_HEADERS } from '../upstream.js';
import { checkAliases, providersToCheck, type AliasRow, type CheckResult, type ProviderListing } from './models.js';

export const CHECK_TIMEOUT_MS = 15_000;
/** Anthropic-style lists are paged (`has_more`, `last_id`); follow at most this many pages. */
const MAX_PAGES = 20;

/**
 * Why a request failed, as something safe to print: an error code (ECONNREFUSED, ENOTFOUND,
 * CERT_HAS_EXPIRED, ...) or "timeout". Never the message of an arbitrary error, which could quote a URL.
 */
export function describeFetchError(err: unknown, timeoutMs = CHECK_TIMEOUT_MS): string {
  const e = err as { name?: unknown; code?: unknown; cause?: unknown } | null;
  if (e?.name === 'TimeoutError') return `timeout after ${Math.round(timeoutMs / 1000)} s`;
  if (e?.name === 'AbortError') return 'aborted';
  for (let c: unknown = e, depth = 0; c && depth < 5; c = (c as { cause?: unknown }).cause, depth++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z0-9_]+$/.test(code)) return code;
    const errors = (c as { errors?: unknown }).errors; // AggregateError (IPv4 and IPv6 both refused)
    if (Array.isArray(errors)) {
      const inner = errors.map((x) => (x as { code?: unknown })?.code).find((x) => typeof x === 'string');
      if (typeof inner === 'string') return inner;
    }
  }
  return 'network error';
}

type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** GET the provider's models endpoint (following Anthropic-style pages) and extract the ids. */
export async function fetchListing(
  provider: Provider,
  timeoutMs = CHECK_TIMEOUT_MS,
  fetchImpl: FetchLike = (url, init) => fetch(url, init),
): Promise<ProviderListing> {
  const list = modelListFor(provider.kind);
  const { url, headers } = list.request(provider);
  const signal = AbortSignal.timeout(timeoutMs);
  const ids: string[] = [];
  let next: string | undefined = url;
  try {
    for (let page = 0; next !== undefined && page < MAX_PAGES; page++) {
      // Never follow a redirect (it would carry the key to another origin): a 3xx is reported as its status.
      const res = await fetchImpl(next, { method: 'GET', headers: { ...headers, ...UPSTREAM_HEADERS }, signal, redirect: 'manual' });
      if (!res.ok) {
        await res.body?.cancel().catch(() => {});
        return { ok: false, reason: `HTTP ${res.status}` };
      }
      let json: unknown;
      try {
        json = await res.json();
      } catch {
        return { ok: false, reason: 'answer is not JSON' };
      }
      pushAll(ids, list.ids(json));
      next = nextPage(url, json);
    }
  } catch (err) {
    return { ok: false, reason: describeFetchError(err, timeoutMs) };
  }
  return { ok: true, ids };
}

/** The next page of an Anthropic-style list (`{"has_more": true, "last_id": "..."}`) or a Google one (`nextPageToken`), if any. */
export function nextPage(url: string, json: unknown): string | undefined {
  const j = json as { has_more?: unknown; last_id?: unknown; nextPageToken?: unknown } | null;
  if (typeof j?.nextPageToken === 'string' && j.nextPageToken !== '') {
    const u = new URL(url);
    u.searchParams.set('pageToken', j.nextPageToken);
    return u.toString();
  }
  if (j?.has_more !== true || typeof j.last_id !== 'string' || j.last_id === '') return undefined;
  const u = new URL(url);
  u.searchParams.set('after_id', j.last_id);
  u.searchParams.set('limit', '1000');
  return u.toString();
}

/** Ask every configured provider that some alias uses, in parallel; compare per alias. */
export async function runCheck(config: Config, rows: readonly AliasRow[], timeoutMs = CHECK_TIMEOUT_MS): Promise<CheckResult[]> {
  const ids = providersToCheck(rows);
  const listings = await Promise.all(
    ids.map(async (id) => [id, await fetchListing(config.providers.get(id)!, timeoutMs)] as const),
  );
  return checkAliases(rows, new Map(listings));
}
