/**
 * The whole-project reader (src/sync/projectReader.ts: the sync's own batch loop, status categories,
 * versions, site-wide worklogs and reconciliation, behind the live report and the tests' reference
 * reads) end to end: run in a Forge invocation as the app, its requests answered over HTTP by the
 * simulated Jira loaded with the demo dataset, and the result compared with the dataset itself.
 */
import api from '@forge/api';
import type { DatasetIssue } from '../local/jira/dataset';
import { FIELD } from '../local/jira/seed/catalog';
import { startLocalSite, type LocalSite } from '../local/site/site';
import { JiraClient, RequestCounter } from '../src/jira/client';
import { getFields, resolveMetricFields, type MetricFieldIds } from '../src/jira/fields';
import { dayNumber, type ProjectData, type StatusCategory, type WorkItem, type Worklog } from '../src/metrics/model';
import type { SyncProject } from '../src/sync/job';
import { readProject, type ProjectReadOptions } from '../src/sync/projectReader';
import { StatusCategories } from '../src/sync/statusCategories';
import { demoDataset } from './demo-fixture';

let site: LocalSite;
const dataset = demoDataset();
const categoryOf = new Map<string, StatusCategory>(dataset.statuses.map((status) => [status.id, status.categoryKey]));
const issuesOf = (key: string) => dataset.issues.filter((issue) => issue.projectKey === key);

/** The project whose histories name most statuses none of its issues is in now: the categories must be looked up. */
const historyOnlyStatuses = (key: string) => {
  const current = new Set(issuesOf(key).map((issue) => issue.statusId));
  const named = issuesOf(key).flatMap((issue) => issue.changelog.flatMap((entry) => entry.items.filter((item) => item.fieldId === 'status').flatMap((item) => [item.from, item.to])));
  return new Set(named.filter((id): id is string => id !== null && !current.has(id)));
};
const FIRST = dataset.projects[0].key;
const STATUS_LOOKUPS = [...dataset.projects].sort((a, b) => historyOnlyStatuses(b.key).size - historyOnlyStatuses(a.key).size)[0].key;

beforeAll(async () => {
  site = await startLocalSite({ port: 0, dataDir: ':memory:', dataset: { kind: 'dataset', dataset }, buildUi: false, log: () => undefined });
});
afterAll(() => site.close());

function target(key: string): SyncProject {
  const project = dataset.projects.find((candidate) => candidate.key === key)!;
  return { key, name: project.name, portfolio: dataset.categories.find((category) => category.id === project.categoryId)?.name ?? null };
}

/** Reads as the app inside a Forge invocation, counting its requests, and reads the simulated Jira's own request counter. */
async function fetchAsApp(key: string, options: ProjectReadOptions = {}) {
  site.jira.control.resetRequestCounts();
  const counter = new RequestCounter();
  const data = await site.runtime.runAsInvocation({ accountId: null, timeoutMs: 60_000 }, () => {
    const client = new JiraClient(api.asApp().requestJira).countedBy(counter);
    return readProject(client, target(key), { worklogs: 'site-wide', ...options, ...(options.statuses ? {} : { statuses: StatusCategories.forRead(client, Date.now()) }) });
  });
  return { data, stats: { requests: counter.total, byEndpoint: counter.byEndpoint() }, served: site.jira.control.requestCounts() };
}

