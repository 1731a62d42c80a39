import { itemPanelFigures, panelBaselineOf } from './itemPanel';
import { at, day, project, settings, workItem } from './testing';

const asOf = at('2026-03-01');
const rates = { byPerson: { ann: [{ fromDay: day('2026-01-01'), hourlyRate: 50 }, { fromDay: day('2026-02-01'), hourlyRate: 60 }] }, roleOf: {}, byRole: {}, projectDefault: [], siteDefault: [] };
const hours = (h: number) => h * 3600;

const data = project(
  [
    workItem('P-1', { level: 'epic', plannedBudget: 3000, actualCost: 100, dueDay: day('2026-04-01') }),
    workItem('P-2', { parentKey: 'P-1', plannedBudget: 1000, statusCategory: 'done', resolvedMs: at('2026-02-20'), storyPoints: 5 }),
    workItem('P-3', { parentKey: 'P-1', plannedBudget: 500, storyPoints: 5, dueDay: day('2026-02-20'), dueDateChanges: [{ atMs: at('2026-01-10'), from: day('2026-02-10'), to: day('2026-02-20') }] }),
    workItem('P-4', { parentKey: 'P-3', level: 'subtask', actualCost: 40 }),
  ],
  {
    worklogs: [
      // 10 h at 50 before the rate change, 20 h at 60 after it: 1,700.
      { issueKey: 'P-3', authorAccountId: 'ann', startedMs: at('2026-01-15'), seconds: hours(10) },
      { issueKey: 'P-3', authorAccountId: 'ann', startedMs: at('2026-02-15'), seconds: hours(20) },
      { issueKey: 'P-2', authorAccountId: 'ann', startedMs: at('2026-01-20'), seconds: hours(4) },
      // After the as-of day: not counted.
      { issueKey: 'P-2', authorAccountId: 'ann', startedMs: at('2026-03-05'), seconds: hours(100) },
    ],
  },
);

describe('itemPanelFigures', () => {
  it('splits actual cost by source, with dated rates, and colours the variance from its figures', () => {
    const figures = itemPanelFigures(data, settings({ costSource: 'both', rates }), asOf, 'P-3')!;
    expect(figures.money).toMatchObject({ planned: 500, actualFromField: 0, actualFromWorklogs: 1700, actual: 1700, variance: { value: -1200 }, varianceRag: 'red' });
    expect(figures.money!.rolledUp).toMatchObject({ planned: 500, actual: 1740, variance: { value: -1240 }, varianceRag: 'red' });
    expect(figures.money!.eac).toBeNull();
    expect(figures.schedule).toEqual({ dueDate: '2026-02-20', overdue: true, slipDays: 10, statusCategory: 'new' });
    expect(figures.place).toEqual({ workPackage: { key: 'P-1', summary: 'P-1' }, path: [{ key: 'P-1', summary: 'P-1' }] });
  });

  it('counts only the cost source the project chose', () => {
    const fields = itemPanelFigures(data, settings({ costSource: 'fields', rates }), asOf, 'P-4')!;
    expect(fields.money).toMatchObject({ actualFromField: 40, actualFromWorklogs: null, actual: 40, variance: { value: null }, varianceRag: 'none' });
    const worklogs = itemPanelFigures(data, settings({ costSource: 'worklogs', rates }), asOf, 'P-3')!;
    expect(worklogs.money).toMatchObject({ actualFromField: null, actualFromWorklogs: 1700, actual: 1700 });
  });

  it('rolls a work package up over its children, names the child over budget, and gives EAC by CPI', () => {
    const figures = itemPanelFigures(data, settings({ costSource: 'both', rates }), asOf, 'P-1')!;
    // Own 100 (field), P-2 200 (4 h at 50), P-3 1,700 + P-4 40.
    expect(figures.money!.rolledUp).toMatchObject({ planned: 3000, actual: 2040, variance: { value: 960 }, varianceRag: 'green' });
    expect(figures.money!.children.map(({ key, overBudget, variance }) => ({ key, overBudget, variance: variance.value }))).toEqual([
      { key: 'P-2', overBudget: false, variance: 800 },
      { key: 'P-3', overBudget: true, variance: -1240 },
    ]);
    // Progress weighs the leaves: P-2 (5 points, done) and P-4 (1, open), so EV = 3,000 x 5/6 = 2,500
    // against AC 2,040: CPI 1.225..., EAC = 3,000 / CPI = 2,448.
    expect(figures.money!.eac!.value).toBeCloseTo(2448, 6);
    expect(figures.place).toEqual({ workPackage: { key: 'P-1', summary: 'P-1' }, path: [] });
  });

  it('says when an item is not in the synced data', () => {
    expect(itemPanelFigures(data, settings(), asOf, 'P-99')).toBeNull();
    expect(itemPanelFigures(data, settings(), at('2025-12-01'), 'P-1')).toBeNull();
  });
});

describe('panelBaselineOf', () => {
  const baseline = { id: 'b1', name: 'Plan', setAt: '2026-01-05T00:00:00.000Z', setBy: 'ann', packages: [{ issueKey: 'P-1', plannedBudget: 2500, dueDay: '2026-03-20' }] };
  const chosen = { baseline, ref: { id: 'b1', name: 'Plan', setAt: baseline.setAt, setBy: { accountId: 'ann', displayName: 'Ann' }, packageCount: 1 } };

  it("shows an item's work package line: budget change and slip against the chosen baseline", () => {
    const panel = panelBaselineOf(data, asOf, 'P-3', 'P-1', chosen);
    expect(panel).toMatchObject({ packageKey: 'P-1', reason: null, line: { issueKey: 'P-1', budgetChange: { value: 500 }, budgetChangePercent: { value: 0.2 }, slipDays: { value: 12 } } });
  });

  it('says why there is no line: no baseline chosen, no work package', () => {
    expect(panelBaselineOf(data, asOf, 'P-3', 'P-1', null)).toMatchObject({ chosen: null, line: null, reason: 'No baseline is chosen for this project.' });
    expect(panelBaselineOf(data, asOf, 'P-9', null, chosen)).toMatchObject({ packageKey: null, line: null, reason: expect.stringContaining('in no work package') });
  });
});
