/** Model resolution (CONTRACT §3): alias, then `<provider>/<upstream-model>`, else model_not_found. */
import type { Config, Provider } from './config.js';
import { invalidRequest } from './errors.js';

export interface ResolvedModel {
  provider: Provider;
  upstreamModel: string;
  alias: string | null;
}

export function resolveModel(config: Config, model: string): ResolvedModel {
  const alias = config.aliases.get(model);
  let providerId: string | undefined;
  let upstreamModel: string | undefined;
  if (alias) {
    providerId = alias.provider;
    upstreamModel = alias.model;
  } else {
    const slash = model.indexOf('/');
    if (slash > 0 && slash < model.length - 1 && config.providers.has(model.slice(0, slash))) {
      providerId = model.slice(0, slash);
      upstreamModel = model.slice(slash + 1);
    }
  }
  if (providerId === undefined || upstreamModel === undefined) {
    throw invalidRequest(
      'model_not_found',
      `The model ${JSON.stringify(model)} is neither an alias (GET /v1/models lists them) nor of the form "<provider>/<model>".`,
      'model',
    );
  }
  const provider = config.providers.get(providerId)!;
  if (!provider.enabled) {
    throw invalidRequest(
      'provider_not_configured',
      `The model ${JSON.stringify(model)} needs provider "${provider.id}", which is not configured: set ${provider.enableHint}.`,
      'model',
    );
  }
  return { provider, upstreamModel, alias: alias ? model : null };
}

/** `GET /v1/models`: the aliases whose provider is configured, in OpenAI's list shape. */
export function listModels(config: Config) {
  const data = [];
  for (const [id, target] of config.aliases) {
    if (config.providers.get(target.provider)?.enabled) {
      data.push({ id, object: 'model', created: 0, owned_by: target.provider });
    }
  }
  return { object: 'list', data };
}
