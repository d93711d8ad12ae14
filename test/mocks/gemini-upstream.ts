/**
 * A strict loopback Gemini API (generativelanguage.googleapis.com's native routes), strict where the real one
 * is (research/GEMINI.md §3, §4):
 * - `x-goog-api-key`: missing → 403 PERMISSION_DENIED, wrong → 400 INVALID_ARGUMENT (API_KEY_INVALID), as Google
 *   answers; every error in Google's shape `{"error": {"code", "message", "status", "details"?}}`;
 * - unknown request fields (top level and `generationConfig`) → 400 `Invalid JSON payload received. Unknown name`;
 *   roles other than user/model, empty `parts`, a part with no data, `parameters` and `parametersJsonSchema`
 *   together, `thinkingLevel` on a model before Gemini 3, a function-response turn whose responses do not match
 *   the calls of the turn before (count and names);
 * - Gemini 3 names (`gemini-3…`): in the current turn (after the last user content that is not only function
 *   responses) the first functionCall of every model content must carry a thoughtSignature this server issued,
 *   or `skip_thought_signature_validator`: missing → 400 "Function call is missing a thought_signature…", any
 *   other → 400 "Corrupted thought signature.".
 * What it answers (the scripted model), as Gemini does: function calls without `id`, a signature on the first
 * call of each turn (else on the last text part), thought parts when `includeThoughts`, cumulative
 * `usageMetadata` on every stream event, `finishReason` on the last, no `[DONE]`:
 * - tools offered (mode not NONE): turn 1 → two parallel calls of the first tool (its first string property
 *   "Paris", then "Tokyo"), turn 2 → one call of the second tool (or the first), then text quoting the results;
 *   a test may script the calls of those two turns itself (`script`: a coding agent's own tools, Claude Code's
 *   Read or Codex's shell, on real files), the rest (signatures, the checks above, the text) unchanged;
 * - a `responseJsonSchema` → JSON that fits it; else "Hello from Gemini.".
 * Model names ending in `-blocked`, `-safety`, `-max`, `-malformed`, `-rate-limited` (429), `-unauthenticated`
 * (401), `-array-error` (400 in the array form), `-stream-error` (an error event mid-stream), `-die` (the
 * connection dropped before a streamed array's last element), `-cut` (a stream
 * that stops without finishReason), `-echo-key` (a 400 whose message quotes the key it got) answer those cases.
 * `GET /v1beta/models` lists in two pages; `:embedContent` and `:batchEmbedContents` answer deterministic vectors
 * (a request's `model`, where given, must be the path's, as Google requires); `:countTokens` counts `contents`
 * (or `generateContentRequest.contents`). Every request is recorded, with the bytes the mock answered.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenLoopback, readBody } from './loopback.js';
import { sample } from './scripted-reply.js';

export const GEMINI_KEY = 'AIza-gemini-upstream-0123456789';
export const BYPASS = 'skip_thought_signature_validator';
export const THOUGHT = 'Weighing what the user asked.';
export const HELLO = 'Hello from Gemini.';

type Json = Record<string, any>;

export interface GeminiRequest {
  method: string;
  path: string;
  model: string;
  action: string;
  headers: IncomingMessage['headers'];
  body: any;
  status: number;
  error?: string;
  /** The answer's body as sent, byte for byte (SSE events with Google's `\r\n\r\n`). */
  answer: string;
}

