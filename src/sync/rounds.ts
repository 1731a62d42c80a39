/**
 * Sync rounds on Forge's queue (docs/sync.md). A round is started by the hourly scheduled trigger or by
 * someone's Refresh now and pushes two site-wide jobs and one job per project:
 *
 *   issues job:   every issue changed since the last round, site-wide, into per-project inboxes
 *   worklogs job: every worklog changed since the last round, site-wide, into per-project inboxes
 *   project job:  reads the project itself only when it must (first sync, daily full pass, marked dirty
 *                 by a product event, failed last time): src/sync/job.ts          -> synced mark
 *   finish:       once the project is synced and both steps are done: merge its inboxes, compute,
 *                 write the snapshot (src/sync/finish.ts)
 *
 * All run at the same time; whichever finishes last for a project runs (or queues) its finish, so
 * nothing waits on a barrier. A project the round finds nothing for (no inbox entries, no data change
 * since its snapshot, same day, no settings change) is marked done without a finish: its snapshot is
 * not rewritten, so a round costs what changed. A job that runs low on time pushes its own
 * continuation; a project whose sync fails keeps its last snapshot, marked stale, and counts as done so
 * it never holds the round back. Jobs of one project share a concurrency key, so two rounds (or a
 * round and a refresh after an edit) never write one project at once.
 *
 * Between rounds: `refresh` (a product event's debounced small sync of one project) and `recompute`
 * (a project's figures from its stored data, no Jira; recomputeProjects is the entry point).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { JiraClient } from '../jira/client';
import { failureInPmoWords } from '../jira/errors';
import type { JiraProject } from '../jira/projects';
import { dayOfInstant } from '../metrics/model';
import type { ProjectIdentity } from '../metrics/summary';
import { currentProjectSettings } from '../settings/store';
import type { SyncProgress } from '../shared/contract';
import { getFields, resolveMetricFields } from '../jira/fields';
import { clearRecompute, recomputeRequests, releaseRefresh, requestRecompute, takeFullPass, type RecomputeRequest } from '../store/pendingWork';
import { loadProjectHead } from '../store/projectData';
import { getCatalogFieldIds } from '../store/siteCatalog';
import { getSnapshot, listSnapshots, type ProjectSnapshot } from '../store/snapshots';
import {
  clearDirty,
  createRound,
  dirtyProjects,
  doneMarks,
  getRound,
  markDone,
  markManyDone,
  markQuiet,
  markStepDone,
  markSyncedAt,
  progressOf,
  roundProjectAt,
  saveRoundProjects,
  claimNextProject,
  stepsDone,
  syncedMarks,
  touchedProjects,
  troubledProjects,
  troubleOf,
  type RoundTrigger,
  type SyncedMark,
} from '../store/syncRounds';
import { getSyncState } from '../store/syncState';
import { finishProject, markStale, recomputeReason } from './finish';
import { identityFromRow, recomputeProject } from './recompute';
import { runIssueStep } from './issueStep';
import { DEFAULT_FULL_PASS_EVERY_MS, runProjectSync } from './job';
import { runWorklogStep } from './worklogStep';

/** The queue name manifest.yml's consumer listens on (at most 36 characters). */
export const SYNC_QUEUE = 'pmo-sync';
/** Forge takes at most 50 events a push. */
const PUSH_BATCH = 50;
/**
 * Project jobs running at once. Each keeps about one request in flight (its pages are a chain), so
 * the round keeps Jira about this busy, whatever the portfolio's size: enough to hide latency, few
 * enough to stay inside Jira's burst limits and leave the site-wide steps their share.
 */
export const SYNC_LANES = 10;

const identitySchema = z.object({
  id: z.string().min(1),
  key: z.string().regex(/^[A-Z][A-Z0-9_]{1,9}$/),
  name: z.string(),
  lead: z.object({ accountId: z.string(), displayName: z.string() }).nullable(),
  portfolio: z.object({ id: z.string(), name: z.string() }).nullable(),
});

