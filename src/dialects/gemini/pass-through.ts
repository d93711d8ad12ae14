/**
 * The Gemini API to a `gemini`-kind provider (Google's own API; the provider kind of issue 19): pass-through. The
 * client's body goes to the same action on the provider with the path's model replaced by the upstream one, and
 * the answer's bytes come back unchanged (streams on the Node push path). The one change: a gateway envelope in a
 * `thoughtSignature` (the history of a conversation that another provider answered before) means nothing to
 * Google, which refuses a signature it did not make: on a functionCall part it becomes Google's documented
 * `skip_thought_signature_validator`, elsewhere it is removed. A body without one is sent as it came.
 */
import type { Provider } from '../../config.js';
import { jsonCall } from '../../providers/exchange.js';
import { actionUrl } from '../../providers/gemini/index.js';
import { BYPASS_SIGNATURE } from '../../providers/gemini/signatures.js';
import type { UpstreamCall } from '../../providers/types.js';
import { ENVELOPE_PREFIX, isEnvelope } from '../reasoning-envelope.js';
import type { GeminiAction } from './actions.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `{action}` as Google's path spells it. */
const upstreamAction = (action: GeminiAction) => (action === 'streamSse' ? 'streamGenerateContent?alt=sse' : action === 'streamArray' ? 'streamGenerateContent' : action);

export function geminiPassThrough(body: Json, provider: Provider, upstreamModel: string, action: GeminiAction): UpstreamCall {
  const text = JSON.stringify(body);
  const sent = text.includes(ENVELOPE_PREFIX) ? withoutEnvelopes(body) : text;
  return jsonCall(actionUrl(provider, upstreamModel, upstreamAction(action)), provider, sent, action === 'streamSse');
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
