/**
 * The per-project sync job: keeps the stored ProjectData (src/store/projectData.ts) fresh at a cost
 * proportional to what changed in Jira.
 *
 * - First run ('full'): every issue of the project, read into the staging slot batch by batch and
 *   published to the main slot at the end, so readers never see a half-read project.
 * - Later runs ('incremental'): issues with `updated >= watermark - overlap`, merged by id and key into
 *   the stored data; at most every fullPassEveryMs also an ids-only pass over the whole project that
 *   drops items gone from it (deleted, moved) and reads any it is missing.
 * - Worklogs are not read here: the site-wide worklog step (src/sync/worklogStep.ts) reads them for every
 *   project at once and src/sync/finish.ts merges them, so a re-read item keeps its stored worklogs.
 *
 * Every step is idempotent (merging replaces by key), and the checkpoint in the sync state is saved
 * only after the data it describes: a run interrupted anywhere and run again re-reads at most one batch
 * and ends with exactly the data an uninterrupted run stores.
 */
import { route, type Route } from '@forge/api';
import { z } from 'zod';
import { bulkFetchChangelogs } from '../jira/changelogs';
import { JiraClient } from '../jira/client';
import { JiraBadRequestError } from '../jira/errors';
import { getFields, resolveMetricFields, type MetricFieldIds } from '../jira/fields';
import { metricIssueSchema, searchIssuePages, SEARCH_MAX_ID_ONLY, SEARCH_MAX_WITH_FIELDS, type JiraIssue } from '../jira/issues';
import { jqlString } from '../jira/search';
import { getProjectVersions, type JiraVersion } from '../jira/versions';
import type { ProjectData, StatusCategory, WorkItem, Worklog } from '../metrics/model';
import { deleteProjectData, loadProjectData, loadProjectHead, saveProjectData, type ProjectDataSlot } from '../store/projectData';
import { getSyncState, setSyncState, type SyncCursor, type SyncInProgress, type SyncState } from '../store/syncState';
import { learnStatusCategories } from './fetchProject';
import { issueFieldsFor, normalizeIssue, normalizeVersion } from './normalize';

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
  /** Status lookups in flight at once. */
  concurrency?: number;
  /**
   * Status id -> category known site-wide: read from and learnt into (the caller keeps it across
   * projects, so each status is looked up once for the site, not once per project).
   */
  statusCategories?: Map<string, StatusCategory>;
  /** Issues read per checkpoint (changelogs are fetched for a whole batch in one bulkfetch). */
  batchIssues?: number;
}

export interface ProjectSyncResult {
  status: 'done' | 'paused';
  /** Jira requests this invocation made (retries of one request not counted). */
  requests: number;
  /** Items read and merged, plus items dropped, in this invocation. */
  changedItems: number;
}

export const DEFAULT_OVERLAP_MS = 5 * 60_000;
export const DEFAULT_FULL_PASS_EVERY_MS = 24 * 3_600_000;
/** Below this the job stops at the next safe point: a batch and its checkpoint take a few seconds. */
export const PAUSE_BELOW_MS = 10_000;
/** changelog/bulkfetch takes 1000 issues a request: a batch of 1000 costs one. */
const DEFAULT_BATCH_ISSUES = 1000;
const DEFAULT_CONCURRENCY = 8;
const CHANGELOG_FIELDS = ['status', 'duedate'];

const issuePageSchema = z.object({ issues: z.array(metricIssueSchema), nextPageToken: z.string().optional(), isLast: z.boolean().optional() });

/**
 * One search/jql page of metric fields from `token` (null: the first). Null when Jira refuses a token
 * kept across invocations (it may have expired) and the caller may start over (`canRestart`): merging
 * by id makes reading again from the start safe.
 */
export async function searchPageFrom(
  client: JiraClient,
  jql: string,
  fields: string[],
  token: string | null,
  canRestart: boolean,
): Promise<z.output<typeof issuePageSchema> | null> {
  try {
    return await client.post(route`/rest/api/3/search/jql`, { jql, fields, maxResults: SEARCH_MAX_WITH_FIELDS, ...(token !== null ? { nextPageToken: token } : {}) }, issuePageSchema);
  } catch (error) {
    if (error instanceof JiraBadRequestError && token !== null && canRestart) return null;
    throw error;
  }
}
const idOnlySchema = z.object({ id: z.string().min(1), key: z.string().min(1) });

