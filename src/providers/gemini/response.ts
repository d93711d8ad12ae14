/**
 * Gemini `GenerateContentResponse` → OpenAI `chat.completion` (only `candidates[0]`: the request asks for one).
 * Text parts join into `content`, thought parts into `reasoning_content`; each functionCall becomes a tool call
 * (its `args` object as JSON text) with Gemini's id, or one the gateway makes up when it has none; signatures go
 * to `extra_content` and `reasoning_details` (signatures.ts). A blocked prompt or a filtered answer with no text
 * comes back with `refusal` saying why and `finish_reason: "content_filter"`.
 */
import { errorInAnswer } from '../../errors.js';
import { randomId } from '../../ids.js';
import { failedCall, filteredText, mapFinishReason, mapUsage, type GeminiUsage } from './finish.js';
import { callExtra, partSignature, signatureEntry } from './signatures.js';

type Json = Record<string, any>;

export interface GeminiAnswer {
  candidates?: { content?: { parts?: Json[] } | null; finishReason?: string }[] | null;
  promptFeedback?: { blockReason?: string } | null;
  usageMetadata?: GeminiUsage | null;
  modelVersion?: string;
  responseId?: string;
  error?: unknown;
}

/** An id the gateway makes up: `prefix` and 24 random hex digits. */
export const geminiId = (prefix: string) => randomId(prefix, 24);

/** A functionCall part → a chat tool call (without the stream's `index`). */
export function toolCallOf(part: Json, newId: () => string): Json {
  const fc = part.functionCall as Json;
  const call: Json = {
    id: typeof fc.id === 'string' && fc.id !== '' ? fc.id : newId(),
    type: 'function',
    function: { name: String(fc.name ?? ''), arguments: JSON.stringify(fc.args ?? {}) },
  };
  const sig = partSignature(part);
  if (sig) call.extra_content = callExtra(sig);
  return call;
}

export interface AnswerOptions {
  /** The model the request named, for an answer without `modelVersion`. */
  model: string;
  created?: number;
  /** Makes a tool call id for a call Gemini sent without one. */
  newId?: () => string;
  /** Named in an error without a message of its own. */
  providerId?: string;
}

export function toChatCompletion(answer: GeminiAnswer, opts: AnswerOptions) {
  // A 200 whose body is Google's error: that error (its status name the code), never an empty answer.
  if (answer.error !== undefined && answer.error !== null) throw errorInAnswer(answer.error, opts.providerId ?? 'gemini');
  const candidate = Array.isArray(answer.candidates) ? answer.candidates[0] : undefined;
  const parts = Array.isArray(candidate?.content?.parts) ? candidate.content.parts : [];
  const failed = failedCall(candidate?.finishReason);
  if (failed) throw failed;
  let text = '';
  let reasoning = '';
  const details: Json[] = [];
  const toolCalls: Json[] = [];
  const newId = opts.newId ?? (() => geminiId('call_'));
  for (const part of parts) {
    if (typeof part !== 'object' || part === null) continue;
    const sig = partSignature(part);
    if (typeof part.functionCall === 'object' && part.functionCall !== null) {
      toolCalls.push(toolCallOf(part, newId));
      continue;
    }
    if (typeof part.text === 'string') {
      if (part.thought === true) reasoning += part.text;
      else text += part.text;
    }
    if (sig) details.push(signatureEntry(sig, details.length));
  }
  const blocked = candidate === undefined ? answer.promptFeedback?.blockReason : undefined;
  const finish = blocked !== undefined ? 'content_filter' : mapFinishReason(candidate?.finishReason, toolCalls.length > 0);
  let refusal: string | null = null;
  if (blocked !== undefined) refusal = filteredText('prompt', String(blocked));
  else if (finish === 'content_filter' && text === '') refusal = filteredText('answer', String(candidate?.finishReason));
  const message: Json = { role: 'assistant', content: text === '' && (toolCalls.length > 0 || refusal !== null) ? null : text, refusal };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (reasoning !== '') message.reasoning_content = reasoning;
  if (details.length > 0) message.reasoning_details = details;
  return {
    id: typeof answer.responseId === 'string' && answer.responseId !== '' ? answer.responseId : geminiId('chatcmpl-'),
    object: 'chat.completion' as const,
    created: opts.created ?? Math.floor(Date.now() / 1000),
    model: typeof answer.modelVersion === 'string' && answer.modelVersion !== '' ? answer.modelVersion : opts.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
    usage: mapUsage(answer.usageMetadata),
  };
}