export const syncEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('issues'), roundId: z.string().min(1) }),
  z.object({ kind: z.literal('worklogs'), roundId: z.string().min(1) }),
  /** The round's project at `index`; when done the job claims and starts the next unclaimed one. */
  z.object({ kind: z.literal('project'), roundId: z.string().min(1), index: z.number().int().nonnegative() }),
  /** `recomputeBecause`: why the figures are recomputed even if no data changed; absent: only if data changed. */
  z.object({ kind: z.literal('finish'), roundId: z.string().min(1), project: identitySchema, recomputeBecause: z.string().nullish() }),
  /** A product event's small sync of one project, between rounds. */
  z.object({ kind: z.literal('refresh'), projectKey: identitySchema.shape.key }),
  /** The project's figures from its stored data, without reading Jira. */
  z.object({ kind: z.literal('recompute'), projectKey: identitySchema.shape.key, reason: z.string() }),
]);
export type SyncEvent = z.output<typeof syncEventSchema>;

export interface QueuedEvent {
  body: SyncEvent;
  concurrency: { key: string; limit: number };
  /** Seconds before Forge delivers it (at most 900). */
  delayInSeconds?: number;
}

/** Where a round's events go: Forge's queue when deployed (see src/background.ts). */
export type PushEvents = (events: QueuedEvent[]) => Promise<void>;

export interface JobContext {
  client: JiraClient;
  nowMs: number;
  remainingTimeMs: () => number;
  push: PushEvents;
}

export function identityOf(project: JiraProject): ProjectIdentity {
  return {
    id: project.id,
    key: project.key,
    name: project.name,
    lead: project.lead ? { accountId: project.lead.accountId, displayName: project.lead.displayName } : null,
    portfolio: project.projectCategory ? { id: project.projectCategory.id, name: project.projectCategory.name } : null,
  };
}

/** One project's jobs never overlap, whichever rounds they belong to. */
const concurrencyOf = (projectKey: string) => ({ key: `project-${projectKey}`, limit: 1 });
const finishJob = (roundId: string, project: ProjectIdentity, recomputeBecause: string | null): QueuedEvent => ({
  body: { kind: 'finish', roundId, project, recomputeBecause },
  concurrency: concurrencyOf(project.key),
});
/** A product event's refresh of one project, after `delayInSeconds` (the debounce). */
export const refreshJob = (projectKey: string, delayInSeconds: number): QueuedEvent => ({
  body: { kind: 'refresh', projectKey },
  concurrency: concurrencyOf(projectKey),
  ...(delayInSeconds > 0 ? { delayInSeconds } : {}),
});
const recomputeJob = (projectKey: string, reason: string): QueuedEvent => ({ body: { kind: 'recompute', projectKey, reason }, concurrency: concurrencyOf(projectKey) });
const projectJob = (roundId: string, index: number, projectKey: string): QueuedEvent => ({ body: { kind: 'project', roundId, index }, concurrency: concurrencyOf(projectKey) });
const stepJob = (roundId: string, step: SiteStep): QueuedEvent => ({ body: { kind: step, roundId }, concurrency: { key: `step-${step}`, limit: 1 } });
type SiteStep = 'issues' | 'worklogs';

async function pushAll(push: PushEvents, events: QueuedEvent[]): Promise<void> {
  for (let start = 0; start < events.length; start += PUSH_BATCH) await push(events.slice(start, start + PUSH_BATCH));
}

/** A round's id: its start in base 36 and a random part (sync/progress checks the shape). */
export const newRoundId = (nowMs: number): string => `${nowMs.toString(36)}-${randomUUID().slice(0, 8)}`;

