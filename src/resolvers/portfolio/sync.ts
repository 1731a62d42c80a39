/**
 * Refresh now: a sync round over the viewer's projects, and its progress. Progress counts only the
 * projects the viewer may browse; a round that covers none of them is not found.
 */
import { createHash } from 'node:crypto';
import type { JiraClient } from '../../jira/client';
import { getFields, resolveMetricFields } from '../../jira/fields';
import { browsableProjectIds } from '../../jira/permissions';
import { searchAllProjects } from '../../jira/projects';
import type { SyncProgress } from '../../shared/contract';
import { pushToSyncQueue } from '../../sync/handlers';
import { identityOf, newRoundId, startRound } from '../../sync/rounds';
import { claimRefresh, currentRefresh, getLatestRound, getRound, roundProgress, roundStatus, type RefreshClaim, type SyncRound } from '../../store/syncRounds';
import { ResolverFailure } from '../envelope';

/** A round this recent, still running and covering the viewer's projects is answered instead of starting another. */
const REUSE_ROUND_MS = 15 * 60_000;
/** A claimed refresh whose round never appeared this long after (its starter failed) is claimed again. */
const CLAIM_GIVEN_UP_MS = 60_000;

const NO_SUCH_ROUND = 'No sync with that id among your projects: it may have been started on another site, or long ago.';

export async function refreshNow(client: JiraClient, accountId: string, nowMs: number): Promise<SyncProgress> {
  // As the viewer: a refresh queues exactly the projects this person may browse.
  const [projects, fields] = await Promise.all([searchAllProjects(client), getFields(client)]);
  // Nothing the viewer may browse: nothing to read, and no round to put in front of anyone else's.
  if (projects.length === 0) return { roundId: newRoundId(nowMs), trigger: 'refresh', startedAt: new Date(nowMs).toISOString(), total: 0, done: 0, failed: 0, finished: true };
  const keys = new Set(projects.map((project) => project.key));
  const covers = (round: SyncRound | undefined) => round !== undefined && projects.every((project) => round.projectKeys.includes(project.key));
  /**
   * The claimed round's progress while it runs, or when it finished after this call began (a burst of
   * clicks is one refresh, however fast the round); null once it is done with or never got under way.
   */
  const following = async (claim: RefreshClaim): Promise<SyncProgress | null> => {
    const status = await roundStatus(claim.roundId, async () => keys);
    if (status) return !status.progress.finished || (status.lastDoneMs ?? 0) >= nowMs ? status.progress : null;
    // Claimed a moment ago, its record not written yet: none of its projects is done.
    if (nowMs - claim.startedMs >= CLAIM_GIVEN_UP_MS) return null;
    return { roundId: claim.roundId, trigger: claim.trigger, startedAt: new Date(claim.startedMs).toISOString(), total: claim.total, done: 0, failed: 0, finished: false };
  };

  // Someone's round (the schedule's, another person's refresh) already reading these projects.
  const latest = await getLatestRound();
  if (latest && nowMs - latest.startedMs < REUSE_ROUND_MS && covers(await getRound(latest.roundId))) {
    const progress = await roundProgress(latest.roundId, async () => keys);
    if (progress && !progress.finished) return progress;
  }

  // Simultaneous refreshes of the same projects: the first claims the round, the others join it.
  const hash = createHash('sha256').update([...keys].sort().join(',')).digest('hex').slice(0, 32);
  const current = await currentRefresh(hash);
  if (current && nowMs - current.startedMs < REUSE_ROUND_MS) {
    const running = await following(current);
    if (running) return running;
  }
  const candidate: RefreshClaim = { roundId: newRoundId(nowMs), startedMs: nowMs, trigger: 'refresh', total: projects.length };
  const { won, claim } = await claimRefresh(hash, current?.roundId ?? null, candidate);
  if (!won) return (await following(claim)) ?? roundNotStarted();
  return startRound(projects.map(identityOf), {
    trigger: 'refresh',
    requestedBy: accountId,
    nowMs,
    push: pushToSyncQueue,
    fieldIds: resolveMetricFields(fields),
    roundId: claim.roundId,
  });
}

function roundNotStarted(): never {
  throw new ResolverFailure('JIRA_UNAVAILABLE', 'Another refresh of your projects is starting but did not get under way. Try Refresh now again in a minute.');
}

export async function syncProgress(client: JiraClient, roundId: string, accountId: string): Promise<SyncProgress> {
  let covered = false;
  const progress = await roundProgress(roundId, async (round) => {
    // As the viewer: Jira says which of the round's projects they may browse.
    const browsable = await browsableProjectIds(client, round.projectIds ?? []);
    const visible = new Set(round.projectKeys.filter((_key, index) => browsable.has(round.projectIds?.[index] ?? '')));
    covered = visible.size > 0 || round.requestedBy === accountId;
    return visible;
  });
  // Unknown, or none of the viewer's projects: the same answer, so an id reveals nothing.
  if (!progress || !covered) throw new ResolverFailure('NOT_FOUND', NO_SUCH_ROUND);
  return progress;
}
