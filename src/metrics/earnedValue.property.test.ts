import fc from 'fast-check';
import type { EarnedValueMetrics, Figure } from '../shared/contract';
import { budgetVariances } from './budget';
import { actualCostByItem } from './cost';
import { earnedValue } from './earnedValue';
import type { HierarchyLevel, ProjectData, StatusCategory, StatusChange, WorkItem, Worklog } from './model';
import { progress } from './progress';
import type { ProjectSettings } from './settings';
import { at, day, project, settings, workItem } from './testing';

const START = at('2026-01-01');
const START_DAY = day('2026-01-01');
const HOUR = 3_600_000;

const categories: StatusCategory[] = ['new', 'indeterminate', 'done'];
const levels: HierarchyLevel[] = ['epic', 'standard', 'subtask'];

const itemSpec = fc.record({
  parent: fc.option(fc.nat(), { nil: null }),
  level: fc.constantFrom(...levels),
  createdHour: fc.nat({ max: 60 * 24 }),
  budget: fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: null }),
  storyPoints: fc.option(fc.integer({ min: 0, max: 13 }), { nil: null }),
  originalHours: fc.option(fc.integer({ min: 0, max: 40 }), { nil: null }),
  remainingHours: fc.option(fc.integer({ min: 0, max: 40 }), { nil: null }),
  startDay: fc.option(fc.integer({ min: -10, max: 90 }), { nil: null }),
  dueDay: fc.option(fc.integer({ min: -10, max: 120 }), { nil: null }),
  dueChanges: fc.array(fc.record({ hour: fc.nat({ max: 120 * 24 }), to: fc.option(fc.integer({ min: 0, max: 150 }), { nil: null }) }), { maxLength: 3 }),
  moves: fc.array(fc.record({ hour: fc.nat({ max: 120 * 24 }), to: fc.constantFrom(...categories) }), { maxLength: 4 }),
  actualCost: fc.option(fc.integer({ min: 0, max: 5000 }), { nil: null }),
});

const worklogSpec = fc.record({ item: fc.nat(), author: fc.constantFrom('ann', 'bob', 'cy'), hour: fc.nat({ max: 120 * 24 }), hours: fc.integer({ min: 1, max: 10 }) });

const settingsSpec = fc.record({
  earnedValueRule: fc.constantFrom('0/100' as const, '50/50' as const, 'timeSpent' as const),
  costSource: fc.constantFrom('fields' as const, 'worklogs' as const, 'both' as const),
  projectBudget: fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: null }),
  baselineStart: fc.option(fc.integer({ min: -10, max: 30 }), { nil: null }),
  baselineFinish: fc.option(fc.integer({ min: 0, max: 150 }), { nil: null }),
  timeZone: fc.constantFrom('UTC', 'Pacific/Auckland', 'America/Los_Angeles', 'Asia/Kathmandu'),
});

interface Options {
  /** The plan does not change over time: no due-date moves; with a project budget, every item exists from the start. */
  fixedPlan: boolean;
}

type ItemSpec = typeof itemSpec extends fc.Arbitrary<infer T> ? T : never;
type WorklogSpec = typeof worklogSpec extends fc.Arbitrary<infer T> ? T : never;
type SettingsSpec = typeof settingsSpec extends fc.Arbitrary<infer T> ? T : never;

function toProject(
  specs: ItemSpec[],
  logs: WorklogSpec[],
  options: Options,
  projectBudget: number | null,
): ProjectData {
  // Parents come before children and are created no later than them, as in Jira.
  const created = specs.map((s) => (options.fixedPlan && projectBudget !== null ? 0 : s.createdHour)).sort((a, b) => a - b);
  const items: WorkItem[] = specs.map((s, i) => {
    const moves = [...s.moves].sort((a, b) => a.hour - b.hour);
    let category: StatusCategory = 'new';
    const statusChanges: StatusChange[] = [];
    for (const move of moves) {
      if (move.to === category) continue;
      statusChanges.push({ atMs: START + Math.max(move.hour, created[i]) * HOUR, from: category, to: move.to });
      category = move.to;
    }
    statusChanges.sort((a, b) => a.atMs - b.atMs);
    const dueChanges = options.fixedPlan ? [] : [...s.dueChanges].sort((a, b) => a.hour - b.hour);
    let due: number | null = s.dueDay === null ? null : START_DAY + s.dueDay;
    const dueDateChanges = dueChanges.map((c) => {
      const change = { atMs: START + c.hour * HOUR, from: due, to: c.to === null ? null : START_DAY + c.to };
      due = change.to;
      return change;
    });
    return workItem(`P-${i + 1}`, {
      level: s.level,
      parentKey: s.parent !== null && i > 0 ? `P-${(s.parent % i) + 1}` : null,
      createdMs: START + created[i] * HOUR,
      plannedBudget: s.budget,
      storyPoints: s.storyPoints,
      originalEstimateSeconds: s.originalHours === null ? null : s.originalHours * 3600,
      remainingEstimateSeconds: s.remainingHours === null ? null : s.remainingHours * 3600,
      startDay: s.startDay === null ? null : START_DAY + s.startDay,
      dueDay: due,
      dueDateChanges,
      statusCategory: category,
      statusChanges,
      actualCost: s.actualCost,
    });
  });
  const worklogs: Worklog[] =
    items.length === 0 ? [] : logs.map((l) => ({ issueKey: `P-${(l.item % items.length) + 1}`, authorAccountId: l.author, startedMs: START + l.hour * HOUR, seconds: l.hours * 3600 }));
  return project(items, { createdMs: START, worklogs });
}

