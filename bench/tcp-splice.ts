/**
 * Reference: a TCP splice (no HTTP at all): every connection is piped byte for byte to the mock. It measures
 * what one more Node process on the path costs on this machine, before any HTTP work: the floor under the
 * raw `node:http` pipe and the gateway at 1 connection. UPSTREAM_ORIGIN is the mock's `http://host:port`;
 * prints `splice listening on http://127.0.0.1:PORT`.
 */
import { connect, createServer, type AddressInfo } from 'node:net';

const upstream = new URL(process.env.UPSTREAM_ORIGIN ?? 'http://127.0.0.1:1');
const server = createServer((client) => {
  const up = connect({ host: upstream.hostname, port: Number(upstream.port), noDelay: true });
  client.setNoDelay(true);
  client.pipe(up).on('error', () => client.destroy());
  up.pipe(client).on('error', () => up.destroy());
  client.on('error', () => up.destroy());
  up.on('error', () => client.destroy());
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`splice listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.once('SIGTERM', () => process.exit(0));
