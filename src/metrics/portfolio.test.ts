import fc from 'fast-check';
import type { Figure, ProjectMetrics, Rag } from '../shared/contract';
import { figure, notAvailable } from './figure';
import { percentileOfSorted } from './percentile';
import { groupByPortfolio, leftOutOfSums, percentileRanks, portfolioMetrics, type PortfolioProject } from './portfolio';

const NO_BUDGET = notAvailable('no planned budget on any work package');

interface Given {
  bac?: Figure;
  pv?: Figure;
  ev?: Figure;
  ac?: Figure;
  spi?: Figure;
  cpi?: Figure;
  rag?: Rag;
  cycleP50?: Figure;
  weekly?: number[];
  compliance?: number | null;
}

/** A project's metrics with only what the portfolio reads filled in. */
function project(key: string, given: Given = {}): PortfolioProject {
  const none = notAvailable('not part of this case');
  const metrics: ProjectMetrics = {
    projectKey: key,
    asOf: '2026-03-02T09:00:00.000Z',
    progress: { doneWeight: 0, totalWeight: 0, progress: none, byEpic: [] },
    earnedValue: {
      bac: given.bac ?? NO_BUDGET,
      pv: given.pv ?? NO_BUDGET,
      ev: given.ev ?? NO_BUDGET,
      ac: given.ac ?? figure(0),
      sv: none,
      cv: none,
      svPercent: none,
      cvPercent: none,
      spi: given.spi ?? NO_BUDGET,
      cpi: given.cpi ?? NO_BUDGET,
      eac: { byCpi: none, byCpiAndSpi: none, atPlannedRate: none },
      etc: none,
      vac: none,
      tcpiToBac: none,
      tcpiToEac: none,
      workPackages: [],
      unscheduledPackages: [],
      dataProblems: [],
    },
    budget: [],
    schedule: { overdueCount: 0, overdueShare: figure(0), overdueKeys: [], milestones: [], slippedItems: [], totalSlipDays: 0, forecast: null, target: null },
    flow: {
      weeklyThroughput: (given.weekly ?? []).map((done, index) => ({ weekStart: `2026-01-${String(5 + 7 * index).padStart(2, '0')}`, done })),
      cycleTimeDays: { p50: given.cycleP50 ?? notAvailable('nothing resolved yet'), p85: none },
      leadTimeDays: { p50: none, p85: none },
      wip: 0,
      agingWip: [],
    },
    quality: { openBugs: 0, bugsCreatedLast30Days: 0, reopenings: 0 },
    risk: { flagged: [], blocked: [], overdueHighPriority: [], unassignedInProgress: [] },
    compliance: null,
    health: { rag: given.rag ?? 'green', computedRag: given.rag ?? 'green', criteria: [], override: null },
  };
  return { metrics, compliance: given.compliance ?? null };
}

function budgeted(key: string, bac: number, pv: number, ev: number, ac: number, rest: Given = {}): PortfolioProject {
  return project(key, { bac: figure(bac), pv: figure(pv), ev: figure(ev), ac: figure(ac), spi: figure(ev / pv), cpi: figure(ev / ac), ...rest });
}

