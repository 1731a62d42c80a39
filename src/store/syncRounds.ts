/**
 * The sync rounds' bookkeeping in Forge KVS (key space `sync:`), plus the per-project worklog inbox
 * (`project:{KEY}:inbox:`). See docs/sync.md for how a round runs.
 *
 * - `sync:round:{id}`: the round (who started it, its projects, the site's metric fields).
 * - `sync:round:{id}:step:{issues|worklogs}`: a site-wide step is done (or gave up, with the reason).
 * - `sync:round:{id}:synced:{KEY}` / `:done:{KEY}`: a project's own reads are done / its snapshot is
 *   written (or its failure recorded). Marks are separate keys so concurrent jobs never write one value.
 * - `sync:latest`: the latest round's id, for the page.
 * - `sync:dirty:{KEY}`: a product event said the project changed; the next round takes it first.
 * - `sync:issues` / `sync:worklogs`: where the site-wide issue and worklog steps resume.
 * - `sync:round:{id}:touched:…` / `:quiet:…`: the projects a step put inbox entries for / the projects
 *   done without a finish (nothing of theirs changed), so a round costs what changed.
 * - `project:{KEY}:issues:` / `project:{KEY}:inbox:`: what those steps read for the project, waiting for
 *   its finish to merge it.
 */
import { kvs, WhereConditions } from '@forge/kvs';
import type { SyncProgress } from '../shared/contract';
import type { MetricFieldIds } from '../jira/fields';
import type { StatusCategory, WorkItem, Worklog } from '../metrics/model';
import type { ProjectIdentity } from '../metrics/summary';

export type RoundTrigger = SyncProgress['trigger'];

export interface SyncRound {
  roundId: string;
  trigger: RoundTrigger;
  startedMs: number;
  /** Who pressed Refresh now; null for the schedule. */
  requestedBy: string | null;
  projectKeys: string[];
  /** Jira's ids of `projectKeys`, in the same order: what a viewer's permission check takes. */
  projectIds: string[];
  /** The site's metric fields, looked up once for the whole round. */
  fieldIds: MetricFieldIds | null;
}

export interface DoneMark {
  atMs: number;
  /** Why the project's sync failed; null when its snapshot was written. */
  failure: string | null;
  /** When the mark was written (the job's atMs is when it started): when the round was done with the project. */
  writtenMs?: number;
}

export interface WorklogSyncState {
  /** worklog/updated's `since` for the next page (epoch ms); 0 before the first complete read. */
  sinceMs: number;
  /** Set while a round's step is under way: the pages it has merged so far. */
  roundId: string | null;
  pagesRead: number;
}

export interface IssueScanState {
  /** The instant the next issue step reads from (less the overlap); null before the first round. */
  sinceMs: number | null;
  /** A step under way: where it reads from and the next page. */
  run: { roundId: string; startedMs: number; fromMs: number; nextPageToken: string | null } | null;
  /** No longer written (the site's statuses are kept in site:statuses); {} in every state written now. */
  statusCategories: Record<string, StatusCategory>;
}

/** Issues the site-wide step read for one project, waiting to be merged. */
export interface IssueInbox {
  items: WorkItem[];
}

/** Worklogs the site-wide step found for one project's issues, waiting to be merged. */
export interface WorklogInbox {
  worklogs: Worklog[];
}

const QUERY_LIMIT = 100;
/** A round's records expire a week after their last write: progress is asked for minutes, not weeks. */
const ROUND_TTL = { ttl: { value: 7, unit: 'DAYS' as const } };
const roundKey = (roundId: string): string => `sync:round:${roundId}`;
const syncedKey = (roundId: string, projectKey: string): string => `${roundKey(roundId)}:synced:${projectKey}`;
const doneKey = (roundId: string, projectKey: string): string => `${roundKey(roundId)}:done:${projectKey}`;
const dirtyPrefix = 'sync:dirty:';
const LATEST_KEY = 'sync:latest';
export const WORKLOG_STEP_KEY = 'sync:worklogs';
export const ISSUE_STEP_KEY = 'sync:issues';
const inboxPrefix = (projectKey: string): string => `project:${projectKey}:inbox:`;
const issueInboxPrefix = (projectKey: string): string => `project:${projectKey}:issues:`;

