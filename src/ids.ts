/** Ids the gateway makes up (for answers, items and tool calls a provider sent without one): `prefix` and random hex digits. */
export const randomId = (prefix: string, digits = 32): string => prefix + crypto.randomUUID().replace(/-/g, '').slice(0, digits);
