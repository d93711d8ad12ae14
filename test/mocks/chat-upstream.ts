/**
 * A chat-completions-only provider (like vLLM, Groq, Nebius): `POST /v1/chat/completions`, nothing else (404
 * for `/v1/responses`). It rejects what OpenAI's chat API rejects where a translation could go wrong: unknown
 * top-level fields (Responses fields such as `input` leaking through), flat tools, tool messages that answer no
 * call, malformed `response_format`. Answers follow `scripted-reply.ts`; the upstream model picks a scenario:
 *
 *   anything       the scripted reply (JSON, or SSE with the usage chunk when asked)
 *   reasoning      reasoning_content deltas first (the pivot's reasoning field)
 *   thinking       reasoning_content, then one signed block in thinking_blocks (the pivot's fields, as the
 *                  Anthropic adapter sends them)
 *   length         finish_reason "length"
 *   comments:N     N SSE comments (keep-alives) before the answer
 *   die-after:N    N SSE events, then the connection is destroyed
 *   hang-after:N   N SSE events, then silence (the connection stays open)
 */
import { decide, type Reply } from './scripted-reply.js';
import { openAIError, pieces, startLoopback, writeEvents, type Loopback } from './loopback.js';

type Json = Record<string, any>;

const CHAT_FIELDS = new Set([
  'model', 'messages', 'stream', 'stream_options', 'tools', 'tool_choice', 'parallel_tool_calls', 'temperature', 'top_p',
  'max_tokens', 'max_completion_tokens', 'response_format', 'reasoning_effort', 'user', 'stop', 'n', 'seed',
  'presence_penalty', 'frequency_penalty', 'logprobs', 'top_logprobs', 'logit_bias', 'metadata', 'store',
  'service_tier', 'prompt_cache_key', 'safety_identifier', 'verbosity', 'modalities', 'audio', 'prediction', 'web_search_options',
]);

/** The first reason OpenAI's chat API would refuse this body, or undefined. */
export function chatBodyProblem(b: Json): { message: string; param: string } | undefined {
  for (const k of Object.keys(b)) if (!CHAT_FIELDS.has(k)) return { message: `Unrecognized request argument supplied: ${k}`, param: k };
  if (!Array.isArray(b.messages) || b.messages.length === 0) return { message: "Invalid 'messages': empty array.", param: 'messages' };
  const calls = new Set<string>();
  for (const [i, m] of b.messages.entries()) {
    if (!['system', 'developer', 'user', 'assistant', 'tool'].includes(m?.role)) return { message: `Invalid value for 'messages[${i}].role'.`, param: `messages[${i}].role` };
    for (const tc of m.tool_calls ?? []) {
      if (tc?.type !== 'function' || typeof tc.function?.name !== 'string' || typeof tc.function?.arguments !== 'string') return { message: `Invalid 'messages[${i}].tool_calls'.`, param: `messages[${i}].tool_calls` };
      calls.add(tc.id);
    }
    if (m.role === 'tool' && !calls.has(m.tool_call_id)) return { message: "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", param: `messages[${i}].role` };
    if (m.role === 'tool' && typeof m.content !== 'string') return { message: `Invalid 'messages[${i}].content': expected a string.`, param: `messages[${i}].content` };
  }
  for (const [i, t] of (b.tools ?? []).entries()) {
    if (t?.type !== 'function' || !t.function || !/^[a-zA-Z0-9_-]{1,64}$/.test(t.function.name ?? '')) return { message: `Missing required parameter: 'tools[${i}].function'.`, param: `tools[${i}].function` };
  }
  if (b.tool_choice !== undefined && !b.tools) return { message: "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.", param: 'tool_choice' };
  const rf = b.response_format;
  if (rf && rf.type === 'json_schema' && (typeof rf.json_schema?.name !== 'string' || typeof rf.json_schema?.schema !== 'object')) return { message: "Missing required parameter: 'response_format.json_schema'.", param: 'response_format' };
  return undefined;
}

