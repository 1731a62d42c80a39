/**
 * Sync rounds through faults (its own file: the Forge globals belong to one local site at a time, and
 * this needs a site no earlier round has filled). Fault-free direct reads of Jira are the reference.
 */
import api from '@forge/api';
import { formatJiraDateTime } from '../local/jira/db/jira-time';
import type { LocalSite } from '../local/site/site';
import { JiraClient, type RequestJira } from '../src/jira/client';
import { getFields, resolveMetricFields, type MetricFieldIds } from '../src/jira/fields';
import type { ProjectData } from '../src/metrics/model';
import { deleteProjectData } from '../src/store/projectData';
import { deleteInboxEntries, readInbox, setWorklogSyncState } from '../src/store/syncRounds';
import { deleteSyncState } from '../src/store/syncState';
import { runIssueStep } from '../src/sync/issueStep';
import { runSyncEvent, startRound, type QueuedEvent } from '../src/sync/rounds';
import { runWorklogStep } from '../src/sync/worklogStep';
import { asApp, metricsAt, PROJECTS, readDirectly, RETRY, runRound, snapshotsOf, startSite, storedData } from './sync-fixture';

let site: LocalSite;
let direct: Map<string, ProjectData>;

beforeAll(async () => {
  site = await startSite();
  const fieldIds: MetricFieldIds = resolveMetricFields(await asApp(site, () => getFields(new JiraClient(api.asApp().requestJira))));
  direct = await readDirectly(site, fieldIds);
}, 120_000);
afterAll(() => site.close());

test('the worklog step killed after N requests, for many N, and run again puts every worklog in its project\'s inbox', async () => {
  const killAfter = (n: number) => (requestJira: RequestJira): RequestJira => {
    let made = 0;
    return (path, init) => (made++ < n ? requestJira(path, init) : Promise.reject(new Error(`killed after ${n} requests`)));
  };
  const step = (n: number | null) =>
    asApp(site, () => {
      const requestJira: RequestJira = api.asApp().requestJira;
      return runWorklogStep(new JiraClient(n === null ? requestJira : killAfter(n)(requestJira), { retry: RETRY }), { roundId: `kill-${n}` });
    });
  // Each killed run gets a little further from the saved watermark; at least the first ones die on the way.
  let killed = 0;
  for (const n of [0, 1, 2, 4, 7, 11, 17]) {
    await step(n).then(
      () => undefined,
      (error: unknown) => {
        expect(String(error)).toMatch(/killed after/);
        killed += 1;
      },
    );
  }
  expect(killed).toBeGreaterThanOrEqual(4);
  const last = await step(null);
  expect(last.status).toBe('done');

  const inboxes = await asApp(site, async () => {
    const found = new Map<string, { keys: string[]; ids: string[] }>();
    for (const { key } of PROJECTS) {
      const entries = await readInbox(key);
      found.set(key, { keys: entries.map((entry) => entry.key), ids: entries.flatMap((entry) => entry.value.worklogs.map((worklog) => worklog.id!)) });
    }
    return found;
  });
  for (const [key, data] of direct) expect([...new Set(inboxes.get(key)!.ids)].sort()).toEqual(data.worklogs.map((worklog) => worklog.id!).sort());

  // Back to a site no step has read, for the round below.
  await asApp(site, async () => {
    await setWorklogSyncState({ sinceMs: 0, roundId: null, pagesRead: 0 });
    await deleteInboxEntries([...inboxes.values()].flatMap((inbox) => inbox.keys));
  });
}, 120_000);

