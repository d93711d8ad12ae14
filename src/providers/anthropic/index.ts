/**
 * The Anthropic adapter: OpenAI chat in, native Messages API upstream, OpenAI chat out (PROVIDERS.md §3).
 * Request mapping in request.ts (§3c), answers in response.ts (§3d) and stream.ts (§3e). The client's
 * `anthropic-beta` header goes along. Signed thinking blocks of tool-call turns are kept in the thinking cache
 * (thinking-cache.ts), scoped to the caller's gateway key, and put back for clients that drop them.
 */
import { errorInAnswer } from '../../errors.js';
import { chatAnswer, jsonCall, modelsCall } from '../exchange.js';
import { listedModelIds, type ModelList, type ProviderAdapter, type UpstreamCall } from '../types.js';
import { toAnthropicRequest } from './request.js';
import { thinkingTurn, toOpenAIResponse, type AnthropicMessage } from './response.js';
import { anthropicToOpenAIStream } from './stream.js';
import { lazyThinkingScope, thinkingCache } from './thinking-cache.js';

export const ANTHROPIC_VERSION = '2023-06-01';

/** Anthropic's version header, and the client's `anthropic-beta` when it sent one. */
export const anthropicHeaders = (version: string, beta: string | null | undefined): Record<string, string> =>
  beta ? { 'anthropic-version': version, 'anthropic-beta': beta } : { 'anthropic-version': version };

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
    const request = toAnthropicRequest(body, upstreamModel, { recall: recallFrom(scope), automaticCache: provider.anthropicCache === 'auto' });
    const call = jsonCall(provider.chatUrl, provider, request, body.stream === true, anthropicHeaders(ANTHROPIC_VERSION, clientHeaders?.get('anthropic-beta')));
    requestScopes.set(call, scope);
    return call;
  },
  chatResponse(upstream, { stream, includeUsage, call, providerId, maxStreamState }) {
    const scope = call ? requestScopes.get(call) : undefined;
    const remember = (blocks: Record<string, unknown>[], ids: string[]) => {
      if (scope && blocks.length > 0) thinkingCache.put(scope(), ids, { thinking_blocks: blocks });
    };
    return chatAnswer(
      upstream,
      stream,
      (body) => anthropicToOpenAIStream(body, { includeUsage, onTurn: remember, maxState: maxStreamState }),
      (msg: AnthropicMessage & { type?: unknown; error?: unknown }) => {
        // A 200 whose body is an error (`{"type":"error","error":{...}}`): that error, never an empty answer.
        if ((msg.type === 'error' || msg.error != null) && !Array.isArray(msg.content)) throw errorInAnswer(msg.error, providerId ?? 'anthropic');
        const turn = thinkingTurn(Array.isArray(msg.content) ? msg.content : []);
        if (turn.toolCallIds.length > 0) remember(turn.blocks, turn.toolCallIds);
        return toOpenAIResponse(msg);
      },
    );
  },
};

/** `GET {root}/v1/models` with the version header (the ids in OpenAI's list shape; paged, check.ts follows). */
export const anthropicModelList: ModelList = {
  request: (provider) => modelsCall(provider, provider.modelsUrl, anthropicHeaders(ANTHROPIC_VERSION, undefined)),
  ids: listedModelIds,
};
