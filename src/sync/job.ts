/**
 * The per-project sync job: keeps the stored ProjectData (src/store/projectData.ts) fresh at a cost
 * proportional to what changed in Jira.
 *
 * - First run ('full'): every issue of the project, staged batch by batch and published to the main
 *   slot at the end, so readers never see a half-read project.
 * - Later runs ('incremental'): issues with `updated >= watermark - overlap`, merged by id into the
 *   buckets that hold them (only those are read and rewritten); at most every fullPassEveryMs also an
 *   ids-only pass over the whole project that drops items gone from it (deleted, moved) and reads any
 *   it is missing.
 * - Worklogs are not read here: the site-wide worklog step (src/sync/worklogStep.ts) reads them for every
 *   project at once and src/sync/finish.ts merges them, so a re-read item keeps its stored worklogs.
 *
 * Issues are read through the one batch loop (issueBatches.ts). Every step is idempotent (merging
 * replaces by key), and the checkpoint in the sync state is saved only after the data it describes: a
 * run interrupted anywhere and run again re-reads at most one batch and ends with exactly the data an
 * uninterrupted run stores.
 */
import { z } from 'zod';
import { RequestCounter, type JiraClient } from '../jira/client';
import { getFields, resolveMetricFields, type MetricFieldIds } from '../jira/fields';
import { metricIssueSchema, searchIssuePages, SEARCH_MAX_ID_ONLY, SEARCH_MAX_WITH_FIELDS, type JiraIssue } from '../jira/issues';
import { jqlString } from '../jira/search';
import { getProjectVersions, type JiraVersion } from '../jira/versions';
import { canonical, compareIssueKeys, type ProjectData, type WorkItem, type Worklog } from '../metrics/model';
import { deleteProjectData, loadProjectData, loadProjectHead, loadProjectItems, loadStaged, saveProjectData, stageBatch } from '../store/projectData';
import { getSyncState, setSyncState, type SyncCursor, type SyncInProgress, type SyncState } from '../store/syncState';
import { normalizeBatch, readIssueBatches } from './issueBatches';
import { timeRunsLow } from './invocationTime';
import { issueFieldsFor, normalizeVersion } from './normalize';
import { StatusCategories } from './statusCategories';

export { canonical, compareIssueKeys };

export interface SyncProject {
  key: string;
  name: string;
  portfolio: string | null;
}

export interface ProjectSyncOptions {
  /** Jira's clock at the start of this invocation (the next watermark when the run completes). */
  nowMs: number;
  /** Read again edits this long before the watermark: JQL compares at minute precision and clocks skew. */
  overlapMs?: number;
  fullPassEveryMs?: number;
  /** The invocation's remaining time; the job pauses, checkpoint saved, when it runs low. */
  remainingTimeMs?: () => number;
  fieldIds?: MetricFieldIds;
  /** The round this run works for (the site's status list is read once a round); null or absent outside one. */
  roundId?: string | null;
  /** Issues read per checkpoint (changelogs are fetched for a whole batch in one bulkfetch). */
  batchIssues?: number;
}

export interface ProjectSyncResult {
  status: 'done' | 'paused';
  /** Jira requests this invocation made (retries of one request not counted). */
  requests: number;
  /** Items read and merged, plus items dropped, in this invocation. */
  changedItems: number;
  /** Whether the project's stored data differs from before this invocation (a save wrote something). */
  dataChanged: boolean;
}

export const DEFAULT_OVERLAP_MS = 5 * 60_000;
export const DEFAULT_FULL_PASS_EVERY_MS = 24 * 3_600_000;

const idSchema = z.object({ id: z.string().min(1), key: z.string().min(1) });

/** Runs (or resumes) the project's sync until it is done or time runs low. */
export async function runProjectSync(client: JiraClient, project: SyncProject, options: ProjectSyncOptions): Promise<ProjectSyncResult> {
  const counter = new RequestCounter();
  const counted = client.countedBy(counter);
  const statuses = await StatusCategories.forSync(counted, { roundId: options.roundId ?? null, nowMs: options.nowMs });
  const job = new SyncJob(counted, project, options, await getSyncState(project.key), statuses);
  try {
    const status = await job.run();
    await statuses.save();
    return { status, requests: counter.total, changedItems: job.changedItems, dataChanged: job.dataChanged };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    try {
      await setSyncState({ ...job.state, lastError: { message, atMs: options.nowMs } });
    } catch {
      // The original failure is the one worth reporting; the checkpoint itself is still the last saved one.
    }
    throw error;
  }
}

