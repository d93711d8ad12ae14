/**
 * The model routes: each path (or Hono path pattern) and the dialect that serves it. Adding an inbound API adds
 * one line here.
 */
import type { HonoRequest } from 'hono';
import { chatDialect } from './chat/index.js';
import { embeddingsDialect } from './embeddings/index.js';
import { GEMINI_ROUTES } from './gemini/index.js';
import { countTokensDialect, messagesDialect } from './messages/index.js';
import { responsesDialect } from './responses/index.js';
import type { Dialect } from './types.js';

export const MODEL_ROUTES: ReadonlyArray<readonly [path: string, dialect: Dialect]> = [
  ['/v1/chat/completions', chatDialect],
  ['/v1/embeddings', embeddingsDialect],
  ['/v1/responses', responsesDialect],
  // Before /v1/messages: `dialectAt` takes the first path that matches.
  ['/v1/messages/count_tokens', countTokensDialect],
  ['/v1/messages', messagesDialect],
  ...GEMINI_ROUTES,
];

/** Each dialect once, in route order. */
export const DIALECTS: readonly Dialect[] = [...new Set(MODEL_ROUTES.map(([, d]) => d))];

/**
 * The model route a request is at or under (`/v1/responses/x` is under `responses`), if any; a dialect with
 * `owns` decides for itself (it needs the request: its method or headers).
 */
export function routeAt(path: string, req?: HonoRequest): Dialect | undefined {
  for (const [p, d] of MODEL_ROUTES) {
    if (d.owns ? req !== undefined && d.owns(req) : path === p || path.startsWith(`${p}/`)) return d;
  }
  return undefined;
}

/** The dialect whose error shape a request's answers use: the route's own, else chat's (OpenAI's shape). */
export const dialectAt = (path: string, req?: HonoRequest): Dialect => routeAt(path, req) ?? chatDialect;
