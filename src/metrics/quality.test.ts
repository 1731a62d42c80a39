import type { StatusCategory, StatusChange } from './model';
import { quality } from './quality';
import { at, project, settings, workItem } from './testing';

const T = at('2026-03-31');

function move(dateTime: string, from: StatusCategory, to: StatusCategory): StatusChange {
  return { atMs: at(dateTime), from, to };
}

describe('quality', () => {
  it('counts open bugs as of T', () => {
    const items = [
      workItem('P-1', { issueType: 'Bug' }),
      workItem('P-2', { issueType: 'bug' }),
      workItem('P-3', { issueType: 'Bug', statusCategory: 'done', statusChanges: [move('2026-03-01', 'new', 'done')] }),
      // Fixed only after T: open at T.
      workItem('P-4', { issueType: 'Bug', statusCategory: 'done', statusChanges: [move('2026-04-02', 'indeterminate', 'done')] }),
      // Reported after T.
      workItem('P-5', { issueType: 'Bug', createdMs: at('2026-04-01') }),
      workItem('P-6', { issueType: 'Story' }),
      workItem('P-7', { issueType: 'Debug task' }),
    ];
    expect(quality(project(items), settings(), T).openBugs).toBe(3);
  });

  it('counts bugs created in the 30 days before T', () => {
    const items = [
      workItem('P-1', { issueType: 'Bug', createdMs: at('2026-03-01') }), // exactly 30 days before: out
      workItem('P-2', { issueType: 'Bug', createdMs: at('2026-03-01T00:01') }),
      workItem('P-3', { issueType: 'Bug', createdMs: T }),
      workItem('P-4', { issueType: 'Bug', createdMs: at('2026-03-20'), statusCategory: 'done', statusChanges: [move('2026-03-21', 'new', 'done')] }),
      workItem('P-5', { issueType: 'Task', createdMs: at('2026-03-20') }),
      workItem('P-6', { issueType: 'Bug', createdMs: at('2026-04-01') }),
    ];
    expect(quality(project(items), settings(), T).bugsCreatedLast30Days).toBe(3);
  });

  it('counts every move out of Done up to T, on all items', () => {
    const items = [
      workItem('P-1', {
        statusCategory: 'done',
        statusChanges: [
          move('2026-03-01', 'new', 'done'),
          move('2026-03-02', 'done', 'new'),
          move('2026-03-03', 'new', 'done'),
          move('2026-03-04', 'done', 'indeterminate'),
          move('2026-03-05', 'indeterminate', 'done'),
          move('2026-04-05', 'done', 'new'), // after T
        ],
      }),
      workItem('P-2', { issueType: 'Bug', statusCategory: 'new', statusChanges: [move('2026-03-01', 'new', 'done'), move('2026-03-10', 'done', 'new')] }),
      workItem('P-3', { statusCategory: 'done', statusChanges: [move('2026-03-01', 'new', 'indeterminate'), move('2026-03-02', 'indeterminate', 'done')] }),
    ];
    expect(quality(project(items), settings(), T).reopenings).toBe(3);
  });

  it('is all zeros for a project without bugs or history', () => {
    expect(quality(project([workItem('P-1')]), settings(), T)).toEqual({ openBugs: 0, bugsCreatedLast30Days: 0, reopenings: 0 });
    expect(quality(project([]), settings(), T)).toEqual({ openBugs: 0, bugsCreatedLast30Days: 0, reopenings: 0 });
  });
});
