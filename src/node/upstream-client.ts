/**
 * A faster upstream client for Node: undici `request()` over a keep-alive `Agent`, behind the same
 * `UpstreamFetch` shape as the platform's `fetch` (src/upstream.ts). Node's global `fetch` spends most of a
 * proxied request in WHATWG machinery (Request/Response/Headers objects, body mixins); `request()` skips it.
 *
 * What it does, compared with `fetch`:
 * - sends exactly the caller's headers, plus what HTTP/1.1 needs (`host`, `content-length`, `connection`):
 *   no `user-agent`, `accept-encoding`, `accept-language` or `sec-fetch-mode`;
 * - returns a Web `Response` with the upstream status and headers (repeated headers kept as separate values)
 *   whose body streams the upstream bytes as they arrive, one chunk at a time (nothing is held back);
 * - `init.signal` aborts the request at any point, before or after the headers; an aborted exchange closes
 *   its upstream connection at once. Cancelling the body does the same;
 * - a failure before the headers rejects like `fetch`: `TypeError('fetch failed')` whose `cause` is the
 *   socket error (`cause.code` is `ECONNREFUSED`, `ENOTFOUND`, `UND_ERR_SOCKET`, ...); the code is also on
 *   the error itself (`err.code`). An abort rejects with the signal's reason;
 * - timeouts are left to the caller (the gateway's watchdog, `MINI_LLM_TIMEOUT_MS`): undici's own header and
 *   body timeouts are off;
 * - a body is never decoded: an encoded one (`content-encoding: gzip`, ...) comes back as it is, with its
 *   `content-encoding`, and the gateway (which asks for `identity`) refuses it (src/upstream.ts) instead of
 *   inflating it without bound;
 * - redirects are never followed (undici's `request()` does not);
 * - a status `new Response` cannot carry (below 200, above 599) is a failure before the headers
 *   (`cause.code = 'UND_ERR_INVALID_STATUS'`, `cause.status` the status), so the gateway answers 502.
 */
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { PUSH_BODY, pushToWeb, type PushBody } from '../stream-guard.js';
import { pushPaths } from './push-paths.js';
import type { UpstreamFetch } from '../upstream.js';

/** undici 7 needs Node ≥ 20.18.1; older Nodes keep the global `fetch`. */
export function undiciSupported(version: string = process.versions.node): boolean {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map(Number);
  return major > 20 || (major === 20 && (minor > 18 || (minor === 18 && patch >= 1)));
}

/**
 * The Node entries' upstream client: undici where this Node supports it, else `undefined` (the app then
 * uses the global `fetch`).
 */
export function createNodeUpstreamFetch(options: UndiciFetchOptions = {}): UpstreamFetch | undefined {
  return undiciSupported() ? createUndiciFetch(options) : undefined;
}

export interface UndiciFetchOptions {
  /** Most connections per upstream origin; further requests queue. Default 4096: an open stream holds one. */
  connections?: number;
  /** How long an idle keep-alive connection is kept, in ms (default 10 s; a server's `keep-alive` hint wins if shorter). */
  keepAliveTimeout?: number;
  /** TCP + TLS connect timeout in ms (default 10 s). */
  connectTimeout?: number;
  /** Use this dispatcher instead of creating an Agent (tests, proxies). */
  dispatcher?: Dispatcher;
}

export type UndiciFetch = UpstreamFetch & {
  /** Close the Agent's idle connections and refuse new requests. */
  close(): Promise<void>;
};

/** Statuses whose Response must have a null body. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** Cached `url` → origin and path; the gateway calls a handful of URLs, so the cache stays tiny. */
const MAX_CACHED_URLS = 256;

function fetchFailed(cause: unknown): TypeError {
  const err = new TypeError('fetch failed', { cause }) as TypeError & { code?: string };
  const code = (cause as { code?: unknown })?.code;
  if (typeof code === 'string') err.code = code;
  return err;
}

/** undici's header object → pairs, keeping repeated headers (`set-cookie`, ...) as separate values. */
function headerPairs(raw: Record<string, string | string[] | undefined>): [string, string][] {
  const pairs: [string, string][] = [];
  for (const name in raw) {
    const value = raw[name];
    if (value === undefined) continue;
    if (typeof value === 'string') pairs.push([name, value]);
    else for (const v of value) pairs.push([name, v]);
  }
  return pairs;
}

/**
 * A Node Readable as a push body: its own 'data' events, pause and resume, with no Web stream and no promise
 * per chunk. `onData` sees every chunk. Listeners are attached on `start`: a body nobody reads costs nothing.
 */