describe('portfolioMetrics: earned value sums', () => {
  it('sums BAC, PV, EV and AC and recomputes SPI and CPI from the sums, never averaging the indices', () => {
    // Project indices: SPI 0.5 and 1.0 (mean 0.75), CPI 1.0 and 0.5 (mean 0.75).
    const result = portfolioMetrics('Digital', [budgeted('A', 1000, 100, 50, 50), budgeted('B', 3000, 900, 900, 1800)]);
    expect(result).toMatchObject({ name: 'Digital', projectKeys: ['A', 'B'], bac: { value: 4000 }, pv: { value: 1000 }, ev: { value: 950 }, ac: { value: 1850 } });
    expect(result.spi.value).toBeCloseTo(0.95, 10);
    expect(result.cpi.value).toBeCloseTo(950 / 1850, 10);
    // CV and EAC of the sums too, never of project figures.
    expect(result.cv).toEqual({ value: 950 - 1850 });
    expect(result.eac.value).toBeCloseTo(4000 / (950 / 1850), 6);
  });

  it('leaves a project without a budget out of the sums, but lists and counts it', () => {
    const projects = [budgeted('A', 1000, 100, 80, 100), project('LAB', { ac: figure(5000), rag: 'amber' })];
    const result = portfolioMetrics(null, projects);
    expect(result).toMatchObject({ projectKeys: ['A', 'LAB'], bac: { value: 1000 }, ac: { value: 100 }, byHealth: { red: 0, amber: 1, green: 1 } });
    expect(result.cpi.value).toBeCloseTo(0.8, 10);
    expect(leftOutOfSums(projects)).toEqual([{ projectKey: 'LAB', reason: 'BAC not available: no planned budget on any work package' }]);
    expect(result.leftOutOfSums).toEqual(leftOutOfSums(projects));
  });

  it('says why there are no sums when no project has a budget', () => {
    const result = portfolioMetrics('Lab', [project('X'), project('Y')]);
    for (const value of [result.bac, result.pv, result.ev, result.ac, result.spi, result.cpi]) {
      expect(value).toEqual({ value: null, reason: 'no project in this portfolio has a budget' });
    }
  });

  it('says why there are no sums for an empty portfolio', () => {
    expect(portfolioMetrics('Empty', []).bac).toEqual({ value: null, reason: 'no projects in this portfolio' });
  });

  it('says why SPI is not available when nothing was planned yet across the portfolio', () => {
    const result = portfolioMetrics('New', [budgeted('A', 1000, 0, 0, 10)]);
    expect(result.spi).toEqual({ value: null, reason: 'nothing planned yet in the budgeted projects (PV is 0)' });
    expect(result.cpi).toEqual({ value: 0 });
  });

  it('property: SPI = sum EV / sum PV and CPI = sum EV / sum AC over the budgeted projects', () => {
    const money = fc.integer({ min: 0, max: 10_000_000 });
    const entry = fc.record({ budget: fc.boolean(), bac: money, pv: money, ev: money, ac: money });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 30 }), (entries) => {
        const projects = entries.map((e, index) =>
          e.budget ? budgeted(`P${index}`, e.bac, e.pv, e.ev, e.ac) : project(`P${index}`, { ac: figure(e.ac) }),
        );
        const inSums = entries.filter((e) => e.budget);
        const sum = (pick: (e: (typeof entries)[number]) => number): number => inSums.reduce((total, e) => total + pick(e), 0);
        const result = portfolioMetrics('Random', projects);
        if (inSums.length === 0) {
          expect(result.spi.value).toBeNull();
          return;
        }
        expect(result.ev.value).toBe(sum((e) => e.ev));
        expect(result.pv.value).toBe(sum((e) => e.pv));
        if (sum((e) => e.pv) === 0) expect(result.spi.value).toBeNull();
        else expect(result.spi.value).toBeCloseTo(sum((e) => e.ev) / sum((e) => e.pv), 12);
        if (sum((e) => e.ac) === 0) expect(result.cpi.value).toBeNull();
        else expect(result.cpi.value).toBeCloseTo(sum((e) => e.ev) / sum((e) => e.ac), 12);
      }),
    );
  });
});

describe('portfolioMetrics: projects by health', () => {
  it('counts the effective RAG (after any override) of every project', () => {
    const rags: Rag[] = ['red', 'green', 'amber', 'red', 'green', 'green'];
    const result = portfolioMetrics('P', rags.map((rag, index) => project(`P${index}`, { rag })));
    expect(result.byHealth).toEqual({ red: 2, amber: 1, 'not set up': 0, green: 3 });
  });
});

