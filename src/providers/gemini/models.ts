/**
 * Gemini model families, by name: what `reasoning_effort` becomes (a thinking level on Gemini 3, a token budget
 * before it) and whether a tool call of the current turn must carry a thought signature (Gemini 3). Google's
 * names are open-ended: `gemini-<n>…` with n ≥ 3 and the `-latest` aliases count as Gemini 3.
 * @see https://ai.google.dev/gemini-api/docs/thinking
 */
import { invalidRequest } from '../../errors.js';

/** A model's name without the `models/` of Google's resource names (`models/gemini-2.5-flash`), which clients may write. */
export const modelName = (model: string): string => model.replace(/^models\//, '');

/** The model's own name, lower case, for telling families apart. */
const bareModel = (model: string): string => modelName(model).toLowerCase();

export function isGemini3(model: string): boolean {
  const name = bareModel(model);
  const version = /^gemini-(\d+)(?:[.-]|$)/.exec(name);
  if (version) return Number(version[1]) >= 3;
  return /^gemini-(?:flash|flash-lite|pro)-latest$/.test(name);
}

/** Gemini 3: `none` cannot turn thinking off there; LOW is the level every Gemini 3 model takes. */
const LEVELS = new Map([
  ['none', 'LOW'],
  ['minimal', 'MINIMAL'],
  ['low', 'LOW'],
  ['medium', 'MEDIUM'],
  ['high', 'HIGH'],
  ['xhigh', 'HIGH'],
]);

/** Gemini 2.5 and earlier thinking models: a budget in tokens (0 turns thinking off where the model allows it). */
const BUDGETS = new Map([
  ['none', 0],
  ['minimal', 512],
  ['low', 1024],
  ['medium', 8192],
  ['high', 24576],
  ['xhigh', 24576],
]);

/**
 * `reasoning_effort` → `generationConfig.thinkingConfig`, thoughts included unless the effort is `none`; undefined
 * when the client set none (the model's default). An effort a model does not take (MINIMAL on some Gemini 3
 * models) is Google's to refuse, with its own message.
 */
export function thinkingConfig(effort: unknown, model: string): Record<string, unknown> | undefined {
  if (effort === undefined || effort === null) return undefined;
  const level = typeof effort === 'string' ? LEVELS.get(effort) : undefined;
  if (level === undefined) {
    throw invalidRequest('invalid_reasoning_effort', `"reasoning_effort" must be one of ${[...LEVELS.keys()].join(', ')}.`, 'reasoning_effort');
  }
  const includeThoughts = effort !== 'none';
  if (isGemini3(model)) return { thinkingLevel: level, includeThoughts };
  let budget = BUDGETS.get(effort as string)!;
  // 2.5 Pro cannot turn thinking off (128 is its least budget) and thinks up to 32768 tokens.
  if (/^gemini-2\.5-pro/.test(bareModel(model))) budget = effort === 'none' ? 128 : effort === 'xhigh' ? 32768 : budget;
  return { thinkingBudget: budget, includeThoughts };
}
