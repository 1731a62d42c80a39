import type { BaselineRef } from '../shared/contract';
import { baselinePackagesOf, baselinesKnownAt, compareWithBaseline, median, packageLine, packagesAt, type StoredBaseline } from './baseline';
import { at, day, project, workItem } from './testing';

const ref = (baseline: StoredBaseline): BaselineRef => ({ id: baseline.id, name: baseline.name, setAt: baseline.setAt, setBy: { accountId: baseline.setBy, displayName: 'Ann' }, packageCount: baseline.packages.length });

// P-1 and P-5 are packages; P-2 is budgeted under P-1 (a breakdown, not a package); P-3 has no budget.
const data = project([
  workItem('P-1', { level: 'epic', plannedBudget: 1000, dueDay: day('2026-04-10'), dueDateChanges: [{ atMs: at('2026-03-05'), from: day('2026-04-01'), to: day('2026-04-10') }] }),
  workItem('P-2', { parentKey: 'P-1', plannedBudget: 400, dueDay: day('2026-03-20') }),
  workItem('P-3', { dueDay: day('2026-03-01') }),
  workItem('P-5', { level: 'epic', plannedBudget: 0, dueDay: null }),
  workItem('P-6', { level: 'epic', plannedBudget: 300, dueDay: day('2026-05-01'), createdMs: at('2026-03-10') }),
]);

const baseline: StoredBaseline = {
  id: 'b1',
  name: 'Kick-off',
  setAt: '2026-02-01T09:00:00.000Z',
  setBy: 'ann',
  packages: [
    { issueKey: 'P-1', plannedBudget: 800, dueDay: '2026-04-01' },
    { issueKey: 'P-5', plannedBudget: 0, dueDay: '2026-04-15' },
    { issueKey: 'P-9', plannedBudget: 250, dueDay: '2026-06-01' },
  ],
};

describe('packagesAt and baselinePackagesOf', () => {
  it('takes the topmost budgeted items, with their due dates as known at T', () => {
    expect(packagesAt(data, at('2026-03-20'))).toEqual([
      { issueKey: 'P-1', summary: 'P-1', plannedBudget: 1000, dueDay: day('2026-04-10') },
      { issueKey: 'P-5', summary: 'P-5', plannedBudget: 0, dueDay: null },
      { issueKey: 'P-6', summary: 'P-6', plannedBudget: 300, dueDay: day('2026-05-01') },
    ]);
    // Before P-1's due date moved and before P-6 existed.
    const early = packagesAt(data, at('2026-03-01'));
    expect(early.map((entry) => entry.issueKey)).toEqual(['P-1', 'P-5']);
    expect(early[0].dueDay).toBe(day('2026-04-01'));
  });

  it('keeps each package as its key, budget and due day', () => {
    expect(baselinePackagesOf(packagesAt(data, at('2026-03-20')))).toEqual([
      { issueKey: 'P-1', plannedBudget: 1000, dueDay: '2026-04-10' },
      { issueKey: 'P-5', plannedBudget: 0, dueDay: null },
      { issueKey: 'P-6', plannedBudget: 300, dueDay: '2026-05-01' },
    ]);
  });
});

