/**
 * Strict OpenAI-compatible chat providers, as picky about reasoning state as the real ones (REASONING.md), on one
 * loopback server: `POST /<flavor>/chat/completions`, the flavor naming the provider it imitates. Each answers
 * with its error shape and wording for what the real one refuses, emits its reasoning state where the real one
 * does (whole and streamed, SSE ending in [DONE]) and records, per request, whether the state it issued came back
 * unmodified (`replays`).
 *
 *   deepseek    reasoning_content; 400 when an earlier assistant message with tool_calls lacks the key
 *   kimi        reasoning_content; 400 naming the index of such a message
 *   gemini      Google's OpenAI-compatible endpoint: a thought signature in `extra_content.google` on the first
 *               tool call of each answer; 400 (Google's array error shape) when a tool call of the current turn
 *               (after the last user message) lacks it, or for a signature it did not issue
 *   openrouter  `reasoning` and `reasoning_details`; for a `google/gemini*` model also a `reasoning.encrypted`
 *               entry per call, and a 400 when an earlier tool-call message lacks reasoning_details
 *   groq        emits `reasoning`; 400 for `reasoning_content`, `reasoning`, `reasoning_details` or `thinking_blocks`
 *               on an assistant message
 *   cerebras    the same, in Cerebras' wording
 *   mistral     no reasoning; 422 extra_forbidden for any assistant field outside its schema
 *
 * The model's script, whatever the flavor: with a `get_weather` tool offered, it calls it for Paris, then (after
 * that result) for London, then answers text; without tools, text. A test may script it otherwise (`script`: an
 * agent's own tools, such as Claude Code's `Read` or Codex's `exec_command`).
 */
import type { ServerResponse } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import { pieces, startLoopback, writeEvents, type Recorded } from './loopback.js';

type Json = Record<string, any>;

export const FLAVORS = ['deepseek', 'kimi', 'gemini', 'openrouter', 'groq', 'cerebras', 'mistral'] as const;
export type Flavor = (typeof FLAVORS)[number];

/** One piece of state this server issued, as a later request sent it back. */
export interface Replay {
  /** Index of the assistant message in `messages`. */
  message: number;
  toolCallId: string;
  field: 'reasoning_content' | 'extra_content' | 'reasoning_details';
  unmodified: boolean;
}

export interface StrictRecord extends Recorded {
  flavor: Flavor;
  status: number;
  error?: string;
  replays: Replay[];
}

export interface StrictChat {
  url: string;
  requests: StrictRecord[];
  /** The base URL of one flavor (what `<ID>_BASE_URL` is set to). */
  base(flavor: Flavor): string;
  /** The env that points the presets and a `gemini` provider at this server. */
  env: Record<string, string>;
  /** What the model does for a request body, when set and it returns something (else the get_weather script). */
  script?: (body: Json) => Turn | undefined;
  close(): Promise<void>;
}

/** One answer of the model: a tool call, or text. */
export interface Turn {
  call?: { name: string; arguments: string };
  text?: string;
}

export const THOUGHT_SIGNATURE_MISSING =
  'Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call `default_api:get_weather` , position 1. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.';
export const DEEPSEEK_MISSING = 'The reasoning_content in the thinking mode must be passed back to the API.';
export const OPENROUTER_GEMINI_MISSING =
  'Gemini models require OpenRouter reasoning details to be preserved in each request. Please refer to our docs: https://openrouter.ai/docs/guides/best-practices/reasoning-tokens#preserving-reasoning-blocks.';
/** Google accepts this in place of a signature for calls the model did not make. */
const SKIP_SIGNATURE = 'skip_thought_signature_validator';

const REFUSED_BY_STRICT = ['reasoning_content', 'reasoning', 'reasoning_details', 'thinking_blocks'];
const MISTRAL_ASSISTANT_FIELDS = new Set(['role', 'content', 'tool_calls', 'prefix', 'name']);

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const hasCalls = (m: Json) => Array.isArray(m.tool_calls) && m.tool_calls.length > 0;

