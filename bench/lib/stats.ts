/** Percentile of ascending-sorted samples (nearest rank, floored); NaN for none. */
export const pct = (sorted: number[], p: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]);
