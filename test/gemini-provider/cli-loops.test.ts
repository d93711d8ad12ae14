/**
 * The real coding agents on a Gemini 3 model (issue 19): Claude Code (`claude -p`, /v1/messages) and Codex
 * (`codex exec`, /v1/responses) through the gateway to the gemini provider, the strict Gemini mock
 * (test/mocks/gemini-upstream.ts: on a Gemini 3 name, a call of the current turn without a signature it issued
 * is a 400). Each runs a three-request tool loop with thinking on: the mock calls the agent's own tool on two
 * files at once (Claude Code's Read, Codex's exec_command running `cat`), then on a third, then answers quoting
 * what the tools returned, which the agent prints. Checked on what reached Gemini: every request accepted, each
 * turn's first call signed as Gemini signed it (never the bypass), each function response paired by the
 * gateway's call id with the call that read its file, no gateway envelope, the thinking the agent asked for. And
 * on what the agent sent: those signatures came back inside its own thinking blocks or reasoning items (the
 * envelope), not only from the gateway's cache. Needs test/clients (`npm ci` there); skipped without it, except
 * on CI.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeReasoning } from '../../src/dialects/reasoning-envelope.js';
import { claudeInstalled, codexConfig, codexExec, codexInstalled, runClaude, RUN_TIMEOUT_MS } from '../cli-runs.js';
import { sharedServer, startGateway, type RunningGateway } from '../helpers.js';
import { BYPASS, startGeminiUpstream, THOUGHT, type GeminiRequest } from '../mocks/gemini-upstream.js';

type Json = Record<string, any>;

const GATEWAY_KEY = 'gw-gemini-cli-loops-0123456789';
const MODEL = 'gemini-3-pro-preview';
const WORDS: Record<string, string> = { 'first.txt': 'pelican', 'second.txt': 'heron', 'third.txt': 'egret' };

if (process.env.CI && !(claudeInstalled && codexInstalled)) throw new Error('test/clients is not installed: CI must run `(cd test/clients && npm ci)` first.');

const gemini = sharedServer(startGeminiUpstream);
let gw: RunningGateway;
let dir: string;
/** The bodies of the requests the agents sent the gateway, in order. */
const inbound: Array<Promise<Json | null>> = [];
beforeAll(async () => {
  gw = await startGateway({ ...gemini().env, MINI_LLM_API_KEY: GATEWAY_KEY, MINI_LLM_LOG: 'silent' }, {}, (req) => {
    inbound.push(req.method === 'POST' ? req.json().catch(() => null) : Promise.resolve(null));
  });
  dir = mkdtempSync(join(tmpdir(), 'gemini-cli-loops-'));
  for (const [name, word] of Object.entries(WORDS)) writeFileSync(join(dir, name), `The word in ${name} is ${word}.\n`);
});
afterAll(async () => {
  await gw?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The mock's two tool turns with the agent's `tool`: first and second file at once, then the third. */
const readFiles = (tool: string, args: (path: string) => Json) => (functions: Json[], round: number) =>
  functions.some((f) => f.name === tool) ? (round === 0 ? ['first.txt', 'second.txt'] : ['third.txt']).map((f) => ({ name: tool, args: args(join(dir, f)) })) : undefined;

/** The file a call reads (named in its arguments). */
const fileOf = (args: unknown) => Object.keys(WORDS).find((f) => JSON.stringify(args).includes(join(dir, f)));

/** Gemini's signatures inside the gateway envelopes among `signatures` (a call's extra or a text part's entry). */
function carried(signatures: unknown[]): string[] {
  const out: string[] = [];
  for (const s of signatures) {
    const state = decodeReasoning(s, 'gemini');
    for (const x of Object.values(state?.extra_content ?? {})) out.push((x as Json).google?.thought_signature);
    for (const d of state?.reasoning_details ?? []) out.push((d as Json).data);
  }
  return out;
}

/**
 * The loop as Gemini saw it: three accepted requests, the nth with n-1 tool turns, each turn's first call signed
 * with a signature Gemini issued, each response answering (by id) the call that read its file; returns the
 * signatures of the last request's calls.
 */
function expectLoop(recs: GeminiRequest[], issued: Set<string>): string[] {
  const loop = recs.filter((r) => r.body?.tools?.length > 0);
  expect(loop.map((r) => [r.status, r.error])).toEqual([[200, undefined], [200, undefined], [200, undefined]]);
  expect(JSON.stringify(recs.map((r) => r.body))).not.toContain('mlgw.reasoning');
  for (const [n, r] of loop.entries()) {
    const contents: Json[] = r.body.contents;
    const turns = contents.flatMap((c, i) => (c.role === 'model' && c.parts.some((p: Json) => p.functionCall) ? [i] : []));
    expect(turns).toHaveLength(n);
    for (const i of turns) {
      const calls: Json[] = contents[i]!.parts.filter((p: Json) => p.functionCall);
      expect(calls[0]!.thoughtSignature).not.toBe(BYPASS);
      expect(issued.has(calls[0]!.thoughtSignature), 'a signature Gemini issued').toBe(true);
      const responses: Json[] = contents[i + 1]!.parts.filter((p: Json) => p.functionResponse).map((p: Json) => p.functionResponse);
      expect(responses.map((x) => x.id).sort()).toEqual(calls.map((c) => c.functionCall.id).sort());
      expect(new Set(calls.map((c) => c.functionCall.id)).size).toBe(calls.length);
      for (const { functionCall: call } of calls) {
        const file = fileOf(call.args)!;
        expect(file, JSON.stringify(call.args)).toBeDefined();
        const answer = JSON.stringify(responses.find((x) => x.id === call.id)!.response);
        for (const [f, word] of Object.entries(WORDS)) expect(answer.includes(word), `${call.id} read ${file}: ${answer}`).toBe(f === file);
      }
    }
  }
  return loop.at(-1)!.body.contents.flatMap((c: Json) => c.parts).filter((p: Json) => p.functionCall && p.thoughtSignature).map((p: Json) => p.thoughtSignature);
}

/** The agent's requests since `since`, that offered tools. */
const agentLoop = async (since: number) => (await Promise.all(inbound.slice(since))).filter((b): b is Json => (b?.tools?.length ?? 0) > 0);

const expectAnswerQuotesFiles = (out: string) => {
  expect(out).toContain('The tools answered:');
  for (const word of Object.values(WORDS)) expect(out).toContain(word);
};

describe.runIf(claudeInstalled)('Claude Code → /v1/messages → gemini-3-pro-preview (strict)', () => {
  const claudeEnv = { ANTHROPIC_MODEL: MODEL, ANTHROPIC_SMALL_FAST_MODEL: MODEL };

  /**
   * One `claude -p` loop over the three files with `env`: the answer quotes them, Gemini took three requests with
   * its own signatures on two tool turns; what Gemini got, and the thinking blocks Claude Code sent back last.
   */
  async function claudeLoop(env: Record<string, string>) {
    gemini().script = readFiles('Read', (file_path) => ({ file_path }));
    const since = gemini().requests.length;
    const sinceIn = inbound.length;
    const run = await runClaude('What are the words in first.txt, second.txt and third.txt?', gw.url, dir, GATEWAY_KEY, env);
    expect(run.code, run.stderr).toBe(0);
    expectAnswerQuotesFiles(run.stdout);
    const requests = gemini().requests.slice(since);
    const signatures = expectLoop(requests, gemini().issued);
    expect(signatures).toHaveLength(2);
    const sent = await agentLoop(sinceIn);
    expect(sent).toHaveLength(3);
    const blocks = sent[2]!.messages.flatMap((m: Json) => (m.role === 'assistant' && Array.isArray(m.content) ? m.content : [])).filter((b: Json) => b.type === 'thinking');
    return { requests, signatures, sent, blocks };
  }

  it('adaptive thinking (its default): Read twice at once, then once, then the answer; the signatures back in its thinking blocks', async () => {
    const { requests, signatures, sent, blocks } = await claudeLoop(claudeEnv);
    expect(sent[0]!.thinking).toMatchObject({ type: 'adaptive' });
    // Adaptive thinking leaves the level to the model (docs/messages.md): Gemini 3 thinks by default.
    for (const r of requests) expect(r.body.generationConfig?.thinkingConfig).toBeUndefined();
    expect(carried(blocks.map((b: Json) => b.signature))).toEqual(expect.arrayContaining(signatures));
  }, RUN_TIMEOUT_MS + 10_000);

  it('thinking with a budget: thoughts asked of Gemini, shown to Claude Code, and the signatures back in its thinking blocks', async () => {
    // Claude Code 2.1.328 takes a model it does not know for an adaptive-thinking one; this tells it otherwise.
    const { requests, signatures, sent, blocks } = await claudeLoop({ ...claudeEnv, CLAUDE_CODE_MODEL_CAPABILITIES: 'gemini-*=-adaptive_thinking' });
    expect(sent[0]!.thinking).toMatchObject({ type: 'enabled' });
    for (const r of requests) expect(r.body.generationConfig.thinkingConfig).toEqual({ thinkingLevel: 'HIGH', includeThoughts: true });
    expect(blocks.map((b: Json) => b.thinking)).toContain(THOUGHT);
    expect(carried(blocks.map((b: Json) => b.signature))).toEqual(expect.arrayContaining(signatures));
  }, RUN_TIMEOUT_MS + 10_000);
});

describe.runIf(codexInstalled)('Codex → /v1/responses → gemini-3-pro-preview (strict)', () => {
  it('model_reasoning_effort = "high": exec_command twice at once, then once, then the answer; the signatures back in its reasoning items', async () => {
    gemini().script = readFiles('exec_command', (path) => ({ cmd: `cat ${path}` }));
    const since = gemini().requests.length;
    const sinceIn = inbound.length;
    const config = `model_reasoning_effort = "high"\n${codexConfig(gw.url, MODEL)}`;
    const run = await codexExec(gw.url, MODEL, 'What are the words in the three files?', GATEWAY_KEY, config);
    expect(run.code, run.stderr).toBe(0);
    expectAnswerQuotesFiles(run.stdout);
    expect(run.stderr).toContain(THOUGHT); // the reasoning summary, shown as it thinks
    const signatures = expectLoop(gemini().requests.slice(since), gemini().issued);
    expect(signatures).toHaveLength(2);
    const sent = await agentLoop(sinceIn);
    expect(sent).toHaveLength(3);
    expect(sent[0]).toMatchObject({ reasoning: { effort: 'high' }, include: expect.arrayContaining(['reasoning.encrypted_content']) });
    for (const r of gemini().requests.slice(since)) expect(r.body.generationConfig.thinkingConfig).toEqual({ thinkingLevel: 'HIGH', includeThoughts: true });
    const items = (sent[2]!.input as Json[]).filter((i) => i.type === 'reasoning');
    expect(carried(items.map((i) => i.encrypted_content))).toEqual(expect.arrayContaining(signatures));
  }, RUN_TIMEOUT_MS + 10_000);
});
