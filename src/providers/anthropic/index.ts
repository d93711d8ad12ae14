/**
 * The Anthropic adapter: OpenAI chat in, native Messages API upstream, OpenAI chat out (PROVIDERS.md §3).
 * Request mapping in request.ts (§3c), answers in response.ts (§3d) and stream.ts (§3e).
 */
import type { Provider } from '../../config.js';
import { authHeaders, listedModelIds, type ProviderAdapter } from '../types.js';
import { toAnthropicRequest } from './request.js';
import { toOpenAIResponse, type AnthropicMessage } from './response.js';
import { anthropicToOpenAIStream } from './stream.js';

export const ANTHROPIC_VERSION = '2023-06-01';

const versionAndAuth = (provider: Provider) => ({ ...authHeaders(provider), 'anthropic-version': ANTHROPIC_VERSION });

const encoder = new TextEncoder();

export const anthropic: ProviderAdapter = {
  chatRequest({ body, provider, upstreamModel }) {
    return {
      url: provider.chatUrl,
      headers: {
        'content-type': 'application/json',
        accept: body.stream === true ? 'text/event-stream' : 'application/json',
        ...versionAndAuth(provider),
      },
      body: JSON.stringify(toAnthropicRequest(body, upstreamModel)),
    };
  },
  async chatResponse(upstream, { stream, includeUsage, maxEventBytes }) {
    if (stream) {
      const body = upstream.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
      return { body: anthropicToOpenAIStream(body, { includeUsage, maxEventBytes }), contentType: 'text/event-stream; charset=utf-8' };
    }
    const json = encoder.encode(JSON.stringify(toOpenAIResponse((await upstream.json()) as AnthropicMessage)));
    return {
      body: json,
      contentType: 'application/json',
    };
  },
  modelsRequest(provider) {
    return { url: provider.modelsUrl, headers: { accept: 'application/json', ...versionAndAuth(provider) } };
  },
  modelIds: listedModelIds,
};
