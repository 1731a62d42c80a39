/**
 * Status categories come from Jira itself, whatever statuses the issues are in now. A small site
 * where "In Review" (In Progress category) occurs only in changelogs, no issue being in it now: the
 * cycle times of the items that went through it are their hand-computed days. And a status retired
 * from the site (Jira no longer lists it) is named in the project's data problems, never dropped
 * silently.
 */
import type { Dataset, DatasetIssue } from '../local/jira/dataset';
import type { LocalSite } from '../local/site/site';
import { startLocalSite } from '../local/site/site';
import { loadProjectData } from '../src/store/projectData';
import { getSnapshot } from '../src/store/snapshots';
import { demoDataset } from './demo-fixture';

const demo = demoDataset();
const TO_DO = demo.statuses.find((status) => status.categoryKey === 'new')!;
const DONE = demo.statuses.find((status) => status.categoryKey === 'done')!;
const IN_REVIEW = { id: '90001', name: 'In Review', categoryKey: 'indeterminate' as const };
const RETIRED = { id: '90002', name: 'Retired QA', categoryKey: 'indeterminate' as const };
const story = demo.issueTypes.find((type) => type.hierarchyLevel === 0 && !type.subtask)!;
const lead = demo.projects[0].leadAccountId;
const day = (date: string) => `2026-05-${date}:00.000Z`;

/** An issue that moves through `path` (status and when), ending in the last one. */
function issue(projectKey: string, n: number, path: [typeof TO_DO, string][]): DatasetIssue {
  const created = path[0][1];
  const [last, lastAt] = path[path.length - 1];
  return {
    id: String(projectKey === 'FLOW' ? 20_000 + n : 21_000 + n),
    key: `${projectKey}-${n}`,
    projectKey,
    issueTypeId: story.id,
    summary: `Item ${n}`,
    description: null,
    statusId: last.id,
    priorityId: demo.priorities[0].id,
    reporterAccountId: lead,
    assigneeAccountId: null,
    parentKey: null,
    created,
    updated: lastAt,
    resolutiondate: last.categoryKey === 'done' ? lastAt : null,
    duedate: null,
    labels: [],
    fixVersionIds: [],
    timeoriginalestimate: null,
    timeestimate: null,
    customFields: {},
    links: [],
    changelog: path.slice(1).map(([to, at], index) => ({
      id: String((projectKey === 'FLOW' ? 30_000 : 31_000) + n * 10 + index),
      authorAccountId: lead,
      created: at,
      items: [{ field: 'status', fieldId: 'status', fieldtype: 'jira', from: path[index][0].id, fromString: path[index][0].name, to: to.id, toString: to.name }],
    })),
    worklogs: [],
  };
}

const project = (key: string, id: string) => ({ ...demo.projects[0], id, key, name: `Project ${key}`, categoryId: undefined });

const dataset: Dataset = {
  ...demo,
  statuses: [...demo.statuses, IN_REVIEW, RETIRED],
  projects: [project('FLOW', '19001'), project('RETRO', '19002')],
  versions: [],
  issues: [
    // Cycle times, by hand: 2, 3.5, 5 and 3 days (the first move into In Progress counts, reopened time included).
    issue('FLOW', 1, [[TO_DO, day('01T09:00')], [IN_REVIEW, day('02T09:00')], [DONE, day('04T09:00')]]),
    issue('FLOW', 2, [[TO_DO, day('01T09:00')], [IN_REVIEW, day('03T09:00')], [DONE, day('06T21:00')]]),
    issue('FLOW', 3, [[TO_DO, day('01T09:00')], [IN_REVIEW, day('05T09:00')], [DONE, day('10T09:00')]]),
    issue('FLOW', 4, [[TO_DO, day('01T09:00')], [IN_REVIEW, day('06T09:00')], [TO_DO, day('07T09:00')], [IN_REVIEW, day('08T09:00')], [DONE, day('09T09:00')]]),
    issue('FLOW', 5, [[TO_DO, day('01T09:00')]]),
    issue('RETRO', 1, [[TO_DO, day('01T09:00')], [RETIRED, day('02T09:00')], [DONE, day('03T09:00')]]),
    issue('RETRO', 2, [[TO_DO, day('01T09:00')]]),
  ],
};

let site: LocalSite;
beforeAll(async () => {
  site = await startLocalSite({ port: 0, dataDir: ':memory:', dataset: { kind: 'dataset', dataset }, buildUi: false, scheduledTriggers: 'manual', log: () => undefined });
  // Retired from every workflow: Jira's status list no longer names it, though RETRO-1's history does.
  site.db.prepare('DELETE FROM statuses WHERE id = ?').run(Number(RETIRED.id));
  await site.runtime.runScheduledTrigger('hourly-sync');
  await site.runtime.drainQueues({ fastForward: true, timeoutMs: 60_000 });
}, 60_000);
afterAll(() => site.close());

const asApp = <T>(work: () => Promise<T>) => site.runtime.runAsInvocation({ accountId: null }, work);

test('a status that occurs only in changelogs gets its category from Jira: cycle times are the hand-computed ones', async () => {
  const snapshot = (await asApp(() => getSnapshot('FLOW')))!;
  // Nearest rank over 2, 3, 3.5, 5 days: P50 is the 2nd value, P85 the 4th.
  expect(snapshot.metrics?.flow.cycleTimeDays.p50.value).toBe(3);
  expect(snapshot.metrics?.flow.cycleTimeDays.p85.value).toBe(5);
  expect(snapshot.metrics?.dataProblems).toEqual([]);
  const data = (await asApp(() => loadProjectData('FLOW')))!;
  const at = (text: string) => Date.parse(day(text));
  expect(data.items.find((item) => item.key === 'FLOW-4')?.statusChanges).toEqual([
    { atMs: at('06T09:00'), from: 'new', to: 'indeterminate' },
    { atMs: at('07T09:00'), from: 'indeterminate', to: 'new' },
    { atMs: at('08T09:00'), from: 'new', to: 'indeterminate' },
    { atMs: at('09T09:00'), from: 'indeterminate', to: 'done' },
  ]);
  // The site's status list is read once a round (once by each job that met an unknown status before another had saved it).
  expect(site.jira.control.requestCounts().byPath['GET /rest/api/3/status']).toBeGreaterThanOrEqual(1);
  expect(site.jira.control.requestCounts().byPath['GET /rest/api/3/status']).toBeLessThanOrEqual(2);
});

test('a status Jira does not know any more is named in the project\'s data problems, with the items whose history names it', async () => {
  const snapshot = (await asApp(() => getSnapshot('RETRO')))!;
  expect(snapshot.metrics?.dataProblems).toEqual([
    `status ${RETIRED.id}, in the history of RETRO-1, is not a status Jira knows any more: moves through it count as the status before it`,
  ]);
  const data = (await asApp(() => loadProjectData('RETRO')))!;
  expect(data.items.find((item) => item.key === 'RETRO-1')).toMatchObject({ unknownStatusIds: [RETIRED.id], statusChanges: [{ from: 'new', to: 'done' }] });
  // Its move through the unknown status is not invented: without an In Progress move there is no cycle time.
  expect(snapshot.metrics?.flow.cycleTimeDays.p50.value).toBeNull();
});