class SyncJob {
  changedItems = 0;
  dataChanged = false;
  private fieldIds: MetricFieldIds | undefined;

  constructor(
    private readonly client: JiraClient,
    private readonly project: SyncProject,
    private readonly options: ProjectSyncOptions,
    /** Always the last checkpoint saved (or the one about to be). */
    public state: SyncState,
    private readonly statuses: StatusCategories,
  ) {
    this.fieldIds = options.fieldIds;
  }

  async run(): Promise<'done' | 'paused'> {
    const run = this.state.inProgress ?? (await this.startRun());
    // Versions do not depend on the issues: read them alongside the issue pages, not after them.
    const versionsAhead = getProjectVersions(this.client, this.project.key);
    versionsAhead.catch(() => undefined);

    for (;;) {
      const { cursor } = run;
      if (timeRunsLow(this.options.remainingTimeMs)) return 'paused';
      if (cursor.phase === 'issues') {
        const read = await this.readIssues(run);
        if (read === 'paused') return 'paused';
        // Read but held in memory only (a first sync in one batch): no checkpoint may claim it is stored,
        // so a failure from here on reads the issues again instead of completing a sync of nothing.
        if (read !== 'saved') return this.completeFull(run, read, versionsAhead);
        if (run.kind === 'full') return this.completeFull(run, null, versionsAhead);
        await this.checkpoint(run, { ...cursor, phase: cursor.fullPass ? 'ids' : 'versions', nextPageToken: null });
      } else if (cursor.phase === 'ids') {
        await this.fullPass(run);
      } else if (cursor.phase === 'missing') {
        if (cursor.missingIds.length === 0) {
          await this.checkpoint(run, { ...cursor, phase: 'versions' });
          continue;
        }
        const ids = cursor.missingIds.slice(0, SEARCH_MAX_WITH_FIELDS);
        const jql = `project = ${jqlString(this.project.key)} AND id in (${ids.join(', ')}) ORDER BY key ASC`;
        const issues: JiraIssue[] = [];
        for await (const page of searchIssuePages(this.client, { jql, fields: issueFieldsFor(await this.metricFields()) }, metricIssueSchema)) issues.push(...page.issues);
        await this.mergeIntoMain(issues);
        await this.checkpoint(run, { ...cursor, missingIds: cursor.missingIds.slice(ids.length) });
      } else {
        return this.completeIncremental(run, versionsAhead);
      }
    }
  }

  private async startRun(): Promise<SyncInProgress> {
    const stored = await loadProjectHead(this.project.key, 'main');
    // Staging left by a run that completed without cleaning up, or by a first run started over.
    if (await loadProjectHead(this.project.key, 'staging')) await deleteProjectData(this.project.key, 'staging');
    const { nowMs } = this.options;
    const overlap = this.options.overlapMs ?? DEFAULT_OVERLAP_MS;
    const fullPassEvery = this.options.fullPassEveryMs ?? DEFAULT_FULL_PASS_EVERY_MS;
    const incremental = stored !== undefined && this.state.watermarkMs !== null;
    const run: SyncInProgress = {
      kind: incremental ? 'incremental' : 'full',
      startedMs: nowMs,
      stage: 'issues',
      cursor: {
        phase: 'issues',
        nextPageToken: null,
        updatedFromMs: incremental ? (this.state.watermarkMs ?? 0) - overlap : null,
        fullPass: incremental && (this.state.lastFullPassMs === null || nowMs - this.state.lastFullPassMs >= fullPassEvery),
        missingIds: [],
      },
    };
    this.state = { ...this.state, inProgress: run };
    await setSyncState(this.state);
    return run;
  }

