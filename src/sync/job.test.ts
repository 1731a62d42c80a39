/** The job's merge rules: replace by id or key with worklogs, one canonical order (the end-to-end runs are in test/sync-reliability.test.ts). */
import type { ProjectData, WorkItem, Worklog } from '../metrics/model';
import { canonical, compareIssueKeys, mergeItems } from './job';

const item = (key: string, id: string, createdMs = 1000, summary = key): WorkItem => ({
  id, key, summary, level: 'standard', issueType: 'Story', statusCategory: 'new', priority: 'Medium', parentKey: null,
  assigneeAccountId: null, createdMs, updatedMs: createdMs, resolvedMs: null, dueDay: null, startDay: null, storyPoints: null,
  originalEstimateSeconds: null, remainingEstimateSeconds: null, plannedBudget: null, actualCost: null, flagged: false,
  blockedByKeys: [], fixVersionIds: [], statusChanges: [], dueDateChanges: [],
});
const worklog = (issueKey: string, startedMs: number, seconds = 60): Worklog => ({ issueKey, authorAccountId: 'a', startedMs, seconds });
const data = (items: WorkItem[], worklogs: Worklog[]): ProjectData => ({ key: 'P', name: 'P', portfolio: null, createdMs: 0, items, worklogs, versions: [] });

test('issue keys sort as Jira orders them', () => {
  expect(['P-10', 'P-9', 'P-100', 'O-2'].sort(compareIssueKeys)).toEqual(['O-2', 'P-9', 'P-10', 'P-100']);
});

test('merging replaces an item and all its worklogs, and merging the same again changes nothing', () => {
  const start = canonical(data([item('P-2', '2', 500), item('P-1', '1')], [worklog('P-1', 5), worklog('P-2', 3), worklog('P-1', 1)]));
  expect(start.items.map((i) => i.key)).toEqual(['P-1', 'P-2']);
  expect(start.worklogs.map((w) => `${w.issueKey}@${w.startedMs}`)).toEqual(['P-1@1', 'P-1@5', 'P-2@3']);
  expect(start.createdMs).toBe(500);

  const once = mergeItems(start, [item('P-1', '1', 1000, 'edited'), item('P-3', '3')], [worklog('P-1', 9), worklog('P-3', 2)]);
  expect(once.items.map((i) => i.summary)).toEqual(['edited', 'P-2', 'P-3']);
  expect(once.worklogs.map((w) => `${w.issueKey}@${w.startedMs}`)).toEqual(['P-1@9', 'P-2@3', 'P-3@2']);
  expect(mergeItems(once, [item('P-1', '1', 1000, 'edited'), item('P-3', '3')], [worklog('P-1', 9), worklog('P-3', 2)])).toEqual(once);
});

test('an item that comes back under a new key (same id) replaces the old one', () => {
  const merged = mergeItems(data([item('P-1', '1')], [worklog('P-1', 1)]), [item('P-7', '1')], []);
  expect(merged.items.map((i) => i.key)).toEqual(['P-7']);
  expect(merged.worklogs).toEqual([]);
});