describe('compareWithBaseline', () => {
  const asOf = at('2026-03-20');
  const comparison = compareWithBaseline(baseline, ref(baseline), packagesAt(data, asOf), asOf);

  it('gives each package in both its budget change (amount and share) and its slip in days', () => {
    expect(packageLine(comparison, 'P-1')).toEqual({
      issueKey: 'P-1',
      summary: 'P-1',
      presence: 'in both',
      baselineBudget: 800,
      currentBudget: 1000,
      budgetChange: { value: 200 },
      budgetChangePercent: { value: 0.25 },
      baselineDue: '2026-04-01',
      currentDue: '2026-04-10',
      slipDays: { value: 9 },
    });
  });

  it('says why when a figure cannot be computed: no due date now, a zero baseline budget', () => {
    const line = packageLine(comparison, 'P-5')!;
    expect(line.slipDays).toEqual({ value: null, reason: 'no due date now' });
    expect(line.budgetChange).toEqual({ value: 0 });
    expect(line.budgetChangePercent).toEqual({ value: null, reason: 'the baseline budget is 0' });
  });

  it('lists packages added and removed since, with the reason instead of a change', () => {
    expect(packageLine(comparison, 'P-6')).toMatchObject({ presence: 'added since', baselineBudget: null, currentBudget: 300, currentDue: '2026-05-01', slipDays: { value: null } });
    expect(packageLine(comparison, 'P-9')).toMatchObject({ presence: 'removed since', summary: null, baselineBudget: 250, baselineDue: '2026-06-01', budgetChange: { value: null } });
    expect(comparison.packages.map((line) => line.presence)).toEqual(['in both', 'in both', 'added since', 'removed since']);
  });

  it('adds up the totals: budget over every package, slips over those with a due date in both', () => {
    expect(comparison.totals).toEqual({
      baselineBudget: 1050,
      currentBudget: 1300,
      budgetChange: { value: 250 },
      budgetChangePercent: { value: 250 / 1050 },
      maxSlipDays: { value: 9 },
      medianSlipDays: { value: 9 },
      slippedCount: 1,
      addedCount: 1,
      removedCount: 1,
    });
  });

  it('says why slip totals are missing when no package has due dates in both', () => {
    const none = compareWithBaseline({ ...baseline, packages: [{ issueKey: 'P-5', plannedBudget: 0, dueDay: null }] }, ref(baseline), packagesAt(data, asOf), asOf);
    expect(none.totals.maxSlipDays).toEqual({ value: null, reason: 'no work package has a due date both in the baseline and now' });
    expect(none.totals.medianSlipDays.value).toBeNull();
    expect(none.totals.slippedCount).toBe(0);
    expect(packageLine(none, 'P-5')!.slipDays).toEqual({ value: null, reason: 'no due date in the baseline or now' });
  });

  it('orders packages in both most slipped first, and counts a due date moved earlier as negative slip', () => {
    const two = compareWithBaseline(
      { ...baseline, packages: [{ issueKey: 'P-1', plannedBudget: 1000, dueDay: '2026-04-20' }, { issueKey: 'P-6', plannedBudget: 300, dueDay: '2026-04-01' }] },
      ref(baseline),
      packagesAt(data, asOf),
      asOf,
    );
    expect(two.packages.map((line) => [line.issueKey, line.slipDays.value])).toEqual([['P-6', 30], ['P-1', -10], ['P-5', null]]);
    expect(two.totals).toMatchObject({ maxSlipDays: { value: 30 }, medianSlipDays: { value: 10 }, slippedCount: 1 });
  });

  it('as of a past day uses the due dates known then and says budgets are not known', () => {
    const past = at('2026-03-01T23:59');
    const then = compareWithBaseline(baseline, ref(baseline), packagesAt(data, past), past, { budgetsUnknownReason: 'Planned budgets of past days are not kept' });
    // P-1's due date moved on 5 March: on 1 March it had not slipped; P-6 did not exist yet.
    expect(packageLine(then, 'P-1')!.slipDays).toEqual({ value: 0 });
    expect(packageLine(then, 'P-6')).toBeNull();
    expect(packageLine(then, 'P-1')!.budgetChange).toEqual({ value: null, reason: 'Planned budgets of past days are not kept' });
    expect(then.totals.budgetChange.value).toBeNull();
  });
});

describe('baselinesKnownAt', () => {
  it('offers only baselines set by T, newest first', () => {
    const list = [
      { id: 'a', setAt: '2026-02-01T09:00:00.000Z' },
      { id: 'b', setAt: '2026-03-01T09:00:00.000Z' },
      { id: 'c', setAt: '2026-03-02T09:00:00.000Z' },
    ];
    expect(baselinesKnownAt(list, at('2026-03-01T23:59')).map((entry) => entry.id)).toEqual(['b', 'a']);
    expect(baselinesKnownAt(list, at('2026-01-01'))).toEqual([]);
  });
});

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones', () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 10])).toBe(3.5);
  });
});
