/**
 * The Anthropic adapter: OpenAI chat in, native Messages API upstream, OpenAI chat out (PROVIDERS.md §3).
 * Request mapping in request.ts (§3c), answers in response.ts (§3d) and stream.ts (§3e). The client's
 * `anthropic-beta` header goes along. Signed thinking blocks of tool-call turns are kept in the thinking cache
 * (thinking-cache.ts), scoped to the caller's gateway key, and put back for clients that drop them.
 */
import type { Provider } from '../../config.js';
import { errorInAnswer } from '../../errors.js';
import { authHeaders, listedModelIds, type ProviderAdapter, type UpstreamCall } from '../types.js';
import { toAnthropicRequest } from './request.js';
import { thinkingTurn, toOpenAIResponse, type AnthropicMessage } from './response.js';
import { anthropicToOpenAIStream } from './stream.js';
import { lazyThinkingScope, thinkingCache } from './thinking-cache.js';

export const ANTHROPIC_VERSION = '2023-06-01';

const versionAndAuth = (provider: Provider) => ({ ...authHeaders(provider), 'anthropic-version': ANTHROPIC_VERSION });

const encoder = new TextEncoder();

/** What the answer's translation needs to know about its request: the thinking cache's scope (computed on first use). */
const requestScopes = new WeakMap<UpstreamCall, () => string>();

/** Recall a turn's blocks by any of its tool call ids. */
const recallFrom = (scope: () => string) => (ids: string[]) => {
  for (const id of ids) {
    const blocks = thinkingCache.get(scope(), id)?.thinking_blocks;
    if (blocks && blocks.length > 0) return blocks;
  }
  return undefined;
};

export const anthropic: ProviderAdapter = {
  chatRequest({ body, provider, upstreamModel, clientHeaders }) {
    const scope = lazyThinkingScope(provider.id, clientHeaders);
    const beta = clientHeaders?.get('anthropic-beta');
    const call: UpstreamCall = {
      url: provider.chatUrl,
      headers: {
        'content-type': 'application/json',
        accept: body.stream === true ? 'text/event-stream' : 'application/json',
        ...versionAndAuth(provider),
        ...(beta ? { 'anthropic-beta': beta } : {}),
      },
      body: JSON.stringify(toAnthropicRequest(body, upstreamModel, { recall: recallFrom(scope), automaticCache: provider.anthropicCache === 'auto' })),
    };
    requestScopes.set(call, scope);
    return call;
  },
  async chatResponse(upstream, { stream, includeUsage, call, providerId, maxStreamState }) {
    const scope = call ? requestScopes.get(call) : undefined;
    const remember = (blocks: Record<string, unknown>[], ids: string[]) => {
      if (scope && blocks.length > 0) thinkingCache.put(scope(), ids, { thinking_blocks: blocks });
    };
    if (stream) {
      const body = upstream.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
      return { body: anthropicToOpenAIStream(body, { includeUsage, onTurn: remember, maxState: maxStreamState }), contentType: 'text/event-stream; charset=utf-8' };
    }
    const msg = (await upstream.json()) as AnthropicMessage & { type?: unknown; error?: unknown };
    // A 200 whose body is an error (`{"type":"error","error":{...}}`): that error, never an empty answer.
    if ((msg.type === 'error' || msg.error != null) && !Array.isArray(msg.content)) throw errorInAnswer(msg.error, providerId ?? 'anthropic');
    const turn = thinkingTurn(Array.isArray(msg.content) ? msg.content : []);
    if (turn.toolCallIds.length > 0) remember(turn.blocks, turn.toolCallIds);
    return { body: encoder.encode(JSON.stringify(toOpenAIResponse(msg))), contentType: 'application/json' };
  },
  modelsRequest(provider) {
    return { url: provider.modelsUrl, headers: { accept: 'application/json', ...versionAndAuth(provider) } };
  },
  modelIds: listedModelIds,
};
