/**
 * Bun 1.4.5 runtime bug (issue 11, item 11; README "Bun notes"): a connection that pipelines two POSTs to a
 * handler that awaits anything is closed with neither answered. `bun test/bun-pipelining-repro.ts` prints
 * "closed by the server" and no answer on Bun 1.4.5; without the `await`, both POSTs are answered.
 */
declare const Bun: any;

const server = Bun.serve({ port: 0, hostname: '127.0.0.1', async fetch() {
  await new Promise((r) => setTimeout(r, 10));
  return new Response('ok');
} });
const post = 'POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}';
await Bun.connect({ hostname: '127.0.0.1', port: server.port, socket: {
  open: (s: any) => s.write(post + post),
  data: (_: unknown, d: Uint8Array) => console.log('answer:', JSON.stringify(new TextDecoder().decode(d))),
  close: () => (console.log('closed by the server'), server.stop()),
} });