describe('percentileRanks: share of the projects with the same or a worse value (nearest-rank inverse)', () => {
  it('ranks a hand example with a tie and a missing value', () => {
    // SPI 0.9, 1.1, 0.9, n/a, 1.2: four projects have it.
    const ranks = percentileRanks([figure(0.9), figure(1.1), figure(0.9), notAvailable('no budget'), figure(1.2)], 'higher', 'SPI');
    expect(ranks.map((rank) => rank.value)).toEqual([
      50, // the two 0.9s: 2 of 4 at or below
      75,
      50,
      null,
      100, // best of all
    ]);
    expect(ranks[3]).toEqual({ value: null, reason: 'no SPI: no budget' });
  });

  it('inverts when lower is better (cycle time)', () => {
    const ranks = percentileRanks([figure(3), figure(10), figure(5)], 'lower', 'cycle time');
    expect(ranks.map((rank) => rank.value)).toEqual([100, 100 / 3, 200 / 3]);
  });

  it('gives 100 to every project when all are tied', () => {
    expect(percentileRanks([figure(2), figure(2), figure(2)], 'higher', 'x').map((rank) => rank.value)).toEqual([100, 100, 100]);
  });

  it('is not available for a project alone with its figure', () => {
    expect(percentileRanks([figure(1), notAvailable('none')], 'higher', 'CPI')[0]).toEqual({
      value: null,
      reason: 'no other project in the portfolio has CPI to compare with',
    });
  });

  it('property: a project ranked R is the nearest-rank P-th percentile for P up to R, and not above', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 2, maxLength: 40 }), fc.boolean(), (values, higher) => {
        const ranks = percentileRanks(values.map(figure), higher ? 'higher' : 'lower', 'x');
        // Worst to best, as the ranks read them.
        const ordered = values.map((value) => (higher ? value : -value)).sort((a, b) => a - b);
        values.forEach((value, index) => {
          const rank = ranks[index].value as number;
          const goodness = higher ? value : -value;
          // Cut float noise (100/3 x 3 is not exactly 100) before nearest rank's ceil.
          expect(percentileOfSorted(ordered, Math.floor(rank * 1e9) / 1e9)).toBe(goodness);
          if (rank < 100) expect(percentileOfSorted(ordered, rank + 1e-6)).toBeGreaterThan(goodness);
        });
      }),
    );
  });
});

describe('portfolioMetrics: benchmarks', () => {
  it('ranks SPI, CPI, cycle time, mean weekly throughput and compliance within the portfolio', () => {
    const result = portfolioMetrics('P', [
      budgeted('A', 100, 100, 90, 100, { cycleP50: figure(4), weekly: [2, 4], compliance: 0.9 }), // SPI 0.9, CPI 0.9, throughput 3
      budgeted('B', 100, 100, 110, 100, { cycleP50: figure(6), weekly: [3, 3, 3], compliance: 0.9 }), // SPI 1.1, CPI 1.1, throughput 3
      project('C', { cycleP50: figure(2), weekly: [1], compliance: null }), // no budget, no compliance rules
    ]);
    expect(result.benchmarks).toEqual([
      { projectKey: 'A', spi: { value: 50 }, cpi: { value: 50 }, cycleTime: { value: 200 / 3 }, throughput: { value: 100 }, compliance: { value: 100 } },
      { projectKey: 'B', spi: { value: 100 }, cpi: { value: 100 }, cycleTime: { value: 100 / 3 }, throughput: { value: 100 }, compliance: { value: 100 } },
      {
        projectKey: 'C',
        spi: { value: null, reason: 'no SPI: no planned budget on any work package' },
        cpi: { value: null, reason: 'no CPI: no planned budget on any work package' },
        cycleTime: { value: 100 },
        throughput: { value: 100 / 3 },
        compliance: { value: null, reason: 'no compliance: no compliance rules run' },
      },
    ]);
  });

  it('has no throughput benchmark for a project without weeks of history', () => {
    const result = portfolioMetrics('P', [project('A', { weekly: [] }), project('B', { weekly: [1] }), project('C', { weekly: [2] })]);
    expect(result.benchmarks.map((benchmark) => benchmark.throughput)).toEqual([
      { value: null, reason: 'no throughput: no weeks of throughput history' },
      { value: 50 },
      { value: 100 },
    ]);
  });
});

describe('groupByPortfolio', () => {
  it('groups by portfolio name in first-seen order, with projects without one under null', () => {
    const groups = groupByPortfolio(
      [
        { key: 'A', portfolio: 'Digital' },
        { key: 'L', portfolio: null },
        { key: 'B', portfolio: 'Digital' },
      ],
      (entry) => entry.portfolio,
    );
    expect([...groups.entries()].map(([name, entries]) => [name, entries.map((entry) => entry.key)])).toEqual([
      ['Digital', ['A', 'B']],
      [null, ['L']],
    ]);
  });
});
