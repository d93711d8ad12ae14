/**
 * Command-line flags of `npm run bench`, the paths it uses and the durations of a full or a quick run.
 *
 * Options: --quick (CI smoke: a few seconds per section, 100 streams instead of 1,000),
 * --tool=wrk|autocannon (load generator for req/s; default wrk when installed, else autocannon),
 * --no-build (use the existing dist/), --node-entry=PATH (Node gateway entry, default dist/index.js),
 * --bun-entry=PATH (default src/bun.ts), --node-args='FLAGS' (V8/Node flags for the Node gateway),
 * --skip=bun,worker,startup,streams,nonstream,embeddings,messages,responses,gemini (leave sections out).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The repository root and bench/, each with a trailing slash. */
export const ROOT = new URL('../..', import.meta.url).pathname;
export const BENCH = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
export const NO_BUILD = flag('no-build');
export const QUICK = flag('quick');
export const SKIP = new Set((option('skip') ?? '').split(',').filter(Boolean));
export const BUN = join(ROOT, 'node_modules/.bin/bun');
export const WRK = ['/usr/bin/wrk', '/usr/local/bin/wrk'].find((p) => existsSync(p));
export const TOOL = option('tool') ?? (WRK ? 'wrk' : 'autocannon');
export const NODE_ENTRY = option('node-entry') ?? 'dist/index.js';
export const NODE_ENTRY_PATH = NODE_ENTRY.startsWith('/') ? NODE_ENTRY : join(ROOT, NODE_ENTRY);
export const BUN_ENTRY = option('bun-entry') ?? join(ROOT, 'src/bun.ts');
/** Extra flags for the Node gateway process (experiments), e.g. --node-args=--max-semi-space-size=2 */
export const NODE_ARGS = (option('node-args') ?? '').split(' ').filter(Boolean);
export const TMP = mkdtempSync(join(tmpdir(), 'mini-llm-bench-'));

/** Durations and sizes: the full run, or the CI smoke. */
export const P = QUICK
  ? { rounds: 1, rpsSeconds: 1, warmSeconds: 1, latencyRequests: 300, streamConcurrency: 4, streamSeconds: 1.5, chunks: 5, gapMs: 20, manyStreams: 100, manyChunks: 5, manyGapMs: 100, startupRuns: 1, translateEvents: 2000 }
  : { rounds: 5, rpsSeconds: 3, warmSeconds: 4, latencyRequests: 3000, streamConcurrency: 16, streamSeconds: 8, chunks: 20, gapMs: 50, manyStreams: 1000, manyChunks: 20, manyGapMs: 100, startupRuns: 5, translateEvents: 20000 };
