/**
 * `POST /v1/embeddings` through the Node gateway: pass-through req/s beside chat pass-through, measured in the
 * same interleaved rounds on the same gateway (answers of about the same size, ~300 B: the route's own cost);
 * and a realistic answer (one 1536-value vector, ~33 KB) beside a raw node:http pipe and the mock direct.
 * Skipped with --skip=embeddings.
 */
import { compareThroughput, type RpsResult } from './load.js';
import { startProc, tsxNode } from './processes.js';
import { f2, row } from './report.js';

const embed = (model: string) => JSON.stringify({ model, input: 'The food was delicious and the waiter...' });

export interface EmbeddingsTargets {
  /** The running Node gateway. */
  gateway: string;
  /** The mock's OpenAI root (`…/openai`: `/v1/embeddings` under it). */
  direct: string;
  /** The chat pass-through body run.ts uses (`openai/bench`). */
  chatBody: string;
  /** The references' environment (UPSTREAM_URL, UPSTREAM_KEY, PORT). */
  refEnv: Record<string, string>;
}

/** req/s, keyed `chat-passthrough`, `embeddings-passthrough`, and `embeddings-{direct,raw-pipe,gateway}-1536`. */
export async function embeddingsThroughput(t: EmbeddingsTargets): Promise<Record<string, RpsResult>> {
  const same = await compareThroughput([
    ['chat-passthrough', t.gateway, t.chatBody],
    ['embeddings-passthrough', t.gateway, embed('openai/bench-emb-8'), '/v1/embeddings'],
  ]);
  const pipe = await startProc('raw-pipe-embeddings', ...tsxNode('raw-pipe.ts'), { ...t.refEnv, UPSTREAM_PATH: '/embeddings' });
  try {
    const large = await compareThroughput([
      ['embeddings-direct-1536', t.direct, embed('bench-emb-1536'), '/v1/embeddings'],
      ['embeddings-raw-pipe-1536', pipe.url, embed('bench-emb-1536'), '/v1/embeddings'],
      ['embeddings-gateway-1536', t.gateway, embed('openai/bench-emb-1536'), '/v1/embeddings'],
    ]);
    return { ...same, ...large };
  } finally {
    await pipe.stop();
  }
}

/** The table rows; `ratio(a, b)` is run.ts's per-round median of b / a, `cell` its req/s cell. */
export function embeddingsRows(rps: Record<string, RpsResult>, ratio: (a: string, b: string) => number, cell: (name: string) => string) {
  if (!rps['embeddings-passthrough']) return;
  const r = ratio('chat-passthrough', 'embeddings-passthrough');
  row({ measure: 'Node, 64 conns, req/s — embeddings pass-through vs chat pass-through (same gateway, ~300 B answers)', reference: cell('chat-passthrough'), gateway: cell('embeddings-passthrough'), ratio: `${f2(r)}×`, target: '≥ 0.95×', met: r >= 0.95 });
  row({ measure: 'Node, 64 conns, req/s — embeddings, one 1536-value vector (~33 KB): vs raw node:http pipe (direct to mock in brackets)', reference: `${cell('embeddings-raw-pipe-1536')} (${cell('embeddings-direct-1536')})`, gateway: cell('embeddings-gateway-1536'), ratio: `${f2(ratio('embeddings-raw-pipe-1536', 'embeddings-gateway-1536'))}×`, target: '–', met: null });
}
