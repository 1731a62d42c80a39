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
import { JiraError } from '../jira/errors';
import type { MetricFieldIds } from '../jira/fields';
import type { JiraIssue } from '../jira/issues';
import type { StatusCategory, WorkItem } from '../metrics/model';
import { CHUNK_MAX_BYTES } from '../store/projectData';
import { addToIssueInbox, getIssueScanState, markDirty, markTrouble, setIssueScanState, type IssueScanState } from '../store/syncRounds';
import { DEFAULT_OVERLAP_MS, normalizeBatch, searchPageFrom } from './job';
import { issueFieldsFor } from './normalize';

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

const PAUSE_BELOW_MS = 10_000;
/** One changelog bulkfetch takes 1000 issues. */
const BATCH_ISSUES = 1000;

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

  const categories = new Map<string, StatusCategory>(Object.entries(state.statusCategories));
  // Epoch milliseconds: Jira reads a number in a date clause as an instant, no zone or rounding to get wrong.
  const jql = `updated >= ${Math.floor(run.fromMs)} ORDER BY key ASC`;
  const fields = issueFieldsFor(options.fieldIds);
  let token = run.nextPageToken;
  let batch: JiraIssue[] = [];
  let read = 0;
  for (;;) {
    if ((options.remainingTimeMs?.() ?? Number.POSITIVE_INFINITY) < PAUSE_BELOW_MS) return { status: 'paused', issues: read };
    const page = await searchPageFrom(client, jql, fields, token, batch.length === 0);
    if (page === null) {
      token = null;
      continue;
    }
    batch.push(...page.issues);
    const last = page.isLast === true || page.nextPageToken === undefined;
    token = last ? null : (page.nextPageToken ?? null);
    if (batch.length >= BATCH_ISSUES || last) {
      if (batch.length > 0) {
        const items = await normalizeIsolated(client, batch, options, categories);
        await sortIntoInboxes(items, `${String(run.startedMs).padStart(15, '0')}:${String(read).padStart(9, '0')}`);
        read += items.length;
      }
      batch = [];
      const next: IssueScanState = last
        ? { sinceMs: run.startedMs, run: null, statusCategories: Object.fromEntries(categories) }
        : { ...state, run: { ...run, nextPageToken: token }, statusCategories: Object.fromEntries(categories) };
      await setIssueScanState(next);
      state = next;
      if (last) return { status: 'done', issues: read };
    }
  }
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
async function normalizeIsolated(client: JiraClient, batch: JiraIssue[], options: IssueStepOptions, categories: Map<string, StatusCategory>): Promise<WorkItem[]> {
  try {
    return await normalizeBatch(client, batch, options.fieldIds, categories);
  } catch (error) {
    if (!(error instanceof JiraError)) throw error;
    const byProject = groupByProject(batch, (issue) => issue.key);
    // Every project failing alike means Jira is failing, not one project: the step fails and is retried.
    if (byProject.size === 1) throw error;
    const results = await Promise.allSettled([...byProject.values()].map((issues) => normalizeBatch(client, issues, options.fieldIds, categories)));
    if (results.every((result) => result.status === 'rejected')) throw error;
    const items: WorkItem[] = [];
    for (const [index, projectKey] of [...byProject.keys()].entries()) {
      const result = results[index];
      if (result.status === 'fulfilled') {
        items.push(...result.value);
        continue;
      }
      if (!(result.reason instanceof JiraError)) throw result.reason;
      await markTrouble(options.roundId, projectKey, `Reading its changed issues from Jira failed (HTTP ${result.reason.status})`);
      await markDirty(projectKey, options.nowMs);
    }
    return items;
  }
}

async function sortIntoInboxes(items: readonly WorkItem[], part: string): Promise<void> {
  const byProject = groupByProject(items, (item) => item.key);
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