/** What the dataset says each work item must be, written out independently of the sync code. */
function expectedItem(issue: DatasetIssue): WorkItem {
  const type = dataset.issueTypes.find((candidate) => candidate.id === issue.issueTypeId)!;
  const custom = issue.customFields;
  const flagged = custom[FIELD.flagged];
  const statusChanges = issue.changelog.flatMap((entry) =>
    entry.items
      .filter((item) => item.fieldId === 'status' && categoryOf.get(item.from!) !== categoryOf.get(item.to!))
      .map((item) => ({ atMs: Date.parse(entry.created), from: categoryOf.get(item.from!)!, to: categoryOf.get(item.to!)! })),
  );
  const day = (text: string | null) => (text === null ? null : dayNumber(text.slice(0, 10)));
  const dueDateChanges = issue.changelog.flatMap((entry) =>
    entry.items.filter((item) => item.fieldId === 'duedate').map((item) => ({ atMs: Date.parse(entry.created), from: day(item.from), to: day(item.to) })),
  );
  return {
    id: issue.id,
    key: issue.key,
    summary: issue.summary,
    level: type.hierarchyLevel === 1 ? 'epic' : type.hierarchyLevel === -1 ? 'subtask' : 'standard',
    issueType: type.name,
    statusCategory: categoryOf.get(issue.statusId)!,
    priority: dataset.priorities.find((priority) => priority.id === issue.priorityId)!.name,
    parentKey: issue.parentKey,
    assigneeAccountId: issue.assigneeAccountId,
    createdMs: Date.parse(issue.created),
    updatedMs: Date.parse(issue.updated),
    resolvedMs: issue.resolutiondate === null ? null : Date.parse(issue.resolutiondate),
    dueDay: day(issue.duedate),
    startDay: typeof custom[FIELD.startDate] === 'string' ? day(custom[FIELD.startDate] as string) : null,
    storyPoints: (custom[FIELD.storyPoints] as number | undefined) ?? null,
    originalEstimateSeconds: issue.timeoriginalestimate,
    remainingEstimateSeconds: issue.timeestimate,
    // Jira's timespent: the sum of the issue's worklogs, null when it has none.
    timeSpentSeconds: issue.worklogs.length === 0 ? null : issue.worklogs.reduce((sum, worklog) => sum + worklog.timeSpentSeconds, 0),
    plannedBudget: (custom[FIELD.plannedBudget] as number | undefined) ?? null,
    actualCost: (custom[FIELD.actualCost] as number | undefined) ?? null,
    budgetVarianceInJira: (custom[FIELD.budgetVariance] as number | undefined) ?? null,
    flagged: Array.isArray(flagged) && flagged.length > 0,
    // A Blocks link is kept on the blocker and names the blocked issue, which may be in another project.
    blockedByKeys: dataset.issues
      .filter((other) => other.links.some((link) => link.type === 'Blocks' && link.outwardIssueKey === issue.key))
      .map((other) => other.key)
      .sort(),
    fixVersionIds: issue.fixVersionIds,
    hasDescription: issue.description !== null && issue.description.trim() !== '',
    statusChanges,
    dueDateChanges,
  };
}

const byWorklog = (a: Worklog, b: Worklog) => a.issueKey.localeCompare(b.issueKey) || a.startedMs - b.startedMs || a.seconds - b.seconds;
function expectedWorklogs(key: string): Worklog[] {
  return issuesOf(key)
    .flatMap((issue) =>
      issue.worklogs.map((worklog) => ({
        id: worklog.id,
        issueId: issue.id,
        issueKey: issue.key,
        authorAccountId: worklog.authorAccountId,
        startedMs: Date.parse(worklog.started),
        seconds: worklog.timeSpentSeconds,
      })),
    )
    .sort(byWorklog);
}

function expectMatchesDataset(data: ProjectData, key: string): void {
  const issues = issuesOf(key);
  expect(data).toMatchObject(target(key));
  expect(data.createdMs).toBe(Math.min(...issues.map((issue) => Date.parse(issue.created))));
  expect(data.items).toHaveLength(issues.length);
  const items = new Map(data.items.map((item) => [item.key, { ...item, blockedByKeys: [...item.blockedByKeys].sort() }]));
  for (const issue of issues) expect(items.get(issue.key)).toEqual(expectedItem(issue));
  expect([...data.worklogs].sort(byWorklog)).toEqual(expectedWorklogs(key));
  expect([...data.versions].sort((a, b) => a.id.localeCompare(b.id))).toEqual(
    dataset.versions
      .filter((version) => version.projectKey === key)
      .map((version) => ({ id: version.id, name: version.name, releaseDay: version.releaseDate === null ? null : dayNumber(version.releaseDate), released: version.released }))
      .sort((a, b) => a.id.localeCompare(b.id)),
  );
}

test('the metric fields are found on the site by name and by the Forge extension ARI', async () => {
  const fieldIds = await site.runtime.runAsInvocation({ accountId: null }, async () => resolveMetricFields(await getFields(new JiraClient(api.asApp().requestJira))));
  expect(fieldIds).toEqual<MetricFieldIds>({
    storyPoints: FIELD.storyPoints,
    startDate: FIELD.startDate,
    flagged: FIELD.flagged,
    plannedBudget: FIELD.plannedBudget,
    actualCost: FIELD.actualCost,
    budgetVariance: FIELD.budgetVariance,
  });
});

