/**
 * When will the project finish? A Monte Carlo forecast from the team's own recent pace: each trial
 * replays weeks drawn at random (with replacement) from the last full weeks' throughput until the
 * remaining items are done; P50 and P85 of the trials' week counts become dates.
 *
 * Speed: 10,000 trials for each of 200 projects must take well under a second, so a trial must not
 * draw one week at a time when hundreds of weeks are left. While even the best possible block of B
 * weeks (B x the best week) cannot finish the work, the trial draws the block's total in one go from
 * the exact distribution of the sum of B weekly draws (computed once per project, sampled with the
 * alias method). Near the finish it draws single weeks, so the week the work is done is exact. The
 * result has the same distribution as drawing every week one by one.
 */
import type { ForecastFinish } from '../shared/contract';
import { dayInZone, existedAt, statusCategoryAt } from './asOf';
import { historyWindow, isLeaf, parentKeysAt, resolutionOfDoneMs, weekIndexOf } from './flow';
import { isoDay, type ProjectData } from './model';
import { percentileOfCounts } from './percentile';
import { seedFor, seedState } from './random';
import type { ProjectSettings } from './settings';

/** Trials stop at this many weeks (10 years); a trial still unfinished counts as "beyond". */
export const FORECAST_MAX_WEEKS = 520;

const TWO_TO_MINUS_32 = 2.3283064365386963e-10;
/** Read once: a global looked up inside the trial loop is slow in a vm context (as under jest). */
const imul = Math.imul;
/** Block sizes in weeks, tried largest first. */
const BLOCK_WEEKS = [4, 16, 64, 256];
/** Largest block-sum table (possible totals of one block). */
const MAX_TABLE_SIZE = 1 << 16;
/** Work allowed for building block tables, per trial: beyond it a table costs more than it saves. */
const TABLE_WORK_PER_TRIAL = 64;

/**
 * The distributions of block totals (B weekly draws each), largest block first, ready for alias
 * sampling. Flat typed arrays rather than objects, so the trial loop reads numbers only.
 */
interface Blocks {
  count: number;
  weeks: Int32Array;
  /** The largest total a block can have: while the work left exceeds it, the block cannot finish. */
  maxTotal: Float64Array;
  /** The smallest total: table entry i stands for offset + i. */
  offset: Float64Array;
  size: Int32Array;
  /** Where each block's entries start in threshold and alias. */
  start: Int32Array;
  /** Alias method: entry i is kept with chance threshold[i], else it stands for alias[i]. */
  threshold: Float64Array;
  alias: Int32Array;
}

/** Vose's alias tables for a distribution (probabilities summing to 1), written at start. */
function writeAliasTables(probabilities: Float64Array, size: number, threshold: Float64Array, alias: Int32Array, start: number): void {
  const scaled = new Float64Array(size);
  const small = new Int32Array(size);
  const large = new Int32Array(size);
  let smallCount = 0;
  let largeCount = 0;
  for (let i = 0; i < size; i += 1) {
    scaled[i] = probabilities[i] * size;
    alias[start + i] = i;
    if (scaled[i] < 1) small[smallCount++] = i;
    else large[largeCount++] = i;
  }
  while (smallCount > 0 && largeCount > 0) {
    const less = small[--smallCount];
    const more = large[--largeCount];
    threshold[start + less] = scaled[less];
    alias[start + less] = more;
    scaled[more] = scaled[more] + scaled[less] - 1;
    if (scaled[more] < 1) small[smallCount++] = more;
    else large[largeCount++] = more;
  }
  // What is left is 1 up to rounding: always keep it.
  while (largeCount > 0) threshold[start + large[--largeCount]] = 1;
  while (smallCount > 0) threshold[start + small[--smallCount]] = 1;
}

/**
 * Block tables worth building for this backlog: a block helps only when even its best total cannot
 * finish the work left, and its table must stay cheap to build.
 */
