/** Node entry: `npm start`, `npx tsx src/index.ts`, `node dist/index.js`. */
import { loadDotEnv } from './node/env.js';
import { startNode } from './node/start.js';
import { createNodeUpstreamFetch } from './node/upstream-client.js';

loadDotEnv();
await startNode(process.env, {}, { fetch: createNodeUpstreamFetch() });
