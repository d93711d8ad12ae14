/**
 * `/v1/responses` in the bench: pass-through req/s beside chat pass-through through the same Node gateway, in
 * the same interleaved rounds (target ≥ 0.9×), and the chat → Responses stream translation's cost per event,
 * in-process, against the same chunks through one plain web stream.
 */
import { openAIChunk } from '../mock-upstream.js';
import { compareThroughput, type RpsResult } from './load.js';
import { f1, f2, f0, errNote, row } from './report.js';
import { median } from './stats.js';
import { streamCost, type StreamCost } from './stream-cost.js';

const chatBody = JSON.stringify({ model: 'openai/bench', messages: [{ role: 'user', content: 'hi' }] });
const responsesBody = JSON.stringify({ model: 'openai/bench', input: 'hi' });

/** chat and Responses pass-through, non-streamed, measured side by side. */
export function responsesThroughput(gatewayUrl: string): Promise<Record<string, RpsResult>> {
  return compareThroughput([
    ['responses-chat-passthrough', gatewayUrl, chatBody],
    ['responses-passthrough', gatewayUrl, responsesBody, '/v1/responses'],
  ]);
}

/** µs per chat chunk through the chat → Responses translator. */
export async function responsesTranslationCost(n: number): Promise<StreamCost> {
  const { createResponsesStreamTranslator } = await import('../../src/dialects/responses/stream.js');
  const { echoOf } = await import('../../src/dialects/responses/envelope.js');
  const { sseTransform } = await import('../../src/sse.js');
  const chunks = [...Array.from({ length: n }, (_, i) => openAIChunk(i)), 'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1,"model":"bench","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n', 'data: [DONE]\n\n'];
  const echo = echoOf({ model: 'bench' });
  return streamCost(chunks, (source) => sseTransform(source, createResponsesStreamTranslator({ echo, origins: new Map(), provider: 'bench' })));
}

/** The rows: the req/s ratio (median of per-round ratios) and the translation cost. */
export function responsesRows(rps: Record<string, RpsResult>, cost: { translate: number; passthrough: number } | undefined): void {
  const chat = rps['responses-chat-passthrough'];
  const resp = rps['responses-passthrough'];
  if (chat && resp) {
    const ratio = chat.samples && resp.samples && chat.samples.length === resp.samples.length ? median(chat.samples.map((v, i) => resp.samples![i] / v)) : resp.rps / chat.rps;
    row({
      measure: 'Node, 64 conns, req/s — /v1/responses pass-through vs /v1/chat/completions pass-through',
      reference: `${f0(chat.rps)} req/s${errNote(chat)}`,
      gateway: `${f0(resp.rps)} req/s${errNote(resp)}`,
      ratio: `${f2(ratio)}×`,
      target: '≥ 0.9×',
      met: ratio >= 0.9,
    });
  }
  if (cost) {
    row({ measure: 'chat → Responses stream translation, µs per event (in-process)', reference: `${f2(cost.passthrough)} µs (plain stream)`, gateway: `${f2(cost.translate)} µs`, ratio: `${f1(cost.translate / cost.passthrough)}×`, target: '–', met: null });
  }
}
