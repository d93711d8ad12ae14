/**
 * The `/v1/messages` rows: pass-through req/s at 64 connections beside chat pass-through (same gateway, same
 * interleaved rounds), translated req/s beside them, and the chat → Messages stream translator's cost per event
 * in-process (against the same chunks through one plain web stream). The translated rows run twice: to a chat-only
 * provider (`chatonly`, Messages → chat) and to `openai`, which speaks Responses (Messages → chat pivot →
 * Responses upstream, issue 18).
 */
import { openAIChunk } from '../mock-upstream.js';
import { compareThroughput, type RpsResult } from './load.js';
import { f1, f2, row } from './report.js';
import { responsesEvents } from './responses-shapes.js';
import { streamCost, type StreamCost } from './stream-cost.js';

const chat = (model: string, stream = false) => JSON.stringify({ model, ...(stream ? { stream } : {}), messages: [{ role: 'user', content: 'hi' }] });
const messages = (model: string, stream = false) => JSON.stringify({ model, max_tokens: 16, ...(stream ? { stream } : {}), messages: [{ role: 'user', content: 'hi' }] });

/**
 * chat pass-through, Messages pass-through (Anthropic-kind upstream) and Messages translated (OpenAI-compatible),
 * whole answers; then the same three streamed (20 chunks, no delay), as Claude Code always streams.
 */
export async function messagesThroughput(gatewayUrl: string): Promise<Record<string, RpsResult>> {
  const whole = await compareThroughput([
    ['messages-chat-passthrough', gatewayUrl, chat('openai/bench')],
    ['messages-passthrough', gatewayUrl, messages('anthropic/bench'), '/v1/messages'],
    ['messages-translated', gatewayUrl, messages('chatonly/bench'), '/v1/messages'],
    ['messages-responses', gatewayUrl, messages('openai/bench'), '/v1/messages'],
  ]);
  const streamed = await compareThroughput([
    ['messages-chat-passthrough-stream', gatewayUrl, chat('openai/sse-20-0', true)],
    ['messages-passthrough-stream', gatewayUrl, messages('anthropic/sse-20-0', true), '/v1/messages'],
    ['messages-translated-stream', gatewayUrl, messages('chatonly/sse-20-0', true), '/v1/messages'],
    ['messages-responses-stream', gatewayUrl, messages('openai/sse-20-0', true), '/v1/messages'],
  ]);
  return { ...whole, ...streamed };
}

/** µs per chat chunk through the chat → Messages translator, and through a plain stream. */
export async function messagesTranslationCost(n: number): Promise<StreamCost> {
  const { chatToMessagesStream } = await import('../../src/dialects/messages/stream.js');
  const tail = [
    'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1,"model":"bench","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n',
    'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1,"model":"bench","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}\n\n',
    'data: [DONE]\n\n',
  ];
  return streamCost([...Array.from({ length: n }, (_, i) => openAIChunk(i)), ...tail], (source) => chatToMessagesStream(source, { model: 'claude-bench', provider: 'bench' }));
}

/** µs per Responses event through Responses → chat (the provider adapter) → Messages, and through a plain stream. */
export async function messagesResponsesCost(n: number): Promise<StreamCost> {
  const { chatToMessagesStream } = await import('../../src/dialects/messages/stream.js');
  const { responsesToChatStream } = await import('../../src/providers/openai-responses/stream.js');
  return streamCost(responsesEvents(n), (source) => chatToMessagesStream(responsesToChatStream(source, { includeUsage: true }), { model: 'claude-bench', provider: 'bench' }));
}

/** The table rows; `ratio(a, b)` is run.ts's per-round ratio of b over a. */
export function messagesRows(
  rps: Record<string, RpsResult>,
  cost: { translate: number; passthrough: number } | undefined,
  ratio: (a: string, b: string) => number,
  rpsCell: (name: string) => string,
  responsesCost?: { translate: number; passthrough: number },
) {
  if (rps['messages-passthrough']) {
    const pass = ratio('messages-chat-passthrough', 'messages-passthrough');
    row({ measure: 'Node, 64 conns, req/s: /v1/messages pass-through (Anthropic-kind) vs chat pass-through', reference: rpsCell('messages-chat-passthrough'), gateway: rpsCell('messages-passthrough'), ratio: `${f2(pass)}×`, target: '≥ 0.9×', met: pass >= 0.9 });
    row({ measure: 'Node, 64 conns, req/s: /v1/messages translated (OpenAI-compatible, chat) vs chat pass-through', reference: rpsCell('messages-chat-passthrough'), gateway: rpsCell('messages-translated'), ratio: `${f2(ratio('messages-chat-passthrough', 'messages-translated'))}×`, target: '–', met: null });
    row({ measure: 'Node, 64 conns, req/s: /v1/messages to a Responses upstream (openai) vs chat pass-through', reference: rpsCell('messages-chat-passthrough'), gateway: rpsCell('messages-responses'), ratio: `${f2(ratio('messages-chat-passthrough', 'messages-responses'))}×`, target: '–', met: null });
  }
  if (rps['messages-passthrough-stream']) {
    row({ measure: 'Node, 64 conns, streamed req/s (20 chunks): /v1/messages pass-through vs chat pass-through', reference: rpsCell('messages-chat-passthrough-stream'), gateway: rpsCell('messages-passthrough-stream'), ratio: `${f2(ratio('messages-chat-passthrough-stream', 'messages-passthrough-stream'))}×`, target: '–', met: null });
    row({ measure: 'Node, 64 conns, streamed req/s (20 chunks): /v1/messages translated (chat) vs chat pass-through', reference: rpsCell('messages-chat-passthrough-stream'), gateway: rpsCell('messages-translated-stream'), ratio: `${f2(ratio('messages-chat-passthrough-stream', 'messages-translated-stream'))}×`, target: '–', met: null });
    row({ measure: 'Node, 64 conns, streamed req/s (20 events): /v1/messages to a Responses upstream vs chat pass-through', reference: rpsCell('messages-chat-passthrough-stream'), gateway: rpsCell('messages-responses-stream'), ratio: `${f2(ratio('messages-chat-passthrough-stream', 'messages-responses-stream'))}×`, target: '–', met: null });
  }
  if (cost) {
    row({ measure: 'chat → Messages stream translation, µs per event (in-process)', reference: `${f2(cost.passthrough)} µs (plain stream)`, gateway: `${f2(cost.translate)} µs`, ratio: `${f1(cost.translate / cost.passthrough)}×`, target: '–', met: null });
  }
  if (responsesCost) {
    row({ measure: 'Responses → chat → Messages stream translation (a Responses upstream), µs per event (in-process)', reference: `${f2(responsesCost.passthrough)} µs (plain stream)`, gateway: `${f2(responsesCost.translate)} µs`, ratio: `${f1(responsesCost.translate / responsesCost.passthrough)}×`, target: '–', met: null });
  }
}
