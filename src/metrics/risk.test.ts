import type { StatusChange } from './model';
import { risk } from './risk';
import { at, day, project, settings, workItem } from './testing';

const T = at('2026-03-12T12:00');
const done: { statusCategory: 'done'; statusChanges: StatusChange[] } = {
  statusCategory: 'done',
  statusChanges: [{ atMs: at('2026-03-01'), from: 'new', to: 'done' }],
};

describe('risk', () => {
  it('lists flagged unresolved items', () => {
    const items = [
      workItem('P-10', { flagged: true }),
      workItem('P-2', { flagged: true }),
      workItem('P-3', { flagged: true, ...done }),
      workItem('P-4'),
      workItem('P-5', { flagged: true, createdMs: at('2026-03-20') }),
    ];
    expect(risk(project(items), settings(), T).flagged).toEqual(['P-2', 'P-10']);
  });

  it('lists items blocked by unresolved items', () => {
    const items = [
      workItem('P-1'),
      workItem('P-2', { ...done }),
      // Done at T, reopened later: done at T.
      workItem('P-3', {
        statusCategory: 'new',
        statusChanges: [
          { atMs: at('2026-03-01'), from: 'new', to: 'done' },
          { atMs: at('2026-03-20'), from: 'done', to: 'new' },
        ],
      }),
      workItem('P-4', { createdMs: at('2026-03-20') }),
      workItem('P-11', { blockedByKeys: ['P-1'] }), // open blocker
      workItem('P-12', { blockedByKeys: ['P-2'] }), // done blocker
      workItem('P-13', { blockedByKeys: ['P-3'] }), // blocker done at T
      workItem('P-14', { blockedByKeys: ['P-4'] }), // blocker created after T
      workItem('P-15', { blockedByKeys: ['OTHER-7'] }), // another project's item: counted as unresolved
      workItem('P-16', { blockedByKeys: ['P-99'] }), // this project's key, not in the data: gone
      workItem('P-17', { blockedByKeys: ['P-2', 'P-1'] }),
      workItem('P-18', { blockedByKeys: ['P-1'], ...done }), // resolved itself
    ];
    expect(risk(project(items), settings(), T).blocked).toEqual(['P-11', 'P-15', 'P-17']);
  });

  it('lists overdue items of priority High or Highest', () => {
    const items = [
      workItem('P-1', { priority: 'High', dueDay: day('2026-03-11') }),
      workItem('P-2', { priority: 'Highest', dueDay: day('2026-03-01') }),
      workItem('P-3', { priority: 'highest', dueDay: day('2026-03-01') }),
      workItem('P-4', { priority: 'Medium', dueDay: day('2026-03-01') }),
      workItem('P-5', { priority: 'High', dueDay: day('2026-03-12') }), // due today
      workItem('P-6', { priority: 'High', dueDay: day('2026-03-01'), ...done }),
      workItem('P-7', { priority: 'High' }),
    ];
    expect(risk(project(items), settings(), T).overdueHighPriority).toEqual(['P-1', 'P-2', 'P-3']);
    // At 2026-03-12T12:00Z it is already 03-13 in Auckland: P-5 is overdue there.
    expect(risk(project(items), settings({ timeZone: 'Pacific/Auckland' }), T).overdueHighPriority).toEqual(['P-1', 'P-2', 'P-3', 'P-5']);
  });

  it('lists unassigned items in progress at T', () => {
    const started: StatusChange[] = [{ atMs: at('2026-03-01'), from: 'new', to: 'indeterminate' }];
    const items = [
      workItem('P-1', { statusCategory: 'indeterminate', statusChanges: started }),
      workItem('P-2', { statusCategory: 'indeterminate', statusChanges: started, assigneeAccountId: 'ann' }),
      workItem('P-3'),
      // Started only after T.
      workItem('P-4', { statusCategory: 'indeterminate', statusChanges: [{ atMs: at('2026-03-20'), from: 'new', to: 'indeterminate' }] }),
      // An epic in progress counts too.
      workItem('P-5', { level: 'epic', statusCategory: 'indeterminate', statusChanges: started }),
    ];
    expect(risk(project(items), settings(), T).unassignedInProgress).toEqual(['P-1', 'P-5']);
  });

  it('is empty for a project with nothing at risk', () => {
    expect(risk(project([workItem('P-1'), workItem('P-2', { ...done })]), settings(), T)).toEqual({
      flagged: [],
      blocked: [],
      overdueHighPriority: [],
      unassignedInProgress: [],
    });
  });
});
