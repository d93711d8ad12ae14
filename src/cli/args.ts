/** Command-line arguments of `mini-llm-gateway`: pure parsing, no I/O. */

export const PROGRAM = 'mini-llm-gateway';

export type Command = 'serve' | 'models' | 'help' | 'version';

export interface CliArgs {
  command: Command;
  /** `serve`: overrides MINI_LLM_PORT. */
  port?: number;
  /** `serve`: overrides MINI_LLM_HOST. */
  host?: string;
  /** `models`: query each provider's models endpoint. */
  check: boolean;
  /** `models`: machine-readable output. */
  json: boolean;
}

/** A bad command line: the CLI prints the message and a hint to `--help`, and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const COMMANDS: readonly Command[] = ['serve', 'models', 'help', 'version'];

/** Which command accepts which flag (help and version take none). */
const FLAG_COMMANDS: Record<string, readonly Command[]> = {
  '--port': ['serve'],
  '--host': ['serve'],
  '--check': ['models'],
  '--json': ['models'],
};

const WITH_VALUE = new Set(['--port', '--host']);

function parsePort(raw: string): number {
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new UsageError(`--port must be an integer from 0 to 65535, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/** Parse `process.argv.slice(2)`. Throws UsageError for anything it does not know. */
export function parseArgs(argv: readonly string[]): CliArgs {
  // Help and version win over everything else on the line, so `models --help` shows the usage.
  if (argv.includes('--help') || argv.includes('-h')) return { command: 'help', check: false, json: false };
  if (argv.includes('--version') || argv.includes('-v')) return { command: 'version', check: false, json: false };

  let command: Command | undefined;
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith('-')) {
      const eq = arg.indexOf('=');
      const name = eq > 0 ? arg.slice(0, eq) : arg;
      if (!(name in FLAG_COMMANDS)) throw new UsageError(`unknown option '${name}'`);
      if (flags.has(name)) throw new UsageError(`option '${name}' given twice`);
      if (WITH_VALUE.has(name)) {
        const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
        if (value === undefined || value === '' || (eq < 0 && value.startsWith('-'))) {
          throw new UsageError(`option '${name}' needs a value`);
        }
        flags.set(name, value);
      } else {
        if (eq > 0) throw new UsageError(`option '${name}' takes no value`);
        flags.set(name, true);
      }
    } else if (command === undefined) {
      if (!(COMMANDS as readonly string[]).includes(arg)) throw new UsageError(`unknown command '${arg}'`);
      command = arg as Command;
    } else {
      throw new UsageError(`unexpected argument '${arg}'`);
    }
  }

  const cmd = command ?? 'serve';
  for (const name of flags.keys()) {
    if (!FLAG_COMMANDS[name]!.includes(cmd)) throw new UsageError(`option '${name}' does not apply to '${cmd}'`);
  }
  if (cmd === 'help' || cmd === 'version') return { command: cmd, check: false, json: false };

  const args: CliArgs = { command: cmd, check: flags.has('--check'), json: flags.has('--json') };
  const port = flags.get('--port');
  if (typeof port === 'string') args.port = parsePort(port);
  const host = flags.get('--host');
  if (typeof host === 'string') args.host = host;
  return args;
}

export const USAGE = `Usage: ${PROGRAM} [command] [options]

An OpenAI-compatible gateway that routes chat requests by model name to OpenAI, Anthropic,
Nebius, DeepInfra, other OpenAI-compatible providers or a custom URL.

Commands:
  serve                start the gateway (the default when no command is given)
  models               list the model aliases, their provider and upstream model,
                       and whether that provider is configured
  models --check       ask each configured provider for its model list and report, per alias,
                       ok / missing / unreachable; exits 1 if any alias is missing or unreachable
  help                 show this text
  version              print the version

Options:
  --port N             serve: port to listen on (overrides MINI_LLM_PORT; default 3333,
                       moves up to +20 if taken)
  --host H             serve: address to bind (overrides MINI_LLM_HOST; default 127.0.0.1)
  --check              models: check the aliases against the providers (see above)
  --json               models: machine-readable JSON output
  -h, --help           show this text
  -v, --version        print the version

Environment (also read from ./.env; the environment wins over the file):
  OPENAI_API_KEY, ANTHROPIC_API_KEY, NEBIUS_API_KEY, DEEPINFRA_API_KEY
                       provider keys; each enables its provider
  GROQ_API_KEY, TOGETHER_API_KEY, FIREWORKS_API_KEY, OPENROUTER_API_KEY,
  MISTRAL_API_KEY, XAI_API_KEY, DEEPSEEK_API_KEY, MOONSHOT_API_KEY, ZAI_API_KEY,
  MINIMAX_API_KEY, CEREBRAS_API_KEY
                       preset providers; OLLAMA_BASE_URL enables a local Ollama
  <ID>_BASE_URL        override a provider's base URL (e.g. OPENAI_BASE_URL)
  CUSTOM_PROVIDER_URL, CUSTOM_PROVIDER_KEY
                       both set: enables the provider 'custom' (an OpenAI-compatible server)
  MINI_LLM_PROVIDERS   JSON: add providers {"id": {"baseUrl": "...", "apiKeyEnv": "..."}}
  MINI_LLM_MODELS      JSON: aliases {"alias": "provider/upstream-model"} over the defaults
  MINI_LLM_PORT        port (default 3333)
  MINI_LLM_HOST        bind address (default 127.0.0.1; 0.0.0.0 exposes it)
  MINI_LLM_API_KEY     gateway keys (comma-separated) that clients must present
  MINI_LLM_TIMEOUT_MS  longest upstream silence (default 120000)
  MINI_LLM_MAX_BODY_BYTES  largest request body (default 33554432)
  MINI_LLM_LOG         silent | info | debug (default info)

Examples:
  ${PROGRAM}                      start on 127.0.0.1:3333
  ${PROGRAM} --port 8080          start on port 8080
  ${PROGRAM} models --check       verify that every alias exists upstream
`;

export const usageHint = (message: string) => `${PROGRAM}: ${message}\nRun '${PROGRAM} --help' for usage.\n`;