export function nodePushBody(source: Readable, onData?: () => void): PushBody {
  // An error before the body is read must not go unhandled; `start` reports it.
  source.on('error', () => {});
  let done = false;
  let started = false;
  return {
    start(sink) {
      // One body, read once, whichever way: a second read fails as `fetch`'s would, never an empty body.
      if (started) return sink.error(new TypeError('Body is unusable: it has already been read.'));
      started = true;
      if (source.readableEnded) return sink.end();
      if (source.destroyed) return sink.error(source.errored ?? new Error('The upstream body was closed before it ended.'));
      /** The first of 'end', 'error' and 'close' ends the body; the others (and any later data) are ignored. */
      const finish = (report: () => void) => {
        if (done) return;
        done = true;
        report();
      };
      source.on('data', (chunk: Buffer) => {
        if (done) return;
        onData?.();
        sink.data(chunk);
      });
      source.once('end', () => finish(() => sink.end()));
      source.on('error', (err) => finish(() => sink.error(err)));
      // Destroyed without 'end' or 'error' (e.g. aborted): the body must not hang.
      source.once('close', () => finish(() => sink.error(new Error('The upstream body was closed before it ended.'))));
    },
    pause: () => source.pause(),
    resume: () => source.resume(),
    cancel(reason) {
      done = true;
      source.destroy(reason instanceof Error ? reason : undefined);
    },
  };
}

/** The whole of a push body, without a copy when it came in one chunk; rejects if it fails or is cut short. */
function collect(body: PushBody): Promise<Uint8Array<ArrayBuffer>> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let length = 0;
    body.start({
      data(chunk) {
        chunks.push(chunk);
        length += chunk.byteLength;
      },
      end: () => resolve((chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, length)) as Uint8Array<ArrayBuffer>),
      error: reject,
    });
  });
}

/** Drop a body nobody will read; undici reports the abort as an 'error' that must not go unhandled. */
function discard(body: Readable) {
  body.on('error', () => {});
  body.destroy();
}

/**
 * undici is loaded on first use, or right after start-up (setImmediate: after the start line, CONTRACT §7),
 * so its ~80 ms of module loading does not delay the start line.
 */
export function createUndiciFetch(options: UndiciFetchOptions = {}): UndiciFetch {
  let dispatcher: Dispatcher | undefined = options.dispatcher;
  let closed = false;
  const agent = (): Dispatcher => {
    if (dispatcher) return dispatcher;
    const { Agent } = createRequire(import.meta.url)('undici') as typeof import('undici');
    return (dispatcher = new Agent({
      pipelining: 1,
      connections: options.connections ?? 4096,
      keepAliveTimeout: options.keepAliveTimeout ?? 10_000,
      keepAliveMaxTimeout: Math.max(options.keepAliveTimeout ?? 10_000, 60_000),
      headersTimeout: 0,
      bodyTimeout: 0,
      connect: { timeout: options.connectTimeout ?? 10_000 },
    }));
  };
  if (!dispatcher) setImmediate(() => closed || agent()).unref();
  const targets = new Map<string, { origin: string; path: string }>();

  const target = (url: string) => {
    let t = targets.get(url);
    if (!t) {
      const u = new URL(url);
      t = { origin: u.origin, path: `${u.pathname}${u.search}` };
      if (targets.size >= MAX_CACHED_URLS) targets.clear();
      targets.set(url, t);
    }
    return t;
  };

  const upstreamFetch = async (url: string, init: Parameters<UpstreamFetch>[1]): Promise<Response> => {
    const { signal } = init;
    if (signal.aborted) throw signal.reason;
    const { origin, path } = target(url);
    let data: Dispatcher.ResponseData;
    try {
      data = await agent().request({
        origin,
        path,
        method: init.method as Dispatcher.HttpMethod,
        headers: init.headers,
        body: init.body,
        signal,
      });
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      throw fetchFailed(err);
    }
    const { statusCode, headers, body } = data;
    if (statusCode < 200 || statusCode > 599) {
      discard(body);
      throw fetchFailed(Object.assign(new Error(`The upstream answered with HTTP status ${statusCode}.`), { code: 'UND_ERR_INVALID_STATUS', status: statusCode }));
    }
    if (NULL_BODY.has(statusCode)) {
      discard(body);
      return new Response(null, { status: statusCode, headers: headerPairs(headers) });
    }
    // One body, three ways to take it (whichever comes first): the Web stream, a push body (PUSH_BODY, no Web
    // stream in between), or a whole read (a non-streamed answer) straight from the Node stream. `onBodyData`
    // sees every chunk in each.
    const pushBody = nodePushBody(body, init.onBodyData);
    const response = new Response(pushToWeb(pushBody), { status: statusCode, headers: headerPairs(headers) });
    Object.defineProperty(response, 'bytes', { value: () => collect(pushBody) });
    Object.defineProperty(response, 'arrayBuffer', { value: () => collect(pushBody).then((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)) });
    Object.defineProperty(response, PUSH_BODY, { value: pushBody });
    return response;
  };

  return Object.assign(upstreamFetch, { reportsBodyData: true as const, push: pushPaths, close: async () => {
      closed = true;
      await dispatcher?.close();
    },
  });
}
