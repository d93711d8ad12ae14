/**
 * Model resolution (CONTRACT §3), the same for every route: an exact alias, then `<provider>/<upstream-model>`,
 * then the longest wildcard alias (`claude-*`), else model_not_found.
 */
import type { Config, ModelTarget, Provider } from './config.js';
import { GatewayError, invalidRequest } from './errors.js';

export interface ResolvedModel {
  provider: Provider;
  upstreamModel: string;
  /** The alias (exact, or the wildcard key such as `claude-*`) that matched, or null for `<provider>/<model>`. */
  alias: string | null;
}

/** Where a model name points, before checking that its provider is configured; undefined when nowhere. */
export function lookupModel(config: Config, model: string): { target: ModelTarget; alias: string | null } | undefined {
  const exact = config.aliases.get(model);
  if (exact) return { target: exact, alias: model };
  const slash = model.indexOf('/');
  if (slash > 0 && slash < model.length - 1 && config.providers.has(model.slice(0, slash))) {
    return { target: { provider: model.slice(0, slash), model: model.slice(slash + 1) }, alias: null };
  }
  for (const w of config.wildcards) {
    if (model.length > w.prefix.length && model.startsWith(w.prefix)) {
      const rest = model.slice(w.prefix.length);
      // What a wildcard forwards is a model name: visible ASCII only, never whitespace or control characters.
      if (!WILDCARD_TAIL.test(rest)) return undefined;
      return { target: { provider: w.target.provider, model: w.target.model.replace('*', () => rest) }, alias: `${w.prefix}*` };
    }
  }
  return undefined;
}

export function resolveModel(config: Config, model: string): ResolvedModel {
  const found = lookupModel(config, model);
  if (!found) {
    throw invalidRequest(
      'model_not_found',
      `The model ${JSON.stringify(model)} is neither an alias (GET /v1/models) nor "<provider>/<model>".`,
      'model',
    );
  }
  const provider = config.providers.get(found.target.provider)!;
  if (!provider.enabled) {
    throw invalidRequest(
      'provider_not_configured',
      `The model ${JSON.stringify(model)} needs provider "${provider.id}", which is not configured: set ${provider.enableHint}.`,
      'model',
    );
  }
  return { provider, upstreamModel: found.target.model, alias: found.alias };
}

const WILDCARD_TAIL = /^[\x21-\x7e]{1,200}$/;

const modelEntry = (id: string, owner: string) => ({ id, object: 'model', created: 0, owned_by: owner });

/** `GET /v1/models`: the exact aliases whose provider is configured, in OpenAI's list shape (wildcards are patterns, not models). */
export function listModels(config: Config) {
  const data = [];
  for (const [id, target] of config.aliases) {
    if (config.providers.get(target.provider)?.enabled) data.push(modelEntry(id, target.provider));
  }
  return { object: 'list', data };
}

/** `GET /v1/models/{id}`: any name the gateway would route to a configured provider, or a 404 model_not_found. */
export function retrieveModel(config: Config, id: string) {
  const found = lookupModel(config, id);
  if (!found || !config.providers.get(found.target.provider)?.enabled) {
    throw new GatewayError(404, 'invalid_request_error', 'model_not_found', `The model ${JSON.stringify(id)} does not exist here (GET /v1/models lists the aliases).`, 'model');
  }
  return modelEntry(id, found.target.provider);
}
