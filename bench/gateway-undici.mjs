// Bench-only entry: the built gateway with the undici upstream client, i.e. what src/index.ts does once it adopts
// it (`npm run bench -- --node-entry=bench/gateway-undici.mjs`). Falls back to the global fetch on Node < 22.19.
import { loadDotEnv } from '../dist/node/env.js';
import { startNode } from '../dist/node/start.js';
import { createNodeUpstreamFetch } from '../dist/node/upstream-client.js';

loadDotEnv();
await startNode(process.env, {}, { fetch: createNodeUpstreamFetch() });
