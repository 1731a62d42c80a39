/**
 * The last step of a project's sync round: merge the issues and worklogs the site-wide steps left in
 * its inboxes (a stored item newer than the inbox's copy stays),
 * re-read the worklogs of any item whose stored worklogs do not add up to Jira's timespent (deleted
 * worklogs, edits of the last minute, an issue that moved in), compute the metrics and write the
 * snapshot and the day's history point. Idempotent: run twice it writes the same snapshot.
 */
import type { JiraClient } from '../jira/client';
import { computeProjectMetrics } from '../metrics';
import { canonical, dayOfInstant, type ProjectData, type WorkItem, type Worklog } from '../metrics/model';
import type { ProjectSettings } from '../metrics/settings';
import { portfolioRow, summarizeMetrics, type ProjectIdentity } from '../metrics/summary';
import type { ProjectMetrics } from '../shared/contract';
import { loadProjectData, saveProjectData } from '../store/projectData';
import { getSnapshot, recordHistory, setSnapshot, type ProjectSnapshot } from '../store/snapshots';
import { deleteInboxEntries, readInbox, readIssueInbox } from '../store/syncRounds';
import { getSyncState } from '../store/syncState';
import { mergeItems } from './job';
import { reconcileWorklogs } from './reconcile';

export interface FinishOptions {
  roundId: string;
  nowMs: number;
  settings: ProjectSettings;
  /** Per-issue worklog reads in flight at once. */
  concurrency?: number;
}

export interface FinishResult {
  /** Items whose worklogs were read issue by issue because they did not add up. */
  reconciled: number;
  inboxWorklogs: number;
  metrics: ProjectMetrics;
}

export async function finishProject(client: JiraClient, project: ProjectIdentity, options: FinishOptions): Promise<FinishResult> {
  const stored = await loadProjectData(project.key);
  if (!stored) throw new Error(`${project.key} has no synced data to finish`);
  const [issueInbox, inbox] = await Promise.all([readIssueInbox(project.key), readInbox(project.key)]);
  let data = mergeNewerItems(stored, issueInbox.flatMap((entry) => entry.value.items));
  data = mergeWorklogs(data, inbox.flatMap((entry) => entry.value.worklogs));

  const reconciled = await reconcileWorklogs(client, data, options.concurrency);
  data = reconciled.data;
  await saveProjectData(data, 'main', options.nowMs, stored);
  // Only after the data holding them is saved: a crash before this merges the same entries again.
  await deleteInboxEntries([...issueInbox, ...inbox].map((entry) => entry.key));

  const metrics = computeProjectMetrics(data, options.settings, options.nowMs, { forecast: true });
  const sync = await getSyncState(project.key);
  await setSnapshot({
    projectKey: project.key,
    projectId: project.id,
    portfolio: project.portfolio?.name ?? '',
    health: metrics.health.rag,
    row: portfolioRow(project, data, metrics),
    metrics: summarizeMetrics(metrics),
    status: {
      computedAt: new Date(options.nowMs).toISOString(),
      syncedAt: sync.lastCompleteSyncMs === null ? null : new Date(sync.lastCompleteSyncMs).toISOString(),
      stale: null,
    },
    roundId: options.roundId,
    updatedAtMs: options.nowMs,
  });
  const { earnedValue: ev } = metrics;
  await recordHistory({
    projectKey: project.key,
    day: dayOfInstant(options.nowMs),
    figures: {
      rag: metrics.health.rag,
      progress: metrics.progress.progress.value,
      bac: ev.bac.value,
      pv: ev.pv.value,
      ev: ev.ev.value,
      ac: ev.ac.value,
      spi: ev.spi.value,
      cpi: ev.cpi.value,
      overdueCount: metrics.schedule.overdueCount,
      wip: metrics.flow.wip,
    },
  });
  return { reconciled: reconciled.reconciled, inboxWorklogs: inbox.reduce((sum, entry) => sum + entry.value.worklogs.length, 0), metrics };
}

/**
 * Keeps the last good snapshot and says why it is stale; a project that never had one gets a row
 * without metrics, so the page can still say what went wrong.
 */
export async function markStale(project: ProjectIdentity, reason: string, roundId: string, nowMs: number): Promise<void> {
  const previous = await getSnapshot(project.key);
  const since = previous?.status.stale?.since ?? new Date(nowMs).toISOString();
  const snapshot: ProjectSnapshot = previous
    ? { ...previous, status: { ...previous.status, stale: { reason, since } }, roundId, updatedAtMs: nowMs }
    : {
        projectKey: project.key,
        projectId: project.id,
        portfolio: project.portfolio?.name ?? '',
        health: 'none',
        row: {
          id: project.id,
          key: project.key,
          name: project.name,
          lead: project.lead,
          portfolio: project.portfolio,
          issueCounts: { total: 0, toDo: 0, inProgress: 0, done: 0 },
          percentDone: null,
          overdueCount: 0,
          lastUpdated: null,
        },
        metrics: null,
        status: { computedAt: null, syncedAt: null, stale: { reason, since } },
        roundId,
        updatedAtMs: nowMs,
      };
  await setSnapshot(snapshot);
}

/** Merges the inbox's items, each only when no newer copy of it is stored (by Jira's `updated`). */
export function mergeNewerItems(data: ProjectData, items: readonly WorkItem[]): ProjectData {
  if (items.length === 0) return data;
  const storedUpdated = new Map(data.items.map((item) => [item.id, item.updatedMs]));
  const latest = new Map<string, WorkItem>();
  for (const item of items) {
    const seen = latest.get(item.id);
    if (seen && seen.updatedMs > item.updatedMs) continue;
    latest.set(item.id, item);
  }
  const newer = [...latest.values()].filter((item) => (storedUpdated.get(item.id) ?? Number.NEGATIVE_INFINITY) <= item.updatedMs);
  return newer.length === 0 ? data : mergeItems(data, newer);
}

/**
 * Upserts worklogs by id, in the order given (later entries hold later edits). A worklog is kept only
 * when its issue is one of the project's items, under the item's current key.
 */
export function mergeWorklogs(data: ProjectData, worklogs: readonly Worklog[]): ProjectData {
  if (worklogs.length === 0) return data;
  const keyById = new Map(data.items.map((item) => [item.id, item.key]));
  const byId = new Map<string, Worklog>();
  const withoutId: Worklog[] = [];
  for (const worklog of data.worklogs) {
    if (worklog.id === undefined) withoutId.push(worklog);
    else byId.set(worklog.id, worklog);
  }
  for (const worklog of worklogs) {
    const issueKey = worklog.issueId === undefined ? undefined : keyById.get(worklog.issueId);
    if (worklog.id === undefined || issueKey === undefined) continue;
    byId.set(worklog.id, { ...worklog, issueKey });
  }
  return canonical({ ...data, worklogs: [...withoutId, ...byId.values()] });
}
