/**
 * The per-project sync checkpoint in Forge KVS (`project:{KEY}:sync`): where the last complete sync
 * left off, and, while a run is under way, enough to resume it (see src/sync/job.ts).
 */
import { kvs } from '@forge/kvs';
import type { StatusCategory } from '../metrics/model';

/** Which issues a run is reading: every issue of the project, or those updated since the watermark. */
export type SyncPhase = 'issues' | 'ids' | 'missing' | 'versions';

export interface SyncCursor {
  phase: SyncPhase;
  /** search/jql's token for the first page not yet merged; null: from the start. */
  nextPageToken: string | null;
  /** The instant the incremental search reads from (watermark - overlap), fixed for the whole run. */
  updatedFromMs: number | null;
  /** Whether this run ends with the ids-only pass that drops deleted and moved items. */
  fullPass: boolean;
  /** Ids in Jira the full pass found missing from the stored data, still to be read. */
  missingIds: string[];
}

export interface SyncInProgress {
  /** 'full': the first fetch of the project (into the staging slot); 'incremental': changes since the watermark. */
  kind: 'full' | 'incremental';
  /** When the run began: it becomes the next watermark, so edits made while it ran are read again next time. */
  startedMs: number;
  stage: SyncPhase;
  cursor: SyncCursor;
}

export interface SyncState {
  projectKey: string;
  lastCompleteSyncMs: number | null;
  lastFullPassMs: number | null;
  /** The `updated` instant the next incremental run starts from (less the overlap). */
  watermarkMs: number | null;
  inProgress: SyncInProgress | null;
  lastError: { message: string; atMs: number } | null;
  /** Status id -> category learnt so far, so histories naming old statuses are not looked up every run. */
  statusCategories: Record<string, StatusCategory>;
}

export const syncStateKey = (projectKey: string): string => `project:${projectKey}:sync`;

export function emptySyncState(projectKey: string): SyncState {
  return { projectKey, lastCompleteSyncMs: null, lastFullPassMs: null, watermarkMs: null, inProgress: null, lastError: null, statusCategories: {} };
}

/** The project's checkpoint; a fresh one when the project was never synced. */
export async function getSyncState(projectKey: string): Promise<SyncState> {
  const stored = await kvs.get<SyncState>(syncStateKey(projectKey));
  return stored ? { ...emptySyncState(projectKey), ...stored } : emptySyncState(projectKey);
}

export async function setSyncState(state: SyncState): Promise<void> {
  await kvs.set(syncStateKey(state.projectKey), state);
}

export async function deleteSyncState(projectKey: string): Promise<void> {
  await kvs.delete(syncStateKey(projectKey));
}
