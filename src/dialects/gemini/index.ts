/**
 * The Gemini API in (Gemini CLI, `@google/genai`, pi and Qwen Code's Gemini modes): `POST
 * /v1beta/models/{model}:generateContent`, `:streamGenerateContent` (`?alt=sse`: SSE; without: one streamed JSON
 * array), `:countTokens`, `:embedContent`, `:batchEmbedContents`, the same under `/v1/models/`, and `GET
 * /v1beta/models[/{model}]` (DIALECTS.md). The model is in the path (actions.ts); gateway keys also come as
 * `x-goog-api-key` (every route) and `?key=` (these routes); errors are Google's (errors.ts).
 *
 * To a `gemini`-kind provider: pass-through (pass-through.ts). To every other kind, through the chat pivot:
 * request.ts, response.ts and stream.ts for generateContent; a local estimate for countTokens; the provider's
 * `/embeddings` for the embedding actions (an OpenAI-compatible provider's; Anthropic has none).
 */
import type { HonoRequest } from 'hono';
import { GatewayError } from '../../errors.js';
import { jsonBody } from '../../providers/exchange.js';
import { embeddingsExchange } from '../embeddings/index.js';
import { viaChat } from '../pivot.js';
import type { Dialect, Plan, PlanInput } from '../types.js';
import { requestTarget, V1, type GeminiAction } from './actions.js';
import { countTokensAnswer } from './count-tokens.js';
import { fromEmbeddingsAnswer, toEmbeddingsRequest } from './embeddings.js';
import { failureStatus, geminiErrorResponse, geminiFailureFrame } from './errors.js';
import { geminiModels } from './models.js';
import { geminiPassThroughPlan } from './pass-through.js';
import { geminiToChat, includesThoughts } from './request.js';
import { chatToGemini, type GeminiAnswerOptions } from './response.js';
import { arrayFraming, chatToGeminiStream, errorItem, sseFraming } from './stream.js';

/** A request from one of Google's clients (its SDK sends `x-goog-api-client`; its key header is Google's own). */
const isGoogleClient = (req: HonoRequest) => req.header('x-goog-api-key') !== undefined || req.header('x-goog-api-client') !== undefined;

/** generateContent and its streams, translated through chat. */
function generate(input: PlanInput, action: GeminiAction): Plan {
  const { body, provider, upstreamModel } = input;
  const chat = geminiToChat(body, { upstreamModel, stream: action !== 'generateContent', providerId: provider.id, maxCompletionTokens: provider.id === 'openai' });
  // `modelVersion` is the model that answered, as on Gemini.
  const answer: GeminiAnswerOptions = { model: upstreamModel, providerId: provider.id, thoughts: includesThoughts(body) };
  // Without `alt=sse`: one JSON array, written as the answer arrives; a failure after it began is its last element.
  const array = action === 'streamArray';
  const framing = array ? arrayFraming() : sseFraming();
  const plan = viaChat(input, chat, {
    stream: (s, maxState) => chatToGeminiStream(s, { ...answer, maxState, framing }),
    whole: (c) => chatToGemini(c, answer),
    streamType: array ? 'application/json; charset=UTF-8' : undefined,
  });
  if (array) plan.failureFrame = (message, code) => errorItem(framing, failureStatus(code), message);
  return plan;
}

/** `:embedContent` / `:batchEmbedContents` → the provider's embeddings API (as `/v1/embeddings` calls it), the vectors mapped back. */
function embed(input: PlanInput, batch: boolean): Plan {
  const { provider } = input;
  const request = toEmbeddingsRequest(input.body, input.upstreamModel, batch);
  const count = (request.input as string[]).length;
  return {
    call: embeddingsExchange({ ...input, body: request }).call,
    async translate(upstream) {
      const answer = await upstream.json().catch(() => {
        throw new GatewayError(502, 'upstream_error', 'bad_upstream_answer', `Provider "${provider.id}" answered with something other than JSON.`, null, upstream.status);
      });
      return jsonBody(fromEmbeddingsAnswer(answer, count, batch, provider.id));
    },
  };
}

export const geminiDialect: Dialect = {
  name: 'gemini',
  prefix: '/v1beta',
  models: geminiModels,
  owns(req) {
    const path = req.path;
    if (path === '/v1beta' || path.startsWith('/v1beta/')) return true;
    if (path !== '/v1/models' && !path.startsWith(V1)) return false;
    // `POST /v1/models/{model}:{action}` is Gemini's; the OpenAI model list answers a Google client in its shape.
    return (req.method === 'POST' && path !== '/v1/models') || isGoogleClient(req);
  },
  keyOf: (req) => req.query('key'),
  requestOf: (c) => requestTarget(c.req),
  plan(input) {
    const action = input.action as GeminiAction;
    // Google's own API gets the request as it came.
    if (input.provider.kind === 'gemini') return geminiPassThroughPlan(input.body, input.provider, input.upstreamModel, action);
    if (action === 'countTokens') return { local: countTokensAnswer(input.body) };
    if (action === 'embedContent' || action === 'batchEmbedContents') return embed(input, action === 'batchEmbedContents');
    return generate(input, action);
  },
  errorResponse: geminiErrorResponse,
  failureFrame: geminiFailureFrame,
};

/** The dialect's model routes (Hono patterns: the model may hold `/`; actions.ts splits it from the action). */
export const GEMINI_ROUTES = [
  ['/v1beta/models/:target{.+}', geminiDialect],
  ['/v1/models/:target{.+}', geminiDialect],
] as const;
