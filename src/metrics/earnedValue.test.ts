import type { EarnedValueMetrics, Figure } from '../shared/contract';
import { earnedValue, NO_BUDGET_REASON, plannedFraction } from './earnedValue';
import type { StatusChange, WorkItem, Worklog } from './model';
import { at, day, project, settings, workItem } from './testing';

/** The value of an available figure (fails the test when it is not available). */
function value(f: Figure): number {
  if (f.value === null) throw new Error(`not available: ${f.reason}`);
  return f.value;
}

/** Rounded to the cent, as a PMO reads money. */
function cents(f: Figure): number {
  return Math.round(value(f) * 100) / 100;
}

const moved = (atIso: string, from: StatusChange['from'], to: StatusChange['to']): StatusChange => ({ atMs: at(atIso), from, to });
const doneOn = (atIso: string): Partial<WorkItem> => ({ statusCategory: 'done', statusChanges: [moved(atIso, 'new', 'done')] });
const startedOn = (atIso: string): Partial<WorkItem> => ({ statusCategory: 'indeterminate', statusChanges: [moved(atIso, 'new', 'indeterminate')] });

function hoursOfWork(issueKey: string, authorAccountId: string, firstIso: string, days: number, hoursPerDay: number): Worklog[] {
  return Array.from({ length: days }, (_, k) => ({ issueKey, authorAccountId, startedMs: at(firstIso) + k * 86_400_000, seconds: hoursPerDay * 3600 }));
}

describe('earned value: published examples', () => {
  it('reproduces the four-sided fence example of Rita Mulcahy, PMP Exam Prep (p. 210) to the cent', () => {
    // Four sides, $1,000 and one day each, built one after the other; status at the end of day 3:
    // side 1 done for $1,000, side 2 done for $1,200, side 3 half done for $600, side 4 not started.
    const sides = [
      workItem('FENCE-1', { plannedBudget: 1000, startDay: day('2026-03-02'), dueDay: day('2026-03-02'), actualCost: 1000, ...doneOn('2026-03-02T17:00') }),
      workItem('FENCE-2', { plannedBudget: 1000, startDay: day('2026-03-03'), dueDay: day('2026-03-03'), actualCost: 1200, ...doneOn('2026-03-03T17:00') }),
      workItem('FENCE-3', { plannedBudget: 1000, startDay: day('2026-03-04'), dueDay: day('2026-03-04'), actualCost: 600, ...startedOn('2026-03-04T08:00') }),
      workItem('FENCE-4', { plannedBudget: 1000, startDay: day('2026-03-05'), dueDay: day('2026-03-05') }),
    ];
    const ev = earnedValue(project(sides), settings({ earnedValueRule: '50/50', costSource: 'fields' }), at('2026-03-04T18:00'));
    expect(cents(ev.bac)).toBe(4000);
    expect(cents(ev.pv)).toBe(3000);
    expect(cents(ev.ev)).toBe(2500);
    expect(cents(ev.ac)).toBe(2800);
    expect(cents(ev.cv)).toBe(-300);
    expect(cents(ev.sv)).toBe(-500);
    expect(value(ev.cpi).toFixed(3)).toBe('0.893');
    expect(value(ev.spi).toFixed(3)).toBe('0.833');
    // The book divides by CPI rounded to .893 and prints EAC 4,479, ETC 1,679, VAC -479; unrounded CPI gives:
    expect(cents(ev.eac.byCpi)).toBe(4480);
    expect(cents(ev.etc)).toBe(1680);
    expect(cents(ev.vac)).toBe(-480);
    expect(ev.workPackages).toEqual(['FENCE-1', 'FENCE-2', 'FENCE-3', 'FENCE-4']);
    expect(ev.unscheduledPackages).toEqual([]);
    expect(ev.dataProblems).toEqual([]);
  });

  it('reproduces the textbook case BAC 100,000 / PV 50,000 / EV 45,000 / AC 48,000 to the cent', () => {
    // The commonly cited PMBOK-style exercise: SV -5,000, CV -3,000, SPI 0.90, CPI 0.9375,
    // EAC 106,666.67, ETC 58,666.67, VAC -6,666.67, TCPI 1.0577.
    const items = [
      workItem('APOLLO-1', { level: 'epic', plannedBudget: 100_000, startDay: day('2026-03-02'), dueDay: day('2026-03-11'), statusCategory: 'indeterminate' }),
      workItem('APOLLO-2', { parentKey: 'APOLLO-1', storyPoints: 45, ...doneOn('2026-03-05') }),
      workItem('APOLLO-3', { parentKey: 'APOLLO-1', storyPoints: 55, ...startedOn('2026-03-03') }),
    ];
    // 480 hours at $100 an hour: 60 days of 8 hours.
    const worklogs = [...hoursOfWork('APOLLO-2', 'ann', '2026-01-05T09:00', 30, 8), ...hoursOfWork('APOLLO-3', 'ann', '2026-02-04T09:00', 30, 8)];
    const s = settings({ costSource: 'worklogs', rates: { ...settings().rates, byPerson: { ann: [{ fromDay: day('2026-01-01'), hourlyRate: 100 }] } } });
    // The 5th of 10 planned days, so half the budget is planned.
    const ev = earnedValue(project(items, { worklogs }), s, at('2026-03-06T12:00'));
    expect(cents(ev.bac)).toBe(100_000);
    expect(cents(ev.pv)).toBe(50_000);
    expect(cents(ev.ev)).toBe(45_000);
    expect(cents(ev.ac)).toBe(48_000);
    expect(cents(ev.sv)).toBe(-5000);
    expect(cents(ev.cv)).toBe(-3000);
    expect(value(ev.svPercent)).toBeCloseTo(-0.1, 12);
    expect(value(ev.cvPercent)).toBeCloseTo(-3000 / 45_000, 12);
    expect(value(ev.spi)).toBeCloseTo(0.9, 12);
    expect(value(ev.cpi)).toBeCloseTo(0.9375, 12);
    expect(cents(ev.eac.byCpi)).toBe(106_666.67);
    expect(cents(ev.eac.byCpiAndSpi)).toBe(113_185.19);
    expect(cents(ev.eac.atPlannedRate)).toBe(103_000);
    expect(cents(ev.etc)).toBe(58_666.67);
    expect(cents(ev.vac)).toBe(-6_666.67);
    expect(value(ev.tcpiToBac).toFixed(4)).toBe('1.0577');
    expect(value(ev.tcpiToEac)).toBeCloseTo(0.9375, 12);
    expect(ev.workPackages).toEqual(['APOLLO-1']);
  });
});

