/**
 * The parts of a Responses answer that do not depend on how it was produced: ids, the `response` object around
 * the output items (with the request's settings echoed, as OpenAI does), usage and status. Shared by the whole
 * answer (response.ts), the stream (stream.ts) and the failure events (failure.ts).
 * @see https://platform.openai.com/docs/api-reference/responses/object
 */
import { randomId } from '../../ids.js';
import { isObject as isJsonObject } from '../../json.js';

type Json = Record<string, any>;

/** `prefix_` + 32 hex digits: ids look like OpenAI's (`resp_…`, `msg_…`, `fc_…`) and never collide. */
export const newId = (prefix: string) => randomId(`${prefix}_`);

/** The request's settings that every `response` object repeats (computed once per request). */
export interface Echo {
  model: string;
  instructions: unknown;
  tools: unknown[];
  tool_choice: unknown;
  parallel_tool_calls: boolean;
  temperature: number | null;
  top_p: number | null;
  max_output_tokens: number | null;
  reasoning: unknown;
  text: unknown;
  metadata: Record<string, unknown>;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
/** The shared test, typed for this module's loose `Json`. */
const isObject = isJsonObject as (v: unknown) => v is Json;

/** A function tool as the `response` object lists it (the spec requires `strict` and `parameters`, possibly null). */
const echoTool = (t: unknown) =>
  isObject(t) && t.type === 'function' ? { ...t, parameters: t.parameters ?? null, strict: t.strict ?? null } : t;

export function echoOf(body: Json, model = String(body.model ?? '')): Echo {
  return {
    model,
    instructions: body.instructions ?? null,
    tools: Array.isArray(body.tools) ? body.tools.map(echoTool) : [],
    tool_choice: body.tool_choice ?? 'auto',
    parallel_tool_calls: body.parallel_tool_calls !== false,
    temperature: num(body.temperature),
    top_p: num(body.top_p),
    max_output_tokens: num(body.max_output_tokens),
    reasoning: isObject(body.reasoning) ? { effort: body.reasoning.effort ?? null, summary: body.reasoning.summary ?? null } : null,
    text: isObject(body.text) ? { format: { type: 'text' }, ...body.text } : { format: { type: 'text' } },
    metadata: isObject(body.metadata) ? body.metadata : {},
  };
}

export type Status = 'in_progress' | 'completed' | 'incomplete' | 'failed';

export interface ResponseParts {
  id: string;
  created_at: number;
  status: Status;
  output: unknown[];
  usage?: ResponsesUsage;
  error?: { code: string; message: string } | null;
  incomplete_details?: { reason: 'max_output_tokens' | 'content_filter' } | null;
}

/** The `response` object: the answer itself, and what `response.created` … `response.completed` carry. */
export function responseObject(echo: Echo, p: ResponseParts): Json {
  return {
    id: p.id,
    object: 'response',
    created_at: p.created_at,
    status: p.status,
    completed_at: p.status === 'completed' ? Math.floor(Date.now() / 1000) : null,
    error: p.error ?? null,
    incomplete_details: p.incomplete_details ?? null,
    instructions: echo.instructions,
    max_output_tokens: echo.max_output_tokens,
    model: echo.model,
    output: p.output,
    parallel_tool_calls: echo.parallel_tool_calls,
    previous_response_id: null,
    reasoning: echo.reasoning,
    store: false, // nothing is retrievable: the gateway is stateless
    temperature: echo.temperature,
    text: echo.text,
    tool_choice: echo.tool_choice,
    tools: echo.tools,
    top_p: echo.top_p,
    truncation: 'disabled',
    metadata: echo.metadata,
    ...(p.usage ? { usage: p.usage } : {}),
  };
}

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Chat usage (the pivot's fields, dialects/pivot.ts) → Responses usage; undefined when the answer had none. */
export function usageFromChat(u: unknown): ResponsesUsage | undefined {
  if (!isObject(u)) return undefined;
  const input = count(u.prompt_tokens);
  const output = count(u.completion_tokens);
  return {
    input_tokens: input,
    input_tokens_details: {
      cached_tokens: count(u.prompt_tokens_details?.cached_tokens),
      cache_write_tokens: count(u.prompt_tokens_details?.cache_write_tokens),
    },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: count(u.completion_tokens_details?.reasoning_tokens) },
    total_tokens: typeof u.total_tokens === 'number' ? u.total_tokens : input + output,
  };
}

/** A chat `finish_reason` → the response's status (ENDPOINTS.md §4.2). */
export function statusOf(finish: unknown): Pick<ResponseParts, 'status' | 'incomplete_details'> {
  if (finish === 'length') return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (finish === 'content_filter') return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  return { status: 'completed', incomplete_details: null };
}
