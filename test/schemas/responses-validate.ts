/**
 * Validate answers against OpenAI's published schemas (extracted into openai-responses.json by extract-responses.ts).
 * `assertValid(name, value)` throws with every violation listed, so a test failure says what is wrong.
 */
import { readFileSync } from 'node:fs';
import Ajv, { type ValidateFunction } from 'ajv';

const schemas = JSON.parse(readFileSync(new URL('./openai-responses.json', import.meta.url), 'utf8'));

// strict: the spec uses keywords ajv does not know only as annotations (dropped by extract.ts); formats are
// OpenAI's own names (`unixtime`), checked for their type only.
const ajv = new (Ajv as unknown as typeof Ajv.default)({ allErrors: true, strict: false, validateFormats: false });
ajv.addSchema({ $id: 'openai', definitions: schemas.definitions });

const compiled = new Map<string, ValidateFunction>();

export function validator(name: string): ValidateFunction {
  let v = compiled.get(name);
  if (!v) {
    v = ajv.compile({ $ref: `openai#/definitions/${name}` });
    compiled.set(name, v);
  }
  return v;
}

/** The violations of `value` against the named schema ([] when valid). */
export function violations(name: string, value: unknown): string[] {
  const v = validator(name);
  if (v(value)) return [];
  return (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
}

/** Each stream event's own schema, by its `type` (from ResponseStreamEvent's members). */
const eventSchemas = new Map<string, string>(
  (schemas.definitions.ResponseStreamEvent.anyOf as Array<{ $ref: string }>).map((r) => {
    const name = r.$ref.replace('#/definitions/', '');
    return [schemas.definitions[name].properties.type.enum[0] as string, name];
  }),
);

/** A stream event: valid as a ResponseStreamEvent, and as the member its `type` names (for readable errors). */
export function assertValidEvent(event: { type?: unknown }): void {
  const name = eventSchemas.get(String(event?.type));
  if (!name) throw new Error(`not a ResponseStreamEvent type: ${JSON.stringify(event).slice(0, 300)}`);
  assertValid(name, event);
  assertValid('ResponseStreamEvent', event);
}

export function assertValid(name: string, value: unknown): void {
  const errs = violations(name, value);
  if (errs.length > 0) {
    throw new Error(`not a valid ${name}: ${JSON.stringify(value).slice(0, 600)}\n${errs.slice(0, 40).join('\n')}`);
  }
}
