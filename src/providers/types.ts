/** The one small interface every provider kind implements. */
import type { Provider } from '../config.js';

/** An OpenAI-shaped chat request body, as the client sent it (parsed JSON object). */
export type ChatBody = Record<string, unknown>;

export interface ChatRequestInput {
  body: ChatBody;
  provider: Provider;
  upstreamModel: string;
  /** The client's request headers, for the few an adapter forwards (e.g. `anthropic-beta`). */
  clientHeaders?: Headers;
}

/** What goes upstream: full URL, headers (auth included) and the serialized body. */
export interface UpstreamCall {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface ChatResponseContext {
  /** The client asked for `stream: true`. */
  stream: boolean;
  /** The client asked for `stream_options.include_usage: true`. */
  includeUsage: boolean;
  /** The call `chatRequest` returned for this exchange (an adapter may key per-request state on it). */
  call?: UpstreamCall;
  /** The provider's id, for errors that name it. */
  providerId?: string;
  /** What a stream translator may hold (MINI_LLM_MAX_STREAM_STATE_BYTES, stream-state.ts). */
  maxStreamState: number;
}

export interface TranslatedBody {
  /** A stream is passed on chunk by chunk; bytes are a whole (non-streamed) answer. */
  body: ReadableStream<Uint8Array> | Uint8Array<ArrayBuffer>;
  contentType: string;
}

export interface ProviderAdapter {
  /** Build the upstream request. Throws GatewayError (400) for a request the provider cannot express. */
  chatRequest(input: ChatRequestInput): UpstreamCall;
  /**
   * Turn a successful (2xx) upstream response into an OpenAI-shaped body. Absent for pass-through
   * providers, whose bytes go to the client unchanged. Must stay incremental for streams.
   */
  chatResponse?(upstream: Response, ctx: ChatResponseContext): Promise<TranslatedBody> | TranslatedBody;
  /**
   * `POST /v1/embeddings` to this kind: the upstream call, and the answer's translation for a provider that does
   * not speak OpenAI's embeddings API. Absent: the kind has no embeddings API (the route answers 400).
   */
  embeddings?(input: EmbeddingsInput): EmbeddingsExchange;
}

/**
 * How `models --check` lists a provider kind's models: apart from the adapter, so that a runtime that never lists
 * them (a Worker) does not carry this.
 */
export interface ModelList {
  /** The request that lists the provider's models. */
  request(provider: Provider): { url: string; headers: Record<string, string> };
  /** The model ids in the provider's models-list answer. */
  ids(json: unknown): string[];
}

export interface EmbeddingsInput {
  /** The client's `/v1/embeddings` body (an object; `model` is a non-empty string). */
  body: ChatBody;
  provider: Provider;
  upstreamModel: string;
}

export interface EmbeddingsExchange {
  call: UpstreamCall;
  /** The provider's whole (2xx) answer → OpenAI's embeddings answer; absent: its bytes go back unchanged. */
  translate?(upstream: Response): Promise<TranslatedBody>;
}

/** The provider's auth header(s), from its auth style. */
export function authHeaders(provider: Provider): Record<string, string> {
  if (!provider.apiKey || provider.auth === 'none') return {};
  if (provider.auth === 'bearer') return { authorization: `Bearer ${provider.apiKey}` };
  return { [provider.auth]: provider.apiKey };
}

/** The ids of a `{data: [{id}, ...]}` model list: OpenAI's shape, and Anthropic's too. */
export function listedModelIds(json: unknown): string[] {
  const data = (json as { data?: unknown })?.data;
  return Array.isArray(data) ? data.map((m) => (m as { id?: unknown })?.id).filter((id): id is string => typeof id === 'string') : [];
}