describe('earned value: budget set-up', () => {
  const T = at('2026-03-10T12:00');

  it('is "not set up" everywhere without any budget, never 0', () => {
    const ev = earnedValue(project([workItem('P-1', { actualCost: 100, ...doneOn('2026-03-01') })]), settings(), T);
    const figures: Figure[] = [ev.bac, ev.pv, ev.ev, ev.ac, ev.sv, ev.cv, ev.svPercent, ev.cvPercent, ev.spi, ev.cpi, ev.eac.byCpi, ev.eac.byCpiAndSpi, ev.eac.atPlannedRate, ev.etc, ev.vac, ev.tcpiToBac, ev.tcpiToEac];
    for (const f of figures) expect(f).toEqual({ value: null, reason: NO_BUDGET_REASON });
    expect(NO_BUDGET_REASON).toBe('no budget set up: set a Planned budget on work items or a project budget');
  });

  it('takes the topmost budgeted item as the package; budgets below it are its breakdown', () => {
    const items = [
      workItem('P-1', { level: 'epic', plannedBudget: 10_000, dueDay: day('2026-03-31') }),
      workItem('P-2', { parentKey: 'P-1', plannedBudget: 4000, ...doneOn('2026-03-05') }),
      workItem('P-3', { parentKey: 'P-1', plannedBudget: 6000 }),
      workItem('P-4', { level: 'subtask', parentKey: 'P-3', plannedBudget: 1000 }),
    ];
    const ev = earnedValue(project(items), settings(), T);
    expect(ev.workPackages).toEqual(['P-1']);
    expect(value(ev.bac)).toBe(10_000);
    // P-1 earns by the weight of its leaf items P-2 (done) and P-4: one each.
    expect(value(ev.ev)).toBe(5000);
    expect(ev.dataProblems).toEqual([]);
  });

  it('reports a breakdown that exceeds its package, with both amounts', () => {
    const items = [
      workItem('APOLLO-12', { level: 'epic', plannedBudget: 10_000, dueDay: day('2026-03-31') }),
      workItem('APOLLO-13', { parentKey: 'APOLLO-12', plannedBudget: 7000 }),
      workItem('APOLLO-14', { parentKey: 'APOLLO-12', plannedBudget: 5000 }),
      workItem('APOLLO-15', { level: 'subtask', parentKey: 'APOLLO-14', plannedBudget: 5000.5 }),
    ];
    const ev = earnedValue(project(items), settings(), T);
    expect(ev.dataProblems).toEqual(["APOLLO-12: breakdown 12,000 exceeds its package's 10,000", "APOLLO-14: breakdown 5,000.5 exceeds its package's 5,000"]);
    expect(value(ev.bac)).toBe(10_000);
  });

  it('does not report a breakdown that adds up to its package in cents', () => {
    const items = [
      workItem('P-1', { plannedBudget: 0.3, dueDay: day('2026-03-31') }),
      workItem('P-2', { parentKey: 'P-1', plannedBudget: 0.1 }),
      workItem('P-3', { parentKey: 'P-1', plannedBudget: 0.2 }),
    ];
    expect(earnedValue(project(items), settings(), T).dataProblems).toEqual([]);
  });

  it('leaves out a negative Planned budget and says so', () => {
    const items = [workItem('P-1', { plannedBudget: -50, dueDay: day('2026-03-31') }), workItem('P-2', { plannedBudget: 100, dueDay: day('2026-03-31') })];
    const ev = earnedValue(project(items), settings(), T);
    expect(ev.workPackages).toEqual(['P-2']);
    expect(ev.dataProblems).toEqual(['P-1: Planned budget -50 is not a usable amount; left out']);
  });

  it('takes BAC from the project budget and scales package values to it', () => {
    const items = [
      workItem('P-1', { plannedBudget: 30_000, startDay: day('2026-03-01'), dueDay: day('2026-03-10'), ...doneOn('2026-03-09') }),
      workItem('P-2', { plannedBudget: 10_000, startDay: day('2026-03-01'), dueDay: day('2026-03-20') }),
    ];
    const ev = earnedValue(project(items), settings({ projectBudget: 100_000 }), T);
    expect(value(ev.bac)).toBe(100_000);
    // Packages are 3/4 and 1/4 of the project budget; P-1 is done, P-2 is 10 of 20 days into its plan.
    expect(value(ev.ev)).toBe(75_000);
    expect(value(ev.pv)).toBeCloseTo(75_000 + 25_000 * 0.5, 9);
  });

  it('earns a project budget without packages by overall progress, and plans it over the baseline', () => {
    const items = [workItem('P-1', { storyPoints: 3, ...doneOn('2026-03-05') }), workItem('P-2', { storyPoints: 1 })];
    const s = settings({ projectBudget: 20_000, baselineStartDay: day('2026-03-01'), baselineFinishDay: day('2026-03-20') });
    const ev = earnedValue(project(items), s, T);
    expect(value(ev.bac)).toBe(20_000);
    expect(value(ev.ev)).toBe(15_000);
    expect(value(ev.pv)).toBe(10_000);
    expect(ev.workPackages).toEqual([]);
    const noFinish = earnedValue(project(items), settings({ projectBudget: 20_000 }), T);
    expect(noFinish.pv).toEqual({ value: null, reason: 'no baseline finish: set the project baseline start and finish to plan the project budget over time' });
    expect(noFinish.spi.value).toBeNull();
    expect(value(noFinish.cv)).toBe(15_000);
  });

  it('counts an item whose key changed once, in the project it is in now', () => {
    // MOVED-8 was OLD-3 in another project; the sync hands it over with its history and worklogs under the new key.
    const item = workItem('MOVED-8', {
      plannedBudget: 2000,
      dueDay: day('2026-03-05'),
      createdMs: at('2025-12-01'),
      ...doneOn('2026-03-04'),
    });
    const worklogs = [{ issueKey: 'MOVED-8', authorAccountId: 'ann', startedMs: at('2025-12-10T09:00'), seconds: 10 * 3600 }];
    const s = settings({ costSource: 'worklogs', rates: { ...settings().rates, siteDefault: [{ fromDay: 0, hourlyRate: 50 }] } });
    const ev = earnedValue(project([item], { key: 'MOVED', worklogs }), s, T);
    expect(value(ev.ev)).toBe(2000);
    expect(value(ev.ac)).toBe(500);
    expect(ev.workPackages).toEqual(['MOVED-8']);
  });
});