export interface GeminiUpstream {
  url: string;
  requests: GeminiRequest[];
  /** Signatures this server issued. */
  issued: Set<string>;
  /** The calls of tool turn `round` (0: the parallel calls, 1: the next) for the functions offered; else the default. */
  script?: (functions: Json[], round: number) => Array<{ name: string; args: Json }> | undefined;
  /** Env for the gateway: the gemini provider pointed here with the key this mock expects. */
  env: Record<string, string>;
  /** When set, every stream waits for it before its last event (a test reads what came before, then resolves it). */
  hold?: Promise<void>;
  close(): Promise<void>;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const STATUS: Record<number, string> = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL' };
const googleError = (code: number, message: string, details?: unknown[]) => ({ error: { code, message, status: STATUS[code], ...(details ? { details } : {}) } });

const REQUEST_FIELDS = new Set(['contents', 'systemInstruction', 'tools', 'toolConfig', 'generationConfig', 'safetySettings', 'cachedContent']);
const GENERATION_FIELDS = new Set([
  'temperature', 'topP', 'topK', 'candidateCount', 'maxOutputTokens', 'stopSequences', 'presencePenalty', 'frequencyPenalty', 'seed',
  'responseMimeType', 'responseSchema', 'responseJsonSchema', 'thinkingConfig', 'responseModalities', 'responseLogprobs', 'logprobs',
]);
const PART_DATA = ['text', 'inlineData', 'fileData', 'functionCall', 'functionResponse', 'executableCode', 'codeExecutionResult'];

export const isGemini3Name = (model: string) => /^gemini-([3-9]|\d{2,})/.test(model);

const MISSING_SIGNATURE = (name: string, i: number) =>
  `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${name}\` , position ${i + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`;

/** A user content made of function responses only (part of the current turn, not its start). */
const onlyResponses = (c: Json) => c.parts.every((p: Json) => isObject(p.functionResponse));

function problem(model: string, body: any, issued: Set<string>): string | undefined {
  if (!isObject(body)) return 'Invalid JSON payload received.';
  for (const k of Object.keys(body)) if (!REQUEST_FIELDS.has(k)) return `Invalid JSON payload received. Unknown name "${k}": Cannot find field.`;
  const gen = body.generationConfig;
  if (gen !== undefined) {
    if (!isObject(gen)) return "Invalid value at 'generation_config'";
    for (const k of Object.keys(gen)) if (!GENERATION_FIELDS.has(k)) return `Invalid JSON payload received. Unknown name "${k}" at 'generation_config': Cannot find field.`;
    const t = gen.thinkingConfig;
    if (isObject(t) && t.thinkingLevel !== undefined && t.thinkingBudget !== undefined) return 'You can only set only one of thinking budget and thinking level.';
    if (isObject(t) && t.thinkingLevel !== undefined && !isGemini3Name(model)) return 'Thinking level is not supported for this model.';
  }
  for (const [i, tool] of (Array.isArray(body.tools) ? body.tools : []).entries()) {
    for (const [j, fd] of (Array.isArray(tool.functionDeclarations) ? tool.functionDeclarations : []).entries()) {
      if (typeof fd.name !== 'string' || !/^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$/.test(fd.name)) return `* GenerateContentRequest.tools[${i}].function_declarations[${j}].name: Invalid function name.`;
      if (fd.parameters !== undefined && fd.parametersJsonSchema !== undefined) return `tools[${i}].function_declarations[${j}]: parameters and parameters_json_schema are mutually exclusive.`;
    }
  }
  if (!Array.isArray(body.contents) || body.contents.length === 0) return '* GenerateContentRequest.contents: contents is not specified';
  let previous: Json | undefined;
  for (const [i, c] of body.contents.entries()) {
    if (!isObject(c) || (c.role !== 'user' && c.role !== 'model')) return `Please use a valid role: user, model.`;
    if (!Array.isArray(c.parts) || c.parts.length === 0) return `* GenerateContentRequest.contents[${i}].parts: contents.parts must not be empty.`;
    for (const [j, p] of c.parts.entries()) {
      if (!isObject(p) || !PART_DATA.some((k) => k in p)) return `* GenerateContentRequest.contents[${i}].parts[${j}].data: required oneof field 'data' must have one initialized field`;
      if (isObject(p.functionCall) && (typeof p.functionCall.name !== 'string' || !isObject(p.functionCall.args ?? {}))) return `contents[${i}].parts[${j}].function_call: invalid`;
      if (isObject(p.functionResponse) && (typeof p.functionResponse.name !== 'string' || p.functionResponse.name === '' || !isObject(p.functionResponse.response))) {
        return `* GenerateContentRequest.contents[${i}].parts[${j}].function_response.name: Name cannot be empty.`;
      }
    }
    const responses = c.parts.filter((p: Json) => isObject(p.functionResponse)).map((p: Json) => p.functionResponse.name).sort();
    const calls = previous?.role === 'model' ? previous.parts.filter((p: Json) => isObject(p.functionCall)).map((p: Json) => p.functionCall.name).sort() : [];
    if ((responses.length > 0 || calls.length > 0) && c.role === 'user' && JSON.stringify(responses) !== JSON.stringify(calls)) {
      return 'Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.';
    }
    previous = c;
  }
  if (isGemini3Name(model)) {
    let start = 0;
    body.contents.forEach((c: Json, i: number) => {
      if (c.role === 'user' && !onlyResponses(c)) start = i;
    });
    for (const c of body.contents.slice(start)) {
      if (c.role !== 'model') continue;
      const index = c.parts.findIndex((p: Json) => isObject(p.functionCall));
      if (index < 0) continue;
      const sig = c.parts[index].thoughtSignature;
      if (sig === undefined) return MISSING_SIGNATURE(c.parts[index].functionCall.name, index);
      if (sig !== BYPASS && !issued.has(sig)) return 'Corrupted thought signature.';
    }
  }
  return undefined;
}

/** The scripted model's turn: parts (without signatures) and the finish reason. */
function modelTurn(body: Json, script: GeminiUpstream['script']): Json[] {
  const decls: Json[] = (body.tools ?? []).flatMap((t: Json) => t.functionDeclarations ?? []);
  const mode = body.toolConfig?.functionCallingConfig?.mode;
  const contents: Json[] = body.contents;
  const rounds = contents.filter((c) => c.role === 'model' && c.parts.some((p: Json) => isObject(p.functionCall))).length;
  const parts: Json[] = [];
  if (body.generationConfig?.thinkingConfig?.includeThoughts === true) parts.push({ text: THOUGHT, thought: true });
  if (decls.length > 0 && mode !== 'NONE' && rounds < 2) {
    const scripted = script?.(decls, rounds);
    if (scripted) return [...parts, ...scripted.map((call) => ({ functionCall: call }))];
    const tool = rounds === 0 ? decls[0] : (decls[1] ?? decls[0]);
    const schema = tool.parametersJsonSchema ?? tool.parameters ?? { type: 'object', properties: {} };
    const args = sample(schema) as Json;
    const key = Object.entries(schema.properties ?? {}).find(([, s]: [string, any]) => s?.type === 'string')?.[0];
    if (rounds === 0 && key) {
      parts.push({ functionCall: { name: tool.name, args: { ...args, [key]: 'Paris' } } }, { functionCall: { name: tool.name, args: { ...args, [key]: 'Tokyo' } } });
    } else parts.push({ functionCall: { name: tool.name, args } });
    return parts;
  }
  const results = contents.flatMap((c) => c.parts.filter((p: Json) => isObject(p.functionResponse)).map((p: Json) => JSON.stringify(p.functionResponse.response)));
  const schema = body.generationConfig?.responseJsonSchema;
  const text = results.length > 0 ? `The tools answered: ${results.join('; ')}` : isObject(schema) ? JSON.stringify(sample(schema)) : HELLO;
  parts.push({ text });
  return parts;
}

const tokens = (v: unknown) => Math.ceil(JSON.stringify(v).length / 4);

/** What `:countTokens` answers for these contents (the mock's own count, unlike any gateway estimate). */
export const countOf = (contents: unknown) => tokens(contents) + 3;

const EMBED_FIELDS = new Set(['model', 'content', 'taskType', 'title', 'outputDimensionality']);

export async function startGeminiUpstream(): Promise<GeminiUpstream> {
  const issued = new Set<string>();
  const mock: GeminiUpstream = { url: '', requests: [], issued, env: {}, close: async () => {} };
  const sign = () => {
    const sig = randomBytes(24).toString('base64');
    issued.add(sig);
    return sig;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://mock');
    const match = /^\/v1beta\/models\/([^:]+):(\w+)$/.exec(url.pathname);
    const rec: GeminiRequest = { method: req.method ?? '', path: (req.url ?? ''), model: match ? decodeURIComponent(match[1]!) : '', action: match?.[2] ?? '', headers: { ...req.headers }, body, status: 200, answer: '' };
    mock.requests.push(rec);
    const write = (text: string) => {
      rec.answer += text;
      res.write(text);
    };
    const json = (status: number, answer: unknown) => {
      rec.answer = JSON.stringify(answer, null, 2);
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' }).end(rec.answer);
    };
    const fail = (code: number, message: string, details?: unknown[]) => {
      rec.status = code;
      rec.error = message;
      return json(code, googleError(code, message, details));
    };
    const key = req.headers['x-goog-api-key'];
    if (key === undefined) return fail(403, "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
    if (key !== GEMINI_KEY) return fail(400, 'API key not valid. Please pass a valid API key.', [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }]);

    if (req.method === 'GET' && url.pathname === '/v1beta/models') {
      const page2 = url.searchParams.get('pageToken') === 'page-2';
      const names = page2 ? ['gemini-3-pro-preview', 'gemini-embedding-001'] : ['gemini-2.5-flash', 'gemini-2.5-pro'];
      return json(200, { models: names.map((n) => ({ name: `models/${n}`, displayName: n, supportedGenerationMethods: ['generateContent'] })), ...(page2 ? {} : { nextPageToken: 'page-2' }) });
    }
    if (req.method !== 'POST' || !match) return fail(404, `Method not found.`);
    const model = rec.model;
    if (model.endsWith('-rate-limited')) {
      return fail(429, 'You exceeded your current quota, please check your plan and billing details.', [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' }]);
    }
    if (model.endsWith('-unauthenticated')) return fail(401, 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
    if (model.endsWith('-array-error')) {
      rec.status = 400;
      return json(400, [googleError(400, 'Request contains an invalid argument.')]);
    }
    if (model.endsWith('-echo-key')) return fail(400, `API key ${key} is not allowed to use ${model}.`);
    const own = `models/${model}`;

    if (rec.action === 'batchEmbedContents') {
      const requests = body?.requests;
      if (!Array.isArray(requests) || requests.length === 0) return fail(400, '* BatchEmbedContentsRequest.requests: requests is not specified');
      if (requests.length > 100) return fail(400, '* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch');
      const embeddings = [];
      for (const [i, r] of requests.entries()) {
        if (r?.model !== own) return fail(400, `* BatchEmbedContentsRequest.model: the model of requests[${i}] (${r?.model}) must be the batch's (${own}).`);
        const text = r?.content?.parts?.map((p: Json) => p.text).join('') ?? '';
        embeddings.push({ values: vectorOf(text, r.outputDimensionality ?? 8) });
      }
      return json(200, { embeddings });
    }
    if (rec.action === 'embedContent') {
      const unknown = Object.keys(isObject(body) ? body : {}).find((k) => !EMBED_FIELDS.has(k));
      if (unknown) return fail(400, `Invalid JSON payload received. Unknown name "${unknown}": Cannot find field.`);
      if (!isObject(body?.content) || !Array.isArray(body.content.parts)) return fail(400, '* EmbedContentRequest.content: content is not specified');
      if (body.model !== undefined && body.model !== own) return fail(400, `* EmbedContentRequest.model: ${body.model} is not the model of the path (${own}).`);
      return json(200, { embedding: { values: vectorOf(body.content.parts.map((p: Json) => p.text).join(''), body.outputDimensionality ?? 8) } });
    }
    if (rec.action === 'countTokens') {
      const inner = body?.generateContentRequest;
      if (isObject(inner) && body.contents !== undefined) return fail(400, 'contents and generate_content_request are mutually exclusive.');
      if (isObject(inner) && inner.model !== own) return fail(400, `* CountTokensRequest.generate_content_request.model: ${inner.model} is not the model of the path (${own}).`);
      const counted = isObject(inner) ? inner : body;
      const bad = problem(model, { contents: counted?.contents }, issued);
      if (bad) return fail(400, bad);
      const total = countOf(counted.contents);
      return json(200, { totalTokens: total, promptTokensDetails: [{ modality: 'TEXT', tokenCount: total }] });
    }
    if (rec.action !== 'generateContent' && rec.action !== 'streamGenerateContent') return fail(404, `Method not found.`);
    const bad = problem(model, body, issued);
    if (bad) return fail(400, bad);

    const stream = rec.action === 'streamGenerateContent';
    const sse = url.searchParams.get('alt') === 'sse';
    const prompt = tokens(body.contents);
    const usage = (candidates: number, thoughts: number) => ({
      promptTokenCount: prompt,
      candidatesTokenCount: candidates,
      totalTokenCount: prompt + candidates + thoughts,
      ...(thoughts > 0 ? { thoughtsTokenCount: thoughts } : {}),
      ...(body.cachedContent ? { cachedContentTokenCount: 8 } : {}),
    });
    const base = { modelVersion: model, responseId: `resp-${randomBytes(6).toString('hex')}` };
    let events: Json[];
    if (model.endsWith('-blocked')) events = [{ promptFeedback: { blockReason: 'SAFETY', safetyRatings: [] }, usageMetadata: usage(0, 0), ...base }];
    else if (model.endsWith('-safety')) events = [{ candidates: [{ finishReason: 'SAFETY', index: 0, safetyRatings: [] }], usageMetadata: usage(0, 0), ...base }];
    else if (model.endsWith('-malformed')) events = [{ candidates: [{ content: { role: 'model', parts: [] }, finishReason: 'MALFORMED_FUNCTION_CALL', index: 0 }], usageMetadata: usage(0, 0), ...base }];
    else {
      const parts = modelTurn(body, mock.script);
      const first = parts.findIndex((p) => isObject(p.functionCall));
      parts[first >= 0 ? first : parts.length - 1]!.thoughtSignature = sign();
      const finishReason = model.endsWith('-max') ? 'MAX_TOKENS' : 'STOP';
      // Streamed: the thought, the text in two pieces (the signature on the last), the calls together.
      const chunks: Json[][] = [];
      for (const p of parts) {
        if (typeof p.text === 'string' && !p.thought && stream) {
          const half = Math.ceil(p.text.length / 2);
          chunks.push([{ text: p.text.slice(0, half) }], [{ ...p, text: p.text.slice(half) }]);
        } else if (isObject(p.functionCall) && chunks.at(-1)?.some((q) => isObject(q.functionCall))) chunks.at(-1)!.push(p);
        else chunks.push([p]);
      }
      if (!stream) chunks.splice(0, chunks.length, parts);
      let candidates = 0;
      let thoughts = 0;
      events = chunks.map((c, i) => {
        for (const p of c) {
          if (p.thought) thoughts += tokens(p.text);
          else candidates += tokens(p.text ?? p.functionCall);
        }
        const last = i === chunks.length - 1;
        return { candidates: [{ content: { role: 'model', parts: c }, ...(last ? { finishReason } : {}), index: 0 }], usageMetadata: usage(candidates, thoughts), ...base };
      });
    }
    if (!stream) return json(200, events[0]);
    if (!sse) {
      // Google's streamed JSON array (`application/json`): `[`, each element as it is made, `\r\n,\r\n` between,
      // `\r\n]` last. `-die` drops the connection before the last element.
      res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
      for (const [i, e] of events.entries()) {
        if (i === events.length - 1) await mock.hold;
        if (model.endsWith('-die') && i === events.length - 1) return void res.socket?.destroy();
        write(`${i === 0 ? '[' : '\r\n,\r\n'}${JSON.stringify(e, null, 2)}`);
        await new Promise((r) => setImmediate(r));
      }
      write('\r\n]');
      return void res.end();
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'req_mock_gemini' });
    for (const [i, e] of events.entries()) {
      if (i === events.length - 1) await mock.hold;
      if (model.endsWith('-stream-error') && i === events.length - 1) {
        write(`data: ${JSON.stringify(googleError(500, 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting'))}\r\n\r\n`);
        return res.end();
      }
      if (model.endsWith('-cut') && i === events.length - 1) return res.end();
      write(`data: ${JSON.stringify(e)}\r\n\r\n`);
      await new Promise((r) => setImmediate(r));
    }
    res.end();
  };

  const server = createServer((req, res) => void handle(req, res).catch((err) => res.destroy(err)));
  const listening = await listenLoopback(server);
  mock.url = listening.url;
  mock.env = { GEMINI_BASE_URL: mock.url, GEMINI_API_KEY: GEMINI_KEY };
  mock.close = listening.close;
  return mock;
}

/** A deterministic unit vector of `n` floats for `text` (float32-exact values). */
export function vectorOf(text: string, n: number): number[] {
  const seed = createHash('sha256').update(text).digest();
  const raw = Array.from({ length: n }, (_, i) => (seed[i % 32]! - 128) / 128 + i / 1000);
  const norm = Math.hypot(...raw) || 1;
  return raw.map((x) => Math.fround(x / norm));
}
