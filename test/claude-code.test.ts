/**
 * The real Claude Code CLI (`claude -p`, test/clients) through the gateway, as users run it: `ANTHROPIC_BASE_URL`
 * pointed at the gateway and `ANTHROPIC_API_KEY` set to the gateway key. Upstream is the scripted mock
 * (test/mocks/messages-upstream.ts): Anthropic-kind (pass-through) or OpenAI-compatible (translated). Each run is
 * bounded (60 s) and its process group is killed by PID if it overruns.
 *
 * Needs `cd test/clients && npm ci`: without it the suite is skipped, except on CI (`CI` set), where it fails.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claudeInstalled as installed, runClaude as runClaudeWith, RUN_TIMEOUT_MS } from './cli-runs.js';
import { startGateway, type RunningGateway } from './helpers.js';
import { startMessagesUpstream, UPSTREAM_KEYS, type MessagesUpstream, type Turn, type UpstreamRequest } from './mocks/messages-upstream.js';

const GATEWAY_KEY = 'gw-claude-code-0123456789';

/** `claude -p <prompt>` with this suite's gateway key (cli-runs.ts). */
const runClaude = (prompt: string, gatewayUrl: string, cwd: string, extraEnv: Record<string, string> = {}) => runClaudeWith(prompt, gatewayUrl, cwd, GATEWAY_KEY, extraEnv);

if (!installed && !process.env.CI) {
  console.warn('test/claude-code.test.ts skipped: the Claude Code CLI is not installed (run `cd test/clients && npm ci`).');
}

describe.runIf(!installed && process.env.CI)('Claude Code CLI on CI', () => {
  it('is installed in test/clients', () => {
    throw new Error('test/clients/node_modules/.bin/claude is missing: CI must run `(cd test/clients && npm ci --no-audit --no-fund)` first.');
  });
});

/** Whether the request's last message carries a tool result (Messages: a tool_result block; chat: a tool message). */
const hasToolResult = (req: UpstreamRequest) => {
  const lastMessage = (req.body.messages as any[]).at(-1);
  return lastMessage?.role === 'tool' || (Array.isArray(lastMessage?.content) && lastMessage.content.some((b: any) => b.type === 'tool_result'));
};
const toolResultText = (req: UpstreamRequest): string => {
  const lastMessage = (req.body.messages as any[]).at(-1);
  if (lastMessage.role === 'tool') return String(lastMessage.content);
  return JSON.stringify(lastMessage.content);
};