describe('earned value: how packages earn', () => {
  const T = at('2026-03-10T12:00');
  const scheduled = { startDay: day('2026-03-01'), dueDay: day('2026-03-20') };

  it('earns everything when all packages are done and nothing when none has started', () => {
    const allDone = [workItem('P-1', { plannedBudget: 100, ...scheduled, ...doneOn('2026-03-02') }), workItem('P-2', { plannedBudget: 300, ...scheduled, ...doneOn('2026-03-03') })];
    const done = earnedValue(project(allDone), settings(), T);
    expect(value(done.ev)).toBe(400);
    expect(value(done.bac)).toBe(400);
    const none = earnedValue(project([workItem('P-1', { plannedBudget: 100, ...scheduled, actualCost: 20 })]), settings(), T);
    expect(value(none.ev)).toBe(0);
    expect(value(none.cpi)).toBe(0);
    expect(none.cvPercent).toEqual({ value: null, reason: 'nothing earned yet (EV is 0)' });
    expect(none.eac.byCpi).toEqual({ value: null, reason: 'nothing earned yet (EV is 0), so CPI is 0' });
    expect(none.eac.byCpiAndSpi).toEqual({ value: null, reason: 'nothing earned yet (EV is 0), so CPI x SPI is 0' });
    expect(none.etc.value).toBeNull();
    expect(value(none.eac.atPlannedRate)).toBe(120);
  });

  it('says CPI is not available when no cost is recorded', () => {
    const ev = earnedValue(project([workItem('P-1', { plannedBudget: 100, ...scheduled, ...doneOn('2026-03-02') })]), settings(), T);
    expect(value(ev.ac)).toBe(0);
    expect(ev.cpi).toEqual({ value: null, reason: 'no cost recorded yet (AC is 0)' });
    expect(ev.eac.byCpi).toEqual({ value: null, reason: 'no cost recorded yet (AC is 0)' });
    expect(ev.vac).toEqual({ value: null, reason: 'no cost recorded yet (AC is 0)' });
    expect(value(ev.cv)).toBe(100);
  });

  it('does not count a package reopened before T as done', () => {
    const reopened = workItem('P-1', {
      plannedBudget: 1000,
      ...scheduled,
      statusCategory: 'indeterminate',
      statusChanges: [moved('2026-03-02', 'new', 'done'), moved('2026-03-06', 'done', 'indeterminate')],
    });
    expect(value(earnedValue(project([reopened]), settings(), T).ev)).toBe(0);
    expect(value(earnedValue(project([reopened]), settings(), at('2026-03-04')).ev)).toBe(1000);
    expect(value(earnedValue(project([reopened]), settings({ earnedValueRule: '50/50' }), T).ev)).toBe(500);
  });

  it('applies 50/50: half once in progress (or ever in progress by T), nothing before', () => {
    const items = [
      workItem('P-1', { plannedBudget: 1000, ...scheduled, ...startedOn('2026-03-05') }),
      workItem('P-2', { plannedBudget: 1000, ...scheduled, ...startedOn('2026-03-11') }),
      workItem('P-3', {
        plannedBudget: 1000,
        ...scheduled,
        statusCategory: 'new',
        statusChanges: [moved('2026-03-03', 'new', 'indeterminate'), moved('2026-03-04', 'indeterminate', 'new')],
      }),
      workItem('P-4', { plannedBudget: 1000, ...scheduled }),
    ];
    expect(value(earnedValue(project(items), settings({ earnedValueRule: '50/50' }), T).ev)).toBe(1000);
  });

  it('applies time spent: hours logged by T over hours logged plus the remaining estimate', () => {
    const items = [
      workItem('P-1', { plannedBudget: 1000, ...scheduled, statusCategory: 'indeterminate', remainingEstimateSeconds: 30 * 3600 }),
      // No remaining estimate: what is left of the original estimate (40 - 10 hours).
      workItem('P-2', { plannedBudget: 800, ...scheduled, statusCategory: 'indeterminate', originalEstimateSeconds: 40 * 3600 }),
      // No estimate at all: nothing earned until done.
      workItem('P-3', { plannedBudget: 500, ...scheduled, statusCategory: 'indeterminate' }),
    ];
    const worklogs: Worklog[] = [
      { issueKey: 'P-1', authorAccountId: 'ann', startedMs: at('2026-03-05T09:00'), seconds: 10 * 3600 },
      { issueKey: 'P-1', authorAccountId: 'ann', startedMs: at('2026-03-11T09:00'), seconds: 50 * 3600 },
      { issueKey: 'P-2', authorAccountId: 'ann', startedMs: at('2026-03-06T09:00'), seconds: 10 * 3600 },
      { issueKey: 'P-3', authorAccountId: 'ann', startedMs: at('2026-03-06T09:00'), seconds: 10 * 3600 },
    ];
    const ev = earnedValue(project(items, { worklogs }), settings({ earnedValueRule: 'timeSpent' }), T);
    expect(value(ev.ev)).toBeCloseTo(1000 * (10 / 40) + 800 * (10 / 40), 9);
  });

  it('earns a package with children by its work items, whatever the rule', () => {
    const items = [
      workItem('P-1', { plannedBudget: 900, ...scheduled, statusCategory: 'indeterminate' }),
      workItem('P-2', { level: 'subtask', parentKey: 'P-1', originalEstimateSeconds: 2 * 3600, ...doneOn('2026-03-03') }),
      workItem('P-3', { level: 'subtask', parentKey: 'P-1', originalEstimateSeconds: 4 * 3600, ...startedOn('2026-03-03') }),
    ];
    for (const earnedValueRule of ['0/100', '50/50', 'timeSpent'] as const) {
      expect(value(earnedValue(project(items), settings({ earnedValueRule }), T).ev)).toBeCloseTo(300, 9);
    }
  });

  it('leaves out items created after T', () => {
    const items = [
      workItem('P-1', { plannedBudget: 1000, ...scheduled, ...doneOn('2026-03-02') }),
      workItem('P-2', { plannedBudget: 5000, ...scheduled, createdMs: at('2026-03-11'), actualCost: 70 }),
    ];
    const ev = earnedValue(project(items), settings(), T);
    expect(value(ev.bac)).toBe(1000);
    expect(value(ev.ac)).toBe(0);
    expect(ev.workPackages).toEqual(['P-1']);
  });
});

