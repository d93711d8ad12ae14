/**
 * `POST /v1/responses`: OpenAI's Responses API, stateless. A provider that speaks it (`responses: true`, e.g.
 * `openai`) gets `{base}/responses` with only `model` replaced (and the reasoning items the gateway wrote for another
 * provider taken out, thinking.ts) and its bytes back unchanged; every other
 * provider goes through the chat pivot (request.ts → the provider's adapter → response.ts / stream.ts), so a
 * Claude model is reached responses → chat → Messages and answers back the same way. Errors before a stream
 * are OpenAI-shaped; a stream that fails after it began ends with `response.failed`.
 */
import { errorResponse } from '../../errors.js';
import { jsonCall } from '../../providers/exchange.js';
import { sseTransform } from '../../sse.js';
import { viaChat } from '../pivot.js';
import type { Dialect, Plan } from '../types.js';
import { echoOf, newId } from './envelope.js';
import { passThroughFailure } from './failure.js';
import { toChatRequest } from './request.js';
import { toResponse } from './response.js';
import { createResponsesStreamTranslator, type ResponsesStreamTranslator } from './stream.js';
import { wantsEncrypted, withoutGatewayReasoning } from './thinking.js';

export const responsesDialect: Dialect = {
  name: 'responses',
  plan(input): Plan {
    const { body, provider, upstreamModel } = input;
    const echo = echoOf(body);
    if (provider.responses) {
      return {
        call: jsonCall(provider.responsesUrl, provider, { ...withoutGatewayReasoning(body), model: upstreamModel }, body.stream === true),
        failureFrame: passThroughFailure(echo),
      };
    }
    const { chat, origins } = toChatRequest(body, provider.id);
    const id = newId('resp');
    const encrypted = wantsEncrypted(body.include);
    let translator: ResponsesStreamTranslator | undefined;
    const plan = viaChat(input, chat, {
      stream(source, maxState, remember) {
        translator = createResponsesStreamTranslator({ echo, origins, id, encrypted, provider: provider.id, maxState, remember });
        return sseTransform(source, translator);
      },
      whole: (answer) => toResponse(answer, { echo, origins, id, encrypted, provider: provider.id }),
    });
    const fallback = passThroughFailure(echo);
    plan.failureFrame = (message, code) => (translator ? translator.failure(message, code) : fallback(message, code));
    return plan;
  },
  errorResponse,
  failureFrame: passThroughFailure(echoOf({})),
};
