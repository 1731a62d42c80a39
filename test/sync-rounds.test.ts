/**
 * Sync rounds end to end, as deployed: the manifest's hourly trigger starts a round, the in-process
 * Forge queue runs the project jobs and the site-wide worklog job, snapshots come out. Compared with
 * what a direct read of Jira gives, through faults, kills, edits, moves, deletes and a failing project.
 */
import api from '@forge/api';
import { formatJiraDateTime } from '../local/jira/db/jira-time';
import { FIELD } from '../local/jira/seed/catalog';
import type { LocalSite } from '../local/site/site';
import { JiraClient } from '../src/jira/client';
import { getFields, resolveMetricFields, type MetricFieldIds } from '../src/jira/fields';
import { defaultSettingsFor } from '../local/report/metrics';
import { computeProjectMetrics } from '../src/metrics';
import type { ProjectData } from '../src/metrics/model';
import { summarizeMetrics } from '../src/metrics/summary';
import type { Answer, PortfolioPage, SyncProgress } from '../src/shared/contract';
import { readHistory, type ProjectSnapshot } from '../src/store/snapshots';
import { dirtyProjects, doneMarks, getLatestRound, getRound } from '../src/store/syncRounds';
import { getSyncState, setSyncState } from '../src/store/syncState';
import { admin, asApp, contractor, dataset, editIssue, invoke, PROJECTS, readDirectly, runRound, snapshotsOf, startSite, storedData } from './sync-fixture';

let site: LocalSite;
let fieldIds: MetricFieldIds;
let baseline: Map<string, ProjectData>;

beforeAll(async () => {
  site = await startSite();
  fieldIds = resolveMetricFields(await asApp(site, () => getFields(new JiraClient(api.asApp().requestJira))));
});
afterAll(() => site.close());

