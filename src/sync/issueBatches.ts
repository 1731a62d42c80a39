/**
 * The one way the sync reads issues: search pages gathered into batches, each batch normalized with
 * its histories (one changelog/bulkfetch for 1000 issues) and handed to the caller, who saves it and
 * checkpoints the token of the page after it. Used by the project job, the site-wide issue step and
 * the whole-project reader alike, so paging, batching, pausing and resuming are written once.
 *
 * Resumable: a caller that checkpoints `next.token` after saving a batch and passes it back as `from`
 * re-reads at most one batch when killed anywhere; merging by id makes the re-read harmless.
 */
import { bulkFetchChangelogs } from '../jira/changelogs';
import type { JiraClient } from '../jira/client';
import type { MetricFieldIds } from '../jira/fields';
import { metricIssueSchema, searchIssuePages, type JiraIssue } from '../jira/issues';
import type { WorkItem } from '../metrics/model';
import { timeRunsLow } from './invocationTime';
import { normalizeIssue } from './normalize';
import type { StatusCategories } from './statusCategories';

/** changelog/bulkfetch takes 1000 issues a request: a batch of 1000 costs one. */
export const BATCH_ISSUES = 1000;
/** The history fields the metrics read. */
const CHANGELOG_FIELDS = ['status', 'duedate'];

export interface BatchPosition {
  /** The token of the first page not in this or an earlier batch; null when none follows. */
  token: string | null;
  /** No page follows this batch. */
  last: boolean;
}

export interface IssueBatchRead {
  jql: string;
  fields: readonly string[];
  /** A checkpointed token to resume from; null from the first page. */
  from: string | null;
  batchSize?: number;
  remainingTimeMs?: () => number;
  /**
   * One batch of searched issues (possibly empty on the last page) and where the read stands after
   * it. The caller saves it, then checkpoints `position.token`.
   */
  onBatch: (issues: JiraIssue[], position: BatchPosition) => Promise<void>;
}

/**
 * Reads until the last page ('done') or until the invocation runs low on time ('paused'); a batch
 * read in part when time runs low is still handed over, so a job that always pauses mid-batch still
 * gets further.
 */
export async function readIssueBatches(client: JiraClient, read: IssueBatchRead): Promise<'done' | 'paused'> {
  const batchSize = read.batchSize ?? BATCH_ISSUES;
  const pages = searchIssuePages(client, { jql: read.jql, fields: read.fields, from: read.from }, metricIssueSchema);
  let batch: JiraIssue[] = [];
  let token = read.from;
  try {
    for (;;) {
      if (timeRunsLow(read.remainingTimeMs)) {
        if (batch.length > 0) await read.onBatch(batch, { token, last: false });
        return 'paused';
      }
      const next = await pages.next();
      if (next.done) throw new Error('search ended without a last page');
      batch.push(...next.value.issues);
      token = next.value.nextPageToken;
      const last = token === null;
      if (batch.length >= batchSize || last) {
        await read.onBatch(batch, { token, last });
        batch = [];
        if (last) return 'done';
      }
    }
  } finally {
    await pages.return(undefined);
  }
}

/**
 * A batch of searched issues as work items: their status and due-date histories in one bulkfetch,
 * and the category of every status they name, from Jira (see statusCategories.ts).
 */
export async function normalizeBatch(client: JiraClient, issues: readonly JiraIssue[], fieldIds: MetricFieldIds, statuses: StatusCategories): Promise<WorkItem[]> {
  if (issues.length === 0) return [];
  const histories = await bulkFetchChangelogs(client, issues.map((issue) => issue.id), CHANGELOG_FIELDS);
  await statuses.learn(issues, histories);
  return issues.map((issue) => normalizeIssue(issue, fieldIds, statuses.known, histories.get(issue.id) ?? []));
}