/** Every key under a prefix, with values, following the cursor (100 a call). */
async function keysWithPrefix<T>(prefix: string): Promise<{ key: string; value: T }[]> {
  const found: { key: string; value: T }[] = [];
  let cursor: string | undefined;
  do {
    let query = kvs.query().where('key', WhereConditions.beginsWith(prefix)).limit(QUERY_LIMIT);
    if (cursor) query = query.cursor(cursor);
    const page = await query.getMany<T>();
    found.push(...page.results);
    cursor = page.nextCursor;
  } while (cursor);
  return found;
}

/** The latest round in one value: the page reads it with its snapshots in one call. */
export interface LatestRound {
  roundId: string;
  trigger: RoundTrigger;
  startedMs: number;
  requestedBy: string | null;
  total: number;
  /** The round's project ids, so the page counts only those the viewer may browse. */
  projectIds: string[];
}

/** A round's projects in order, 50 to a value (~7.5 KiB): each project job reads the part that holds it. */
const PROJECTS_PER_VALUE = 50;
const projectsKey = (roundId: string, part: number): string => `${roundKey(roundId)}:projects:${part}`;

/** A project of a round, and whether it must read itself (a version event said its versions changed). */
export interface RoundProject {
  project: ProjectIdentity;
  readProject: boolean;
}

export async function saveRoundProjects(roundId: string, projects: readonly RoundProject[]): Promise<void> {
  for (let start = 0; start < projects.length; start += PROJECTS_PER_VALUE) {
    await kvs.set(projectsKey(roundId, start / PROJECTS_PER_VALUE), projects.slice(start, start + PROJECTS_PER_VALUE), ROUND_TTL);
  }
}

/** The round's project at `index` (its position in the round's order). */
export async function roundProjectAt(roundId: string, index: number): Promise<RoundProject | undefined> {
  const part = await kvs.get<RoundProject[]>(projectsKey(roundId, Math.floor(index / PROJECTS_PER_VALUE)));
  return part?.[index % PROJECTS_PER_VALUE];
}

const claimKey = (roundId: string, index: number): string => `${roundKey(roundId)}:claim:${index}`;

/**
 * Claims the first of the round's projects from `from` on that no job has claimed, or null when none
 * is left. A claim is a write that fails when the key exists, so two jobs never take one project.
 */
export async function claimNextProject(roundId: string, from: number, total: number): Promise<number | null> {
  // Where the last claim ended: only a hint (jobs write it concurrently), it saves trying taken ones.
  const hint = (await kvs.get<number>(`${roundKey(roundId)}:next`)) ?? 0;
  for (let index = Math.max(from, hint); index < total; index++) {
    try {
      await kvs.set(claimKey(roundId, index), { atMs: Date.now() }, { ...ROUND_TTL, keyPolicy: 'FAIL_IF_EXISTS' });
      await kvs.set(`${roundKey(roundId)}:next`, index + 1, ROUND_TTL);
      return index;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'KEY_ALREADY_EXISTS') throw error;
    }
  }
  return null;
}

export async function createRound(round: SyncRound): Promise<void> {
  await kvs.set(roundKey(round.roundId), round, ROUND_TTL);
  const latest: LatestRound = {
    roundId: round.roundId,
    trigger: round.trigger,
    startedMs: round.startedMs,
    requestedBy: round.requestedBy,
    total: round.projectKeys.length,
    projectIds: round.projectIds,
  };
  await kvs.set(LATEST_KEY, latest);
}

export function getRound(roundId: string): Promise<SyncRound | undefined> {
  return kvs.get<SyncRound>(roundKey(roundId));
}

export async function getLatestRound(): Promise<LatestRound | null> {
  return (await kvs.get<LatestRound>(LATEST_KEY)) ?? null;
}

const stepKey = (roundId: string, step: 'issues' | 'worklogs'): string => `${roundKey(roundId)}:step:${step}`;

/** A site-wide step is done (with the reason when it gave up). Its own key: the two steps finish concurrently. */
export async function markStepDone(roundId: string, step: 'issues' | 'worklogs', atMs: number, error: string | null): Promise<void> {
  await kvs.set(stepKey(roundId, step), { atMs, error }, ROUND_TTL);
}