describe.runIf(installed)('Claude Code CLI through the gateway', () => {
  let mock: MessagesUpstream;
  let gw: RunningGateway;
  let routed: RunningGateway;
  let dir: string;

  beforeAll(async () => {
    mock = await startMessagesUpstream();
    gw = await startGateway({ ...mock.env, MINI_LLM_API_KEY: GATEWAY_KEY });
    // One wildcard alias sends every Claude name Claude Code uses to another provider's model.
    routed = await startGateway({ ...mock.env, MINI_LLM_API_KEY: GATEWAY_KEY, MINI_LLM_MODELS: '{"claude-*":"openai/gpt-4o-mini"}' });
    dir = mkdtempSync(join(tmpdir(), 'claude-work-'));
    writeFileSync(join(dir, 'note.txt'), 'The secret word is pelican.\n');
  });
  afterAll(async () => {
    await gw?.close();
    await routed?.close();
    await mock?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const cases = [
    { name: 'an Anthropic-kind provider (pass-through)', gateway: () => gw, kind: 'anthropic', env: {} },
    { name: 'an OpenAI-compatible provider (claude-* wildcard alias)', gateway: () => routed, kind: 'openai', env: {} },
    { name: 'an OpenAI-compatible provider (ANTHROPIC_MODEL=gpt-4o-mini)', gateway: () => gw, kind: 'openai', env: { ANTHROPIC_MODEL: 'gpt-4o-mini' } },
  ] as const;

  it.each(cases)('answers a prompt via $name', async ({ gateway, kind, env }) => {
    mock.requests.length = 0;
    mock.reply = () => ({ text: 'Hello from the mock.' });
    const run = await runClaude('Say hello', gateway().url, dir, env);
    // With ANTHROPIC_MODEL set to a non-Claude name, Claude Code warns that it does not know the model's window.
    expect(run.stderr.replace(/^.*(recognize the model|unrecognized_model).*$/gm, '').trim()).toBe('');
    expect(run.stdout.trim()).toBe('Hello from the mock.');
    expect(run.code).toBe(0);
    const sent = mock.requests.filter((r) => r.path.endsWith('/messages') || r.path.endsWith('/chat/completions'));
    expect(sent.length).toBeGreaterThan(0);
    for (const r of sent) {
      expect(r.kind).toBe(kind);
      expect(r.body.stream).toBe(true);
      expect(JSON.stringify(r.headers)).not.toContain(GATEWAY_KEY);
    }
    if (kind === 'anthropic') {
      expect(sent[0].headers['x-api-key']).toBe(UPSTREAM_KEYS.anthropic);
      expect(String(sent[0].headers['anthropic-beta'])).not.toBe('undefined');
      expect(sent[0].body.model).toMatch(/^claude-/);
    } else expect(sent[0].body.model).toBe('gpt-4o-mini');
  }, RUN_TIMEOUT_MS + 10_000);

  it('authenticates with ANTHROPIC_AUTH_TOKEN (Authorization: Bearer) instead of ANTHROPIC_API_KEY', async () => {
    mock.requests.length = 0;
    mock.reply = () => ({ text: 'Hello from the mock.' });
    const run = await runClaude('Say hello', gw.url, dir, { ANTHROPIC_API_KEY: '', ANTHROPIC_AUTH_TOKEN: GATEWAY_KEY });
    expect(run.stdout.trim()).toBe('Hello from the mock.');
    expect(run.code).toBe(0);
    expect(mock.requests[0].headers['x-api-key']).toBe(UPSTREAM_KEYS.anthropic);
    expect(mock.requests[0].headers.authorization).toBeUndefined();
  }, RUN_TIMEOUT_MS + 10_000);

  it.each(cases)('runs a tool and sends its result back via $name', async ({ gateway, kind, env }) => {
    mock.requests.length = 0;
    const file = join(dir, 'note.txt');
    const toolId = kind === 'anthropic' ? 'toolu_01ReadNote' : 'call_read_note';
    mock.reply = (req): Turn => {
      // With reasoning first: translated, it is a thinking block with an empty signature, which Claude Code must accept.
      if (!hasToolResult(req)) return { thinking: 'The user wants the note; read it.', text: 'Reading the note.', tools: [{ id: toolId, name: 'Read', input: { file_path: file } }] };
      return { text: toolResultText(req).includes('pelican') ? 'The note says: pelican.' : 'The tool result did not arrive.' };
    };
    const run = await runClaude('What is the secret word in note.txt?', gateway().url, dir, env);
    expect(run.stdout.trim()).toBe('The note says: pelican.');
    expect(run.code).toBe(0);
    const withResult = mock.requests.find(hasToolResult)!;
    expect(withResult).toBeDefined();
    if (kind === 'openai') {
      const messages = withResult.body.messages as any[];
      expect(messages.at(-2)).toMatchObject({ role: 'assistant', tool_calls: [{ id: toolId, type: 'function', function: { name: 'Read' } }] });
      expect(messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: toolId });
      // The thinking Claude Code sent back goes only where the provider reads it: OpenAI's chat API reads none.
      expect(JSON.stringify(messages)).not.toContain('The user wants the note');
    } else {
      const messages = withResult.body.messages as any[];
      expect(messages.at(-1).content[0]).toMatchObject({ type: 'tool_result', tool_use_id: toolId });
      // Pass-through: the signed thinking block goes back to Anthropic as Claude Code sent it.
      expect(messages.at(-2).content).toContainEqual(expect.objectContaining({ type: 'thinking', signature: 'EqQBCkYIBxgCKkCmock' }));
    }
  }, RUN_TIMEOUT_MS + 10_000);
});
