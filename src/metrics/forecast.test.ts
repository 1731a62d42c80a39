import fc from 'fast-check';
import { FORECAST_MAX_WEEKS, forecastFinish, simulateFinishWeeks } from './forecast';
import type { StatusChange, WorkItem } from './model';
import { percentileOfCounts } from './percentile';
import { Random } from './random';
import { at, project, settings, workItem } from './testing';

/** Thursday 2026-03-12; the as-of week starts Monday 03-09. */
const T = at('2026-03-12');
const fourWeeks = settings({ forecast: { historyWeeks: 4, trials: 10_000, seed: 1 } });
/** Mondays of the four history weeks. */
const WEEKS = ['2026-02-09', '2026-02-16', '2026-02-23', '2026-03-02'];

function doneOn(key: string, dateTime: string): WorkItem {
  const statusChanges: StatusChange[] = [{ atMs: at(dateTime), from: 'new', to: 'done' }];
  return workItem(key, { statusCategory: 'done', statusChanges });
}

function open(count: number, from = 1000): WorkItem[] {
  return Array.from({ length: count }, (_, i) => workItem(`P-${from + i}`));
}

/** perWeek[i] items done on the Tuesday of history week i. */
function history(perWeek: number[]): WorkItem[] {
  const items: WorkItem[] = [];
  perWeek.forEach((count, week) => {
    const tuesday = new Date(at(WEEKS[week]) + 86_400_000).toISOString().slice(0, 10);
    for (let i = 0; i < count; i += 1) items.push(doneOn(`P-${5000 + week * 100 + i}`, `${tuesday}T10:00`));
  });
  return items;
}

/** The plain method the fast one must match: one week at a time, drawing with Random. */
function weekByWeek(weekly: Int32Array, remaining: number, trials: number, seed: number, maxWeeks = FORECAST_MAX_WEEKS): Uint32Array {
  const counts = new Uint32Array(maxWeeks + 2);
  const random = new Random(seed);
  for (let trial = 0; trial < trials; trial += 1) {
    let done = 0;
    let weeks = 0;
    while (done < remaining && weeks < maxWeeks) {
      done += weekly[Math.floor(random.nextFloat() * weekly.length)];
      weeks += 1;
    }
    counts[done >= remaining ? weeks : maxWeeks + 1] += 1;
  }
  return counts;
}

/** Exact chance of finishing within w weeks, w = 0..maxWeeks, by summing the weekly distribution. */
function exactFinishChances(weekly: number[], remaining: number, maxWeeks: number): number[] {
  let unfinished = new Array(remaining).fill(0);
  unfinished[0] = 1;
  const chances = [0];
  for (let week = 1; week <= maxWeeks; week += 1) {
    const next = new Array(remaining).fill(0);
    for (let total = 0; total < remaining; total += 1) {
      for (const done of weekly) if (total + done < remaining) next[total + done] += unfinished[total] / weekly.length;
    }
    unfinished = next;
    chances.push(1 - unfinished.reduce((sum, chance) => sum + chance, 0));
  }
  return chances;
}

/** Kolmogorov-Smirnov: 1.95 / sqrt(100,000) is the 0.1% critical value for 100,000 trials. */
const CRITICAL_GAP = 0.0062;

/** The largest gap between the simulated and the exact chance of finishing within w weeks. */
function kolmogorovSmirnov(weekly: number[], remaining: number, trials: number, seed: number, maxWeeks: number): number {
  const counts = simulateFinishWeeks(Int32Array.from(weekly), remaining, trials, seed, maxWeeks);
  const exact = exactFinishChances(weekly, remaining, maxWeeks);
  let finished = 0;
  let largestGap = 0;
  for (let week = 0; week <= maxWeeks; week += 1) {
    finished += counts[week];
    largestGap = Math.max(largestGap, Math.abs(finished / trials - exact[week]));
  }
  return largestGap;
}

