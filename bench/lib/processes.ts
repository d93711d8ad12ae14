/**
 * Child processes: every process (mock, references, gateways, load generator) is a real child on 127.0.0.1,
 * tracked by PID and stopped at the end, also on failure (exit, SIGINT, SIGTERM).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BENCH, ROOT, TMP } from './options.js';

export interface Proc {
  name: string;
  child: ChildProcess;
  url: string;
  /** Resident set size in bytes (Linux /proc), or undefined. */
  rss(): number | undefined;
  stop(): Promise<void>;
}

const live = new Map<number, { child: ChildProcess; group: boolean }>();
const signalProc = (pid: number, group: boolean, sig: NodeJS.Signals) => {
  try {
    process.kill(group ? -pid : pid, sig);
  } catch {
    // already gone
  }
};
export const killAll = () => live.forEach((p, pid) => signalProc(pid, p.group, 'SIGKILL'));
process.once('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    killAll();
    process.exit(130);
  });
}

export function rssOf(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export function startProc(name: string, cmd: string, argv: string[], env: Record<string, string>, opts: { cwd?: string; group?: boolean; timeoutMs?: number } = {}): Promise<Proc & { readyMs: number }> {
  const t0 = performance.now();
  // stderr goes to a file, as a deployed gateway's log would: the bench process (which is also the latency
  // client) does not spend time draining the request log of the process it measures.
  const stderrPath = join(TMP, `${name}-${Math.random().toString(36).slice(2)}.stderr`);
  const stderrFd = openSync(stderrPath, 'w');
  const child = spawn(cmd, argv, {
    cwd: opts.cwd ?? TMP,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? TMP, ...env },
    stdio: ['ignore', 'pipe', stderrFd],
    detached: opts.group === true,
  });
  closeSync(stderrFd);
  const pid = child.pid!;
  live.set(pid, { child, group: opts.group === true });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  exited.then(() => live.delete(pid));
  let out = '';
  const err = () => {
    try {
      return readFileSync(stderrPath, 'utf8').slice(-4000);
    } catch {
      return '';
    }
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signalProc(pid, opts.group === true, 'SIGKILL');
      reject(new Error(`${name} did not start within ${opts.timeoutMs ?? 20_000} ms\nstdout: ${out}\nstderr: ${err()}`));
    }, opts.timeoutMs ?? 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before starting\nstdout: ${out}\nstderr: ${err()}`));
    });
    child.stdout!.on('data', (d) => {
      if (out.length > 8000) return;
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      out = '\u0000'.repeat(9000); // stop matching
      resolve({
        name,
        child,
        url: m[1],
        readyMs: performance.now() - t0,
        rss: () => rssOf(pid),
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          signalProc(pid, opts.group === true, 'SIGTERM');
          const t = setTimeout(() => signalProc(pid, opts.group === true, 'SIGKILL'), 3000);
          await exited;
          clearTimeout(t);
          if (opts.group) signalProc(pid, true, 'SIGKILL');
        },
      });
    });
  });
}

export const tsxNode = (file: string): [string, string[]] => [process.execPath, ['--import', import.meta.resolve('tsx'), join(BENCH, file)]];

export function run(cmd: string, argv: string[], opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, argv, { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...opts.env }, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) =>
      error ? reject(Object.assign(error, { stdout, stderr })) : resolve({ stdout, stderr }),
    );
    if (child.pid) live.set(child.pid, { child, group: false });
    child.once('exit', () => child.pid && live.delete(child.pid));
  });
}
