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
 * nothing waits on a barrier. A job that runs low on time pushes its own continuation; a project whose
 * sync fails keeps its last snapshot, marked stale, and counts as done so it never holds the round back.
 * Jobs of one project share a concurrency key, so two rounds never write one project at once.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { JiraClient } from '../jira/client';
import { failureInPmoWords } from '../jira/errors';
import type { JiraProject } from '../jira/projects';
import { DEFAULT_PROJECT_SETTINGS } from '../metrics/settings';
import type { ProjectIdentity } from '../metrics/summary';
import type { SyncProgress } from '../shared/contract';
import { getFields, resolveMetricFields } from '../jira/fields';
import { loadProjectHead } from '../store/projectData';
import {
  clearDirty,
  createRound,
  dirtyProjects,
  doneMarks,
  getRound,
  markDone,
  markStepDone,
  markSynced,
  progressOf,
  roundProjectAt,
  saveRoundProjects,
  claimNextProject,
  stepsDone,
  syncedProjects,
  troubleOf,
  type RoundTrigger,
} from '../store/syncRounds';
import { getSyncState } from '../store/syncState';
import { finishProject, markStale } from './finish';
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
  z.object({ kind: z.literal('finish'), roundId: z.string().min(1), project: identitySchema }),
]);
export type SyncEvent = z.output<typeof syncEventSchema>;

export interface QueuedEvent {
  body: SyncEvent;
  concurrency: { key: string; limit: number };
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
const finishJob = (roundId: string, project: ProjectIdentity): QueuedEvent => ({ body: { kind: 'finish', roundId, project }, concurrency: concurrencyOf(project.key) });
const projectJob = (roundId: string, index: number, projectKey: string): QueuedEvent => ({ body: { kind: 'project', roundId, index }, concurrency: concurrencyOf(projectKey) });
const stepJob = (roundId: string, step: SiteStep): QueuedEvent => ({ body: { kind: step, roundId }, concurrency: { key: `step-${step}`, limit: 1 } });
type SiteStep = 'issues' | 'worklogs';

async function pushAll(push: PushEvents, events: QueuedEvent[]): Promise<void> {
  for (let start = 0; start < events.length; start += PUSH_BATCH) await push(events.slice(start, start + PUSH_BATCH));
}

/** Starts a round over `projects`, those marked dirty by product events first. */
export async function startRound(
  projects: readonly ProjectIdentity[],
  options: { trigger: RoundTrigger; requestedBy: string | null; nowMs: number; push: PushEvents; fieldIds?: ReturnType<typeof resolveMetricFields> },
): Promise<SyncProgress> {
  const roundId = `${options.nowMs.toString(36)}-${randomUUID().slice(0, 8)}`;
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
  return progressOf(round, new Map());
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
      await finish(event.roundId, event.project, (await stepsDone(event.roundId))?.errors ?? [], context);
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
  await markSynced(roundId, project, context.nowMs);
  await next();
  const steps = await stepsDone(roundId);
  if (steps) await finish(roundId, project, steps.errors, context);
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
  const [synced, done] = await Promise.all([syncedProjects(roundId), doneMarks(roundId)]);
  const waiting = synced.filter((project) => !done.has(project.key));
  await pushAll(context.push, waiting.map((project) => finishJob(roundId, project)));
  return 'done';
}

/**
 * The project's snapshot from its data and inboxes; when a site-wide step could not read all of its
 * changes, the last good snapshot stays, marked stale with why, and the inboxes wait for the next round.
 */
async function finish(roundId: string, project: ProjectIdentity, stepErrors: string[], context: JobContext): Promise<void> {
  const trouble = stepErrors[0] ?? (await troubleOf(roundId, project.key));
  if (trouble !== null) {
    await fail(roundId, project, trouble, context.nowMs);
    return;
  }
  try {
    await finishProject(context.client, project, { roundId, nowMs: context.nowMs, settings: DEFAULT_PROJECT_SETTINGS });
    await markDone(roundId, project.key, { atMs: context.nowMs, failure: null });
  } catch (error) {
    await fail(roundId, project, `Computing its metrics failed: ${failureInPmoWords(error)}`, context.nowMs);
  }
}

async function fail(roundId: string, project: ProjectIdentity, reason: string, nowMs: number): Promise<void> {
  await markStale(project, reason, roundId, nowMs);
  await markDone(roundId, project.key, { atMs: nowMs, failure: reason });
}
