/**
 * Configuration: one env record (process.env, or a Worker's bindings) read once into an immutable object
 * (CONTRACT §2). Invalid configuration throws a ConfigError naming the variable; it never surfaces later.
 */
import { providerKeyKind } from './placeholder-key.js';
import { BUILTIN_PROVIDERS, DEFAULT_ALIASES, KIND_DEFAULTS, REASONING_CARRIERS, type AuthStyle, type ProviderKind, type ProviderSpec, type ReasoningCarrier } from './providers/table.js';

export type EnvRecord = Readonly<Record<string, unknown>>;
export type LogLevel = 'silent' | 'info' | 'debug';

export interface Provider {
  readonly id: string;
  readonly kind: ProviderKind;
  /** Base URL without a trailing slash. */
  readonly baseUrl: string;
  readonly chatUrl: string;
  readonly modelsUrl: string;
  /** `{base}/responses` (OpenAI Responses API), used when `responses` is true. */
  readonly responsesUrl: string;
  /** `{base}/embeddings` (OpenAI-compatible kinds). */
  readonly embeddingsUrl: string;
  /** `{base}/v1/messages/count_tokens` (Anthropic kind). */
  readonly countTokensUrl: string;
  /** The provider speaks the OpenAI Responses API natively: `/v1/responses` passes through to it. */
  readonly responses: boolean;
  /**
   * Chat requests go upstream through the Responses API (translated: chat → Responses → chat) instead of passing
   * through to chat; needs `responses` (MINI_LLM_PROVIDERS `"chatViaResponses": true`).
   */
  readonly chatViaResponses?: boolean;
  /**
   * Where it reads reasoning state back on earlier assistant messages (OpenAI-compatible kind; the Anthropic kind
   * carries its own signed blocks and ignores it).
   */
  readonly reasoning: ReasoningCarrier;
  readonly auth: AuthStyle;
  readonly apiKey: string | undefined;
  /** The variable its key is read from. */
  readonly apiKeyVariable: string;
  /** Configured: its key is set (or it needs none). */
  readonly enabled: boolean;
  /** What a user sets to enable it, for error messages. */
  readonly enableHint: string;
  readonly quirks: NonNullable<ProviderSpec['quirks']>;
  /** Anthropic kind: `auto` adds top-level automatic prompt caching to requests with no cache_control (MINI_LLM_ANTHROPIC_CACHE). */
  readonly anthropicCache?: 'auto' | 'off';
}

export interface ModelTarget {
  readonly provider: string;
  readonly model: string;
}

/** A `MINI_LLM_MODELS` key ending in `*`: matches by prefix; a `*` in the target's model stands for the rest. */
export interface WildcardAlias {
  /** The key without its `*`. */
  readonly prefix: string;
  readonly target: ModelTarget;
}

/** A provider key taken as a placeholder, not a secret (docs/configuration.md): named in a start-up warning. */
export interface PlaceholderKey {
  readonly variable: string;
  readonly provider: string;
  /** `placeholder`: a known placeholder value; `local`: shorter than MIN_KEY_LENGTH, for a local or private base URL. */
  readonly reason: 'placeholder' | 'local';
}