describe('forecastFinish', () => {
  it('finishes 20 items at exactly 5 a week in 4 weeks: P50 = P85 = as-of day + 28', () => {
    const result = forecastFinish(project([...history([5, 5, 5, 5]), ...open(20)]), fourWeeks, T);
    expect(result).toEqual({
      remainingItems: 20,
      historyWeeks: 4,
      trials: 10_000,
      p50: '2026-04-09',
      p85: '2026-04-09',
      reason: null,
      // Every trial finishes in the fourth week: one bar of the histogram.
      outcomes: [{ finishBy: '2026-04-09', trials: 10_000 }],
      beyondTrials: 0,
    });
  });

  it('spreads its trials over the weeks they finish in, consistent with P50 and P85', () => {
    // 2, 20, 5 and 18 done in the four weeks: an uneven pace, so trials finish in different weeks.
    const perWeek = [2, 20, 5, 18];
    const done = perWeek.flatMap((count, week) => Array.from({ length: count }, (_, index) => doneOn(`P-${week * 100 + index + 1}`, `${WEEKS[week]}T10:00`)));
    const items = [...done, ...open(60)];
    const result = forecastFinish(project(items), fourWeeks, T);
    const total = result.outcomes.reduce((sum, outcome) => sum + outcome.trials, 0) + result.beyondTrials;
    expect(total).toBe(result.trials);
    expect(result.outcomes.length).toBeGreaterThan(1);
    // The cumulative share reaches 85% in P85's week and not before.
    const share = (day: string) => result.outcomes.filter((outcome) => outcome.finishBy <= day).reduce((sum, outcome) => sum + outcome.trials, 0) / result.trials;
    const before = result.outcomes[result.outcomes.findIndex((outcome) => outcome.finishBy === result.p85) - 1];
    expect(share(result.p85!)).toBeGreaterThanOrEqual(0.85);
    if (before) expect(share(before.finishBy)).toBeLessThan(0.85);
  });

  it('stays exact on the block path: 2,000 items at exactly 5 a week take 400 weeks', () => {
    const counts = simulateFinishWeeks(Int32Array.from([5, 5, 5, 5]), 2000, 1000, 3);
    expect(counts[400]).toBe(1000);
    // One a week, 200 left: a finish table over all 200 weeks.
    expect(simulateFinishWeeks(Int32Array.from([1]), 200, 10_000, 3)[200]).toBe(10_000);
    // 398 left: blocks first, then a finish table entered with little work left.
    expect(simulateFinishWeeks(Int32Array.from([1]), 398, 10_000, 3)[398]).toBe(10_000);
  });

  it('reads weeks from the history: 4, 0, 2, 2 a week and 4 items left', () => {
    // Done by week 1: 1/4 (a 4); by week 2: 11/16 (all pairs but 0+0, 0+2, 2+0); by week 3: 57/64.
    // So P50 = 2 weeks (11/16 >= 1/2) and P85 = 3 weeks (57/64 = 0.89 >= 0.85; 11/16 is not).
    const result = forecastFinish(project([...history([4, 0, 2, 2]), ...open(4)]), fourWeeks, T);
    const chances = exactFinishChances([4, 0, 2, 2], 4, 10);
    const p50Weeks = chances.findIndex((chance) => chance >= 0.5);
    const p85Weeks = chances.findIndex((chance) => chance >= 0.85);
    expect([p50Weeks, p85Weeks]).toEqual([2, 3]);
    expect(result.p50).toBe('2026-03-26');
    expect(result.p85).toBe('2026-04-02');
  });

  it('repeats for a seed and differs between projects', () => {
    const data = project([...history([3, 7, 1, 5]), ...open(60)]);
    const first = forecastFinish(data, fourWeeks, T);
    expect(forecastFinish(data, fourWeeks, T)).toEqual(first);
    const weekly = Int32Array.from([3, 7, 1, 5]);
    expect(simulateFinishWeeks(weekly, 60, 1000, 1)).toEqual(simulateFinishWeeks(weekly, 60, 1000, 1));
    expect(simulateFinishWeeks(weekly, 60, 1000, 1)).not.toEqual(simulateFinishWeeks(weekly, 60, 1000, 2));
  });

  it('says why when nothing is left', () => {
    const result = forecastFinish(project(history([5, 5, 5, 5])), fourWeeks, T);
    expect(result).toEqual({ remainingItems: 0, historyWeeks: 4, trials: 0, p50: null, p85: null, reason: 'nothing left to do', outcomes: [], beyondTrials: 0 });
    expect(forecastFinish(project([]), fourWeeks, T).reason).toBe('nothing left to do');
  });

  it('says why when nothing was finished in the history weeks', () => {
    expect(forecastFinish(project(open(3)), fourWeeks, T)).toEqual({
      remainingItems: 3,
      historyWeeks: 4,
      trials: 0,
      p50: null,
      p85: null,
      reason: 'nothing was finished in the last 4 weeks',
      outcomes: [],
      beyondTrials: 0,
    });
    // Done this week (partial) or before the window: not history.
    const outside = [doneOn('P-1', '2026-03-10T10:00'), doneOn('P-2', '2026-02-08T10:00')];
    expect(forecastFinish(project([...outside, ...open(3)]), fourWeeks, T).reason).toBe('nothing was finished in the last 4 weeks');
    const noHistory = settings({ forecast: { historyWeeks: 0, trials: 10_000, seed: 1 } });
    expect(forecastFinish(project(open(3)), noHistory, T).reason).toBe('no history to sample (the forecast is set to 0 weeks of history)');
    const noTrials = settings({ forecast: { historyWeeks: 4, trials: 0, seed: 1 } });
    expect(forecastFinish(project([...history([1, 1, 1, 1]), ...open(3)]), noTrials, T).reason).toBe('no trials to run (the forecast is set to 0 trials)');
  });

  it('counts leaf items only, and only unresolved ones that exist at T as remaining', () => {
    const items = [
      workItem('P-1', { level: 'epic' }),
      workItem('P-2', { parentKey: 'P-1' }),
      workItem('P-3', { level: 'subtask', parentKey: 'P-2' }),
      workItem('P-4', { createdMs: at('2026-03-20') }),
      ...history([1, 1, 1, 1]),
    ];
    const result = forecastFinish(project(items), fourWeeks, T);
    expect(result.remainingItems).toBe(1);
    expect(result.p85).toBe('2026-03-19');
  });

  it('counts a reopened item as remaining, not as done', () => {
    const reopened = workItem('P-1', {
      statusCategory: 'new',
      statusChanges: [
        { atMs: at('2026-02-10T10:00'), from: 'new', to: 'done' },
        { atMs: at('2026-03-03T10:00'), from: 'done', to: 'new' },
      ],
    });
    expect(forecastFinish(project([reopened]), fourWeeks, T).reason).toBe('nothing was finished in the last 4 weeks');
    expect(forecastFinish(project([reopened, ...history([0, 0, 0, 1])]), fourWeeks, T).remainingItems).toBe(1);
  });

  it('gives up after 520 weeks and says so', () => {
    // One item in 4 weeks, 1,000 left: about 4,000 weeks.
    const result = forecastFinish(project([...history([1, 0, 0, 0]), ...open(1000)]), fourWeeks, T);
    expect(result.p50).toBeNull();
    expect(result.p85).toBeNull();
    expect(result.trials).toBe(10_000);
    expect(result.reason).toBe('more than half of the trials do not finish within 520 weeks (10 years) at the recent pace');
  });

  it('has a P50 without a P85 when only the slow trials pass the limit', () => {
    // Each week finishes the only item with chance 1/2; allow 1 week: half finish, half do not.
    const counts = simulateFinishWeeks(Int32Array.from([1, 0]), 1, 10_000, 5, 1);
    expect(counts[1] + counts[2]).toBe(10_000);
    expect(Math.abs(counts[1] - 5000)).toBeLessThan(300);
    expect(percentileOfCounts(counts, 10_000, 85)).toBe(2);
  });

  it('matches the week-by-week method draw for draw when no table pays off', () => {
    // 20 trials leave too little budget for a finish table over 1,000 items: single weeks only.
    const weekly = Int32Array.from([0, 1000]);
    const counts = simulateFinishWeeks(weekly, 1000, 20, 99);
    expect(counts).toEqual(weekByWeek(weekly, 1000, 20, 99));
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(20);
  });

  it('has the exact finish-week distribution when one finish-table draw decides', () => {
    // 20 left and a best week of 6: every trial is one draw from the finish table.
    const weekly = [3, 0, 6, 2, 5];
    expect(kolmogorovSmirnov(weekly, 20, 100_000, 21, 60)).toBeLessThan(CRITICAL_GAP);
  });

  it('has the exact finish-week distribution on the block path', () => {
    // 0, 1 or 2 a week and 60 left: blocks of 4 and 16 weeks, then the finish table.
    expect(kolmogorovSmirnov([0, 1, 2], 60, 100_000, 11, 200)).toBeLessThan(CRITICAL_GAP);
  });

  it('has the exact distribution when most weeks finish nothing', () => {
    // 10 of 12 weeks empty and 80 left: a 16-week block, then single weeks or the finish table.
    expect(kolmogorovSmirnov([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0], 80, 100_000, 12, 520)).toBeLessThan(CRITICAL_GAP);
  });

  it('has the exact distribution near the limit of weeks', () => {
    // About 1 a week and 30 left, limit 30 weeks: many trials end beyond it.
    const weekly = [0, 1, 2];
    const counts = simulateFinishWeeks(Int32Array.from(weekly), 30, 100_000, 13, 30);
    const exact = exactFinishChances(weekly, 30, 30);
    expect(Math.abs(counts[31] / 100_000 - (1 - exact[30]))).toBeLessThan(CRITICAL_GAP);
    expect(kolmogorovSmirnov(weekly, 30, 100_000, 13, 30)).toBeLessThan(CRITICAL_GAP);
  });

  it('has the exact distribution for assorted histories and backlogs', () => {
    // Fixed draws of histories (many empty weeks) and backlogs, each against its exact chances.
    const random = new Random(5);
    for (let run = 0; run < 6; run += 1) {
      const weekly = Array.from({ length: 1 + random.below(12) }, () => (random.nextFloat() < 0.4 ? 0 : random.below(15)));
      if (!weekly.some((done) => done > 0)) weekly.push(1);
      const remaining = 1 + random.below(300);
      expect(kolmogorovSmirnov(weekly, remaining, 100_000, run, 520)).toBeLessThan(CRITICAL_GAP);
    }
  });

  it('is fast: 10,000 trials for 2,000 items at about 5 a week', () => {
    const weekly = Int32Array.from([3, 5, 7, 4, 6, 5, 2, 8, 5, 4, 6, 5]);
    simulateFinishWeeks(weekly, 2000, 10_000, 1);
    const started = performance.now();
    const counts = simulateFinishWeeks(weekly, 2000, 10_000, 2);
    const elapsed = performance.now() - started;
    process.stdout.write(`forecast: 10,000 trials, 2,000 items at 5 a week: ${elapsed.toFixed(1)} ms\n`);
    expect(Math.abs(percentileOfCounts(counts, 10_000, 50)! - 400)).toBeLessThanOrEqual(2);
    expect(elapsed).toBeLessThan(100);
  });

  it('never has P85 before P50, and stays within the limit or says so', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 16 }).filter((weekly) => weekly.some((done) => done > 0)),
        fc.integer({ min: 1, max: 3000 }),
        fc.integer(),
        (weekly, remaining, seed) => {
          const counts = simulateFinishWeeks(Int32Array.from(weekly), remaining, 300, seed);
          expect(counts.reduce((sum, count) => sum + count, 0)).toBe(300);
          const p50 = percentileOfCounts(counts, 300, 50)!;
          const p85 = percentileOfCounts(counts, 300, 85)!;
          expect(p85).toBeGreaterThanOrEqual(p50);
          // No trial beats the best week every week.
          expect(p50).toBeGreaterThanOrEqual(Math.min(Math.ceil(remaining / Math.max(...weekly)), FORECAST_MAX_WEEKS + 1));
        },
      ),
      { numRuns: 200 },
    );
  });
});
