/** Issue 20, item 4: the pure pieces of redaction that keys in pieces need, table-driven. */
import { describe, expect, it } from 'vitest';
import { errorInAnswer, GatewayError } from '../src/errors.js';
import { nameHoldsSecret, redactError, withoutSecretStart } from '../src/redact.js';
import { parseErrorBody, responseHeaders } from '../src/upstream.js';

const KEY = 'sk-Unit-SECRET-0123456789';
const GW = 'gw-unit-gateway-key-42';
const secrets = [KEY, GW];

describe('withoutSecretStart', () => {
  it.each([
    ['plain text', 'plain text'],
    [`cut at ${KEY.slice(0, 12)}`, 'cut at '],
    [`cut at ${KEY.slice(0, 1)}`, 'cut at '],
    [`whole ${KEY}`, `whole ${KEY}`], // a whole key is redact's
    [`two ${GW.slice(0, 5)}`, 'two '],
    ['gw-unit is no secret here, ends in x', 'gw-unit is no secret here, ends in x'],
    ['', ''],
  ])('%j → %j', (text, expected) => {
    expect(withoutSecretStart(text, secrets)).toBe(expected);
  });
});

describe('parseErrorBody: plain text is redacted whole, then cut at 500 characters', () => {
  it.each([
    [480, `${'x'.repeat(480)}[redacted] and more`],
    [490, `${'x'.repeat(490)}[redacted]`],
    [495, `${'x'.repeat(495)}[reda`],
  ])('a key at %i', (at, expected) => {
    expect(parseErrorBody(`${'x'.repeat(at)}${KEY} and more`, secrets).message).toBe(expected);
  });

  it('JSON bodies are parsed as before (their fields are redacted by the caller)', () => {
    expect(parseErrorBody(JSON.stringify({ error: { message: 'm', type: 't', code: 'c', param: 'p' } }))).toEqual({ message: 'm', type: 't', code: 'c', param: 'p' });
  });
});

describe('nameHoldsSecret and responseHeaders', () => {
  it.each([
    [`x-ratelimit-${KEY.toLowerCase()}`, true],
    [`anthropic-ratelimit-${GW}-tokens`, true],
    ['x-ratelimit-remaining-requests', false],
  ])('%s → %s', (name, holds) => {
    expect(nameHoldsSecret(name, secrets)).toBe(holds);
  });

  it('drops rate-limit headers named after a key, keeps the others, redacts values', () => {
    const upstream = new Headers({ [`x-ratelimit-${KEY}`]: '1', [`anthropic-ratelimit-${GW}-tokens`]: '2', 'x-ratelimit-limit-requests': KEY, 'retry-after': '3' });
    expect(responseHeaders(upstream, 'rid', 'p', secrets)).toEqual({ 'x-ratelimit-limit-requests': '[redacted]', 'retry-after': '3', 'x-request-id': 'rid', 'x-mini-llm-provider': 'p' });
  });
});

describe('redactError', () => {
  it('redacts every secret from message, type, code and param, keeping status and headers', () => {
    const err = new GatewayError(429, `t-${GW}`, `c-${KEY}`, `both ${KEY} and ${GW}`, `p-${KEY}`, 429, { 'retry-after': '1' });
    const clean = redactError(err, secrets);
    expect(clean).toBeInstanceOf(GatewayError);
    expect(clean.toJSON()).toEqual({ error: { message: 'both [redacted] and [redacted]', type: 't-[redacted]', code: 'c-[redacted]', param: 'p-[redacted]' } });
    expect([clean.status, clean.upstreamStatus, clean.headers]).toEqual([429, 429, { 'retry-after': '1' }]);
  });

  it('gives the same error back when there is nothing to redact', () => {
    const err = new GatewayError(400, 'invalid_request_error', null, 'fine');
    expect(redactError(err, secrets)).toBe(err);
  });
});

describe('errorInAnswer', () => {
  it.each([
    [{ message: 'boom', code: 429 }, 429, 'boom'],
    [{ message: 'boom', code: 'server_error' }, 502, 'boom'],
    [{ type: 'overloaded_error', message: 'Overloaded' }, 502, 'Overloaded'],
    ['a string', 502, 'a string'],
    [{}, 502, 'Provider "p" answered with an error.'],
    [undefined, 502, 'Provider "p" answered with an error.'],
  ])('%j → %i %j', (error, status, message) => {
    const err = errorInAnswer(error, 'p');
    expect([err.status, err.message, err.type, err.upstreamStatus]).toEqual([status, message, 'upstream_error', 200]);
  });
});
