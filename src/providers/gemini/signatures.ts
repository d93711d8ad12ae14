/**
 * Thought signatures through the chat pivot (REASONING-DESIGN.md). Gemini puts an opaque `thoughtSignature` on
 * parts of its answers: the first functionCall of a step, or a text or thought part (Gemini 3: the last part of
 * an answer without calls, sometimes an empty text part). On the chat side a call's signature is
 * `tool_calls[i].extra_content.google.thought_signature` (as Google's OpenAI-compatible endpoint spells it), any
 * other one a `reasoning_details` entry `{type: "reasoning.encrypted", data, format: "google-gemini-v1"}`; on the
 * way back each goes on the same kind of part it came from.
 * @see https://ai.google.dev/gemini-api/docs/thought-signatures
 */
import { isObject } from '../../json.js';

type Json = Record<string, unknown>;

export const SIGNATURE_FORMAT = 'google-gemini-v1';

/** Google's documented value for calls the model did not make (history from another model); Gemini 3 only. */
export const BYPASS_SIGNATURE = 'skip_thought_signature_validator';

/** A part's signature (Google's examples also spell it `thought_signature`). */
export function partSignature(part: Json): string | undefined {
  const sig = part.thoughtSignature ?? part.thought_signature;
  return typeof sig === 'string' && sig !== '' ? sig : undefined;
}

/** A chat tool call's `extra_content` for a signed functionCall. */
export const callExtra = (signature: string) => ({ google: { thought_signature: signature } });

/** The `reasoning_details` entry for a signed text or thought part (`index`: its place among the answer's entries). */
export const signatureEntry = (signature: string, index: number) => ({ type: 'reasoning.encrypted', data: signature, format: SIGNATURE_FORMAT, index });

/** The signature a chat tool call carries back, if any. */
export function callSignature(call: Json): string | undefined {
  const google = isObject(call.extra_content) ? call.extra_content.google : undefined;
  const sig = isObject(google) ? google.thought_signature : undefined;
  return typeof sig === 'string' && sig !== '' ? sig : undefined;
}

/** The Gemini signatures of an assistant message's `reasoning_details`, in order (other formats are not Gemini's). */
export function detailSignatures(details: unknown): string[] {
  const out: string[] = [];
  if (!Array.isArray(details)) return out;
  for (const d of details) {
    if (isObject(d) && d.type === 'reasoning.encrypted' && d.format === SIGNATURE_FORMAT && typeof d.data === 'string' && d.data !== '') out.push(d.data);
  }
  return out;
}
