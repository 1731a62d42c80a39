import { route } from '@forge/api';
import { z } from 'zod';
import type { JiraClient } from './client';
import { JiraError, JiraRateLimitedError } from './errors';

/** Worklog, reduced to what the metrics read. */
export const worklogSchema = z.object({
  id: z.string().min(1),
  issueId: z.string().optional(),
  author: z.object({ accountId: z.string() }).optional(),
  updateAuthor: z.object({ accountId: z.string() }).optional(),
  started: z.string(),
  timeSpentSeconds: z.number().int().nonnegative(),
  updated: z.string().optional(),
});
export type JiraWorklog = z.output<typeof worklogSchema>;

const issueWorklogPageSchema = z.object({
  startAt: z.number().int().optional(),
  maxResults: z.number().int().optional(),
  total: z.number().int().optional(),
  worklogs: z.array(worklogSchema).default([]),
});

/** Jira's largest (and default) page of an issue's worklogs. */
const ISSUE_WORKLOG_PAGE = 5000;

/** Every worklog of one issue, paged with startAt. */
export async function issueWorklogs(client: JiraClient, issueIdOrKey: string): Promise<JiraWorklog[]> {
  const worklogs: JiraWorklog[] = [];
  for (let startAt = 0; ; ) {
    const page = await client.get(
      route`/rest/api/3/issue/${issueIdOrKey}/worklog?startAt=${startAt}&maxResults=${ISSUE_WORKLOG_PAGE}`,
      issueWorklogPageSchema,
    );
    worklogs.push(...page.worklogs);
    startAt += page.worklogs.length;
    if (page.worklogs.length === 0 || startAt >= (page.total ?? startAt)) return worklogs;
  }
}

const changedWorklogsSchema = z.object({
  values: z.array(z.object({ worklogId: z.number().int(), updatedTime: z.number().int().optional() })).default([]),
  since: z.number().int().optional(),
  until: z.number().int().optional(),
  lastPage: z.boolean().optional(),
  nextPage: z.string().optional(),
});

export interface ChangedWorklogPage {
  worklogIds: number[];
  /** Where the next page starts (the answer's `until`): keep it to resume an incremental sync. */
  untilMs: number;
  lastPage: boolean;
}

/**
 * worklog/updated page by page (1000 ids a page, site-wide, in the caller's projects). Jira leaves out
 * worklogs updated within the last minute, so a caller reading fresh data must not rely on it alone.
 */
export async function* worklogUpdatedPages(client: JiraClient, sinceMs: number): AsyncGenerator<ChangedWorklogPage> {
  for (let since = Math.max(0, Math.floor(sinceMs)); ; ) {
    const page = await client.get(route`/rest/api/3/worklog/updated?since=${since}`, changedWorklogsSchema);
    const untilMs = page.until ?? page.values.reduce((latest, value) => Math.max(latest, value.updatedTime ?? latest), since);
    // A page that does not move `since` forward would be asked for again forever.
    const lastPage = (page.lastPage ?? page.nextPage === undefined) || untilMs <= since;
    yield { worklogIds: page.values.map((value) => value.worklogId), untilMs, lastPage };
    if (lastPage) return;
    since = untilMs;
  }
}

/** The ids of every worklog updated after `sinceMs` (epoch ms), and where the next sync starts. */
export async function worklogIdsUpdatedSince(client: JiraClient, sinceMs: number): Promise<{ worklogIds: number[]; untilMs: number }> {
  const worklogIds: number[] = [];
  let untilMs = sinceMs;
  for await (const page of worklogUpdatedPages(client, sinceMs)) {
    worklogIds.push(...page.worklogIds);
    untilMs = page.untilMs;
  }
  return { worklogIds, untilMs };
}

/** worklog/list takes at most 1000 ids a request. */
export const WORKLOG_LIST_MAX_IDS = 1000;

/** The worklogs with these ids, 1000 to a request; ids the caller cannot see are left out by Jira. */
export async function listWorklogs(client: JiraClient, ids: readonly number[]): Promise<JiraWorklog[]> {
  const unique = [...new Set(ids)];
  const worklogs: JiraWorklog[] = [];
  for (let start = 0; start < unique.length; start += WORKLOG_LIST_MAX_IDS) {
    const batch = unique.slice(start, start + WORKLOG_LIST_MAX_IDS);
    worklogs.push(...(await client.post(route`/rest/api/3/worklog/list`, { ids: batch }, z.array(worklogSchema))));
  }
  return worklogs;
}

/** Probing requests one call may spend finding the worklogs Jira cannot list; ids past that are left out. */
const PROBES_PER_CALL = 300;

/**
 * worklog/list; when Jira keeps failing a request, halves it (each half asked twice at most) to find
 * the worklogs it cannot read, which are left out: their issues' timespent then disagrees with the
 * stored worklogs, and the project's finish reads those issues on their own (and marks the project
 * stale if Jira fails them again). When nothing can be read, Jira is failing, not some worklogs: the
 * error stands. The probes share the client's request slots: they never exceed its concurrency bound.
 */
export async function listWorklogsLeavingOutUnreadable(client: JiraClient, ids: readonly number[]): Promise<JiraWorklog[]> {
  try {
    return await listWorklogs(client, ids);
  } catch (error) {
    if (!(error instanceof JiraError) || error instanceof JiraRateLimitedError || ids.length <= 1) throw error;
    const probe = client.withAttempts(2);
    const budget = { left: PROBES_PER_CALL };
    const read: JiraWorklog[] = [];
    const search = async (part: readonly number[]): Promise<void> => {
      if (part.length <= 1 || budget.left <= 0) return;
      const half = Math.ceil(part.length / 2);
      await Promise.all(
        [part.slice(0, half), part.slice(half)].map(async (piece) => {
          budget.left -= 1;
          try {
            read.push(...(await listWorklogs(probe, piece)));
          } catch (failure) {
            if (!(failure instanceof JiraError)) throw failure;
            await search(piece);
          }
        }),
      );
    };
    await search(ids);
    if (read.length === 0) throw error;
    return read;
  }
}
