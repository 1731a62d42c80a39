import { budgetVariances, itemBudgetVariance } from './budget';
import { at, project, settings, workItem } from './testing';

const T = at('2026-03-10T12:00');

describe('budget variance', () => {
  const items = [
    workItem('P-1', { level: 'epic', plannedBudget: 10_000, actualCost: 500 }),
    workItem('P-2', { parentKey: 'P-1', plannedBudget: 4000, actualCost: 4500 }),
    workItem('P-3', { parentKey: 'P-1', actualCost: 2000 }),
    workItem('P-4', { level: 'subtask', parentKey: 'P-3', actualCost: 1000 }),
    workItem('P-5', { level: 'epic', actualCost: 300 }),
    workItem('P-6', { parentKey: 'P-5', plannedBudget: 1000, actualCost: 200 }),
    workItem('P-7', { parentKey: 'P-5', plannedBudget: 2000 }),
    workItem('P-8', { actualCost: 50 }),
  ];
  const p = project(items);
  const s = settings({ costSource: 'fields' });

  it('gives one variance per work package, rolled up over its descendants', () => {
    const variances = budgetVariances(p, s, T);
    expect(variances.map((v) => v.key)).toEqual(['P-1', 'P-6', 'P-7']);
    expect(variances[0]).toEqual({
      key: 'P-1',
      summary: 'P-1',
      planned: 10_000,
      actual: 500,
      variance: { value: 9500 },
      variancePercent: { value: 0.95 },
      rolledUp: { planned: 10_000, actual: 8000, variance: { value: 2000 }, variancePercent: { value: 0.2 } },
    });
  });

  it('shows a negative variance for an item over its budget', () => {
    const v = itemBudgetVariance(p, s, T, 'P-2');
    expect(v?.variance).toEqual({ value: -500 });
    expect(v?.variancePercent).toEqual({ value: -0.125 });
  });

  it('rolls up the planned budgets below an item without one of its own', () => {
    const v = itemBudgetVariance(p, s, T, 'P-5');
    expect(v?.planned).toBeNull();
    expect(v?.variance).toEqual({ value: null, reason: 'no Planned budget on this item' });
    expect(v?.rolledUp).toEqual({ planned: 3000, actual: 500, variance: { value: 2500 }, variancePercent: { value: 2500 / 3000 } });
  });

  it('is not available without any planned budget on the item or below it', () => {
    const v = itemBudgetVariance(p, s, T, 'P-3');
    expect(v).toMatchObject({ planned: null, actual: 2000, rolledUp: { planned: null, actual: 3000 } });
    expect(v?.rolledUp.variance).toEqual({ value: null, reason: 'no Planned budget on this item or below it' });
    expect(v?.rolledUp.variancePercent).toEqual({ value: null, reason: 'no Planned budget on this item or below it' });
  });

  it('has no percentage for a planned budget of 0', () => {
    const v = itemBudgetVariance(project([workItem('P-1', { plannedBudget: 0, actualCost: 10 })]), s, T, 'P-1');
    expect(v?.variance).toEqual({ value: -10 });
    expect(v?.variancePercent).toEqual({ value: null, reason: 'the planned budget is 0' });
  });

  it('is null for an item that is not in the project or did not exist at T', () => {
    expect(itemBudgetVariance(p, s, T, 'NOPE-1')).toBeNull();
    expect(itemBudgetVariance(project([workItem('P-1', { createdMs: at('2026-03-11') })]), s, T, 'P-1')).toBeNull();
  });

  it('is empty without work packages', () => {
    expect(budgetVariances(project([workItem('P-1', { actualCost: 5 })]), s, T)).toEqual([]);
  });

  it('prices worklogs by the cost source, like actual cost', () => {
    const worklogs = [{ issueKey: 'P-4', authorAccountId: 'ann', startedMs: at('2026-03-02T09:00'), seconds: 2 * 3600 }];
    const withRates = settings({ costSource: 'both', rates: { ...s.rates, siteDefault: [{ fromDay: 0, hourlyRate: 100 }] } });
    expect(itemBudgetVariance(project(items, { worklogs }), withRates, T, 'P-1')?.rolledUp.actual).toBe(8200);
  });
});
