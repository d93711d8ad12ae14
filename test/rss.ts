/** A child process's resident memory (Linux, /proc), sampled while a request runs. */
import { readFileSync } from 'node:fs';

/** The process's resident memory, in bytes. */
export const rss = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

/** Run `fn` while sampling the child's RSS every 10 ms; resolves with fn's result and the largest growth seen. */
export async function rssGrowth<T>(pid: number, fn: () => Promise<T>): Promise<{ result: T; growth: number }> {
  const before = rss(pid);
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, rss(pid))), 10);
  try {
    const result = await fn();
    peak = Math.max(peak, rss(pid));
    return { result, growth: peak - before };
  } finally {
    clearInterval(timer);
  }
}
