/**
 * The site-wide issue step of a sync round: every issue updated since the last round, whatever its
 * project, in one search (`updated >= since - overlap`, 100 issues a page with the metric fields) and
 * one changelog bulkfetch per 1000 issues; each goes to its project's issue inbox, which
 * src/sync/finish.ts merges (the newer copy of an item wins). A round after a few edits costs a few
 * requests however many projects the portfolio has. Project jobs read a project themselves only for
 * its first sync, the daily full pass that finds deletes and moves, or after a failure.
 *
 * The first round of a site sets the watermark and reads nothing: every project's first sync reads it all.
 * Resumable: the cursor (the run's `from` instant and the next page token) is saved after each batch is in
 * the inboxes; a run stopped anywhere re-reads at most one batch, and newer-wins merging makes that harmless.
 */
import type { JiraClient } from '../jira/client';
import { failureInPmoWords, JiraError } from '../jira/errors';
import type { MetricFieldIds } from '../jira/fields';
import type { JiraIssue } from '../jira/issues';
import type { WorkItem } from '../metrics/model';
import { CHUNK_MAX_BYTES } from '../store/projectData';
import { addToIssueInbox, getIssueScanState, markDirty, markTouched, markTrouble, setIssueScanState, type IssueScanState } from '../store/syncRounds';
import { normalizeBatch, readIssueBatches } from './issueBatches';
import { DEFAULT_OVERLAP_MS } from './job';
import { issueFieldsFor } from './normalize';
import { StatusCategories } from './statusCategories';

export interface IssueStepOptions {
  roundId: string;
  /** The round's start: the next run reads from here (less the overlap). */
  nowMs: number;
  fieldIds: MetricFieldIds;
  remainingTimeMs?: () => number;
  overlapMs?: number;
}

export interface IssueStepResult {
  status: 'done' | 'paused';
  issues: number;
}

export async function runIssueStep(client: JiraClient, options: IssueStepOptions): Promise<IssueStepResult> {
  let state = await getIssueScanState();
  if (state.sinceMs === null && state.run === null) {
    await setIssueScanState({ ...state, sinceMs: options.nowMs });
    return { status: 'done', issues: 0 };
  }
  // A run an earlier round left unfinished is carried on: it reads from its own `from`.
  const run = state.run ?? { roundId: options.roundId, startedMs: options.nowMs, fromMs: (state.sinceMs ?? 0) - (options.overlapMs ?? DEFAULT_OVERLAP_MS), nextPageToken: null };
  state = { ...state, run };
  await setIssueScanState(state);

  const statuses = await StatusCategories.forSync(client, { roundId: options.roundId, nowMs: options.nowMs });
  let read = 0;
  const status = await readIssueBatches(client, {
    // Epoch milliseconds: Jira reads a number in a date clause as an instant, no zone or rounding to get wrong.
    jql: `updated >= ${Math.floor(run.fromMs)} ORDER BY key ASC`,
    fields: issueFieldsFor(options.fieldIds),
    from: run.nextPageToken,
    remainingTimeMs: options.remainingTimeMs,
    onBatch: async (batch, position) => {
      if (batch.length > 0) {
        const items = await normalizeIsolated(client, batch, options, statuses);
        await sortIntoInboxes(items, `${String(run.startedMs).padStart(15, '0')}:${String(read).padStart(9, '0')}`, options.roundId);
        read += items.length;
      }
      await statuses.save();
      const next: IssueScanState = position.last
        ? { sinceMs: run.startedMs, run: null, statusCategories: {} }
        : { ...state, run: { ...run, nextPageToken: position.token }, statusCategories: {} };
      await setIssueScanState(next);
      state = next;
    },
  });
  return { status, issues: read };
}

const projectOf = (issueKey: string): string => issueKey.slice(0, issueKey.lastIndexOf('-'));

/** Values by the project of their issue key (PROJ-12 -> PROJ), in first-seen order. */
export function groupByProject<T>(values: readonly T[], issueKeyOf: (value: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const value of values) {
    const projectKey = projectOf(issueKeyOf(value));
    const group = groups.get(projectKey);
    if (group) group.push(value);
    else groups.set(projectKey, [value]);
  }
  return groups;
}

/**
 * normalizeBatch, with one project's failures kept to that project: when Jira keeps failing a batch,
 * each project's issues are read on their own; a project that still fails (while others do not) is left
 * out of this round, marked for its snapshot to say why and dirty so that its own job reads it next time.
 */
async function normalizeIsolated(client: JiraClient, batch: JiraIssue[], options: IssueStepOptions, statuses: StatusCategories): Promise<WorkItem[]> {
  try {
    return await normalizeBatch(client, batch, options.fieldIds, statuses);
  } catch (error) {
    if (!(error instanceof JiraError)) throw error;
    const byProject = groupByProject(batch, (issue) => issue.key);
    // Every project failing alike means Jira is failing, not one project: the step fails and is retried.
    if (byProject.size === 1) throw error;
    const results = await Promise.allSettled([...byProject.values()].map((issues) => normalizeBatch(client, issues, options.fieldIds, statuses)));
    if (results.every((result) => result.status === 'rejected')) throw error;
    const items: WorkItem[] = [];
    for (const [index, projectKey] of [...byProject.keys()].entries()) {
      const result = results[index];
      if (result.status === 'fulfilled') {
        items.push(...result.value);
        continue;
      }
      if (!(result.reason instanceof JiraError)) throw result.reason;
      await markTrouble(options.roundId, projectKey, `Reading its changed issues from Jira failed: ${failureInPmoWords(result.reason)}`);
      await markDirty(projectKey, options.nowMs);
    }
    return items;
  }
}

/** Each project's items into its inbox; the round notes which projects the step touched, so only they are finished. */
async function sortIntoInboxes(items: readonly WorkItem[], part: string, roundId: string): Promise<void> {
  const byProject = groupByProject(items, (item) => item.key);
  if (byProject.size > 0) await markTouched(roundId, 'issues', part, [...byProject.keys()]);
  await Promise.all(
    [...byProject].map(async ([projectKey, found]) => {
      const chunks = chunkBySize(found);
      await Promise.all(chunks.map((chunk, index) => addToIssueInbox(projectKey, `${part}:${String(index).padStart(3, '0')}`, { items: chunk })));
    }),
  );
}

/** Splits a list so that each part's JSON stays within a KVS value. */
export function chunkBySize<T>(values: readonly T[], maxBytes = CHUNK_MAX_BYTES): T[][] {
  const chunks: T[][] = [[]];
  let bytes = 0;
  for (const value of values) {
    const size = Buffer.byteLength(JSON.stringify(value), 'utf8') + 1;
    if (bytes + size > maxBytes && chunks[chunks.length - 1].length > 0) {
      chunks.push([]);
      bytes = 0;
    }
    chunks[chunks.length - 1].push(value);
    bytes += size;
  }
  return chunks;
}
