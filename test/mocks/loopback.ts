/** A loopback HTTP server for a mock upstream: records every request, stops with all its connections. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  /** The client (the gateway) closed the connection before the answer was complete. */
  closedEarly?: boolean;
}

export interface Loopback {
  url: string;
  requests: Recorded[];
  close(): Promise<void>;
}

export type Handler = (rec: Recorded, res: ServerResponse, req: IncomingMessage) => unknown;

/** `server` listening on 127.0.0.1 at a free port: its URL, and a close that first drops every open connection. */
export async function listenLoopback(server: Server): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

/** A request's whole body as UTF-8 text. */
export async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A request's body as a recording mock keeps it: its JSON, its text when that is not JSON, null when empty. */
export async function readBody(req: IncomingMessage): Promise<any> {
  const raw = await readText(req);
  try {
    return raw ? JSON.parse(raw) : null;
  } catch {
    return raw;
  }
}

export async function startLoopback(handler: Handler): Promise<Loopback> {
  const requests: Recorded[] = [];
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const rec: Recorded = { method: req.method ?? '', path: req.url ?? '', headers: { ...req.headers }, body };
    requests.push(rec);
    res.on('close', () => {
      if (!res.writableFinished) rec.closedEarly = true;
    });
    try {
      await handler(rec, res, req);
    } catch (err) {
      res.destroy(err as Error);
    }
  });
  const { url, close } = await listenLoopback(server);
  return { url, requests, close };
}

export const openAIError = (res: ServerResponse, status: number, message: string, param: string | null = null, code: string | null = null) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message, type: 'invalid_request_error', param, code } }));

/** Write SSE events `gapMs` apart; after `dieAfter` of them destroy the connection, after `hangAfter` go silent. */
export async function writeEvents(res: ServerResponse, events: string[], opts: { gapMs?: number; dieAfter?: number; hangAfter?: number } = {}): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': 'req_mock_upstream' });
  res.flushHeaders();
  for (let i = 0; i < events.length; i++) {
    if (res.destroyed) return;
    if (i === opts.dieAfter) {
      setTimeout(() => res.socket?.destroy(), 50);
      return;
    }
    if (i === opts.hangAfter) return; // silent, connection open
    if (i > 0 && opts.gapMs) await new Promise((r) => setTimeout(r, opts.gapMs));
    res.write(events[i]);
  }
  res.end();
}

export const splitEvents = (text: string) => text.split('\n\n').filter((e) => e.trim() !== '').map((e) => `${e}\n\n`);

/** `text` in about `n` pieces, as a model streams it. */
export function pieces(text: string, n = 3): string[] {
  const size = Math.max(1, Math.ceil(text.length / n));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}
