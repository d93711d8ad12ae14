/**
 * Run the gateway as a child process of a Node app (as passy.ai does): spawn it, read the start line to
 * learn its URL, send a request, stop it cleanly. Run: `node --import tsx examples/child-process.ts`.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface Gateway {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** `gatewayDir` is the gateway's checkout (after `npm install`, which also builds `dist/`). */
export function startGateway(gatewayDir: string, env: NodeJS.ProcessEnv = process.env): Promise<Gateway> {
  // Spawn `node` itself, not `npx`: npx does not pass signals on, so stopping it would leave the gateway running.
  const child = spawn(process.execPath, ['dist/index.js'], {
    cwd: gatewayDir,
    env: { ...env, MINI_LLM_PORT: env.MINI_LLM_PORT ?? '0' }, // 0: any free port; the start line says which
    stdio: ['ignore', 'pipe', 'inherit'], // the gateway's log lines go to our stderr
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`gateway exited with code ${code} before it was ready`)));
    createInterface({ input: child.stdout! }).once('line', (line) => {
      const match = /^mini-llm gateway listening on (http:\/\/\S+)$/.exec(line);
      if (!match) return reject(new Error(`unexpected first line from the gateway: ${line}`));
      resolve({
        url: match[1],
        pid: child.pid!,
        stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM'); // drains, then exits 0
          return exited;
        },
      });
    });
  });
}

// Demo: start, ask one question, stop.
if (import.meta.url === `file://${process.argv[1]}`) {
  const gatewayDir = new URL('..', import.meta.url).pathname;
  const gateway = await startGateway(gatewayDir);
  console.log(`gateway pid ${gateway.pid} at ${gateway.url}`);
  try {
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${process.env.MINI_LLM_API_KEY ?? ''}` },
      body: JSON.stringify({ model: process.env.DEMO_MODEL ?? 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello.' }] }),
    });
    const body = await res.json();
    console.log(res.ok ? body.choices[0].message.content : `error: ${body.error.message}`);
  } finally {
    await gateway.stop();
  }
}
