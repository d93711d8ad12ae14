/**
 * Copy schemas out of OpenAI's OpenAPI spec, with everything they reference, into a JSON file a test can load
 * with ajv. OpenAPI 3.0's `nullable: true` becomes JSON Schema's "or null"; descriptions and examples are dropped.
 *
 *   npx tsx test/schemas/extract-openapi.ts <openai-openapi.json> <out.json> SchemaName...
 *
 * test/schemas/openai-embeddings.json was made with
 *   npx tsx test/schemas/extract-openapi.ts ../shared/specs/openai-openapi.json test/schemas/openai-embeddings.json \
 *     CreateEmbeddingRequest CreateEmbeddingResponse ErrorResponse Model ListModelsResponse
 */
import { readFileSync, writeFileSync } from 'node:fs';

const [specPath, outPath, ...names] = process.argv.slice(2);
if (!specPath || !outPath || names.length === 0) {
  process.stderr.write('usage: extract-openapi.ts <openai-openapi.json> <out.json> SchemaName...\n');
  process.exit(2);
}
const spec = JSON.parse(readFileSync(specPath, 'utf8'));
const all: Record<string, unknown> = spec.components.schemas;
const PREFIX = '#/components/schemas/';
const DROP = new Set(['description', 'example', 'examples', 'title', 'deprecated']);

/** A JSON Schema copy of one node, collecting the names it references. */
function convert(node: unknown, refs: Set<string>): unknown {
  if (Array.isArray(node)) return node.map((n) => convert(n, refs));
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (DROP.has(k) || k.startsWith('x-') || k === 'nullable') continue;
    // Under `properties`, keys are field names (one may be called "description"): copy them all.
    if (k === 'properties') out[k] = Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, convert(s, refs)]));
    else out[k] = convert(v, refs);
  }
  if (typeof out.$ref === 'string' && out.$ref.startsWith(PREFIX)) refs.add(out.$ref.slice(PREFIX.length));
  if ((node as { nullable?: unknown }).nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

const schemas: Record<string, unknown> = {};
const queue = [...names];
while (queue.length > 0) {
  const name = queue.shift()!;
  if (name in schemas) continue;
  if (!(name in all)) throw new Error(`no schema ${name} in ${specPath}`);
  const refs = new Set<string>();
  schemas[name] = convert(all[name], refs);
  queue.push(...refs);
}
const sorted = Object.fromEntries(Object.keys(schemas).sort().map((k) => [k, schemas[k]]));
const doc = { $id: 'openai-openapi', $comment: `Extracted from OpenAI's OpenAPI spec (${spec.info?.version ?? 'unknown version'}) by test/schemas/extract-openapi.ts: ${names.join(', ')} and what they reference.`, components: { schemas: sorted } };
writeFileSync(outPath, `${JSON.stringify(doc, null, 2)}\n`);
process.stdout.write(`${outPath}: ${Object.keys(sorted).join(', ')}\n`);
