/**
 * A loopback Anthropic Messages API that is strict where the real one is (ANTHROPIC-FIDELITY.md §2.3, §3.3, §4.1),
 * answering 400 with Anthropic's error shape and wording for:
 * - thinking on and the last assistant turn with tool_use not starting with a thinking block, or a thinking block
 *   whose text or signature is not exactly what this server issued;
 * - a fifth cache_control breakpoint (a top-level marker counts as one), a marker on a thinking block;
 * - the thinking constraints: temperature / top_k, top_p outside 0.95–1, forced tool_choice, budget_tokens < 1024
 *   or ≥ max_tokens; `enabled` on newest models, `adaptive` before 4.6, effort on models without it;
 * - sampling: temperature + top_p on 4.5/4.6, any sampling parameter on the newest models;
 * - structured outputs on models without them, and schemas outside the supported subset (an object without
 *   `additionalProperties: false`, numeric/length keywords).
 * It reports cache usage (a prefix cached by an earlier request up to a breakpoint is read, the rest up to the
 * breakpoint written), and streams thinking_delta + signature_delta. What it answers:
 * - `output_config.format` → text holding a JSON value generated from the schema;
 * - `tool_choice` `tool` (or `any`) → that tool (`json_response` first for `any`), input from its schema;
 * - tools and fewer than 2 tool results so far → a call of the first tool; else text;
 * - a last user text containing REFUSE → stop_reason `refusal` with stop_details.
 * With thinking on, a signed thinking block comes first (empty text under `display: "omitted"`, the newest
 * models' default).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenLoopback, readText } from './loopback.js';

type Json = Record<string, any>;

export interface StrictAnthropic {
  url: string;
  requests: { headers: IncomingMessage['headers']; body: Json; status: number; error?: string }[];
  close(): Promise<void>;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

type Family = 'legacy' | '4.5' | '4.6' | 'newest';
function family(model: string): Family {
  if (/claude-3-|claude-(?:opus|sonnet)-4(?:-[01])?(?:-\d{8})?$/.test(model)) return 'legacy';
  if (/-4-5(?!\d)/.test(model)) return '4.5';
  if (/-4-6(?!\d)/.test(model)) return '4.6';
  return 'newest';
}

const THINKING_ORDER_ERROR = (i: number) =>
  `messages.${i}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`tool_use\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking`;

const UNSUPPORTED_SCHEMA_KEYWORDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength', 'maxItems', 'minProperties', 'maxProperties'];

function schemaError(s: unknown, path: string): string | undefined {
  if (!isObject(s)) return undefined;
  for (const k of UNSUPPORTED_SCHEMA_KEYWORDS) if (k in s) return `${path}: For '${k}', property is not supported`;
  if (s.minItems !== undefined && s.minItems !== 0 && s.minItems !== 1) return `${path}: minItems values other than 0 or 1 are not supported`;
  const types = Array.isArray(s.type) ? s.type : [s.type];
  if (types.includes('object') && s.additionalProperties !== false) return `${path}: For 'object' type, 'additionalProperties' must be explicitly set to false`;
  for (const [k, v] of Object.entries(isObject(s.properties) ? s.properties : {})) {
    const e = schemaError(v, `${path}.properties.${k}`);
    if (e) return e;
  }
  for (const key of ['anyOf', 'allOf']) {
    if (Array.isArray(s[key])) for (const [i, v] of s[key].entries()) {
      const e = schemaError(v, `${path}.${key}[${i}]`);
      if (e) return e;
    }
  }
  if (s.items) return schemaError(s.items, `${path}.items`);
  for (const [k, v] of Object.entries(isObject(s.$defs) ? s.$defs : {})) {
    const e = schemaError(v, `${path}.$defs.${k}`);
    if (e) return e;
  }
  return undefined;
}

/** A value that satisfies the schema (enough of JSON Schema for tests). */
export function sampleOf(s: unknown, root: Json = isObject(s) ? s : {}): unknown {
  if (!isObject(s)) return null;
  if (typeof s.$ref === 'string') return sampleOf(root.$defs?.[s.$ref.split('/').pop()!] ?? root.definitions?.[s.$ref.split('/').pop()!], root);
  if (Array.isArray(s.enum)) return s.enum[0];
  if ('const' in s) return s.const;
  if (Array.isArray(s.anyOf)) return sampleOf(s.anyOf[0], root);
  if (Array.isArray(s.oneOf)) return sampleOf(s.oneOf[0], root);
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== 'null') : s.type;
  switch (type) {
    case 'object':
      // An open object (json_object's tool): what a model writes when asked for "some JSON".
      if (!isObject(s.properties) && s.additionalProperties !== false) return { answer: 'Paris' };
      return Object.fromEntries(Object.entries(isObject(s.properties) ? s.properties : {}).map(([k, v]) => [k, sampleOf(v, root)]));
    case 'array':
      return [sampleOf(s.items, root)];
    case 'string':
      return s.format === 'date' ? '2026-12-01' : 'Paris';
    case 'integer':
      return 21;
    case 'number':
      return 21.5;
    case 'boolean':
      return true;
    default:
      return null;
  }
}

