/** Measures that need no load generator: the Anthropic translator in-process, and start-up times. */
import { anthropicEvents } from '../mock-upstream.js';
import { P } from './options.js';
import { startProc } from './processes.js';
import { pct } from './stats.js';
import { streamCost, type StreamCost } from './stream-cost.js';

/** µs per Anthropic event through the translator, against the same chunks through one plain web stream. */
export async function translationCost(n: number): Promise<StreamCost> {
  const { anthropicToOpenAIStream } = await import('../../src/providers/anthropic/stream.js');
  return streamCost(anthropicEvents(n), (source) => anthropicToOpenAIStream(source, { includeUsage: false }));
}

export async function startupTimes(label: string, cmd: string, argv: string[], env: Record<string, string>, opts: { cwd?: string; group?: boolean } = {}): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < P.startupRuns; i++) {
    const p = await startProc(label, cmd, argv, env, opts);
    times.push(p.readyMs);
    await p.stop();
  }
  times.sort((a, b) => a - b);
  return pct(times, 50);
}
