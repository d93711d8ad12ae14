/** The request log of the process runtimes (Node, Bun): buffered lines on stderr, flushed on exit. */
import { bufferedSink, type LogSink } from './log.js';

export function processStderrSink(): LogSink {
  const sink = bufferedSink(
    (text) => process.stderr.write(text),
    (flush) => setImmediate(flush),
  );
  // process.exit() (shutdown, fatal errors) must not lose the last lines: writes to a file or a pipe are
  // synchronous on exit.
  process.once('exit', sink.flush);
  return sink;
}