const tokens = (v: unknown) => Math.ceil(JSON.stringify(v).length / 4);
const withoutCacheControl = (b: unknown): unknown => {
  if (!isObject(b)) return b;
  const { cache_control: _cc, ...rest } = b;
  return rest;
};

export async function startStrictAnthropic(): Promise<StrictAnthropic> {
  const requests: StrictAnthropic['requests'] = [];
  /** signature → the exact thinking text it was issued for. */
  const issued = new Map<string, string>();
  const redacted = new Set<string>();
  /** Hashes of cached prompt prefixes (`<block count>:<sha256>`). */
  const cached = new Set<string>();

  function validate(body: Json): string | undefined {
    const fam = family(String(body.model ?? ''));
    if (!Number.isInteger(body.max_tokens) || body.max_tokens < 1) return 'max_tokens: Field required';
    if (!Array.isArray(body.messages)) return 'messages: Field required';
    const thinking = body.thinking;
    const on = isObject(thinking) && (thinking.type === 'enabled' || thinking.type === 'adaptive');
    if (isObject(thinking) && thinking.type === 'enabled') {
      if (fam === 'newest') return '"thinking.type.enabled" is not supported for this model. Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior.';
      if (!Number.isInteger(thinking.budget_tokens) || thinking.budget_tokens < 1024) return 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024';
      if (thinking.budget_tokens >= body.max_tokens) return '`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size';
    }
    if (isObject(thinking) && thinking.type === 'adaptive' && (fam === 'legacy' || fam === '4.5')) return 'adaptive thinking is not supported on this model';
    const effort = body.output_config?.effort;
    if (effort !== undefined) {
      const allowed = fam === 'newest' ? ['low', 'medium', 'high', 'xhigh', 'max'] : fam === '4.6' ? ['low', 'medium', 'high', 'max'] : /opus-4-5/.test(body.model) ? ['low', 'medium', 'high'] : [];
      if (allowed.length === 0) return 'This model does not support the effort parameter.';
      if (!allowed.includes(effort)) return `output_config.effort: "${effort}" is not supported for this model`;
    }
    if (fam === 'newest') {
      for (const k of ['temperature', 'top_p', 'top_k']) if (body[k] !== undefined) return `\`${k}\` is deprecated for this model.`;
    }
    if ((fam === '4.5' || fam === '4.6') && body.temperature !== undefined && body.top_p !== undefined) {
      return '`temperature` and `top_p` cannot both be specified for this model. Please use only one.';
    }
    if (on) {
      if (body.temperature !== undefined && body.temperature !== 1) return '`temperature` may only be set to 1 when thinking is enabled or in adaptive mode. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#feature-compatibility';
      if (body.top_k !== undefined) return '`top_k` must be unset when thinking is enabled or in adaptive mode. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#feature-compatibility';
      if (body.top_p !== undefined && (body.top_p < 0.95 || body.top_p > 1)) return '`top_p` must be between 0.95 and 1 when thinking is enabled or in adaptive mode.';
      const tc = body.tool_choice?.type;
      if (tc === 'any' || tc === 'tool') return 'Thinking may not be enabled when tool_choice forces tool use.';
    }
    if (body.output_config?.format) {
      if (fam === 'legacy') return `'${body.model}' does not support output format.`;
      const e = schemaError(body.output_config.format.schema, 'output_config.format.schema');
      if (e) return e;
    }
    for (const [i, t] of (Array.isArray(body.tools) ? body.tools : []).entries()) {
      if (t.strict === true) {
        const e = schemaError(t.input_schema, `tools.${i}.custom.input_schema`);
        if (e) return e;
      }
    }
    // Breakpoints: top-level, tools, system, message blocks.
    let breakpoints = body.cache_control ? 1 : 0;
    const count = (b: unknown) => (isObject(b) && b.cache_control ? 1 : 0);
    for (const t of body.tools ?? []) breakpoints += count(t);
    if (Array.isArray(body.system)) for (const b of body.system) breakpoints += count(b);
    for (const [i, m] of body.messages.entries()) {
      if (!Array.isArray(m.content)) continue;
      for (const [j, b] of m.content.entries()) {
        breakpoints += count(b);
        if (Array.isArray(b.content)) for (const c of b.content) breakpoints += count(c);
        if ((b.type === 'thinking' || b.type === 'redacted_thinking') && b.cache_control) return `messages.${i}.content.${j}.thinking.cache_control: Extra inputs are not permitted`;
        if (b.type === 'thinking') {
          if (issued.get(b.signature) !== b.thinking) return `messages.${i}.content.${j}: Invalid \`signature\` in \`thinking\` block`;
        }
        if (b.type === 'redacted_thinking' && !redacted.has(b.data)) return `messages.${i}.content.${j}: Invalid \`data\` in \`redacted_thinking\` block`;
      }
    }
    if (breakpoints > 4) return `A maximum of 4 blocks with cache_control may be provided. Found ${breakpoints}.`;
    if (on) {
      for (let i = body.messages.length - 1; i >= 0; i--) {
        const m = body.messages[i];
        if (m.role !== 'assistant') continue;
        const blocks = Array.isArray(m.content) ? m.content : [];
        if (blocks.some((b: Json) => b.type === 'tool_use') && blocks[0]?.type !== 'thinking' && blocks[0]?.type !== 'redacted_thinking') return THINKING_ORDER_ERROR(i);
        break;
      }
    }
    return undefined;
  }

  /** Cache accounting over the prompt's blocks in order (tools → system → messages). */
  function cacheUsage(body: Json): { input_tokens: number; cache_creation_input_tokens: number; cache_read_input_tokens: number } {
    const blocks: unknown[] = [...(body.tools ?? [])];
    if (Array.isArray(body.system)) blocks.push(...body.system);
    else if (typeof body.system === 'string') blocks.push({ type: 'text', text: body.system });
    for (const m of body.messages) {
      if (typeof m.content === 'string') blocks.push({ role: m.role, text: m.content });
      else for (const b of m.content) blocks.push({ role: m.role, ...b });
    }
    let breakpoint = -1;
    blocks.forEach((b, i) => {
      if (isObject(b) && b.cache_control) breakpoint = i;
    });
    if (body.cache_control) breakpoint = blocks.length - 1;
    const total = tokens(blocks.map(withoutCacheControl));
    if (breakpoint < 0) return { input_tokens: total, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
    const hash = createHash('sha256');
    const prefixes: string[] = [];
    blocks.slice(0, breakpoint + 1).forEach((b, i) => {
      hash.update(JSON.stringify(withoutCacheControl(b)));
      prefixes.push(`${i + 1}:${hash.copy().digest('hex')}`);
    });
    let hit = 0;
    prefixes.forEach((p, i) => {
      if (cached.has(p)) hit = i + 1;
    });
    prefixes.forEach((p) => cached.add(p));
    const read = hit > 0 ? tokens(blocks.slice(0, hit).map(withoutCacheControl)) : 0;
    const upTo = tokens(blocks.slice(0, breakpoint + 1).map(withoutCacheControl));
    return { input_tokens: Math.max(1, total - upTo), cache_creation_input_tokens: upTo - read, cache_read_input_tokens: read };
  }

  function answer(body: Json): { content: Json[]; stop_reason: string; stop_details?: Json; thinkingTokens: number } {
    const content: Json[] = [];
    let thinkingTokens = 0;
    const on = isObject(body.thinking) && (body.thinking.type === 'enabled' || body.thinking.type === 'adaptive');
    const results = body.messages.flatMap((m: Json) => (Array.isArray(m.content) ? m.content : [])).filter((b: Json) => b.type === 'tool_result').length;
    if (on) {
      const omitted = body.thinking.display === 'omitted' || (family(body.model) === 'newest' && body.thinking.display !== 'summarized');
      const text = omitted ? '' : `Thinking about step ${results + 1}.`;
      const signature = `sig_${randomBytes(12).toString('hex')}`;
      issued.set(signature, text);
      content.push({ type: 'thinking', thinking: text, signature });
      thinkingTokens = 12;
    }
    const last = body.messages[body.messages.length - 1];
    const lastText = typeof last?.content === 'string' ? last.content : (last?.content ?? []).map((b: Json) => b.text ?? '').join('');
    if (lastText.includes('REFUSE')) {
      content.push({ type: 'text', text: 'I cannot help with that.' });
      return { content, stop_reason: 'refusal', stop_details: { type: 'refusal', category: 'cyber', explanation: 'This request was declined by the safety system.' }, thinkingTokens };
    }
    const tools: Json[] = body.tools ?? [];
    const choice = body.tool_choice?.type;
    const forced = choice === 'tool' ? tools.find((t) => t.name === body.tool_choice.name) : choice === 'any' ? (tools.find((t) => t.name === 'json_response') ?? tools[0]) : undefined;
    const call = forced ?? (tools.length > 0 && choice !== 'none' && results < 2 && !body.output_config?.format ? tools[0] : undefined);
    if (body.output_config?.format && !call) {
      content.push({ type: 'text', text: JSON.stringify(sampleOf(body.output_config.format.schema)) });
      return { content, stop_reason: 'end_turn', thinkingTokens };
    }
    if (call) {
      if (!forced) content.push({ type: 'text', text: 'Let me look that up.' });
      content.push({ type: 'tool_use', id: `toolu_${randomBytes(8).toString('hex')}`, name: call.name, input: sampleOf(call.input_schema) });
      return { content, stop_reason: 'tool_use', thinkingTokens };
    }
    content.push({ type: 'text', text: results > 0 ? `Done after ${results} tool results.` : 'Hello from the strict mock.' });
    return { content, stop_reason: 'end_turn', thinkingTokens };
  }

  function sse(res: ServerResponse, id: string, body: Json, a: ReturnType<typeof answer>, usage: Json) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': `req_${id}` });
    const send = (event: string, data: Json) => res.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
    send('message_start', { message: { id, type: 'message', role: 'assistant', model: body.model, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } } });
    send('ping', {});
    a.content.forEach((b, index) => {
      if (b.type === 'thinking') {
        send('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } });
        const half = Math.ceil(b.thinking.length / 2);
        for (const piece of [b.thinking.slice(0, half), b.thinking.slice(half)]) if (piece) send('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: piece } });
        send('content_block_delta', { index, delta: { type: 'signature_delta', signature: b.signature } });
      } else if (b.type === 'text') {
        send('content_block_start', { index, content_block: { type: 'text', text: '' } });
        const half = Math.ceil(b.text.length / 2);
        for (const piece of [b.text.slice(0, half), b.text.slice(half)]) if (piece) send('content_block_delta', { index, delta: { type: 'text_delta', text: piece } });
      } else if (b.type === 'tool_use') {
        send('content_block_start', { index, content_block: { type: 'tool_use', id: b.id, name: b.name, input: {} } });
        const json = JSON.stringify(b.input);
        const half = Math.ceil(json.length / 2);
        for (const piece of [json.slice(0, half), json.slice(half)]) send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } });
      }
      send('content_block_stop', { index });
    });
    send('message_delta', {
      delta: { stop_reason: a.stop_reason, stop_sequence: null, ...(a.stop_details ? { stop_details: a.stop_details } : {}) },
      usage: { ...usage, output_tokens: tokens(a.content), ...(a.thinkingTokens ? { output_tokens_details: { thinking_tokens: a.thinkingTokens } } : {}) },
    });
    send('message_stop', {});
    res.end();
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const raw = await readText(req);
    const id = `msg_${randomBytes(8).toString('hex')}`;
    const reply = (status: number, payload: Json) => {
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${id}` });
      res.end(JSON.stringify(payload));
    };
    if (req.method !== 'POST' || req.url !== '/v1/messages') return reply(404, { type: 'error', error: { type: 'not_found_error', message: 'Not found' } });
    if (!req.headers['x-api-key']) return reply(401, { type: 'error', error: { type: 'authentication_error', message: 'x-api-key header is required' } });
    let body: Json;
    try {
      body = JSON.parse(raw);
    } catch {
      return reply(400, { type: 'error', error: { type: 'invalid_request_error', message: 'There was an issue with the request body: invalid JSON' } });
    }
    const error = validate(body);
    requests.push({ headers: req.headers, body, status: error ? 400 : 200, error });
    if (error) return reply(400, { type: 'error', error: { type: 'invalid_request_error', message: error }, request_id: `req_${id}` });
    const a = answer(body);
    const usage = cacheUsage(body);
    for (const b of a.content) if (b.type === 'redacted_thinking') redacted.add(b.data);
    if (body.stream === true) return sse(res, id, body, a, usage);
    reply(200, {
      id,
      type: 'message',
      role: 'assistant',
      model: body.model,
      content: a.content,
      stop_reason: a.stop_reason,
      stop_sequence: null,
      ...(a.stop_details ? { stop_details: a.stop_details } : {}),
      usage: { ...usage, output_tokens: tokens(a.content), ...(a.thinkingTokens ? { output_tokens_details: { thinking_tokens: a.thinkingTokens } } : {}) },
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: String(e) } }));
    });
  });
  const { url, close } = await listenLoopback(server);
  return { url, requests, close };
}
