/**
 * The per-project sync job (issues, histories, versions) end to end: run as the app in Forge invocations against the simulated Jira
 * with the demo dataset, storing into the emulator's KVS. Faults, kills and pauses must not change what
 * ends up stored; edits, deletes and moves must show after the next run, at a cost that follows the change.
 */
import api from '@forge/api';
import { FIELD } from '../local/jira/seed/catalog';
import { startLocalSite, type LocalSite } from '../local/site/site';
import { JiraClient, type RequestJira } from '../src/jira/client';
import { getFields, resolveMetricFields, type MetricFieldIds } from '../src/jira/fields';
import { computeProjectMetrics, DEFAULT_PROJECT_SETTINGS } from '../src/metrics';
import type { ProjectData } from '../src/metrics/model';
import { deleteProjectData, loadProjectData } from '../src/store/projectData';
import { deleteSyncState, getSyncState } from '../src/store/syncState';
import { readProject } from '../src/sync/projectReader';
import { canonical, runProjectSync, type ProjectSyncOptions, type ProjectSyncResult, type SyncProject } from '../src/sync/job';
import { demoDataset } from './demo-fixture';

const dataset = demoDataset();
const PROJECTS: SyncProject[] = dataset.projects.slice(0, 3).map((project) => ({
  key: project.key,
  name: project.name,
  portfolio: dataset.categories.find((category) => category.id === project.categoryId)?.name ?? null,
}));
const METRICS_AT = Date.parse('2026-06-10T23:59:59.999Z');
const RETRY = { baseDelayMs: 1, maxDelayMs: 20, maxAttempts: 8 };

let site: LocalSite;
let fieldIds: MetricFieldIds;
const baseline = new Map<string, ProjectData>();

beforeAll(async () => {
  site = await startLocalSite({ port: 0, dataDir: ':memory:', dataset: { kind: 'dataset', dataset }, buildUi: false, log: () => undefined });
  fieldIds = resolveMetricFields(await site.runtime.runAsInvocation({ accountId: null }, () => getFields(new JiraClient(api.asApp().requestJira))));
});
afterAll(() => site.close());

interface SyncCall extends Partial<ProjectSyncOptions> {
  /** Wraps the app's requestJira (to kill the job after N requests). */
  wrap?: (requestJira: RequestJira) => RequestJira;
}

function sync(project: SyncProject, { wrap, ...options }: SyncCall = {}): Promise<ProjectSyncResult> {
  return site.runtime.runAsInvocation({ accountId: null, timeoutMs: 120_000 }, () => {
    const requestJira: RequestJira = api.asApp().requestJira;
    const client = new JiraClient(wrap ? wrap(requestJira) : requestJira, { retry: RETRY });
    return runProjectSync(client, project, { nowMs: Date.now(), fieldIds, ...options });
  });
}

/** Runs (resuming) until done. */
async function syncToEnd(project: SyncProject, options: SyncCall = {}): Promise<ProjectSyncResult[]> {
  const results: ProjectSyncResult[] = [];
  for (let run = 0; run < 50; run++) {
    const result = await sync(project, options);
    results.push(result);
    if (result.status === 'done') return results;
  }
  throw new Error(`${project.key}: not done after 50 runs`);
}

const stored = (key: string) => site.runtime.runAsInvocation({ accountId: null }, () => loadProjectData(key));
const syncState = (key: string) => site.runtime.runAsInvocation({ accountId: null }, () => getSyncState(key));
const forget = (key: string) =>
  site.runtime.runAsInvocation({ accountId: null }, async () => {
    await deleteProjectData(key);
    await deleteProjectData(key, 'staging');
    await deleteSyncState(key);
  });
/**
 * The whole project read in one go by readProject, in the job's canonical order, without worklogs:
 * the job reads issues, histories and versions; worklogs come from the round's site-wide worklog step
 * (test/sync-rounds.test.ts covers the whole round).
 */
const fetchedNow = (project: SyncProject) =>
  site.runtime.runAsInvocation({ accountId: null, timeoutMs: 120_000 }, async () => ({
    ...canonical(await readProject(new JiraClient(api.asApp().requestJira, { retry: RETRY }), project, { fieldIds, worklogs: 'per-issue' })),
    worklogs: [],
  }));

/** A requestJira that fails every request after the first `n`, as a job killed there would. */
const killAfter = (n: number) => (requestJira: RequestJira): RequestJira => {
  let made = 0;
  return (path, init) => (made++ < n ? requestJira(path, init) : Promise.reject(new Error(`killed after ${n} requests`)));
};

