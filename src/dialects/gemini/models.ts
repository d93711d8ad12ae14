/**
 * `GET /v1beta/models` (and `GET /v1/models` for a Google client): the same models as OpenAI's list (the exact
 * aliases whose provider is configured), in Google's shape, paged with `pageSize` (default 50, at most 1000) and
 * `pageToken`; `GET .../models/{model}`: any name the gateway routes, else a 404.
 * @see https://ai.google.dev/api/models#method:-models.list
 */
import type { HonoRequest } from 'hono';
import type { Config } from '../../config.js';
import { listModels, retrieveModel } from '../../models.js';
import { modelName } from '../../providers/gemini/models.js';
import type { ModelListing } from '../types.js';

const METHODS = ['generateContent', 'streamGenerateContent', 'countTokens', 'embedContent', 'batchEmbedContents'];

const entry = (id: string) => ({ name: `models/${id}`, displayName: id, supportedGenerationMethods: METHODS });

const pageNumber = (text: string | undefined, fallback: number, max: number) => {
  const n = text === undefined ? NaN : Number.parseInt(text, 10);
  return Number.isInteger(n) && n > 0 ? Math.min(n, max) : fallback;
};

export const geminiModels: ModelListing = {
  roots: ['/v1beta/models'],
  list(config: Config, req: HonoRequest) {
    const ids = listModels(config).data.map((m) => m.id);
    const size = pageNumber(req.query('pageSize'), 50, 1000);
    const start = pageNumber(req.query('pageToken'), 0, ids.length);
    const models = ids.slice(start, start + size).map(entry);
    return start + size < ids.length ? { models, nextPageToken: String(start + size) } : { models };
  },
  retrieve(config: Config, id: string) {
    const name = modelName(id);
    retrieveModel(config, name); // a 404 when the gateway would not route it
    return entry(name);
  },
};
