/** The one redaction of configured secrets (provider and gateway keys) from text that leaves the gateway. */
import { GatewayError } from './errors.js';

/**
 * Replace every configured secret in `text`: the one redaction every piece of upstream-derived text goes through
 * before it reaches a client or a log (error fields, passed-on header values, translated answers, log lines).
 * Keys shorter than 8 characters are refused at start-up (src/config.ts), so every secret is redacted whatever
 * its length; `minLength` only guards against an empty value, which is never a secret.
 * Redact before cutting: a cut through a secret leaves a piece this cannot recognise.
 */
export function redact(text: string, secrets: readonly string[], minLength = 1): string {
  let out = text;
  for (const s of secrets) if (s.length >= minLength && out.includes(s)) out = out.split(s).join('[redacted]');
  return out;
}

/**
 * Text that a read limit cut off may end in the first characters of a secret, which `redact` cannot recognise:
 * drop the longest such trailing fragment. For text that was cut, before it is redacted.
 */
export function withoutSecretStart(text: string, secrets: readonly string[]): string {
  let cut = 0;
  for (const s of secrets) {
    for (let k = Math.min(s.length - 1, text.length); k > cut; k--) {
      if (text.endsWith(s.slice(0, k))) {
        cut = k;
        break;
      }
    }
  }
  return cut === 0 ? text : text.slice(0, text.length - cut);
}

/** Whether a (lowercased) header name contains a secret, compared without case: fetch lowercases names. */
export function nameHoldsSecret(name: string, secrets: readonly string[]): boolean {
  for (const s of secrets) if (name.includes(s.toLowerCase())) return true;
  return false;
}

/**
 * A GatewayError as it may leave the gateway: every configured secret redacted from its message, type, code and
 * param, whatever produced it (an upstream error, a translated answer's error body, a mapper). The app renders
 * every error through this, so no mapper needs to know the secrets. The same error back when nothing changed.
 */
export function redactError(err: GatewayError, secrets: readonly string[]): GatewayError {
  if (secrets.length === 0) return err;
  const clean = (v: string | null) => (v === null ? null : redact(v, secrets));
  const message = redact(err.message, secrets);
  const type = redact(err.type, secrets);
  const code = clean(err.code);
  const param = clean(err.param);
  if (message === err.message && type === err.type && code === err.code && param === err.param) return err;
  return new GatewayError(err.status, type, code, message, param, err.upstreamStatus, err.headers);
}

const utf8 = new TextDecoder();
const encoder = new TextEncoder();

/** `redact` over UTF-8 bytes: the same bytes back (no copy) when they hold no secret. */
export function redactBytes(bytes: Uint8Array<ArrayBuffer>, secrets: readonly string[]): Uint8Array<ArrayBuffer> {
  if (secrets.length === 0) return bytes;
  const text = utf8.decode(bytes);
  const clean = redact(text, secrets);
  return clean === text ? bytes : encoder.encode(clean);
}
