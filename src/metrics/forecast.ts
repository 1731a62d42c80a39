/**
 * When will the project finish? A Monte Carlo forecast from the team's own recent pace: each trial
 * replays weeks drawn at random (with replacement) from the last full weeks' throughput until the
 * remaining items are done; P50 and P85 of the trials' week counts become dates.
 *
 * Speed: 10,000 trials for each of 200 projects must take well under a second, so a trial must not
 * draw one week at a time when hundreds of weeks are left. Two tables, computed once per project,
 * make a trial a handful of draws with the same distribution as drawing every week:
 * - Blocks: while even the best possible block of B weeks (B x the best week) cannot finish the work,
 *   the trial draws the block's total in one go from the exact distribution of the sum of B weekly
 *   draws.
 * - The finish: once the work left is small enough for the table (often it is all the work), one draw
 *   from the exact distribution of the weeks still needed for that much work gives the finishing week.
 * Each is sampled with one 32-bit draw (blocks: alias method; finish: binary search of the chances).
 * The only departures from drawing week by week are of the order of 2^-32 per outcome (32-bit draws)
 * and 2^-45 (the finish table stops where the chance of needing more weeks is below that).
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
const TWO_TO_32 = 4294967296;
/** Read once: a global looked up inside the trial loop is slow in a vm context (as under jest). */
const imul = Math.imul;
/** Block sizes in weeks, tried largest first. */
const BLOCK_WEEKS = [4, 16, 64, 256];
/** Largest table: possible totals of one block; amounts of work x weeks of the finish table. */
const MAX_TABLE_SIZE = 1 << 16;
/** Work allowed for building each table, per trial: beyond it a table costs more than it saves (measured). */
const TABLE_WORK_PER_TRIAL = 16;
/** The finish table ends where the chance of needing more weeks is below this. */
const NEGLIGIBLE_TAIL = 2 ** -45;
const SURELY_DONE = 2 ** -100;

/** One week's throughput as a distribution: the distinct values of the history weeks and their chances. */
interface WeeklyDistribution {
  least: number;
  most: number;
  mean: number;
  values: Int32Array;
  chances: Float64Array;
}

function distributionOf(weekly: Int32Array): WeeklyDistribution {
  const weeksWith = new Map<number, number>();
  let least = weekly[0];
  let most = weekly[0];
  let total = 0;
  for (let i = 0; i < weekly.length; i += 1) {
    least = Math.min(least, weekly[i]);
    most = Math.max(most, weekly[i]);
    total += weekly[i];
    weeksWith.set(weekly[i], (weeksWith.get(weekly[i]) ?? 0) + 1);
  }
  return {
    least,
    most,
    mean: total / weekly.length,
    values: Int32Array.from(weeksWith.keys()),
    chances: Float64Array.from(weeksWith.values(), (count) => count / weekly.length),
  };
}

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
 * finish the work left and the finish table does not cover all of it, and its table must be cheap.
 */
