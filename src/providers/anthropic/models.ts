/**
 * What each Claude family supports, as data in one table (ANTHROPIC-FIDELITY.md §1.2, §2.2, §2.3; PROVIDERS.md
 * §3a sampling caveats). The first row whose pattern matches the upstream model id wins; a model no row knows
 * (a future one) gets the newest family's behaviour, the last row.
 */

export type Effort = 'low' | 'medium' | 'high' | 'xhigh' | 'max';

export interface ModelCaps {
  /** The family's name, for tests and error messages. */
  readonly family: 'legacy' | '4.5' | '4.6' | 'newest';
  /** `output_config.format` (GA structured outputs) and `strict` tools. */
  readonly structuredOutputs: boolean;
  /** How thinking is asked for: `enabled` + `budget_tokens`, or `adaptive` (with `output_config.effort`). */
  readonly thinking: 'enabled' | 'adaptive';
  /** `output_config.effort` values the model accepts (empty: no effort parameter). */
  readonly efforts: readonly Effort[];
  /** Sampling parameters: all, one of temperature/top_p (4.5 generation on), or none (Opus 4.7 and later). */
  readonly sampling: 'all' | 'one' | 'none';
  /** `tool_choice` `any`/`tool` accepted (newer models reject forced tool use). */
  readonly forcedTool: boolean;
  /** Thinking blocks come back as text only when asked for (`display: "summarized"`; the default is `omitted`). */
  readonly displayOmittedByDefault: boolean;
  /** The most output tokens the model produces (`max_tokens` is raised no higher). */
  readonly maxOutputTokens: number;
}

const LEGACY: ModelCaps = {
  family: 'legacy',
  structuredOutputs: false,
  thinking: 'enabled',
  efforts: [],
  sampling: 'all',
  forcedTool: true,
  displayOmittedByDefault: false,
  maxOutputTokens: 32_000,
};
const C45: ModelCaps = { ...LEGACY, family: '4.5', structuredOutputs: true, sampling: 'one', maxOutputTokens: 64_000 };
const C46: ModelCaps = { ...C45, family: '4.6', thinking: 'adaptive', efforts: ['low', 'medium', 'high', 'max'] };
const NEWEST: ModelCaps = {
  ...C46,
  family: 'newest',
  efforts: ['low', 'medium', 'high', 'xhigh', 'max'],
  sampling: 'none',
  forcedTool: false,
  displayOmittedByDefault: true,
  maxOutputTokens: 128_000,
};

/** Ordered: first match wins. Model ids look like `claude-sonnet-4-6`, `claude-haiku-4-5-20251001`, `claude-3-7-sonnet-…`. */
export const MODEL_FAMILIES: ReadonlyArray<{ readonly pattern: RegExp; readonly caps: ModelCaps }> = [
  { pattern: /claude-3-/, caps: LEGACY },
  { pattern: /claude-(?:opus|sonnet)-4(?:-[01])?(?:-\d{8})?$/, caps: { ...LEGACY, maxOutputTokens: 64_000 } },
  { pattern: /claude-opus-4-5(?!\d)/, caps: { ...C45, efforts: ['low', 'medium', 'high'] } },
  { pattern: /claude-(?:sonnet|haiku)-4-5(?!\d)/, caps: C45 },
  { pattern: /claude-opus-4-6(?!\d)/, caps: { ...C46, maxOutputTokens: 128_000 } },
  { pattern: /claude-sonnet-4-6(?!\d)/, caps: C46 },
  { pattern: /./, caps: NEWEST },
];

export function modelCaps(model: string): ModelCaps {
  return MODEL_FAMILIES.find((row) => row.pattern.test(model))?.caps ?? NEWEST;
}
