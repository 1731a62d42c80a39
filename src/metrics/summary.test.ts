import { portfolioRow } from './summary';
import { at, project, workItem } from './testing';

const identity = { id: '1', key: 'P', name: 'Project', lead: null, portfolio: null };
const schedule = { schedule: { overdueCount: 0 } } as Parameters<typeof portfolioRow>[2];

describe('the page row as of a day', () => {
  const items = [
    // Done now, but done only after T: in progress at T.
    workItem('P-1', {
      createdMs: at('2026-01-05'),
      statusCategory: 'done',
      resolvedMs: at('2026-03-20'),
      updatedMs: at('2026-03-20T10:00'),
      statusChanges: [
        { atMs: at('2026-02-01T09:00'), from: 'new', to: 'indeterminate' },
        { atMs: at('2026-03-20T10:00'), from: 'indeterminate', to: 'done' },
      ],
    }),
    workItem('P-2', { createdMs: at('2026-01-06'), updatedMs: at('2026-01-07') }),
    // Created after T: not there yet.
    workItem('P-3', { createdMs: at('2026-03-15'), updatedMs: at('2026-03-15') }),
  ];
  const data = project(items, { worklogs: [{ issueKey: 'P-1', authorAccountId: 'a', startedMs: at('2026-02-20T08:00'), seconds: 3600 }] });

  it('counts only what existed then, by the status it had then, and shows no change after it', () => {
    const row = portfolioRow(identity, data, schedule, at('2026-02-28T23:59'));
    expect(row.issueCounts).toEqual({ total: 2, toDo: 1, inProgress: 1, done: 0 });
    expect(row.percentDone).toBe(0);
    // P-1 was updated on 20 March; by the end of February its last known change is the worklog of the 20th.
    expect(row.lastUpdated).toBe(new Date(at('2026-02-20T08:00')).toISOString());
  });

  it('now, counts every item by its status and Jira’s own updated', () => {
    const row = portfolioRow(identity, data, schedule);
    expect(row.issueCounts).toEqual({ total: 3, toDo: 2, inProgress: 0, done: 1 });
    expect(row.lastUpdated).toBe(new Date(at('2026-03-20T10:00')).toISOString());
  });
});
