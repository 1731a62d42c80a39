/**
 * Per-project metric snapshots (latest) and their daily history, in Forge custom entities declared
 * in manifest.yml (app.storage.entities). Layout and limits: docs/storage.md.
 *
 * - `project-snapshot`, one per project (key: project key): the page row, the metrics summary and the
 *   freshness. A few KB whatever the project's size, so the page reads 100 projects per query.
 *   Indexed by project key (the page), by portfolio and by health (filters and alerts).
 * - `project-history`, one per project and day (key: `KEY#day`): the day's headline figures, kept
 *   HISTORY_DAYS, indexed by project and day for trends.
 */
import { kvs, WhereConditions } from '@forge/kvs';
import type { EntityQueryBuilder } from '@forge/kvs/out/interfaces/entity-query';
import type { HeadlineFigures, Health, LastWeek, PortfolioProject, ProjectMetricsSummary, SnapshotStatus } from '../shared/contract';

export const SNAPSHOT_ENTITY = 'project-snapshot';
export const HISTORY_ENTITY = 'project-history';
/** Two years of days. */
export const HISTORY_DAYS = 731;
/** Forge's largest query page. */
const QUERY_LIMIT = 100;

/** What one project's snapshot holds (entity attributes; ms instants are floats: integers are 32-bit). */
export interface ProjectSnapshot {
  projectKey: string;
  projectId: string;
  /** The portfolio's name, '' for none (an index partition cannot be null). */
  portfolio: string;
  /** RAG, or 'none' before the first metrics. */
  health: Health | 'none';
  row: PortfolioProject;
  metrics: ProjectMetricsSummary | null;
  status: SnapshotStatus;
  /** A week before `metrics`; null until the first metrics (and on snapshots written before it was kept). */
  lastWeek?: LastWeek | null;
  /** Open remaining hours of each person with work in the project: the project view adds them up across projects. */
  workload?: { accountId: string; openRemainingHours: number }[];
  /** The sync round that last wrote it, finished or failed (a refresh or a recompute between rounds keeps it). */
  roundId: string;
  updatedAtMs: number;
  /** The revision of the stored project data the metrics were computed from (absent before revisions). */
  dataRevision?: number;
}

/** One day's headline figures of a project. */
export interface HistoryPoint {
  projectKey: string;
  /** Days since 1970-01-01 (UTC). */
  day: number;
  figures: HeadlineFigures;
}

/** A point as stored: points written before criteria, EAC, the forecast and compliance were kept lack them. */
function complete(point: HistoryPoint): HistoryPoint {
  const figures: Partial<HeadlineFigures> = point.figures;
  return {
    ...point,
    figures: { ...point.figures, criteria: figures.criteria ?? [], eac: figures.eac ?? null, forecastP85: figures.forecastP85 ?? null, compliance: figures.compliance ?? null },
  };
}

const snapshots = () => kvs.entity<ProjectSnapshot>(SNAPSHOT_ENTITY);
const history = () => kvs.entity<HistoryPoint>(HISTORY_ENTITY);

export function getSnapshot(projectKey: string): Promise<ProjectSnapshot | undefined> {
  return snapshots().get(projectKey);
}

export async function setSnapshot(snapshot: ProjectSnapshot): Promise<void> {
  await snapshots().set(snapshot.projectKey, snapshot);
}

export async function deleteSnapshot(projectKey: string): Promise<void> {
  await snapshots().delete(projectKey);
}

/** Every value a query matches, 100 a platform call. */
async function allOf<T>(query: () => EntityQueryBuilder<T>): Promise<T[]> {
  const found: T[] = [];
  let cursor: string | undefined;
  do {
    let page = query().limit(QUERY_LIMIT);
    if (cursor) page = page.cursor(cursor);
    const answer = await page.getMany();
    found.push(...answer.results.map((result) => result.value));
    cursor = answer.nextCursor;
  } while (cursor);
  return found;
}

/** Every snapshot, by project key: one platform call per 100 projects. */
export function listSnapshots(): Promise<ProjectSnapshot[]> {
  return allOf(() => snapshots().query().index('projectKey'));
}

/** The snapshots of one portfolio ('' for the projects without one), or of one health. */
export function listSnapshotsBy(index: 'by-portfolio' | 'by-health', value: string): Promise<ProjectSnapshot[]> {
  return allOf(() => snapshots().query().index(index, { partition: [value] }));
}

export const historyKey = (projectKey: string, day: number): string => `${projectKey}#${day}`;

/** Writes (or rewrites: the last computation of a day wins) the day's point and drops points older than two years. */
export async function recordHistory(point: HistoryPoint): Promise<void> {
  await history().set(historyKey(point.projectKey, point.day), point);
  const expired = await history()
    .query()
    .index('by-project-day', { partition: [point.projectKey] })
    .where(WhereConditions.lessThan(point.day - HISTORY_DAYS + 1))
    .limit(QUERY_LIMIT)
    .getMany();
  // Normally none, or the one day that just fell out; a backlog goes a page per write.
  await Promise.all(expired.results.map((result) => history().delete(result.key)));
}

/** The project's points from `fromDay` on, oldest first. */
export async function readHistory(projectKey: string, fromDay: number): Promise<HistoryPoint[]> {
  const points = await allOf(() => history().query().index('by-project-day', { partition: [projectKey] }).where(WhereConditions.greaterThanEqualTo(fromDay)));
  return points.map(complete);
}

/** The project's point of one day, if the history has it. */
export async function readHistoryDay(projectKey: string, day: number): Promise<HistoryPoint | undefined> {
  const point = await history().get(historyKey(projectKey, day));
  return point ? complete(point) : undefined;
}