function lastUserText(messages: Json[]): string {
  const m = [...messages].reverse().find((x) => x.role === 'user');
  return typeof m?.content === 'string' ? m.content : Array.isArray(m?.content) ? m.content.map((p: Json) => p?.text ?? '').join('') : '';
}

export function chatReply(b: Json): Reply {
  const last = b.messages.at(-1);
  return decide({
    tools: (b.tools ?? []).map((t: Json) => ({ name: t.function.name, parameters: t.function.parameters })),
    toolsRefused: b.tool_choice === 'none',
    toolResult: last?.role === 'tool' ? String(last.content) : undefined,
    prompt: lastUserText(b.messages),
    schema: b.response_format?.type === 'json_schema' ? b.response_format.json_schema.schema : undefined,
  });
}

const USAGE = (reasoning: boolean) => ({
  prompt_tokens: 20,
  completion_tokens: 9,
  total_tokens: 29,
  prompt_tokens_details: { cached_tokens: 4 },
  completion_tokens_details: { reasoning_tokens: reasoning ? 3 : 0 },
});

export async function startChatUpstream(): Promise<Loopback> {
  return startLoopback(async (rec, res) => {
    if (rec.method !== 'POST' || rec.path !== '/v1/chat/completions') return openAIError(res, 404, `Unknown route: ${rec.method} ${rec.path}`);
    const b = rec.body as Json;
    const problem = typeof b === 'object' && b ? chatBodyProblem(b) : { message: 'body must be JSON', param: '' };
    if (problem) return openAIError(res, 400, problem.message, problem.param);
    const [scenario, arg] = String(b.model).split(':');
    const reply = chatReply(b);
    if (scenario === 'reasoning' || scenario === 'thinking') reply.reasoning = 'The user asks for a capital. Paris.';
    const blocks = scenario === 'thinking' ? [{ type: 'thinking', thinking: reply.reasoning, signature: 'EqQBCgIYAhIM-mock-signature' }] : undefined;
    const finish = scenario === 'length' ? 'length' : reply.call ? 'tool_calls' : 'stop';
    const id = 'chatcmpl-mock';
    const base = { id, created: 1760451260, model: b.model };
    const callId = 'call_mock_0001';
    if (b.stream !== true) {
      const message: Json = { role: 'assistant', content: reply.text ?? null, refusal: null };
      if (reply.reasoning) message.reasoning_content = reply.reasoning;
      if (blocks) message.thinking_blocks = blocks;
      if (reply.call) message.tool_calls = [{ id: callId, type: 'function', function: reply.call }];
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message, logprobs: null, finish_reason: finish }], usage: USAGE(!!reply.reasoning) }));
      return;
    }
    const usageAsked = b.stream_options?.include_usage === true;
    const chunk = (delta: Json, finish_reason: string | null = null) =>
      `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, logprobs: null, finish_reason }], ...(usageAsked ? { usage: null } : {}) })}\n\n`;
    const events: string[] = [];
    if (scenario === 'comments') for (let i = 0; i < Number(arg); i++) events.push(': keep-alive\n\n');
    events.push(chunk({ role: 'assistant', content: '' }));
    for (const p of reply.reasoning ? pieces(reply.reasoning, 2) : []) events.push(chunk({ reasoning_content: p }));
    if (blocks) events.push(chunk({ thinking_blocks: blocks }));
    for (const p of reply.text ? pieces(reply.text) : []) events.push(chunk({ content: p }));
    if (reply.call) {
      events.push(chunk({ tool_calls: [{ index: 0, id: callId, type: 'function', function: { name: reply.call.name, arguments: '' } }] }));
      for (const p of pieces(reply.call.arguments, 2)) events.push(chunk({ tool_calls: [{ index: 0, function: { arguments: p } }] }));
    }
    events.push(chunk({}, finish));
    if (usageAsked) events.push(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [], usage: USAGE(!!reply.reasoning) })}\n\n`);
    events.push('data: [DONE]\n\n');
    await writeEvents(res, events, { gapMs: scenario === 'comments' ? 20 : 0, dieAfter: scenario === 'die-after' ? Number(arg) : undefined, hangAfter: scenario === 'hang-after' ? Number(arg) : undefined });
  });
}
