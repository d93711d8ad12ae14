/**
 * A chat request's fields read the same way by every adapter that translates it (Anthropic, Gemini, OpenAI
 * Responses): its function tools, `tool_choice`, token limit, stop strings, `response_format` and a base64
 * `data:` URL, each checked with one message that says what is wrong.
 */
import { invalidRequest } from '../errors.js';
import { isObject as isJsonObject } from '../json.js';

type Json = Record<string, any>;

/** The shared test, typed for this module's loose `Json`. */
const isObject = isJsonObject as (v: unknown) => v is Json;

/** The `function` of each `{type: "function", function: {name, ...}}` tool; undefined when there are none. */
export function functionTools(tools: unknown, provider: string): Json[] | undefined {
  if (tools === undefined || tools === null) return undefined;
  if (!Array.isArray(tools)) throw invalidRequest('invalid_tools', '"tools" must be an array.', 'tools');
  if (tools.length === 0) return undefined;
  return tools.map((tool, i) => {
    const fn = isObject(tool) && tool.type === 'function' ? tool.function : undefined;
    if (!isObject(fn) || typeof fn.name !== 'string' || fn.name === '') {
      throw invalidRequest('invalid_tools', `tools[${i}] must be {"type":"function","function":{"name",...}} (${provider} takes function tools only).`, `tools[${i}]`);
    }
    return fn;
  });
}

/** `tool_choice`: a mode, or the function the model must call; undefined when unset. */
export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

export function toolChoice(choice: unknown): ToolChoice | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  if (isObject(choice) && choice.type === 'function' && typeof choice.function?.name === 'string') return { name: choice.function.name };
  throw invalidRequest('invalid_tool_choice', '"tool_choice" must be "auto", "required", "none" or {"type":"function","function":{"name"}}.', 'tool_choice');
}

/** `max_completion_tokens`, else `max_tokens`: a positive integer, or undefined when neither is set. */
export function maxTokens(body: Json): number | undefined {
  const max = body.max_completion_tokens ?? body.max_tokens;
  if (max === undefined || max === null) return undefined;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) {
    throw invalidRequest('invalid_max_tokens', '"max_completion_tokens" / "max_tokens" must be a positive integer.', 'max_tokens');
  }
  return max;
}

/** `stop` (a string or a list) as its non-blank strings. */
export function stopList(stop: unknown): string[] {
  const list = typeof stop === 'string' ? [stop] : Array.isArray(stop) ? stop : [];
  return list.filter((s): s is string => typeof s === 'string' && s.trim() !== '');
}

/** `response_format` asking for JSON: any object, or one of a schema (`spec`: its `json_schema`, name and all). */
export type JsonFormat = { type: 'json_object' } | { type: 'json_schema'; schema: Json; spec: Json };

/** `response_format`, checked; undefined when unset or `text`. */
export function jsonFormat(format: unknown): JsonFormat | undefined {
  if (format === undefined || format === null) return undefined;
  const type = isObject(format) ? format.type : undefined;
  if (type !== 'text' && type !== 'json_object' && type !== 'json_schema') {
    throw invalidRequest('invalid_response_format', 'A "response_format" of this type is not supported: use {"type": "text" | "json_object" | "json_schema"}.', 'response_format');
  }
  if (type !== 'json_schema') return type === 'text' ? undefined : { type };
  const spec = (format as Json).json_schema;
  if (!isObject(spec) || !isObject(spec.schema)) {
    throw invalidRequest('invalid_response_format', '"response_format.json_schema.schema" must be a JSON schema object.', 'response_format');
  }
  return { type: 'json_schema', schema: spec.schema, spec };
}

/** A base64 `data:` URL's media type ('' when it names none) and data; undefined for any other URL. */
export function dataUrl(url: string): { mediaType: string; data: string } | undefined {
  const comma = url.indexOf(',');
  const header = url.startsWith('data:') && comma > 0 ? url.slice(5, comma) : '';
  if (!header.endsWith(';base64')) return undefined;
  return { mediaType: header.slice(0, header.indexOf(';')), data: url.slice(comma + 1) };
}
