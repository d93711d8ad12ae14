/** One JSON line per request on stderr (CONTRACT §2 `MINI_LLM_LOG`). Never headers or bodies. */
import type { LogLevel } from './config.js';
import { redact } from './redact.js';

export interface RequestLog {
  request_id: string;
  method: string;
  path: string;
  /** The route's dialect (`chat`, `messages`, `responses`, `embeddings`, ...) for model routes. */
  route?: string;
  status?: number;
  model?: string;
  alias?: string | null;
  provider?: string;
  upstream_status?: number;
  stream?: boolean;
  ttfb_ms?: number;
  duration_ms?: number;
  bytes?: number;
  outcome?: string;
  error_code?: string | null;
}

export type LogSink = (line: string) => void;

/** One `console.error` per line: the default, and what Workers use (each line becomes one log entry there). */
export const stderrSink: LogSink = (line) => console.error(line);

/**
 * Lines gathered and written together, once per turn of the event loop (or at 64 KB): one write for many
 * requests instead of one synchronous write each (measured: per-line writes cost the Node gateway about a fifth
 * of its throughput at 64 connections). `flush()` writes what is pending at once (on exit).
 */
export function bufferedSink(write: (text: string) => void, schedule: (flush: () => void) => void, maxBytes = 64 * 1024): LogSink & { flush(): void } {
  let pending = '';
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending === '') return;
    const text = pending;
    pending = '';
    write(text);
  };
  const sink = (line: string) => {
    pending += `${line}\n`;
    if (pending.length >= maxBytes) flush();
    else if (!scheduled) {
      scheduled = true;
      schedule(flush);
    }
  };
  return Object.assign(sink, { flush });
}

/**
 * `secrets`: every configured key. Each line is redacted before it is written (fields such as `error_code` can
 * come from the upstream), the last line of defence after the redaction at the source (src/upstream.ts).
 */
export function createLogger(level: LogLevel, sink: LogSink = stderrSink, secrets: readonly string[] = []) {
  const write = secrets.length === 0 ? sink : (line: string) => sink(redact(line, secrets));
  return {
    level,
    request(entry: RequestLog) {
      if (level !== 'silent') write(JSON.stringify({ time: new Date().toISOString(), ...entry }));
    },
    error(message: string) {
      if (level !== 'silent') write(JSON.stringify({ time: new Date().toISOString(), level: 'error', message }));
    },
    debug(message: string) {
      if (level === 'debug') write(JSON.stringify({ time: new Date().toISOString(), level: 'debug', message }));
    },
  };
}

export type Logger = ReturnType<typeof createLogger>;
