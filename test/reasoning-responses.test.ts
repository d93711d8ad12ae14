/**
 * Reasoning state on `/v1/responses` (issue 18), with the real `openai` SDK through the gateway: three-turn tool
 * loops to the strict chat providers (test/mocks/strict-chat.ts), whole and streamed. The client sends each
 * answer's output back as it got it, having asked for `reasoning.encrypted_content` (as Codex does: the state
 * rides in the reasoning item's `encrypted_content`, the gateway envelope), or without asking and without the
 * reasoning items (the reasoning cache puts the state back). Each provider records whether its state came back
 * unmodified; every answer and event is valid against OpenAI's published schemas.
 */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { ENVELOPE_PREFIX } from '../src/dialects/reasoning-envelope.js';
import { sharedServer, startGateway } from './helpers.js';
import { startStrictChat } from './mocks/strict-chat.js';
import { expectReplayed, requestsOf, runToolLoop, STATE_CASES } from './reasoning-loops.js';
import { assertValid, assertValidEvent } from './schemas/openapi.js';

type Json = Record<string, any>;

const GATEWAY_KEY = 'gw-reasoning-responses-0123456789';
const TOOLS = [{ type: 'function' as const, name: 'get_weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, strict: false }];

const strict = sharedServer(startStrictChat);
const gateway = sharedServer(() => startGateway({ ...strict().env, MINI_LLM_API_KEY: GATEWAY_KEY, MINI_LLM_LOG: 'silent' }));
const client = () => new OpenAI({ baseURL: `${gateway().url}/v1`, apiKey: GATEWAY_KEY, maxRetries: 0 });

/** One turn's response (streamed: the one `response.completed` carries; every event checked against the schemas). */
async function turn(model: string, input: Json[], stream: boolean, encrypted: boolean): Promise<Json> {
  const params = { model, input: input as OpenAI.Responses.ResponseInput, tools: TOOLS, store: false, ...(encrypted ? { include: ['reasoning.encrypted_content' as const] } : {}) };
  if (!stream) {
    const r = await client().responses.create(params);
    assertValid('Response', r);
    return r as Json;
  }
  let done: Json | undefined;
  for await (const e of await client().responses.create({ ...params, stream: true })) {
    assertValidEvent(e);
    if (e.type === 'response.completed') done = e.response as Json;
  }
  expect(done).toBeDefined();
  return done!;
}

const weather = (args: string) => (JSON.parse(args).city === 'London' ? 'rain, 14°C' : 'sunny, 21°C');

/** A tool loop until the model answers text; `encrypted`: asked for and sent back, else reasoning items dropped. */
async function toolLoop(model: string, stream: boolean, encrypted: boolean) {
  const input: Json[] = [{ role: 'user', content: 'Weather in Paris and London?' }];
  const answers = await runToolLoop(
    () => turn(model, input, stream, encrypted),
    (r) => {
      for (const item of r.output) if (encrypted || item.type !== 'reasoning') input.push(item);
      const calls = r.output.filter((o: Json) => o.type === 'function_call');
      for (const c of calls) input.push({ type: 'function_call_output', call_id: c.call_id, output: weather(c.arguments) });
      return calls.length > 0;
    },
  );
  return { answers, input };
}

describe.each([false, true])('/v1/responses → strict chat providers, three-turn tool loops (stream: %s)', (stream) => {
  it.each(STATE_CASES)('%s, encrypted_content asked for and sent back: accepted at each turn, its state back unmodified', async (_, flavor, model, field) => {
    const since = strict().requests.length;
    const { answers } = await toolLoop(model, stream, true);
    expect(answers.at(-1)!.output.at(-1)).toMatchObject({ type: 'message', content: [{ type: 'output_text', text: 'Paris: sunny, 21°C. London: rain, 14°C.' }] });
    expectReplayed(requestsOf(strict(), flavor, since), field);
    const reasoning = answers[0].output.filter((o: Json) => o.type === 'reasoning');
    expect(reasoning.length).toBeGreaterThan(0);
    for (const item of reasoning) expect(item.encrypted_content.startsWith(ENVELOPE_PREFIX)).toBe(true);
    if (flavor !== 'gemini') expect(reasoning[0].summary[0].text).toMatch(new RegExp(`^${flavor} thought #\\d+: I need the weather`));
  });

  it.each(STATE_CASES)('%s, not asked for and the reasoning items dropped: the cache puts the state back', async (_, flavor, model, field) => {
    const since = strict().requests.length;
    const { answers, input } = await toolLoop(model, stream, false);
    expect(answers.at(-1)!.output.at(-1)).toMatchObject({ type: 'message' });
    for (const a of answers) for (const o of a.output) expect(o.encrypted_content).toBeUndefined();
    expect(input.some((i) => i.type === 'reasoning')).toBe(false);
    expectReplayed(requestsOf(strict(), flavor, since), field);
  });
});
