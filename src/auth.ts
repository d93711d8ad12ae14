/**
 * Gateway keys (CONTRACT §6): `Authorization: Bearer <key>`, `x-api-key: <key>` or `x-goog-api-key: <key>`
 * (Google's clients), compared in constant time; a dialect may read one more place (Gemini's `?key=`). Where the
 * runtime is public by default (Workers), no key configured means refuse, unless the operator opted out on purpose.
 */
import type { HonoRequest, MiddlewareHandler } from 'hono';
import { GatewayError } from './errors.js';

const encoder = new TextEncoder();

/** Compares every byte of the longer input, so the time taken does not depend on where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  const len = Math.max(x.length, y.length);
  let diff = x.length ^ y.length;
  for (let i = 0; i < len; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

export function presentedKey(headers: Headers): string | undefined {
  const auth = headers.get('authorization');
  if (auth) {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m) return m[1].trim();
  }
  return headers.get('x-api-key')?.trim() || headers.get('x-goog-api-key')?.trim() || undefined;
}

/** `otherKey`: where else a route's clients send the key (asked only when no header carries one). */
export function gatewayAuth(keys: readonly string[], refuseWithoutKeys: boolean, otherKey?: (req: HonoRequest) => string | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (keys.length === 0) {
      if (refuseWithoutKeys) {
        throw new GatewayError(
          401,
          'authentication_error',
          'invalid_api_key',
          'This public gateway has no gateway key: set MINI_LLM_API_KEY (or MINI_LLM_ALLOW_UNAUTHENTICATED=true).',
        );
      }
      return next();
    }
    const key = presentedKey(c.req.raw.headers) ?? (otherKey?.(c.req)?.trim() || undefined);
    let ok = false;
    // Check every configured key, so the time taken does not say which one matched.
    if (key !== undefined) for (const k of keys) ok = constantTimeEqual(key, k) || ok;
    if (!ok) {
      throw new GatewayError(
        401,
        'authentication_error',
        'invalid_api_key',
        key === undefined
          ? 'Missing gateway key: send "Authorization: Bearer <key>" or "x-api-key: <key>".'
          : 'Invalid gateway key.',
      );
    }
    return next();
  };
}
