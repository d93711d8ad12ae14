/**
 * OpenAI chat request → Anthropic Messages request (PROVIDERS.md §3c, sampling caveats in §3a; structured
 * outputs, reasoning and caching per ANTHROPIC-FIDELITY.md). Pure but for `recall` (the thinking cache): reads
 * the client body, returns a new object; throws GatewayError (400) for what Anthropic cannot express.
 * @see https://docs.claude.com/en/api/messages
 */
import { invalidRequest } from '../../errors.js';
import { functionTools, maxTokens, stopList, toolChoice } from '../chat-request.js';
import type { ChatBody } from '../types.js';
import { cacheControlOf, finishCacheControl, marked } from './cache-control.js';
import { convertMessages, lastToolUseTurn, type MessageOptions } from './messages.js';
import { modelCaps, type ModelCaps } from './models.js';
import { applyThinkingConstraints, planReasoning, thinkingIsOn } from './reasoning.js';
import { JSON_TOOL_NAME, planStructuredOutput, transformJsonSchema } from './structured-output.js';
import { isThinkingBlock } from './thinking-blocks.js';
import { isObject } from '../../json.js';

/** `max_tokens` is required by Anthropic; used when the client sets neither max_completion_tokens nor max_tokens. */
export const DEFAULT_MAX_TOKENS = 4096;

/** OpenAI fields with no Anthropic equivalent: never sent upstream (`n` only when it is 1; `user` and `safety_identifier` are moved, not dropped). */
export const DROPPED_FIELDS = [
  'logprobs',
  'top_logprobs',
  'logit_bias',
  'presence_penalty',
  'frequency_penalty',
  'seed',
  'store',
  'modalities',
  'audio',
  'prediction',
  'service_tier',
  'n',
  'stream_options',
  'metadata',
  'web_search_options',
  'verbosity',
  'prompt_cache_key',
  'functions',
  'function_call',
] as const;

type Json = Record<string, unknown>;

export interface RequestOptions extends MessageOptions {
  /** `MINI_LLM_ANTHROPIC_CACHE=auto`: top-level automatic caching for a request with no marker of its own. */
  automaticCache?: boolean;
}

export function toAnthropicRequest(body: ChatBody, upstreamModel: string, opts: RequestOptions = {}): Record<string, unknown> {
  if (!Array.isArray(body.messages)) {
    throw invalidRequest('invalid_messages', 'The request body needs a "messages" array.', 'messages');
  }
  if (typeof body.n === 'number' && body.n > 1) {
    throw invalidRequest('unsupported_parameter', 'Anthropic models return one choice: "n" must be 1.', 'n');
  }
  const caps = modelCaps(upstreamModel);
  const { system, messages } = convertMessages(body.messages, opts);
  const clientMax = maxTokens(body) ?? DEFAULT_MAX_TOKENS;
  let reasoning = planReasoning(body.reasoning_effort, body.thinking, caps, clientMax);
  // Thinking on needs the last tool-use turn to start with its signed blocks. Without them (a client that drops
  // them, a cache miss) the request goes with thinking off rather than fail.
  const turn = lastToolUseTurn(messages);
  if (thinkingIsOn(reasoning.thinking) && turn && !isThinkingBlock(turn[0])) reasoning = { effort: reasoning.effort, maxTokens: clientMax };
  const thinkingOn = thinkingIsOn(reasoning.thinking);
  if (!thinkingOn) stripThinking(messages);

  const out: Json = { model: upstreamModel, max_tokens: reasoning.maxTokens };
  if (system.length > 0) out.system = system.some((b) => b.cache_control !== undefined) ? system : system.map((b) => b.text).join('\n');
  out.messages = messages;
  if (reasoning.thinking) out.thinking = reasoning.thinking;

  const clientTools = convertTools(body.tools, caps);
  const structured = planStructuredOutput(body.response_format, caps, thinkingOn);
  const tools = structured?.tool ? [...(clientTools ?? []), structured.tool] : clientTools;
  if (tools) {
    out.tools = tools;
    let choice = convertToolChoice(body.tool_choice, body.parallel_tool_calls);
    if (structured?.tool) {
      // The answer must be the JSON tool's input; with tools of its own the client may still get a tool call
      // (any tool, or the one it named), never free text.
      if (!clientTools || choice?.type === 'none') choice = { type: 'tool', name: JSON_TOOL_NAME, disable_parallel_tool_use: true };
      else if (choice?.type !== 'tool') choice = { type: 'any', disable_parallel_tool_use: true };
    }
    if (choice) out.tool_choice = choice;
  }
  const outputConfig: Json = {
    ...(reasoning.effort ? { effort: reasoning.effort } : {}),
    ...(structured?.format ? { format: structured.format } : {}),
    ...(isObject(body.output_config) ? body.output_config : {}),
  };
  if (Object.keys(outputConfig).length > 0) out.output_config = outputConfig;

  // With thinking on, temperature and top_k cannot be sent: top_p (clamped) is what is left of the sampling.
  Object.assign(out, sampling(thinkingOn ? { ...body, temperature: undefined, top_k: undefined } : body, caps));
  if (thinkingOn) applyThinkingConstraints(out);
  const stops = stopList(body.stop);
  if (stops.length > 0) out.stop_sequences = stops;
  if (body.stream === true) out.stream = true;
  const user = typeof body.user === 'string' && body.user !== '' ? body.user : body.safety_identifier;
  if (typeof user === 'string' && user !== '') out.metadata = { user_id: user };
  const cc = cacheControlOf(body.cache_control, 'request');
  if (cc) out.cache_control = cc;
  // No allowlist: a field that is neither mapped nor known to have no equivalent goes upstream as it is
  // (`context_management`, `service_tier`-like Anthropic options, ...), so Anthropic accepts it or says why not.
  for (const [key, value] of Object.entries(body)) {
    if (!MAPPED_FIELDS.has(key) && !DROPPED.has(key) && !(key in out)) out[key] = value;
  }
  return finishCacheControl(out, opts.automaticCache === true);
}

