/**
 * `:embedContent` and `:batchEmbedContents` to an OpenAI-compatible provider: the texts go to its
 * `{base}/embeddings` (as `POST /v1/embeddings` would send them, `outputDimensionality` as `dimensions`), and
 * the vectors come back as `{embedding: {values}}` / `{embeddings: [{values}, ...]}`, in the order asked.
 * `taskType` and `title` have no OpenAI counterpart and are not sent.
 */
import { errorInAnswer, GatewayError, invalidRequest } from '../../errors.js';
import type { ChatBody } from '../../providers/types.js';
import { field } from './request.js';
import { isObject } from '../../json.js';

type Json = Record<string, unknown>;

/** One `EmbedContentRequest`'s text (its parts' text joined) and dimensions. */
function embedText(request: unknown, where: string): { text: string; dimensions: unknown } {
  const parts = field(field(request, 'content'), 'parts');
  const texts = Array.isArray(parts) ? parts.map((p) => field(p, 'text')).filter((t): t is string => typeof t === 'string') : [];
  if (texts.length === 0) throw invalidRequest('invalid_content', `${where} needs "content.parts" with text.`, 'content');
  return { text: texts.join('\n'), dimensions: field(request, 'outputDimensionality') };
}

/** The OpenAI embeddings request for a Gemini one (`batch`: `:batchEmbedContents`). */
export function toEmbeddingsRequest(body: Json, upstreamModel: string, batch: boolean): ChatBody {
  let items: Array<{ text: string; dimensions: unknown }>;
  if (batch) {
    const requests = field(body, 'requests');
    if (!Array.isArray(requests) || requests.length === 0) throw invalidRequest('invalid_requests', 'The request body needs a non-empty "requests" array.', 'requests');
    items = requests.map((r, i) => embedText(r, `requests[${i}]`));
  } else items = [embedText(body, 'The request body')];
  const dimensions = items[0].dimensions;
  if (items.some((it) => it.dimensions !== dimensions)) {
    throw invalidRequest('invalid_requests', 'Every request of a batch needs the same outputDimensionality.', 'requests');
  }
  const out: ChatBody = { model: upstreamModel, input: items.map((it) => it.text) };
  if (typeof dimensions === 'number') out.dimensions = dimensions;
  return out;
}

/** The provider's `{data: [{index, embedding}]}` → Gemini's answer; `count`: how many vectors were asked for. */
export function fromEmbeddingsAnswer(answer: unknown, count: number, batch: boolean, providerId: string): Json {
  if (isObject(answer) && answer.error !== undefined && answer.error !== null) throw errorInAnswer(answer.error, providerId);
  const data = isObject(answer) && Array.isArray(answer.data) ? answer.data : [];
  const vectors: unknown[] = new Array(count);
  data.forEach((d, i) => {
    const index = isObject(d) && typeof d.index === 'number' ? d.index : i;
    if (isObject(d) && Array.isArray(d.embedding) && index >= 0 && index < count) vectors[index] = d.embedding;
  });
  for (let i = 0; i < count; i++) {
    if (vectors[i] === undefined) throw new GatewayError(502, 'upstream_error', 'bad_upstream_answer', `Provider "${providerId}" answered without the embedding of input ${i}.`, null, 200);
  }
  return batch ? { embeddings: vectors.map((values) => ({ values })) } : { embedding: { values: vectors[0] } };
}
