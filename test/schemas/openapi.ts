/**
 * The one validator for OpenAI's published schemas (test/schemas/openai-openapi.json, made by extract-openapi.ts).
 * One ajv instance; each schema name compiled once, on first use. `schemaErrors` lists the violations (for
 * `expect(...).toEqual([])`); `assertValid` / `assertValidEvent` throw with every violation listed.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';

type Definitions = Record<string, any>;
const doc = JSON.parse(readFileSync(new URL('./openai-openapi.json', import.meta.url), 'utf8')) as { $id: string; definitions: Definitions };

// strict: false, as the spec keeps keywords ajv only annotates (`default` in odd places). Formats are OpenAI's
// own names, checked as loosely as the spec means them: `float` and `unixtime` are numbers (their `type` checks
// them), `date` is YYYY-MM-DD, `uri` has a scheme.
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addFormat('float', true).addFormat('unixtime', true).addFormat('date', /^\d{4}-\d{2}-\d{2}$/).addFormat('uri', /^[a-z][a-z0-9+.-]*:/i);
ajv.addSchema(doc);

const compiled = new Map<string, ValidateFunction>();

/** The validator for one schema by its OpenAPI name, e.g. `CreateEmbeddingResponse` (compiled once). */
export function validator(name: string): ValidateFunction {
  let v = compiled.get(name);
  if (!v) {
    if (!(name in doc.definitions)) throw new Error(`no schema ${name} in test/schemas/openai-openapi.json (add it to ROOTS in extract-openapi.ts)`);
    v = ajv.compile({ $ref: `${doc.$id}#/definitions/${name}` });
    compiled.set(name, v);
  }
  return v;
}

/** The violations of `value` against the named schema, readable in a failed expectation; [] when valid. */
export function schemaErrors(name: string, value: unknown): string[] {
  const v = validator(name);
  if (v(value)) return [];
  return (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
}

export function assertValid(name: string, value: unknown): void {
  const errs = schemaErrors(name, value);
  if (errs.length > 0) throw new Error(`not a valid ${name}: ${JSON.stringify(value).slice(0, 600)}\n${errs.slice(0, 40).join('\n')}`);
}

/** Each Responses stream event's own schema, by its `type` (from ResponseStreamEvent's members). */
const eventSchemas = new Map<string, string>(
  (doc.definitions.ResponseStreamEvent.anyOf as Array<{ $ref: string }>).map((r) => {
    const name = r.$ref.replace('#/definitions/', '');
    return [doc.definitions[name].properties.type.enum[0] as string, name];
  }),
);

/** A Responses stream event: valid as the member its `type` names (readable errors) and as a ResponseStreamEvent. */
export function assertValidEvent(event: unknown): void {
  const name = eventSchemas.get(String((event as { type?: unknown } | null)?.type));
  if (!name) throw new Error(`not a ResponseStreamEvent type: ${JSON.stringify(event).slice(0, 300)}`);
  assertValid(name, event);
  assertValid('ResponseStreamEvent', event);
}

/** The named schemas and every schema they reference, as extracted (for checks on the schemas themselves). */
export function closure(...names: string[]): Definitions {
  const out: Definitions = {};
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') add(v.replace('#/definitions/', ''));
      else visit(v);
    }
  };
  const add = (name: string) => {
    if (name in out) return;
    out[name] = doc.definitions[name];
    visit(out[name]);
  };
  names.forEach(add);
  return out;
}
