/**
 * Node: a streamed answer that offers a push body (PUSH_ANSWER, src/stream-guard.ts) is written straight to the
 * socket, with Node's own back-pressure (`write` → false, then 'drain'), instead of through a Web stream and
 * @hono/node-server's reader loop. Every other answer goes to @hono/node-server unchanged.
 */
import type { ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { pushAnswerOf } from '../stream-guard.js';

type FetchHandler = (request: Request, env?: unknown) => Response | Promise<Response>;

export function withPushAnswers(fetch: FetchHandler): FetchHandler {
  return (request, env) => {
    const response = fetch(request, env);
    return response instanceof Promise ? response.then((r) => send(r, env)) : send(response, env);
  };
}

function send(response: Response, env: unknown): Response {
  const answer = pushAnswerOf(response);
  const outgoing = (env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (!answer || !outgoing) return response;
  const { body } = answer;
  let finished = false;
  outgoing.writeHead(answer.status, answer.headers);
  outgoing.flushHeaders();
  const resume = () => body.resume();
  body.start({
    data(chunk) {
      if (!outgoing.write(chunk)) {
        body.pause();
        outgoing.once('drain', resume);
      }
    },
    end() {
      finished = true;
      outgoing.end();
    },
    error() {
      // Only when the client is already gone: close the socket without raising an 'error' nobody handles.
      finished = true;
      outgoing.destroy();
    },
  });
  outgoing.once('close', () => {
    if (!finished) body.cancel(new Error('client closed the connection'));
  });
  return RESPONSE_ALREADY_SENT;
}
