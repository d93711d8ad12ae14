/**
 * Reasoning state through the real coding agents (issue 18): Claude Code (`claude -p`, /v1/messages) and Codex
 * (`codex exec`, /v1/responses) run three-turn tool loops through the gateway to the strict chat providers
 * (test/mocks/strict-chat.ts: DeepSeek, Kimi, Gemini 3, OpenRouter serving Gemini) and, for Claude Code, to an
 * OpenAI reasoning model on Responses (test/mocks/openai-upstream.ts). The mock model calls the agent's own tools
 * (Claude Code's Read on two files in its working directory, Codex's shell command) and answers once both results
 * are in; each provider records whether the state it issued came back unmodified. The agents send the state back
 * as they got it (Claude Code: thinking blocks signed with the gateway envelope; Codex: reasoning items), or not
 * at all, and then the gateway's reasoning cache puts it back. Needs test/clients (`npm ci` there); skipped
 * without it, except on CI.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claudeInstalled, codexConfig, codexExec, codexInstalled, runClaude, RUN_TIMEOUT_MS } from './cli-runs.js';
import { sharedServer, startGateway, type RunningGateway } from './helpers.js';
import { startOpenAIUpstream } from './mocks/openai-upstream.js';
import { sample } from './mocks/scripted-reply.js';
import { startStrictChat, type Flavor, type StrictRecord, type Turn } from './mocks/strict-chat.js';

type Json = Record<string, any>;

const GATEWAY_KEY = 'gw-reasoning-agents-0123456789';

if (process.env.CI && !(claudeInstalled && codexInstalled)) throw new Error('test/clients is not installed: CI must run `(cd test/clients && npm ci)` first.');

const strict = sharedServer(startStrictChat);
const openai = sharedServer(startOpenAIUpstream);
let gw: RunningGateway;
let dir: string;
beforeAll(async () => {
  gw = await startGateway({ ...strict().env, ...openai().env, MINI_LLM_API_KEY: GATEWAY_KEY, MINI_LLM_LOG: 'silent' });
  dir = mkdtempSync(join(tmpdir(), 'agents-work-'));
  writeFileSync(join(dir, 'first.txt'), 'The first word is pelican.\n');
  writeFileSync(join(dir, 'second.txt'), 'The second word is heron.\n');
});
afterAll(async () => {
  await gw?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const toolNames = (b: Json): string[] => (b.tools ?? []).map((t: Json) => t.function?.name ?? t.name);
/** Tool results so far, in a chat body (tool messages) or a Responses body (function_call_output items). */
const results = (b: Json): string[] =>
  b.messages ? b.messages.filter((m: Json) => m.role === 'tool').map((m: Json) => String(m.content)) : (b.input ?? []).filter((i: Json) => i.type === 'function_call_output').map((i: Json) => String(i.output));

/** Claude Code's model: Read first.txt, then second.txt, then say what they hold. */
function readBoth(b: Json): Turn | undefined {
  if (!toolNames(b).includes('Read')) return undefined;
  const done = results(b);
  if (done.length < 2) return { call: { name: 'Read', arguments: JSON.stringify({ file_path: join(dir, done.length === 0 ? 'first.txt' : 'second.txt') }) } };
  const words = ['pelican', 'heron'].filter((w) => done.join('\n').includes(w));
  return { text: `The words are: ${words.join(' and ')}.` };
}

/** Codex's model: run its shell tool twice, then quote the last output. */
function shellTwice(b: Json): Turn | undefined {
  const name = ['exec_command', 'shell', 'shell_command'].find((n) => toolNames(b).includes(n));
  if (!name) return undefined;
  const done = results(b);
  if (done.length >= 2) return { text: `The tool answered twice: ${done.at(-1)!.includes('mock-tool-ran') ? 'mock-tool-ran' : 'nothing'}.` };
  const tool = (b.tools as Json[]).find((t) => (t.function?.name ?? t.name) === name)!;
  return { call: { name, arguments: JSON.stringify(sample(tool.function?.parameters ?? tool.parameters)) } };
}

