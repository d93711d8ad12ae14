/**
 * Gemini's `Schema` (an OpenAPI 3.0 subset: `type: "OBJECT"`, `nullable`, `propertyOrdering`, ...) → JSON Schema,
 * for function `parameters` and `responseSchema`. `parametersJsonSchema` / `responseJsonSchema` are JSON Schema
 * already and go as they are. One pass, each node once (the body's depth is bounded before parsing).
 * @see https://ai.google.dev/api/caching#Schema
 */
import { isObject } from '../../json.js';

type Json = Record<string, unknown>;

/** Keys that mean nothing to JSON Schema validators (or that are handled apart). */
const DROPPED = new Set(['nullable', 'propertyOrdering', 'example']);

export function toJsonSchema(schema: unknown): Json {
  if (!isObject(schema)) return {};
  const out: Json = {};
  for (const [k, v] of Object.entries(schema)) {
    if (DROPPED.has(k)) continue;
    if (k === 'type') out.type = typeof v === 'string' ? v.toLowerCase() : v;
    else if (k === 'properties' && isObject(v)) {
      const props: Json = {};
      for (const [name, s] of Object.entries(v)) props[name] = toJsonSchema(s);
      out.properties = props;
    } else if (k === 'items') out.items = toJsonSchema(v);
    else if ((k === 'anyOf' || k === 'oneOf' || k === 'allOf') && Array.isArray(v)) out[k] = v.map(toJsonSchema);
    else out[k] = v;
  }
  if (schema.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (Array.isArray(out.anyOf)) out.anyOf = [...out.anyOf, { type: 'null' }];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }
  return out;
}
