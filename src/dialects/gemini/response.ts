/**
 * OpenAI `chat.completion` → Gemini `GenerateContentResponse` (GEMINI.md §3), and what the stream shares: the
 * finish reason, usage, the call parts, and the reasoning-state envelope.
 *
 * Reasoning state a Gemini client cannot otherwise carry (`reasoning_details`, `thinking_blocks`, each call's
 * `extra_content`; and the reasoning text of an answer with calls, which the provider may need back and Gemini
 * CLI drops with the `thought` parts) leaves as one gateway envelope naming the provider, in the
 * `thoughtSignature` of the first functionCall part, where Gemini CLI keeps it, or else of a final empty text part.
 */
import { randomId } from '../../ids.js';
import { encodeReasoning, type ReasoningState } from '../reasoning-envelope.js';
import { isObject, positiveNumber as n } from '../../json.js';

type Json = Record<string, unknown>;

export interface GeminiAnswerOptions {
  /** The model name the client used (`modelVersion`). */
  model: string;
  /** The provider that answered: the envelope names it. */
  providerId: string;
  /** The client asked for thoughts (`thinkingConfig.includeThoughts`): reasoning text as `thought: true` parts. */
  thoughts: boolean;
}

/** A chat `finish_reason` → Gemini's `finishReason` (turns that end in calls are STOP, as on Gemini). */
export function finishReason(finish: unknown): string {
  switch (finish) {
    case 'length':
      return 'MAX_TOKENS';
    case 'content_filter':
      return 'SAFETY';
    default:
      return 'STOP';
  }
}

/** Chat usage → `usageMetadata`: candidates exclude thoughts, cached tokens are part of the prompt count. */
export function usageMetadata(u: unknown): Json | undefined {
  if (!isObject(u)) return undefined;
  const prompt = n(u.prompt_tokens);
  const completion = n(u.completion_tokens);
  const thoughts = n((u.completion_tokens_details as Json | undefined)?.reasoning_tokens);
  const cached = n((u.prompt_tokens_details as Json | undefined)?.cached_tokens);
  const out: Json = { promptTokenCount: prompt, candidatesTokenCount: Math.max(0, completion - thoughts), totalTokenCount: n(u.total_tokens) || prompt + completion };
  if (thoughts > 0) out.thoughtsTokenCount = thoughts;
  if (cached > 0) out.cachedContentTokenCount = cached;
  return out;
}

