/**
 * A whole OpenAI Responses `response` object → a `chat.completion` (the pivot's answer). Reasoning items become
 * `reasoning_content` (their summary text) and one `reasoning_details` entry each, `{type: "reasoning.encrypted",
 * id, data: encrypted_content, format: "openai-responses-v1", index}`, which a client sends back unmodified on the
 * next request of its tool loop (request.ts replays it). The helpers here serve the stream translator too.
 * @see https://platform.openai.com/docs/api-reference/responses/object
 */
import { GatewayError } from '../../errors.js';
import { REASONING_FORMAT } from './request.js';
import { finiteNumber as n } from '../../json.js';

type Json = Record<string, any>;

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/** A reasoning item's readable text: its summary parts, then any raw reasoning text (open-weight models), joined. */
export function reasoningText(item: Json): string {
  const parts: string[] = [];
  for (const list of [item.summary, item.content]) {
    if (!Array.isArray(list)) continue;
    for (const p of list) if (typeof p?.text === 'string' && p.text !== '') parts.push(p.text);
  }
  return parts.join('\n\n');
}

/** The pivot's entry for a reasoning item (undefined without encrypted content: nothing to replay). */
export function reasoningDetail(item: Json, index: number): Json | undefined {
  if (typeof item.encrypted_content !== 'string' || typeof item.id !== 'string') return undefined;
  return { type: 'reasoning.encrypted', id: item.id, data: item.encrypted_content, format: REASONING_FORMAT, index };
}

/** `status` and `incomplete_details` → `finish_reason`. */
export function finishReason(status: unknown, incomplete: Json | null | undefined, toolCalls: boolean): FinishReason {
  if (status === 'incomplete') return incomplete?.reason === 'content_filter' ? 'content_filter' : 'length';
  return toolCalls ? 'tool_calls' : 'stop';
}

/** Responses `usage` → chat `usage` (input tokens include cached ones in both). */
export function chatUsage(u: Json | null | undefined): Json {
  const prompt = n(u?.input_tokens);
  const completion = n(u?.output_tokens);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: n(u?.total_tokens) || prompt + completion,
    prompt_tokens_details: { cached_tokens: n(u?.input_tokens_details?.cached_tokens) },
    completion_tokens_details: { reasoning_tokens: n(u?.output_tokens_details?.reasoning_tokens) },
  };
}

/** Error codes that are the request's fault (Responses reports them in `response.error` / `error` events). */
const CLIENT_CODES = new Set(['invalid_prompt', 'context_length_exceeded', 'invalid_request_error']);

/** A failed response's `error` (or an `error` event) as the gateway's error (redacted where every error is, by the app). */
export function responseFailure(error: Json | null | undefined): GatewayError {
  const code = typeof error?.code === 'string' && error.code !== '' ? error.code : null;
  const message = typeof error?.message === 'string' && error.message !== '' ? error.message : 'The provider reported a failed response.';
  if (code === 'rate_limit_exceeded') return new GatewayError(429, 'rate_limit_error', code, message, null, 200);
  if (code && CLIENT_CODES.has(code)) return new GatewayError(400, 'invalid_request_error', code, message, null, 200);
  return new GatewayError(502, 'upstream_error', code ?? 'upstream_error', message, null, 200);
}

export function toChatCompletion(r: Json): Json {
  if (!Array.isArray(r?.output) || r.status === 'failed' || r.status === 'cancelled' || (r.error !== null && r.error !== undefined)) {
    throw responseFailure(r?.error ?? (r?.status === 'cancelled' ? { message: 'The provider cancelled the response.' } : undefined));
  }
  const reasoning: string[] = [];
  const details: Json[] = [];
  const toolCalls: Json[] = [];
  let text = '';
  let refusal = '';
  for (const item of r.output as Json[]) {
    if (item?.type === 'reasoning') {
      const t = reasoningText(item);
      if (t !== '') reasoning.push(t);
      const d = reasoningDetail(item, details.length);
      if (d) details.push(d);
    } else if (item?.type === 'message') {
      for (const p of Array.isArray(item.content) ? item.content : []) {
        if (p?.type === 'output_text' && typeof p.text === 'string') text += p.text;
        else if (p?.type === 'refusal' && typeof p.refusal === 'string') refusal += p.refusal;
      }
    } else if (item?.type === 'function_call') {
      toolCalls.push({ id: item.call_id, type: 'function', function: { name: item.name, arguments: typeof item.arguments === 'string' ? item.arguments : '' } });
    }
  }
  const message: Json = { role: 'assistant', content: text === '' && (toolCalls.length > 0 || refusal !== '') ? null : text, refusal: refusal === '' ? null : refusal };
  if (reasoning.length > 0) message.reasoning_content = reasoning.join('\n\n');
  if (details.length > 0) message.reasoning_details = details;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  const out: Json = {
    id: r.id,
    object: 'chat.completion',
    created: n(r.created_at),
    model: r.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason(r.status, r.incomplete_details, toolCalls.length > 0) }],
  };
  if (r.usage) out.usage = chatUsage(r.usage);
  return out;
}
