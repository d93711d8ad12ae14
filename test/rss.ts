/** Resident memory of a gateway child process (Linux /proc), sampled while a test drives it. */
import { readdirSync, readFileSync } from 'node:fs';

/** The process's resident memory, in bytes. */
export const rss = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

/** The processes of process group `pgid` (wrangler dev: wrangler, workerd, esbuild); read once, then sample `rssOf`. */
export function groupMembers(pgid: number): number[] {
  const pids: number[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The fields after the command's closing parenthesis: state, ppid, pgrp, ...
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === pgid) pids.push(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** The resident memory of `pids` together, in bytes (a process gone meanwhile counts 0). */
export const rssOf = (pids: number[]) =>
  pids.reduce((sum, pid) => {
    try {
      return sum + rss(pid);
    } catch {
      return sum;
    }
  }, 0);

/** Run `fn` while sampling `measure` every 10 ms; resolves with fn's result and the largest growth seen. */
export async function peakGrowth<T>(measure: () => number, fn: () => Promise<T>): Promise<{ result: T; growth: number }> {
  const before = measure();
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, measure())), 10);
  try {
    const result = await fn();
    peak = Math.max(peak, measure());
    return { result, growth: peak - before };
  } finally {
    clearInterval(timer);
  }
}

/** Run `fn` while sampling one child's RSS every 10 ms; resolves with fn's result and the largest growth seen. */
export const rssGrowth = <T>(pid: number, fn: () => Promise<T>): Promise<{ result: T; growth: number }> => peakGrowth(() => rss(pid), fn);