  /**
   * The issues phase, through the one batch loop: each batch is normalized, stored (staged for a first
   * sync, merged into its buckets otherwise), then checkpointed with the token of the page after it.
   * A first sync read in one batch is kept in memory instead, for completeFull to publish.
   */
  private async readIssues(run: SyncInProgress): Promise<'saved' | 'paused' | WorkItem[]> {
    const clauses = [`project = ${jqlString(this.project.key)}`];
    // An unquoted number is epoch milliseconds in JQL: no time zone or minute rounding to get wrong.
    if (run.cursor.updatedFromMs !== null) clauses.push(`updated >= ${Math.floor(run.cursor.updatedFromMs)}`);
    const fieldIds = await this.metricFields();
    // Whether this batch is the first of the run: nothing read before it, in this invocation or an earlier one.
    let firstBatch = run.cursor.nextPageToken === null && (await loadProjectHead(this.project.key, 'staging')) === undefined;
    let inMemory: WorkItem[] | null = null;
    const status = await readIssueBatches(this.client, {
      jql: `${clauses.join(' AND ')} ORDER BY key ASC`,
      fields: issueFieldsFor(fieldIds),
      from: run.cursor.nextPageToken,
      batchSize: this.options.batchIssues,
      remainingTimeMs: this.options.remainingTimeMs,
      onBatch: async (issues, position) => {
        if (run.kind === 'full') {
          const items = await normalizeBatch(this.client, issues, fieldIds, this.statuses);
          this.changedItems += items.length;
          // A first fetch read in one batch goes straight to the main slot when the run completes.
          if (position.last && firstBatch) {
            inMemory = items;
            return;
          }
          firstBatch = false;
          if (items.length > 0) await stageBatch(this.project, items, this.options.nowMs);
        } else {
          await this.mergeIntoMain(issues);
        }
        if (!position.last) await this.checkpoint(run, { ...run.cursor, nextPageToken: position.token });
      },
    });
    if (status === 'paused') return 'paused';
    return inMemory ?? 'saved';
  }

  /** Ids-only pass over the whole project (not resumable inside: it is a few cheap requests). */
  private async fullPass(run: SyncInProgress): Promise<void> {
    const inJira = new Set<string>();
    const jql = `project = ${jqlString(this.project.key)} ORDER BY key ASC`;
    for await (const page of searchIssuePages(this.client, { jql, fields: ['id', 'key'], pageSize: SEARCH_MAX_ID_ONLY }, idSchema)) {
      for (const issue of page.issues) inJira.add(issue.id);
    }
    const data = await loadProjectData(this.project.key);
    if (!data) throw new Error(`${this.project.key}: the stored data went missing during its sync`);
    const gone = data.items.filter((item) => !inJira.has(item.id));
    const stored = new Set(data.items.map((item) => item.id));
    const missing = [...inJira].filter((id) => !stored.has(id) && /^\d+$/.test(id));
    if (gone.length > 0) {
      const goneKeys = new Set(gone.map((item) => item.key));
      const next = canonical({ ...data, items: data.items.filter((item) => inJira.has(item.id)), worklogs: data.worklogs.filter((worklog) => !goneKeys.has(worklog.issueKey)) });
      this.noteSave(await saveProjectData(next, 'main', this.options.nowMs, data));
      this.changedItems += gone.length;
    }
    await this.checkpoint(run, { ...run.cursor, phase: 'missing', missingIds: missing });
  }

  /** Normalizes searched issues and merges them into the buckets that hold them (only those are read and written). */
  private async mergeIntoMain(issues: readonly JiraIssue[]): Promise<void> {
    if (issues.length === 0) return;
    const items = await normalizeBatch(this.client, issues, await this.metricFields(), this.statuses);
    const stored = await loadProjectItems(this.project.key, items.map((item) => item.id));
    if (!stored) throw new Error(`${this.project.key}: the stored data went missing during its sync`);
    this.noteSave(await saveProjectData(mergeItems(stored, items), 'main', this.options.nowMs, stored));
    this.changedItems += items.length;
  }

