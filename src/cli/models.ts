/** `models` and `models --check`: the alias rows, the check's comparison, and plain-text/JSON rendering. Pure. */
import type { Config } from '../config.js';

export interface AliasRow {
  alias: string;
  provider: string;
  model: string;
  configured: boolean;
  /** What to set to configure the provider (e.g. `OPENAI_API_KEY`). */
  enable: string;
}

/** The alias table, in the config's order (defaults first, then MINI_LLM_MODELS). */
export function aliasRows(config: Config): AliasRow[] {
  return [...config.aliases].map(([alias, target]) => {
    const provider = config.providers.get(target.provider);
    return {
      alias,
      provider: target.provider,
      model: target.model,
      configured: provider?.enabled ?? false,
      enable: provider?.enableHint ?? `${target.provider.toUpperCase()}_API_KEY`,
    };
  });
}

/** Plain columns, left-aligned, two spaces apart; no trailing spaces. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => all.reduce((w, r) => Math.max(w, (r[c] ?? '').length), 0));
  return all
    .map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ').trimEnd())
    .join('\n') + '\n';
}

export function renderAliasTable(rows: readonly AliasRow[]): string {
  return formatTable(
    ['ALIAS', 'PROVIDER', 'UPSTREAM MODEL', 'STATUS'],
    rows.map((r) => [r.alias, r.provider, r.model, r.configured ? 'configured' : `not configured (set ${r.enable})`]),
  );
}

export function aliasTableJson(rows: readonly AliasRow[]): string {
  return JSON.stringify({ aliases: rows }, null, 2) + '\n';
}

/**
 * Is `model` among the provider's listed ids? An exact match is ok. So is a dated snapshot of it
 * (`<model>-YYYYMMDD`): providers list snapshots while accepting the undated alias in requests
 * (Anthropic lists `claude-haiku-4-5-20251001` and serves `claude-haiku-4-5`).
 */
export function findModel(model: string, ids: readonly string[]): { found: true; listedAs: string } | { found: false } {
  if (ids.includes(model)) return { found: true, listedAs: model };
  const dated = ids.filter((id) => id.startsWith(`${model}-`) && /^\d{8}$/.test(id.slice(model.length + 1))).sort();
  return dated.length > 0 ? { found: true, listedAs: dated[dated.length - 1]! } : { found: false };
}

/** What one provider's models endpoint gave: its ids, or why there are none. */
export type ProviderListing = { ok: true; ids: string[] } | { ok: false; reason: string };

export type CheckStatus = 'ok' | 'missing' | 'unreachable' | 'skipped';

export interface CheckResult {
  alias: string;
  provider: string;
  model: string;
  status: CheckStatus;
  /** ok: the id it is listed as, when not the same; unreachable: HTTP status or error code; skipped: what to set. */
  detail?: string;
}

/** Compare every alias with its provider's listing. Aliases of unconfigured providers are skipped. */
export function checkAliases(rows: readonly AliasRow[], listings: ReadonlyMap<string, ProviderListing>): CheckResult[] {
  return rows.map((r): CheckResult => {
    const base = { alias: r.alias, provider: r.provider, model: r.model };
    if (!r.configured) return { ...base, status: 'skipped', detail: `set ${r.enable}` };
    const listing = listings.get(r.provider);
    if (!listing) return { ...base, status: 'unreachable', detail: 'not checked' };
    if (!listing.ok) return { ...base, status: 'unreachable', detail: listing.reason };
    const m = findModel(r.model, listing.ids);
    if (!m.found) return { ...base, status: 'missing' };
    return m.listedAs === r.model ? { ...base, status: 'ok' } : { ...base, status: 'ok', detail: `listed as ${m.listedAs}` };
  });
}

/** The providers worth asking: configured ones that some alias uses. */
export function providersToCheck(rows: readonly AliasRow[]): string[] {
  return [...new Set(rows.filter((r) => r.configured).map((r) => r.provider))];
}

export const checkFailed = (results: readonly CheckResult[]) =>
  results.some((r) => r.status === 'missing' || r.status === 'unreachable');

function resultText(r: CheckResult): string {
  switch (r.status) {
    case 'ok':
      return r.detail ? `ok (${r.detail})` : 'ok';
    case 'missing':
      return 'missing (not in the provider\'s model list)';
    case 'unreachable':
      return `provider unreachable (${r.detail})`;
    case 'skipped':
      return `skipped (${r.detail})`;
  }
}

export function renderCheck(results: readonly CheckResult[]): string {
  const table = formatTable(
    ['ALIAS', 'PROVIDER', 'UPSTREAM MODEL', 'RESULT'],
    results.map((r) => [r.alias, r.provider, r.model, resultText(r)]),
  );
  const count = (s: CheckStatus) => results.filter((r) => r.status === s).length;
  let summary = `${results.length} aliases: ${count('ok')} ok, ${count('missing')} missing, ${count('unreachable')} unreachable, ${count('skipped')} skipped`;
  if (count('skipped') === results.length) summary += ' (no configured provider to check)';
  return `${table}\n${summary}\n`;
}

export function checkJson(results: readonly CheckResult[]): string {
  return JSON.stringify({ ok: !checkFailed(results), aliases: results }, null, 2) + '\n';
}
