/**
 * What the reasoning tool-loop tests (test/reasoning-*.test.ts) share: the strict chat providers that need their
 * state back, the loop driver, and the check that each request got that state back unmodified.
 */
import { expect } from 'vitest';
import type { Flavor, StrictChat, StrictRecord } from './mocks/strict-chat.js';

/** The strict providers a client must send reasoning state back to: name, flavor, model, the field it rides in. */
export const STATE_CASES: Array<[string, Flavor, string, string]> = [
  ['DeepSeek', 'deepseek', 'deepseek/deepseek-v4', 'reasoning_content'],
  ['Kimi', 'kimi', 'moonshot/kimi-k2.6', 'reasoning_content'],
  ['Gemini 3 (Google OpenAI-compatible)', 'gemini', 'gemini/gemini-3-pro-preview', 'extra_content'],
  ['OpenRouter (Gemini model)', 'openrouter', 'openrouter/google/gemini-3-pro-preview', 'reasoning_details'],
];

/** The requests one flavor of the strict mock recorded since the `since`th. */
export const requestsOf = (strict: StrictChat, flavor: Flavor, since: number) => strict.requests.slice(since).filter((r) => r.flavor === flavor);

/** Three requests, all accepted; the second and third replay 1 and 2 calls' state, every piece unmodified. */
export function expectReplayed(recs: StrictRecord[], field: string) {
  expect(recs.map((r) => [r.status, r.error])).toEqual([[200, undefined], [200, undefined], [200, undefined]]);
  expect(recs.map((r) => r.replays.filter((p) => p.field === field).length)).toEqual([0, 1, 2]);
  for (const r of recs) for (const p of r.replays) expect(p, JSON.stringify(p)).toMatchObject({ unmodified: true });
}

/**
 * A tool loop until the model answers without a call: `ask` for an answer, then `sendBack` adds it and its tool
 * results to the history and says whether it called a tool. Five answers at most (the mocks answer on the third).
 */
export async function runToolLoop<A>(ask: () => Promise<A>, sendBack: (answer: A) => boolean): Promise<A[]> {
  const answers: A[] = [];
  for (let i = 0; i < 5; i++) {
    const answer = await ask();
    answers.push(answer);
    if (!sendBack(answer)) return answers;
  }
  throw new Error('the tool loop did not end');
}