/** A deterministic spread of points in [0, total). */
function killPoints(total: number, count: number, seed: number): number[] {
  let state = seed;
  const points = new Set<number>([0, 1, 2, total - 1].filter((n) => n >= 0 && n < total));
  while (points.size < Math.min(count, total)) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    points.add(state % total);
  }
  return [...points].sort((a, b) => a - b);
}

describe('(a) faults and rate limits', () => {
  test('a full sync through 10% failures and 429s stores exactly what a fault-free sync does', async () => {
    const lines: string[] = [];
    for (const project of PROJECTS) {
      site.jira.control.resetRequestCounts();
      const [clean] = await syncToEnd(project);
      const served = site.jira.control.requestCounts().total;
      const data = (await stored(project.key))!;
      expect(data.items.length).toBe(dataset.issues.filter((issue) => issue.projectKey === project.key).length);
      // The job's merged, checkpointed result is what one plain fetch of the project gives.
      expect(data).toEqual(await fetchedNow(project));
      baseline.set(project.key, data);
      lines.push(`${project.key}: ${data.items.length} items, ${data.worklogs.length} worklogs; fault-free ${clean.requests} requests (${served} served)`);
    }

    for (const [index, project] of PROJECTS.entries()) {
      await forget(project.key);
      // Retry-After is capped by maxDelayMs, so both kinds of 429 are waited out in milliseconds.
      site.jira.control.setKnobs({ failureRate: 0.1, rateLimit: { everyNth: 7, retryAfter: index % 2 === 0 }, seed: 11 + index });
      site.jira.control.resetRequestCounts();
      try {
        const results = await syncToEnd(project);
        const served = site.jira.control.requestCounts().total;
        lines.push(`${project.key}: with faults ${results.reduce((sum, r) => sum + r.requests, 0)} requests (${served} served, retries included)`);
      } finally {
        site.jira.control.setKnobs({ failureRate: 0, rateLimit: null });
      }
      const data = (await stored(project.key))!;
      expect(data).toEqual(baseline.get(project.key));
      expect(computeProjectMetrics(data, DEFAULT_PROJECT_SETTINGS, METRICS_AT)).toEqual(
        computeProjectMetrics(baseline.get(project.key)!, DEFAULT_PROJECT_SETTINGS, METRICS_AT),
      );
      expect((await syncState(project.key)).inProgress).toBeNull();
    }
    console.log(lines.join('\n'));
  }, 120_000);
});

describe('(b) killed and paused jobs resume to the same data', () => {
  test('a first sync killed after N requests, for many N, and run again stores the same data', async () => {
    const project = PROJECTS[0];
    await forget(project.key);
    const [full] = await syncToEnd(project, { batchIssues: 100 });
    expect(await stored(project.key)).toEqual(baseline.get(project.key));
    const points = killPoints(full.requests, 10, 7);
    for (const n of points) {
      await forget(project.key);
      await expect(sync(project, { batchIssues: 100, wrap: killAfter(n) })).rejects.toThrow();
      const state = await syncState(project.key);
      expect(state.lastError?.message).toMatch(/killed after/);
      // Killed once more on the way, then left to finish.
      await sync(project, { batchIssues: 100, wrap: killAfter(n) }).catch(() => undefined);
      await syncToEnd(project, { batchIssues: 100 });
      expect(await stored(project.key)).toEqual(baseline.get(project.key));
      expect((await syncState(project.key)).lastError).toBeNull();
    }
    console.log(`${project.key}: first sync (batches of 100) takes ${full.requests} requests; killed after ${points.join(', ')} and resumed: same data`);
  }, 120_000);

  test('an incremental run with a full pass, killed anywhere, leaves the same data', async () => {
    const project = PROJECTS[1];
    const probe = await sync(project, { fullPassEveryMs: 0 });
    expect(probe.status).toBe('done');
    for (const n of killPoints(probe.requests, 4, 3)) {
      await expect(sync(project, { fullPassEveryMs: 0, wrap: killAfter(n) })).rejects.toThrow();
      await syncToEnd(project, { fullPassEveryMs: 0 });
      expect(await stored(project.key)).toEqual(baseline.get(project.key));
    }
  }, 60_000);

  test('a job short of time pauses at a safe point and the next invocation finishes it', async () => {
    const project = PROJECTS[2];
    await forget(project.key);
    let calls = 0;
    // Plenty of time for a few checks, then too little: every invocation gets a little further.
    const results = await syncToEnd(project, {
      batchIssues: 100,
      remainingTimeMs: () => (calls++ % 4 < 3 ? 60_000 : 1_000),
    });
    expect(results.length).toBeGreaterThan(1);
    expect(results.slice(0, -1).every((result) => result.status === 'paused')).toBe(true);
    expect(await stored(project.key)).toEqual(baseline.get(project.key));
    console.log(`${project.key}: finished after ${results.length} invocations (${results.map((r) => r.requests).join(', ')} requests)`);
  }, 60_000);
});

