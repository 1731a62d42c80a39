/**
 * What the sync knows about the site as a whole, in Forge KVS (key space `site:`): the category of each
 * status and when Jira's status list was last read. See docs/storage.md.
 */
import { kvs } from '@forge/kvs';
import type { StatusCategory } from '../metrics/model';

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