describe('earned value: planned value', () => {
  it('plans a budget linearly by day, 0 before the start and 1 from the due day on', () => {
    expect(plannedFraction(10, 19, 9)).toBe(0);
    expect(plannedFraction(10, 19, 10)).toBe(0.1);
    expect(plannedFraction(10, 19, 14)).toBe(0.5);
    expect(plannedFraction(10, 19, 19)).toBe(1);
    expect(plannedFraction(10, 19, 40)).toBe(1);
    expect(plannedFraction(10, 10, 10)).toBe(1);
  });

  it('falls back to the baseline start, then the project created day, and to the baseline finish', () => {
    const p = project([workItem('P-1', { plannedBudget: 1000 })], { createdMs: at('2026-03-01') });
    const T = at('2026-03-05T12:00');
    expect(value(earnedValue(p, settings({ baselineFinishDay: day('2026-03-10') }), T).pv)).toBe(500);
    expect(value(earnedValue(p, settings({ baselineStartDay: day('2026-03-05'), baselineFinishDay: day('2026-03-14') }), T).pv)).toBe(100);
  });

  it('lists unscheduled packages and leaves them out of PV; with none scheduled PV is not available', () => {
    const T = at('2026-03-10T12:00');
    const items = [workItem('P-1', { plannedBudget: 1000, startDay: day('2026-03-01'), dueDay: day('2026-03-05') }), workItem('P-2', { plannedBudget: 500 })];
    const ev = earnedValue(project(items), settings(), T);
    expect(value(ev.pv)).toBe(1000);
    expect(ev.unscheduledPackages).toEqual(['P-2']);
    const none = earnedValue(project([workItem('P-2', { plannedBudget: 500 })]), settings(), T);
    expect(none.pv).toEqual({ value: null, reason: 'no work package has a due date and the project has no baseline finish' });
    expect(none.unscheduledPackages).toEqual(['P-2']);
    expect(none.spi.value).toBeNull();
    expect(value(none.bac)).toBe(500);
  });

  it('plans by the baseline due date, so a slipped due date does not lower PV', () => {
    const item = workItem('P-1', {
      plannedBudget: 1000,
      startDay: day('2026-03-01'),
      dueDay: day('2026-03-20'),
      dueDateChanges: [{ atMs: at('2026-03-08'), from: day('2026-03-10'), to: day('2026-03-20') }],
    });
    expect(value(earnedValue(project([item]), settings(), at('2026-03-07T12:00')).pv)).toBe(700);
    // The due date slipped on the 8th: the plan (first due date, the 10th) still says 80% by then.
    expect(value(earnedValue(project([item]), settings(), at('2026-03-08T12:00')).pv)).toBe(800);
    // With a baseline day after the slip, the new due date is the plan: 8 of 20 days.
    expect(value(earnedValue(project([item]), settings({ baselineDay: day('2026-03-09') }), at('2026-03-08T12:00')).pv)).toBe(400);
    expect(value(earnedValue(project([item]), settings({ baselineDay: day('2026-03-09') }), at('2026-03-10T12:00')).pv)).toBe(500);
  });

  it('reads the as-of day in the site time zone', () => {
    const item = workItem('P-1', { plannedBudget: 1000, startDay: day('2026-03-01'), dueDay: day('2026-03-10') });
    // 2026-03-04T11:30Z is still the 4th in UTC but already the 5th in Auckland (UTC+13).
    const T = at('2026-03-04T11:30');
    expect(value(earnedValue(project([item]), settings({ timeZone: 'UTC' }), T).pv)).toBe(400);
    expect(value(earnedValue(project([item]), settings({ timeZone: 'Pacific/Auckland' }), T).pv)).toBe(500);
    expect(value(earnedValue(project([item]), settings({ timeZone: 'Pacific/Auckland' }), at('2026-03-04T10:59')).pv)).toBe(400);
  });

  it('reports a due date before the start date and plans the package in full from its due date', () => {
    const item = workItem('P-1', { plannedBudget: 1000, startDay: day('2026-03-09'), dueDay: day('2026-03-05') });
    const ev = earnedValue(project([item]), settings(), at('2026-03-06'));
    expect(value(ev.pv)).toBe(1000);
    expect(ev.dataProblems).toEqual(['P-1: due 2026-03-05 is before its start 2026-03-09; planned in full from the due date']);
  });
});