  /** A first sync publishes what it read (staged, plus the last batch still in memory) with its versions, in one save. */
  private async completeFull(run: SyncInProgress, inMemory: WorkItem[] | null, versionsAhead: Promise<JiraVersion[]>): Promise<'done'> {
    const versions = (await versionsAhead).map(normalizeVersion);
    const staged = inMemory === null ? await loadStaged(this.project.key) : null;
    const empty: ProjectData = { key: this.project.key, name: this.project.name, portfolio: this.project.portfolio, createdMs: run.startedMs, items: [], worklogs: [], versions: [] };
    const read = mergeItems(staged ?? empty, inMemory ?? []);
    const data = canonical({ ...read, name: this.project.name, portfolio: this.project.portfolio, createdMs: read.items.length > 0 ? read.createdMs : run.startedMs, versions });
    // Publish before the checkpoint says done; staging goes last, so a crash in between loses nothing.
    this.noteSave(await saveProjectData(data, 'main', this.options.nowMs));
    await this.complete(run);
    await deleteProjectData(this.project.key, 'staging');
    return 'done';
  }

  /** An incremental run saves its versions, and a renamed project or changed category, only when they changed. */
  private async completeIncremental(run: SyncInProgress, versionsAhead: Promise<JiraVersion[]>): Promise<'done'> {
    const versions = (await versionsAhead).map(normalizeVersion);
    const stored = await loadProjectItems(this.project.key, [], { versions: true });
    if (!stored) throw new Error(`${this.project.key}: the stored data went missing during its sync`);
    this.noteSave(await saveProjectData({ ...stored, name: this.project.name, portfolio: this.project.portfolio, versions }, 'main', this.options.nowMs, stored));
    await this.complete(run);
    return 'done';
  }

  private async complete(run: SyncInProgress): Promise<void> {
    this.state = {
      ...this.state,
      lastCompleteSyncMs: run.startedMs,
      watermarkMs: run.startedMs,
      lastFullPassMs: run.kind === 'full' || run.cursor.fullPass ? run.startedMs : this.state.lastFullPassMs,
      inProgress: null,
      lastError: null,
    };
    await setSyncState(this.state);
  }

  private async checkpoint(run: SyncInProgress, cursor: SyncCursor): Promise<void> {
    run.cursor = cursor;
    run.stage = cursor.phase;
    this.state = { ...this.state, inProgress: run };
    await setSyncState(this.state);
  }

  private noteSave(result: { changed: boolean }): void {
    if (result.changed) this.dataChanged = true;
  }

  private async metricFields(): Promise<MetricFieldIds> {
    this.fieldIds ??= resolveMetricFields(await getFields(this.client));
    return this.fieldIds;
  }
}

/**
 * Replaces stored items with the same id (a moved issue keeps its id) or key. Worklogs stay with their
 * item, re-keyed when its key changed; `worklogs`, when given, replace the worklogs of the items merged.
 */
export function mergeItems(data: ProjectData, items: readonly WorkItem[], worklogs?: readonly Worklog[]): ProjectData {
  const ids = new Set(items.map((item) => item.id));
  const keys = new Set(items.map((item) => item.key));
  const newKeyById = new Map(items.map((item) => [item.id, item.key]));
  const newKeyByOldKey = new Map<string, string>();
  const kept = data.items.filter((item) => {
    const goes = ids.has(item.id) || keys.has(item.key);
    if (goes) newKeyByOldKey.set(item.key, newKeyById.get(item.id) ?? item.key);
    return !goes;
  });
  const replaced = (worklog: Worklog) => newKeyByOldKey.has(worklog.issueKey) || keys.has(worklog.issueKey);
  const carried = worklogs
    ? data.worklogs.filter((worklog) => !replaced(worklog))
    : data.worklogs.map((worklog) => {
        const key = (worklog.issueId !== undefined ? newKeyById.get(worklog.issueId) : undefined) ?? newKeyByOldKey.get(worklog.issueKey);
        return key === undefined || key === worklog.issueKey ? worklog : { ...worklog, issueKey: key };
      });
  return canonical({ ...data, items: [...kept, ...items], worklogs: [...carried, ...(worklogs ?? [])] });
}
