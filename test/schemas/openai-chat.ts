/**
 * Validators for OpenAI's chat answers (test/schemas/openai-chat.json, extracted from OpenAI's OpenAPI spec).
 * OpenAPI 3.0's `nullable: true` means "or null": rewritten into JSON Schema before ajv compiles it.
 * Extra fields (`reasoning_content`, `thinking_blocks`, `stop_details`, ...) are allowed: no schema in the closure
 * sets `additionalProperties: false` (checked by the test that uses these).
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';

export const OPENAI_CHAT_SCHEMAS = JSON.parse(readFileSync(new URL('./openai-chat.json', import.meta.url), 'utf8')) as {
  components: { schemas: Record<string, unknown> };
};

/** `nullable: true` → `type: [t, "null"]` (and `null` in an `enum`), or `anyOf: [..., {type: "null"}]` without a type. */
export function nullableToJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullableToJsonSchema);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) if (k !== 'nullable') out[k] = nullableToJsonSchema(v);
  if ((node as { nullable?: unknown }).nullable !== true) return out;
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema({ $id: 'openai', ...(nullableToJsonSchema(OPENAI_CHAT_SCHEMAS) as object) });

const validator = (name: string): ValidateFunction => ajv.getSchema(`openai#/components/schemas/${name}`)!;

/** The errors of `value` against the named schema (empty: valid). */
export function schemaErrors(name: 'CreateChatCompletionResponse' | 'CreateChatCompletionStreamResponse', value: unknown): string[] {
  const validate = validator(name);
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
