/**
 * What the gateway does with a push body (src/stream-guard.ts) from the Node client, the one client that delivers
 * them: a whole body read straight from the socket's chunks, and a pass-through stream relayed socket to socket
 * (PUSH_ANSWER, node/push-answer.ts). The client brings these as `UpstreamFetch.push`, so that a runtime without
 * push bodies (a Worker) never carries them.
 */
import { guardPushBody, PUSH_ANSWER, pushToWeb, type PushAnswer, type PushBody } from '../stream-guard.js';
import { concat, type PushPaths } from '../upstream.js';

/** At most the first `limit` bytes of a push body (`readUpTo`'s contract; the rest is not read: the body is cancelled). */
export function readPushUpTo(body: PushBody, limit: number): Promise<{ bytes: Uint8Array<ArrayBuffer>; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let length = 0;
    let over = false;
    body.start({
      data(chunk) {
        if (over) return;
        chunks.push(chunk);
        length += chunk.byteLength;
        if (length > limit) {
          over = true;
          body.cancel();
          resolve({ bytes: concat(chunks, length).subarray(0, limit), complete: false });
        }
      },
      end: () => over || resolve({ bytes: concat(chunks, length), complete: true }),
      error: (err) => over || reject(err),
    });
  });
}

export const pushPaths: PushPaths = {
  readUpTo: readPushUpTo,
  answer(body, exchange, guard, status, headers) {
    const pushed = guardPushBody(body, exchange, guard);
    const native: PushAnswer = { status, headers, body: pushed };
    return Object.defineProperty(new Response(pushToWeb(pushed), { status, headers }), PUSH_ANSWER, { value: native });
  },
};