test('with 10% of requests failing and 429s with and without Retry-After, a full sync ends with the data and metrics of a fault-free read', async () => {
  site.jira.control.setKnobs({ failureRate: 0.1, rateLimit: { everyNth: 7, retryAfter: true }, seed: 5 });
  site.jira.control.resetRequestCounts();
  try {
    await runRound(site);
    site.jira.control.setKnobs({ rateLimit: { everyNth: 5, retryAfter: false }, seed: 6 });
    // A second round through 429s without Retry-After: incremental, and it must change nothing.
    await runRound(site);
  } finally {
    site.jira.control.setKnobs({ failureRate: 0, rateLimit: null });
  }
  const served = site.jira.control.requestCounts().total;
  const stored = await storedData(site);
  const snapshots = await snapshotsOf(site);
  for (const [key, data] of direct) {
    expect(snapshots.get(key)?.status.stale).toBeNull();
    expect(stored.get(key)).toEqual(data);
    expect(metricsAt(stored.get(key)!)).toEqual(metricsAt(data));
  }
  console.log(`two rounds with faults: ${served} requests served, retries included`);
}, 240_000);

test('the issue step killed after N requests, for many N, and run again brings every change', async () => {
  // 250 issues across the portfolio change after the rounds above.
  const nowMs = Date.now() - 120_000;
  const ids = site.db.prepare('SELECT id FROM issues ORDER BY id').all() as { id: number }[];
  const update = site.db.prepare('UPDATE issues SET summary = summary || ?, updated = ?, updated_ms = ? WHERE id = ?');
  for (let index = 0; index < ids.length; index += 12) update.run(' (changed)', formatJiraDateTime(nowMs), nowMs, ids[index].id);

  const killAfter = (n: number) => (requestJira: RequestJira): RequestJira => {
    let made = 0;
    return (path, init) => (made++ < n ? requestJira(path, init) : Promise.reject(new Error(`killed after ${n} requests`)));
  };
  const fieldIds = resolveMetricFields(await asApp(site, () => getFields(new JiraClient(api.asApp().requestJira))));
  const step = (n: number) =>
    asApp(site, () => runIssueStep(new JiraClient(killAfter(n)(api.asApp().requestJira), { retry: RETRY }), { roundId: `kill-${n}`, nowMs: Date.now(), fieldIds }));
  let killed = 0;
  for (const n of [0, 1, 2, 3, 4]) await step(n).catch(() => (killed += 1));
  expect(killed).toBeGreaterThanOrEqual(3);
  // The next round carries the interrupted step on, then every project is finished from its inboxes.
  await runRound(site);
  const stored = await storedData(site);
  const now = await readDirectly(site, fieldIds);
  for (const [key, data] of now) expect(stored.get(key)).toEqual(data);
  expect([...stored.values()].flatMap((data) => data.items).filter((item) => item.summary.endsWith(' (changed)'))).toHaveLength(Math.ceil(ids.length / 12));
}, 240_000);

test('a project job short of time queues its own continuation, and the round still ends complete', async () => {
  const project = PROJECTS[0];
  await asApp(site, async () => {
    await deleteProjectData(project.key);
    await deleteSyncState(project.key);
  });
  const fieldIds = resolveMetricFields(await asApp(site, () => getFields(new JiraClient(api.asApp().requestJira))));
  const queue: QueuedEvent[] = [];
  const push = async (events: QueuedEvent[]) => void queue.push(...events);
  const identity = { id: '0', key: project.key, name: project.name, lead: null, portfolio: project.portfolio === null ? null : { id: '0', name: project.portfolio } };
  await asApp(site, () => startRound([identity], { trigger: 'refresh', requestedBy: null, nowMs: Date.now(), push, fieldIds }));
  let calls = 0;
  // Plenty of time for a few checks, then too little: every invocation gets a little further.
  const remainingTimeMs = () => (calls++ % 5 < 4 ? 60_000 : 1_000);
  const outcomes: string[] = [];
  for (let delivered = 0; queue.length > 0 && delivered < 200; delivered++) {
    const event = queue.shift()!;
    outcomes.push(
      await asApp(site, () => runSyncEvent(event.body, { client: new JiraClient(api.asApp().requestJira, { retry: RETRY }), nowMs: Date.now(), remainingTimeMs, push })),
    );
  }
  expect(queue).toHaveLength(0);
  expect(outcomes).toContain('continued');
  const stored = (await storedData(site)).get(project.key)!;
  expect(stored).toEqual((await readDirectly(site, fieldIds)).get(project.key));
  expect((await snapshotsOf(site)).get(project.key)?.status.stale).toBeNull();
}, 240_000);
