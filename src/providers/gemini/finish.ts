/**
 * Gemini `finishReason`, `promptFeedback` and `usageMetadata` → chat's `finish_reason`, refusal and `usage`.
 * A turn that ends in function calls finishes with STOP: it is `tool_calls` when calls were made. A malformed or
 * unexpected call (MALFORMED_FUNCTION_CALL, UNEXPECTED_TOOL_CALL, TOO_MANY_TOOL_CALLS) is an upstream error (502,
 * an error frame mid-stream), not a silent stop: an agent retries it as Google's own CLI does.
 * @see https://ai.google.dev/api/generate-content#FinishReason
 */
import { GatewayError } from '../../errors.js';
import { finiteNumber as n } from '../../json.js';

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

const FILTERED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'IMAGE_PROHIBITED_CONTENT', 'IMAGE_RECITATION']);
const FAILED_CALL = new Set(['MALFORMED_FUNCTION_CALL', 'UNEXPECTED_TOOL_CALL', 'TOO_MANY_TOOL_CALLS']);

export function mapFinishReason(reason: unknown, madeCalls: boolean): FinishReason {
  if (reason === 'MAX_TOKENS') return 'length';
  if (typeof reason === 'string' && FILTERED.has(reason)) return 'content_filter';
  // STOP, OTHER, LANGUAGE, unknown (future) reasons: the turn ended.
  return madeCalls ? 'tool_calls' : 'stop';
}

/** The error a failed call ends the answer with, or undefined for every other reason. */
export function failedCall(reason: unknown): GatewayError | undefined {
  if (typeof reason !== 'string' || !FAILED_CALL.has(reason)) return undefined;
  return new GatewayError(502, 'upstream_error', reason.toLowerCase(), `Gemini could not use the model's function call (finishReason ${reason}); retry.`);
}

/** The refusal text for an answer Gemini filtered (`blockReason` of the prompt, or the answer's finishReason). */
export const filteredText = (what: 'prompt' | 'answer', reason: string) =>
  what === 'prompt' ? `Gemini blocked the prompt (blockReason ${reason}).` : `Gemini stopped the answer (finishReason ${reason}).`;

export interface GeminiUsage {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  cachedContentTokenCount?: number;
  toolUsePromptTokenCount?: number;
  totalTokenCount?: number;
}

/**
 * `usageMetadata` → chat `usage`: completion = candidates + thoughts (Gemini counts them apart), reasoning_tokens =
 * thoughts; the prompt includes cached tokens (`cached_tokens`) and the tool-use prompt (grounding).
 */
export function mapUsage(u: GeminiUsage | null | undefined) {
  const thoughts = n(u?.thoughtsTokenCount);
  const prompt = n(u?.promptTokenCount) + n(u?.toolUsePromptTokenCount);
  const completion = n(u?.candidatesTokenCount) + thoughts;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: n(u?.cachedContentTokenCount) },
    completion_tokens_details: { reasoning_tokens: thoughts },
  };
}
