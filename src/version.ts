/**
 * The gateway's version, as in package.json (a test keeps them equal). A literal rather than an import of
 * package.json, so that every runtime (Workers included) gets it with no file access and no bundler option.
 */
export const VERSION = '0.1.0';

/** The `user-agent` the gateway sends upstream, on every runtime. */
export const USER_AGENT = `mini-llm-gateway/${VERSION}`;
