/**
 * The real Codex CLI (`@openai/codex`, installed by `cd test/clients && npm install`) through the gateway:
 * `codex exec` with a custom provider (`wire_api = "responses"`) pointing at `/v1/responses`. A text answer via
 * a Responses-speaking provider (pass-through), a chat-only one and Anthropic (translated), and a tool round trip:
 * the mock model asks for Codex's `exec_command`, Codex runs it and sends the output back, and the mock answers
 * with it; and Codex's built-in `openai` provider (`openai_base_url`), which tries a WebSocket first and must
 * fall back to HTTP on the gateway's 426. Without test/clients/node_modules: skipped locally, a failure on CI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODEX, codexConfig, codexExec as runCodex, codexInstalled as installed } from './cli-runs.js';
import { startGateway, startResponsesUpstreams, type ResponsesUpstreams, type RunningGateway } from './helpers.js';
import { PLAIN_TEXT } from './mocks/scripted-reply.js';

if (!installed && process.env.CI) throw new Error(`Codex CLI missing at ${CODEX}: run "cd test/clients && npm install" before the tests.`);
if (!installed) console.warn('codex.test.ts skipped: the Codex CLI is not installed (cd test/clients && npm install).');

const GATEWAY_KEY = 'gw-test-key-codex-0123';
const LIMIT_MS = 60_000;

/** `codex exec` with this suite's gateway key (cli-runs.ts), configured as docs/clients.md says. */
const codexExec = (url: string, model: string, prompt: string, config = codexConfig(url, model)) => runCodex(url, model, prompt, GATEWAY_KEY, config);

describe.skipIf(!installed)('Codex CLI through the gateway', () => {
  let up: ResponsesUpstreams;
  let gw: RunningGateway;

  beforeAll(async () => {
    up = await startResponsesUpstreams();
    gw = await startGateway({ ...up.env, MINI_LLM_API_KEY: GATEWAY_KEY });
  });
  afterAll(async () => {
    await gw?.close();
    await up?.close();
  });

  it.each([
    ['a Responses provider (pass-through)', 'gpt-4o-mini', () => up.responses.requests],
    ['a chat-only provider (translated)', 'local', () => up.chat.requests],
    ['Anthropic (translated twice: responses → chat → Messages)', 'claude-sonnet', () => up.anthropic.requests],
  ])('prints a text answer via %s', async (_, model, requests) => {
    const before = requests().length;
    const run = await codexExec(gw.url, model, 'Say hello, without tools.');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(PLAIN_TEXT);
    expect(requests().length).toBe(before + 1);
    const lines = gw.logs.map((l) => JSON.parse(l)).filter((l) => l.route === 'responses');
    expect(lines.at(-1)).toMatchObject({ status: 200, outcome: 'ok', stream: true });
  }, LIMIT_MS + 5000);

  it('falls back to HTTP at once on the 426, with its built-in openai provider pointed at the gateway', async () => {
    const before = gw.logs.length;
    const run = await codexExec(gw.url, 'gpt-4o-mini', 'Say hello, without tools.', `model = "gpt-4o-mini"\nopenai_base_url = "${gw.url}/v1"\n`);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(PLAIN_TEXT);
    const lines = gw.logs.slice(before).map((l) => JSON.parse(l)).map((l) => `${l.method} ${l.path} ${l.status}`);
    expect(lines).toEqual(['GET /v1/responses 426', 'POST /v1/responses 200']);
  }, LIMIT_MS + 5000);

  it.each([
    ['a Responses provider (pass-through)', 'gpt-4o-mini', () => up.responses.requests.map((r) => r.body.input)],
    ['a chat-only provider (translated)', 'local', () => up.chat.requests.map((r) => r.body.messages)],
  ])('runs a tool round trip via %s: the model asks for exec_command, Codex runs it and returns its output', async (_, model, sent) => {
    const before = sent().length;
    const run = await codexExec(gw.url, model, 'Run a shell command.');
    expect(run.code, run.stderr).toBe(0);
    // The mock model's last answer quotes the tool output it was sent: Codex ran the command.
    expect(run.stdout).toContain('The tool answered:');
    expect(run.stdout).toContain('mock-tool-ran');
    const turns = sent().slice(before);
    expect(turns).toHaveLength(2);
    expect(JSON.stringify(turns[1])).toContain('mock-tool-ran');
  }, LIMIT_MS + 5000);
});