function blocksFor(weekly: Int32Array, remaining: number, trials: number, maxWeeks: number): Blocks {
  let least = weekly[0];
  let most = weekly[0];
  for (let i = 1; i < weekly.length; i += 1) {
    least = Math.min(least, weekly[i]);
    most = Math.max(most, weekly[i]);
  }
  const spread = most - least;
  // One week's distribution, sparse: the distinct throughputs (less the least) and their chances.
  const weeksWith = new Map<number, number>();
  for (let i = 0; i < weekly.length; i += 1) weeksWith.set(weekly[i] - least, (weeksWith.get(weekly[i] - least) ?? 0) + 1);
  const steps = Int32Array.from(weeksWith.keys());
  const chances = Float64Array.from(weeksWith.values(), (count) => count / weekly.length);

  // Which blocks: each must be able to jump (B x best week < work left) and its table must be cheap.
  const budget = TABLE_WORK_PER_TRIAL * trials;
  const chosen: number[] = [];
  let work = 0;
  let built = 0;
  for (const weeks of BLOCK_WEEKS) {
    if (weeks * most >= remaining || weeks > maxWeeks || weeks * spread + 1 > MAX_TABLE_SIZE) break;
    for (let b = built + 1; b <= weeks; b += 1) work += ((b - 1) * spread + 1) * steps.length;
    if (work > budget) break;
    built = weeks;
    chosen.push(weeks);
  }

  const count = chosen.length;
  const entries = chosen.reduce((sum, weeks) => sum + weeks * spread + 1, 0);
  const blocks: Blocks = {
    count,
    weeks: new Int32Array(count),
    maxTotal: new Float64Array(count),
    offset: new Float64Array(count),
    size: new Int32Array(count),
    start: new Int32Array(count),
    threshold: new Float64Array(entries),
    alias: new Int32Array(entries),
  };
  if (count === 0) return blocks;

  let current = new Float64Array(built * spread + 1);
  let next = new Float64Array(built * spread + 1);
  current[0] = 1;
  let start = 0;
  let nextChosen = 0;
  // The sum of b weeks is the sum of b - 1 weeks plus one more week (a convolution), one week at a time.
  for (let b = 1; b <= built; b += 1) {
    const before = (b - 1) * spread + 1;
    next.fill(0, 0, b * spread + 1);
    for (let s = 0; s < steps.length; s += 1) {
      const step = steps[s];
      const chance = chances[s];
      for (let total = 0; total < before; total += 1) next[total + step] += current[total] * chance;
    }
    [current, next] = [next, current];
    if (b === chosen[nextChosen]) {
      // Stored largest first: the trial loop tries the largest block first.
      const size = b * spread + 1;
      const at = count - 1 - nextChosen;
      blocks.weeks[at] = b;
      blocks.maxTotal[at] = b * most;
      blocks.offset[at] = b * least;
      blocks.size[at] = size;
      blocks.start[at] = start;
      writeAliasTables(current, size, blocks.threshold, blocks.alias, start);
      start += size;
      nextChosen += 1;
    }
  }
  return blocks;
}

/**
 * The Monte Carlo itself. weekly: the throughput of each history week (at least one above 0);
 * remaining >= 1. Returns how many trials finished after each number of weeks: counts[w] for
 * w = 1..maxWeeks, and counts[maxWeeks + 1] for trials not done within maxWeeks.
 */