/** Starts a round over `projects`, those marked dirty by product events first. */
export async function startRound(
  projects: readonly ProjectIdentity[],
  options: { trigger: RoundTrigger; requestedBy: string | null; nowMs: number; push: PushEvents; fieldIds?: ReturnType<typeof resolveMetricFields>; roundId?: string },
): Promise<SyncProgress> {
  const roundId = options.roundId ?? newRoundId(options.nowMs);
  const dirty = await dirtyProjects();
  const ordered = [...projects].sort((a, b) => {
    const dirtyA = dirty.get(a.key)?.atMs ?? Number.POSITIVE_INFINITY;
    const dirtyB = dirty.get(b.key)?.atMs ?? Number.POSITIVE_INFINITY;
    return dirtyA !== dirtyB ? dirtyA - dirtyB : a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  });
  const round = {
    roundId,
    trigger: options.trigger,
    startedMs: options.nowMs,
    requestedBy: options.requestedBy,
    projectKeys: ordered.map((project) => project.key),
    projectIds: ordered.map((project) => project.id),
    fieldIds: options.fieldIds ?? null,
  };
  await saveRoundProjects(roundId, ordered.map((project) => ({ project, readProject: dirty.get(project.key)?.readProject === true })));
  await createRound(round);
  // The lanes: the first SYNC_LANES projects, claimed here; each job, when done, claims the next.
  const lanes: QueuedEvent[] = [];
  for (let lane = 0; lane < Math.min(SYNC_LANES, ordered.length); lane++) {
    const index = await claimNextProject(roundId, lane, ordered.length);
    if (index !== null) lanes.push(projectJob(roundId, index, ordered[index].key));
  }
  await pushAll(options.push, [stepJob(roundId, 'issues'), stepJob(roundId, 'worklogs'), ...lanes]);
  await clearDirty(ordered.filter((project) => dirty.has(project.key)).map((project) => project.key));
  return progressOf(round, new Map(), new Set(round.projectKeys));
}

/** Runs one queue event. Never throws for a Jira failure: that is recorded on the project instead. */
export async function runSyncEvent(event: SyncEvent, context: JobContext): Promise<'done' | 'continued'> {
  switch (event.kind) {
    case 'issues':
    case 'worklogs':
      return runStepJob(event.roundId, event.kind, context);
    case 'project':
      return runProjectJob(event.roundId, event.index, context);
    case 'finish':
      await finish(event.roundId, event.project, (await stepsDone(event.roundId))?.errors ?? [], context, event.recomputeBecause ?? null);
      return 'done';
    case 'refresh':
      return runRefresh(event.projectKey, context);
    case 'recompute':
      await recomputeProject(event.projectKey, { nowMs: context.nowMs, settings: await currentProjectSettings(event.projectKey, (await getSnapshot(event.projectKey))?.portfolio || null) });
      await clearRecompute(event.projectKey, context.nowMs);
      return 'done';
  }
}

/**
 * Whether the project job must read the project itself; otherwise the site-wide steps bring its changes.
 * A full pass, at most daily, is the only way to see deleted and moved issues.
 */
async function mustReadProject(projectKey: string, versionsChanged: boolean, nowMs: number): Promise<boolean> {
  if (versionsChanged) return true;
  const [state, head] = await Promise.all([getSyncState(projectKey), loadProjectHead(projectKey)]);
  if (!head || state.watermarkMs === null || state.inProgress !== null || state.lastError !== null) return true;
  return state.lastFullPassMs === null || nowMs - state.lastFullPassMs >= DEFAULT_FULL_PASS_EVERY_MS;
}

async function runProjectJob(roundId: string, index: number, context: JobContext): Promise<'done' | 'continued'> {
  const [entry, round] = await Promise.all([roundProjectAt(roundId, index), getRound(roundId)]);
  if (!entry || !round) return 'done';
  const { project } = entry;
  // A lane takes the next project nobody took: lanes that met small projects take more of them.
  const next = async (): Promise<void> => {
    const following = await claimNextProject(roundId, index + 1, round.projectKeys.length);
    if (following !== null) await context.push([projectJob(roundId, following, round.projectKeys[following])]);
  };
  try {
    if (await mustReadProject(project.key, entry.readProject, context.nowMs)) {
      const result = await runProjectSync(
        context.client,
        { key: project.key, name: project.name, portfolio: project.portfolio?.name ?? null },
        { nowMs: context.nowMs, remainingTimeMs: context.remainingTimeMs, roundId, ...(round.fieldIds ? { fieldIds: round.fieldIds } : {}) },
      );
      if (result.status === 'paused') {
        await context.push([projectJob(roundId, index, project.key)]);
        return 'continued';
      }
    }
  } catch (error) {
    await fail(roundId, project, `Reading the project from Jira failed: ${failureInPmoWords(error)}`, context.nowMs);
    await next();
    return 'done';
  }
  // Synced first, then look at the steps: see the module comment for why one of us finishes.
  const mark: SyncedMark = { atMs: context.nowMs, project, dataRevision: (await loadProjectHead(project.key))?.revision };
  await markSyncedAt(roundId, project, mark.atMs, mark.dataRevision);
  await next();
  const steps = await stepsDone(roundId);
  if (steps) await settle(roundId, [mark], steps.errors, context, project.key);
  return 'done';
}

