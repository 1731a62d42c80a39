/**
 * A first sync that fails part-way must never be stored as a finished sync of nothing. Each step a
 * round's first sync makes is failed in turn through the simulated Jira's `failingPaths` knob: the
 * round leaves every project "not synced yet" with the reason (never 0 issues and green), and once
 * Jira recovers the next round stores exactly what a clean sync stores, with the same figures.
 */
import api from '@forge/api';
import { kvs } from '@forge/kvs';
import type { LocalSite } from '../local/site/site';
import { JiraClient } from '../src/jira/client';
import { getFields, resolveMetricFields, type MetricFieldIds } from '../src/jira/fields';
import { computeProjectMetrics, DEFAULT_PROJECT_SETTINGS } from '../src/metrics';
import type { ProjectData } from '../src/metrics/model';
import { summarizeMetrics } from '../src/metrics/summary';
import type { PortfolioPage } from '../src/shared/contract';
import { deleteProjectData } from '../src/store/projectData';
import { deleteSnapshot } from '../src/store/snapshots';
import { ISSUE_STEP_KEY, WORKLOG_STEP_KEY } from '../src/store/syncRounds';
import { deleteSyncState, getSyncState } from '../src/store/syncState';
import { admin, asApp, dataset, invoke, PROJECTS, readDirectly, runRound, snapshotsOf, startSite, storedData } from './sync-fixture';

let site: LocalSite;
let fieldIds: MetricFieldIds;
let clean: Map<string, ProjectData>;
const FIGURES_AT = Date.parse('2026-06-10T12:00:00Z');
const issuesIn = (key: string) => dataset.issues.filter((issue) => issue.projectKey === key).length;
const figures = (data: ProjectData) => summarizeMetrics(computeProjectMetrics(data, DEFAULT_PROJECT_SETTINGS, FIGURES_AT, { forecast: true }));

beforeAll(async () => {
  site = await startSite();
  fieldIds = resolveMetricFields(await asApp(site, () => getFields(new JiraClient(api.asApp().requestJira))));
  clean = await readDirectly(site, fieldIds);
});
afterAll(() => site.close());

/** Storage as on a fresh data folder: every project's next sync is a first sync, and the site-wide steps start over. */
async function forgetEverything(): Promise<void> {
  await asApp(site, async () => {
    await kvs.delete(ISSUE_STEP_KEY);
    await kvs.delete(WORKLOG_STEP_KEY);
    for (const { key } of PROJECTS) {
      await deleteProjectData(key);
      await deleteProjectData(key, 'staging');
      await deleteSyncState(key);
      await deleteSnapshot(key);
    }
  });
}

/** No project shows figures it did not read: each is not synced yet, with the reason, or complete. */
async function expectNothingMadeUp(failing: string): Promise<void> {
  const page = await invoke<PortfolioPage>(site, 'portfolio/page', {}, admin);
  expect(page.rows).toHaveLength(PROJECTS.length);
  for (const row of page.rows) {
    const key = row.project.key;
    if (row.metrics === null) {
      expect(row.status.computedAt).toBeNull();
      expect(row.status.stale?.reason).toMatch(/failed/);
    } else {
      // Only a project whose reads all came through may show figures, and then all of them.
      expect({ key, total: row.project.issueCounts.total }).toEqual({ key, total: issuesIn(key) });
      expect(row.status.stale).toBeNull();
    }
  }
  const notSynced = page.rows.filter((row) => row.metrics === null).length;
  console.log(`first sync with ${failing} failing: ${notSynced} of ${page.rows.length} projects not synced yet, ${page.rows.length - notSynced} complete`);
}

async function expectCleanAfterRecovery(): Promise<void> {
  const stored = await storedData(site);
  const snapshots = await snapshotsOf(site);
  for (const { key } of PROJECTS) {
    expect(stored.get(key)).toEqual(clean.get(key));
    const snapshot = snapshots.get(key)!;
    expect(snapshot.status.stale).toBeNull();
    expect(snapshot.row.issueCounts.total).toBe(issuesIn(key));
    expect(figures(stored.get(key)!)).toEqual(figures(clean.get(key)!));
    expect((await asApp(site, () => getSyncState(key))).inProgress).toBeNull();
  }
}

const FIRST_SYNC_STEPS = [
  'GET /rest/api/3/project/{projectIdOrKey}/version',
  'POST /rest/api/3/search/jql',
  'POST /rest/api/3/changelog/bulkfetch',
  'GET /rest/api/3/worklog/updated',
  'POST /rest/api/3/worklog/list',
];

describe.each(FIRST_SYNC_STEPS.map((step, index) => [step, index] as const))('a first sync whose %s fails', (step, index) => {
  test('shows no figures until Jira recovers, then the same data and figures as a clean sync', async () => {
    if (index > 0) await forgetEverything();
    site.jira.control.resetRequestCounts();
    site.jira.control.setKnobs({ failingPaths: [step] });
    try {
      await runRound(site);
    } finally {
      site.jira.control.setKnobs({ failingPaths: [] });
    }
    expect(site.jira.control.requestCounts().byPath[step]).toBeGreaterThan(0);
    await expectNothingMadeUp(step);
    await runRound(site);
    await expectCleanAfterRecovery();
  }, 180_000);
});
