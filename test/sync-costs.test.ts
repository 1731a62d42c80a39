/**
 * A round costs what changed. On the demo site, after a first round: a round where nothing changed
 * rewrites no snapshot and no project data; a round after one edit recomputes that project only; the
 * day changing recomputes every project once; recomputeProjects (what the settings store will call)
 * recomputes the chosen projects from stored data without reading Jira; a burst of 1,000 edits makes
 * one refresh job per project it touched, within Forge's queue limits.
 */
import { formatJiraDateTime } from '../local/jira/db/jira-time';
import type { LocalSite } from '../local/site/site';
import { loadProjectData, loadProjectHead } from '../src/store/projectData';
import { recomputeRequests, requestRecompute } from '../src/store/pendingWork';
import { listSnapshots, setSnapshot } from '../src/store/snapshots';
import { pushToSyncQueue } from '../src/sync/handlers';
import { recomputeProjects } from '../src/sync/rounds';
import { asApp, dataset, PROJECTS, runRound, startSite } from './sync-fixture';

let site: LocalSite;
beforeAll(async () => {
  site = await startSite();
  await runRound(site);
}, 120_000);
afterAll(() => site.close());

/** Each project's snapshot write instant and stored data revision. */
async function written(): Promise<Map<string, { snapshot: number; revision: number | undefined }>> {
  const snapshots = await asApp(site, listSnapshots);
  const found = new Map<string, { snapshot: number; revision: number | undefined }>();
  for (const snapshot of snapshots) found.set(snapshot.projectKey, { snapshot: snapshot.updatedAtMs, revision: (await asApp(site, () => loadProjectHead(snapshot.projectKey)))?.revision });
  return found;
}

/** The projects whose snapshot (or stored data) changed between two readings. */
function rewritten(before: Map<string, { snapshot: number; revision: number | undefined }>, after: Map<string, { snapshot: number; revision: number | undefined }>, what: 'snapshot' | 'revision'): string[] {
  return [...after].filter(([key, now]) => before.get(key)?.[what] !== now[what]).map(([key]) => key).sort();
}

/** Edits issues as Jira records an edit (summary and `updated`, two minutes back so worklog/updated's blind minute plays no part), without a product event. */
function editInJira(issueIds: readonly string[], tag: string): void {
  const nowMs = Date.now() - 120_000;
  const update = site.db.prepare('UPDATE issues SET summary = summary || ?, updated = ?, updated_ms = ? WHERE id = ?');
  site.db.transaction(() => {
    for (const id of issueIds) update.run(tag, formatJiraDateTime(nowMs), nowMs, Number(id));
  })();
}

test('a round where nothing changed rewrites no snapshot and no project data, and asks Jira at most 3 things', async () => {
  const before = await written();
  site.jira.control.resetRequestCounts();
  await runRound(site);
  const after = await written();
  expect(rewritten(before, after, 'snapshot')).toEqual([]);
  expect(rewritten(before, after, 'revision')).toEqual([]);
  expect(site.jira.control.requestCounts().total).toBeLessThanOrEqual(3);
}, 120_000);

test('a round after one edit recomputes the one project it changed', async () => {
  const issue = dataset.issues.find((candidate) => candidate.projectKey === 'HERMES')!;
  editInJira([issue.id], ' (edited once)');
  const before = await written();
  await runRound(site);
  const after = await written();
  expect(rewritten(before, after, 'snapshot')).toEqual(['HERMES']);
  expect(rewritten(before, after, 'revision')).toEqual(['HERMES']);
  expect((await asApp(site, () => loadProjectData('HERMES')))!.items.find((item) => item.id === issue.id)?.summary).toMatch(/\(edited once\)$/);
}, 120_000);

test('the day changing recomputes every project once', async () => {
  // Every snapshot as the last round of yesterday left it.
  await asApp(site, async () => {
    for (const snapshot of await listSnapshots()) {
      await setSnapshot({ ...snapshot, status: { ...snapshot.status, computedAt: new Date(Date.parse(snapshot.status.computedAt!) - 86_400_000).toISOString() } });
    }
  });
  const before = await written();
  await runRound(site);
  const afterFirst = await written();
  expect(rewritten(before, afterFirst, 'snapshot')).toEqual(PROJECTS.map((project) => project.key).sort());
  // Recomputing changed no stored data.
  expect(rewritten(before, afterFirst, 'revision')).toEqual([]);
  await runRound(site);
  expect(rewritten(afterFirst, await written(), 'snapshot')).toEqual([]);
}, 120_000);

test('recomputeProjects recomputes the chosen projects from stored data without reading Jira, and a round takes up any it could not queue', async () => {
  const before = await written();
  site.jira.control.resetRequestCounts();
  const queued = await asApp(site, () => recomputeProjects(['APOLLO', 'NOVA'], 'budgets changed', { push: pushToSyncQueue, nowMs: Date.now() }));
  expect(queued).toEqual({ queued: 2, leftToRound: 0 });
  await site.runtime.drainQueues({ fastForward: true, timeoutMs: 60_000 });
  const after = await written();
  expect(rewritten(before, after, 'snapshot')).toEqual(['APOLLO', 'NOVA']);
  expect(rewritten(before, after, 'revision')).toEqual([]);
  expect(site.jira.control.requestCounts().total).toBe(0);
  expect((await asApp(site, recomputeRequests)).size).toBe(0);

  // A recompute asked for but never queued (over the queue's limit, say): the next round does it.
  await asApp(site, () => requestRecompute(['VEGA'], 'rates changed', Date.now()));
  await runRound(site);
  expect(rewritten(after, await written(), 'snapshot')).toEqual(['VEGA']);
  expect((await asApp(site, recomputeRequests)).size).toBe(0);
}, 120_000);

test('1,000 edits in a burst make one refresh job per project they touched, within Forge\'s queue limits', async () => {
  const touched = ['APOLLO', 'HERMES', 'ORION'];
  const issues = dataset.issues.filter((issue) => touched.includes(issue.projectKey));
  const burst = Array.from({ length: 1000 }, (_, index) => issues[index % issues.length]);
  editInJira([...new Set(burst.map((issue) => issue.id))], ' (bulk edit)');
  const before = await written();
  const startedAt = Date.now();
  // As Jira sends a bulk edit: one avi:jira:updated:issue per issue edited.
  for (const issue of burst) {
    site.runtime.emitProductEvent('avi:jira:updated:issue', { issue: { id: issue.id, key: issue.key, fields: { project: { key: issue.projectKey } } } });
  }
  await site.runtime.drainQueues({ fastForward: true, timeoutMs: 120_000 });

  const pushed = site.runtime.pushedEvents(startedAt);
  expect(pushed.total).toBe(touched.length);
  expect(pushed.busiestMinute).toBeLessThanOrEqual(500);
  const after = await written();
  expect(rewritten(before, after, 'snapshot')).toEqual(touched);
  for (const key of touched) {
    const data = (await asApp(site, () => loadProjectData(key)))!;
    const edited = new Set(burst.filter((issue) => issue.projectKey === key).map((issue) => issue.id));
    expect(data.items.filter((item) => edited.has(item.id)).every((item) => item.summary.endsWith('(bulk edit)'))).toBe(true);
  }
}, 120_000);
