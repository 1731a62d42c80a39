/**
 * The last step of a project's sync round (and of a refresh after an edit): merge the issues and
 * worklogs the site-wide steps left in its inboxes (a stored item newer than the inbox's copy stays)
 * into the buckets that hold them, re-read the worklogs of any item whose stored worklogs do not add
 * up to Jira's timespent (deleted worklogs, edits of the last minute, an issue that moved in), then
 * recompute the snapshot and the day's history point only when there is a reason: the data changed
 * since the snapshot was computed, or the caller names one (a new day, a stale or missing snapshot, a
 * settings change). Nothing else is rewritten. Idempotent: run twice it writes the same snapshot.
 */
import { setAppFieldValues } from '../jira/appFields';
import { fieldBudgetVariance } from '../metrics/budget';
import type { JiraClient } from '../jira/client';
import type { ProjectData, WorkItem, Worklog } from '../metrics/model';
import { canonical } from '../metrics/model';
import type { ProjectSettings } from '../metrics/settings';
import type { ProjectIdentity } from '../metrics/summary';
import type { ProjectMetrics } from '../shared/contract';
import { loadProjectData, loadProjectHead, loadProjectItems, saveProjectData } from '../store/projectData';
import { getCatalogFieldIds } from '../store/siteCatalog';
import { getSnapshot, setSnapshot, type ProjectSnapshot } from '../store/snapshots';
import { deleteInboxEntries, readInbox, readIssueInbox } from '../store/syncRounds';
import { mergeItems } from './job';
import { reconcileWorklogs } from './reconcile';
import { writeSnapshot } from './recompute';

export interface FinishOptions {
  /** The round it finishes for; null for a refresh between rounds (the snapshot keeps the round it had). */
  roundId: string | null;
  nowMs: number;
  settings: ProjectSettings;
  /** A reason to recompute whatever changed (a new day, a stale or missing snapshot); null: only if the data changed. */
  recomputeBecause?: string | null;
  /** Per-issue worklog reads in flight at once. */
  concurrency?: number;
  /** A refresh between rounds: a stale mark is the round's to clear, so it stays (and alone calls for no recompute). */
  keepStale?: boolean;
}

export interface FinishResult {
  /** Items whose worklogs were read issue by issue because they did not add up. */
  reconciled: number;
  inboxWorklogs: number;
  /** Whether the stored data changed. */
  dataChanged: boolean;
  /** The recomputed metrics; null when nothing called for a recompute (the snapshot was not rewritten). */
  metrics: ProjectMetrics | null;
}

export async function finishProject(client: JiraClient, project: ProjectIdentity, options: FinishOptions): Promise<FinishResult> {
  let head = await loadProjectHead(project.key);
  if (!head) throw new Error(`${project.key} has no synced data to finish`);
  const [issueInbox, inbox, snapshot] = await Promise.all([readIssueInbox(project.key), readInbox(project.key), getSnapshot(project.key)]);
  const inboxItems = issueInbox.flatMap((entry) => entry.value.items);
  const inboxWorklogs = inbox.flatMap((entry) => entry.value.worklogs);
  const hasInbox = inboxItems.length > 0 || inboxWorklogs.length > 0;
  // A recompute already due reads the whole project once, for the merge and the figures alike.
  let reason = options.recomputeBecause ?? recomputeReason(snapshot, head.revision, options.keepStale);
  let whole: ProjectData | null = reason !== null ? await loadProjectData(project.key) : null;
  let dataChanged = false;
  let reconciled = 0;
  // The items the inboxes brought, as merged: whose Budget variance may need writing.
  let mergedInboxItems: WorkItem[] = [];
  if (hasInbox) {
    // Otherwise only the buckets of the items the inboxes name are read and, when they changed, rewritten.
    const ids = [...inboxItems.map((item) => item.id), ...inboxWorklogs.flatMap((worklog) => (worklog.issueId === undefined ? [] : [worklog.issueId]))];
    const stored = whole ?? (await loadProjectItems(project.key, ids));
    if (!stored) throw new Error(`${project.key} has no synced data to finish`);
    const checked = await reconcileWorklogs(client, mergeWorklogs(mergeNewerItems(stored, inboxItems), inboxWorklogs), options.concurrency);
    const inboxIds = new Set(inboxItems.map((item) => item.id));
    mergedInboxItems = checked.data.items.filter((item) => inboxIds.has(item.id));
    reconciled += checked.reconciled;
    const saved = await saveProjectData(checked.data, 'main', options.nowMs, stored);
    dataChanged = saved.changed;
    head = saved.head;
    if (whole) whole = checked.data;
    reason ??= recomputeReason(snapshot, head.revision, options.keepStale);
  }

  let metrics: ProjectMetrics | null = null;
  if (reason !== null) {
    let data = whole ?? (await loadProjectData(project.key));
    if (!data) throw new Error(`${project.key} has no synced data to finish`);
    if (!hasInbox || whole === null) {
      // The first finish after a first sync: items whose worklogs the worklog step did not bring.
      const checked = await reconcileWorklogs(client, data, options.concurrency);
      if (checked.reconciled > 0) {
        reconciled += checked.reconciled;
        const saved = await saveProjectData(checked.data, 'main', options.nowMs, data);
        dataChanged ||= saved.changed;
        head = saved.head;
        data = checked.data;
      }
    }
    metrics = await writeSnapshot(project, data, head.revision, {
      roundId: options.roundId ?? snapshot?.roundId ?? 'none',
      nowMs: options.nowMs,
      settings: options.settings,
      stale: options.keepStale ? snapshot?.status.stale : null,
    });
  }
  await keepBudgetVarianceCurrent(client, whole ? whole.items : mergedInboxItems, project.key);
  // Only after the data holding them is saved: a crash before this merges the same entries again.
  await deleteInboxEntries([...issueInbox, ...inbox].map((entry) => entry.key));
  return { reconciled, inboxWorklogs: inboxWorklogs.length, dataChanged, metrics };
}

/**
 * Sets Jira's Budget variance field where it differs from planned minus actual, so that JQL such as
 * `"Budget variance" < 0` finds what is over budget. The field is read-only: only the app writes it.
 * A failed write is left to the next round (the items still differ then); it never fails the sync.
 */
async function keepBudgetVarianceCurrent(client: JiraClient, items: readonly WorkItem[], projectKey: string): Promise<void> {
  const differing = items.filter((item) => item.budgetVarianceInJira !== undefined && item.budgetVarianceInJira !== fieldBudgetVariance(item.plannedBudget, item.actualCost));
  if (differing.length === 0) return;
  const fieldId = (await getCatalogFieldIds())?.budgetVariance ?? null;
  if (fieldId === null) return;
  try {
    await setAppFieldValues(
      client,
      differing.map((item) => ({ fieldId, issueIds: [item.id], value: fieldBudgetVariance(item.plannedBudget, item.actualCost) })),
    );
  } catch (error) {
    console.warn(`pmo-sync: could not set Budget variance on ${differing.length} items of ${projectKey}; the next round tries again: ${String(error)}`);
  }
}

/** Why a snapshot must be computed again from data at `revision`; null when it is current. */
export function recomputeReason(snapshot: ProjectSnapshot | undefined, revision: number, ignoreStale = false): string | null {
  if (!snapshot || snapshot.metrics === null) return 'no figures yet';
  if (snapshot.status.stale !== null && !ignoreStale) return 'its last sync failed';
  if (snapshot.dataRevision !== revision) return 'its data changed';
  return null;
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
