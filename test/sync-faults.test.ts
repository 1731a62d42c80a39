/**
 * Sync rounds through faults (its own file: the Forge globals belong to one local site at a time, and
 * this needs a site no earlier round has filled). Fault-free direct reads of Jira are the reference.
 */
import api from '@forge/api';
import type { LocalSite } from '../local/site/site';
import { JiraClient, type RequestJira } from '../src/jira/client';
import { getFields, resolveMetricFields, type MetricFieldIds } from '../src/jira/fields';
import type { ProjectData } from '../src/metrics/model';
import { deleteInboxEntries, readInbox, setWorklogSyncState } from '../src/store/syncRounds';
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