/** Both site-wide steps of the round, once both are done; null while either runs. */
export async function stepsDone(roundId: string): Promise<{ errors: string[] } | null> {
  const [issues, worklogs] = await Promise.all([
    kvs.get<{ atMs: number; error: string | null }>(stepKey(roundId, 'issues')),
    kvs.get<{ atMs: number; error: string | null }>(stepKey(roundId, 'worklogs')),
  ]);
  if (!issues || !worklogs) return null;
  return { errors: [issues.error, worklogs.error].filter((error): error is string => error !== null) };
}

const troubleKey = (roundId: string, projectKey: string): string => `${roundKey(roundId)}:trouble:${projectKey}`;

/** A site-wide step could not read some of the project's data this round: its snapshot will say why. */
export async function markTrouble(roundId: string, projectKey: string, reason: string): Promise<void> {
  await kvs.set(troubleKey(roundId, projectKey), { reason }, ROUND_TTL);
}

export async function troubleOf(roundId: string, projectKey: string): Promise<string | null> {
  return (await kvs.get<{ reason: string }>(troubleKey(roundId, projectKey)))?.reason ?? null;
}

/** The mark carries the project, so whoever finishes it later needs no other read. */
export async function markSynced(roundId: string, project: ProjectIdentity, atMs: number): Promise<void> {
  await kvs.set(syncedKey(roundId, project.key), { atMs, project }, ROUND_TTL);
}

export async function syncedProjects(roundId: string): Promise<ProjectIdentity[]> {
  return (await keysWithPrefix<{ atMs: number; project: ProjectIdentity }>(`${roundKey(roundId)}:synced:`)).map(({ value }) => value.project);
}

export async function markDone(roundId: string, projectKey: string, mark: DoneMark): Promise<void> {
  await kvs.set(doneKey(roundId, projectKey), { ...mark, writtenMs: Date.now() }, ROUND_TTL);
}

export async function doneMarks(roundId: string): Promise<Map<string, DoneMark>> {
  const prefix = `${roundKey(roundId)}:done:`;
  return new Map((await keysWithPrefix<DoneMark>(prefix)).map(({ key, value }) => [key.slice(prefix.length), value]));
}

/**
 * The round's progress over `visibleKeys` only (the projects the viewer may browse): a person is
 * never told how many other projects a round covers or how they fared.
 */
export function progressOf(round: SyncRound, done: ReadonlyMap<string, DoneMark>, visibleKeys: ReadonlySet<string>): SyncProgress {
  const visible = round.projectKeys.filter((key) => visibleKeys.has(key));
  const inRound = visible.filter((key) => done.has(key));
  const failed = inRound.filter((key) => done.get(key)?.failure !== null).length;
  return {
    roundId: round.roundId,
    trigger: round.trigger,
    startedAt: new Date(round.startedMs).toISOString(),
    total: visible.length,
    done: inRound.length,
    failed,
    finished: inRound.length >= visible.length,
  };
}

/** The round's progress over `visibleKeys`; null when there is no such round. */
export async function roundProgress(roundId: string, visibleKeys: (round: SyncRound) => Promise<ReadonlySet<string>>): Promise<SyncProgress | null> {
  return (await roundStatus(roundId, visibleKeys))?.progress ?? null;
}

/** The round's progress, and when it was last done with a project (null while with none). */
export async function roundStatus(
  roundId: string,
  visibleKeys: (round: SyncRound) => Promise<ReadonlySet<string>>,
): Promise<{ progress: SyncProgress; lastDoneMs: number | null } | null> {
  const round = await getRound(roundId);
  if (!round) return null;
  const [done, visible] = await Promise.all([doneMarks(roundId), visibleKeys(round)]);
  const times = [...done.values()].map((mark) => mark.writtenMs ?? mark.atMs);
  return { progress: progressOf(round, done, visible), lastDoneMs: times.length > 0 ? Math.max(...times) : null };
}

/**
 * Who is starting a refresh of one set of projects: the first caller claims it with a write that
 * fails when the key exists, so simultaneous Refresh now calls over the same projects start one
 * round and the others join it. `generation` is the round the claim follows (none for the first).
 */