const FLAVORS: Array<[Flavor, string, string]> = [
  ['deepseek', 'deepseek/deepseek-v4', 'reasoning_content'],
  ['kimi', 'moonshot/kimi-k2.6', 'reasoning_content'],
  ['gemini', 'gemini/gemini-3-pro-preview', 'extra_content'],
  ['openrouter', 'openrouter/google/gemini-3-pro-preview', 'reasoning_details'],
];

/** The loop's tool-calling requests: all accepted, the nth replaying n-1 calls' state, all of it unmodified. */
function expectLoopReplayed(recs: StrictRecord[], field: string) {
  const loop = recs.filter((r) => (r.body as Json).tools?.length > 0);
  expect(loop.map((r) => [r.status, r.error])).toEqual([[200, undefined], [200, undefined], [200, undefined]]);
  expect(loop.map((r) => r.replays.filter((p) => p.field === field).length)).toEqual([0, 1, 2]);
  for (const r of loop) for (const p of r.replays) expect(p, JSON.stringify(p)).toMatchObject({ unmodified: true });
}

describe.runIf(claudeInstalled)('Claude Code through the gateway to reasoning models', () => {
  it.each(FLAVORS)('%s: a three-turn tool loop, its state back unmodified at each turn', async (flavor, model, field) => {
    strict().script = readBoth;
    const since = strict().requests.length;
    const run = await runClaude('What are the words in first.txt and second.txt?', gw.url, dir, GATEWAY_KEY, { ANTHROPIC_MODEL: model, ANTHROPIC_SMALL_FAST_MODEL: model });
    expect(run.stdout.trim(), run.stderr).toBe('The words are: pelican and heron.');
    expect(run.code).toBe(0);
    expectLoopReplayed(strict().requests.slice(since).filter((r) => r.flavor === flavor), field);
  }, RUN_TIMEOUT_MS + 10_000);

  it('OpenAI gpt-5.4 on Responses: each request replays every earlier reasoning item, unmodified', async () => {
    openai().pickCall = (b) => {
      const t = readBoth({ ...b, tools: b.tools?.map((x: Json) => ({ function: { name: x.name } })) });
      return t?.call;
    };
    const since = openai().requests.length;
    const issuedBefore = openai().issued.length;
    const run = await runClaude('What are the words in first.txt and second.txt?', gw.url, dir, GATEWAY_KEY, { ANTHROPIC_MODEL: 'gpt-5.4', ANTHROPIC_SMALL_FAST_MODEL: 'gpt-5.4' });
    expect(run.code, run.stderr).toBe(0);
    const loop = openai().requests.slice(since).filter((r) => (r.body as Json).tools?.length > 0);
    const issued = openai().issued.slice(issuedBefore);
    expect(loop).toHaveLength(3);
    const replayed = loop.map((r) => (r.body as Json).input.filter((i: Json) => i.type === 'reasoning').map((i: Json) => i.encrypted_content));
    expect(replayed.map((list) => list.length)).toEqual([0, 1, 2]);
    for (const list of replayed) for (const enc of list) expect(issued.map((i) => i.encrypted_content)).toContain(enc);
  }, RUN_TIMEOUT_MS + 10_000);
});

describe.runIf(codexInstalled)('Codex through the gateway to reasoning models', () => {
  it.each(FLAVORS)('%s: a three-turn tool loop, its state back unmodified at each turn', async (flavor, model, field) => {
    strict().script = shellTwice;
    const since = strict().requests.length;
    const run = await codexExec(gw.url, model, 'Run a shell command twice.', GATEWAY_KEY, codexConfig(gw.url, model));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('The tool answered twice: mock-tool-ran.');
    expectLoopReplayed(strict().requests.slice(since).filter((r) => r.flavor === flavor), field);
  }, RUN_TIMEOUT_MS + 10_000);
});
