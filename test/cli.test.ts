/** The `mini-llm-gateway` command: argument parsing and the check's comparison (unit), and the real CLI as a child process. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArgs, UsageError, type CliArgs } from '../src/cli/args.js';
import { describeFetchError, fetchListing, nextPage } from '../src/cli/check.js';
import { aliasRows, checkAliases, checkFailed, findModel, formatTable, providersToCheck, type AliasRow, type ProviderListing } from '../src/cli/models.js';
import { redact } from '../src/upstream.js';
import { loadConfig } from '../src/config.js';
import { KEYS, ROOT, spawnGateway } from './helpers.js';
import { startMockProvider, type MockProvider } from './mock-provider.js';

const CLI = join(ROOT, 'src/cli.ts');
const TSX = new URL('../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const SECRETS = Object.values(KEYS);

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the CLI to completion (killed after `timeoutMs`). Only PATH and HOME from this environment. */
function runCli(args: string[], env: Record<string, string> = {}, opts: { cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, CLI, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cli ${args.join(' ')} did not exit in time.\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, opts.timeoutMs ?? 20_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const noStack = (text: string) => expect(text).not.toMatch(/^\s+at /m);

describe('parseArgs', () => {
  const base: CliArgs = { command: 'serve', check: false, json: false };
  const ok: Array<[string[], CliArgs]> = [
    [[], base],
    [['serve'], base],
    [['--port', '8080'], { ...base, port: 8080 }],
    [['--port=0'], { ...base, port: 0 }],
    [['serve', '--host', '127.0.0.2', '--port', '4000'], { ...base, host: '127.0.0.2', port: 4000 }],
    [['--host=::1', 'serve'], { ...base, host: '::1' }],
    [['models'], { ...base, command: 'models' }],
    [['models', '--check'], { ...base, command: 'models', check: true }],
    [['--json', 'models', '--check'], { ...base, command: 'models', check: true, json: true }],
    [['--help'], { ...base, command: 'help' }],
    [['-h'], { ...base, command: 'help' }],
    [['models', '--help'], { ...base, command: 'help' }],
    [['--bogus', '-h'], { ...base, command: 'help' }],
    [['help'], { ...base, command: 'help' }],
    [['--version'], { ...base, command: 'version' }],
    [['-v'], { ...base, command: 'version' }],
    [['version'], { ...base, command: 'version' }],
  ];
  it.each(ok)('%j', (argv, expected) => {
    expect(parseArgs(argv)).toEqual(expected);
  });

  const bad: Array<[string[], RegExp]> = [
    [['--bogus'], /unknown option '--bogus'/],
    [['-x'], /unknown option '-x'/],
    [['start'], /unknown command 'start'/],
    [['models', 'extra'], /unexpected argument 'extra'/],
    [['--port'], /'--port' needs a value/],
    [['--port', '--host', 'x'], /'--port' needs a value/],
    [['--port='], /'--port' needs a value/],
    [['--port', 'abc'], /--port must be an integer/],
    [['--port', '70000'], /--port must be an integer/],
    [['--port', '-1'], /'--port' needs a value/],
    [['--port', '1.5'], /--port must be an integer/],
    [['--port', '1', '--port', '2'], /given twice/],
    [['--check'], /'--check' does not apply to 'serve'/],
    [['models', '--port', '1'], /'--port' does not apply to 'models'/],
    [['models', '--check=yes'], /takes no value/],
    [['version', '--json'], /does not apply to 'version'/],
  ];
  it.each(bad)('%j → UsageError', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });
});

describe('findModel', () => {
  const ids = ['gpt-4o', 'gpt-4o-mini', 'gpt-4o-mini-2024-07-18', 'claude-haiku-4-5-20251001', 'claude-x-20250101', 'claude-x-20250601'];
  const cases: Array<[string, string | null]> = [
    ['gpt-4o', 'gpt-4o'],
    ['gpt-4o-mini', 'gpt-4o-mini'],
    ['claude-haiku-4-5', 'claude-haiku-4-5-20251001'], // dated snapshot of the alias target
    ['claude-x', 'claude-x-20250601'], // the newest snapshot
    ['claude-haiku-4', null], // a prefix followed by more than a date is not a match
    ['gpt-4', null],
    ['GPT-4O', null], // case matters
    ['gpt-ghost', null],
    ['claude-haiku-4-5-2025', null],
  ];
  it.each(cases)('%s → %s', (model, listedAs) => {
    expect(findModel(model, ids)).toEqual(listedAs === null ? { found: false } : { found: true, listedAs });
  });
});

describe('checkAliases', () => {
  const row = (alias: string, provider: string, model: string, configured = true): AliasRow => ({
    alias,
    provider,
    model,
    configured,
    enable: `${provider.toUpperCase()}_API_KEY`,
  });
  const rows = [
    row('a', 'openai', 'gpt-4o'),
    row('b', 'openai', 'gpt-ghost'),
    row('c', 'anthropic', 'claude-haiku-4-5'),
    row('d', 'nebius', 'm', false),
    row('e', 'deepinfra', 'm'),
  ];
  const listings = new Map<string, ProviderListing>([
    ['openai', { ok: true, ids: ['gpt-4o'] }],
    ['anthropic', { ok: true, ids: ['claude-haiku-4-5-20251001'] }],
    ['deepinfra', { ok: false, reason: 'HTTP 401' }],
  ]);
  const results = checkAliases(rows, listings);
  it.each([
    ['a', 'ok', undefined],
    ['b', 'missing', undefined],
    ['c', 'ok', 'listed as claude-haiku-4-5-20251001'],
    ['d', 'skipped', 'set NEBIUS_API_KEY'],
    ['e', 'unreachable', 'HTTP 401'],
  ])('%s → %s', (alias, status, detail) => {
    const r = results.find((x) => x.alias === alias)!;
    expect(r.status).toBe(status);
    expect(r.detail).toBe(detail);
  });
  it('fails on missing or unreachable only', () => {
    expect(checkFailed(results)).toBe(true);
    expect(checkFailed(checkAliases([rows[0]!, rows[3]!], listings))).toBe(false);
    expect(checkFailed(checkAliases([rows[4]!], listings))).toBe(true);
  });
  it('asks only configured providers, each once', () => {
    expect(providersToCheck(rows)).toEqual(['openai', 'anthropic', 'deepinfra']);
  });
});

describe('cli helpers', () => {
  it('aliasRows: configured flag and what to set', () => {
    const rows = aliasRows(loadConfig({ OPENAI_API_KEY: 'k-test-key', MINI_LLM_MODELS: '{"mine":"custom/x"}' }));
    expect(rows.find((r) => r.alias === 'gpt-4o')).toEqual({ alias: 'gpt-4o', provider: 'openai', model: 'gpt-4o', configured: true, enable: 'OPENAI_API_KEY' });
    expect(rows.find((r) => r.alias === 'llama-70b')).toMatchObject({ provider: 'nebius', model: 'meta-llama/Llama-3.3-70B-Instruct', configured: false, enable: 'NEBIUS_API_KEY' });
    expect(rows.find((r) => r.alias === 'mine')).toMatchObject({ configured: false, enable: 'CUSTOM_PROVIDER_URL and CUSTOM_PROVIDER_KEY' });
  });

  it('formatTable aligns columns without trailing spaces', () => {
    expect(formatTable(['A', 'BB', 'C'], [['xxx', 'y', 'z z'], ['1', '22', '']])).toBe('A    BB  C\nxxx  y   z z\n1    22\n');
  });

  it.each([
    [Object.assign(new Error('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) }), 'ECONNREFUSED'],
    [Object.assign(new Error('fetch failed'), { cause: Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' }) }), 'ENOTFOUND'],
    [Object.assign(new Error('fetch failed'), { cause: new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' })]) }), 'ECONNREFUSED'],
    [new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 'timeout after 15 s'],
    [new Error('something with sk-secret in it'), 'network error'],
  ])('describeFetchError %#', (err, text) => {
    expect(describeFetchError(err)).toBe(text);
  });

  it('nextPage follows Anthropic-style pages only', () => {
    expect(nextPage('http://h/v1/models', { has_more: true, last_id: 'm-2' })).toBe('http://h/v1/models?after_id=m-2&limit=1000');
    expect(nextPage('http://h/v1/models', { has_more: false, last_id: 'm-2' })).toBeUndefined();
    expect(nextPage('http://h/v1/models', { data: [] })).toBeUndefined();
  });

  it('fetchListing reads every page and reports HTTP failures by status only', async () => {
    const provider = loadConfig({ ANTHROPIC_API_KEY: 'sk-ant-page', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' }).providers.get('anthropic')!;
    const seen: string[] = [];
    const paged = await fetchListing(provider, 1000, async (url, init) => {
      seen.push(url);
      expect((init.headers as Record<string, string>)['x-api-key']).toBe('sk-ant-page');
      const page = url.includes('after_id') ? { data: [{ id: 'b' }], has_more: false, last_id: 'b' } : { data: [{ id: 'a' }], has_more: true, last_id: 'a' };
      return Response.json(page);
    });
    expect(paged).toEqual({ ok: true, ids: ['a', 'b'] });
    expect(seen).toEqual(['http://127.0.0.1:9/v1/models', 'http://127.0.0.1:9/v1/models?after_id=a&limit=1000']);
    const denied = await fetchListing(provider, 1000, async () => new Response('{"error":{"message":"bad key sk-ant-page"}}', { status: 401 }));
    expect(denied).toEqual({ ok: false, reason: 'HTTP 401' });
    const garbled = await fetchListing(provider, 1000, async () => new Response('<html>', { status: 200 }));
    expect(garbled).toEqual({ ok: false, reason: 'answer is not JSON' });
  });

  it('redact removes every secret (as the CLI calls it: however short)', () => {
    expect(redact('a sk-1 b sk-2 sk-1', ['sk-1', 'sk-2', ''], 1)).toBe('a [redacted] b [redacted] [redacted]');
  });
});

describe('the CLI as a child process', () => {
  let mock: MockProvider;
  beforeAll(async () => {
    mock = await startMockProvider();
  });
  afterAll(async () => {
    await mock?.close();
  });

  it('--version prints the package.json version', async () => {
    for (const flag of ['--version', '-v']) {
      const r = await runCli([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${VERSION}\n`);
    }
  });

  it('--help prints the usage and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: mini-llm-gateway/);
    for (const word of ['serve', 'models --check', '--port', '--host', '--json', 'MINI_LLM_MODELS', 'OPENAI_API_KEY', '.env']) {
      expect(r.stdout).toContain(word);
    }
  });

  it('an unknown flag or command exits 2 with a hint to --help', async () => {
    for (const args of [['--bogus'], ['frobnicate'], ['models', '--port', '1']]) {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('--help');
      noStack(r.stderr);
    }
  });

  it('models lists every alias with its provider, upstream model and whether it is configured', async () => {
    const r = await runCli(['models'], { OPENAI_API_KEY: KEYS.OPENAI_API_KEY, MINI_LLM_MODELS: '{"my-fast":"custom/fast-model"}' });
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ALIAS\s+PROVIDER\s+UPSTREAM MODEL\s+STATUS$/);
    expect(lines).toContainEqual(expect.stringMatching(/^gpt-4o\s+openai\s+gpt-4o\s+configured$/));
    expect(lines).toContainEqual(expect.stringMatching(/^claude-haiku\s+anthropic\s+claude-haiku-4-5\s+not configured \(set ANTHROPIC_API_KEY\)$/));
    expect(lines).toContainEqual(expect.stringMatching(/^llama-70b\s+nebius\s+meta-llama\/Llama-3\.3-70B-Instruct\s+not configured \(set NEBIUS_API_KEY\)$/));
    expect(lines).toContainEqual(expect.stringMatching(/^my-fast\s+custom\s+fast-model\s+not configured \(set CUSTOM_PROVIDER_URL and CUSTOM_PROVIDER_KEY\)$/));
    expect(lines).toContainEqual(expect.stringMatching(/^qwen3-embedding-8b-alt\s+deepinfra\s+Qwen\/Qwen3-Embedding-8B\s+not configured \(set DEEPINFRA_API_KEY\)$/));
    expect(lines).toHaveLength(1 + 12);
    // Columns are aligned: every row's upstream model starts where the header's does.
    const col = lines[0]!.indexOf('UPSTREAM MODEL');
    for (const line of lines.slice(1)) expect(line[col - 1]).toBe(' ');
    expect(r.stdout).not.toContain(KEYS.OPENAI_API_KEY);
  });

  it('models --json', async () => {
    const r = await runCli(['models', '--json'], { NEBIUS_API_KEY: KEYS.NEBIUS_API_KEY });
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout);
    expect(body.aliases).toContainEqual({ alias: 'llama-8b', provider: 'nebius', model: 'meta-llama/Meta-Llama-3.1-8B-Instruct', configured: true, enable: 'NEBIUS_API_KEY' });
    expect(body.aliases).toContainEqual(expect.objectContaining({ alias: 'gpt-4o', configured: false }));
  });

  it('models --check against the mock: ok for gpt-4o and gpt-4o-mini, exit 0; the keys go upstream but never to the output', async () => {
    const before = mock.requests.length;
    const r = await runCli(['models', '--check'], { ...mock.env, OPENAI_API_KEY: KEYS.OPENAI_API_KEY, ANTHROPIC_API_KEY: KEYS.ANTHROPIC_API_KEY });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^gpt-4o\s+openai\s+gpt-4o\s+ok$/));
    expect(lines).toContainEqual(expect.stringMatching(/^gpt-4o-mini\s+openai\s+gpt-4o-mini\s+ok$/));
    expect(lines).toContainEqual(expect.stringMatching(/^claude-sonnet\s+anthropic\s+claude-sonnet-4-6\s+ok$/));
    // The mock lists only the dated snapshot of claude-haiku-4-5, which counts as present.
    expect(lines).toContainEqual(expect.stringMatching(/^claude-haiku\s+anthropic\s+claude-haiku-4-5\s+ok \(listed as claude-haiku-4-5-20251001\)$/));
    expect(lines).toContainEqual(expect.stringMatching(/^llama-70b\s+nebius\s+\S+\s+skipped \(set NEBIUS_API_KEY\)$/));
    // The embedding aliases are checked like the chat ones: OpenAI's list has text-embedding-3-small/-large.
    expect(lines).toContainEqual(expect.stringMatching(/^text-embedding-3-small\s+openai\s+text-embedding-3-small\s+ok$/));
    expect(lines).toContainEqual(expect.stringMatching(/^text-embedding-3-large\s+openai\s+text-embedding-3-large\s+ok$/));
    expect(lines).toContainEqual(expect.stringMatching(/^qwen3-embedding-8b\s+nebius\s+Qwen\/Qwen3-Embedding-8B\s+skipped \(set NEBIUS_API_KEY\)$/));
    expect(r.stdout).toContain('11 aliases: 6 ok, 0 missing, 0 unreachable, 5 skipped');
    // One models request per configured provider, with its auth.
    const asked = mock.requests.slice(before);
    expect(asked.map((q) => `${q.method} ${q.path}`).sort()).toEqual(['GET /anthropic/v1/models', 'GET /openai/v1/models']);
    expect(asked.find((q) => q.provider === 'openai')!.headers.authorization).toBe(`Bearer ${KEYS.OPENAI_API_KEY}`);
    expect(asked.find((q) => q.provider === 'anthropic')!.headers['x-api-key']).toBe(KEYS.ANTHROPIC_API_KEY);
    for (const s of SECRETS) expect(r.stdout + r.stderr).not.toContain(s);
  });

  it('models --check exits 1 when an alias is missing', async () => {
    const r = await runCli(['models', '--check'], { ...mock.env, OPENAI_API_KEY: KEYS.OPENAI_API_KEY, MINI_LLM_MODELS: '{"ghost":"openai/gpt-ghost"}' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^gpt-4o\s+openai\s+gpt-4o\s+ok$/m);
    expect(r.stdout).toMatch(/^ghost\s+openai\s+gpt-ghost\s+missing/m);
    expect(r.stdout).toContain('1 missing');
    for (const s of SECRETS) expect(r.stdout + r.stderr).not.toContain(s);
  });

  it('models --check with every key: nebius targets missing from its list, exit 1; --json', async () => {
    const r = await runCli(['models', '--check', '--json'], { ...mock.env, ...KEYS });
    expect(r.code).toBe(1);
    const body = JSON.parse(r.stdout);
    expect(body.ok).toBe(false);
    const status = Object.fromEntries(body.aliases.map((a: { alias: string; status: string }) => [a.alias, a.status]));
    expect(status).toEqual({
      'gpt-4o': 'ok',
      'gpt-4o-mini': 'ok',
      'claude-sonnet': 'ok',
      'claude-haiku': 'ok',
      'llama-70b': 'missing',
      'llama-8b': 'missing',
      'llama-70b-alt': 'ok',
      'text-embedding-3-small': 'ok',
      'text-embedding-3-large': 'ok',
      'qwen3-embedding-8b': 'ok',
      'qwen3-embedding-8b-alt': 'ok',
    });
    for (const s of SECRETS) expect(r.stdout + r.stderr).not.toContain(s);
  });

  it('models --check reports an unreachable provider with its HTTP status or error code, exit 1', async () => {
    const closed = await freePort();
    const r = await runCli(['models', '--check'], {
      OPENAI_API_KEY: KEYS.OPENAI_API_KEY,
      OPENAI_BASE_URL: `http://127.0.0.1:${closed}/v1`,
      ANTHROPIC_API_KEY: KEYS.ANTHROPIC_API_KEY,
      ANTHROPIC_BASE_URL: `${mock.url}/nowhere`, // the mock answers 404
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^gpt-4o\s+openai\s+gpt-4o\s+provider unreachable \(ECONNREFUSED\)$/m);
    expect(r.stdout).toMatch(/^claude-sonnet\s+anthropic\s+claude-sonnet-4-6\s+provider unreachable \(HTTP 404\)$/m);
    for (const s of SECRETS) expect(r.stdout + r.stderr).not.toContain(s);
  });

  it('invalid configuration: a message naming the variable, exit 1, no stack trace', async () => {
    for (const args of [['models'], ['models', '--check'], []]) {
      const r = await runCli(args, { MINI_LLM_MODELS: '{"x": "nowhere/model"}', MINI_LLM_PORT: '0' });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('MINI_LLM_MODELS');
      expect(r.stdout).toBe('');
      noStack(r.stderr);
    }
  });

  it('--port and --host override MINI_LLM_PORT and MINI_LLM_HOST', async () => {
    const port = await freePort();
    const gw = await spawnGateway(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--port', String(port), '--host', '127.0.0.1'], {
      MINI_LLM_PORT: '1', // would need root; the flag wins
      MINI_LLM_HOST: 'localhost',
      OPENAI_API_KEY: KEYS.OPENAI_API_KEY,
    });
    try {
      expect(gw.url).toBe(`http://127.0.0.1:${port}`);
      const res = await fetch(`${gw.url}/health`);
      expect(res.status).toBe(200);
      expect(gw.stdout().split('\n')[0]).toBe(`mini-llm gateway listening on http://127.0.0.1:${port}`);
    } finally {
      expect(await gw.stop()).toBe(0);
    }
  });

  it('serve with no flags uses MINI_LLM_PORT', async () => {
    const port = await freePort();
    const gw = await spawnGateway(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], { MINI_LLM_PORT: String(port), OPENAI_API_KEY: KEYS.OPENAI_API_KEY });
    // A request first: src/node/start.ts installs the SIGTERM handler just after printing the start line.
    const health = await fetch(`${gw.url}/health`).then((r) => r.status, () => 0);
    const code = await gw.stop();
    expect(health).toBe(200);
    expect({ url: gw.url, code, signal: gw.child.signalCode }).toEqual({ url: `http://127.0.0.1:${port}`, code: 0, signal: null });
  });

  it('reads .env from the working directory; the environment wins over it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mini-llm-cli-'));
    try {
      writeFileSync(
        join(dir, '.env'),
        ['# a comment', 'MINI_LLM_MODELS={"from-dotenv":"openai/gpt-dotenv"}', 'OPENAI_API_KEY=sk-from-dotenv-0123', 'NEBIUS_API_KEY=nb-from-dotenv', ''].join('\n'),
      );
      const r = await runCli(['models'], { NEBIUS_API_KEY: '' }, { cwd: dir });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^from-dotenv\s+openai\s+gpt-dotenv\s+configured$/m);
      expect(r.stdout).toMatch(/^gpt-4o\s+openai\s+gpt-4o\s+configured$/m);
      // NEBIUS_API_KEY is set (empty) in the environment, so the file's value is not used.
      expect(r.stdout).toMatch(/^llama-70b\s+nebius\s+\S+\s+not configured/m);
      expect(r.stdout).not.toContain('sk-from-dotenv');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