test.each([FIRST, STATUS_LOOKUPS])('%s: every item, worklog and version matches the dataset', async (key) => {
  const { data, stats, served } = await fetchAsApp(key);
  expectMatchesDataset(data, key);

  // A few spot checks in plain numbers, beside the full comparison above.
  const issues = issuesOf(key);
  const worked = issues.filter((issue) => issue.worklogs.length > 0);
  expect(data.worklogs).toHaveLength(issues.reduce((sum, issue) => sum + issue.worklogs.length, 0));
  expect(data.worklogs.reduce((sum, worklog) => sum + worklog.seconds, 0)).toBe(issues.reduce((sum, issue) => sum + issue.worklogs.reduce((s, w) => s + w.timeSpentSeconds, 0), 0));
  const reopened = issues.find((issue) => expectedItem(issue).statusChanges.length >= 4)!;
  expect(data.items.find((item) => item.key === reopened.key)!.statusChanges).toHaveLength(expectedItem(reopened).statusChanges.length);

  // What the reader counted is what Jira served, and each endpoint costs what the paging rules say.
  expect(stats.requests).toBe(served.total);
  expect(stats.byEndpoint).toEqual(served.byPath);
  expect(data.items.some((entry) => entry.unknownStatusIds !== undefined)).toBe(false);
  expect(served.byPath['POST /rest/api/3/search/jql']).toBe(Math.ceil(issues.length / 100));
  // Statuses only histories name are looked up in one read of the site's status list, not one search each.
  expect(served.byPath['GET /rest/api/3/status']).toBe(historyOnlyStatuses(key).size > 0 ? 1 : undefined);
  expect(served.byPath['POST /rest/api/3/changelog/bulkfetch']).toBe(1);
  expect(served.byPath['GET /rest/api/3/field']).toBe(1);
  expect(served.byPath['GET /rest/api/3/project/{projectIdOrKey}/version']).toBe(1);
  // Site-wide worklog reading is cheaper here than one request per issue with logged time.
  expect(served.byPath['GET /rest/api/3/issue/{issueIdOrKey}/worklog']).toBeUndefined();
  expect(served.total).toBeLessThan(worked.length);
});

test('per-issue worklogs give the same data, one request per issue with logged time', async () => {
  const { data, served } = await fetchAsApp(FIRST, { worklogs: 'per-issue' });
  expectMatchesDataset(data, FIRST);
  expect(served.byPath['GET /rest/api/3/issue/{issueIdOrKey}/worklog']).toBe(issuesOf(FIRST).filter((issue) => issue.worklogs.length > 0).length);
  expect(served.byPath['GET /rest/api/3/worklog/updated']).toBeUndefined();
});

test('given field ids and the status categories already learnt, neither /field nor /status is asked again', async () => {
  const statuses = await site.runtime.runAsInvocation({ accountId: null }, async () => StatusCategories.forRead(new JiraClient(api.asApp().requestJira), Date.now()));
  await fetchAsApp(STATUS_LOOKUPS, { statuses });
  const learnt = Object.fromEntries(statuses.known);
  expect(learnt).toEqual(Object.fromEntries(dataset.statuses.filter((status) => learnt[status.id] !== undefined).map((status) => [status.id, status.categoryKey])));
  const fieldIds = resolveMetricFields(await site.runtime.runAsInvocation({ accountId: null }, () => getFields(new JiraClient(api.asApp().requestJira))));
  const { data, served } = await fetchAsApp(STATUS_LOOKUPS, { fieldIds, statuses });
  expectMatchesDataset(data, STATUS_LOOKUPS);
  expect(served.byPath['GET /rest/api/3/field']).toBeUndefined();
  expect(served.byPath['GET /rest/api/3/status']).toBeUndefined();
  expect(served.byPath['POST /rest/api/3/search/jql']).toBe(Math.ceil(issuesOf(STATUS_LOOKUPS).length / 100));
});

test('a worklog edited in the last minute (which worklog/updated leaves out) is still read, from its issue', async () => {
  const issue = issuesOf(FIRST).find((candidate) => candidate.worklogs.length > 1)!;
  const worklog = issue.worklogs[0];
  const row = site.db.prepare('SELECT updated, updated_ms FROM worklogs WHERE id = ?').get(Number(worklog.id)) as { updated: string; updated_ms: number };
  site.db.prepare('UPDATE worklogs SET updated_ms = ? WHERE id = ?').run(Date.now(), Number(worklog.id));
  try {
    const { data, served } = await fetchAsApp(FIRST);
    expect(served.byPath['GET /rest/api/3/issue/{issueIdOrKey}/worklog']).toBe(1);
    expect([...data.worklogs].sort(byWorklog)).toEqual(expectedWorklogs(FIRST));
  } finally {
    site.db.prepare('UPDATE worklogs SET updated_ms = ? WHERE id = ?').run(row.updated_ms, Number(worklog.id));
  }
});

test('rate limiting is waited out and the data is still complete', async () => {
  site.jira.control.setKnobs({ rateLimit: { everyNth: 6, retryAfter: true } });
  try {
    const { data } = await fetchAsApp(FIRST);
    expectMatchesDataset(data, FIRST);
  } finally {
    site.jira.control.setKnobs({ rateLimit: null });
  }
}, 60_000);
