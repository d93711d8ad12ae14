/**
 * The real Gemini CLI (`gemini -p`, test/clients) through the gateway, as users run it (GEMINI.md §1):
 * `GOOGLE_GEMINI_BASE_URL` at the gateway, `GEMINI_API_KEY` the gateway key, the auth type pinned in a
 * settings.json under a temporary GEMINI_CLI_HOME, headless with `-o json`. Upstream is the scripted mock
 * (test/mocks/messages-upstream.ts): a chat-only OpenAI-compatible provider, or Anthropic (translated). A text
 * answer and a `read_file` round trip each; with thinking on Anthropic, the signed thinking block goes out in
 * the call's `thoughtSignature`, the CLI keeps it in its history, and Anthropic gets it back. Each run is bounded
 * (90 s) and its process group is killed by PID if it overruns.
 *
 * Needs `cd test/clients && npm ci`: without it the suite is skipped, except on CI (`CI` set), where it fails.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { decodeReasoning } from '../../src/dialects/reasoning-envelope.js';
import { listen } from '../../src/node/serve.js';
import { createNodeUpstreamFetch } from '../../src/node/upstream-client.js';
import { ROOT } from '../helpers.js';
import { GEMINI_KEY, isGemini3Name, startGeminiUpstream, type GeminiUpstream } from '../mocks/gemini-upstream.js';
import { startMessagesUpstream, type MessagesUpstream, type Turn, type UpstreamRequest } from '../mocks/messages-upstream.js';

type Json = Record<string, any>;

const GEMINI = join(ROOT, 'test/clients/node_modules/.bin/gemini');
const installed = existsSync(GEMINI);
const KEY = 'gw-gemini-cli-0123456789';
const RUN_TIMEOUT_MS = 90_000;

if (!installed && !process.env.CI) console.warn('test/gemini/gemini-cli.test.ts skipped: Gemini CLI is not installed (run `cd test/clients && npm ci`).');

describe.runIf(!installed && process.env.CI)('Gemini CLI on CI', () => {
  it('is installed in test/clients', () => {
    throw new Error('test/clients/node_modules/.bin/gemini is missing: CI must run `(cd test/clients && npm ci --no-audit --no-fund)` first.');
  });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `gemini -p <prompt> -m <model> -o json` in `cwd`, with its own GEMINI_CLI_HOME; killed after RUN_TIMEOUT_MS. */
function runGemini(prompt: string, model: string, gatewayUrl: string, cwd: string): Promise<Run> {
  const home = mkdtempSync(join(tmpdir(), 'gemini-home-'));
  mkdirSync(join(home, '.gemini'));
  writeFileSync(join(home, '.gemini', 'settings.json'), JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } }, privacy: { usageStatisticsEnabled: false } }));
  const child = spawn(GEMINI, ['-p', prompt, '--yolo', '--skip-trust', '-m', model, '-o', 'json'], {
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', HOME: home, GEMINI_CLI_HOME: home, GOOGLE_GEMINI_BASE_URL: gatewayUrl, GEMINI_API_KEY: KEY },
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve) => {
    const kill = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(kill, RUN_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      kill(); // anything it left behind in its group
      rmSync(home, { recursive: true, force: true });
      resolve({ code, stdout, stderr });
    });
  });
}

/** What the CLI sent the gateway (its Gemini requests), recorded in front of the app. */
interface Sent {
  path: string;
  search: string;
  headers: Headers;
  body: Json;
}

const toolResultOf = (req: UpstreamRequest): string | undefined => {
  const last = (req.body.messages as Json[]).at(-1)!;
  if (last.role === 'tool') return String(last.content);
  const block = Array.isArray(last.content) ? last.content.find((b: Json) => b.type === 'tool_result') : undefined;
  return block ? JSON.stringify(block.content) : undefined;
};

