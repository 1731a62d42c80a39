/**
 * A project's snapshot and today's history point, computed from its stored data: the one place
 * figures are written. Used by the finish of a round or a refresh, and by the recompute job, which
 * reads no Jira at all (a settings change, a new day for a project nothing else touched).
 */
import { computeProjectMetrics, DEFAULT_PORTFOLIO_SETTINGS, workload } from '../metrics';
import { dayOfInstant, type ProjectData } from '../metrics/model';
import type { ProjectSettings } from '../metrics/settings';
import { headlineFigures, portfolioRow, summarizeMetrics, type ProjectIdentity } from '../metrics/summary';
import type { PortfolioProject, ProjectMetrics } from '../shared/contract';
import { loadProjectData, loadProjectHead } from '../store/projectData';
import { getSnapshot, recordHistory, setSnapshot, type ProjectSnapshot } from '../store/snapshots';
import { getSyncState } from '../store/syncState';
import { lastWeekOf } from './lastWeek';

export interface SnapshotWrite {
  /** The round the snapshot counts for (a refresh or a recompute passes the one it had). */
  roundId: string;
  nowMs: number;
  settings: ProjectSettings;
  /** Kept from the snapshot before: a recompute from stored data does not make a failed sync good. */
  stale?: ProjectSnapshot['status']['stale'];
}

/** Computes the figures of `data` (stored at `dataRevision`) as of now and writes the snapshot and today's point. */
export async function writeSnapshot(project: ProjectIdentity, data: ProjectData, dataRevision: number, write: SnapshotWrite): Promise<ProjectMetrics> {
  // The settings carry the compliance rules in force for the project (src/settings/mapping.ts).
  const settings = write.settings;
  const metrics = computeProjectMetrics(data, settings, write.nowMs, { forecast: true });
  const [sync, lastWeek] = await Promise.all([getSyncState(project.key), lastWeekOf(data, settings, write.nowMs)]);
  await setSnapshot({
    projectKey: project.key,
    projectId: project.id,
    portfolio: project.portfolio?.name ?? '',
    health: metrics.health.rag,
    row: portfolioRow(project, data, metrics),
    metrics: summarizeMetrics(metrics),
    status: {
      computedAt: new Date(write.nowMs).toISOString(),
      syncedAt: sync.lastCompleteSyncMs === null ? null : new Date(sync.lastCompleteSyncMs).toISOString(),
      stale: write.stale ?? null,
    },
    lastWeek,
    workload: workload([data], DEFAULT_PORTFOLIO_SETTINGS, write.nowMs).map(({ accountId, openRemainingHours }) => ({ accountId, openRemainingHours })),
    roundId: write.roundId,
    updatedAtMs: write.nowMs,
    dataRevision,
  });
  await recordHistory({ projectKey: project.key, day: dayOfInstant(write.nowMs), figures: headlineFigures(metrics) });
  return metrics;
}

/** The project as its last snapshot describes it (the page row carries its identity). */
export function identityFromRow(row: PortfolioProject): ProjectIdentity {
  return { id: row.id, key: row.key, name: row.name, lead: row.lead, portfolio: row.portfolio };
}

/**
 * Recomputes the project's figures from its stored data without reading Jira. False when there is
 * nothing to compute from (never synced, or synced but never given a snapshot: its round will).
 */
export async function recomputeProject(projectKey: string, options: { nowMs: number; settings: ProjectSettings }): Promise<boolean> {
  const [snapshot, head] = await Promise.all([getSnapshot(projectKey), loadProjectHead(projectKey)]);
  if (!snapshot || !head) return false;
  const data = await loadProjectData(projectKey);
  if (!data) return false;
  await writeSnapshot(identityFromRow(snapshot.row), data, head.revision, { roundId: snapshot.roundId, nowMs: options.nowMs, settings: options.settings, stale: snapshot.status.stale });
  return true;
}
