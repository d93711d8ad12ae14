/**
 * `reasoning_effort` → Anthropic thinking and effort, per model family (ANTHROPIC-FIDELITY.md §2), and the
 * constraints Anthropic enforces while thinking is on (§2.3), applied here instead of being left to a 400.
 */
import { invalidRequest } from '../../errors.js';
import type { Effort, ModelCaps } from './models.js';
import { isObject } from '../../json.js';

type Json = Record<string, unknown>;

export const REASONING_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'] as const;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];

const EFFORT_ORDER: readonly Effort[] = ['low', 'medium', 'high', 'xhigh', 'max'];

/** `budget_tokens` per effort for models that take `enabled` + a budget (LiteLLM's defaults). */
export const THINKING_BUDGETS: Readonly<Record<Effort, number>> = { low: 1024, medium: 2048, high: 4096, xhigh: 8192, max: 16384 };
/** Anthropic's smallest `budget_tokens`. */
export const MIN_THINKING_BUDGET = 1024;

export interface ReasoningPlan {
  /** The `thinking` parameter to send, if any. */
  thinking?: Json;
  /** `output_config.effort`, if any. */
  effort?: Effort;
  /** `max_tokens`, raised above the thinking budget where needed. */
  maxTokens: number;
}

/** The effort itself if the model accepts it, else the nearest one above, else the nearest one below. */
export function supportedEffort(caps: ModelCaps, wanted: Effort): Effort | undefined {
  if (caps.efforts.includes(wanted)) return wanted;
  const at = EFFORT_ORDER.indexOf(wanted);
  return EFFORT_ORDER.slice(at + 1).find((e) => caps.efforts.includes(e)) ?? [...EFFORT_ORDER.slice(0, at)].reverse().find((e) => caps.efforts.includes(e));
}

/**
 * `reasoning_effort` (and a client's own Anthropic `thinking`, which wins for the thinking part) → the plan.
 * `none` → no thinking; adaptive models → `{type:"adaptive"}` + effort; others → `enabled` with a budget below
 * `max_tokens` (raised to budget + the answer's share when it is not above the budget).
 */
export function planReasoning(reasoningEffort: unknown, clientThinking: unknown, caps: ModelCaps, maxTokens: number): ReasoningPlan {
  let effort: Effort | undefined;
  let thinking: Json | undefined;
  if (reasoningEffort !== undefined && reasoningEffort !== null) {
    if (typeof reasoningEffort !== 'string' || !(REASONING_EFFORTS as readonly string[]).includes(reasoningEffort)) {
      throw invalidRequest('invalid_reasoning_effort', `"reasoning_effort" must be one of ${REASONING_EFFORTS.join(', ')}.`, 'reasoning_effort');
    }
    if (reasoningEffort !== 'none') {
      const wanted: Effort = reasoningEffort === 'minimal' ? 'low' : (reasoningEffort as Effort);
      effort = supportedEffort(caps, wanted);
      if (caps.thinking === 'adaptive') thinking = caps.displayOmittedByDefault ? { type: 'adaptive', display: 'summarized' } : { type: 'adaptive' };
      else thinking = { type: 'enabled', budget_tokens: THINKING_BUDGETS[wanted] };
    }
  }
  if (isObject(clientThinking)) thinking = clientThinking;
  if (thinking?.type === 'enabled' && typeof thinking.budget_tokens === 'number') {
    let budget = thinking.budget_tokens;
    if (maxTokens <= budget) maxTokens = Math.min(budget + maxTokens, caps.maxOutputTokens);
    if (budget >= maxTokens) budget = maxTokens - 1;
    // A budget Anthropic would refuse (below its minimum) means no room to think: answer without thinking.
    thinking = budget < MIN_THINKING_BUDGET ? undefined : { ...thinking, budget_tokens: budget };
  }
  return { thinking, effort, maxTokens };
}

export const thinkingIsOn = (thinking: unknown): boolean =>
  isObject(thinking) && (thinking.type === 'enabled' || thinking.type === 'adaptive');

/**
 * With thinking on: no `temperature` or `top_k`, `top_p` within 0.95–1, `tool_choice` only auto/none (a forced
 * choice becomes auto, keeping `disable_parallel_tool_use`). Mutates and returns `out`.
 */
export function applyThinkingConstraints(out: Json): Json {
  delete out.temperature;
  delete out.top_k;
  if (typeof out.top_p === 'number') out.top_p = Math.min(1, Math.max(0.95, out.top_p));
  const choice = out.tool_choice;
  if (isObject(choice) && (choice.type === 'any' || choice.type === 'tool')) {
    const { name: _name, ...rest } = choice;
    out.tool_choice = { ...rest, type: 'auto' };
  }
  return out;
}
