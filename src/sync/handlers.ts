/**
 * The background functions manifest.yml names: the hourly scheduled sync, the queue consumer that runs
 * sync jobs, and the product-event trigger that keeps projects fresh between rounds. They run without a
 * user, so they read Jira as the app; what they store reaches people only through resolvers that check
 * permissions.
 */
import { route } from '@forge/api';
import { Queue } from '@forge/events';
import { z } from 'zod';
import { jiraAsApp, remainingTimeMs } from '../jira/forge';
import { projectKeySchema } from '../jira/projects';
import { claimRefresh, releaseRefresh, requestFullPass } from '../store/pendingWork';
import { markCatalogStale } from '../store/siteCatalog';
import { markDirty } from '../store/syncRounds';
import { siteCatalog } from './catalog';
import { refreshJob, runSyncEvent, startRound, syncEventSchema, SYNC_QUEUE, type PushEvents } from './rounds';

export const pushToSyncQueue: PushEvents = async (events) => {
  await new Queue({ key: SYNC_QUEUE }).push(events);
};

/** scheduledTrigger (hourly): a round over every project the app can see (the site's catalog, read from Jira at most daily). */
export async function scheduledSync(): Promise<void> {
  const nowMs = Date.now();
  const { projects, fieldIds } = await siteCatalog(jiraAsApp(), nowMs);
  await startRound(projects, { trigger: 'schedule', requestedBy: null, nowMs, push: pushToSyncQueue, fieldIds });
}

/** consumer of the pmo-sync queue: one job of a round. */
export async function syncConsumer(event: { body?: unknown }): Promise<void> {
  const parsed = syncEventSchema.safeParse(event.body);
  if (!parsed.success) {
    // Not retried: a malformed event would fail the same way every time.
    console.error(`pmo-sync: dropped an event that is not a sync job: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
    return;
  }
  await runSyncEvent(parsed.data, { client: jiraAsApp(), nowMs: Date.now(), remainingTimeMs, push: pushToSyncQueue });
}

/**
 * How long a project's refresh waits after the first event of a burst. The events of the burst that
 * follow find the refresh already queued and queue nothing, so a bulk edit of a thousand issues is one
 * job per project; an edit still shows on the page within a minute (this, plus a few seconds of sync).
 */
export const REFRESH_DEBOUNCE_SECONDS = 15;

const issueEventSchema = z.object({
  eventType: z.string().optional(),
  issue: z.object({ fields: z.object({ project: z.object({ key: projectKeySchema }) }) }),
});
const worklogEventSchema = z.object({ worklog: z.object({ issueId: z.string().regex(/^\d+$/) }) });
const issueProjectSchema = z.object({ fields: z.object({ project: z.object({ key: projectKeySchema }) }) });
const versionEventSchema = z.object({ version: z.object({ projectId: z.union([z.number().int(), z.string().regex(/^\d+$/)]) }) });
const projectKeyOnlySchema = z.object({ key: projectKeySchema });
/** Project and field events change what the site's catalog holds: names, categories, the metric fields. */
const catalogEventSchema = z.object({ eventType: z.string().regex(/^avi:jira:[a-z]+:(project|field)$/) });

/**
 * trigger (issue, worklog, version, project and field events). The project is marked dirty (it goes
 * first in the next round, and a version change makes it read itself there), and its own small sync
 * is queued after a debounce, once per burst. Best effort: the hourly round reads every change anyway.
 */
export async function productEvent(event: unknown): Promise<void> {
  const nowMs = Date.now();
  if (catalogEventSchema.safeParse(event).success) {
    await markCatalogStale(nowMs);
    return;
  }
  const issue = issueEventSchema.safeParse(event);
  if (issue.success) {
    const projectKey = issue.data.issue.fields.project.key;
    // Only the ids-only pass of the project finds an issue gone.
    if (issue.data.eventType === 'avi:jira:deleted:issue') await requestFullPass(projectKey, nowMs);
    await queueRefresh(projectKey, nowMs, false);
    return;
  }
  const version = versionEventSchema.safeParse(event);
  if (version.success) {
    try {
      const project = await jiraAsApp().get(route`/rest/api/3/project/${String(version.data.version.projectId)}`, projectKeyOnlySchema);
      await queueRefresh(project.key, nowMs, true);
    } catch (error) {
      console.warn(`pmo-sync: could not mark project ${version.data.version.projectId} dirty: ${error instanceof Error ? error.message : String(error)}`);
    }
    return;
  }
  const worklog = worklogEventSchema.safeParse(event);
  if (!worklog.success) return;
  try {
    // A worklog event names only the issue: one small read finds its project.
    const found = await jiraAsApp().get(route`/rest/api/3/issue/${worklog.data.worklog.issueId}?fields=project`, issueProjectSchema);
    await queueRefresh(found.fields.project.key, nowMs, false);
  } catch (error) {
    console.warn(`pmo-sync: could not mark the project of issue ${worklog.data.worklog.issueId} dirty: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * The first event of a burst marks the project dirty and queues its refresh (one push of one event);
 * the rest find the refresh already queued and write nothing more. A version event always marks the
 * project to read itself in the next round (its versions are not in the site-wide steps).
 */
export async function queueRefresh(projectKey: string, nowMs: number, versionsChanged: boolean): Promise<void> {
  if (versionsChanged) await markDirty(projectKey, nowMs, true);
  if (!(await claimRefresh(projectKey, nowMs))) return;
  if (!versionsChanged) await markDirty(projectKey, nowMs);
  try {
    await pushToSyncQueue([refreshJob(projectKey, REFRESH_DEBOUNCE_SECONDS)]);
  } catch (error) {
    // Over the queue's rate limit, say: the next event may try again; the round reads the change anyway.
    await releaseRefresh(projectKey);
    console.warn(`pmo-sync: could not queue the refresh of ${projectKey}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
