/**
 * A dialect is one inbound API (a route): how its requests become an upstream call, how the answer comes back
 * in its shape, and how its errors look. Chat completions is the pivot (DIALECTS.md): a dialect that is not the
 * provider's own API maps its request onto a chat request and the chat answer back (`dialects/pivot.ts`); one
 * that is passes through. Everything else (model resolution, keys, limits, the upstream call, the stream guard,
 * the log) is shared, in `relay.ts`.
 */
import type { Context, HonoRequest } from 'hono';
import type { Config, Provider } from '../config.js';
import type { GatewayError } from '../errors.js';
import type { ChatBody, ProviderAdapter, TranslatedBody, UpstreamCall } from '../providers/types.js';

export interface PlanInput {
  /** The client's JSON body (an object; `model` is a non-empty string). */
  body: ChatBody;
  provider: Provider;
  adapter: ProviderAdapter;
  upstreamModel: string;
  /** The client's request headers (for the few a dialect forwards, such as `anthropic-beta`). */
  headers: Headers;
  /** What the path asks for, when the dialect reads it there (`RequestTarget.action`). */
  action?: string;
}

/**
 * Where a request's model and stream flag are, for a dialect whose API does not put them in the body (Gemini's
 * `POST /v1beta/models/{model}:{action}`): its `requestOf` reads them off the request.
 */
export interface RequestTarget {
  /** The model name as the client gave it (the relay refuses anything but a non-empty string). */
  model: unknown;
  /** The client wants its answer as it is produced (a stream), not as one document. */
  stream: boolean;
  /** The operation the path names, in the dialect's own words; its plan gets it back as `PlanInput.action`. */
  action?: string;
}

/** The gateway's models in a dialect's own shape (`GET`), for its clients. */
export interface ModelListing {
  /** Its own list paths (each also answers `{path}/{model id}`), under the dialect's `prefix`. */
  readonly roots: readonly string[];
  list(config: Config, req: HonoRequest): unknown;
  /** One model by the id in the path; throws a 404 GatewayError when the gateway would not route it. */
  retrieve(config: Config, id: string): unknown;
}

/** Context a translation gets once the upstream answered 2xx. */
export interface TranslateContext {
  /** The upstream answered with an event stream. */
  stream: boolean;
  /** What a stream translator may hold (MINI_LLM_MAX_STREAM_STATE_BYTES, stream-state.ts). */
  maxStreamState: number;
}

/**
 * An answer the gateway computes itself, with no upstream call (a local estimate such as
 * `/v1/messages/count_tokens` for a provider without that endpoint): sent as JSON with status 200.
 */
export interface LocalPlan {
  local: unknown;
}

export interface Plan {
  call: UpstreamCall;
  /**
   * Turn a 2xx upstream answer into the route's answer. Absent: pass-through, the bytes go to the client
   * unchanged (on Node, streams take the push path). Must stay incremental for streams.
   */
  translate?(upstream: Response, ctx: TranslateContext): Promise<TranslatedBody> | TranslatedBody;
  /**
   * The upstream answered with an event stream although the client asked for one JSON document (its `stream`
   * not true): the route's whole answer, assembled from that stream (which the relay bounds like a whole answer,
   * MINI_LLM_MAX_ANSWER_BYTES). Absent: the stream goes on to the client as it came.
   */
  assemble?(upstream: Response): Promise<WholeBody>;
  /** The event that ends a stream of this request that failed after it began; defaults to the dialect's. */
  failureFrame?: FailureFrame;
  /**
   * The answer is a stream whatever its content-type says (Google's streamed JSON array is `application/json`):
   * it goes on as it arrives, guarded like any stream, never read whole.
   */
  stream?: boolean;
  /**
   * An answer to give instead of an upstream error (undefined: the error stands). count_tokens uses it for a
   * local estimate when an Anthropic-compatible provider has no such endpoint.
   */
  recover?(err: GatewayError): unknown;
}

/** A whole (non-streamed) answer: its bytes and their content type. */
export interface WholeBody {
  body: Uint8Array<ArrayBuffer>;
  contentType: string;
}

/**
 * The last event of a stream that failed after it began, in the route's shape (`code`: the gateway's, e.g.
 * upstream_timeout; `begun`: some of the answer already went out).
 */
export type FailureFrame = (message: string, code: string, begun?: boolean) => string;

export interface Dialect {
  /** The route's name in the request log (`route`). */
  readonly name: string;
  /** Plan the upstream exchange; throws GatewayError (4xx) for a request it cannot serve. */
  plan(input: PlanInput): Plan | LocalPlan;
  /** A gateway error in this route's shape. */
  errorResponse(err: GatewayError, headers?: Record<string, string>): Response;
  /** A mid-stream failure in this route's shape. */
  failureFrame: FailureFrame;
  /**
   * Where the model and the stream flag are when not in the body's `model` and `stream` (the default, read
   * without this hook on every other route). Throws GatewayError for a path it cannot serve.
   */
  requestOf?(c: Context, body: ChatBody): RequestTarget;
  /**
   * Whether a request is this dialect's (its error shape, where its clients put the gateway key, its model list),
   * for a dialect whose routes are patterns or that answers its own clients on shared paths (`GET /v1/models`).
   * Absent: its route's path and what is under it. Asked only off the hot path (errors, key fallbacks, listings).
   */
  owns?(req: HonoRequest): boolean;
  /** A path prefix of its own outside `/v1` (Gemini's `/v1beta`): behind the same gateway-key check. */
  readonly prefix?: string;
  /** A gateway key where only this API's clients send it (Gemini's `?key=`); read when no key header came. */
  keyOf?(req: HonoRequest): string | undefined;
  /** The gateway's models in this API's shape: on its own paths, and on `GET /v1/models` for its clients. */
  readonly models?: ModelListing;
}
