/** One JSON line per request on stderr (CONTRACT §2 `MINI_LLM_LOG`). Never headers or bodies. */
import type { LogLevel } from './config.js';

export interface RequestLog {
  request_id: string;
  method: string;
  path: string;
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

export const stderrSink: LogSink = (line) => console.error(line);

export function createLogger(level: LogLevel, sink: LogSink = stderrSink) {
  return {
    level,
    request(entry: RequestLog) {
      if (level !== 'silent') sink(JSON.stringify({ time: new Date().toISOString(), ...entry }));
    },
    error(message: string) {
      if (level !== 'silent') sink(JSON.stringify({ time: new Date().toISOString(), level: 'error', message }));
    },
    debug(message: string) {
      if (level === 'debug') sink(JSON.stringify({ time: new Date().toISOString(), level: 'debug', message }));
    },
  };
}

export type Logger = ReturnType<typeof createLogger>;
