/**
 * The loopback mock's `POST …/embeddings`, shaped like OpenAI's: the request checked as OpenAI checks it (400
 * in OpenAI's error shape for what it rejects), then one deterministic vector per input, unit length, as
 * float32 values: JSON numbers by default, or with `"encoding_format": "base64"` the little-endian float32
 * bytes in base64 (what OpenAI sends, and what the `openai` SDK requests by default and decodes).
 *
 * The answer is a pure function of the request, so a test can compute the bytes the mock sent
 * (`embeddingsAnswer(body).text`) and compare them with what reached the client.
 * `test/fixtures/openai-embeddings.json` is the answer to `FIXTURE_REQUEST`, in OpenAI's layout.
 */

export interface MockAnswer {
  status: number;
  text: string;
}

/** Output size per model when the request has no `dimensions` (the models' native sizes). */
const NATIVE_DIMENSIONS: Record<string, number> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
  'Qwen/Qwen3-Embedding-8B': 4096,
};
const DEFAULT_DIMENSIONS = 1024;
const KNOWN_FIELDS = new Set(['model', 'input', 'encoding_format', 'dimensions', 'user']);
const MAX_INPUTS = 2048;

export const FIXTURE_REQUEST = { model: 'text-embedding-3-small', input: 'The food was delicious and the waiter...', dimensions: 8 };

/** OpenAI's error body (its errors come indented by 2, like the fixtures in test/fixtures). */
export function openAIError(message: string, param: string | null = null, code: string | null = null): MockAnswer {
  return { status: 400, text: `${JSON.stringify({ error: { message, type: 'invalid_request_error', param, code } }, null, 2)}\n` };
}

const INVALID_INPUT = "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.";

const isTokens = (v: unknown): v is number[] => Array.isArray(v) && v.length > 0 && v.every((t) => Number.isInteger(t));

/** The request's inputs, one per vector, or undefined when OpenAI would reject `input`. */
export function inputsOf(input: unknown): Array<string | number[]> | undefined {
  if (typeof input === 'string') return input === '' ? undefined : [input];
  if (!Array.isArray(input) || input.length === 0 || input.length > MAX_INPUTS) return undefined;
  if (input.every((s) => typeof s === 'string')) return input.every((s) => s !== '') ? input : undefined;
  if (isTokens(input)) return [input];
  if (input.every(isTokens)) return input;
  return undefined;
}

/** What OpenAI answers a 400 for, checked in the order it checks; undefined when the request is valid. */
export function rejectEmbeddingsRequest(body: any): MockAnswer | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return openAIError('We could not parse the JSON body of your request.');
  const unknown = Object.keys(body).find((k) => !KNOWN_FIELDS.has(k));
  if (unknown !== undefined) return openAIError(`Unrecognized request argument supplied: ${unknown}`);
  if (!('input' in body)) return openAIError("'input' is a required property");
  if (inputsOf(body.input) === undefined) return openAIError(INVALID_INPUT);
  const format = body.encoding_format;
  if (format !== undefined && format !== 'float' && format !== 'base64') return openAIError(`${JSON.stringify(format).replace(/"/g, "'")} is not one of ['float', 'base64'] - 'encoding_format'`);
  const dims = body.dimensions;
  if (dims !== undefined) {
    if (!Number.isInteger(dims)) return openAIError(`Invalid type for 'dimensions': expected an integer, but got ${typeof dims === 'string' ? 'a string' : 'a decimal'} instead.`, 'dimensions', 'invalid_type');
    if (dims < 1) return openAIError(`Invalid 'dimensions': integer below minimum value. Expected a value >= 1, but got ${dims} instead.`, 'dimensions', 'integer_below_min_value');
    if (body.model === 'text-embedding-ada-002') return openAIError('This model does not support specifying dimensions.');
  }
  return undefined;
}

/** A small seeded generator (mulberry32): the same input always gets the same vector. */
function generator(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** A unit-length float32 vector for one input. */
export function vectorFor(input: string | number[], dimensions: number): Float32Array {
  const next = generator(hash(JSON.stringify(input)));
  const v = Float32Array.from({ length: dimensions }, () => next() * 2 - 1);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/** The shortest decimal that reads back as this float32 (OpenAI prints float32 values, e.g. -0.0068395017). */
export function float32Decimal(x: number): number {
  for (let p = 1; p < 9; p++) {
    const d = Number(x.toPrecision(p));
    if (Math.fround(d) === x) return d;
  }
  return Number(x.toPrecision(9));
}

const base64Of = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');

/** Roughly OpenAI's count: about four characters a token for text, one per token id. */
const tokensOf = (input: string | number[]) => (typeof input === 'string' ? Math.max(1, Math.ceil(input.length / 4)) : input.length);

/** The mock's whole answer to `POST …/embeddings`. */
export function embeddingsAnswer(body: any): MockAnswer {
  const rejected = rejectEmbeddingsRequest(body);
  if (rejected) return rejected;
  const inputs = inputsOf(body.input)!;
  const dimensions: number = body.dimensions ?? NATIVE_DIMENSIONS[body.model] ?? DEFAULT_DIMENSIONS;
  const base64 = body.encoding_format === 'base64';
  const data = inputs.map((input, index) => {
    const v = vectorFor(input, dimensions);
    return { object: 'embedding', index, embedding: base64 ? base64Of(v) : Array.from(v, float32Decimal) };
  });
  const tokens = inputs.reduce((n, i) => n + tokensOf(i), 0);
  const answer = { object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
  return { status: 200, text: `${JSON.stringify(answer, null, 2)}\n` };
}
