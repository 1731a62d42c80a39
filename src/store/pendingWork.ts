/**
 * Work asked for between rounds, in Forge KVS (key space `pending:`), see docs/sync.md:
 *
 * - `pending:refresh:{KEY}`: a product event queued the project's own small sync; while the mark
 *   exists, further events of the project queue nothing (a burst becomes one job). Written only if
 *   absent, with a TTL, so a job that never ran cannot silence the project for long.
 * - `pending:fullpass:{KEY}`: an issue was deleted: the next refresh also runs the ids-only pass.
 * - `pending:recompute:{KEY}`: the project's figures must be recomputed from its stored data (its
 *   settings changed); the recompute job, or the next round, clears it.
 */
import { kvs, WhereConditions } from '@forge/kvs';

const refreshKey = (projectKey: string): string => `pending:refresh:${projectKey}`;
const fullPassKey = (projectKey: string): string => `pending:fullpass:${projectKey}`;
const RECOMPUTE_PREFIX = 'pending:recompute:';
/** Longer than any debounce and job: a mark older than this belongs to a job that was lost. */
const REFRESH_MARK_TTL = { ttl: { value: 10, unit: 'MINUTES' as const } };
const FULL_PASS_TTL = { ttl: { value: 1, unit: 'DAYS' as const } };

/** Whether this call queued the project's refresh (true) or one was already waiting (false). */
export async function claimRefresh(projectKey: string, atMs: number): Promise<boolean> {
  try {
    await kvs.set(refreshKey(projectKey), { atMs }, { ...REFRESH_MARK_TTL, keyPolicy: 'FAIL_IF_EXISTS' });
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'KEY_ALREADY_EXISTS') return false;
    throw error;
  }
}

/** Lets the next event queue a refresh again (the job has started, or its push failed). */
export async function releaseRefresh(projectKey: string): Promise<void> {
  await kvs.delete(refreshKey(projectKey));
}

export async function requestFullPass(projectKey: string, atMs: number): Promise<void> {
  await kvs.set(fullPassKey(projectKey), { atMs }, FULL_PASS_TTL);
}

/** Whether a full pass was asked for; the request is taken (deleted). */
export async function takeFullPass(projectKey: string): Promise<boolean> {
  const found = await kvs.get(fullPassKey(projectKey));
  if (found === undefined) return false;
  await kvs.delete(fullPassKey(projectKey));
  return true;
}

export interface RecomputeRequest {
  reason: string;
  atMs: number;
}

export async function requestRecompute(projectKeys: readonly string[], reason: string, atMs: number): Promise<void> {
  for (let start = 0; start < projectKeys.length; start += 25) {
    const result = await kvs.batchSet(projectKeys.slice(start, start + 25).map((key) => ({ key: `${RECOMPUTE_PREFIX}${key}`, value: { reason, atMs } satisfies RecomputeRequest })));
    if (result.failedKeys.length > 0) throw new Error(`asking for a recompute failed: ${result.failedKeys[0].error.message}`);
  }
}

/** Project key -> the recompute asked for it and not done yet. */
export async function recomputeRequests(): Promise<Map<string, RecomputeRequest>> {
  const found = new Map<string, RecomputeRequest>();
  let cursor: string | undefined;
  do {
    let query = kvs.query().where('key', WhereConditions.beginsWith(RECOMPUTE_PREFIX)).limit(100);
    if (cursor) query = query.cursor(cursor);
    const page = await query.getMany<RecomputeRequest>();
    for (const result of page.results) found.set(result.key.slice(RECOMPUTE_PREFIX.length), result.value);
    cursor = page.nextCursor;
  } while (cursor);
  return found;
}

/** Done: only a request not newer than the recompute that handled it is cleared. */
export async function clearRecompute(projectKey: string, handledAtMs: number): Promise<void> {
  const found = await kvs.get<RecomputeRequest>(`${RECOMPUTE_PREFIX}${projectKey}`);
  if (found && found.atMs <= handledAtMs) await kvs.delete(`${RECOMPUTE_PREFIX}${projectKey}`);
}
