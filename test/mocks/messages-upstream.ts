/**
 * A scripted loopback upstream for the Messages route tests: an Anthropic-kind API (`/anthropic/v1/messages`,
 * `/anthropic/v1/messages/count_tokens`) and an OpenAI-compatible one (`/openai/v1/chat/completions`). Each
 * test sets `reply` to decide the answer from the request (default: a short text answer). It records every
 * request, and rejects what the real APIs reject where it matters here:
 * - Anthropic: a missing or wrong `x-api-key`, no `anthropic-version`, no `max_tokens`, no `messages`;
 * - OpenAI: a wrong bearer key, unknown top-level fields ("Unrecognized request argument supplied"),
 *   `parallel_tool_calls` without `tools`, roles other than system/user/assistant/tool/developer, and a `tool`
 *   message that answers no preceding assistant `tool_calls` id.
 * Answers, streamed or whole, are in the recorded shapes (test/fixtures: anthropic-messages.sse, openai-chat.sse),
 * and the OpenAI usage chunk comes only with `stream_options.include_usage`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenLoopback, readText } from './loopback.js';

export const UPSTREAM_KEYS = { anthropic: 'sk-ant-upstream-0123456789', openai: 'sk-openai-upstream-0123456789' };

export interface UpstreamRequest {
  kind: 'anthropic' | 'openai';
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** A scripted answer: `text` and/or `tools` (the model's turn), or a raw `status` + `error` body. */
export interface Turn {
  text?: string;
  /** Reasoning text (OpenAI-compatible: `reasoning_content`; Anthropic: a thinking block). */
  thinking?: string;
  tools?: Array<{ id: string; name: string; input: Record<string, unknown> }>;
  status?: number;
  error?: unknown;
  headers?: Record<string, string>;
  /** SSE only: a keep-alive comment before the first event. */
  keepAlive?: boolean;
}

export interface MessagesUpstream {
  url: string;
  requests: UpstreamRequest[];
  /** Decides each answer; default `{ text: 'Hello from the mock.' }`. */
  reply: (req: UpstreamRequest) => Turn;
  /** Env for the gateway: both providers pointed here, with the keys the mock expects. */
  env: Record<string, string>;
  close(): Promise<void>;
}

const OPENAI_FIELDS = new Set([
  'model', 'messages', 'max_tokens', 'max_completion_tokens', 'temperature', 'top_p', 'stop', 'stream', 'stream_options', 'tools',
  'tool_choice', 'parallel_tool_calls', 'user', 'reasoning_effort', 'response_format', 'n', 'seed', 'logprobs', 'top_logprobs',
  'presence_penalty', 'frequency_penalty', 'logit_bias', 'metadata', 'store', 'service_tier', 'modalities', 'audio', 'prediction',
  'web_search_options', 'verbosity', 'prompt_cache_key', 'safety_identifier',
]);
const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);

