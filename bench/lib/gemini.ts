/**
 * Google's Gemini API in the bench (issue 19), through the same Node gateway and in the same interleaved rounds as
 * chat pass-through:
 * - Gemini pass-through (`/v1beta/models/gemini/…:generateContent` to the `gemini`-kind provider) vs chat
 *   pass-through, whole and streamed (target ≥ 0.9×, whole answers);
 * - translated both ways beside them: the Gemini API to a chat-only provider (`chatonly`), and chat to the `gemini` provider;
 * - the two stream translators' cost per event in-process, against the same events through one plain web stream.
 */
import { openAIChunk } from '../mock-upstream.js';
import { geminiEvents } from './gemini-shapes.js';
import { compareThroughput, type RpsResult } from './load.js';
import { f1, f2, row } from './report.js';
import { streamCost, type StreamCost } from './stream-cost.js';

const chat = (model: string, stream = false) => JSON.stringify({ model, ...(stream ? { stream } : {}), messages: [{ role: 'user', content: 'hi' }] });
const contents = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });
const action = (model: string, stream = false) => `/v1beta/models/${model}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`;

/** Whole answers, then the same four streamed (20 events, no delay), as Gemini CLI always streams. */
export async function geminiThroughput(gatewayUrl: string): Promise<Record<string, RpsResult>> {
  const whole = await compareThroughput([
    ['gemini-chat-passthrough', gatewayUrl, chat('openai/bench')],
    ['gemini-passthrough', gatewayUrl, contents, action('gemini/bench')],
    ['gemini-translated', gatewayUrl, contents, action('chatonly/bench')],
    ['chat-to-gemini', gatewayUrl, chat('gemini/bench')],
  ]);
  const streamed = await compareThroughput([
    ['gemini-chat-passthrough-stream', gatewayUrl, chat('openai/sse-20-0', true)],
    ['gemini-passthrough-stream', gatewayUrl, contents, action('gemini/sse-20-0', true)],
    ['gemini-translated-stream', gatewayUrl, contents, action('chatonly/sse-20-0', true)],
    ['chat-to-gemini-stream', gatewayUrl, chat('gemini/sse-20-0', true)],
  ]);
  return { ...whole, ...streamed };
}

const chatTail = [
  'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1,"model":"bench","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n',
  'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1,"model":"bench","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}\n\n',
  'data: [DONE]\n\n',
];

/** µs per event: chat → the Gemini API (the dialect's stream) and Gemini → chat (the provider's stream). */
export async function geminiTranslationCost(n: number): Promise<{ toGemini: StreamCost; fromGemini: StreamCost }> {
  const { chatToGeminiStream, sseFraming } = await import('../../src/dialects/gemini/stream.js');
  const { geminiToChatStream } = await import('../../src/providers/gemini/stream.js');
  const toGemini = await streamCost([...Array.from({ length: n }, (_, i) => openAIChunk(i)), ...chatTail], (source) =>
    chatToGeminiStream(source, { model: 'bench', providerId: 'bench', thoughts: false, framing: sseFraming() }),
  );
  const fromGemini = await streamCost(geminiEvents(n), (source) => geminiToChatStream(source, { includeUsage: true, model: 'bench', created: 1 }));
  return { toGemini, fromGemini };
}

/** The table rows; `ratio(a, b)` is run.ts's per-round ratio of b over a. */
export function geminiRows(
  rps: Record<string, RpsResult>,
  cost: { toGemini: StreamCost; fromGemini: StreamCost } | undefined,
  ratio: (a: string, b: string) => number,
  rpsCell: (name: string) => string,
) {
  if (rps['gemini-passthrough']) {
    const pass = ratio('gemini-chat-passthrough', 'gemini-passthrough');
    row({ measure: 'Node, 64 conns, req/s: Gemini API pass-through (gemini provider) vs chat pass-through', reference: rpsCell('gemini-chat-passthrough'), gateway: rpsCell('gemini-passthrough'), ratio: `${f2(pass)}×`, target: '≥ 0.9×', met: pass >= 0.9 });
    row({ measure: 'Node, 64 conns, req/s: Gemini API translated (to a chat provider) vs chat pass-through', reference: rpsCell('gemini-chat-passthrough'), gateway: rpsCell('gemini-translated'), ratio: `${f2(ratio('gemini-chat-passthrough', 'gemini-translated'))}×`, target: '–', met: null });
    row({ measure: 'Node, 64 conns, req/s: chat to the gemini provider (translated) vs chat pass-through', reference: rpsCell('gemini-chat-passthrough'), gateway: rpsCell('chat-to-gemini'), ratio: `${f2(ratio('gemini-chat-passthrough', 'chat-to-gemini'))}×`, target: '–', met: null });
  }
  if (rps['gemini-passthrough-stream']) {
    for (const [name, label] of [['gemini-passthrough-stream', 'Gemini API pass-through'], ['gemini-translated-stream', 'Gemini API translated (chat provider)'], ['chat-to-gemini-stream', 'chat to the gemini provider']]) {
      row({ measure: `Node, 64 conns, streamed req/s (20 events): ${label} vs chat pass-through`, reference: rpsCell('gemini-chat-passthrough-stream'), gateway: rpsCell(name), ratio: `${f2(ratio('gemini-chat-passthrough-stream', name))}×`, target: '–', met: null });
    }
  }
  if (cost) {
    for (const [c, label] of [[cost.toGemini, 'chat → Gemini API'], [cost.fromGemini, 'Gemini provider → chat']] as const) {
      row({ measure: `${label} stream translation, µs per event (in-process)`, reference: `${f2(c.passthrough)} µs (plain stream)`, gateway: `${f2(c.translate)} µs`, ratio: `${f1(c.translate / c.passthrough)}×`, target: '–', met: null });
    }
  }
}
