/**
 * Extract schemas from OpenAI's published OpenAPI spec (openai/openai-openapi) with their `$ref` closure, as
 * one JSON Schema file the tests validate against (committed: the tests never read the spec itself).
 *
 *   npx tsx test/schemas/extract-responses.ts <openai-openapi.json> <out.json> <Schema> [<Schema> ...]
 *   npx tsx test/schemas/extract-responses.ts ../shared/specs/openai-openapi.json test/schemas/openai-responses.json Response ResponseStreamEvent
 *
 * What changes on the way (nothing that loosens a check): `#/components/schemas/X` → `#/definitions/X`;
 * OpenAPI 3.0's `nullable: true` → "or null" (`anyOf: [schema, {type: null}]`); `$recursiveRef: "#"` (2019-09)
 * → a `$ref` to the schema that holds it; documentation-only keywords (`description`, `title`, `x-*`,
 * `example(s)`, `discriminator`, which only names the property a `oneOf` already checks) dropped.
 */
import { readFileSync, writeFileSync } from 'node:fs';

type Json = any;

const DROP = new Set(['description', 'title', 'example', 'examples', 'discriminator', '$recursiveAnchor', 'deprecated', 'externalDocs']);
/** Keywords whose value maps names to schemas (the names are not keywords). */
const NAMED = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas']);

export function extract(spec: Json, roots: string[]): Json {
  const all = spec.components.schemas as Record<string, Json>;
  const definitions: Record<string, Json> = {};
  const queue = [...roots];
  const clean = (node: Json, owner: string): Json => {
    if (Array.isArray(node)) return node.map((n) => clean(n, owner));
    if (node === null || typeof node !== 'object') return node;
    const out: Json = {};
    for (const [k, v] of Object.entries(node)) {
      if (DROP.has(k) || k.startsWith('x-') || k === 'nullable') continue;
      if (k === '$ref') {
        const name = String(v).replace('#/components/schemas/', '');
        if (!(name in definitions) && !queue.includes(name)) queue.push(name);
        out.$ref = `#/definitions/${name}`;
      } else if (k === '$recursiveRef') {
        out.$ref = `#/definitions/${owner}`;
      } else if (NAMED.has(k) && v && typeof v === 'object') {
        out[k] = Object.fromEntries(Object.entries(v).map(([name, s]) => [name, clean(s, owner)]));
      } else out[k] = clean(v, owner);
    }
    if (node.nullable === true) return { anyOf: [out, { type: 'null' }] };
    return out;
  };
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (name in definitions) continue;
    if (!(name in all)) throw new Error(`schema ${name} is not in the spec`);
    definitions[name] = {}; // reserve before descending (cycles)
    definitions[name] = clean(all[name], name);
  }
  const sorted = Object.fromEntries(Object.keys(definitions).sort().map((k) => [k, definitions[k]]));
  return { $comment: `Extracted from OpenAI's OpenAPI spec ${spec.info?.version ?? ''} by test/schemas/extract-responses.ts: ${roots.join(', ')}`, definitions: sorted };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [specPath, outPath, ...roots] = process.argv.slice(2);
  if (!specPath || !outPath || roots.length === 0) {
    console.error('usage: tsx test/schemas/extract-responses.ts <openai-openapi.json> <out.json> <Schema> [<Schema> ...]');
    process.exit(2);
  }
  const out = extract(JSON.parse(readFileSync(specPath, 'utf8')), roots);
  writeFileSync(outPath, `${JSON.stringify(out)}\n`);
  console.log(`${outPath}: ${Object.keys(out.definitions).length} schemas`);
}
