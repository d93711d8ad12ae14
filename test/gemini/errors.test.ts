/** Errors in Google's shape (src/dialects/gemini/errors.ts): the status names, 413, retry hints, the failure chunk. */
import { describe, expect, it } from 'vitest';
import { geminiErrorResponse, geminiFailureFrame, googleStatus } from '../../src/dialects/gemini/errors.js';
import { GatewayError } from '../../src/errors.js';

describe('Gemini errors', () => {
  it.each([
    [400, 'INVALID_ARGUMENT'],
    [401, 'UNAUTHENTICATED'],
    [403, 'PERMISSION_DENIED'],
    [404, 'NOT_FOUND'],
    [422, 'INVALID_ARGUMENT'],
    [429, 'RESOURCE_EXHAUSTED'],
    [499, 'CANCELLED'],
    [500, 'INTERNAL'],
    [502, 'UNAVAILABLE'],
    [503, 'UNAVAILABLE'],
    [504, 'DEADLINE_EXCEEDED'],
  ])('%i is %s', (status, name) => {
    expect(googleStatus(status)).toBe(name);
  });

  it('a gateway error: Google shape, same status, its headers; a 413 is Google’s 400 and a 529 a 503', async () => {
    const res = geminiErrorResponse(new GatewayError(404, 'invalid_request_error', 'not_found', 'No such thing.', null, undefined, { 'x-ratelimit-remaining': '3' }));
    expect(res.status).toBe(404);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('3');
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual({ error: { code: 404, message: 'No such thing.', status: 'NOT_FOUND' } });
    const big = geminiErrorResponse(new GatewayError(413, 'invalid_request_error', 'request_too_large', 'Too large.'));
    expect([big.status, (await big.json()).error]).toEqual([400, { code: 400, message: 'Too large.', status: 'INVALID_ARGUMENT' }]);
    expect((await geminiErrorResponse(new GatewayError(503, 'upstream_error', null, 'Overloaded.', null, 529)).json()).error.status).toBe('UNAVAILABLE');
  });

  it('an upstream retry-after becomes a RetryInfo detail (Gemini CLI waits that long)', async () => {
    const res = geminiErrorResponse(new GatewayError(429, 'rate_limit_error', null, 'Slow down.', null, 429, { 'retry-after': '7' }));
    expect(res.headers.get('retry-after')).toBe('7');
    expect(await res.json()).toEqual({
      error: { code: 429, message: 'Slow down.', status: 'RESOURCE_EXHAUSTED', details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' }] },
    });
  });

  it.each([
    ['upstream_timeout', 504, 'DEADLINE_EXCEEDED'],
    ['upstream_disconnected', 503, 'UNAVAILABLE'],
    ['upstream_event_too_large', 500, 'INTERNAL'],
  ])('mid-stream %s: one data chunk with code %i', (code, status, name) => {
    const frame = geminiFailureFrame('Cut.', code);
    expect(frame).toMatch(/^data: \{.*\}\n\n$/);
    expect(JSON.parse(frame.slice(6))).toEqual({ error: { code: status, message: 'Cut.', status: name } });
  });
});