export interface Config {
  readonly providers: ReadonlyMap<string, Provider>;
  readonly aliases: ReadonlyMap<string, ModelTarget>;
  /** Wildcard aliases, longest prefix first. */
  readonly wildcards: readonly WildcardAlias[];
  readonly host: string;
  readonly port: number;
  readonly apiKeys: readonly string[];
  readonly allowUnauthenticated: boolean;
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  /** Limits against hostile upstreams and clients (docs/limits.md). */
  readonly maxAnswerBytes: number;
  readonly maxErrorBytes: number;
  readonly maxEventBytes: number;
  /** What a stream translator may hold at once (text, reasoning, tool arguments it must repeat or check later). */
  readonly maxStreamStateBytes: number;
  readonly maxJsonDepth: number;
  readonly log: LogLevel;
  /** Every secret the config holds, so that logs and errors can be scrubbed of them. */
  readonly secrets: readonly string[];
  /** Provider keys sent upstream but not treated as secrets (not in `secrets`). */
  readonly placeholderKeys: readonly PlaceholderKey[];
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

/**
 * A record's own property, never one inherited from `Object.prototype` (a variable or field named `constructor`,
 * `toString` or `__proto__` is simply unset).
 */
export const own = (record: object, name: string): unknown => (Object.hasOwn(record, name) ? (record as Record<string, unknown>)[name] : undefined);

/**
 * A variable as text. Worker `[vars]` may also be numbers, booleans or JSON objects: they are read as the text
 * they stand for, never ignored.
 */
const str = (env: EnvRecord, name: string): string | undefined => {
  const v = own(env, name);
  if (v === undefined || v === null) return undefined;
  const text = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  const t = text.trim();
  return t === '' ? undefined : t;
};

/**
 * The shortest secret key the gateway accepts. Every configured key is scrubbed from whatever the upstream sends
 * back (errors, headers, translated streams, logs); a key of a few characters cannot be scrubbed without
 * blanking out ordinary words, so it is refused at start-up instead, unless it is a provider's placeholder
 * (src/placeholder-key.ts), which is not a secret at all.
 */
export const MIN_KEY_LENGTH = 8;

/** A provider key variable, as text; checked against its provider's final base URL in `providerSecrets`. */
const keyVar = str;

const shortKey = (name: string, provider?: string) =>
  new ConfigError(
    name,
    `a key needs at least ${MIN_KEY_LENGTH} characters (a shorter one cannot be redacted safely)` +
      (provider === undefined
        ? ''
        : `; or a placeholder (EMPTY, none, ollama, ...), or any key if provider ${provider}'s base URL is local or private`),
  );

export const envPrefix = (id: string) => id.toUpperCase().replace(/[^A-Z0-9]/g, '_');

function parseUrl(variable: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(variable, `not a valid URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(variable, `must be an http:// or https:// URL, got ${url.protocol}`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new ConfigError(variable, 'must not have a query or a fragment: paths are appended to it');
  }
  return url.toString().replace(/\/+$/, '');
}

function parseInteger(env: EnvRecord, name: string, fallback: number, min: number, max: number): number {
  const raw = str(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/** `value` when it is one of `allowed`, else a ConfigError that lists them (`what`: the field, as the message names it). */
function oneOf<T>(variable: string, what: string, value: unknown, allowed: readonly T[]): T {
  if ((allowed as readonly unknown[]).includes(value)) return value as T;
  const list = allowed.length === 2 ? allowed.join(' or ') : `one of ${allowed.join(', ')}`;
  throw new ConfigError(variable, `${what}must be ${list}, got ${JSON.stringify(value)}`);
}

function parseJsonObject(env: EnvRecord, name: string): Record<string, unknown> | undefined {
  const raw = str(env, name);
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw new ConfigError(name, `is not valid JSON (${(e as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(name, 'must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** The custom provider's URL is a server root: `/v1` is added unless the path already ends in it (CONTRACT §4). */
export function customBaseUrl(url: string): string {
  return /\/v1$/.test(new URL(url).pathname.replace(/\/+$/, '')) ? url : `${url}/v1`;
}

function makeProvider(
  spec: ProviderSpec,
  apiKey: string | undefined,
  apiKeyVariable: string,
  enabled: boolean,
  enableHint: string,
): Provider {
  const baseUrl = spec.baseUrl.replace(/\/+$/, '');
  /** Only an OpenAI-compatible server may speak Responses or take a chat reasoning carrier. */
  const chatKind = spec.kind === 'openai-compatible';
  return Object.freeze({
    id: spec.id,
    kind: spec.kind,
    baseUrl,
    chatUrl: `${baseUrl}${KIND_DEFAULTS[spec.kind].chatPath}`,
    modelsUrl: `${baseUrl}${KIND_DEFAULTS[spec.kind].modelsPath}`,
    responsesUrl: `${baseUrl}/responses`,
    embeddingsUrl: `${baseUrl}/embeddings`,
    countTokensUrl: `${baseUrl}/v1/messages/count_tokens`,
    responses: chatKind && spec.responses === true,
    chatViaResponses: chatKind && spec.responses === true && spec.chatViaResponses === true,
    reasoning: spec.reasoning ?? (chatKind ? 'reasoning' : 'none'),
    auth: spec.auth ?? KIND_DEFAULTS[spec.kind].auth,
    apiKey,
    apiKeyVariable,
    enabled,
    enableHint,
    quirks: Object.freeze({ ...spec.quirks }),
  });
}

function builtinProvider(env: EnvRecord, spec: ProviderSpec): Provider {
  const prefix = envPrefix(spec.id);
  const baseVar = `${prefix}_BASE_URL`;
  const keyVarName = `${prefix}_API_KEY`;
  const base = str(env, baseVar);
  const resolved = { ...spec, baseUrl: base ? parseUrl(baseVar, base) : spec.baseUrl };
  const key = keyVar(env, keyVarName);
  if (spec.keyless) {
    return makeProvider(resolved, key, keyVarName, base !== undefined || key !== undefined, baseVar);
  }
  return makeProvider(resolved, key, keyVarName, key !== undefined, keyVarName);
}

function customProvider(env: EnvRecord): Provider {
  const url = str(env, 'CUSTOM_PROVIDER_URL');
  const key = keyVar(env, 'CUSTOM_PROVIDER_KEY');
  const base = url ? customBaseUrl(parseUrl('CUSTOM_PROVIDER_URL', url)) : 'http://127.0.0.1/v1';
  return makeProvider(
    { id: 'custom', kind: 'openai-compatible', baseUrl: base, reasoning: 'reasoning' },
    key,
    'CUSTOM_PROVIDER_KEY',
    url !== undefined && key !== undefined,
    'CUSTOM_PROVIDER_URL and CUSTOM_PROVIDER_KEY',
  );
}

const KINDS = Object.keys(KIND_DEFAULTS) as ProviderKind[];
const AUTHS: readonly AuthStyle[] = ['bearer', 'x-api-key', 'x-goog-api-key', 'none'];

/**
 * `MINI_LLM_PROVIDERS`: `{"id": {"baseUrl", "apiKeyEnv"?, "kind"?, "auth"?, "responses"?, "reasoning"?}}` adds or
 * overrides providers.
 */
function extraProviders(env: EnvRecord, known: Map<string, Provider>): void {
  const V = 'MINI_LLM_PROVIDERS';
  const entries = parseJsonObject(env, V);
  if (!entries) return;
  for (const [id, value] of Object.entries(entries)) {
    if (!/^[a-z0-9][a-z0-9_.-]*$/i.test(id)) throw new ConfigError(V, `provider id ${JSON.stringify(id)} may use only letters, digits, '.', '_' and '-'`);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ConfigError(V, `provider ${id} must be an object like {"baseUrl": "...", "apiKeyEnv": "..."}`);
    }
    const field = (name: string) => own(value, name);
    /** A field that must be one of `allowed` when set. */
    const choice = <T>(name: string, allowed: readonly T[]): T | undefined => {
      const v = field(name);
      return v === undefined ? undefined : oneOf(V, `provider ${id}: ${name} `, v, allowed);
    };
    const previous = known.get(id);
    const kind = choice('kind', KINDS) ?? previous?.kind ?? 'openai-compatible';
    const auth = choice('auth', AUTHS) ?? previous?.auth ?? KIND_DEFAULTS[kind].auth;
    const rawBase = field('baseUrl') ?? previous?.baseUrl;
    if (typeof rawBase !== 'string') throw new ConfigError(V, `provider ${id}: baseUrl (a string) is required`);
    const baseUrl = parseUrl(`${V} (${id}.baseUrl)`, rawBase);
    const apiKeyEnv = field('apiKeyEnv');
    if (apiKeyEnv !== undefined && typeof apiKeyEnv !== 'string') {
      throw new ConfigError(V, `provider ${id}: apiKeyEnv must be the name of a variable`);
    }
    const keyName = (apiKeyEnv as string | undefined) ?? `${envPrefix(id)}_API_KEY`;
    const key = keyVar(env, keyName);
    // Without an explicit apiKeyEnv and without a key, the provider is a keyless (local) server.
    const keyless = apiKeyEnv === undefined && key === undefined && !previous;
    const responses = choice('responses', [true, false]) ?? previous?.responses ?? false;
    const chatViaResponses = choice('chatViaResponses', [true, false]) ?? previous?.chatViaResponses ?? false;
    if (chatViaResponses && (!responses || kind !== 'openai-compatible')) {
      throw new ConfigError(V, `provider ${id}: chatViaResponses needs a provider that speaks the Responses API ("responses": true)`);
    }
    const reasoning = choice('reasoning', REASONING_CARRIERS);
    const spec: ProviderSpec = {
      id,
      kind,
      baseUrl,
      auth: keyless ? 'none' : auth,
      quirks: previous?.quirks,
      responses,
      chatViaResponses,
      reasoning: reasoning ?? (previous?.kind === kind ? previous.reasoning : undefined),
    };
    known.set(id, makeProvider(spec, key, keyName, keyless || key !== undefined || auth === 'none', keyName));
  }
}

function parseTarget(variable: string, value: unknown, providers: ReadonlyMap<string, Provider>): ModelTarget {
  if (typeof value !== 'string' || !value.includes('/')) {
    throw new ConfigError(variable, `target ${JSON.stringify(value)} must be "provider/upstream-model"`);
  }
  const slash = value.indexOf('/');
  const provider = value.slice(0, slash);
  const model = value.slice(slash + 1);
  if (!providers.has(provider)) {
    throw new ConfigError(variable, `unknown provider ${JSON.stringify(provider)} in ${JSON.stringify(value)}; known: ${[...providers.keys()].join(', ')}`);
  }
  if (model === '') throw new ConfigError(variable, `target ${JSON.stringify(value)} names no model`);
  return Object.freeze({ provider, model });
}

/**
 * The highest MINI_LLM_MAX_JSON_DEPTH: deeper bodies would reach code that recurses over them (JSON.stringify
 * overflows Node's stack between 4,000 and 9,000 levels), a 500 instead of the 400 the limit promises.
 */
export const MAX_JSON_DEPTH_LIMIT = 1000;

/** Defaults no real provider or client reaches (docs/limits.md). */
export const LIMIT_DEFAULTS = Object.freeze({
  /** A whole-read (non-streamed) answer: 64 MiB. */
  maxAnswerBytes: 64 * 1024 * 1024,
  /** How much of an upstream error body is read: 64 KiB (the rest is not read). */
  maxErrorBytes: 64 * 1024,
  /** One SSE event of a translated stream: 16 MiB. */
  maxEventBytes: 16 * 1024 * 1024,
  /**
   * What one translated stream may hold at once: 8 MiB. A Responses stream repeats its text, reasoning and tool
   * arguments in its final events, a Messages stream checks a tool call's arguments whole, the Anthropic adapter
   * sends thinking blocks whole; models write at most about 1 MB of these per answer.
   */
  maxStreamStateBytes: 8 * 1024 * 1024,
  /** Nesting of the request's JSON body. */
  maxJsonDepth: 128,
});

/**
 * Every provider key, checked against its provider's final base URL (after MINI_LLM_PROVIDERS): secrets, and the
 * placeholders that are sent upstream but not redacted. A short key that is not a placeholder is refused.
 */
function providerSecrets(providers: ReadonlyMap<string, Provider>): { secrets: string[]; placeholderKeys: PlaceholderKey[] } {
  const secrets: string[] = [];
  const placeholderKeys: PlaceholderKey[] = [];
  for (const p of providers.values()) {
    if (p.apiKey === undefined) continue;
    // A provider that is not enabled (the custom one without its URL) has no base URL of its own to judge by.
    const kind = providerKeyKind(p.apiKey, p.enabled ? p.baseUrl : undefined, MIN_KEY_LENGTH);
    if (kind === 'too-short') throw shortKey(p.apiKeyVariable, p.id);
    if (kind === 'secret') secrets.push(p.apiKey);
    else placeholderKeys.push(Object.freeze({ variable: p.apiKeyVariable, provider: p.id, reason: kind }));
  }
  return { secrets, placeholderKeys };
}

export function loadConfig(env: EnvRecord): Config {
  const providers = new Map<string, Provider>();
  for (const spec of BUILTIN_PROVIDERS) providers.set(spec.id, builtinProvider(env, spec));
  providers.set('custom', customProvider(env));
  extraProviders(env, providers);
  const anthropicCache = oneOf('MINI_LLM_ANTHROPIC_CACHE', '', str(env, 'MINI_LLM_ANTHROPIC_CACHE') ?? 'off', ['auto', 'off'] as const);
  if (anthropicCache === 'auto') {
    for (const [id, p] of providers) if (p.kind === 'anthropic') providers.set(id, Object.freeze({ ...p, anthropicCache }));
  }

  const aliases = new Map<string, ModelTarget>();
  const wildcardMap = new Map<string, ModelTarget>();
  const addAlias = (variable: string, alias: string, target: unknown) => {
    const parsed = parseTarget(variable, target, providers);
    if (!alias.endsWith('*')) return void aliases.set(alias, parsed);
    const prefix = alias.slice(0, -1);
    if (prefix.includes('*') || parsed.model.indexOf('*') !== parsed.model.lastIndexOf('*')) {
      throw new ConfigError(variable, `wildcard alias ${JSON.stringify(alias)}: only one trailing "*" in the key and at most one "*" in the target`);
    }
    wildcardMap.set(prefix, parsed);
  };
  for (const [alias, target] of Object.entries(DEFAULT_ALIASES)) addAlias('default aliases', alias, target);
  for (const [alias, target] of Object.entries(parseJsonObject(env, 'MINI_LLM_MODELS') ?? {})) addAlias('MINI_LLM_MODELS', alias, target);
  const wildcards = [...wildcardMap]
    .map(([prefix, target]) => Object.freeze({ prefix, target }))
    .sort((a, b) => b.prefix.length - a.prefix.length);

  const log = oneOf<LogLevel>('MINI_LLM_LOG', '', str(env, 'MINI_LLM_LOG') ?? 'info', ['silent', 'info', 'debug']);
  const allowRaw = oneOf('MINI_LLM_ALLOW_UNAUTHENTICATED', '', str(env, 'MINI_LLM_ALLOW_UNAUTHENTICATED') ?? 'false', ['true', 'false', '1', '0']);
  const apiKeys = (str(env, 'MINI_LLM_API_KEY') ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  if (apiKeys.some((k) => k.length < MIN_KEY_LENGTH)) throw shortKey('MINI_LLM_API_KEY');

  const { secrets, placeholderKeys } = providerSecrets(providers);
  return Object.freeze({
    providers,
    aliases,
    wildcards: Object.freeze(wildcards),
    host: str(env, 'MINI_LLM_HOST') ?? '127.0.0.1',
    port: parseInteger(env, 'MINI_LLM_PORT', 3333, 0, 65535),
    apiKeys: Object.freeze(apiKeys),
    allowUnauthenticated: allowRaw === 'true' || allowRaw === '1',
    timeoutMs: parseInteger(env, 'MINI_LLM_TIMEOUT_MS', 120_000, 1, 24 * 3600 * 1000),
    maxBodyBytes: parseInteger(env, 'MINI_LLM_MAX_BODY_BYTES', 32 * 1024 * 1024, 1, 2 ** 31),
    maxAnswerBytes: parseInteger(env, 'MINI_LLM_MAX_ANSWER_BYTES', LIMIT_DEFAULTS.maxAnswerBytes, 1, 2 ** 31),
    maxErrorBytes: parseInteger(env, 'MINI_LLM_MAX_ERROR_BYTES', LIMIT_DEFAULTS.maxErrorBytes, 1, 2 ** 31),
    maxEventBytes: parseInteger(env, 'MINI_LLM_MAX_EVENT_BYTES', LIMIT_DEFAULTS.maxEventBytes, 1, 2 ** 31),
    maxStreamStateBytes: parseInteger(env, 'MINI_LLM_MAX_STREAM_STATE_BYTES', LIMIT_DEFAULTS.maxStreamStateBytes, 1, 2 ** 31),
    maxJsonDepth: parseInteger(env, 'MINI_LLM_MAX_JSON_DEPTH', LIMIT_DEFAULTS.maxJsonDepth, 1, MAX_JSON_DEPTH_LIMIT),
    log,
    secrets: Object.freeze([...secrets, ...apiKeys]),
    placeholderKeys: Object.freeze(placeholderKeys),
  });
}
