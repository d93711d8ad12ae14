/**
 * `POST /v1/messages` and `POST /v1/messages/count_tokens`: Anthropic's Messages API in, for every provider
 * (DIALECTS.md). To an Anthropic-kind provider, pass-through: the client's body with only `model` replaced, its
 * `anthropic-version` and `anthropic-beta` headers, the provider's key instead of the client's credentials, and
 * the answer's bytes back unchanged. To an OpenAI-compatible provider, translated through the chat pivot
 * (request.ts, response.ts, stream.ts); count_tokens is then a local estimate (count-tokens.ts). Other providers'
 * reasoning state rides in thinking blocks signed with the gateway envelope (reasoning-envelope.ts): those never
 * reach an Anthropic provider (envelopes.ts).
 */
import type { Provider } from '../../config.js';
import { ANTHROPIC_VERSION, anthropicHeaders } from '../../providers/anthropic/index.js';
import { jsonCall } from '../../providers/exchange.js';
import type { ChatBody, UpstreamCall } from '../../providers/types.js';
import { viaChat } from '../pivot.js';
import type { Dialect } from '../types.js';
import { estimateInputTokens } from './count-tokens.js';
import { withoutEnvelopes } from './envelopes.js';
import { messagesErrorResponse, messagesFailureFrame } from './errors.js';
import { messagesToChat, shortenedToolNames } from './request.js';
import { chatToMessage } from './response.js';
import { chatToMessagesStream } from './stream.js';

/**
 * The client's body to an Anthropic-kind provider: `model` replaced, thinking blocks that carry another
 * provider's state removed, its version and beta headers forwarded.
 */
function passThrough(url: string, body: ChatBody, provider: Provider, upstreamModel: string, headers: Headers): UpstreamCall {
  const anthropic = anthropicHeaders(headers.get('anthropic-version') ?? ANTHROPIC_VERSION, headers.get('anthropic-beta'));
  return jsonCall(url, provider, { ...withoutEnvelopes(body), model: upstreamModel }, body.stream === true, anthropic);
}

export const messagesDialect: Dialect = {
  name: 'messages',
  plan(input) {
    const { body, provider, upstreamModel, headers } = input;
    if (provider.kind === 'anthropic') return { call: passThrough(provider.chatUrl, body, provider, upstreamModel, headers) };
    const model = body.model as string;
    // OpenAI's own API rejects `max_tokens` for its reasoning models; other servers know only `max_tokens`.
    const chat = messagesToChat(body, upstreamModel, { maxCompletionTokens: provider.id === 'openai', provider: provider.id });
    const names = shortenedToolNames(body.tools);
    return viaChat(input, chat, {
      stream: (s, maxState, remember) => chatToMessagesStream(s, { model, names, maxState, provider: provider.id, remember }),
      whole: (c) => chatToMessage(c, model, names, provider.id),
    });
  },
  errorResponse: messagesErrorResponse,
  failureFrame: messagesFailureFrame,
};

/** Upstream statuses that mean "no such endpoint". */
const NO_ENDPOINT = new Set([404, 405, 501]);

export const countTokensDialect: Dialect = {
  name: 'messages.count_tokens',
  plan({ body, provider, upstreamModel, headers }) {
    const local = () => ({ input_tokens: estimateInputTokens(body) });
    if (provider.kind !== 'anthropic') return { local: local() };
    return {
      call: passThrough(provider.countTokensUrl, body, provider, upstreamModel, headers),
      // An Anthropic-compatible provider without count_tokens (several third-party ones): the estimate, never a 404.
      recover: (err) => (NO_ENDPOINT.has(err.upstreamStatus ?? 0) ? local() : undefined),
    };
  },
  errorResponse: messagesErrorResponse,
  failureFrame: messagesFailureFrame,
};