describe.runIf(installed)('Gemini CLI through the gateway', () => {
  let mock: MessagesUpstream;
  let server: Server;
  let url: string;
  let dir: string;
  const sent: Sent[] = [];

  beforeAll(async () => {
    mock = await startMessagesUpstream();
    // Model names as the CLI knows them, routed elsewhere: a 2.5 name makes it ask for thinking (thinkingBudget).
    const config = loadConfig({ ...mock.env, MINI_LLM_API_KEY: KEY, MINI_LLM_LOG: 'silent', MINI_LLM_MODELS: JSON.stringify({ 'gemini-2.5-pro': 'anthropic/claude-sonnet-4-5' }) });
    const app = createApp(config, { fetch: createNodeUpstreamFetch() });
    const started = await listen(
      async (req) => {
        if (req.method === 'POST') {
          const u = new URL(req.url);
          sent.push({ path: u.pathname, search: u.search, headers: req.headers, body: await req.clone().json() });
        }
        return app.fetch(req);
      },
      '127.0.0.1',
      0,
    );
    server = started.server;
    url = started.url;
    dir = mkdtempSync(join(tmpdir(), 'gemini-work-'));
    writeFileSync(join(dir, 'note.txt'), 'The secret word is pelican.\n');
  });
  afterAll(async () => {
    if (server) {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
    await mock?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const cases = [
    { name: 'a chat-only OpenAI-compatible provider', model: 'openai/gpt-4o-mini', kind: 'openai', thinking: false },
    { name: 'Anthropic', model: 'anthropic/claude-sonnet-4-5', kind: 'anthropic', thinking: false },
  ] as const;

  it.each(cases)('answers a prompt via $name', async ({ model, kind }) => {
    mock.requests.length = 0;
    sent.length = 0;
    mock.reply = () => ({ text: 'Hello from the mock.' });
    const run = await runGemini('Say hello', model, url, dir);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).response).toBe('Hello from the mock.');
    expect(sent[0].path).toBe(`/v1beta/models/${model}:streamGenerateContent`);
    expect(sent[0].search).toBe('?alt=sse');
    expect(sent[0].headers.get('x-goog-api-key')).toBe(KEY);
    expect(mock.requests.length).toBeGreaterThan(0);
    for (const r of mock.requests) {
      expect(r.kind).toBe(kind);
      expect(JSON.stringify(r.headers)).not.toContain(KEY);
    }
    // The CLI's 15-odd tools arrive as chat tools / Anthropic tools.
    expect(mock.requests[0].body.tools.length).toBeGreaterThan(5);
  }, RUN_TIMEOUT_MS + 10_000);

  it.each([...cases, { name: 'Anthropic with thinking (gemini-2.5-pro aliased)', model: 'gemini-2.5-pro', kind: 'anthropic', thinking: true } as const])(
    'reads a file with read_file and answers from it via $name',
    async ({ model, kind, thinking }) => {
      mock.requests.length = 0;
      sent.length = 0;
      const file = join(dir, 'note.txt');
      const callId = kind === 'anthropic' ? 'toolu_01ReadNote' : 'call_read_note';
      mock.reply = (req): Turn => {
        const result = toolResultOf(req);
        if (result === undefined) return { thinking: 'The user wants the note; read it.', text: 'Reading the note.', tools: [{ id: callId, name: 'read_file', input: { file_path: file } }] };
        return { text: result.includes('pelican') ? 'The note says: pelican.' : 'The tool result did not arrive.' };
      };
      const run = await runGemini('What is the secret word in note.txt?', model, url, dir);
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout).response).toBe('The note says: pelican.');

      // The CLI answered our call by its id (some of its paths rewrite ids to `<name>__<id>`); the provider got its own id back.
      const withResult = mock.requests.find((r) => toolResultOf(r) !== undefined)!;
      const messages = withResult.body.messages as Json[];
      if (kind === 'openai') {
        expect(messages.at(-2)).toMatchObject({ role: 'assistant', tool_calls: [{ id: callId, function: { name: 'read_file' } }] });
        expect(messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: callId });
      } else {
        expect(messages.at(-1)!.content[0]).toMatchObject({ type: 'tool_result', tool_use_id: callId });
        expect(messages.at(-2)!.content).toContainEqual(expect.objectContaining({ type: 'tool_use', id: callId, name: 'read_file' }));
      }
      if (!thinking) return;
      // Thinking on: the CLI kept the envelope on its functionCall part, and Anthropic got its signed block back.
      expect(mock.requests[0].body.thinking).toMatchObject({ type: 'enabled' });
      const cliTurn = sent.find((s) => JSON.stringify(s.body).includes('functionResponse'))!;
      const parts = (cliTurn.body.contents as Json[]).flatMap((c) => c.parts);
      const call = parts.find((p: Json) => p.functionCall);
      expect(call.functionCall.id).toBe(callId);
      expect([callId, `read_file__${callId}`]).toContain(parts.find((p: Json) => p.functionResponse).functionResponse.id);
      expect(decodeReasoning(call.thoughtSignature, 'anthropic')?.thinking_blocks).toEqual([{ type: 'thinking', thinking: 'The user wants the note; read it.', signature: 'EqQBCkYIBxgCKkCmock' }]);
      expect(messages.at(-2)!.content[0]).toEqual({ type: 'thinking', thinking: 'The user wants the note; read it.', signature: 'EqQBCkYIBxgCKkCmock' });
    },
    RUN_TIMEOUT_MS + 10_000,
  );
});

