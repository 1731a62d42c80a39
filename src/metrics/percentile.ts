/**
 * The one percentile definition of the metrics engine: nearest rank. The P-th percentile of n values
 * is the value at rank ceil(P/100 x n) in ascending order (rank 1 at least): the smallest value with at
 * least P% of the values at or below it. It is always a value that occurred (a real cycle time, a
 * whole number of weeks), and "85% of the trials finish by the P85 date" holds exactly. No
 * interpolation: P50 of 1, 2, 3, 4 is 2.
 */

/** 1-based rank of the P-th percentile among n values (n >= 1). */
export function nearestRank(n: number, percent: number): number {
  // percent x n before dividing keeps integer percents exact (0.85 x 20 is not 17 in floating point).
  const rank = Math.ceil((percent * n) / 100);
  return Math.min(n, Math.max(1, rank));
}

/** The P-th percentile of values sorted ascending; null when there are none. */
export function percentileOfSorted(sorted: ArrayLike<number>, percent: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[nearestRank(sorted.length, percent) - 1];
}

/** Sorts values in place (a typed array sorts numerically) and returns the P-th percentile of each percent. */
export function percentilesOf(values: Float64Array, percents: readonly number[]): (number | null)[] {
  values.sort();
  return percents.map((percent) => percentileOfSorted(values, percent));
}

/**
 * The P-th percentile of a histogram: counts[v] values equal v (whole numbers, e.g. weeks), total of
 * them in all. Returns v, or null when total is 0. Same nearest-rank definition without sorting.
 */
export function percentileOfCounts(counts: Uint32Array, total: number, percent: number): number | null {
  if (total === 0) return null;
  const rank = nearestRank(total, percent);
  let seen = 0;
  for (let value = 0; value < counts.length; value += 1) {
    seen += counts[value];
    if (seen >= rank) return value;
  }
  return null;
}
