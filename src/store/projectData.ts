/**
 * One project's normalized ProjectData in Forge KVS, chunked and versioned (see docs/storage.md).
 *
 * A save writes every chunk of a new generation under new keys, then switches the small head record in
 * one set, then deletes the previous generation's chunks: a reader that follows the head always finds a
 * complete generation. Chunks are split by their JSON size, never by a fixed count, so every value stays
 * well under the 240 KiB limit whatever the items hold. One writer per project is assumed (the sync job
 * of a project runs alone); readers may run at any time.
 */
import { kvs } from '@forge/kvs';
import type { ProjectData, Version, WorkItem, Worklog } from '../metrics/model';

/** Under Forge's 240 KiB by a wide margin: the limit counts the stored JSON, and keys and metadata vary. */
export const CHUNK_MAX_BYTES = 192 * 1024;
/** Chunks read at once by a load (each is one KVS read). */
const READ_CONCURRENCY = 8;
/** A load that meets a generation deleted under it (a save finished meanwhile) starts over this often. */
const LOAD_ATTEMPTS = 3;

/** 'main' is what readers see; a sync job may stage a first full fetch in 'staging' before publishing it. */
export type ProjectDataSlot = 'main' | 'staging';

export interface ProjectDataHead {
  generation: number;
  chunkCount: number;
  counts: { items: number; worklogs: number; versions: number };
  /** The project's own fields, small enough to keep with the head. */
  project: Pick<ProjectData, 'key' | 'name' | 'portfolio' | 'createdMs'>;
  savedAtMs: number;
}

interface Chunk {
  generation: number;
  index: number;
  items: WorkItem[];
  worklogs: Worklog[];
  versions: Version[];
}

/** Written before a generation's chunks, so chunks a crashed save left behind can be found and deleted. */
interface PendingRecord {
  generation: number;
  chunkCount: number;
}

function prefix(projectKey: string, slot: ProjectDataSlot): string {
  // Jira project keys are [A-Z][A-Z0-9_]*, all allowed in KVS keys; anything else would be a bug upstream.
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(projectKey)) throw new Error(`not a Jira project key: ${projectKey}`);
  return slot === 'main' ? `project:${projectKey}` : `project:${projectKey}:${slot}`;
}

export const headKey = (projectKey: string, slot: ProjectDataSlot = 'main'): string => `${prefix(projectKey, slot)}:head`;
const pendingKey = (projectKey: string, slot: ProjectDataSlot): string => `${prefix(projectKey, slot)}:pending`;
export const chunkKey = (projectKey: string, generation: number, index: number, slot: ProjectDataSlot = 'main'): string =>
  `${prefix(projectKey, slot)}:g${generation}:c${index}`;

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

/**
 * Splits the data into chunks of at most `maxBytes` of JSON each, in order (items, then worklogs, then
 * versions). Each record's size is measured; a comma per record is counted so the sum bounds the real size.
 */
export function chunkProjectData(data: ProjectData, generation: number, maxBytes = CHUNK_MAX_BYTES): Chunk[] {
  const empty = (index: number): Chunk => ({ generation, index, items: [], worklogs: [], versions: [] });
  const overhead = jsonBytes(empty(Number.MAX_SAFE_INTEGER));
  const chunks: Chunk[] = [empty(0)];
  let size = overhead;
  const add = <K extends 'items' | 'worklogs' | 'versions'>(list: K, record: Chunk[K][number]): void => {
    const bytes = jsonBytes(record) + 1;
    if (overhead + bytes > maxBytes) throw new Error(`one ${list} record of ${data.key} is ${bytes} bytes of JSON, over the chunk size ${maxBytes}`);
    if (size + bytes > maxBytes) {
      chunks.push(empty(chunks.length));
      size = overhead;
    }
    (chunks[chunks.length - 1][list] as Chunk[K][number][]).push(record);
    size += bytes;
  };
  for (const item of data.items) add('items', item);
  for (const worklog of data.worklogs) add('worklogs', worklog);
  for (const version of data.versions) add('versions', version);
  return chunks;
}

async function deleteChunks(projectKey: string, generation: number, chunkCount: number, slot: ProjectDataSlot): Promise<void> {
  const keys = Array.from({ length: chunkCount }, (_, index) => chunkKey(projectKey, generation, index, slot));
  // batchDelete takes at most 25 keys.
  for (let start = 0; start < keys.length; start += 25) {
    await kvs.batchDelete(keys.slice(start, start + 25).map((key) => ({ key })));
  }
}

