import { itemTreeAt, progress } from './progress';
import { at, project, settings, workItem } from './testing';

const T = at('2026-03-10T12:00');
const done = (atIso: string) => ({ statusCategory: 'done' as const, statusChanges: [{ atMs: at(atIso), from: 'new' as const, to: 'done' as const }] });

describe('progress', () => {
  it('is not available for a project without work items', () => {
    const result = progress(project([]), settings(), T);
    expect(result).toEqual({ doneWeight: 0, totalWeight: 0, progress: { value: null, reason: 'no work items yet' }, byEpic: [] });
  });

  it('weighs by story points, else original estimate in hours, else 1', () => {
    const items = [
      workItem('P-1', { storyPoints: 5, originalEstimateSeconds: 36_000, ...done('2026-03-01') }),
      workItem('P-2', { originalEstimateSeconds: 3 * 3600 }),
      workItem('P-3', done('2026-03-02')),
    ];
    const result = progress(project(items), settings(), T);
    expect(result.doneWeight).toBe(6);
    expect(result.totalWeight).toBe(9);
    expect(result.progress.value).toBeCloseTo(6 / 9, 12);
  });

  it('follows the weight sources in the order the PMO set, and counts items when the list is empty', () => {
    const items = [workItem('P-1', { storyPoints: 5, originalEstimateSeconds: 36_000, ...done('2026-03-01') }), workItem('P-2', { storyPoints: 3 })];
    expect(progress(project(items), settings({ weightSources: ['originalEstimate', 'storyPoints'] }), T)).toMatchObject({ doneWeight: 10, totalWeight: 13 });
    expect(progress(project(items), settings({ weightSources: [] }), T)).toMatchObject({ doneWeight: 1, totalWeight: 2, progress: { value: 0.5 } });
  });

  it('counts 0 story points as a weight of 0 and says so when everything weighs 0', () => {
    const items = [workItem('P-1', { storyPoints: 0, ...done('2026-03-01') }), workItem('P-2', { storyPoints: 0 })];
    expect(progress(project(items), settings(), T).progress).toEqual({ value: null, reason: 'the work items all weigh 0 (story points or estimates of 0)' });
  });

  it('counts leaf items: a story with subtasks weighs through its subtasks, epics never weigh themselves', () => {
    const items = [
      workItem('P-1', { level: 'epic', storyPoints: 100 }),
      workItem('P-2', { parentKey: 'P-1', storyPoints: 8 }),
      workItem('P-3', { level: 'subtask', parentKey: 'P-2', originalEstimateSeconds: 2 * 3600, ...done('2026-03-05') }),
      workItem('P-4', { level: 'subtask', parentKey: 'P-2', originalEstimateSeconds: 6 * 3600 }),
      workItem('P-5', { parentKey: 'P-1', storyPoints: 2, ...done('2026-03-06') }),
      workItem('P-6', { storyPoints: 4 }),
    ];
    const result = progress(project(items), settings(), T);
    expect(result.doneWeight).toBe(4);
    expect(result.totalWeight).toBe(14);
    expect(result.byEpic).toEqual([{ key: 'P-1', summary: 'P-1', doneWeight: 4, totalWeight: 10, progress: { value: 0.4 } }]);
  });

  it('gives 1 when all is done and 0 when nothing is done', () => {
    const allDone = [workItem('P-1', done('2026-03-01')), workItem('P-2', done('2026-03-02'))];
    expect(progress(project(allDone), settings(), T).progress).toEqual({ value: 1 });
    const noneDone = [workItem('P-1'), workItem('P-2', { statusCategory: 'indeterminate' })];
    expect(progress(project(noneDone), settings(), T).progress).toEqual({ value: 0 });
  });

  it('reads status at T: done later is not done yet, and a reopened item is not done', () => {
    const items = [
      workItem('P-1', done('2026-03-11')),
      workItem('P-2', {
        statusCategory: 'indeterminate',
        statusChanges: [
          { atMs: at('2026-03-02'), from: 'new', to: 'done' },
          { atMs: at('2026-03-05'), from: 'done', to: 'indeterminate' },
        ],
      }),
      workItem('P-3', done('2026-03-10T11:59')),
    ];
    expect(progress(project(items), settings(), T)).toMatchObject({ doneWeight: 1, totalWeight: 3 });
  });

  it('leaves out items created after T, and a story whose subtasks come later is still a leaf at T', () => {
    const items = [
      workItem('P-1', { storyPoints: 3 }),
      workItem('P-2', { level: 'subtask', parentKey: 'P-1', createdMs: at('2026-03-11'), storyPoints: 100 }),
      workItem('P-3', { createdMs: at('2026-03-12'), storyPoints: 50 }),
    ];
    expect(progress(project(items), settings(), T)).toMatchObject({ doneWeight: 0, totalWeight: 3 });
  });

  it('says so for an epic with nothing under it', () => {
    const result = progress(project([workItem('P-1', { level: 'epic' })]), settings(), T);
    expect(result.byEpic[0].progress).toEqual({ value: null, reason: 'no work items under this epic yet' });
    expect(result.progress).toEqual({ value: null, reason: 'no work items yet' });
  });

  it('survives a parent loop in bad data', () => {
    const items = [workItem('P-1', { parentKey: 'P-2' }), workItem('P-2', { parentKey: 'P-1' }), workItem('P-3', { parentKey: 'P-3' })];
    const tree = itemTreeAt(project(items), T);
    expect(Array.from(tree.childrenFirst).sort()).toEqual([0, 1, 2]);
    // The loop P-1 <-> P-2 is cut at P-1, leaving P-2 under it; P-3's link to itself is dropped.
    expect(progress(project(items), settings(), T).totalWeight).toBe(2);
  });
});

describe('itemTreeAt', () => {
  it('orders every child before its parent and treats missing parents as top level', () => {
    const items = [
      workItem('P-1', { level: 'subtask', parentKey: 'P-2' }),
      workItem('P-3', { level: 'epic' }),
      workItem('P-2', { parentKey: 'P-3' }),
      workItem('P-4', { parentKey: 'OTHER-9' }),
    ];
    const tree = itemTreeAt(project(items), T);
    const position = new Map(Array.from(tree.childrenFirst).map((index, k) => [tree.items[index].key, k]));
    expect(position.get('P-1')).toBeLessThan(position.get('P-2') as number);
    expect(position.get('P-2')).toBeLessThan(position.get('P-3') as number);
    expect(tree.parent[tree.indexOf.get('P-4') as number]).toBe(-1);
    expect(Array.from(tree.hasChildren)).toEqual([0, 1, 1, 0]);
  });
});
