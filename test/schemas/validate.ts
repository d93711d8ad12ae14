/** ajv validators for the schemas copied from OpenAI's OpenAPI spec (test/schemas/openai-embeddings.json). */
import { Ajv, type ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';

const doc = JSON.parse(readFileSync(new URL('./openai-embeddings.json', import.meta.url), 'utf8'));
// strict: false, as the spec uses keywords JSON Schema does not define (`format: float`, `default` in odd places).
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addFormat('float', true).addFormat('unixtime', true).addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
ajv.addSchema(doc);

/** A validator for one schema by its OpenAPI name, e.g. `CreateEmbeddingResponse`. */
export function openAISchema(name: string): ValidateFunction {
  const v = ajv.getSchema(`${doc.$id}#/components/schemas/${name}`);
  if (!v) throw new Error(`no schema ${name} in openai-embeddings.json`);
  return v;
}

/** The validation errors, readable in a failed expectation; [] when valid. */
export function schemaErrors(name: string, value: unknown): string[] {
  const v = openAISchema(name);
  return v(value) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
