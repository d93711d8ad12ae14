/**
 * Writes test/schemas/openai-chat.json: OpenAI's published chat-completion response schemas
 * (`CreateChatCompletionResponse`, `CreateChatCompletionStreamResponse`) with their `$ref` closure, copied
 * unchanged from OpenAI's OpenAPI spec (openai/openai-openapi). Run once when the spec changes:
 *   npx tsx test/schemas/extract-openai-chat.ts path/to/openai-openapi.json
 */
import { readFileSync, writeFileSync } from 'node:fs';

const ROOTS = ['CreateChatCompletionResponse', 'CreateChatCompletionStreamResponse'];
const specPath = process.argv[2];
if (!specPath) throw new Error('usage: extract-openai-chat.ts <openai-openapi.json>');
const all = JSON.parse(readFileSync(specPath, 'utf8')).components.schemas as Record<string, unknown>;
const picked: Record<string, unknown> = {};
const visit = (name: string) => {
  if (name in picked) return;
  if (!(name in all)) throw new Error(`missing schema ${name}`);
  picked[name] = all[name];
  walk(all[name]);
};
const walk = (node: unknown): void => {
  if (Array.isArray(node)) return node.forEach(walk);
  if (typeof node !== 'object' || node === null) return;
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string') visit(v.replace('#/components/schemas/', ''));
    else walk(v);
  }
};
ROOTS.forEach(visit);
const out = new URL('./openai-chat.json', import.meta.url);
writeFileSync(out, `${JSON.stringify({ source: 'openai/openai-openapi (2026-08), components.schemas', components: { schemas: picked } }, null, 1)}\n`);
console.log(`wrote ${Object.keys(picked).length} schemas to ${out.pathname}`);
