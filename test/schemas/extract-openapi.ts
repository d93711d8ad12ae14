/**
 * The one generator of test/schemas/openai-openapi.json: schemas copied out of OpenAI's OpenAPI spec
 * (openai/openai-openapi) with everything they reference, as JSON Schema ajv can compile. Run by hand when the
 * spec changes or a test needs another schema (tests read only the committed JSON, never the spec):
 *
 *   npm run schemas                  (= npx tsx test/schemas/extract-openapi.ts ../shared/specs/openai-openapi.json)
 *   npx tsx test/schemas/extract-openapi.ts <openai-openapi.json> [<out.json>] [<Schema> ...]
 *
 * Without schema names it extracts ROOTS; without <out.json> it writes test/schemas/openai-openapi.json.
 * What changes on the way (nothing that loosens a check): `#/components/schemas/X` → `#/definitions/X`;
 * OpenAPI 3.0's `nullable: true` → "or null" (`anyOf: [schema, {type: "null"}]`, which also covers an `enum`
 * or a `$ref` beside it); `$recursiveRef: "#"` (2019-09) → a `$ref` to the schema that holds it;
 * documentation-only keywords (`description`, `title`, `x-*`, `example(s)`, `deprecated`, `discriminator`, which
 * only names the property a `oneOf` already checks) dropped. Field names under `properties` are kept as they are
 * (a field may be called "description").
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type Json = any;

/** The schemas the tests validate against (test/schemas/openapi.ts), by the route they check. */
export const ROOTS = [
  // /v1/chat/completions (test/anthropic/fidelity-answers.test.ts, test/anthropic-fidelity-e2e.test.ts)
  'CreateChatCompletionResponse',
  'CreateChatCompletionStreamResponse',
  // /v1/embeddings, /v1/models, error bodies (test/embeddings*.test.ts)
  'CreateEmbeddingRequest',
  'CreateEmbeddingResponse',
  'ErrorResponse',
  'ListModelsResponse',
  'Model',
  // /v1/responses (test/responses*.ts)
  'Response',
  'ResponseStreamEvent',
];

const DROP = new Set(['description', 'title', 'example', 'examples', 'discriminator', '$recursiveAnchor', 'deprecated', 'externalDocs']);
/** Keywords whose value maps names to schemas (the names are not keywords). */
const NAMED = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas']);
const PREFIX = '#/components/schemas/';

/** The named schemas and their `$ref` closure, converted; `definitions` sorted by name. */
export function extract(spec: Json, roots: string[]): { $id: string; $comment: string; roots: string[]; definitions: Record<string, Json> } {
  const all = spec.components.schemas as Record<string, Json>;
  const definitions: Record<string, Json> = {};
  const queue = [...roots];
  const convert = (node: Json, owner: string): Json => {
    if (Array.isArray(node)) return node.map((n) => convert(n, owner));
    if (node === null || typeof node !== 'object') return node;
    const out: Json = {};
    for (const [k, v] of Object.entries(node)) {
      if (DROP.has(k) || k.startsWith('x-') || k === 'nullable') continue;
      if (k === '$ref') {
        if (typeof v !== 'string' || !v.startsWith(PREFIX)) throw new Error(`${owner}: unsupported $ref ${JSON.stringify(v)}`);
        const name = v.slice(PREFIX.length);
        queue.push(name);
        out.$ref = `#/definitions/${name}`;
      } else if (k === '$recursiveRef') {
        out.$ref = `#/definitions/${owner}`;
      } else if (NAMED.has(k) && v && typeof v === 'object') {
        out[k] = Object.fromEntries(Object.entries(v).map(([name, s]) => [name, convert(s, owner)]));
      } else out[k] = convert(v, owner);
    }
    return node.nullable === true ? { anyOf: [out, { type: 'null' }] } : out;
  };
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (name in definitions) continue;
    if (!(name in all)) throw new Error(`schema ${name} is not in the spec`);
    definitions[name] = {}; // reserved before descending (cycles)
    definitions[name] = convert(all[name], name);
  }
  const sorted = Object.fromEntries(Object.keys(definitions).sort().map((k) => [k, definitions[k]]));
  return {
    $id: 'openai-openapi',
    $comment: `Extracted from OpenAI's OpenAPI spec ${spec.info?.version ?? ''} by test/schemas/extract-openapi.ts (npm run schemas). Do not edit by hand.`,
    roots: [...roots],
    definitions: sorted,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [specPath, outArg, ...names] = process.argv.slice(2);
  if (!specPath) {
    console.error('usage: tsx test/schemas/extract-openapi.ts <openai-openapi.json> [<out.json>] [<Schema> ...]');
    process.exit(2);
  }
  const outPath = outArg ?? fileURLToPath(new URL('./openai-openapi.json', import.meta.url));
  const doc = extract(JSON.parse(readFileSync(specPath, 'utf8')), names.length > 0 ? names : ROOTS);
  writeFileSync(outPath, `${JSON.stringify(doc, null, 1)}\n`);
  console.log(`${outPath}: ${Object.keys(doc.definitions).length} schemas from ${doc.roots.join(', ')}`);
}