async function runStepJob(roundId: string, step: SiteStep, context: JobContext): Promise<'done' | 'continued'> {
  let error: string | null = null;
  try {
    const round = await getRound(roundId);
    const result =
      step === 'worklogs'
        ? await runWorklogStep(context.client, { roundId, remainingTimeMs: context.remainingTimeMs })
        : await runIssueStep(context.client, {
            roundId,
            nowMs: round?.startedMs ?? context.nowMs,
            fieldIds: round?.fieldIds ?? resolveMetricFields(await getFields(context.client)),
            remainingTimeMs: context.remainingTimeMs,
          });
    if (result.status === 'paused') {
      await context.push([stepJob(roundId, step)]);
      return 'continued';
    }
  } catch (failure) {
    // The projects still finish, with the data they have, marked stale with this reason.
    error = `Reading ${step === 'issues' ? 'changed issues' : 'worklogs'} from Jira failed: ${failureInPmoWords(failure)}`;
  }
  await markStepDone(roundId, step, context.nowMs, error);
  const steps = await stepsDone(roundId);
  if (!steps) return 'done';
  const [synced, done] = await Promise.all([syncedMarks(roundId), doneMarks(roundId)]);
  await settle(roundId, synced.filter((mark) => !done.has(mark.project.key)), steps.errors, context, `step-${step}`);
  return 'done';
}

/**
 * Once a project is synced and both steps are done: a finish for each project the round has work for,
 * and a done mark (and nothing else) for the others. `writer` names the caller, whose quiet record is
 * its own. A failed step finishes everyone, which marks them stale with its reason.
 */
async function settle(roundId: string, synced: readonly SyncedMark[], stepErrors: readonly string[], context: JobContext, writer: string): Promise<void> {
  if (synced.length === 0) return;
  const single = synced.length === 1 ? synced[0].project.key : null;
  const [touched, troubled, snapshots, requests] = await Promise.all([
    touchedProjects(roundId),
    troubledProjects(roundId),
    single !== null ? getSnapshot(single).then((snapshot) => new Map(snapshot ? [[single, snapshot]] : [])) : listSnapshots().then((all) => new Map(all.map((snapshot) => [snapshot.projectKey, snapshot]))),
    recomputeRequests(),
  ]);
  const finishes: QueuedEvent[] = [];
  const quiet: string[] = [];
  for (const mark of synced) {
    const key = mark.project.key;
    const reason = stepErrors.length > 0 ? null : roundWork(snapshots.get(key), mark, context.nowMs, requests.get(key));
    if (stepErrors.length > 0 || touched.has(key) || troubled.has(key) || reason !== null) finishes.push(finishJob(roundId, mark.project, reason));
    else quiet.push(key);
  }
  await markManyDone(roundId, quiet, { atMs: context.nowMs, failure: null });
  await markQuiet(roundId, writer, quiet);
  // A project job settling itself finishes its own project in place, as it holds its concurrency key.
  if (single !== null && finishes.length === 1) {
    await finish(roundId, synced[0].project, stepErrors, context, (finishes[0].body as { recomputeBecause: string | null }).recomputeBecause);
    return;
  }
  await pushAll(context.push, finishes);
}

/**
 * Why the round must recompute a project it has no inbox entries for: its data changed since its
 * snapshot (the project job read it, or a refresh saved without recomputing), the day changed (the
 * metrics depend on today), its settings changed, or it has no good snapshot. Null: nothing to do.
 */
export function roundWork(snapshot: ProjectSnapshot | undefined, mark: Pick<SyncedMark, 'dataRevision'>, nowMs: number, request?: RecomputeRequest): string | null {
  const reason = recomputeReason(snapshot, mark.dataRevision ?? -1);
  if (reason !== null) return reason;
  if (snapshot?.status.computedAt && dayOfInstant(Date.parse(snapshot.status.computedAt)) !== dayOfInstant(nowMs)) return 'a new day';
  if (request) return request.reason;
  return null;
}

