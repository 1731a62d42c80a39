/**
 * The whole engine on the demo seed: every project's metrics compute, with sane values, and the
 * portfolios add up. Hand-computed cases live beside each metric in src/metrics.
 */
import { generateDemoDataset } from '../jira/seed/index';
import {
  DEFAULT_PORTFOLIO_SETTINGS,
  DEFAULT_PROJECT_SETTINGS,
  computeProjectMetrics,
  dayNumber,
  groupByPortfolio,
  portfolioMetrics,
  workload,
  type ProjectMetrics,
  type ProjectSettings,
} from '../../src/metrics/index';
import { HEALTHS } from '../../src/shared/contract';
import { projectDataFromDataset } from './fromDataset';

const NOW = new Date('2026-03-02T09:00:00Z');
const dataset = generateDemoDataset({ seed: 42, now: NOW });
const projects = projectDataFromDataset(dataset);
const settings: ProjectSettings = {
  ...DEFAULT_PROJECT_SETTINGS,
  rates: { ...DEFAULT_PROJECT_SETTINGS.rates, siteDefault: [{ fromDay: dayNumber('2000-01-01'), hourlyRate: 100 }] },
  timeZone: dataset.site.timeZone,
  forecast: { ...DEFAULT_PROJECT_SETTINGS.forecast, trials: 500 },
};
const asOfMs = NOW.getTime();
const metrics = projects.map((project) => computeProjectMetrics(project, settings, asOfMs));
const byKey = new Map(metrics.map((entry) => [entry.projectKey, entry]));

function get(key: string): ProjectMetrics {
  const found = byKey.get(key);
  if (!found) throw new Error(`no metrics for ${key}`);
  return found;
}

/** Paths of every number in the object that is NaN or infinite (JSON would turn them into null). */
function badNumbers(value: unknown, path = '$'): string[] {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [path];
  if (Array.isArray(value)) return value.flatMap((entry, index) => badNumbers(entry, `${path}[${index}]`));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, entry]) => badNumbers(entry, `${path}.${key}`));
  return [];
}

/** Every Figure in the object: available ones have no reason, missing ones say why. */
function badFigures(value: unknown, path = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((entry, index) => badFigures(entry, `${path}[${index}]`));
  if (value === null || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  if ('value' in record && Object.keys(record).every((key) => key === 'value' || key === 'reason')) {
    const ok = record.value === null ? typeof record.reason === 'string' && record.reason.length > 0 : typeof record.value === 'number' && record.reason === undefined;
    return ok ? [] : [path];
  }
  return Object.entries(record).flatMap(([key, entry]) => badFigures(entry, `${path}.${key}`));
}

describe('computeProjectMetrics on the demo seed', () => {
  it('computes every project, as of the instant given', () => {
    expect(metrics.map((entry) => entry.projectKey)).toEqual(dataset.projects.map((project) => project.key));
    for (const entry of metrics) expect(entry.asOf).toBe('2026-03-02T09:00:00.000Z');
  });

  it('has no NaN or infinite number anywhere, and every not-available figure says why', () => {
    expect(badNumbers(metrics)).toEqual([]);
    expect(badFigures(metrics)).toEqual([]);
    expect(badNumbers(JSON.parse(JSON.stringify(metrics)))).toEqual([]);
  });

  it('keeps values in their ranges', () => {
    for (const entry of metrics) {
      const share = entry.schedule.overdueShare.value;
      if (share !== null) expect(share).toBeGreaterThanOrEqual(0);
      if (share !== null) expect(share).toBeLessThanOrEqual(1);
      const done = entry.progress.progress.value;
      if (done !== null) expect(done).toBeGreaterThanOrEqual(0);
      if (done !== null) expect(done).toBeLessThanOrEqual(1);
      for (const key of ['bac', 'pv', 'ev', 'ac'] as const) {
        const value = entry.earnedValue[key].value;
        if (value !== null) expect(value).toBeGreaterThanOrEqual(0);
      }
      expect(entry.flow.wip).toBeGreaterThanOrEqual(0);
      expect(entry.schedule.overdueCount).toBe(entry.schedule.overdueKeys.length);
      expect(entry.schedule.forecast).toBeNull();
      expect(HEALTHS).toContain(entry.health.rag);
      if (entry.health.rag !== 'red' && entry.health.rag !== 'amber') expect(entry.health.rag === 'green').toBe(entry.earnedValue.spi.value !== null && entry.earnedValue.cpi.value !== null);
      expect(entry.health.rag).toBe(entry.health.computedRag);
    }
  });

  it('tells the seed’s intended health apart', () => {
    // HERMES is finished: all done, nothing overdue. ORION is late: over 20% overdue, so red.
    expect(get('HERMES').progress.progress.value).toBe(1);
    expect(get('HERMES').schedule.overdueCount).toBe(0);
    expect(get('ORION').health.computedRag).toBe('red');
    expect(get('ORION').health.criteria.some((criterion) => criterion.startsWith('Overdue share'))).toBe(true);
    // NOVA is over budget: CPI below 1. LAB has no budget at all.
    expect(get('NOVA').earnedValue.cpi.value).toBeLessThan(1);
    expect(get('LAB').earnedValue.bac.value).toBeNull();
  });

  it('runs the forecast only when asked', () => {
    const project = projects.find((candidate) => candidate.key === 'APOLLO');
    if (!project) throw new Error('no APOLLO');
    const forecast = computeProjectMetrics(project, settings, asOfMs, { forecast: true }).schedule.forecast;
    expect(forecast).not.toBeNull();
    expect(forecast?.trials).toBe(500);
  });
});

describe('portfolios of the demo seed', () => {
  const groups = groupByPortfolio(
    projects.map((project, index) => ({ portfolio: project.portfolio, metrics: metrics[index], compliance: null })),
    (entry) => entry.portfolio,
  );
  const portfolios = [...groups].map(([name, group]) => portfolioMetrics(name, group));

  it('has one per category and one for the projects without one', () => {
    expect(portfolios.map((portfolio) => portfolio.name)).toEqual(['Digital Channels', 'Infrastructure', 'Regulatory', null]);
    expect(portfolios.flatMap((portfolio) => portfolio.projectKeys).sort()).toEqual(projects.map((project) => project.key).sort());
  });

  it('sums EV and PV of the budgeted projects and takes SPI from the sums', () => {
    const digital = portfolios[0];
    const members = digital.projectKeys.map(get).filter((entry) => entry.earnedValue.bac.value !== null);
    const ev = members.reduce((sum, entry) => sum + (entry.earnedValue.ev.value ?? 0), 0);
    const pv = members.reduce((sum, entry) => sum + (entry.earnedValue.pv.value ?? 0), 0);
    expect(digital.ev.value).toBeCloseTo(ev, 6);
    expect(digital.spi.value).toBeCloseTo(ev / pv, 10);
    expect(digital.byHealth.red + digital.byHealth.amber + digital.byHealth.green).toBe(digital.projectKeys.length);
    expect(badNumbers(portfolios)).toEqual([]);
  });

  it('has no sums for the portfolio of LAB alone (no budget), and no benchmarks to compare with', () => {
    const none = portfolios[3];
    expect(none.bac).toEqual({ value: null, reason: 'no project in this portfolio has a budget' });
    expect(none.benchmarks[0].cycleTime.value).toBeNull();
  });

  it('computes the workload across projects without NaN', () => {
    const people = workload(projects, DEFAULT_PORTFOLIO_SETTINGS, asOfMs);
    expect(people.length).toBeGreaterThan(3);
    expect(badNumbers(people)).toEqual([]);
  });
});
