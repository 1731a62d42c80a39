import { DEFAULT_PORTFOLIO_SETTINGS } from './settings';
import { at, project, workItem } from './testing';
import { workload } from './workload';

const T = at('2026-03-12');
const HOUR = 3600;

describe('workload', () => {
  const alpha = project(
    [
      workItem('A-1', { assigneeAccountId: 'ann', remainingEstimateSeconds: 10 * HOUR }),
      workItem('A-2', { assigneeAccountId: 'bob', remainingEstimateSeconds: 60 * HOUR }),
      // Done: no longer open work.
      workItem('A-3', {
        assigneeAccountId: 'ann',
        remainingEstimateSeconds: 50 * HOUR,
        statusCategory: 'done',
        statusChanges: [{ atMs: at('2026-03-01'), from: 'new', to: 'done' }],
      }),
      // Created after T.
      workItem('A-4', { assigneeAccountId: 'ann', remainingEstimateSeconds: 50 * HOUR, createdMs: at('2026-03-20') }),
      // Nobody assigned.
      workItem('A-5', { remainingEstimateSeconds: 99 * HOUR }),
    ],
    { key: 'ALPHA' },
  );
  const beta = project(
    [
      workItem('B-1', { assigneeAccountId: 'ann', remainingEstimateSeconds: 5 * HOUR }),
      // No estimate: counts as open work in BETA, adds no hours.
      workItem('B-2', { assigneeAccountId: 'cat' }),
      workItem('B-3', { assigneeAccountId: 'dan', remainingEstimateSeconds: 8 * HOUR }),
    ],
    { key: 'BETA' },
  );
  const settings = { ...DEFAULT_PORTFOLIO_SETTINGS, capacityHoursPerWeek: { bob: 10, dan: 0 } };

  it('sets open remaining hours against capacity, most loaded first', () => {
    expect(workload([alpha, beta], settings, T)).toEqual([
      // No capacity: the load is unbounded, listed first.
      { accountId: 'dan', openRemainingHours: 8, capacityHours: 0, load: { value: null, reason: 'no capacity set (0 hours a week)' }, projects: ['BETA'] },
      // 60 h against 10 h x 4 weeks.
      { accountId: 'bob', openRemainingHours: 60, capacityHours: 40, load: { value: 1.5 }, projects: ['ALPHA'] },
      // 15 h against the default 30 h x 4 weeks.
      { accountId: 'ann', openRemainingHours: 15, capacityHours: 120, load: { value: 0.125 }, projects: ['ALPHA', 'BETA'] },
      { accountId: 'cat', openRemainingHours: 0, capacityHours: 120, load: { value: 0 }, projects: ['BETA'] },
    ]);
  });

  it('looks at the weeks the settings say', () => {
    const twoWeeks = workload([alpha], { ...settings, workloadWeeks: 2 }, T);
    expect(twoWeeks.find((person) => person.accountId === 'bob')?.load).toEqual({ value: 3 });
  });

  it('is empty without assigned open work', () => {
    expect(workload([], settings, T)).toEqual([]);
    expect(workload([project([workItem('P-1')])], settings, T)).toEqual([]);
  });
});