/**
 * The project's snapshot from its data and inboxes; when a site-wide step could not read all of its
 * changes, the last good snapshot stays, marked stale with why, and the inboxes wait for the next round.
 */
async function finish(roundId: string, project: ProjectIdentity, stepErrors: readonly string[], context: JobContext, recomputeBecause: string | null): Promise<void> {
  const trouble = stepErrors[0] ?? (await troubleOf(roundId, project.key));
  if (trouble !== null) {
    await fail(roundId, project, trouble, context.nowMs);
    return;
  }
  try {
    const result = await finishProject(context.client, project, { roundId, nowMs: context.nowMs, settings: await currentProjectSettings(project.key, project.portfolio?.name ?? null), recomputeBecause });
    await markDone(roundId, project.key, { atMs: context.nowMs, failure: null });
    // Its inbox held nothing new: done, snapshot untouched.
    if (result.metrics === null) await markQuiet(roundId, project.key, [project.key]);
    else await clearRecompute(project.key, context.nowMs);
  } catch (error) {
    await fail(roundId, project, `Computing its metrics failed: ${failureInPmoWords(error)}`, context.nowMs);
  }
}

/**
 * A product event's small sync of one project: its issues changed since its own watermark (one
 * search, one bulkfetch, its versions), merged into their buckets, its figures recomputed if anything
 * changed. A project never synced is left to its round's first sync. A Jira failure is left to the
 * next round (the product event also marked the project dirty); the snapshot stays as it was.
 */
async function runRefresh(projectKey: string, context: JobContext): Promise<'done' | 'continued'> {
  // From now on an event queues another refresh: an edit made while this one reads is not lost.
  await releaseRefresh(projectKey);
  const [snapshot, head] = await Promise.all([getSnapshot(projectKey), loadProjectHead(projectKey)]);
  if (!snapshot || !head || snapshot.metrics === null) return 'done';
  const project = identityFromRow(snapshot.row);
  try {
    const [fullPass, fieldIds] = await Promise.all([takeFullPass(projectKey), getCatalogFieldIds()]);
    const result = await runProjectSync(
      context.client,
      { key: project.key, name: project.name, portfolio: project.portfolio?.name ?? null },
      { nowMs: context.nowMs, remainingTimeMs: context.remainingTimeMs, ...(fullPass ? { fullPassEveryMs: 0 } : {}), ...(fieldIds ? { fieldIds } : {}) },
    );
    if (result.status === 'paused') {
      await context.push([refreshJob(projectKey, 0)]);
      return 'continued';
    }
    await finishProject(context.client, project, { roundId: null, nowMs: context.nowMs, settings: await currentProjectSettings(project.key, project.portfolio?.name ?? null), keepStale: true });
  } catch (error) {
    console.warn(`pmo-sync: refreshing ${projectKey} after an edit failed; the next round reads it: ${failureInPmoWords(error)}`);
  }
  return 'done';
}

/** Events a minute Forge accepts per installation; recomputes beyond this share are left to the next round. */
const RECOMPUTE_EVENTS_AT_ONCE = 400;

/**
 * Recomputes the chosen projects' snapshots and history from their stored data, without reading
 * Jira: what a settings change (budgets, rates, rules) calls. Each project gets a recompute job; past
 * what Forge's queue takes in a minute, the rest wait for the next round, which recomputes every
 * project with a request outstanding.
 */
export async function recomputeProjects(projectKeys: readonly string[], reason: string, options: { push: PushEvents; nowMs: number }): Promise<{ queued: number; leftToRound: number }> {
  const keys = [...new Set(projectKeys)];
  await requestRecompute(keys, reason, options.nowMs);
  const now = keys.slice(0, RECOMPUTE_EVENTS_AT_ONCE);
  await pushAll(options.push, now.map((key) => recomputeJob(key, reason)));
  return { queued: now.length, leftToRound: keys.length - now.length };
}

async function fail(roundId: string, project: ProjectIdentity, reason: string, nowMs: number): Promise<void> {
  await markStale(project, reason, roundId, nowMs);
  await markDone(roundId, project.key, { atMs: nowMs, failure: reason });
}
