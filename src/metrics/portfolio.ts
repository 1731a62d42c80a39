/**
 * A portfolio's figures from its projects' metrics: earned value sums with the indices recomputed from
 * them, projects by health, and where each project stands among its peers (benchmarks).
 */
import type { EarnedValueMetrics, Figure, FlowMetrics, Health, PortfolioMetrics, ProjectBenchmark } from '../shared/contract';
import { figure, notAvailable, ratio } from './figure';

/** What a roll-up reads of a project's metrics: full metrics and snapshot summaries both have it. */
export interface RolledUpMetrics {
  projectKey: string;
  earnedValue: Pick<EarnedValueMetrics, 'bac' | 'pv' | 'ev' | 'ac' | 'spi' | 'cpi'>;
  flow: Pick<FlowMetrics, 'cycleTimeDays' | 'weeklyThroughput'>;
  health: { rag: Health };
}

export interface PortfolioProject {
  metrics: RolledUpMetrics;
  /** Share of the project's items passing the compliance rules, 0..1; null when no rules run. */
  compliance: number | null;
}

/** Why a project is left out of the portfolio's BAC, PV, EV and AC sums, or null when it is in them. */
function reasonLeftOut(metrics: RolledUpMetrics): string | null {
  const { bac, pv, ev, ac } = metrics.earnedValue;
  // All four or none: sums over different sets of projects would make SPI and CPI meaningless.
  for (const [label, value] of [['BAC', bac], ['PV', pv], ['EV', ev], ['AC', ac]] as const) {
    if (value.value === null) return `${label} not available: ${value.reason}`;
  }
  return null;
}

/** The projects left out of the portfolio's sums (no budget, or PV, EV or AC not available), with why. */
export function leftOutOfSums(projects: readonly PortfolioProject[]): { projectKey: string; reason: string }[] {
  const left: { projectKey: string; reason: string }[] = [];
  for (const { metrics } of projects) {
    const reason = reasonLeftOut(metrics);
    if (reason !== null) left.push({ projectKey: metrics.projectKey, reason });
  }
  return left;
}

export function portfolioMetrics(name: string | null, projects: readonly PortfolioProject[]): PortfolioMetrics {
  let bac = 0;
  let pv = 0;
  let ev = 0;
  let ac = 0;
  let summed = 0;
  for (const { metrics } of projects) {
    if (reasonLeftOut(metrics) !== null) continue;
    const values = metrics.earnedValue;
    // Available: checked by reasonLeftOut.
    bac += values.bac.value ?? 0;
    pv += values.pv.value ?? 0;
    ev += values.ev.value ?? 0;
    ac += values.ac.value ?? 0;
    summed += 1;
  }

  const byHealth: Record<Health, number> = { red: 0, amber: 0, 'not set up': 0, green: 0 };
  for (const { metrics } of projects) byHealth[metrics.health.rag] += 1;

  const base = {
    name,
    projectKeys: projects.map(({ metrics }) => metrics.projectKey),
    leftOutOfSums: leftOutOfSums(projects),
    byHealth,
    benchmarks: benchmarks(projects),
  };
  if (summed === 0) {
    const reason = noSumsReason(projects);
    const missing = notAvailable(reason);
    return { ...base, bac: missing, pv: missing, ev: missing, ac: missing, spi: missing, cpi: missing, cv: missing, eac: missing };
  }
  const cpi = ratio(ev, ac, 'no cost recorded yet in the budgeted projects (AC is 0)');
  return {
    ...base,
    bac: figure(bac),
    pv: figure(pv),
    ev: figure(ev),
    ac: figure(ac),
    spi: ratio(ev, pv, 'nothing planned yet in the budgeted projects (PV is 0)'),
    cpi,
    cv: figure(ev - ac),
    // BAC / CPI of the sums, as for one project.
    eac: cpi.value === null ? cpi : ratio(bac, cpi.value, 'nothing earned yet in the budgeted projects (EV is 0), so CPI is 0'),
  };
}

