/**
 * The schema toolchain itself: extract-openapi.ts converts what it copies the way its header says (table on a
 * small spec), the committed openai-openapi.json is whole, and every schema family the tests validate against
 * accepts a right shape and rejects a wrong one (so a validating test can fail).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extract, ROOTS } from './extract-openapi.js';
import { assertValid, assertValidEvent, schemaErrors } from './openapi.js';

const spec = {
  info: { version: '9.9.9' },
  components: {
    schemas: {
      A: { type: 'object', description: 'doc', 'x-oaiMeta': {}, properties: { description: { type: 'string', title: 't' }, b: { $ref: '#/components/schemas/B' } } },
      B: { type: 'string', enum: ['x'], nullable: true, example: 'x', deprecated: true },
      C: { oneOf: [{ $ref: '#/components/schemas/A' }], discriminator: { propertyName: 'type' }, $recursiveAnchor: true, properties: { self: { $recursiveRef: '#' } } },
      Unused: { type: 'integer' },
    },
  },
};

describe('extract-openapi.ts', () => {
  const out = extract(spec, ['C']);
  it.each([
    ['takes the $ref closure only', Object.keys(out.definitions), ['A', 'B', 'C']],
    ['rewrites $ref to #/definitions', out.definitions.A.properties.b, { $ref: '#/definitions/B' }],
    ['keeps a field named like a dropped keyword', out.definitions.A.properties.description, { type: 'string' }],
    ['drops documentation and x- keywords', out.definitions.A, { type: 'object', properties: { description: { type: 'string' }, b: { $ref: '#/definitions/B' } } }],
    ['nullable: true → or null (enum kept inside)', out.definitions.B, { anyOf: [{ type: 'string', enum: ['x'] }, { type: 'null' }] }],
    ['$recursiveRef → $ref to its owner; discriminator dropped', out.definitions.C, { oneOf: [{ $ref: '#/definitions/A' }], properties: { self: { $ref: '#/definitions/C' } } }],
    ['records the roots', out.roots, ['C']],
  ])('%s', (_row, got, want) => {
    expect(got).toEqual(want);
  });
  it('refuses a name the spec does not have', () => {
    expect(() => extract(spec, ['Nope'])).toThrow(/Nope/);
  });
});

describe('test/schemas/openai-openapi.json (committed)', () => {
  const text = readFileSync(new URL('./openai-openapi.json', import.meta.url), 'utf8');
  const doc = JSON.parse(text);
  it('holds ROOTS, and every $ref resolves inside it', () => {
    expect(doc.roots).toEqual(ROOTS);
    const refs = [...text.matchAll(/"\$ref": "([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(100);
    for (const ref of new Set(refs)) expect(ref.replace('#/definitions/', '') in doc.definitions, ref).toBe(true);
  });
  it('has no OpenAPI-only keyword left', () => {
    expect(text).not.toMatch(/"nullable"|"\$recursiveRef"|#\/components\/schemas|"x-/);
  });
});

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));
// Right shapes are real OpenAI answers (test/fixtures); each wrong one breaks one field the schema constrains.
const chat = fixture('openai-chat.json');
const chunk = { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: null }] };
const embeddings = fixture('openai-embeddings.json');
const error = fixture('openai-error-401.json');
const models = fixture('openai-models.json');
const response = fixture('openai-responses.json');
const message = response.output.find((o: { type: string }) => o.type === 'message');
const delta = { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'hi', sequence_number: 3, logprobs: [] };

describe('every schema family accepts a right shape and rejects a wrong one', () => {
  it.each<[string, unknown, unknown]>([
    ['CreateChatCompletionResponse', chat, { ...chat, choices: [{ ...chat.choices[0], finish_reason: 'done' }] }],
    ['CreateChatCompletionStreamResponse', chunk, { ...chunk, choices: [{ ...chunk.choices[0], delta: { content: 7 } }] }],
    ['CreateEmbeddingRequest', { model: 'm', input: 'hi' }, { model: 'm', input: [] }],
    ['CreateEmbeddingResponse', embeddings, { ...embeddings, data: [{ object: 'embedding', index: 0, embedding: ['0.1'] }] }],
    ['ErrorResponse', error, { error: { message: 'no' } }],
    ['Model', models.data[0], { ...models.data[0], created: 'yesterday' }],
    ['ListModelsResponse', models, { ...models, data: [{ id: 'm' }] }],
    ['Response', response, { ...response, status: 'done' }],
    ['Response', response, { ...response, output: [{ ...message, content: [{ ...message.content[0], text: 1 }] }] }],
  ])('%s', (name, right, wrong) => {
    expect(schemaErrors(name, right)).toEqual([]);
    expect(schemaErrors(name, wrong)).not.toEqual([]);
    expect(() => assertValid(name, wrong)).toThrow(`not a valid ${name}`);
  });
  it('a Responses stream event: its own member and ResponseStreamEvent', () => {
    expect(() => assertValidEvent(delta)).not.toThrow();
    expect(() => assertValidEvent({ ...delta, delta: 5 })).toThrow('not a valid ResponseTextDeltaEvent');
    expect(() => assertValidEvent({ ...delta, sequence_number: undefined })).toThrow(/sequence_number/);
    expect(() => assertValidEvent({ ...delta, type: 'response.output_text.delta_typo' })).toThrow('not a ResponseStreamEvent type');
  });
  it('an unknown schema name is an error, not a pass', () => {
    expect(() => schemaErrors('NoSuchSchema', {})).toThrow(/no schema NoSuchSchema/);
  });
});