/**
 * Pass-through: the CLI to a `gemini` provider (the strict Gemini mock, test/mocks/gemini-upstream.ts) under a
 * Gemini 3 name, which makes the mock enforce thought signatures. The mock model calls the CLI's first tool on
 * its first two turns (sampled arguments; the CLI runs it in a scratch directory with --yolo), then answers with
 * the tool results: a tool loop of three requests in which every signature must come back as the mock issued it.
 */
describe.runIf(installed)('Gemini CLI through the gateway to a gemini provider (pass-through)', () => {
  let gemini: GeminiUpstream;
  let server: Server;
  let url: string;
  let dir: string;

  beforeAll(async () => {
    gemini = await startGeminiUpstream();
    const config = loadConfig({ ...gemini.env, MINI_LLM_API_KEY: KEY, MINI_LLM_LOG: 'silent' });
    const app = createApp(config, { fetch: createNodeUpstreamFetch() });
    const started = await listen((req) => app.fetch(req), '127.0.0.1', 0);
    server = started.server;
    url = started.url;
    dir = mkdtempSync(join(tmpdir(), 'gemini-pass-'));
  });
  afterAll(async () => {
    if (server) {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
    await gemini?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs a tool loop on gemini-3-pro-preview: the requests pass through with the provider key, signatures round-trip', async () => {
    const run = await runGemini('Use your tools, then tell me what they said.', 'gemini-3-pro-preview', url, dir);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).response).toContain('The tools answered');
    const turns = gemini.requests.filter((r) => r.action === 'streamGenerateContent' && isGemini3Name(r.model)); // the CLI may map the name to its newest 3.x
    expect(turns.length).toBeGreaterThanOrEqual(3);
    for (const r of gemini.requests) {
      expect(r.status, r.error).toBe(200);
      expect(r.headers['x-goog-api-key']).toBe(GEMINI_KEY);
      expect(JSON.stringify(r.headers)).not.toContain(KEY);
    }
    // Every functionCall the CLI sent back carries a signature this mock issued (never the bypass, never an envelope).
    const last = turns.at(-1)!.body.contents as Json[];
    const signed = last.flatMap((c) => c.parts).filter((p: Json) => p.functionCall && p.thoughtSignature);
    expect(signed.length).toBeGreaterThan(0);
    for (const p of signed) expect(gemini.issued.has(p.thoughtSignature)).toBe(true);
  }, RUN_TIMEOUT_MS + 10_000);
});
