/**
 * `POST /v1/embeddings` → Gemini `:batchEmbedContents` (one request per input text) and its answer → OpenAI's
 * embeddings list. `dimensions` → `outputDimensionality`; `encoding_format: "base64"` (the `openai` SDK's default)
 * is honoured by encoding the float32 values as OpenAI does. Gemini embeds text: token-id inputs are refused.
 * @see https://ai.google.dev/api/embeddings#method:-models.batchembedcontents
 */
import { bytesToBase64 } from '../../base64.js';
import { invalidRequest } from '../../errors.js';
import type { ChatBody } from '../types.js';

type Json = Record<string, any>;

/** The client's `input` → the texts to embed, or a 400. */
function inputTexts(input: unknown): string[] {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.length > 0 && input.every((x) => typeof x === 'string')) return input as string[];
  throw invalidRequest('invalid_input', '"input" must be a string or an array of strings (Gemini takes no token ids).', 'input');
}

export function toBatchEmbedRequest(body: ChatBody, model: string): Json {
  const dimensions = body.dimensions;
  if (dimensions !== undefined && (typeof dimensions !== 'number' || !Number.isInteger(dimensions) || dimensions < 1)) {
    throw invalidRequest('invalid_dimensions', '"dimensions" must be a positive integer.', 'dimensions');
  }
  const format = body.encoding_format;
  if (format !== undefined && format !== 'float' && format !== 'base64') {
    throw invalidRequest('invalid_encoding_format', '"encoding_format" must be "float" or "base64".', 'encoding_format');
  }
  return {
    requests: inputTexts(body.input).map((text) => ({
      model: `models/${model}`,
      content: { parts: [{ text }] },
      ...(dimensions !== undefined ? { outputDimensionality: dimensions } : {}),
    })),
  };
}

/** Float values as OpenAI's base64: the little-endian bytes of a Float32Array. */
export const base64Floats = (values: readonly number[]): string => bytesToBase64(new Uint8Array(Float32Array.from(values).buffer));

export function toEmbeddingsAnswer(answer: Json, model: string, base64: boolean): Json {
  const embeddings = Array.isArray(answer?.embeddings) ? answer.embeddings : [];
  const tokens = typeof answer?.usageMetadata?.promptTokenCount === 'number' ? answer.usageMetadata.promptTokenCount : 0;
  return {
    object: 'list',
    data: embeddings.map((e: Json, index: number) => {
      const values: number[] = Array.isArray(e?.values) ? e.values : [];
      return { object: 'embedding', index, embedding: base64 ? base64Floats(values) : values };
    }),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