/** A call's arguments (a JSON string) as the object `functionCall.args` is; undefined when they are not one. */
export function callArgs(args: unknown): Json | undefined {
  if (args === undefined || args === null || (typeof args === 'string' && args.trim() === '')) return {};
  if (typeof args !== 'string') return isObject(args) ? args : undefined;
  try {
    const parsed = JSON.parse(args) as unknown;
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export const newCallId = () => randomId('call_', 24);

/** What an answer carries besides its text and calls, for the envelope. */
export interface AnswerState {
  reasoning: string;
  details: Json[];
  blocks: Json[];
  /** Each call's `extra_content`, by the id the client gets. */
  extra: Record<string, Json>;
  calls: boolean;
}

/** The gateway envelope for an answer's reasoning state, or undefined when it has none. */
export function stateEnvelope(providerId: string, s: AnswerState): string | undefined {
  const state: ReasoningState = { provider: providerId };
  if (s.details.length > 0) state.reasoning_details = s.details;
  if (s.blocks.length > 0) state.thinking_blocks = s.blocks;
  // The text of an answer with calls (DeepSeek, Kimi want it back), unless signed blocks or entries hold it.
  else if (s.details.length === 0 && s.calls && s.reasoning !== '') state.reasoning_details = [{ type: 'reasoning.text', text: s.reasoning }];
  for (const id in s.extra) {
    state.extra_content = s.extra;
    break;
  }
  return state.reasoning_details || state.thinking_blocks || state.extra_content ? encodeReasoning(state) : undefined;
}

/**
 * The calls as functionCall parts, the envelope on the first; `malformed` when one's arguments are not a JSON
 * object (then none is given: Gemini answers MALFORMED_FUNCTION_CALL, which its clients retry).
 */
export function callParts(calls: Array<{ id: string; name: string; args: unknown }>, envelope: string | undefined): { parts: Json[]; malformed: boolean } {
  const parts: Json[] = [];
  for (const call of calls) {
    const args = callArgs(call.args);
    if (!args) return { parts: [], malformed: true };
    parts.push({ functionCall: { id: call.id, name: call.name, args } });
  }
  if (envelope !== undefined) {
    if (parts.length > 0) parts[0].thoughtSignature = envelope;
    else parts.push({ text: '', thoughtSignature: envelope });
  }
  return { parts, malformed: false };
}

/** The finish reason of an answer whose calls were malformed (cut by the token limit, or broken). */
export const malformedReason = (finish: unknown) => (finish === 'length' ? 'MAX_TOKENS' : 'MALFORMED_FUNCTION_CALL');

/** One `GenerateContentResponse` (a whole answer, or one stream chunk). */
export function geminiResponse(parts: Json[], opts: GeminiAnswerOptions, responseId: unknown, finish?: string, usage?: Json): Json {
  const candidate: Json = { content: { role: 'model', parts } };
  if (finish !== undefined) candidate.finishReason = finish;
  candidate.index = 0;
  const out: Json = { candidates: [candidate] };
  if (usage) out.usageMetadata = usage;
  out.modelVersion = opts.model;
  if (typeof responseId === 'string' && responseId !== '') out.responseId = responseId;
  return out;
}

/** A whole chat answer → a GenerateContentResponse. */
export function chatToGemini(chat: Json, opts: GeminiAnswerOptions): Json {
  const choice = ((Array.isArray(chat.choices) ? chat.choices[0] : undefined) ?? {}) as Json;
  const message = (choice.message ?? {}) as Json;
  const parts: Json[] = [];
  const reasoning = message.reasoning_content ?? message.reasoning;
  const reasoningText = typeof reasoning === 'string' ? reasoning : '';
  if (opts.thoughts && reasoningText !== '') parts.push({ text: reasoningText, thought: true });
  const text = typeof message.content === 'string' ? message.content : typeof message.refusal === 'string' ? message.refusal : '';
  if (text !== '') parts.push({ text });
  const calls: Array<{ id: string; name: string; args: unknown }> = [];
  const extra: Record<string, Json> = {};
  for (const tc of Array.isArray(message.tool_calls) ? message.tool_calls : []) {
    if (!isObject(tc)) continue;
    const fn = (tc.function ?? {}) as Json;
    const id = typeof tc.id === 'string' && tc.id !== '' ? tc.id : newCallId();
    if (isObject(tc.extra_content)) extra[id] = tc.extra_content;
    calls.push({ id, name: String(fn.name ?? ''), args: fn.arguments });
  }
  const state: AnswerState = {
    reasoning: reasoningText,
    details: Array.isArray(message.reasoning_details) ? message.reasoning_details.filter(isObject) : [],
    blocks: Array.isArray(message.thinking_blocks) ? message.thinking_blocks.filter(isObject) : [],
    extra,
    calls: calls.length > 0,
  };
  const made = callParts(calls, stateEnvelope(opts.providerId, state));
  for (const p of made.parts) parts.push(p);
  const finish = made.malformed ? malformedReason(choice.finish_reason) : finishReason(choice.finish_reason);
  const out = geminiResponse(parts, opts, chat.id, finish, usageMetadata(chat.usage));
  // Nothing at all for a filtered request: the prompt was blocked, as Gemini reports it.
  if (finish === 'SAFETY' && text === '' && calls.length === 0) out.promptFeedback = { blockReason: 'SAFETY' };
  return out;
}
