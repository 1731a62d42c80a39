/**
 * What the sync knows about the site as a whole, in Forge KVS (key space `site:`), see docs/storage.md:
 * the category of each status and when Jira's status list was last read; the site's projects and metric
 * fields, read at most daily (or when a project or field event says they changed), so that an hourly
 * round in which nothing changed reads neither.
 */
import { kvs } from '@forge/kvs';
import type { MetricFieldIds } from '../jira/fields';
import type { StatusCategory } from '../metrics/model';
import type { ProjectIdentity } from '../metrics/summary';

export interface StatusCatalog {
  /** Status id -> category, from Jira's status list and from the statuses Jira renders in its answers. */
  categories: Record<string, StatusCategory>;
  /** When GET /status was last read, and for which round (null: outside a round); null before the first read. */
  listRead: { atMs: number; roundId: string | null } | null;
}

const STATUSES_KEY = 'site:statuses';

export async function getStatusCatalog(): Promise<StatusCatalog> {
  return (await kvs.get<StatusCatalog>(STATUSES_KEY)) ?? { categories: {}, listRead: null };
}

/** Jobs write it concurrently: a lost addition is only learnt again. */
export async function setStatusCatalog(catalog: StatusCatalog): Promise<void> {
  await kvs.set(STATUSES_KEY, catalog);
}

export interface ProjectCatalog {
  projects: ProjectIdentity[];
  fieldIds: MetricFieldIds;
  readAtMs: number;
  /** Set by a project or field event: the next round reads the catalog again. */
  staleSinceMs: number | null;
}

interface CatalogHead {
  parts: number;
  fieldIds: MetricFieldIds;
  readAtMs: number;
}

const CATALOG_KEY = 'site:projects';
const STALE_KEY = 'site:projects:stale';
const catalogPartKey = (part: number): string => `site:projects:${part}`;
/** Identities are ~150 bytes: 500 to a value stays far under 240 KiB. */
const PROJECTS_PER_PART = 500;

export async function getProjectCatalog(): Promise<ProjectCatalog | null> {
  const [head, stale] = await Promise.all([kvs.get<CatalogHead>(CATALOG_KEY), kvs.get<{ atMs: number }>(STALE_KEY)]);
  if (!head) return null;
  const parts = await Promise.all(Array.from({ length: head.parts }, (_, part) => kvs.get<ProjectIdentity[]>(catalogPartKey(part))));
  if (parts.some((part) => part === undefined)) return null;
  return { projects: parts.flatMap((part) => part ?? []), fieldIds: head.fieldIds, readAtMs: head.readAtMs, staleSinceMs: stale?.atMs ?? null };
}

/** The site's metric fields as the catalog last read them (one small read), or null before the first round. */
export async function getCatalogFieldIds(): Promise<MetricFieldIds | null> {
  return (await kvs.get<CatalogHead>(CATALOG_KEY))?.fieldIds ?? null;
}

/** Parts first, the head last: a reader finds the old catalog or the new one. */
export async function setProjectCatalog(projects: readonly ProjectIdentity[], fieldIds: MetricFieldIds, readAtMs: number): Promise<void> {
  const parts = Math.max(1, Math.ceil(projects.length / PROJECTS_PER_PART));
  for (let part = 0; part < parts; part++) await kvs.set(catalogPartKey(part), projects.slice(part * PROJECTS_PER_PART, (part + 1) * PROJECTS_PER_PART));
  await kvs.set<CatalogHead>(CATALOG_KEY, { parts, fieldIds, readAtMs });
  // A change announced while the catalog was being read is read again next time.
  const stale = await kvs.get<{ atMs: number }>(STALE_KEY);
  if (stale && stale.atMs <= readAtMs) await kvs.delete(STALE_KEY);
}

/** A project or a field was created, changed or deleted: the next round reads the catalog again. */
export async function markCatalogStale(atMs: number): Promise<void> {
  await kvs.set(STALE_KEY, { atMs });
}
