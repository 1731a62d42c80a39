/**
 * Worklogs checked against Jira's own total: an item whose stored worklogs do not add up to its
 * timespent (a deleted worklog, an edit of the last minute that worklog/updated leaves out, an issue
 * that moved in) has them read again from the issue itself.
 */
import { mapWithConcurrency, type JiraClient } from '../jira/client';
import { issueWorklogs } from '../jira/worklogs';
import { canonical, type ProjectData, type WorkItem } from '../metrics/model';
import { normalizeWorklog } from './normalize';

const DEFAULT_CONCURRENCY = 4;

/** Items whose stored worklogs do not add up to Jira's timespent. */
export function unbalancedItems(data: ProjectData): WorkItem[] {
  const logged = new Map<string, number>();
  for (const worklog of data.worklogs) logged.set(worklog.issueKey, (logged.get(worklog.issueKey) ?? 0) + worklog.seconds);
  return data.items.filter((item) => item.timeSpentSeconds !== undefined && (item.timeSpentSeconds ?? 0) !== (logged.get(item.key) ?? 0));
}

/** The data with the worklogs of every unbalanced item read from its issue (one request each). */
export async function reconcileWorklogs(client: JiraClient, data: ProjectData, concurrency = DEFAULT_CONCURRENCY): Promise<{ data: ProjectData; reconciled: number }> {
  const unbalanced = unbalancedItems(data);
  if (unbalanced.length === 0) return { data, reconciled: 0 };
  const read = await mapWithConcurrency(unbalanced, concurrency, (item) => issueWorklogs(client, item.key));
  const replaced = new Set(unbalanced.map((item) => item.key));
  const fresh = unbalanced.flatMap((item, index) => read[index].map((worklog) => normalizeWorklog(worklog, item.key, item.id)));
  return { data: canonical({ ...data, worklogs: [...data.worklogs.filter((worklog) => !replaced.has(worklog.issueKey)), ...fresh] }), reconciled: unbalanced.length };
}