describe('a round through the queue', () => {
  test('stores exactly what a direct read of Jira gives, and a snapshot of its metrics per project', async () => {
    site.jira.control.resetRequestCounts();
    await runRound(site);
    const requests = site.jira.control.requestCounts();
    baseline = await storedData(site);
    expect([...baseline.keys()].sort()).toEqual(PROJECTS.map((project) => project.key).sort());
    const direct = await readDirectly(site, fieldIds);
    for (const [key, data] of baseline) {
      expect(data).toEqual(direct.get(key));
      expect(data.worklogs.length).toBe(dataset.issues.filter((issue) => issue.projectKey === key).reduce((sum, issue) => sum + issue.worklogs.length, 0));
    }

    const snapshots = await snapshotsOf(site);
    for (const [key, data] of baseline) {
      const snapshot = snapshots.get(key)!;
      expect(snapshot.status.stale).toBeNull();
      const computedAt = Date.parse(snapshot.status.computedAt!);
      // The summary is the engine's answer on the stored data at the snapshot's instant.
      expect(snapshot.metrics).toEqual(summarizeMetrics(computeProjectMetrics(data, defaultSettingsFor(data), computedAt, { forecast: true })));
      expect(snapshot.row.issueCounts.total).toBe(data.items.length);
      const history = await asApp(site, () => readHistory(key, 0));
      expect(history).toHaveLength(1);
      expect(history[0].figures.rag).toBe(snapshot.health);
    }
    const latest = (await asApp(site, getLatestRound))!;
    const progress = await invoke<SyncProgress>(site, 'sync/progress', { roundId: latest.roundId }, admin);
    expect(progress).toMatchObject({ total: 13, done: 13, failed: 0, finished: true, trigger: 'schedule' });
    // Worklogs are read site-wide (a few requests for every project together), never issue by issue.
    expect(requests.byPath['GET /rest/api/3/issue/{issueIdOrKey}/worklog'] ?? 0).toBe(0);
    console.log(`demo full round: ${requests.total} requests ${JSON.stringify(requests.byPath)}`);
  }, 180_000);

  test('the page shows each person only the snapshots of projects they may browse', async () => {
    const all = await invoke<PortfolioPage>(site, 'portfolio/page', {}, admin);
    expect(all.rows).toHaveLength(13);
    expect(all.sync).toMatchObject({ done: 13, total: 13, finished: true });
    site.jira.control.resetRequestCounts();
    const own = await invoke<PortfolioPage>(site, 'portfolio/page', {}, contractor);
    expect(own.rows.map((row) => row.project.key).sort()).toEqual(['ATLAS', 'NOVA']);
    expect(own.total.projectKeys.sort()).toEqual(['ATLAS', 'NOVA']);
    // One permission check, no reads of issues.
    expect(site.jira.control.requestCounts().byPath).toEqual({ 'POST /rest/api/3/permissions/check': 1 });
    const portfolio = own.rows[0].project.portfolio!.name;
    const filtered = await invoke<PortfolioPage>(site, 'portfolio/page', { filter: { scope: 'portfolio', portfolioName: portfolio } }, contractor);
    expect(filtered.rows.every((row) => row.project.portfolio?.name === portfolio)).toBe(true);
    const hidden = (await site.invoke('pmo-portfolio-page', 'portfolio/page', { filter: { scope: 'project', projectKey: 'APOLLO' } }, contractor)) as Answer<PortfolioPage>;
    expect(hidden).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  test('Refresh now queues the viewer\'s projects only and reports progress until done', async () => {
    const started = await invoke<SyncProgress>(site, 'sync/refresh', {}, contractor);
    expect(started).toMatchObject({ trigger: 'refresh', total: 2, finished: false });
    const round = (await asApp(site, () => getRound(started.roundId)))!;
    expect(round.projectKeys.sort()).toEqual(['ATLAS', 'NOVA']);
    await site.runtime.drainQueues({ fastForward: true, timeoutMs: 120_000 });
    expect(await invoke<SyncProgress>(site, 'sync/progress', { roundId: started.roundId }, contractor)).toMatchObject({ done: 2, failed: 0, finished: true });
    const bad = (await site.invoke('pmo-portfolio-page', 'sync/progress', { roundId: '../x' }, contractor)) as Answer<SyncProgress>;
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
  }, 120_000);
});

describe('reliability', () => {
  test('edits, new and deleted worklogs, moves and deletes show after the next round', async () => {
    const [project, other] = ['APOLLO', 'HERMES'];
    const issues = dataset.issues.filter((issue) => issue.projectKey === project);
    const linked = new Set(dataset.issues.flatMap((issue) => issue.links.flatMap((link) => [issue.key, link.outwardIssueKey])));
    const parents = new Set(dataset.issues.map((issue) => issue.parentKey));
    const loose = issues.filter((issue) => !linked.has(issue.key) && !parents.has(issue.key) && issue.worklogs.length > 0);
    const [deleted, moved, edited, logged] = loose;

    await editIssue(site, edited.key, { summary: 'Edited between rounds', [FIELD.storyPoints]: 21 });
    // Two minutes ago: worklog/updated leaves out the last minute, as Jira's does.
    const nowMs = Date.now() - 120_000;
    const now = formatJiraDateTime(nowMs);
    site.db.prepare('DELETE FROM issues WHERE id = ?').run(Number(deleted.id));
    const target = site.db.prepare('SELECT id FROM projects WHERE key = ?').get(other) as { id: number };
    const next = (site.db.prepare('SELECT MAX(issue_number) AS n FROM issues WHERE project_id = ?').get(target.id) as { n: number }).n + 1;
    site.db.prepare('UPDATE issues SET project_id = ?, key = ?, issue_number = ?, updated = ?, updated_ms = ? WHERE id = ?').run(target.id, `${other}-${next}`, next, now, nowMs, Number(moved.id));
    // A worklog edited (more time) and one deleted, as Jira records them: the issue's timespent and updated follow.
    const [first, second] = site.db.prepare('SELECT id FROM worklogs WHERE issue_id = ? ORDER BY id').all(Number(logged.id)) as { id: number }[];
    site.db.prepare('UPDATE worklogs SET time_spent_seconds = time_spent_seconds + 3600, updated = ?, updated_ms = ? WHERE id = ?').run(now, nowMs, first.id);
    if (second) site.db.prepare('DELETE FROM worklogs WHERE id = ?').run(second.id);
    site.db.prepare('UPDATE issues SET updated = ?, updated_ms = ? WHERE id = ?').run(now, nowMs, Number(logged.id));

    // The daily full pass (which finds deletes and moves) is due: a day passed since the last one.
    for (const key of [project, other]) {
      await asApp(site, async () => {
        const state = await getSyncState(key);
        await setSyncState({ ...state, lastFullPassMs: (state.lastFullPassMs ?? 0) - 86_400_000 });
      });
    }
    site.jira.control.resetRequestCounts();
    await runRound(site);
    console.log(`round after 4 changes: ${site.jira.control.requestCounts().total} requests ${JSON.stringify(site.jira.control.requestCounts().byPath)}`);

    const stored = await storedData(site);
    const direct = await readDirectly(site, fieldIds);
    for (const key of [project, other]) expect(stored.get(key)).toEqual(direct.get(key));
    const apollo = stored.get(project)!;
    expect(apollo.items.find((item) => item.key === edited.key)).toMatchObject({ summary: 'Edited between rounds', storyPoints: 21 });
    expect(apollo.items.some((item) => item.id === deleted.id || item.id === moved.id)).toBe(false);
    expect(stored.get(other)!.items.find((item) => item.id === moved.id)?.key).toBe(`${other}-${next}`);
    expect(stored.get(other)!.worklogs.filter((worklog) => worklog.issueId === moved.id)).toHaveLength(moved.worklogs.length);
    baseline = stored;
  }, 180_000);

  test('a project whose every request fails keeps its last snapshot, marked stale with the reason, and holds back no other', async () => {
    // NOVA changes, then Jira fails every request about it.
    const novaIssue = dataset.issues.find((candidate) => candidate.projectKey === 'NOVA')!;
    await editIssue(site, novaIssue.key, { summary: 'Changed before Jira failed' });
    await site.runtime.drainQueues({ fastForward: true });
    // The edit's own refresh has brought it to the page: these are the last good figures.
    const before = await snapshotsOf(site);
    site.jira.control.setKnobs({ failingProjects: ['NOVA'] });
    try {
      await runRound(site);
    } finally {
      site.jira.control.setKnobs({ failingProjects: [] });
    }
    const after = await snapshotsOf(site);
    const latest = (await asApp(site, getLatestRound))!;
    const nova = after.get('NOVA')!;
    expect(nova.status.stale?.reason).toMatch(/NOVA|failed/i);
    expect(nova.status.stale?.since).toBeTruthy();
    // The last good figures stay.
    expect(nova.metrics).toEqual(before.get('NOVA')!.metrics);
    expect(nova.status.computedAt).toBe(before.get('NOVA')!.status.computedAt);
    const done = await asApp(site, () => doneMarks(latest.roundId));
    for (const [key, snapshot] of after) {
      if (key === 'NOVA') continue;
      expect(snapshot.status.stale).toBeNull();
      // Done in this round; nothing of theirs changed, so their snapshots were not rewritten.
      expect(done.get(key)?.failure).toBeNull();
    }
    const progress = await invoke<SyncProgress>(site, 'sync/progress', { roundId: latest.roundId }, admin);
    expect(progress).toMatchObject({ total: 13, done: 13, failed: 1, finished: true });
    const page = await invoke<PortfolioPage>(site, 'portfolio/page', {}, admin);
    expect(page.rows.find((row) => row.project.key === 'NOVA')?.status.stale?.reason).toBe(nova.status.stale?.reason);

    // Once Jira answers again, the next round clears it and brings the change.
    await runRound(site);
    expect((await snapshotsOf(site)).get('NOVA')!.status.stale).toBeNull();
    expect((await storedData(site)).get('NOVA')!.items.find((item) => item.key === novaIssue.key)?.summary).toBe('Changed before Jira failed');
  }, 180_000);
});

describe('product events', () => {
  test('an edited issue marks its project dirty, and the next round takes it first', async () => {
    const issue = dataset.issues.find((candidate) => candidate.projectKey === 'VEGA')!;
    await editIssue(site, issue.key, { summary: 'Dirty now' });
    await site.runtime.drainQueues({ fastForward: true });
    expect([...(await asApp(site, dirtyProjects)).keys()]).toEqual(['VEGA']);
    // The edit's own refresh already brought it to the page.
    const refreshed = (await snapshotsOf(site)).get('VEGA');
    site.jira.control.resetRequestCounts();
    await runRound(site);
    const latest = (await asApp(site, getLatestRound))!;
    expect((await asApp(site, () => getRound(latest.roundId)))!.projectKeys[0]).toBe('VEGA');
    expect((await asApp(site, dirtyProjects)).size).toBe(0);
    const vega: ProjectSnapshot | undefined = (await snapshotsOf(site)).get('VEGA');
    // Nothing was left for the round to recompute: its snapshot is the refresh's.
    expect(vega?.status.computedAt).toBe(refreshed?.status.computedAt);
    expect(vega?.row.lastUpdated).toBe(new Date(Math.max(...(await storedData(site)).get('VEGA')!.items.map((item) => item.updatedMs))).toISOString());
    expect((await storedData(site)).get('VEGA')!.items.find((item) => item.key === issue.key)?.summary).toBe('Dirty now');
    // The edit came through the site-wide step: no project read itself, the round cost a handful of requests.
    const served = site.jira.control.requestCounts();
    console.log(`round after one edit: ${served.total} requests ${JSON.stringify(served.byPath)}`);
    expect(served.byPath['GET /rest/api/3/project/{projectIdOrKey}/version']).toBeUndefined();
    expect(served.total).toBeLessThanOrEqual(8);
  }, 120_000);
});
