/**
 * The Gemini API to a `gemini`-kind provider (Google's own API; the provider kind of issue 19): pass-through. The
 * client's body goes to the same action on the provider with the path's model replaced by the upstream one, and
 * the answer's bytes come back unchanged (streams on the Node push path). The one change: a gateway envelope in a
 * `thoughtSignature` (the history of a conversation that another provider answered before) means nothing to
 * Google, which refuses a signature it did not make: on a functionCall part it becomes Google's documented
 * `skip_thought_signature_validator`, elsewhere it is removed. And a `model` the body names besides the path (each
 * request of a batch, `:embedContent`'s, `:countTokens`' `generateContentRequest`), which Google requires to be the
 * path's, becomes the upstream model too. A body with neither is sent as it came.
 */
import type { Provider } from '../../config.js';
import { jsonCall } from '../../providers/exchange.js';
import { actionUrl } from '../../providers/gemini/index.js';
import { modelName } from '../../providers/gemini/models.js';
import { BYPASS_SIGNATURE } from '../../providers/gemini/signatures.js';
import type { UpstreamCall } from '../../providers/types.js';
import { ENVELOPE_PREFIX, isEnvelope } from '../reasoning-envelope.js';
import type { Plan } from '../types.js';
import type { GeminiAction } from './actions.js';
import { failureStatus, googleErrorBody } from './errors.js';
import { isObject } from '../../json.js';

type Json = Record<string, unknown>;

/** `{action}` as Google's path spells it. */
const upstreamAction = (action: GeminiAction) => (action === 'streamSse' ? 'streamGenerateContent?alt=sse' : action === 'streamArray' ? 'streamGenerateContent' : action);

/**
 * The plan: the call, and for the streamed JSON array (`:streamGenerateContent` without `alt=sse`, which Google
 * sends as `application/json`) a stream the relay passes on as it arrives; a failure after it began becomes the
 * array's last element, Google's error (an array cut inside an element stays unparseable: the client sees an error
 * either way, never a shorter answer that parses).
 */
export function geminiPassThroughPlan(body: Json, provider: Provider, upstreamModel: string, action: GeminiAction): Plan {
  const call = geminiPassThrough(body, provider, upstreamModel, action);
  if (action !== 'streamArray') return { call };
  return { call, stream: true, failureFrame: arrayFailure };
}

const arrayFailure = (message: string, code: string, begun = true) => {
  const error = JSON.stringify(googleErrorBody(failureStatus(code), message));
  return begun ? `,\r\n${error}\r\n]` : `[${error}]`;
};

export function geminiPassThrough(body: Json, provider: Provider, upstreamModel: string, action: GeminiAction): UpstreamCall {
  const name = modelName(upstreamModel);
  const renamed = withUpstreamModel(body, action, `models/${name}`);
  const text = JSON.stringify(renamed);
  const sent = text.includes(ENVELOPE_PREFIX) ? withoutEnvelopes(renamed) : text;
  return jsonCall(actionUrl(provider, name, upstreamAction(action)), provider, sent, action === 'streamSse');
}

/** `v` names a model, and not `resource`. */
const namesOther = (v: unknown, resource: string): v is Json => isObject(v) && typeof v.model === 'string' && v.model !== resource;

/**
 * The body with the model it names in its own fields set to `resource` (`models/{upstream model}`): the client
 * named the gateway's model (`gemini/…`, an alias), which Google would refuse as not the path's. The same body
 * when there is nothing to change.
 */
export function withUpstreamModel(body: Json, action: GeminiAction, resource: string): Json {
  const { requests, generateContentRequest: inner } = body;
  if (action === 'batchEmbedContents' && Array.isArray(requests) && requests.some((r) => namesOther(r, resource))) {
    return { ...body, requests: requests.map((r) => (namesOther(r, resource) ? { ...r, model: resource } : r)) };
  }
  if (action === 'embedContent' && namesOther(body, resource)) return { ...body, model: resource };
  if (action === 'countTokens' && namesOther(inner, resource)) return { ...body, generateContentRequest: { ...inner, model: resource } };
  return body;
}

/** The body with every envelope signature replaced (functionCall parts) or removed (other parts); a copy. */
export function withoutEnvelopes(body: Json): Json {
  const contents = body.contents;
  if (!Array.isArray(contents)) return body;
  return {
    ...body,
    contents: contents.map((content) => {
      if (!isObject(content) || !Array.isArray(content.parts)) return content;
      return {
        ...content,
        parts: content.parts.map((part) => {
          if (!isObject(part)) return part;
          const key = 'thoughtSignature' in part ? 'thoughtSignature' : 'thought_signature';
          if (!isEnvelope(part[key])) return part;
          const { [key]: _, ...rest } = part;
          return rest.functionCall !== undefined || rest.function_call !== undefined ? { ...rest, [key]: BYPASS_SIGNATURE } : rest;
        }),
      };
    }),
  };
}