describe('earned value: actual cost and forecasts', () => {
  const T = at('2026-03-10T12:00');
  const scheduled = { startDay: day('2026-03-01'), dueDay: day('2026-03-20') };

  it('adds the cost of every item, not only packages', () => {
    const items = [workItem('P-1', { plannedBudget: 1000, ...scheduled, actualCost: 100 }), workItem('P-2', { parentKey: 'P-1', actualCost: 50 }), workItem('P-3', { actualCost: 25 })];
    expect(value(earnedValue(project(items), settings(), T).ac)).toBe(175);
  });

  it('names people whose worklogs have no rate at all in the data problems', () => {
    const items = [workItem('P-1', { plannedBudget: 1000, ...scheduled })];
    const worklogs = [{ issueKey: 'P-1', authorAccountId: 'acc-9', startedMs: at('2026-03-02T09:00'), seconds: 9000 }];
    const ev = earnedValue(project(items, { worklogs }), settings(), T);
    expect(ev.dataProblems).toEqual(['no hourly rate for the worklogs of acc-9 (2.5 hours counted at 0): set their rate, role or a default rate']);
  });

  it('says TCPI to BAC is not available once the budget is spent', () => {
    const items = [workItem('P-1', { plannedBudget: 1000, ...scheduled, actualCost: 1200, ...startedOn('2026-03-02') }), workItem('P-2', { parentKey: 'P-1', ...doneOn('2026-03-03') }), workItem('P-3', { parentKey: 'P-1' })];
    const ev: EarnedValueMetrics = earnedValue(project(items), settings(), T);
    expect(ev.tcpiToBac).toEqual({ value: null, reason: 'the budget is spent (AC has reached BAC): finishing within BAC is no longer possible; see TCPI to EAC' });
    expect(value(ev.tcpiToEac)).toBeCloseTo(500 / 1200, 12);
  });

  it('says TCPI to EAC is not available when everything is earned', () => {
    const items = [workItem('P-1', { plannedBudget: 1000, ...scheduled, actualCost: 800, ...doneOn('2026-03-02') })];
    const ev = earnedValue(project(items), settings(), T);
    expect(ev.tcpiToEac).toEqual({ value: null, reason: 'nothing left to complete (EV has reached BAC)' });
    expect(value(ev.tcpiToBac)).toBe(0);
    expect(value(ev.eac.byCpi)).toBe(800);
  });
});