function noSumsReason(projects: readonly PortfolioProject[]): string {
  if (projects.length === 0) return 'no projects in this portfolio';
  const budgeted = projects.filter(({ metrics }) => metrics.earnedValue.bac.value !== null);
  if (budgeted.length === 0) return 'no project in this portfolio has a budget';
  const first = budgeted[0].metrics;
  return `no budgeted project has BAC, PV, EV and AC all available (${first.projectKey}: ${reasonLeftOut(first)})`;
}

/**
 * Each project's percentile rank among the projects of `values` that have the figure: the share of
 * them (itself included) whose value is the same or worse, times 100. It is the inverse of the engine's
 * one percentile definition (nearest rank, percentile.ts): ordered from worst to best, the project's
 * value is the portfolio's P-th percentile for every P up to its rank and no higher. Best of all = 100;
 * of 4 projects the worst has 25; tied projects share the higher rank. Not available when the project
 * lacks the figure or no other project has it.
 */
export function percentileRanks(values: readonly Figure[], better: 'higher' | 'lower', what: string): Figure[] {
  // Goodness ascending (worst first), so "same or worse" is everything up to the last equal value.
  const sign = better === 'higher' ? 1 : -1;
  const goodness: number[] = [];
  for (const value of values) if (value.value !== null) goodness.push(sign * value.value);
  goodness.sort((a, b) => a - b);
  const count = goodness.length;
  return values.map((value) => {
    if (value.value === null) return notAvailable(`no ${what}: ${value.reason}`);
    if (count < 2) return notAvailable(`no other project in the portfolio has ${what} to compare with`);
    return figure((100 * sameOrBelow(goodness, sign * value.value)) / count);
  });
}

/** How many of the sorted values are <= value (binary search for the end of its ties). */
function sameOrBelow(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle] <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Mean of the weekly throughput over the history window. */
function meanWeeklyThroughput(metrics: RolledUpMetrics): Figure {
  const weeks = metrics.flow.weeklyThroughput;
  if (weeks.length === 0) return notAvailable('no weeks of throughput history');
  let done = 0;
  for (const week of weeks) done += week.done;
  return figure(done / weeks.length);
}

function benchmarks(projects: readonly PortfolioProject[]): ProjectBenchmark[] {
  const spi = percentileRanks(projects.map(({ metrics }) => metrics.earnedValue.spi), 'higher', 'SPI');
  const cpi = percentileRanks(projects.map(({ metrics }) => metrics.earnedValue.cpi), 'higher', 'CPI');
  // Shorter cycle times are better, so a lower P50 ranks higher.
  const cycleTime = percentileRanks(projects.map(({ metrics }) => metrics.flow.cycleTimeDays.p50), 'lower', 'cycle time');
  const throughput = percentileRanks(projects.map(({ metrics }) => meanWeeklyThroughput(metrics)), 'higher', 'throughput');
  const compliance = percentileRanks(
    projects.map(({ compliance: share }) => (share === null ? notAvailable('no compliance rules run') : figure(share))),
    'higher',
    'compliance',
  );
  return projects.map(({ metrics }, index) => ({
    projectKey: metrics.projectKey,
    spi: spi[index],
    cpi: cpi[index],
    cycleTime: cycleTime[index],
    throughput: throughput[index],
    compliance: compliance[index],
  }));
}

/** Entries by portfolio (the project's category; null for projects without one), in first-seen order. */
export function groupByPortfolio<T>(entries: readonly T[], portfolioOf: (entry: T) => string | null): Map<string | null, T[]> {
  const groups = new Map<string | null, T[]>();
  for (const entry of entries) {
    const name = portfolioOf(entry);
    const group = groups.get(name);
    if (group) group.push(entry);
    else groups.set(name, [entry]);
  }
  return groups;
}