export interface RefreshClaim {
  roundId: string;
  startedMs: number;
  trigger: RoundTrigger;
  total: number;
}

const refreshKey = (projectsHash: string): string => `sync:refresh:${projectsHash}`;
const refreshClaimKey = (projectsHash: string, after: string): string => `${refreshKey(projectsHash)}:after:${after}`;

/** The refresh that last claimed this set of projects. */
export async function currentRefresh(projectsHash: string): Promise<RefreshClaim | undefined> {
  return kvs.get<RefreshClaim>(refreshKey(projectsHash));
}

/**
 * Claims the refresh that follows `after` (the round id the caller saw last, or null): the claim
 * itself when the caller is first, else the claim of whoever was.
 */
export async function claimRefresh(projectsHash: string, after: string | null, claim: RefreshClaim): Promise<{ won: boolean; claim: RefreshClaim }> {
  const key = refreshClaimKey(projectsHash, after ?? 'none');
  try {
    await kvs.set(key, claim, { ...ROUND_TTL, keyPolicy: 'FAIL_IF_EXISTS' });
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'KEY_ALREADY_EXISTS') throw error;
    const winner = await kvs.get<RefreshClaim>(key);
    if (winner) return { won: false, claim: winner };
    throw error;
  }
  await kvs.set(refreshKey(projectsHash), claim, ROUND_TTL);
  return { won: true, claim };
}

export interface DirtyMark {
  atMs: number;
  /** The change is one the site-wide steps do not see (its versions): the project reads itself. */
  readProject: boolean;
}

/** Keeps the first instant and any request to read the project, whatever marks came in between. */
export async function markDirty(projectKey: string, atMs: number, readProject = false): Promise<void> {
  const key = `${dirtyPrefix}${projectKey}`;
  const previous = await kvs.get<DirtyMark>(key);
  await kvs.set(key, { atMs: previous?.atMs ?? atMs, readProject: readProject || previous?.readProject === true });
}

/** Project key -> its dirty mark since its last round. */
export async function dirtyProjects(): Promise<Map<string, DirtyMark>> {
  return new Map((await keysWithPrefix<DirtyMark>(dirtyPrefix)).map(({ key, value }) => [key.slice(dirtyPrefix.length), value]));
}

export async function clearDirty(projectKeys: readonly string[]): Promise<void> {
  await Promise.all(projectKeys.map((key) => kvs.delete(`${dirtyPrefix}${key}`)));
}

export async function getIssueScanState(): Promise<IssueScanState> {
  return (await kvs.get<IssueScanState>(ISSUE_STEP_KEY)) ?? { sinceMs: null, run: null, statusCategories: {} };
}

export async function setIssueScanState(state: IssueScanState): Promise<void> {
  await kvs.set(ISSUE_STEP_KEY, state);
}

export async function addToIssueInbox(projectKey: string, part: string, inbox: IssueInbox): Promise<void> {
  await kvs.set(`${issueInboxPrefix(projectKey)}${part}`, inbox);
}

export async function readIssueInbox(projectKey: string): Promise<{ key: string; value: IssueInbox }[]> {
  return keysWithPrefix<IssueInbox>(issueInboxPrefix(projectKey));
}

export async function getWorklogSyncState(): Promise<WorklogSyncState> {
  return (await kvs.get<WorklogSyncState>(WORKLOG_STEP_KEY)) ?? { sinceMs: 0, roundId: null, pagesRead: 0 };
}

export async function setWorklogSyncState(state: WorklogSyncState): Promise<void> {
  await kvs.set(WORKLOG_STEP_KEY, state);
}

/** `part` orders a project's inbox entries: later parts hold later edits. */
export async function addToInbox(projectKey: string, part: string, inbox: WorklogInbox): Promise<void> {
  await kvs.set(`${inboxPrefix(projectKey)}${part}`, inbox);
}

export async function readInbox(projectKey: string): Promise<{ key: string; value: WorklogInbox }[]> {
  return keysWithPrefix<WorklogInbox>(inboxPrefix(projectKey));
}

export async function deleteInboxEntries(keys: readonly string[]): Promise<void> {
  // batchDelete takes 25 keys a call.
  for (let start = 0; start < keys.length; start += 25) await kvs.batchDelete(keys.slice(start, start + 25).map((key) => ({ key })));
}

