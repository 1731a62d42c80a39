/**
 * The last step of a project's sync round: merge the issues and worklogs the site-wide steps left in
 * its inboxes (a stored item newer than the inbox's copy stays),
 * re-read the worklogs of any item whose stored worklogs do not add up to Jira's timespent (deleted
 * worklogs, edits of the last minute, an issue that moved in), compute the metrics and write the
 * snapshot and the day's history point. Idempotent: run twice it writes the same snapshot.
 */
import { mapWithConcurrency, type JiraClient } from '../jira/client';
import { issueWorklogs } from '../jira/worklogs';
import { computeProjectMetrics, DEFAULT_PORTFOLIO_SETTINGS, workload } from '../metrics';
import { dayOfInstant, type ProjectData, type WorkItem, type Worklog } from '../metrics/model';
import type { ProjectSettings } from '../metrics/settings';
import { headlineFigures, portfolioRow, summarizeMetrics, type ProjectIdentity } from '../metrics/summary';
import type { ProjectMetrics } from '../shared/contract';
import { loadProjectData, saveProjectData } from '../store/projectData';
import { getSnapshot, recordHistory, setSnapshot, type ProjectSnapshot } from '../store/snapshots';
import { deleteInboxEntries, readInbox, readIssueInbox } from '../store/syncRounds';
import { getSyncState } from '../store/syncState';
import { canonical, mergeItems } from './job';
import { lastWeekOf } from './lastWeek';
import { normalizeWorklog } from './normalize';

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

const DEFAULT_CONCURRENCY = 4;

export async function finishProject(client: JiraClient, project: ProjectIdentity, options: FinishOptions): Promise<FinishResult> {
  const stored = await loadProjectData(project.key);
  if (!stored) throw new Error(`${project.key} has no synced data to finish`);
  const [issueInbox, inbox] = await Promise.all([readIssueInbox(project.key), readInbox(project.key)]);
  let data = mergeNewerItems(stored, issueInbox.flatMap((entry) => entry.value.items));
  data = mergeWorklogs(data, inbox.flatMap((entry) => entry.value.worklogs));

  const logged = secondsByItem(data);
  const unbalanced = data.items.filter((item) => item.timeSpentSeconds !== undefined && (item.timeSpentSeconds ?? 0) !== (logged.get(item.key) ?? 0));
  if (unbalanced.length > 0) {
    const read = await mapWithConcurrency(unbalanced, options.concurrency ?? DEFAULT_CONCURRENCY, (item) => issueWorklogs(client, item.key));
    const replaced = new Set(unbalanced.map((item) => item.key));
    const fresh = unbalanced.flatMap((item, index) => read[index].map((worklog) => normalizeWorklog(worklog, item.key, item.id)));
    data = canonical({ ...data, worklogs: [...data.worklogs.filter((worklog) => !replaced.has(worklog.issueKey)), ...fresh] });
  }
  if (issueInbox.length > 0 || inbox.length > 0 || unbalanced.length > 0) await saveProjectData(data, 'main', options.nowMs);
  // Only after the data holding them is saved: a crash before this merges the same entries again.
  await deleteInboxEntries([...issueInbox, ...inbox].map((entry) => entry.key));

  const metrics = computeProjectMetrics(data, options.settings, options.nowMs, { forecast: true });
  const [sync, lastWeek] = await Promise.all([getSyncState(project.key), lastWeekOf(data, options.settings, options.nowMs)]);
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
    lastWeek,
    workload: workload([data], DEFAULT_PORTFOLIO_SETTINGS, options.nowMs).map(({ accountId, openRemainingHours }) => ({ accountId, openRemainingHours })),
    roundId: options.roundId,
    updatedAtMs: options.nowMs,
  });
  await recordHistory({ projectKey: project.key, day: dayOfInstant(options.nowMs), figures: headlineFigures(metrics) });
  return { reconciled: unbalanced.length, inboxWorklogs: inbox.reduce((sum, entry) => sum + entry.value.worklogs.length, 0), metrics };
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

function secondsByItem(data: ProjectData): Map<string, number> {
  const seconds = new Map<string, number>();
  for (const worklog of data.worklogs) seconds.set(worklog.issueKey, (seconds.get(worklog.issueKey) ?? 0) + worklog.seconds);
  return seconds;
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
