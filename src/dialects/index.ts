/** The model routes: each path and the dialect that serves it. Adding an inbound API adds one line here. */
import { chatDialect } from './chat/index.js';
import { embeddingsDialect } from './embeddings/index.js';
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
];

/** The model route a path is at or under (`/v1/responses/x` is under `responses`), if any. */
export function routeAt(path: string): Dialect | undefined {
  for (const [p, d] of MODEL_ROUTES) if (path === p || path.startsWith(`${p}/`)) return d;
  return undefined;
}

/** The dialect whose error shape a path's answers use: the route's own, else chat's (OpenAI's shape). */
export const dialectAt = (path: string): Dialect => routeAt(path) ?? chatDialect;
