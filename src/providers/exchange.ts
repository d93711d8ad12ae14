/**
 * What every adapter and pass-through builds alike: a JSON POST to the provider (its auth, and `accept` for an
 * event stream or one document), the request that lists its models, and a translated answer's body.
 */
import type { Provider } from '../config.js';
import { authHeaders, type TranslatedBody, type UpstreamCall } from './types.js';

export const SSE_TYPE = 'text/event-stream; charset=utf-8';

const encoder = new TextEncoder();

/** A JSON POST to `url` with the provider's auth (`body` as JSON text, or a value); `headers`: the caller's own. */
export const jsonCall = (url: string, provider: Provider, body: unknown, stream: boolean, headers?: Record<string, string>): UpstreamCall => ({
  url,
  headers: { 'content-type': 'application/json', accept: stream ? 'text/event-stream' : 'application/json', ...authHeaders(provider), ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

/** The request that lists the provider's models (`models --check`). */
export const modelsCall = (provider: Provider, url = provider.modelsUrl, headers?: Record<string, string>) => ({
  url,
  headers: { accept: 'application/json', ...authHeaders(provider), ...headers },
});

/** An answer as JSON bytes. */
export const jsonBody = (answer: unknown) => ({ body: encoder.encode(JSON.stringify(answer)), contentType: 'application/json' });

export const emptyStream = () => new ReadableStream<Uint8Array>({ start: (c) => c.close() });

/** A provider's answer in the pivot's shape: its event stream through `fromStream`, or its JSON document through `fromWhole`. */
export async function chatAnswer(
  upstream: Response,
  stream: boolean,
  fromStream: (body: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>,
  fromWhole: (answer: any) => unknown,
): Promise<TranslatedBody> {
  return stream ? { body: fromStream(upstream.body ?? emptyStream()), contentType: SSE_TYPE } : jsonBody(fromWhole(await upstream.json()));
}