/** Runs (or resumes) the project's sync until it is done or time runs low. */
export async function runProjectSync(client: JiraClient, project: SyncProject, options: ProjectSyncOptions): Promise<ProjectSyncResult> {
  const counting = new CountingClient(client);
  const job = new SyncJob(counting, project, options, await getSyncState(project.key));
  try {
    const status = await job.run();
    return { status, requests: counting.requests, changedItems: job.changedItems };
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
  private fieldIds: MetricFieldIds | undefined;
  private readonly categories: Map<string, StatusCategory>;

  constructor(
    private readonly client: JiraClient,
    private readonly project: SyncProject,
    private readonly options: ProjectSyncOptions,
    /** Always the last checkpoint saved (or the one about to be). */
    public state: SyncState,
  ) {
    this.fieldIds = options.fieldIds;
    this.categories = options.statusCategories ?? new Map();
    for (const [id, category] of Object.entries(state.statusCategories)) this.categories.set(id, category);
  }

  async run(): Promise<'done' | 'paused'> {
    const run = this.state.inProgress ?? (await this.startRun());
    const slot: ProjectDataSlot = run.kind === 'full' ? 'staging' : 'main';
    const stored = (await loadProjectData(this.project.key, slot)) ?? this.emptyData(run.startedMs);
    let data: ProjectData = { ...stored, name: this.project.name, portfolio: this.project.portfolio };
    // A renamed project or a changed category is saved even when no issue changed.
    const renamed = stored.name !== data.name || stored.portfolio !== data.portfolio;
    // Versions do not depend on the issues: read them alongside the issue pages, not after them.
    const versionsAhead = getProjectVersions(this.client, this.project.key);
    versionsAhead.catch(() => undefined);

    for (;;) {
      const { cursor } = run;
      if (this.timeLow()) return 'paused';
      if (cursor.phase === 'issues') {
        const read = await this.readIssues(run, slot, data, (next) => (data = next));
        if (read === 'paused') return 'paused';
        // Read but held in memory only (a first sync in one batch): no checkpoint may claim it is stored,
        // so a failure from here on reads the issues again instead of completing a sync of nothing.
        if (read === 'in memory') return this.completeWithVersions(run, slot, data, versionsAhead, renamed);
        await this.checkpoint(run, { ...cursor, phase: cursor.fullPass ? 'ids' : 'versions', nextPageToken: null });
      } else if (cursor.phase === 'ids') {
        data = await this.fullPass(run, slot, data);
      } else if (cursor.phase === 'missing') {
        if (cursor.missingIds.length === 0) {
          await this.checkpoint(run, { ...cursor, phase: 'versions' });
          continue;
        }
        const ids = cursor.missingIds.slice(0, SEARCH_MAX_WITH_FIELDS);
        const jql = `project = ${jqlString(this.project.key)} AND id in (${ids.join(', ')}) ORDER BY key ASC`;
        const issues: JiraIssue[] = [];
        for await (const page of searchIssuePages(this.client, { jql, fields: issueFieldsFor(await this.metricFields()) }, metricIssueSchema)) issues.push(...page);
        data = await this.mergeBatch(data, issues, slot);
        await this.checkpoint(run, { ...cursor, missingIds: cursor.missingIds.slice(ids.length) });
      } else {
        return this.completeWithVersions(run, slot, data, versionsAhead, renamed);
      }
    }
  }

  private async completeWithVersions(run: SyncInProgress, slot: ProjectDataSlot, read: ProjectData, versionsAhead: Promise<JiraVersion[]>, renamed: boolean): Promise<'done'> {
    const versions = (await versionsAhead).map(normalizeVersion);
    // A first fetch is published with its versions in complete(); an incremental run saves only a change.
    const changed = JSON.stringify(versions) !== JSON.stringify(read.versions);
    const data = { ...read, versions };
    if ((changed || renamed) && run.kind === 'incremental') await saveProjectData(data, slot, this.options.nowMs);
    await this.complete(run, data);
    return 'done';
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
   * The issues phase: search pages gathered into batches; each batch merged, saved, then checkpointed
   * with the token of the page after it. 'paused' when time ran low (work since the checkpoint is
   * dropped); 'in memory' when the whole read is one batch of a first sync, kept unsaved for complete().
   */
  private async readIssues(run: SyncInProgress, slot: ProjectDataSlot, start: ProjectData, update: (data: ProjectData) => void): Promise<'saved' | 'in memory' | 'paused'> {
    const clauses = [`project = ${jqlString(this.project.key)}`];
    // An unquoted number is epoch milliseconds in JQL: no time zone or minute rounding to get wrong.
    if (run.cursor.updatedFromMs !== null) clauses.push(`updated >= ${Math.floor(run.cursor.updatedFromMs)}`);
    const jql = `${clauses.join(' AND ')} ORDER BY key ASC`;
    const fields = issueFieldsFor(await this.metricFields());
    const batchSize = this.options.batchIssues ?? DEFAULT_BATCH_ISSUES;

    let data = start;
    let token = run.cursor.nextPageToken;
    const firstBatch = token === null && start.items.length === 0;
    let batch: JiraIssue[] = [];
    for (;;) {
      if (this.timeLow()) {
        // Keep what is read (one more bulkfetch): a run that always pauses mid-batch would never get further.
        if (batch.length > 0) {
          data = await this.mergeBatch(data, batch, slot);
          update(data);
          await this.checkpoint(run, { ...run.cursor, nextPageToken: token });
        }
        return 'paused';
      }
      const page = await searchPageFrom(this.client, jql, fields, token, batch.length === 0);
      if (page === null) {
        token = null;
        continue;
      }
      batch.push(...page.issues);
      const last = page.isLast === true || page.nextPageToken === undefined;
      token = last ? null : (page.nextPageToken ?? null);
      if (batch.length >= batchSize || last) {
        // A first fetch read in one batch goes straight to the main slot when the run completes.
        const staged = !(firstBatch && last && run.kind === 'full');
        if (batch.length > 0) {
          data = await this.mergeBatch(data, batch, slot, staged);
          update(data);
        }
        batch = [];
        if (last) return staged ? 'saved' : 'in memory';
        await this.checkpoint(run, { ...run.cursor, nextPageToken: token });
      }
    }
  }

  /** Ids-only pass over the whole project (not resumable inside: it is a few cheap requests). */
  private async fullPass(run: SyncInProgress, slot: ProjectDataSlot, data: ProjectData): Promise<ProjectData> {
    const inJira = new Set<string>();
    const jql = `project = ${jqlString(this.project.key)} ORDER BY key ASC`;
    for await (const page of searchIssuePages(this.client, { jql, fields: ['id', 'key'], pageSize: SEARCH_MAX_ID_ONLY }, idOnlySchema)) {
      for (const issue of page) inJira.add(issue.id);
    }
    const gone = data.items.filter((item) => !inJira.has(item.id));
    const stored = new Set(data.items.map((item) => item.id));
    const missing = [...inJira].filter((id) => !stored.has(id) && /^\d+$/.test(id));
    let next = data;
    if (gone.length > 0) {
      const goneKeys = new Set(gone.map((item) => item.key));
      next = canonical({ ...data, items: data.items.filter((item) => inJira.has(item.id)), worklogs: data.worklogs.filter((worklog) => !goneKeys.has(worklog.issueKey)) });
      await saveProjectData(next, slot, this.options.nowMs);
      this.changedItems += gone.length;
    }
    await this.checkpoint(run, { ...run.cursor, phase: 'missing', missingIds: missing });
    return next;
  }

  /** Reads the batch's histories, normalizes it, merges it into `data` and saves it (unless `save` is false). */
  private async mergeBatch(data: ProjectData, issues: readonly JiraIssue[], slot: ProjectDataSlot, save = true): Promise<ProjectData> {
    if (issues.length === 0) return data;
    const items = await normalizeBatch(this.client, issues, await this.metricFields(), this.categories, this.options.concurrency ?? DEFAULT_CONCURRENCY);
    const merged = mergeItems(data, items);
    if (save) await saveProjectData(merged, slot, this.options.nowMs);
    this.changedItems += items.length;
    return merged;
  }

  private async complete(run: SyncInProgress, data: ProjectData): Promise<void> {
    // Publish before the checkpoint says done; staging goes last, so a crash in between loses nothing.
    if (run.kind === 'full') await saveProjectData(data, 'main', this.options.nowMs);
    this.state = {
      ...this.state,
      lastCompleteSyncMs: run.startedMs,
      watermarkMs: run.startedMs,
      lastFullPassMs: run.kind === 'full' || run.cursor.fullPass ? run.startedMs : this.state.lastFullPassMs,
      inProgress: null,
      lastError: null,
      statusCategories: Object.fromEntries(this.categories),
    };
    await setSyncState(this.state);
    if (run.kind === 'full') await deleteProjectData(this.project.key, 'staging');
  }

  private async checkpoint(run: SyncInProgress, cursor: SyncCursor): Promise<void> {
    run.cursor = cursor;
    run.stage = cursor.phase;
    this.state = { ...this.state, inProgress: run, statusCategories: Object.fromEntries(this.categories) };
    await setSyncState(this.state);
  }

  private async metricFields(): Promise<MetricFieldIds> {
    this.fieldIds ??= resolveMetricFields(await getFields(this.client));
    return this.fieldIds;
  }

  private timeLow(): boolean {
    return (this.options.remainingTimeMs?.() ?? Number.POSITIVE_INFINITY) < PAUSE_BELOW_MS;
  }

  private emptyData(startedMs: number): ProjectData {
    return { key: this.project.key, name: this.project.name, portfolio: this.project.portfolio, createdMs: startedMs, items: [], worklogs: [], versions: [] };
  }
}

/**
 * A batch of searched issues as work items: their status and due-date histories in one bulkfetch, the
 * category of every status they name (learnt into `categories`, looked up on the site when unseen).
 */
export async function normalizeBatch(
  client: JiraClient,
  issues: readonly JiraIssue[],
  fieldIds: MetricFieldIds,
  categories: Map<string, StatusCategory>,
  concurrency = DEFAULT_CONCURRENCY,
): Promise<WorkItem[]> {
  const histories = await bulkFetchChangelogs(client, issues.map((issue) => issue.id), CHANGELOG_FIELDS);
  await learnStatusCategories(client, issues, histories, categories, concurrency);
  return issues.map((issue) => normalizeIssue(issue, fieldIds, categories, histories.get(issue.id) ?? []));
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

/**
 * One order whatever the order of the reads: items by key as Jira's ORDER BY key sorts them, worklogs by
 * item, start, then id (per-issue reads and worklog/list pages order same-instant worklogs differently),
 * none of an item not stored.
 */
export function canonical(data: ProjectData): ProjectData {
  const items = [...data.items].sort((a, b) => compareIssueKeys(a.key, b.key));
  const position = new Map(items.map((item, index) => [item.key, index]));
  const worklogs = data.worklogs
    .filter((worklog) => position.has(worklog.issueKey))
    .sort((a, b) => (position.get(a.issueKey) ?? 0) - (position.get(b.issueKey) ?? 0) || a.startedMs - b.startedMs || compareWorklogIds(a.id, b.id));
  const createdMs = items.length > 0 ? Math.min(...items.map((item) => item.createdMs)) : data.createdMs;
  return { ...data, createdMs, items, worklogs };
}

/** Jira's numeric worklog ids by number; worklogs without an id keep their place after those with one. */
function compareWorklogIds(a: string | undefined, b: string | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** PROJ-9 before PROJ-10: the project part as text, the number as a number. */
export function compareIssueKeys(a: string, b: string): number {
  const split = (key: string): [string, number] => {
    const at = key.lastIndexOf('-');
    return at < 0 ? [key, 0] : [key.slice(0, at), Number(key.slice(at + 1))];
  };
  const [projectA, numberA] = split(a);
  const [projectB, numberB] = split(b);
  return projectA < projectB ? -1 : projectA > projectB ? 1 : numberA - numberB;
}


/** Counts requests (not retries) and forwards them to the caller's client, which keeps its retries. */
class CountingClient extends JiraClient {
  requests = 0;

  constructor(private readonly inner: JiraClient) {
    super(() => Promise.reject(new Error('CountingClient forwards every request')));
  }

  override get<S extends z.ZodType>(path: Route, schema: S): Promise<z.output<S>> {
    this.requests++;
    return this.inner.get(path, schema);
  }

  override post<S extends z.ZodType>(path: Route, body: unknown, schema: S): Promise<z.output<S>> {
    this.requests++;
    return this.inner.post(path, body, schema);
  }
}