export function simulateFinishWeeks(weekly: Int32Array, remaining: number, trials: number, seed: number, maxWeeks: number = FORECAST_MAX_WEEKS): Uint32Array {
  const counts = new Uint32Array(maxWeeks + 2);
  const historyLength = weekly.length;
  const blocks = blocksFor(weekly, remaining, trials, maxWeeks);
  const { count: levels, weeks: levelWeeks, maxTotal: levelMax, offset: levelOffset, size: levelSize, start: levelStart, threshold, alias } = blocks;
  // xoshiro128** (random.ts) inlined with its state in locals: twice as fast as calling Random.
  const state = seedState(seed);
  let a = state[0];
  let b = state[1];
  let c = state[2];
  let d = state[3];
  for (let trial = 0; trial < trials; trial += 1) {
    let doneSoFar = 0;
    let weeks = 0;
    for (let level = 0; level < levels; level += 1) {
      const blockWeeks = levelWeeks[level];
      const maxTotal = levelMax[level];
      const offset = levelOffset[level];
      const size = levelSize[level];
      const start = levelStart[level];
      while (weeks + blockWeeks <= maxWeeks && remaining - doneSoFar > maxTotal) {
        const product = imul(b, 5);
        const draw = imul((product << 7) | (product >>> 25), 9) >>> 0;
        const shifted = b << 9;
        c ^= a;
        d ^= b;
        b ^= c;
        a ^= d;
        c ^= shifted;
        d = (d << 11) | (d >>> 21);
        // One draw picks the table entry (whole part) and decides entry or alias (fraction part).
        const scaled = draw * TWO_TO_MINUS_32 * size;
        const entry = scaled | 0;
        doneSoFar += offset + (scaled - entry < threshold[start + entry] ? entry : alias[start + entry]);
        weeks += blockWeeks;
      }
    }
    while (doneSoFar < remaining && weeks < maxWeeks) {
      const product = imul(b, 5);
      const draw = imul((product << 7) | (product >>> 25), 9) >>> 0;
      const shifted = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= shifted;
      d = (d << 11) | (d >>> 21);
      doneSoFar += weekly[(draw * TWO_TO_MINUS_32 * historyLength) | 0];
      weeks += 1;
    }
    counts[doneSoFar >= remaining ? weeks : maxWeeks + 1] += 1;
  }
  return counts;
}

export function forecastFinish(project: ProjectData, settings: ProjectSettings, asOfMs: number): ForecastFinish {
  const { historyWeeks, trials, seed } = settings.forecast;
  const window = historyWindow(asOfMs, settings.timeZone, historyWeeks);
  const weeks = window.weekStartDays.length;
  const weekly = new Int32Array(weeks);
  let remainingItems = 0;
  const parents = parentKeysAt(project, asOfMs);
  for (const item of project.items) {
    if (!existedAt(item, asOfMs) || !isLeaf(item, parents)) continue;
    if (statusCategoryAt(item, asOfMs) !== 'done') {
      remainingItems += 1;
      continue;
    }
    const resolvedMs = resolutionOfDoneMs(item, asOfMs);
    const week = resolvedMs === null ? -1 : weekIndexOf(window, resolvedMs);
    if (week >= 0) weekly[week] += 1;
  }

  const runs = Math.max(0, Math.floor(trials));
  const answer = (trialsRun: number, p50: string | null, p85: string | null, reason: string | null): ForecastFinish => ({
    remainingItems,
    historyWeeks: weeks,
    trials: trialsRun,
    p50,
    p85,
    reason,
  });
  if (remainingItems === 0) return answer(0, null, null, 'nothing left to do');
  if (weeks === 0) return answer(0, null, null, 'no history to sample (the forecast is set to 0 weeks of history)');
  if (weekly.every((done) => done === 0)) return answer(0, null, null, `nothing was finished in the last ${weeks} weeks`);
  if (runs === 0) return answer(0, null, null, 'no trials to run (the forecast is set to 0 trials)');

  const counts = simulateFinishWeeks(weekly, remainingItems, runs, seedFor(seed, project.key), FORECAST_MAX_WEEKS);
  const asOfDay = dayInZone(asOfMs, settings.timeZone);
  // Convention: a trial done in its w-th simulated week finishes on the as-of day + 7 x w days.
  const dateAfter = (percent: number): string | null => {
    const finishWeeks = percentileOfCounts(counts, runs, percent);
    return finishWeeks === null || finishWeeks > FORECAST_MAX_WEEKS ? null : isoDay(asOfDay + 7 * finishWeeks);
  };
  const p50 = dateAfter(50);
  const p85 = dateAfter(85);
  const beyond = `${FORECAST_MAX_WEEKS} weeks (10 years) at the recent pace`;
  if (p50 === null) return answer(runs, null, null, `more than half of the trials do not finish within ${beyond}`);
  if (p85 === null) return answer(runs, p50, null, `more than 15% of the trials do not finish within ${beyond}`);
  return answer(runs, p50, p85, null);
}