describe('(c, d) edits, deletes and moves', () => {
  test('edits show after the next incremental run at a cost of a few requests; deletes and moves after the full pass', async () => {
    const [project, other] = PROJECTS;
    await forget(project.key);
    await syncToEnd(project);
    const before = (await stored(project.key))!;

    const issues = dataset.issues.filter((issue) => issue.projectKey === project.key);
    const linked = new Set(dataset.issues.flatMap((issue) => issue.links.flatMap((link) => [issue.key, link.outwardIssueKey])));
    const parents = new Set(dataset.issues.map((issue) => issue.parentKey));
    const loose = issues.filter((issue) => !linked.has(issue.key) && !parents.has(issue.key));
    const [deleted, moved, ...rest] = loose;
    const withWorklogs = issues.find((issue) => issue.worklogs.length > 0 && !loose.slice(0, 4).includes(issue))!;
    const edited = [rest[0], rest[1], withWorklogs];

    for (const [index, issue] of edited.entries()) {
      const response = await fetch(`${site.jiraUrl}/rest/api/3/issue/${issue.key}`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ fields: { summary: `Edited ${index}`, duedate: '2026-12-0' + (index + 1), [FIELD.storyPoints]: 13 } }),
      });
      expect(response.status).toBe(204);
    }
    site.db.prepare('DELETE FROM issues WHERE id = ?').run(Number(deleted.id));
    const target = site.db.prepare('SELECT id FROM projects WHERE key = ?').get(other.key) as { id: number };
    const next = (site.db.prepare('SELECT MAX(issue_number) AS n FROM issues WHERE project_id = ?').get(target.id) as { n: number }).n + 1;
    site.db.prepare('UPDATE issues SET project_id = ?, key = ?, issue_number = ? WHERE id = ?').run(target.id, `${other.key}-${next}`, next, Number(moved.id));

    // (d) The incremental run reads only what changed.
    site.jira.control.resetRequestCounts();
    const incremental = await sync(project);
    const served = site.jira.control.requestCounts();
    console.log(`incremental run after 3 edits: ${incremental.requests} requests, ${incremental.changedItems} items; served ${JSON.stringify(served.byPath)}`);
    expect(incremental).toMatchObject({ status: 'done', changedItems: 3 });
    expect(incremental.requests).toBe(served.total);
    expect(incremental.requests).toBeLessThanOrEqual(10);

    const afterEdits = (await stored(project.key))!;
    for (const [index, issue] of edited.entries()) {
      const item = afterEdits.items.find((candidate) => candidate.key === issue.key)!;
      expect(item).toMatchObject({ summary: `Edited ${index}`, storyPoints: 13 });
      expect(item.dueDateChanges.length).toBeGreaterThan(before.items.find((candidate) => candidate.key === issue.key)!.dueDateChanges.length);
    }
    // No full pass was due: deleted and moved issues are still there, as the brief's "caught by the full pass" says.
    expect(afterEdits.items.map((item) => item.key)).toEqual(expect.arrayContaining([deleted.key, moved.key]));

    site.jira.control.resetRequestCounts();
    const withFullPass = await sync(project, { fullPassEveryMs: 0 });
    console.log(`incremental run with full pass: ${withFullPass.requests} requests, ${withFullPass.changedItems} items; served ${JSON.stringify(site.jira.control.requestCounts().byPath)}`);
    const afterPass = (await stored(project.key))!;
    expect(afterPass.items.map((item) => item.key)).not.toEqual(expect.arrayContaining([deleted.key]));
    expect(afterPass.items.some((item) => item.id === moved.id || item.id === deleted.id)).toBe(false);
    expect(afterPass.worklogs.some((worklog) => worklog.issueKey === deleted.key || worklog.issueKey === moved.key)).toBe(false);
    expect(afterPass.items).toHaveLength(before.items.length - 2);
    // Exactly what a fresh read of the project gives now.
    expect(afterPass).toEqual(await fetchedNow(project));
    const state = await syncState(project.key);
    expect(state.lastFullPassMs).toBe(state.lastCompleteSyncMs);
  }, 60_000);
});
