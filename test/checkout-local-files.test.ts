/**
 * Issue 20, "the project's own workerd tests read a `.dev.vars` left in the checkout": with the README's
 * `cp .dev.vars.example .dev.vars` (for `npm run dev:worker`) done, wrangler dev gave every test's Worker that
 * file's gateway key and keys on top of the test's own `--var`s. The test writes such a file into the checkout
 * (only if there is none: a developer's own is never touched) and removes it afterwards, even on failure.
 * Only `.dev.vars`: a `.env` would also reach other test files' gateways started from the checkout, in parallel.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, type ChildGateway } from './helpers.js';
import { HOSTILE_KEY, hostileEnv, startHostileUpstream, type HostileUpstream } from './mocks/hostile-upstream.js';
import { RUNTIMES } from './runtimes.js';

const DEV_VARS = join(ROOT, '.dev.vars');
const LOCAL_GATEWAY_KEY = 'dev-vars-gateway-key-0123456789';

let created = false;
const removeOurs = () => {
  if (created) rmSync(DEV_VARS, { force: true });
  created = false;
};
// Also if the test process dies before afterAll.
process.once('exit', removeOurs);

describe('on workerd, with a .dev.vars in the checkout', () => {
  let up: HostileUpstream;
  let gw: ChildGateway;
  beforeAll(async () => {
    try {
      writeFileSync(DEV_VARS, `MINI_LLM_API_KEY=${LOCAL_GATEWAY_KEY}\nMINI_LLM_ALLOW_UNAUTHENTICATED=false\nHOSTILE_KEY=sk-from-dev-vars-0123456789\n`, { flag: 'wx' });
      created = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    up = await startHostileUpstream();
    gw = await RUNTIMES.find((r) => r.name === 'workerd')!.start({ ...hostileEnv(up.url), MINI_LLM_ALLOW_UNAUTHENTICATED: 'true', MINI_LLM_LOG: 'silent' });
  }, 90_000);
  afterAll(async () => {
    try {
      // The file stays until wrangler is gone: it reloads the Worker when .dev.vars changes.
      await gw?.stop();
      await up?.close();
    } finally {
      removeOurs();
    }
  });

  it('issue 20, .dev.vars: the gateway has only the configuration the test gave it (no gateway key, the test\'s provider key)', async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'hostile/echo-headers', messages: [{ role: 'user', content: 'hi' }] }),
    });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(JSON.parse(text).received_headers.authorization).toBe(`Bearer ${HOSTILE_KEY}`);
    expect((await fetch(`${gw.url}/v1/models`)).status).toBe(200);
  });
});
