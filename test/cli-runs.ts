/**
 * The real coding-agent CLIs (test/clients: Claude Code, Codex) run once each through the gateway, as users run
 * them, each in a fresh home, bounded in time: the whole process group is killed by PID when it overruns, and
 * whatever it left behind when it exits.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers.js';

export const CLAUDE = join(ROOT, 'test/clients/node_modules/.bin/claude');
export const CODEX = join(ROOT, 'test/clients/node_modules/.bin/codex');
export const claudeInstalled = existsSync(CLAUDE);
export const codexInstalled = existsSync(CODEX);

/** How long one CLI run may take. */
export const RUN_TIMEOUT_MS = 60_000;

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `command args` in `cwd` with exactly `env`; killed (its process group) after RUN_TIMEOUT_MS; `cleanup` after. */
function run(command: string, args: string[], cwd: string, env: Record<string, string>, cleanup: () => void): Promise<Run> {
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const kill = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  return new Promise((resolve) => {
    const timer = setTimeout(kill, RUN_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      kill(); // anything it left behind in its group
      cleanup();
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * `claude -p <prompt>` in `cwd` with a fresh HOME, `ANTHROPIC_BASE_URL` at the gateway and `ANTHROPIC_API_KEY` set
 * to `key`. An extra variable set to '' is left out (to run with ANTHROPIC_AUTH_TOKEN instead of ANTHROPIC_API_KEY).
 */
export function runClaude(prompt: string, gatewayUrl: string, cwd: string, key: string, extraEnv: Record<string, string> = {}): Promise<Run> {
  const home = mkdtempSync(join(tmpdir(), 'claude-home-'));
  const env = Object.fromEntries(
    Object.entries({
      PATH: process.env.PATH ?? '',
      HOME: home,
      ANTHROPIC_BASE_URL: gatewayUrl,
      ANTHROPIC_API_KEY: key,
      DISABLE_TELEMETRY: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      ...extraEnv,
    }).filter(([, v]) => v !== ''),
  );
  return run(CLAUDE, ['-p', prompt], cwd, env, () => rmSync(home, { recursive: true, force: true }));
}

/** docs/clients.md's Codex config.toml, word for word but for the gateway's URL and the model. */
export function codexConfig(url: string, model: string): string {
  const doc = readFileSync(join(ROOT, 'docs/clients.md'), 'utf8');
  const toml = /\n## Codex CLI\n[\s\S]*?```toml\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!toml) throw new Error('docs/clients.md has no ```toml block under "## Codex CLI"');
  if (!toml.includes('base_url = "http://127.0.0.1:3333/v1"')) throw new Error('docs/clients.md\'s Codex config no longer points at http://127.0.0.1:3333/v1');
  return toml.replace('http://127.0.0.1:3333', url).replace(/^model = ".*"$/m, `model = "${model}"`);
}

/** `codex exec` in a fresh CODEX_HOME with `config` as its config.toml, the gateway key as `key`. */
export function codexExec(url: string, model: string, prompt: string, key: string, config = codexConfig(url, model)): Promise<Run> {
  const home = mkdtempSync(join(tmpdir(), 'codex-home-'));
  const work = join(home, 'work');
  mkdirSync(join(home, '.codex'), { recursive: true });
  mkdirSync(work);
  writeFileSync(join(home, '.codex', 'config.toml'), config);
  const env = { PATH: process.env.PATH ?? '', HOME: home, CODEX_HOME: join(home, '.codex'), MINI_LLM_API_KEY: key, CODEX_API_KEY: key, RUST_LOG: 'error' };
  return run(CODEX, ['exec', '--skip-git-repo-check', prompt], work, env, () => rmSync(home, { recursive: true, force: true }));
}
