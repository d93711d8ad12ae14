/**
 * Bun 1.4.5 runtime bug (issue 11, item 10-11; README "Bun notes"): a connection that pipelines two POSTs to a
 * handler that awaits anything is closed, with neither answered. `bun test/bun-pipelining-repro.ts` prints
 * "closed by the server" and no answer on Bun 1.4.5; with the `await` removed, both are answered.
 */
declare const Bun: any;
const server = Bun.serve({ port: 0, hostname: '127.0.0.1', async fetch(req) {
  await new Promise((r) => setTimeout(r, 10));
  return new Response('ok');
} });
const post = 'POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}';
const socket = await Bun.connect({ hostname: '127.0.0.1', port: server.port, socket: {
  data(_, d) { console.log('answer:', JSON.stringify(d.toString())); },
  close() { console.log('closed by the server'); server.stop(); },
  open(s) { s.write(post + post); },
} });
