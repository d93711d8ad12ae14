/**
 * OpenAI `response_format` → Anthropic structured outputs (ANTHROPIC-FIDELITY.md §1):
 * - `json_schema` on a model with GA structured outputs → `output_config.format`, the schema made acceptable the
 *   way Anthropic's SDK does (`transformJsonSchema`);
 * - `json_schema` on an older model, and `json_object` (Anthropic has no schema-less JSON mode) → a forced tool
 *   (`JSON_TOOL_NAME`) whose input is the answer; the response side turns that tool call into `message.content`
 *   with `finish_reason: "stop"`, in streams too;
 * - where neither is possible (forced tool use with thinking on, or a model that rejects forced tools) → 400.
 */
import { invalidRequest } from '../../errors.js';
import { jsonFormat } from '../chat-request.js';
import type { ModelCaps } from './models.js';
import { isObject } from '../../json.js';

type Json = Record<string, unknown>;

/** The forced tool of the fallback. Reserved: a client tool of this name is refused. */
export const JSON_TOOL_NAME = 'json_response';

/** `format` values kept on strings (Anthropic's SDK list); others move into the description. */
const STRING_FORMATS = new Set(['date-time', 'time', 'date', 'duration', 'email', 'hostname', 'uri', 'ipv4', 'ipv6', 'uuid']);

const isPrimitive = (v: unknown) => v === null || typeof v !== 'object';

function take(schema: Json, key: string): unknown {
  const v = schema[key];
  delete schema[key];
  return v;
}

/**
 * A JSON schema in the subset Anthropic accepts, as `transformJSONSchema` in `@anthropic-ai/sdk` does it: kept
 * are type, anyOf (oneOf becomes anyOf), allOf, $ref, $defs, description, title, properties, required, items,
 * enum, const, minItems 0/1 and the supported string formats; every object gets `additionalProperties: false`;
 * everything else is appended to the description as `{key: value, ...}`. Throws a 400 for a node without a type.
 */
export function transformJsonSchema(schema: unknown, where = 'response_format.json_schema.schema'): Json {
  if (!isObject(schema)) throw invalidRequest('invalid_response_format', `${where} must be a JSON schema object.`, 'response_format');
  return transform(structuredClone(schema), where);
}

function transform(s: Json, where: string): Json {
  const out: Json = {};
  for (const defsKey of ['$defs', 'definitions']) {
    const defs = take(s, defsKey);
    if (isObject(defs)) out[defsKey] = Object.fromEntries(Object.entries(defs).map(([k, v]) => [k, transform(asSchema(v, `${where}.${defsKey}.${k}`), `${where}.${defsKey}.${k}`)]));
  }
  const ref = take(s, '$ref');
  if (ref !== undefined) return { ...out, $ref: ref };

  if (Array.isArray(s.enum) && s.enum.length > 0 && s.enum.every(isPrimitive)) out.enum = take(s, 'enum');
  if (s.const !== undefined && isPrimitive(s.const)) out.const = take(s, 'const');
  const literals = 'enum' in out || 'const' in out;
  const declared = take(s, 'type');
  const type = literals ? undefined : declared;
  const anyOf = take(s, 'anyOf');
  const oneOf = take(s, 'oneOf');
  const allOf = take(s, 'allOf');
  take(s, '$schema');
  const variants = (list: unknown[], key: string) => list.map((v, i) => transform(asSchema(v, `${where}.${key}[${i}]`), `${where}.${key}[${i}]`));
  if (Array.isArray(anyOf)) out.anyOf = variants(anyOf, 'anyOf');
  else if (Array.isArray(oneOf)) out.anyOf = variants(oneOf, 'oneOf');
  else if (Array.isArray(allOf)) out.allOf = variants(allOf, 'allOf');
  else if (!literals) {
    if (type === undefined) {
      throw invalidRequest('invalid_response_format', `${where} needs a "type" (or anyOf/oneOf/allOf/enum/const).`, 'response_format');
    }
    out.type = type;
  }
  const description = take(s, 'description');
  if (description !== undefined) out.description = description;
  const title = take(s, 'title');
  if (title !== undefined) out.title = title;

  const types = Array.isArray(type) ? type : [type];
  if (types.includes('object')) {
    const properties = take(s, 'properties');
    out.properties = Object.fromEntries(
      Object.entries(isObject(properties) ? properties : {}).map(([k, v]) => [k, transform(asSchema(v, `${where}.properties.${k}`), `${where}.properties.${k}`)]),
    );
    take(s, 'additionalProperties');
    out.additionalProperties = false;
    const required = take(s, 'required');
    if (required !== undefined) out.required = required;
  }
  if (types.includes('string')) {
    const format = take(s, 'format');
    if (typeof format === 'string' && STRING_FORMATS.has(format)) out.format = format;
    else if (format !== undefined) s.format = format;
  }
  if (types.includes('array')) {
    const items = take(s, 'items');
    if (items !== undefined) out.items = transform(asSchema(items, `${where}.items`), `${where}.items`);
    const minItems = take(s, 'minItems');
    if (minItems === 0 || minItems === 1) out.minItems = minItems;
    else if (minItems !== undefined) s.minItems = minItems;
  }
  const rest = Object.entries(s);
  if (rest.length > 0) {
    const moved = `{${rest.map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ')}}`;
    out.description = typeof out.description === 'string' && out.description !== '' ? `${out.description}\n\n${moved}` : moved;
  }
  return out;
}

function asSchema(v: unknown, where: string): Json {
  if (isObject(v)) return v;
  throw invalidRequest('invalid_response_format', `${where} must be a JSON schema object.`, 'response_format');
}

export interface StructuredOutputPlan {
  /** `output_config.format` (native). */
  format?: Json;
  /** The tool of the fallback; the request forces it (or, with client tools, any tool). */
  tool?: Json;
}

/** The plan for `response_format`, or undefined for none / `text`. */
export function planStructuredOutput(responseFormat: unknown, caps: ModelCaps, thinkingOn: boolean): StructuredOutputPlan | undefined {
  const format = jsonFormat(responseFormat);
  if (!format) return undefined;
  const { type } = format;
  let schema: Json = { type: 'object', additionalProperties: true };
  let description = "Respond with the JSON object the user asked for, as this tool's input.";
  if (format.type === 'json_schema') {
    if (caps.structuredOutputs) return { format: { type: 'json_schema', schema: transformJsonSchema(format.schema) } };
    schema = format.schema;
    if (schema.type !== undefined && schema.type !== 'object') {
      throw invalidRequest('unsupported_response_format', `This model's structured-output fallback (a tool) needs an object schema; got type ${JSON.stringify(schema.type)}.`, 'response_format');
    }
    if (typeof format.spec.description === 'string') description = format.spec.description;
  }
  if (thinkingOn || !caps.forcedTool) {
    const what = type === 'json_object' ? 'Anthropic has no schema-less JSON mode' : 'This model has no native structured outputs';
    const why = thinkingOn ? 'not while thinking is on (drop reasoning_effort or thinking)' : 'this model does not allow forced tool use';
    const hint = type === 'json_object' && caps.structuredOutputs ? ' Send response_format {"type":"json_schema"} instead.' : '';
    throw invalidRequest('unsupported_response_format', `${what}; its fallback is a forced tool, but ${why}.${hint}`, 'response_format');
  }
  return { tool: { name: JSON_TOOL_NAME, description, input_schema: schema } };
}