const sse = (events: unknown[]) => events.map((e) => (typeof e === 'string' ? e : `data: ${JSON.stringify(e)}\n\n`));
const anthropicEvent = (data: { type: string }) => `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;

function openAIProblem(req: UpstreamRequest): string | undefined {
  const b = req.body;
  if (req.headers.authorization !== `Bearer ${UPSTREAM_KEYS.openai}`) return 'Incorrect API key provided.';
  if (typeof b !== 'object' || b === null) return 'We could not parse the JSON body of your request.';
  for (const k of Object.keys(b)) if (!OPENAI_FIELDS.has(k)) return `Unrecognized request argument supplied: ${k}`;
  if (b.parallel_tool_calls !== undefined && !(Array.isArray(b.tools) && b.tools.length > 0)) return "Invalid value for 'parallel_tool_calls': only allowed when 'tools' are specified.";
  if (!Array.isArray(b.messages) || b.messages.length === 0) return "Invalid 'messages': empty array.";
  const open = new Set<string>();
  for (const m of b.messages) {
    if (!ROLES.has(m?.role)) return `Invalid value: '${m?.role}'. Supported values are: 'system', 'assistant', 'user', 'tool', and 'developer'.`;
    if (m.role === 'assistant') for (const tc of m.tool_calls ?? []) open.add(tc.id);
    if (m.role === 'tool' && !open.has(m.tool_call_id)) return "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.";
  }
  return undefined;
}

function anthropicProblem(req: UpstreamRequest): { status: number; type: string; message: string } | undefined {
  if (req.headers['x-api-key'] !== UPSTREAM_KEYS.anthropic) return { status: 401, type: 'authentication_error', message: 'invalid x-api-key' };
  if (!req.headers['anthropic-version']) return { status: 400, type: 'invalid_request_error', message: 'anthropic-version: header is required' };
  const b = req.body;
  if (!Array.isArray(b?.messages)) return { status: 400, type: 'invalid_request_error', message: 'messages: Field required' };
  if (!req.path.endsWith('/count_tokens') && typeof b.max_tokens !== 'number') return { status: 400, type: 'invalid_request_error', message: 'max_tokens: Field required' };
  return undefined;
}

function chatAnswer(turn: Turn, body: any): { json?: unknown; events?: string[] } {
  const id = 'chatcmpl-mock1';
  const base = { id, object: 'chat.completion.chunk', created: 1760451260, model: body.model, system_fingerprint: 'fp_mock' };
  const finish = turn.tools?.length ? 'tool_calls' : 'stop';
  const usage = { prompt_tokens: 30, completion_tokens: 9, total_tokens: 39, prompt_tokens_details: { cached_tokens: 10 } };
  if (body.stream !== true) {
    const message: any = { role: 'assistant', content: turn.text ?? null, refusal: null };
    if (turn.thinking) message.reasoning_content = turn.thinking;
    if (turn.tools?.length) message.tool_calls = turn.tools.map((t) => ({ id: t.id, type: 'function', function: { name: t.name, arguments: JSON.stringify(t.input) } }));
    return { json: { id, object: 'chat.completion', created: 1760451260, model: body.model, choices: [{ index: 0, message, logprobs: null, finish_reason: finish }], usage } };
  }
  const chunk = (delta: object, finish_reason: string | null = null) => ({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason }], usage: null });
  const events: unknown[] = [chunk({ role: 'assistant', content: '', refusal: null })];
  if (turn.thinking) events.push(chunk({ reasoning_content: turn.thinking }));
  if (turn.text) for (const piece of turn.text.match(/.{1,12}/gs) ?? []) events.push(chunk({ content: piece }));
  turn.tools?.forEach((t, index) => {
    events.push(chunk({ tool_calls: [{ index, id: t.id, type: 'function', function: { name: t.name, arguments: '' } }] }));
    const args = JSON.stringify(t.input);
    const half = Math.ceil(args.length / 2);
    events.push(chunk({ tool_calls: [{ index, function: { arguments: args.slice(0, half) } }] }), chunk({ tool_calls: [{ index, function: { arguments: args.slice(half) } }] }));
  });
  events.push(chunk({}, finish));
  if (body.stream_options?.include_usage === true) events.push({ ...base, choices: [], usage });
  events.push('data: [DONE]\n\n');
  return { events: sse(events) };
}

function messageAnswer(turn: Turn, body: any): { json?: unknown; events?: string[] } {
  const content: any[] = [];
  if (turn.thinking) content.push({ type: 'thinking', thinking: turn.thinking, signature: 'EqQBCkYIBxgCKkCmock' });
  if (turn.text) content.push({ type: 'text', text: turn.text });
  for (const t of turn.tools ?? []) content.push({ type: 'tool_use', id: t.id, name: t.name, input: t.input });
  const stop_reason = turn.tools?.length ? 'tool_use' : 'end_turn';
  const usage = { input_tokens: 21, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 10, service_tier: 'standard' };
  const message = { model: body.model, id: 'msg_01MockPassThrough', type: 'message', role: 'assistant', content, stop_reason, stop_sequence: null, usage };
  if (body.stream !== true) return { json: message };
  const events = [anthropicEvent({ type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } } } as any)];
  content.forEach((block, index) => {
    const empty = block.type === 'text' ? { type: 'text', text: '' } : block.type === 'thinking' ? { type: 'thinking', thinking: '', signature: '' } : { ...block, input: {} };
    events.push(anthropicEvent({ type: 'content_block_start', index, content_block: empty } as any));
    if (index === 0) events.push('event: ping\ndata: {"type": "ping"}\n\n');
    if (block.type === 'text') events.push(anthropicEvent({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: block.text } } as any));
    if (block.type === 'thinking') {
      events.push(anthropicEvent({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: block.thinking } } as any));
      events.push(anthropicEvent({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: block.signature } } as any));
    }
    if (block.type === 'tool_use') events.push(anthropicEvent({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } } as any));
    events.push(anthropicEvent({ type: 'content_block_stop', index } as any));
  });
  events.push(anthropicEvent({ type: 'message_delta', delta: { stop_reason, stop_sequence: null }, usage: { output_tokens: 10 } } as any));
  events.push(anthropicEvent({ type: 'message_stop' }));
  return { events };
}

export async function startMessagesUpstream(): Promise<MessagesUpstream> {
  const mock: MessagesUpstream = {
    url: '',
    requests: [],
    reply: () => ({ text: 'Hello from the mock.' }),
    env: {},
    close: async () => {},
  };

  const send = async (res: ServerResponse, status: number, headers: Record<string, string>, answer: { json?: unknown; events?: string[] }, keepAlive = false) => {
    if (answer.events) {
      res.writeHead(status, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...headers });
      if (keepAlive) res.write(': keep-alive\n\n');
      for (const e of answer.events) res.write(e);
      res.end();
    } else res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(answer.json));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await readText(req);
    let body: any;
    try {
      body = JSON.parse(raw);
    } catch {
      body = raw;
    }
    const path = req.url ?? '/';
    const kind = path.startsWith('/anthropic/') ? 'anthropic' : 'openai';
    const rec: UpstreamRequest = { kind, path, headers: { ...req.headers }, body };
    mock.requests.push(rec);
    if (kind === 'anthropic') {
      const problem = anthropicProblem(rec);
      if (problem) return send(res, problem.status, { 'request-id': 'req_mock' }, { json: { type: 'error', error: { type: problem.type, message: problem.message } } });
      if (path === '/anthropic/v1/messages/count_tokens') return send(res, 200, { 'request-id': 'req_mock' }, { json: { input_tokens: 4242 } });
      if (path !== '/anthropic/v1/messages') return send(res, 404, {}, { json: { type: 'error', error: { type: 'not_found_error', message: 'Not found' } } });
    } else {
      if (path !== '/openai/v1/chat/completions') return send(res, 404, {}, { json: { error: { message: 'Not found', type: 'invalid_request_error', param: null, code: null } } });
      const problem = openAIProblem(rec);
      if (problem) return send(res, problem.startsWith('Incorrect') ? 401 : 400, {}, { json: { error: { message: problem, type: 'invalid_request_error', param: null, code: null } } });
    }
    const turn = mock.reply(rec);
    if (turn.status) return send(res, turn.status, turn.headers ?? {}, { json: turn.error });
    const answer = kind === 'anthropic' ? messageAnswer(turn, body) : chatAnswer(turn, body);
    return send(res, 200, { ...(kind === 'anthropic' ? { 'request-id': 'req_mock_pass' } : { 'x-request-id': 'req_mock_chat' }), ...turn.headers }, answer, turn.keepAlive);
  };

  const server = createServer((req, res) => void handle(req, res).catch((err) => res.destroy(err)));
  const listening = await listenLoopback(server);
  mock.url = listening.url;
  mock.env = {
    ANTHROPIC_BASE_URL: `${mock.url}/anthropic`,
    ANTHROPIC_API_KEY: UPSTREAM_KEYS.anthropic,
    OPENAI_BASE_URL: `${mock.url}/openai/v1`,
    OPENAI_API_KEY: UPSTREAM_KEYS.openai,
    // This mock speaks chat only: `openai` as a chat-only provider, so /v1/messages reaches it through chat (the
    // Responses upstream of translated traffic has its own mock, openai-upstream.ts).
    MINI_LLM_PROVIDERS: JSON.stringify({ openai: { responses: false } }),
  };
  mock.close = listening.close;
  return mock;
}
