/** The report: table rows, raw figures for bench/results.json, number formatters, the markdown table, the log. */
import type { RpsResult } from './load.js';

export interface Row {
  section: string;
  measure: string;
  reference: string;
  gateway: string;
  ratio: string;
  target: string;
  met: boolean | null;
}

export const rows: Row[] = [];
export const raw: Record<string, unknown> = {};
export const f0 = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? 'n/a' : Math.round(n).toLocaleString('en-US'));
export const f1 = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(1));
export const f2 = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(2));
export const kb = (bytes: number | undefined) => (bytes === undefined ? 'n/a' : `${(bytes / 1024).toFixed(1)} KB`);
export const mb = (bytes: number | undefined) => (bytes === undefined ? 'n/a' : `${(bytes / 1048576).toFixed(1)} MB`);
export const row = (r: Omit<Row, 'section'> & { section?: string }) => rows.push({ section: r.section ?? '', ...r });
export const log = (s: string) => process.stderr.write(`[bench] ${s}\n`);

export function table(): string {
  const head = '| measure | reference | gateway | ratio / added | target | met? |\n|---|---|---|---|---|---|\n';
  return head + rows.map((r) => `| ${r.measure} | ${r.reference} | ${r.gateway} | ${r.ratio} | ${r.target} | ${r.met === null ? '–' : r.met ? 'yes' : '**no**'} |`).join('\n');
}

export const errNote = (r: RpsResult) => (r.errors + r.non2xx > 0 ? ` (${r.errors} errors, ${r.non2xx} non-2xx)` : '');
