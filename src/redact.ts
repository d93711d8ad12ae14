/** The one redaction of configured secrets (provider and gateway keys) from text that leaves the gateway. */

/**
 * Replace every configured secret in `text`: the one redaction every piece of upstream-derived text goes through
 * before it reaches a client or a log (error fields, passed-on header values, translated answers, log lines).
 * Keys shorter than 8 characters are refused at start-up (src/config.ts), so every secret is redacted whatever
 * its length; `minLength` only guards against an empty value, which is never a secret.
 */
export function redact(text: string, secrets: readonly string[], minLength = 1): string {
  let out = text;
  for (const s of secrets) if (s.length >= minLength && out.includes(s)) out = out.split(s).join('[redacted]');
  return out;
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