function toSettings(s: SettingsSpec): ProjectSettings {
  return settings({
    earnedValueRule: s.earnedValueRule,
    costSource: s.costSource,
    projectBudget: s.projectBudget,
    baselineStartDay: s.baselineStart === null ? null : START_DAY + s.baselineStart,
    baselineFinishDay: s.baselineFinish === null ? null : START_DAY + s.baselineFinish,
    timeZone: s.timeZone,
    rates: {
      byPerson: { ann: [{ fromDay: START_DAY, hourlyRate: 100 }, { fromDay: START_DAY + 40, hourlyRate: 120 }] },
      roleOf: { bob: 'developer' },
      byRole: { developer: [{ fromDay: START_DAY + 10, hourlyRate: 70 }] },
      projectDefault: [],
      siteDefault: [],
    },
  });
}

function allFigures(ev: EarnedValueMetrics): Figure[] {
  return [ev.bac, ev.pv, ev.ev, ev.ac, ev.sv, ev.cv, ev.svPercent, ev.cvPercent, ev.spi, ev.cpi, ev.eac.byCpi, ev.eac.byCpiAndSpi, ev.eac.atPlannedRate, ev.etc, ev.vac, ev.tcpiToBac, ev.tcpiToEac];
}

const EPSILON = 1e-6;

describe('earned value properties', () => {
  it('EV never exceeds BAC; EV, PV and AC are never negative; no figure is Infinity or NaN', () => {
    let withBudget = 0;
    fc.assert(
      fc.property(fc.array(itemSpec, { maxLength: 12 }), fc.array(worklogSpec, { maxLength: 15 }), settingsSpec, fc.nat({ max: 130 * 24 }), (specs, logs, s, hour) => {
        const p = toProject(specs, logs, { fixedPlan: false }, s.projectBudget);
        const ev = earnedValue(p, toSettings(s), START + hour * HOUR);
        for (const f of allFigures(ev)) if (f.value !== null) expect(Number.isFinite(f.value)).toBe(true);
        if (ev.bac.value === null) return;
        withBudget++;
        if (ev.ev.value !== null) {
          expect(ev.ev.value).toBeGreaterThanOrEqual(0);
          expect(ev.ev.value).toBeLessThanOrEqual(ev.bac.value + EPSILON);
        }
        if (ev.pv.value !== null) {
          expect(ev.pv.value).toBeGreaterThanOrEqual(0);
          expect(ev.pv.value).toBeLessThanOrEqual(ev.bac.value + EPSILON);
        }
        expect(ev.ac.value).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 500 },
    );
    // The generator must mostly make budgeted projects, or the property proves little.
    expect(withBudget).toBeGreaterThan(250);
  });

  /** PV at T and at a later instant, for random projects and settings built by `makeCase`; later >= earlier. */
  function expectPvNeverDecreases(makeCase: (specs: ItemSpec[], s: SettingsSpec) => { p: ProjectData; planSettings: ProjectSettings }): void {
    let compared = 0;
    fc.assert(
      fc.property(fc.array(itemSpec, { maxLength: 12 }), settingsSpec, fc.nat({ max: 130 * 24 }), fc.nat({ max: 30 * 24 }), (specs, s, hour, laterBy) => {
        const { p, planSettings } = makeCase(specs, s);
        const earlier = earnedValue(p, planSettings, START + hour * HOUR).pv;
        const later = earnedValue(p, planSettings, START + (hour + laterBy) * HOUR).pv;
        if (earlier.value === null) return;
        compared++;
        expect(later.value).not.toBeNull();
        expect(later.value as number).toBeGreaterThanOrEqual(earlier.value - EPSILON);
      }),
      { numRuns: 500 },
    );
    expect(compared).toBeGreaterThan(150);
  }

  it('PV never decreases as T grows while the plan stays the same', () => {
    expectPvNeverDecreases((specs, s) => ({ p: toProject(specs, [], { fixedPlan: true }, s.projectBudget), planSettings: toSettings(s) }));
  });

  it('PV never decreases as T grows even when due dates move: it follows the baseline due dates', () => {
    expectPvNeverDecreases((specs, s) => ({
      p: toProject(specs, [], { fixedPlan: false }, null),
      // No baseline finish: a package planned to it that later gets its own due date is re-planned.
      planSettings: { ...toSettings(s), projectBudget: null, baselineDay: null, baselineFinishDay: null },
    }));
  });

  it('AC is the sum of the items\' actual costs, budget variances cover the work packages, progress stays within 0..1', () => {
    fc.assert(
      fc.property(fc.array(itemSpec, { maxLength: 12 }), fc.array(worklogSpec, { maxLength: 15 }), settingsSpec, fc.nat({ max: 130 * 24 }), (specs, logs, s, hour) => {
        const p = toProject(specs, logs, { fixedPlan: false }, s.projectBudget);
        const T = START + hour * HOUR;
        const result = progress(p, toSettings(s), T);
        if (result.progress.value !== null) {
          expect(result.progress.value).toBeGreaterThanOrEqual(0);
          expect(result.progress.value).toBeLessThanOrEqual(1);
        }
        const ev = earnedValue(p, toSettings(s), T);
        if (ev.ac.value !== null) {
          const byItem = actualCostByItem(p, toSettings(s), T);
          expect(ev.ac.value).toBeCloseTo([...byItem.values()].reduce((sum, cost) => sum + cost, 0), 6);
        }
        const variances = budgetVariances(p, toSettings(s), T);
        expect(variances.map((v) => v.key)).toEqual(ev.workPackages);
        // Packages do not overlap, so their rolled-up actuals never add up to more than AC.
        if (ev.ac.value !== null) expect(variances.reduce((sum, v) => sum + v.rolledUp.actual, 0)).toBeLessThanOrEqual(ev.ac.value + EPSILON);
      }),
      { numRuns: 300 },
    );
  });
});
