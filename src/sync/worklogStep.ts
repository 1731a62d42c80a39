/**
 * The site-wide worklog step of a sync round: every worklog created or edited since the last step,
 * read with worklog/updated (1000 ids a page) + worklog/list (1000 worklogs a request), which costs
 * the same for the whole site as per-issue reads would for a few issues. Each worklog goes to the
 * inbox of its issue's project (found by one ids-only search per page); src/sync/finish.ts merges it.
 *
 * Resumable: after each page is in the inboxes the watermark moves to the page's `until`, so a step
 * stopped anywhere re-reads at most one page, and merging by worklog id makes the re-read harmless.
 * Deleted worklogs are not listed by worklog/updated: their issue's timespent changes, and finish.ts
 * re-reads any issue whose stored worklogs do not add up to it.
 */
import { z } from 'zod';
import type { JiraClient } from '../jira/client';
import { searchIssuePages, SEARCH_MAX_ID_ONLY } from '../jira/issues';
import { listWorklogsLeavingOutUnreadable, worklogUpdatedPages, type ChangedWorklogPage } from '../jira/worklogs';
import type { Worklog } from '../metrics/model';
import { addManyToInbox, getWorklogSyncState, markTouched, setWorklogSyncState } from '../store/syncRounds';
import { timeRunsLow } from './invocationTime';
import { chunkBySize, groupByProject } from './issueStep';
import { normalizeWorklog } from './normalize';

export interface WorklogStepOptions {
  roundId: string;
  /** The invocation's remaining time; the step pauses at a page boundary when it runs low. */
  remainingTimeMs?: () => number;
}

export interface WorklogStepResult {
  status: 'done' | 'paused';
  pages: number;
  worklogs: number;
}

const idAndKeySchema = z.object({ id: z.string().min(1), key: z.string().min(1) });

/** Pages being sorted into inboxes while the next ones are read. */
const PAGES_IN_FLIGHT = 4;

export async function runWorklogStep(client: JiraClient, options: WorklogStepOptions): Promise<WorklogStepResult> {
  const state = await getWorklogSyncState();
  let pagesRead = state.roundId === options.roundId ? state.pagesRead : 0;
  let worklogs = 0;
  // worklog/updated pages come one after another (each starts at the last one's `until`); sorting a page
  // into inboxes takes two more requests, so a few pages are sorted while the next ones are read. The
  // watermark moves in page order, only past pages whose worklogs are all in the inboxes.
  const sorting: { untilMs: number; done: Promise<number> }[] = [];
  const commitOldest = async (): Promise<void> => {
    const oldest = sorting[0];
    worklogs += await oldest.done;
    sorting.shift();
    pagesRead += 1;
    await setWorklogSyncState({ sinceMs: oldest.untilMs, roundId: options.roundId, pagesRead });
  };
  let since = state.sinceMs;
  for await (const page of worklogUpdatedPages(client, state.sinceMs)) {
    const done = sortIntoInboxes(client, page, String(since).padStart(15, '0'), options.roundId);
    // Awaited in order by commitOldest; this only keeps a failure from being reported as unhandled first.
    done.catch(() => undefined);
    sorting.push({ untilMs: page.untilMs, done });
    since = page.untilMs;
    while (sorting.length >= PAGES_IN_FLIGHT) await commitOldest();
    if (!page.lastPage && timeRunsLow(options.remainingTimeMs)) {
      while (sorting.length > 0) await commitOldest();
      return { status: 'paused', pages: pagesRead, worklogs };
    }
  }
  while (sorting.length > 0) await commitOldest();
  return { status: 'done', pages: pagesRead, worklogs };
}

/** Lists the page's worklogs, finds each one's project and adds them to its inbox. Returns how many. */
async function sortIntoInboxes(client: JiraClient, page: ChangedWorklogPage, part: string, roundId: string): Promise<number> {
  if (page.worklogIds.length === 0) return 0;
  const listed = await listWorklogsLeavingOutUnreadable(client, page.worklogIds);
  const issueIds = [...new Set(listed.map((worklog) => worklog.issueId).filter((id): id is string => id !== undefined && /^\d+$/.test(id)))];
  const keyById = await issueKeysById(client, issueIds);

  const attributed: Worklog[] = [];
  for (const worklog of listed) {
    const issueKey = worklog.issueId === undefined ? undefined : keyById.get(worklog.issueId);
    // An issue deleted since, or one the app cannot see: nothing to attribute the worklog to.
    if (issueKey !== undefined) attributed.push(normalizeWorklog(worklog, issueKey));
  }
  const byProject = groupByProject(attributed, (worklog) => worklog.issueKey);
  if (byProject.size > 0) await markTouched(roundId, 'worklogs', part, [...byProject.keys()]);
  await addManyToInbox([...byProject].flatMap(([projectKey, found]) => inboxEntries(projectKey, part, found)));
  return listed.length;
}

/** Current keys of these issues (a moved issue answers with its new key), one ids-only search per 1000. */
async function issueKeysById(client: JiraClient, issueIds: readonly string[]): Promise<Map<string, string>> {
  const keys = new Map<string, string>();
  for (let start = 0; start < issueIds.length; start += 1000) {
    const jql = `id in (${issueIds.slice(start, start + 1000).join(', ')})`;
    for await (const found of searchIssuePages(client, { jql, fields: ['key'], pageSize: SEARCH_MAX_ID_ONLY }, idAndKeySchema)) {
      for (const issue of found.issues) keys.set(issue.id, issue.key);
    }
  }
  return keys;
}

/** One inbox entry per project and page, split should a page's worklogs outgrow a KVS value. */
function inboxEntries(projectKey: string, part: string, worklogs: Worklog[]) {
  return chunkBySize(worklogs).map((chunk, index) => ({ projectKey, part: `${part}:${String(index).padStart(3, '0')}`, inbox: { worklogs: chunk } }));
}