/** What the real provider answers for this body, or undefined when it accepts it. */
function refusal(flavor: Flavor, messages: Json[], model: string, signatures: Set<string>): { status: number; body: unknown } | undefined {
  const lastUser = messages.findLastIndex((m) => m?.role === 'user');
  for (const [i, m] of messages.entries()) {
    if (m?.role !== 'assistant') continue;
    switch (flavor) {
      case 'deepseek':
        if (hasCalls(m) && !Object.hasOwn(m, 'reasoning_content')) {
          return { status: 400, body: { error: { message: DEEPSEEK_MISSING, type: 'invalid_request_error', param: null, code: 'invalid_request_error' } } };
        }
        break;
      case 'kimi':
        if (hasCalls(m) && !Object.hasOwn(m, 'reasoning_content')) {
          return { status: 400, body: { error: { message: `thinking is enabled but reasoning_content is missing in assistant tool call message at index ${i}`, type: 'invalid_request_error' } } };
        }
        break;
      case 'gemini': {
        for (const [k, call] of (m.tool_calls ?? []).entries()) {
          const sig = call?.extra_content?.google?.thought_signature;
          if (sig !== undefined && sig !== SKIP_SIGNATURE && !signatures.has(sig)) return googleError('Corrupted thought signature.');
          if (k === 0 && i > lastUser && sig === undefined) return googleError(THOUGHT_SIGNATURE_MISSING);
        }
        break;
      }
      case 'openrouter':
        if (/^google\/gemini/.test(model) && hasCalls(m) && !(Array.isArray(m.reasoning_details) && m.reasoning_details.length > 0)) {
          return { status: 400, body: { error: { message: OPENROUTER_GEMINI_MISSING, code: 400 } } };
        }
        break;
      case 'groq':
        for (const f of REFUSED_BY_STRICT) {
          if (Object.hasOwn(m, f)) {
            return { status: 400, body: { error: { message: `'messages.${i}' : for 'role:assistant' the following must be satisfied[('messages.${i}.${f}' : property '${f}' is unsupported)]`, type: 'invalid_request_error' } } };
          }
        }
        break;
      case 'cerebras':
        for (const f of REFUSED_BY_STRICT) {
          if (Object.hasOwn(m, f)) {
            return { status: 400, body: { message: `property 'messages.${i}.assistant.${f}' is unsupported`, type: 'invalid_request_error', param: 'validation_error', code: 'wrong_api_format' } };
          }
        }
        break;
      case 'mistral':
        for (const f of Object.keys(m)) {
          if (!MISTRAL_ASSISTANT_FIELDS.has(f)) {
            return {
              status: 422,
              body: { object: 'error', message: { detail: [{ type: 'extra_forbidden', loc: ['body', 'messages', i, 'assistant', f], msg: 'Extra inputs are not permitted', input: m[f] }] }, type: 'invalid_request_error', param: null, code: null },
            };
          }
        }
        break;
    }
  }
  return undefined;
}

const googleError = (message: string) => ({ status: 400, body: [{ error: { code: 400, message, status: 'INVALID_ARGUMENT' } }] });

/** What this server issued with each tool call it made (by call id), to compare with what comes back. */
interface Issued {
  reasoning_content?: string;
  extra_content?: Json;
  reasoning_details?: Json[];
}

function replaysOf(messages: Json[], issued: Map<string, Issued>): Replay[] {
  const out: Replay[] = [];
  for (const [i, m] of messages.entries()) {
    if (m?.role !== 'assistant' || !hasCalls(m)) continue;
    for (const call of m.tool_calls) {
      const state = issued.get(call?.id);
      if (!state) continue;
      if (state.reasoning_content !== undefined) out.push({ message: i, toolCallId: call.id, field: 'reasoning_content', unmodified: m.reasoning_content === state.reasoning_content });
      if (state.extra_content !== undefined) out.push({ message: i, toolCallId: call.id, field: 'extra_content', unmodified: isDeepStrictEqual(call.extra_content, state.extra_content) });
      if (state.reasoning_details !== undefined) out.push({ message: i, toolCallId: call.id, field: 'reasoning_details', unmodified: isDeepStrictEqual(m.reasoning_details, state.reasoning_details) });
    }
  }
  return out;
}