/** OpenAI fields this module translates. */
const MAPPED_FIELDS = new Set([
  'model', 'messages', 'max_tokens', 'max_completion_tokens', 'stop', 'temperature', 'top_p', 'top_k', 'tools', 'tool_choice',
  'parallel_tool_calls', 'stream', 'user', 'safety_identifier', 'reasoning_effort', 'thinking', 'response_format', 'output_config', 'cache_control',
]);
const DROPPED: ReadonlySet<string> = new Set(DROPPED_FIELDS);

/** With thinking off, history may not carry thinking blocks: they go (Anthropic ignores old ones anyway). */
function stripThinking(messages: Json[]): void {
  for (const m of messages) {
    if (m.role === 'assistant' && Array.isArray(m.content) && m.content.some(isThinkingBlock)) m.content = m.content.filter((b) => !isThinkingBlock(b));
  }
}

function sampling(body: ChatBody, caps: ModelCaps): Json {
  if (caps.sampling === 'none') return {};
  const out: Json = {};
  if (typeof body.temperature === 'number') out.temperature = Math.min(body.temperature, 1);
  if (typeof body.top_p === 'number' && !(out.temperature !== undefined && caps.sampling === 'one')) out.top_p = body.top_p;
  if (typeof body.top_k === 'number') out.top_k = body.top_k;
  return out;
}

function convertTools(tools: unknown, caps: ModelCaps): Json[] | undefined {
  return functionTools(tools, 'Anthropic')?.map((fn, i) => {
    const tool = (tools as Json[])[i];
    if (fn.name === JSON_TOOL_NAME) {
      throw invalidRequest('invalid_tools', `tools[${i}]: the name "${JSON_TOOL_NAME}" is reserved for the gateway's response_format tool.`, `tools[${i}]`);
    }
    const out: Json = { name: fn.name };
    if (typeof fn.description === 'string') out.description = fn.description;
    const schema = isObject(fn.parameters) ? fn.parameters : { type: 'object', properties: {} };
    // `strict` (structured outputs for tools) where the model has it, with the schema in the subset it accepts.
    const strict = fn.strict === true && caps.structuredOutputs;
    out.input_schema = strict ? transformJsonSchema(schema, `tools[${i}].function.parameters`) : schema;
    if (strict) out.strict = true;
    const where = `tools[${i}]`;
    return marked(out, cacheControlOf(tool.cache_control, where) ?? cacheControlOf(fn.cache_control, `${where}.function`));
  });
}

function convertToolChoice(choice: unknown, parallel: unknown): Json | undefined {
  const c = toolChoice(choice);
  let out: Json | undefined = c === undefined ? undefined : typeof c === 'object' ? { type: 'tool', name: c.name } : { type: c === 'required' ? 'any' : c };
  if (parallel === false && out?.type !== 'none') out = { ...(out ?? { type: 'auto' }), disable_parallel_tool_use: true };
  return out;
}
