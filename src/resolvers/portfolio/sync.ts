/** Refresh now: a sync round over the viewer's projects, and its progress. */
import type { JiraClient } from '../../jira/client';
import { getFields, resolveMetricFields } from '../../jira/fields';
import { searchAllProjects } from '../../jira/projects';
import type { SyncProgress } from '../../shared/contract';
import { pushToSyncQueue } from '../../sync/handlers';
import { identityOf, startRound } from '../../sync/rounds';
import { getLatestRound, getRound, roundProgress } from '../../store/syncRounds';
import { ResolverFailure } from '../envelope';

/** A round this recent, still running and covering the viewer's projects is answered instead of starting another. */
const REUSE_ROUND_MS = 15 * 60_000;

export async function refreshNow(client: JiraClient, accountId: string, nowMs: number): Promise<SyncProgress> {
  // As the viewer: a refresh queues exactly the projects this person may browse.
  const [projects, fields] = await Promise.all([searchAllProjects(client), getFields(client)]);
  const latest = await getLatestRound();
  if (latest && nowMs - latest.startedMs < REUSE_ROUND_MS) {
    const round = await getRound(latest.roundId);
    const progress = await roundProgress(latest.roundId);
    const covered = new Set(round?.projectKeys ?? []);
    if (progress && !progress.finished && projects.every((project) => covered.has(project.key))) return progress;
  }
  return startRound(projects.map(identityOf), { trigger: 'refresh', requestedBy: accountId, nowMs, push: pushToSyncQueue, fieldIds: resolveMetricFields(fields) });
}

export async function syncProgress(roundId: string): Promise<SyncProgress> {
  const progress = await roundProgress(roundId);
  if (!progress) throw new ResolverFailure('NOT_FOUND', 'No sync with that id: it may have been started on another site.');
  return progress;
}