const touchedPrefix = (roundId: string): string => `${roundKey(roundId)}:touched:`;

/**
 * A site-wide step put data of these projects in their inboxes (one record per step and part, so the
 * steps' concurrent writes never meet): the round finishes those projects, and no others for this.
 */
export async function markTouched(roundId: string, step: 'issues' | 'worklogs', part: string, projectKeys: readonly string[]): Promise<void> {
  await kvs.set(`${touchedPrefix(roundId)}${step}:${part}`, [...projectKeys], ROUND_TTL);
}

/** Every project a site-wide step of the round put data in the inbox of. */
export async function touchedProjects(roundId: string): Promise<Set<string>> {
  return new Set((await keysWithPrefix<string[]>(touchedPrefix(roundId))).flatMap(({ value }) => value));
}

/** What a project job found when it was done: the revision of the project's stored data then. */
export interface SyncedMark {
  atMs: number;
  project: ProjectIdentity;
  /** The stored data's revision after the job; the project is recomputed only when its snapshot was computed from another. */
  dataRevision?: number;
}

/** markSynced, with the revision of the project's stored data the job left. */
export async function markSyncedAt(roundId: string, project: ProjectIdentity, atMs: number, dataRevision: number | undefined): Promise<void> {
  await kvs.set<SyncedMark>(syncedKey(roundId, project.key), { atMs, project, ...(dataRevision !== undefined ? { dataRevision } : {}) }, ROUND_TTL);
}

/** Every project whose own reads are done this round, with what the job found. */
export async function syncedMarks(roundId: string): Promise<SyncedMark[]> {
  return (await keysWithPrefix<SyncedMark>(`${roundKey(roundId)}:synced:`)).map(({ value }) => value);
}

/** The same mark for many projects at once (25 a call): projects of a round that needed nothing. */
export async function markManyDone(roundId: string, projectKeys: readonly string[], mark: DoneMark): Promise<void> {
  for (let start = 0; start < projectKeys.length; start += 25) {
    const value: DoneMark = { ...mark, writtenMs: Date.now() };
    const result = await kvs.batchSet(projectKeys.slice(start, start + 25).map((key) => ({ key: doneKey(roundId, key), value, options: ROUND_TTL })));
    if (result.failedKeys.length > 0) throw new Error(`marking projects done failed: ${result.failedKeys[0].error.message}`);
  }
}

const quietPrefix = (roundId: string): string => `${roundKey(roundId)}:quiet:`;

/**
 * Projects of the round that needed no work: nothing of theirs changed, so their snapshots are not
 * rewritten. One record per writer (the settling step, or a project job done after the steps), so
 * concurrent writers never meet; the page counts them as done with the snapshots the round wrote.
 */
export async function markQuiet(roundId: string, writer: string, projectKeys: readonly string[]): Promise<void> {
  if (projectKeys.length === 0) return;
  await kvs.set(`${quietPrefix(roundId)}${writer}`, [...projectKeys], ROUND_TTL);
}

export async function quietProjects(roundId: string): Promise<Set<string>> {
  return new Set((await keysWithPrefix<string[]>(quietPrefix(roundId))).flatMap(({ value }) => value));
}

/** Every project a site-wide step isolated this round (see markTrouble). */
export async function troubledProjects(roundId: string): Promise<Set<string>> {
  const prefix = `${roundKey(roundId)}:trouble:`;
  return new Set((await keysWithPrefix<{ reason: string }>(prefix)).map(({ key }) => key.slice(prefix.length)));
}

/** Many projects' worklog inbox entries at once (25 a call): one step page's worklogs, by project. */
export async function addManyToInbox(entries: readonly { projectKey: string; part: string; inbox: WorklogInbox }[]): Promise<void> {
  for (let start = 0; start < entries.length; start += 25) {
    const result = await kvs.batchSet(entries.slice(start, start + 25).map(({ projectKey, part, inbox }) => ({ key: `${inboxPrefix(projectKey)}${part}`, value: inbox })));
    if (result.failedKeys.length > 0) throw new Error(`storing worklogs for their projects failed: ${result.failedKeys[0].error.message}`);
  }
}