/** The script: call get_weather for Paris, then London, then answer. */
function script(b: Json): Turn {
  const offered = Array.isArray(b.tools) && b.tools.some((t: Json) => t?.function?.name === 'get_weather');
  const lastUser = b.messages.findLastIndex((m: Json) => m?.role === 'user');
  const results = b.messages.slice(lastUser + 1).filter((m: Json) => m?.role === 'tool').length;
  if (offered && results < 2) return { call: { name: 'get_weather', arguments: JSON.stringify({ city: results === 0 ? 'Paris' : 'London' }) } };
  return { text: offered ? 'Paris: sunny, 21°C. London: rain, 14°C.' : 'Hello from a strict provider.' };
}

export async function startStrictChat(): Promise<StrictChat> {
  const requests: StrictRecord[] = [];
  const issued = new Map<string, Issued>();
  const signatures = new Set<string>();
  let n = 0;

  const self = {} as StrictChat;
  const loop = await startLoopback(async (raw, res) => {
    const rec = Object.assign(raw, { flavor: 'deepseek' as Flavor, status: 0, replays: [] as Replay[] }) as StrictRecord;
    requests.push(rec);
    const send = (status: number, body: unknown) => {
      rec.status = status;
      if (status >= 400) rec.error = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const [, flavor, rest] = /^\/([a-z]+)(\/.*)$/.exec(rec.path) ?? [];
    if (!FLAVORS.includes(flavor as Flavor) || rest !== '/chat/completions' || rec.method !== 'POST') return send(404, { error: { message: `Unknown route ${rec.method} ${rec.path}` } });
    rec.flavor = flavor as Flavor;
    const b = rec.body as Json;
    if (!isObject(b) || !Array.isArray(b.messages) || b.messages.length === 0) return send(400, { error: { message: "Invalid 'messages'", type: 'invalid_request_error' } });
    rec.replays = replaysOf(b.messages, issued);
    const refused = refusal(rec.flavor, b.messages, String(b.model), signatures);
    if (refused) return send(refused.status, refused.body);
    answer(rec.flavor, b, self.script?.(b) ?? script(b), res, ++n, issued, signatures, (status) => (rec.status = status));
  });

  const base = (flavor: Flavor) => `${loop.url}/${flavor}`;
  return Object.assign(self, {
    url: loop.url,
    requests,
    base,
    env: {
      DEEPSEEK_BASE_URL: base('deepseek'),
      DEEPSEEK_API_KEY: 'sk-strict-deepseek',
      MOONSHOT_BASE_URL: base('kimi'),
      MOONSHOT_API_KEY: 'sk-strict-moonshot',
      OPENROUTER_BASE_URL: base('openrouter'),
      OPENROUTER_API_KEY: 'sk-or-strict-openrouter',
      GROQ_BASE_URL: base('groq'),
      GROQ_API_KEY: 'gsk-strict-groq',
      CEREBRAS_BASE_URL: base('cerebras'),
      CEREBRAS_API_KEY: 'csk-strict-cerebras',
      MISTRAL_BASE_URL: base('mistral'),
      MISTRAL_API_KEY: 'strict-mistral-key',
      GEMINI_API_KEY: 'strict-gemini-key',
      MINI_LLM_PROVIDERS: JSON.stringify({ gemini: { baseUrl: base('gemini'), apiKeyEnv: 'GEMINI_API_KEY', kind: 'openai-compatible', auth: 'bearer' } }),
    },
    close: loop.close,
  });
}

/** Writes the answer of `flavor` for this turn, whole or streamed, and remembers the state it issued. */
function answer(flavor: Flavor, b: Json, turn: Turn, res: ServerResponse, n: number, issued: Map<string, Issued>, signatures: Set<string>, status: (s: number) => void): Promise<void> | void {
  const callId = flavor === 'mistral' ? `m${String(n).padStart(8, '0')}` : `call_${flavor}_${n}`;
  const reasoningText = flavor === 'gemini' || flavor === 'mistral' ? undefined : `${flavor} thought #${n}: ${turn.call ? `I need the weather (${turn.call.arguments}).` : 'I can answer now.'}`;
  const geminiModel = flavor === 'openrouter' && /^google\/gemini/.test(String(b.model));
  const signature = turn.call && (flavor === 'gemini' || geminiModel) ? `sig-${flavor}-${n}-${'Q'.repeat(8)}+/=` : undefined;
  if (signature) signatures.add(signature);
  const extra = flavor === 'gemini' && signature ? { google: { thought_signature: signature } } : undefined;
  const details: Json[] | undefined =
    flavor === 'openrouter'
      ? [
          { type: 'reasoning.text', text: reasoningText, format: geminiModel ? 'google-gemini-v1' : 'unknown', index: 0 },
          ...(signature ? [{ type: 'reasoning.encrypted', data: signature, id: callId, format: 'google-gemini-v1', index: 1 }] : []),
        ]
      : undefined;
  /** Where each flavor puts its reasoning text. */
  const textField = flavor === 'deepseek' || flavor === 'kimi' ? 'reasoning_content' : 'reasoning';
  if (turn.call) {
    issued.set(callId, {
      reasoning_content: textField === 'reasoning_content' ? reasoningText : undefined,
      extra_content: extra,
      reasoning_details: details,
    });
  }
  const toolCall: Json | undefined = turn.call && { id: callId, type: 'function', function: turn.call, ...(extra ? { extra_content: extra } : {}) };
  const finish = turn.call ? 'tool_calls' : 'stop';
  const base = { id: `chatcmpl-${flavor}-${n}`, created: 1767225600, model: b.model };
  const usage = { prompt_tokens: 30, completion_tokens: 12, total_tokens: 42 };
  status(200);

  if (b.stream !== true) {
    const message: Json = { role: 'assistant', content: turn.text ?? (flavor === 'deepseek' || flavor === 'kimi' ? '' : null) };
    if (reasoningText !== undefined) message[textField] = reasoningText;
    if (details) message.reasoning_details = details;
    if (toolCall) message.tool_calls = [toolCall];
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message, logprobs: null, finish_reason: finish }], usage }));
    return;
  }
  const chunk = (delta: Json, finish_reason: string | null = null) =>
    `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, logprobs: null, finish_reason }] })}\n\n`;
  const events = [chunk({ role: 'assistant', content: '' })];
  for (const p of reasoningText ? pieces(reasoningText, 3) : []) {
    events.push(chunk({ [textField]: p, ...(details ? { reasoning_details: [{ type: 'reasoning.text', text: p, format: details[0].format, index: 0 }] } : {}) }));
  }
  for (const p of turn.text ? pieces(turn.text, 3) : []) events.push(chunk({ content: p }));
  if (toolCall) {
    if (flavor === 'gemini') events.push(chunk({ tool_calls: [{ index: 0, ...toolCall }] })); // Google sends a call whole
    else {
      events.push(chunk({ tool_calls: [{ index: 0, id: callId, type: 'function', function: { name: toolCall.function.name, arguments: '' } }] }));
      for (const p of pieces(toolCall.function.arguments, 2)) events.push(chunk({ tool_calls: [{ index: 0, function: { arguments: p } }] }));
    }
    if (details && details.length > 1) events.push(chunk({ reasoning_details: [details[1]] }));
  }
  events.push(chunk({}, finish));
  if (b.stream_options?.include_usage === true) events.push(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [], usage })}\n\n`);
  events.push('data: [DONE]\n\n');
  return writeEvents(res, events);
}
