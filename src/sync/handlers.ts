/**
 * The background functions manifest.yml names: the hourly scheduled sync, the queue consumer that runs
 * sync jobs, and the product-event trigger that marks projects dirty. They run without a user, so they
 * read Jira as the app; what they store reaches people only through resolvers that check permissions.
 */
import { route } from '@forge/api';
import { Queue } from '@forge/events';
import { z } from 'zod';
import { getFields, resolveMetricFields } from '../jira/fields';
import { jiraAsApp, remainingTimeMs } from '../jira/forge';
import { projectKeySchema, searchAllProjects } from '../jira/projects';
import { markDirty } from '../store/syncRounds';
import { identityOf, runSyncEvent, startRound, syncEventSchema, SYNC_QUEUE, type PushEvents } from './rounds';

export const pushToSyncQueue: PushEvents = async (events) => {
  await new Queue({ key: SYNC_QUEUE }).push(events);
};

/** scheduledTrigger (hourly): a round over every project the app can see. */
export async function scheduledSync(): Promise<void> {
  const client = jiraAsApp();
  const [projects, fields] = await Promise.all([searchAllProjects(client), getFields(client)]);
  await startRound(projects.map(identityOf), { trigger: 'schedule', requestedBy: null, nowMs: Date.now(), push: pushToSyncQueue, fieldIds: resolveMetricFields(fields) });
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

const issueEventSchema = z.object({ issue: z.object({ fields: z.object({ project: z.object({ key: projectKeySchema }) }) }) });
const worklogEventSchema = z.object({ worklog: z.object({ issueId: z.string().regex(/^\d+$/) }) });
const issueProjectSchema = z.object({ fields: z.object({ project: z.object({ key: projectKeySchema }) }) });
const versionEventSchema = z.object({ version: z.object({ projectId: z.union([z.number().int(), z.string().regex(/^\d+$/)]) }) });
const projectKeyOnlySchema = z.object({ key: projectKeySchema });

/**
 * trigger (issue, worklog and version events): the project goes first in the next round. Issue and
 * worklog changes reach the round's site-wide steps anyway; a version change does not, so that
 * project reads itself (its versions) in the next round.
 */
export async function productEvent(event: unknown): Promise<void> {
  const issue = issueEventSchema.safeParse(event);
  if (issue.success) {
    await markDirty(issue.data.issue.fields.project.key, Date.now());
    return;
  }
  const version = versionEventSchema.safeParse(event);
  if (version.success) {
    try {
      const project = await jiraAsApp().get(route`/rest/api/3/project/${String(version.data.version.projectId)}`, projectKeyOnlySchema);
      await markDirty(project.key, Date.now(), true);
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
    await markDirty(found.fields.project.key, Date.now());
  } catch (error) {
    // Best effort: the next round reads every worklog change anyway, dirty or not.
    console.warn(`pmo-sync: could not mark the project of issue ${worklog.data.worklog.issueId} dirty: ${error instanceof Error ? error.message : String(error)}`);
  }
}