/** Deletes the chunks of a save that never switched the head (it failed or was killed part way). */
async function clearAbandoned(projectKey: string, slot: ProjectDataSlot, current: ProjectDataHead | undefined): Promise<void> {
  const pending = await kvs.get<PendingRecord>(pendingKey(projectKey, slot));
  if (!pending) return;
  if (pending.generation !== current?.generation) await deleteChunks(projectKey, pending.generation, pending.chunkCount, slot);
  await kvs.delete(pendingKey(projectKey, slot));
}

/** Stores `data` as the project's new generation; readers switch to it in one step. */
export async function saveProjectData(data: ProjectData, slot: ProjectDataSlot = 'main', nowMs: number = Date.now()): Promise<ProjectDataHead> {
  const previous = await kvs.get<ProjectDataHead>(headKey(data.key, slot));
  await clearAbandoned(data.key, slot, previous);
  const generation = (previous?.generation ?? 0) + 1;
  const chunks = chunkProjectData(data, generation);
  await kvs.set<PendingRecord>(pendingKey(data.key, slot), { generation, chunkCount: chunks.length });
  for (const chunk of chunks) await kvs.set(chunkKey(data.key, generation, chunk.index, slot), chunk);
  const head: ProjectDataHead = {
    generation,
    chunkCount: chunks.length,
    counts: { items: data.items.length, worklogs: data.worklogs.length, versions: data.versions.length },
    project: { key: data.key, name: data.name, portfolio: data.portfolio, createdMs: data.createdMs },
    savedAtMs: nowMs,
  };
  await kvs.set(headKey(data.key, slot), head);
  await kvs.delete(pendingKey(data.key, slot));
  if (previous) await deleteChunks(data.key, previous.generation, previous.chunkCount, slot);
  return head;
}

export function loadProjectHead(projectKey: string, slot: ProjectDataSlot = 'main'): Promise<ProjectDataHead | undefined> {
  return kvs.get<ProjectDataHead>(headKey(projectKey, slot));
}

/** The project's current generation, or null when none was saved. */
export async function loadProjectData(projectKey: string, slot: ProjectDataSlot = 'main'): Promise<ProjectData | null> {
  for (let attempt = 1; ; attempt++) {
    const head = await loadProjectHead(projectKey, slot);
    if (!head) return null;
    const chunks = await readChunks(projectKey, head, slot);
    if (chunks) {
      const data: ProjectData = { ...head.project, items: [], worklogs: [], versions: [] };
      for (const chunk of chunks) {
        data.items.push(...chunk.items);
        data.worklogs.push(...chunk.worklogs);
        data.versions.push(...chunk.versions);
      }
      if (data.items.length !== head.counts.items || data.worklogs.length !== head.counts.worklogs || data.versions.length !== head.counts.versions) {
        throw new Error(`stored data of ${projectKey} does not match its head (generation ${head.generation})`);
      }
      return data;
    }
    // A save switched the head and deleted this generation while it was being read: read the new one.
    if (attempt >= LOAD_ATTEMPTS) throw new Error(`stored data of ${projectKey} kept changing while it was read`);
  }
}

async function readChunks(projectKey: string, head: ProjectDataHead, slot: ProjectDataSlot): Promise<Chunk[] | null> {
  const chunks: Chunk[] = [];
  for (let start = 0; start < head.chunkCount; start += READ_CONCURRENCY) {
    const indexes = Array.from({ length: Math.min(READ_CONCURRENCY, head.chunkCount - start) }, (_, offset) => start + offset);
    const read = await Promise.all(indexes.map((index) => kvs.get<Chunk>(chunkKey(projectKey, head.generation, index, slot))));
    for (const chunk of read) {
      if (!chunk || chunk.generation !== head.generation) return null;
      chunks.push(chunk);
    }
  }
  return chunks;
}

/** Deletes the project's data: the head first, so a reader either reads the whole generation or finds none. */
export async function deleteProjectData(projectKey: string, slot: ProjectDataSlot = 'main'): Promise<void> {
  const head = await loadProjectHead(projectKey, slot);
  await clearAbandoned(projectKey, slot, head);
  if (!head) return;
  await kvs.delete(headKey(projectKey, slot));
  await deleteChunks(projectKey, head.generation, head.chunkCount, slot);
}
