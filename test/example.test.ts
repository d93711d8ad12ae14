/** The child-process example of docs/embedding.md (examples/child-process.ts), run word for word as a parent process: after it stops, no gateway is left. */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KEYS, ROOT } from './helpers.js';
import { startMockProvider, type MockProvider } from './mock-provider.js';
import { systemNode } from './runtimes.js';

let mock: MockProvider;
beforeAll(async () => {
  mock = await startMockProvider();
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'ignore' });
});
afterAll(async () => {
  await mock?.close();
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it('examples/child-process.ts starts the gateway, gets an answer, and leaves no process behind', async () => {
  // Asynchronous: the mock provider answers from this process.
  const run = await promisify(execFile)(systemNode(), ['--import', 'tsx', 'examples/child-process.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...mock.env, ...KEYS, MINI_LLM_LOG: 'silent' },
    encoding: 'utf8',
    timeout: 30_000,
  }).catch((err: { stdout?: string }) => {
    // A failed run must not leave its gateway behind either.
    const pid = Number(/gateway pid (\d+)/.exec(err.stdout ?? '')?.[1]);
    if (pid > 0 && alive(pid)) process.kill(pid, 'SIGKILL');
    throw err;
  });
  const [first, answer] = run.stdout.trim().split('\n');
  const pid = Number(/gateway pid (\d+) at http:\/\/127\.0\.0\.1:\d+/.exec(first)?.[1]);
  expect(pid).toBeGreaterThan(0);
  expect(answer).toBe('The capital of France is Paris.');
  expect(alive(pid)).toBe(false);
});

it('`npx mini-llm-gateway --version` works in the checkout (the package bin, built by npm install)', async () => {
  const { stdout } = await promisify(execFile)('npx', ['--no-install', 'mini-llm-gateway', '--version'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  expect(stdout.trim()).toBe(JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')).version);
});