function blocksFor(week: WeeklyDistribution, remaining: number, trials: number, maxWeeks: number, finishGaps: number): Blocks {
  const { least, most, values, chances } = week;
  const spread = most - least;
  const steps = values.map((value) => value - least);

  // Which blocks: each must be able to jump (B x best week < work left) and its table must be cheap.
  const budget = TABLE_WORK_PER_TRIAL * trials;
  const chosen: number[] = [];
  let work = 0;
  let built = 0;
  // Nothing to jump when the finish table covers all the work.
  for (const weeks of remaining > finishGaps ? BLOCK_WEEKS : []) {
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
 * The finish table: for work left g = 1..gaps, the chance of being done within k weeks, k = 1..weeks,
 * week-major (entry (k - 1) x width + g - 1), scaled to 2^32 so a 32-bit draw compares directly. A
 * draw at or above every entry of its column means "more than `weeks` weeks": beyond the trials' limit
 * when the table runs to it; otherwise that tail is negligible and the last week takes it.
 */
interface FinishTable {
  gaps: number;
  width: number;
  weeks: number;
  doneWithin: Float64Array;
}

const NO_FINISH_TABLE: FinishTable = { gaps: 0, width: 0, weeks: 0, doneWithin: new Float64Array(0) };

/**
 * The widest finish table worth building. All the work when that is cheap: a trial is then one draw.
 * Otherwise up to 8 x the best week, so blocks of 8 weeks and more do the rest (8: measured).
 */
function finishTableFor(week: WeeklyDistribution, remaining: number, trials: number, maxWeeks: number): FinishTable {
  const budget = TABLE_WORK_PER_TRIAL * trials;
  const narrow = Math.min(remaining, 8 * week.most);
  // All the work takes about remaining / mean weeks (usually more for the tail): skip the attempt
  // when even that does not fit.
  const likelyWeeks = Math.ceil(remaining / week.mean);
  if (remaining > narrow && remaining * likelyWeeks <= MAX_TABLE_SIZE && remaining * likelyWeeks * week.values.length <= budget) {
    const whole = buildFinishTable(week, remaining, maxWeeks, budget, false);
    if (whole !== null) return whole;
  }
  return buildFinishTable(week, narrow, maxWeeks, budget, true) ?? NO_FINISH_TABLE;
}

/**
 * The chances come week by week for every amount of work up to width at once. When the budget runs
 * out first: null, or (partly) a table of the amounts whose tail is already negligible.
 */
function buildFinishTable(week: WeeklyDistribution, width: number, maxWeeks: number, budget: number, partly: boolean): FinishTable | null {
  const { values, chances } = week;
  const mostWeeks = Math.min(maxWeeks, Math.floor(MAX_TABLE_SIZE / width));
  if (mostWeeks === 0) return null;
  // unfinished[g]: the chance that the weeks so far did not finish g items (index 0: none left).
  let unfinished = new Float64Array(width + 1).fill(1);
  unfinished[0] = 0;
  let next = new Float64Array(width + 1);
  let doneWithin = new Float64Array(width * Math.min(mostWeeks, 16));
  let weeks = 0;
  let work = 0;
  // Amounts below firstLive are as good as certainly done (chance left below 2^-100): they stay 0,
  // which also keeps the arithmetic out of very slow subnormal numbers.
  let firstLive = 1;
  while (unfinished[width] >= NEGLIGIBLE_TAIL && weeks < maxWeeks) {
    work += (width - firstLive + 1) * values.length;
    if (work > budget || weeks === mostWeeks) {
      if (!partly) return null;
      break;
    }
    // Not finished after one more week: not finished before, and this week's items leave work.
    next.fill(0, firstLive);
    for (let v = 0; v < values.length; v += 1) {
      const value = values[v];
      const chance = chances[v];
      for (let gap = value + firstLive; gap <= width; gap += 1) next[gap] += chance * unfinished[gap - value];
    }
    while (firstLive < width && next[firstLive] < SURELY_DONE) {
      // Both buffers: the other one becomes next after this week and is only cleared from firstLive on.
      next[firstLive] = 0;
      unfinished[firstLive] = 0;
      firstLive += 1;
    }
    if ((weeks + 1) * width > doneWithin.length) {
      const larger = new Float64Array(Math.min(mostWeeks, 2 * (doneWithin.length / width)) * width);
      larger.set(doneWithin);
      doneWithin = larger;
    }
    const row = weeks * width - 1;
    for (let gap = 1; gap <= width; gap += 1) doneWithin[row + gap] = (1 - next[gap]) * TWO_TO_32;
    weeks += 1;
    [unfinished, next] = [next, unfinished];
  }
  if (weeks === 0) return null;

  // At the limit the tail is "beyond the limit"; short of it, only amounts with a negligible tail,
  // and the last week listed takes that tail.
  let gaps = width;
  if (weeks < maxWeeks) {
    while (gaps > 0 && unfinished[gaps] >= NEGLIGIBLE_TAIL) gaps -= 1;
    doneWithin.fill(TWO_TO_32, (weeks - 1) * width, weeks * width);
  }
  return { gaps, width, weeks, doneWithin };
}

/**
 * The Monte Carlo itself. weekly: the throughput of each history week (at least one above 0);
 * remaining >= 1. Returns how many trials finished after each number of weeks: counts[w] for
 * w = 1..maxWeeks, and counts[maxWeeks + 1] for trials not done within maxWeeks.
 */
export function simulateFinishWeeks(weekly: Int32Array, remaining: number, trials: number, seed: number, maxWeeks: number = FORECAST_MAX_WEEKS): Uint32Array {
  const counts = new Uint32Array(maxWeeks + 2);
  const historyLength = weekly.length;
  const week = distributionOf(weekly);
  const finish = finishTableFor(week, remaining, trials, maxWeeks);
  const { gaps: finishGaps, width: finishWidth, weeks: finishWeeks, doneWithin } = finish;
  const blocks = blocksFor(week, remaining, trials, maxWeeks, finishGaps);
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
      while (weeks + blockWeeks <= maxWeeks && remaining - doneSoFar > maxTotal && remaining - doneSoFar > finishGaps) {
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
    // Single weeks until the work left fits the finish table (at once when the blocks did their part).
    while (remaining - doneSoFar > finishGaps && weeks < maxWeeks) {
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
    if (doneSoFar < remaining && weeks < maxWeeks) {
      const product = imul(b, 5);
      const draw = imul((product << 7) | (product >>> 25), 9) >>> 0;
      const shifted = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= shifted;
      d = (d << 11) | (d >>> 21);
      // The finish table's answer for this much work: the first week whose chance of being done
      // exceeds the draw (binary search down the column); none: more weeks than the table lists.
      const column = remaining - doneSoFar - 1;
      let low = 0;
      let high = finishWeeks;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (draw < doneWithin[middle * finishWidth + column]) high = middle;
        else low = middle + 1;
      }
      weeks += low + 1;
      doneSoFar = remaining;
    }
    counts[doneSoFar >= remaining && weeks <= maxWeeks ? weeks : maxWeeks + 1] += 1;
  }
  return counts;
}

/** Leaf items finished in each of the history window's weeks, and the leaf items not done, as of asOfMs. */
export function weeklyThroughput(project: ProjectData, settings: ProjectSettings, asOfMs: number): { weekly: Int32Array; remainingItems: number } {
  const window = historyWindow(asOfMs, settings.timeZone, settings.forecast.historyWeeks);
  const weekly = new Int32Array(window.weekStartDays.length);
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
  return { weekly, remainingItems };
}

/** When the project's remaining leaf items are done, at the pace of its recent weeks. */
export function forecastFinish(project: ProjectData, settings: ProjectSettings, asOfMs: number): ForecastFinish {
  const { weekly, remainingItems } = weeklyThroughput(project, settings, asOfMs);
  return forecastItems(weekly, remainingItems, settings, project.key, asOfMs);
}

/**
 * When `remainingItems` are done at the pace of `weekly` (items finished per history week): the Monte
 * Carlo itself, for a project or for part of one (a milestone's open items, as if the team worked on
 * nothing else). `seedKey` makes each project's (or milestone's) trials its own and repeatable.
 */
export function forecastItems(weekly: Int32Array, remainingItems: number, settings: ProjectSettings, seedKey: string, asOfMs: number): ForecastFinish {
  const { trials, seed } = settings.forecast;
  const weeks = weekly.length;
  const runs = Math.max(0, Math.floor(trials));
  const answer = (trialsRun: number, p50: string | null, p85: string | null, reason: string | null, counts: Uint32Array | null = null): ForecastFinish => ({
    remainingItems,
    historyWeeks: weeks,
    trials: trialsRun,
    p50,
    p85,
    reason,
    ...outcomesOf(counts, asOfDay),
  });
  const asOfDay = dayInZone(asOfMs, settings.timeZone);
  if (remainingItems === 0) return answer(0, null, null, 'nothing left to do');
  if (weeks === 0) return answer(0, null, null, 'no history to sample (the forecast is set to 0 weeks of history)');
  if (weekly.every((done) => done === 0)) return answer(0, null, null, `nothing was finished in the last ${weeks} weeks`);
  if (runs === 0) return answer(0, null, null, 'no trials to run (the forecast is set to 0 trials)');

  const counts = simulateFinishWeeks(weekly, remainingItems, runs, seedFor(seed, seedKey), FORECAST_MAX_WEEKS);
  // Convention: a trial done in its w-th simulated week finishes on the as-of day + 7 x w days.
  const dateAfter = (percent: number): string | null => {
    const finishWeeks = percentileOfCounts(counts, runs, percent);
    return finishWeeks === null || finishWeeks > FORECAST_MAX_WEEKS ? null : isoDay(asOfDay + 7 * finishWeeks);
  };
  const p50 = dateAfter(50);
  const p85 = dateAfter(85);
  const beyond = `${FORECAST_MAX_WEEKS} weeks (10 years) at the recent pace`;
  if (p50 === null) return answer(runs, null, null, `more than half of the trials do not finish within ${beyond}`, counts);
  if (p85 === null) return answer(runs, p50, null, `more than 15% of the trials do not finish within ${beyond}`, counts);
  return answer(runs, p50, p85, null, counts);
}

/** The trials by finishing week, from the first week any trial finished to the last. */
function outcomesOf(counts: Uint32Array | null, asOfDay: number): Pick<ForecastFinish, 'outcomes' | 'beyondTrials'> {
  if (counts === null) return { outcomes: [], beyondTrials: 0 };
  let first = -1;
  let last = -1;
  for (let week = 0; week <= FORECAST_MAX_WEEKS; week += 1) {
    if (counts[week] === 0) continue;
    if (first < 0) first = week;
    last = week;
  }
  const outcomes: ForecastFinish['outcomes'] = [];
  for (let week = first; first >= 0 && week <= last; week += 1) outcomes.push({ finishBy: isoDay(asOfDay + 7 * week), trials: counts[week] });
  let beyondTrials = 0;
  for (let week = FORECAST_MAX_WEEKS + 1; week < counts.length; week += 1) beyondTrials += counts[week];
  return { outcomes, beyondTrials };
}
