/**
 * One project's normalized ProjectData in Forge KVS, in buckets keyed by item (see docs/storage.md).
 *
 * Each item lives in one of the project's `buckets` buckets, chosen by a hash of its id, with its
 * worklogs; the versions have a bucket of their own. A save writes only the buckets whose content
 * changed, each under a new key that carries the save's revision, then switches the small head to that
 * revision in one set, then deletes the buckets it superseded. A reader takes, for each bucket, the
 * newest version not newer than the head it read, and checks the head's counts and checksum: it sees
 * the old or the new data, whole. An edit of one item rewrites its bucket (a few KiB) and the head,
 * whatever the project's size.
 *
 * A first sync read in several batches is staged first: each batch is appended under keys of its own
 * (a log, written once), and the whole project is published to the buckets at the end, so readers never
 * see a half-read project and a batch costs its own size. One writer per project is assumed (the jobs
 * of a project share a queue concurrency key); readers may run at any time.
 */
import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { kvs, WhereConditions } from '@forge/kvs';
import { canonical, type ProjectData, type Version, type WorkItem, type Worklog } from '../metrics/model';

/** Under Forge's 240 KiB by a wide margin: the limit counts the stored JSON, and keys and metadata vary. */
export const CHUNK_MAX_BYTES = 192 * 1024;
/**
 * A bucket part holds at most this much JSON before compression: deflate never grows JSON, and base64
 * adds a third, so the stored value stays under CHUNK_MAX_BYTES.
 */
export const PART_MAX_RAW_BYTES = 140 * 1024;
/**
 * The most JSON a bucket holds on average (half to all of it): an edit rewrites its bucket, stored
 * deflated at a fifth of this or less, so one changed item costs a few times its own size; large
 * enough that loading a project is few queries (100 buckets a query).
 */
export const BUCKET_TARGET_BYTES = 8 * 1024;
/** Buckets are re-cut (the whole project rewritten once) only when their average leaves this band around the target. */
const REBUCKET_ABOVE = 3;
const REBUCKET_BELOW = 1 / 6;
/** Queries (one per bucket) of a partial load run this many at once. */
const READ_CONCURRENCY = 8;
/** A load that meets a revision deleted under it (a save finished meanwhile) starts over this often. */
const LOAD_ATTEMPTS = 3;
/** KVS batch operations take at most 25 keys. */
const BATCH = 25;
const QUERY_LIMIT = 100;

/** 'main' is what readers see; a first sync read in several batches stages them in 'staging' first. */
export type ProjectDataSlot = 'main' | 'staging';

export interface ProjectDataHead {
  layout: 2;
  /** Grows by one with every save that changed anything; snapshots record the revision they were computed from. */
  revision: number;
  /** Item buckets (a power of two); the versions bucket is number `buckets`. */
  buckets: number;
  counts: { items: number; worklogs: number; versions: number };
  /** Over every bucket's revision: a reader that picked a wrong version notices even when the counts agree. */
  checksum: number;
  /** The project's own fields, small enough to keep with the head. */
  project: Pick<ProjectData, 'key' | 'name' | 'portfolio' | 'createdMs'>;
  savedAtMs: number;
}

/** One part of one bucket at one revision (a bucket over PART_MAX_RAW_BYTES is cut into parts), as the code reads it. */
export interface BucketPart {
  bucket: number;
  revision: number;
  part: number;
  parts: number;
  /** Of the bucket's whole content: a save compares it to know whether the bucket changed. */
  digest: string;
  items: WorkItem[];
  worklogs: Worklog[];
  versions: Version[];
}

/**
 * A part as stored: its content's JSON deflated (with a preset dictionary of the model's field names,
 * which small values need to compress well) and base64-encoded. Storage is billed by the byte read and
 * written: this stores a bucket in about a fifth of its JSON. The counts let a save know what a bucket
 * holds without inflating it.
 */
interface StoredPart {
  bucket: number;
  revision: number;
  part: number;
  parts: number;
  digest: string;
  counts: { items: number; worklogs: number; versions: number };
  codec: typeof CODEC;
  data: string;
}

const CODEC = 'deflate-raw-d1';
/**
 * The preset dictionary of CODEC: what the JSON of items and worklogs is made of, most common last
 * (deflate finds matches nearest first). Fixed forever for CODEC: a new dictionary needs a new codec.
 */
const DICTIONARY = Buffer.from(
  '"priority":"Highest","priority":"High","priority":"Low","priority":"Lowest","issueType":"Epic","issueType":"Task","issueType":"Bug","issueType":"Sub-task",' +
    '"level":"epic","level":"subtask","statusCategory":"new","statusCategory":"indeterminate","unknownStatusIds":[' +
    '{"items":[],"worklogs":[],"versions":[{"id":"10001","name":"1.0","releaseDay":20000,"released":false},{"id":"10002","name":"1.1","releaseDay":null,"released":true}]}' +
    '{"id":"10001","key":"PROJ-1","summary":"","level":"standard","issueType":"Story","statusCategory":"done","priority":"Medium","parentKey":null,' +
    '"assigneeAccountId":null,"createdMs":1700000000000,"updatedMs":1700000000000,"resolvedMs":null,"dueDay":null,"startDay":null,"storyPoints":null,' +
    '"originalEstimateSeconds":null,"remainingEstimateSeconds":null,"timeSpentSeconds":null,"plannedBudget":null,"actualCost":null,"flagged":false,' +
    '"blockedByKeys":[],"fixVersionIds":[],"statusChanges":[{"atMs":1700000000000,"from":"new","to":"indeterminate"},{"atMs":1700000000000,"from":"indeterminate","to":"done"}],' +
    '"dueDateChanges":[{"atMs":1700000000000,"from":null,"to":20000}]},' +
    '{"id":"100001","issueId":"10001","issueKey":"PROJ-1","authorAccountId":"5f8a1c2e9d4b7a0000000001","startedMs":1700000000000,"seconds":3600},',
);

/** Deflate level: about five times smaller than the JSON at half the time of the default level. */
const DEFLATE_LEVEL = 3;

const serialized = new WeakMap<BucketPart, string>();

function encodePart(part: BucketPart): StoredPart {
  const { bucket, revision, digest, items, worklogs, versions } = part;
  const json = serialized.get(part) ?? JSON.stringify({ items, worklogs, versions });
  const data = deflateRawSync(Buffer.from(json), { dictionary: DICTIONARY, level: DEFLATE_LEVEL }).toString('base64');
  return { bucket, revision, part: part.part, parts: part.parts, digest, counts: { items: items.length, worklogs: worklogs.length, versions: versions.length }, codec: CODEC, data };
}

function decodePart(stored: StoredPart): BucketPart {
  if (stored.codec !== CODEC) throw new Error(`stored data in an unknown codec: ${String(stored.codec)}`);
  const content = JSON.parse(inflateRawSync(Buffer.from(stored.data, 'base64'), { dictionary: DICTIONARY }).toString('utf8')) as Pick<BucketPart, 'items' | 'worklogs' | 'versions'>;
  return { bucket: stored.bucket, revision: stored.revision, part: stored.part, parts: stored.parts, digest: stored.digest, ...content };
}

/** What a save must know of a stored bucket: to compare, to delete, to keep the counts. */
interface StoredBucket {
  revision: number;
  parts: number;
  digest: string;
  items: number;
  worklogs: number;
  versions: number;
}

/**
 * What a loaded ProjectData was read from, so that saving it back writes only what changed. `whole`:
 * every bucket was read; otherwise only `stored`'s buckets, and only they may be saved.
 */
interface Basis {
  key: string;
  revision: number;
  buckets: number;
  whole: boolean;
  stored: Map<number, StoredBucket>;
}

/**
 * Written before a save's buckets: what to clean up if the save dies before switching the head (the
 * new versions) or after (the versions they supersede). Bucket numbers only, so it stays small.
 */
interface PendingSave {
  revision: number;
  /** The buckets written; null: every bucket (a first save, or buckets re-cut). */
  buckets: number[] | null;
  /** The head before, when it was of the layout before buckets: its chunks go once the head has switched. */
  legacy: LegacyHead | null;
}

/** The layout before buckets (a generation of chunks cut by position); read only to clean it up. */
interface LegacyHead {
  generation: number;
  chunkCount: number;
}

const bases = new WeakMap<ProjectData, Basis>();

function prefix(projectKey: string, slot: ProjectDataSlot = 'main'): string {
  // Jira project keys are [A-Z][A-Z0-9_]*, all allowed in KVS keys; anything else would be a bug upstream.
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(projectKey)) throw new Error(`not a Jira project key: ${projectKey}`);
  return slot === 'main' ? `project:${projectKey}` : `project:${projectKey}:${slot}`;
}

export const headKey = (projectKey: string, slot: ProjectDataSlot = 'main'): string => `${prefix(projectKey, slot)}:head`;
const pendingKey = (projectKey: string): string => `${prefix(projectKey)}:pending`;
const bucketPrefix = (projectKey: string): string => `${prefix(projectKey)}:d:`;
const pad = (value: number, width: number): string => String(value).padStart(width, '0');
export const bucketKey = (projectKey: string, bucket: number, revision: number, part: number): string =>
  `${bucketPrefix(projectKey)}${pad(bucket, 5)}:${pad(revision, 9)}:${pad(part, 3)}`;
const legacyChunkKey = (projectKey: string, generation: number, index: number, slot: ProjectDataSlot): string => `${prefix(projectKey, slot)}:g${generation}:c${index}`;

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** FNV-1a: a stable, well-spread 32-bit hash (the bucket of an id must never change with the runtime). */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The bucket an item lives in, among `buckets` (a power of two). */
export const bucketOf = (itemId: string, buckets: number): number => fnv1a(itemId) & (buckets - 1);
const mix = (bucket: number, revision: number): number => fnv1a(`${bucket}:${revision}`);
const addTo = (checksum: number, term: number): number => (checksum + term) >>> 0;
const takeFrom = (checksum: number, term: number): number => (checksum - term + 2 ** 32) >>> 0;

/** Enough buckets (a power of two) for the target size. */
function bucketsFor(bytes: number): number {
  let buckets = 1;
  while (bytes / buckets > BUCKET_TARGET_BYTES) buckets *= 2;
  return buckets;
}

function isBucketed(head: unknown): head is ProjectDataHead {
  return typeof head === 'object' && head !== null && (head as { layout?: unknown }).layout === 2;
}

function isLegacy(head: unknown): head is LegacyHead {
  return typeof head === 'object' && head !== null && typeof (head as { generation?: unknown }).generation === 'number';
}

interface BucketContent {
  items: WorkItem[];
  worklogs: Worklog[];
  versions: Version[];
}

/**
 * The data spread over buckets: items by their id's bucket (in the data's order), worklogs with their
 * item, versions in bucket `buckets`. Only the buckets in `only` when given.
 */
function distribute(data: ProjectData, buckets: number, only: ReadonlySet<number> | null): Map<number, BucketContent> {
  const contents = new Map<number, BucketContent>();
  const content = (bucket: number): BucketContent => {
    let found = contents.get(bucket);
    if (!found) contents.set(bucket, (found = { items: [], worklogs: [], versions: [] }));
    return found;
  };
  for (let bucket = 0; bucket <= buckets; bucket++) if (only === null || only.has(bucket)) content(bucket);
  const bucketByKey = new Map<string, number>();
  for (const item of data.items) {
    const bucket = bucketOf(item.id, buckets);
    if (only !== null && !only.has(bucket)) throw new Error(`${data.key}: ${item.key} is in a bucket that was not loaded; load it before saving it`);
    bucketByKey.set(item.key, bucket);
    content(bucket).items.push(item);
  }
  for (const worklog of data.worklogs) {
    const bucket = bucketByKey.get(worklog.issueKey);
    // A worklog of an item not stored is not kept (canonical drops them too).
    if (bucket !== undefined) content(bucket).worklogs.push(worklog);
  }
  if (only === null || only.has(buckets)) content(buckets).versions.push(...data.versions);
  return contents;
}

/** A bucket as the parts it is stored in: cut by measured JSON size, so every stored value stays under CHUNK_MAX_BYTES. */
export function cutIntoParts(bucket: number, revision: number, content: BucketContent, maxBytes = PART_MAX_RAW_BYTES): BucketPart[] {
  const json = JSON.stringify({ items: content.items, worklogs: content.worklogs, versions: content.versions });
  const digest = createHash('sha1').update(json).digest('base64');
  const empty = (part: number): BucketPart => ({ bucket, revision, part, parts: 0, digest, items: [], worklogs: [], versions: [] });
  // Nearly every bucket fits one part: its JSON is serialized once, for the digest and the stored value alike.
  if (Buffer.byteLength(json, 'utf8') <= maxBytes) {
    const whole: BucketPart = { ...empty(0), parts: 1, items: content.items, worklogs: content.worklogs, versions: content.versions };
    serialized.set(whole, json);
    return [whole];
  }
  const overhead = jsonBytes(empty(999));
  const parts: BucketPart[] = [empty(0)];
  let size = overhead;
  const add = <K extends keyof BucketContent>(list: K, record: BucketContent[K][number]): void => {
    const bytes = jsonBytes(record) + 1;
    if (overhead + bytes > maxBytes) throw new Error(`one ${list} record is ${bytes} bytes of JSON, over the part size ${maxBytes}`);
    if (size + bytes > maxBytes) {
      parts.push(empty(parts.length));
      size = overhead;
    }
    (parts[parts.length - 1][list] as BucketContent[K][number][]).push(record);
    size += bytes;
  };
  for (const item of content.items) add('items', item);
  for (const worklog of content.worklogs) add('worklogs', worklog);
  for (const version of content.versions) add('versions', version);
  for (const part of parts) part.parts = parts.length;
  return parts;
}

const keysOf = (projectKey: string, bucket: number, stored: Pick<StoredBucket, 'revision' | 'parts'>): string[] =>
  Array.from({ length: stored.parts }, (_, part) => bucketKey(projectKey, bucket, stored.revision, part));

async function deleteKeys(keys: readonly string[]): Promise<void> {
  for (let start = 0; start < keys.length; start += BATCH) {
    await kvs.batchDelete(keys.slice(start, start + BATCH).map((key) => ({ key })));
  }
}

async function setAll(entries: readonly { key: string; value: unknown }[]): Promise<void> {
  for (let start = 0; start < entries.length; start += BATCH) {
    const result = await kvs.batchSet(entries.slice(start, start + BATCH).map(({ key, value }) => ({ key, value })));
    if (result.failedKeys.length > 0) {
      const [first] = result.failedKeys;
      throw new Error(`storing ${first.key} failed: ${first.error.code} ${first.error.message}`);
    }
  }
}

/** Every key and value under a prefix, 100 a query. */
async function valuesWithPrefix<T>(keyPrefix: string): Promise<{ key: string; value: T }[]> {
  const found: { key: string; value: T }[] = [];
  let cursor: string | undefined;
  do {
    let query = kvs.query().where('key', WhereConditions.beginsWith(keyPrefix)).limit(QUERY_LIMIT);
    if (cursor) query = query.cursor(cursor);
    const page = await query.getMany<T>();
    found.push(...page.results);
    cursor = page.nextCursor;
  } while (cursor);
  return found;
}

/** Chunks of the layout before buckets, and a pending record of that layout, when the head or pending says so. */
function legacyKeys(projectKey: string, legacy: LegacyHead | undefined, slot: ProjectDataSlot): string[] {
  if (!legacy) return [];
  return Array.from({ length: legacy.chunkCount }, (_, index) => legacyChunkKey(projectKey, legacy.generation, index, slot));
}

/** Cleans up after a save that died: its new versions if it never switched the head, else those they superseded. */
async function clearAbandoned(projectKey: string, head: ProjectDataHead | undefined, legacy: LegacyHead | undefined): Promise<void> {
  const pending = await kvs.get<PendingSave | LegacyHead>(pendingKey(projectKey));
  if (!pending) return;
  if (isLegacy(pending)) {
    if (pending.generation !== legacy?.generation) await deleteKeys(legacyKeys(projectKey, pending, 'main'));
  } else {
    const switched = head?.revision === pending.revision;
    const prefixes = pending.buckets === null ? [bucketPrefix(projectKey)] : pending.buckets.map((bucket) => `${bucketPrefix(projectKey)}${pad(bucket, 5)}:`);
    const doomed: string[] = [];
    for (const keyPrefix of prefixes) {
      for (const { key, value } of await valuesWithPrefix<StoredPart>(keyPrefix)) {
        if (switched ? value.revision < pending.revision : value.revision === pending.revision) doomed.push(key);
      }
    }
    await deleteKeys(doomed);
    if (switched && pending.legacy) await deleteKeys(legacyKeys(projectKey, pending.legacy, 'main'));
  }
  await kvs.delete(pendingKey(projectKey));
}

/** The newest complete version of each bucket not newer than `revision`, from a bucket query's values. */
function pickVersions(values: readonly { value: StoredPart }[], revision: number): Map<number, StoredPart[]> {
  const byVersion = new Map<string, StoredPart[]>();
  for (const { value } of values) {
    if (value.revision > revision) continue;
    const id = `${value.bucket}:${value.revision}`;
    const parts = byVersion.get(id);
    if (parts) parts.push(value);
    else byVersion.set(id, [value]);
  }
  const picked = new Map<number, StoredPart[]>();
  for (const parts of byVersion.values()) {
    const [first] = parts;
    if (parts.length !== first.parts) continue;
    const current = picked.get(first.bucket);
    if (!current || current[0].revision < first.revision) picked.set(first.bucket, parts.sort((a, b) => a.part - b.part));
  }
  return picked;
}

function storedOf(parts: readonly StoredPart[]): StoredBucket {
  const [first] = parts;
  const count = (list: 'items' | 'worklogs' | 'versions') => parts.reduce((sum, part) => sum + part.counts[list], 0);
  return { revision: first.revision, parts: first.parts, digest: first.digest, items: count('items'), worklogs: count('worklogs'), versions: count('versions') };
}

/** The project's current revision, or undefined when none was saved (or only in the layout before buckets). */
export function loadProjectHead(projectKey: string, slot?: 'main'): Promise<ProjectDataHead | undefined>;
/** What a first sync staged so far. */
export function loadProjectHead(projectKey: string, slot: 'staging'): Promise<StagedHead | undefined>;
export function loadProjectHead(projectKey: string, slot: ProjectDataSlot): Promise<ProjectDataHead | StagedHead | undefined>;
export async function loadProjectHead(projectKey: string, slot: ProjectDataSlot = 'main'): Promise<ProjectDataHead | StagedHead | undefined> {
  if (slot === 'staging') return loadStagedHead(projectKey);
  const head = await kvs.get<unknown>(headKey(projectKey));
  return isBucketed(head) ? head : undefined;
}

/** The whole project at its current revision, or null when none was saved. */
export async function loadProjectData(projectKey: string, slot: ProjectDataSlot = 'main'): Promise<ProjectData | null> {
  if (slot === 'staging') return loadStaged(projectKey);
  for (let attempt = 1; ; attempt++) {
    const head = await loadProjectHead(projectKey);
    if (!head) return null;
    const picked = pickVersions(await valuesWithPrefix<StoredPart>(bucketPrefix(projectKey)), head.revision);
    let checksum = 0;
    let complete = true;
    for (let bucket = 0; bucket <= head.buckets; bucket++) {
      const parts = picked.get(bucket);
      if (!parts) complete = false;
      else checksum = addTo(checksum, mix(bucket, parts[0].revision));
    }
    if (complete && checksum === head.checksum) {
      const data = assemble(head, picked);
      if (data.items.length !== head.counts.items || data.worklogs.length !== head.counts.worklogs || data.versions.length !== head.counts.versions) {
        throw new Error(`stored data of ${projectKey} does not match its head (revision ${head.revision})`);
      }
      bases.set(data, { key: projectKey, revision: head.revision, buckets: head.buckets, whole: true, stored: new Map([...picked].map(([bucket, parts]) => [bucket, storedOf(parts)])) });
      return data;
    }
    // A save switched the head and deleted a version while it was being read: read the new one.
    if (attempt >= LOAD_ATTEMPTS) throw new Error(`stored data of ${projectKey} kept changing while it was read`);
  }
}

/**
 * Only the buckets that hold these items (and the versions, when asked): what a job needs to merge a
 * few changed items, at the cost of those buckets. Saving the result back writes only those buckets.
 * For the project's one writer: it does not guard against a save running at the same time.
 */
export async function loadProjectItems(projectKey: string, itemIds: Iterable<string>, options: { versions?: boolean } = {}): Promise<ProjectData | null> {
  const head = await loadProjectHead(projectKey);
  if (!head) return null;
  const wanted = new Set([...itemIds].map((id) => bucketOf(id, head.buckets)));
  if (options.versions) wanted.add(head.buckets);
  const buckets = [...wanted].sort((a, b) => a - b);
  const picked = new Map<number, StoredPart[]>();
  // Many buckets: one query over the project costs fewer calls than one per bucket.
  const readAll = buckets.length * 4 > head.buckets + 1;
  if (readAll) {
    const all = pickVersions(await valuesWithPrefix<StoredPart>(bucketPrefix(projectKey)), head.revision);
    for (const bucket of buckets) {
      const parts = all.get(bucket);
      if (!parts) throw new Error(`stored data of ${projectKey} misses bucket ${bucket} of revision ${head.revision}`);
      picked.set(bucket, parts);
    }
  }
  for (let start = 0; !readAll && start < buckets.length; start += READ_CONCURRENCY) {
    const slice = buckets.slice(start, start + READ_CONCURRENCY);
    const found = await Promise.all(slice.map((bucket) => valuesWithPrefix<StoredPart>(`${bucketPrefix(projectKey)}${pad(bucket, 5)}:`)));
    for (const [index, values] of found.entries()) {
      const parts = pickVersions(values, head.revision).get(slice[index]);
      if (!parts) throw new Error(`stored data of ${projectKey} misses bucket ${slice[index]} of revision ${head.revision}`);
      picked.set(slice[index], parts);
    }
  }
  const data = assemble(head, picked);
  bases.set(data, { key: projectKey, revision: head.revision, buckets: head.buckets, whole: false, stored: new Map([...picked].map(([bucket, parts]) => [bucket, storedOf(parts)])) });
  return data;
}

function assemble(head: ProjectDataHead, picked: ReadonlyMap<number, StoredPart[]>): ProjectData {
  const gathered: ProjectData = { ...head.project, items: [], worklogs: [], versions: [] };
  for (const bucket of [...picked.keys()].sort((a, b) => a - b)) {
    for (const part of (picked.get(bucket) ?? []).map(decodePart)) {
      gathered.items.push(...part.items);
      gathered.worklogs.push(...part.worklogs);
      gathered.versions.push(...part.versions);
    }
  }
  // The project's start is the head's (a partial read does not see every item).
  return { ...canonical(gathered), createdMs: head.project.createdMs };
}

export interface SaveResult {
  head: ProjectDataHead;
  /** False when nothing differed from what is stored: then nothing was written. */
  changed: boolean;
  /** Buckets written (each one or more values). */
  bucketsWritten: number;
}

/**
 * Stores `data` as the project's next revision, writing only the buckets that changed; readers switch
 * to it in one step. `basedOn` is the ProjectData this one was made from, as loadProjectData or
 * loadProjectItems returned it (or a previous save took it): it says what is stored without reading it
 * again. A partial `basedOn` allows saving only the items of its buckets.
 */
export async function saveProjectData(data: ProjectData, slot: ProjectDataSlot = 'main', nowMs: number = Date.now(), basedOn?: ProjectData): Promise<SaveResult> {
  if (slot !== 'main') throw new Error('a first sync stages its batches with stageBatch, not saveProjectData');
  const raw = await kvs.get<unknown>(headKey(data.key));
  const head = isBucketed(raw) ? raw : undefined;
  const legacy = isLegacy(raw) ? raw : undefined;
  await clearAbandoned(data.key, head, legacy);

  let basis = basedOn ? bases.get(basedOn) : undefined;
  if (basis && (basis.key !== data.key || basis.revision !== head?.revision)) basis = undefined;
  // Without a basis, what is stored is read (its values), so that unchanged buckets are still not rewritten.
  basis ??= head ? await readBasis(data.key, head) : { key: data.key, revision: 0, buckets: 0, whole: true, stored: new Map() };

  const bytes = jsonBytes(data.items) + jsonBytes(data.worklogs);
  let buckets = head?.buckets ?? bucketsFor(bytes);
  let rebucket = false;
  if (head && basis.whole) {
    const average = bytes / head.buckets;
    if (average > BUCKET_TARGET_BYTES * REBUCKET_ABOVE || (head.buckets > 1 && average < BUCKET_TARGET_BYTES * REBUCKET_BELOW)) {
      buckets = bucketsFor(bytes);
      rebucket = buckets !== head.buckets;
    }
  }
  const only = basis.whole ? null : new Set(basis.stored.keys());
  const contents = distribute(data, buckets, only);

  const revision = (head?.revision ?? 0) + 1;
  const written: BucketPart[] = [];
  const superseded: string[] = [...legacyKeys(data.key, legacy, 'main')];
  const changedBuckets: number[] = [];
  for (const [bucket, content] of contents) {
    const parts = cutIntoParts(bucket, revision, content);
    const stored = rebucket ? undefined : basis.stored.get(bucket);
    if (stored && stored.digest === parts[0].digest) continue;
    written.push(...parts);
    changedBuckets.push(bucket);
    if (stored) superseded.push(...keysOf(data.key, bucket, stored));
  }
  if (rebucket) for (const [bucket, stored] of basis.stored) superseded.push(...keysOf(data.key, bucket, stored));

  const createdMs = basis.whole ? data.createdMs : Math.min(data.createdMs, head?.project.createdMs ?? data.createdMs);
  const project = { key: data.key, name: data.name, portfolio: data.portfolio, createdMs };
  const sameProject = head !== undefined && JSON.stringify(head.project) === JSON.stringify(project);
  if (head && !rebucket && written.length === 0 && sameProject) return { head, changed: false, bucketsWritten: 0 };

  // Counts and checksum: from the data when it is whole; else the head's, corrected by the buckets rewritten.
  let counts = { items: data.items.length, worklogs: data.worklogs.length, versions: data.versions.length };
  let checksum = 0;
  if (basis.whole) {
    for (let bucket = 0; bucket <= buckets; bucket++) {
      const stored = rebucket ? undefined : basis.stored.get(bucket);
      checksum = addTo(checksum, mix(bucket, changedBuckets.includes(bucket) || !stored ? revision : stored.revision));
    }
  } else if (head) {
    counts = { ...head.counts };
    checksum = head.checksum;
    for (const bucket of changedBuckets) {
      const stored = basis.stored.get(bucket);
      const content = contents.get(bucket);
      if (!stored || !content) continue;
      counts = {
        items: counts.items - stored.items + content.items.length,
        worklogs: counts.worklogs - stored.worklogs + content.worklogs.length,
        versions: counts.versions - stored.versions + content.versions.length,
      };
      checksum = addTo(takeFrom(checksum, mix(bucket, stored.revision)), mix(bucket, revision));
    }
  }

  const writtenKeys = written.map((part) => bucketKey(data.key, part.bucket, revision, part.part));
  const whole = rebucket || head === undefined;
  await kvs.set<PendingSave>(pendingKey(data.key), { revision, buckets: whole ? null : changedBuckets, legacy: legacy ?? null });
  await setAll(written.map((part, index) => ({ key: writtenKeys[index], value: encodePart(part) })));
  const next: ProjectDataHead = { layout: 2, revision, buckets, counts, checksum, project, savedAtMs: nowMs };
  await kvs.set(headKey(data.key), next);
  await deleteKeys(superseded);
  await kvs.delete(pendingKey(data.key));

  // The saved data is the basis of its next save.
  const stored = new Map(rebucket ? [] : basis.stored);
  for (const bucket of changedBuckets) {
    const content = contents.get(bucket);
    const parts = written.filter((part) => part.bucket === bucket);
    if (content && parts.length > 0) stored.set(bucket, { revision, parts: parts.length, digest: parts[0].digest, items: content.items.length, worklogs: content.worklogs.length, versions: content.versions.length });
  }
  bases.set(data, { key: data.key, revision, buckets, whole: basis.whole, stored });
  return { head: next, changed: true, bucketsWritten: changedBuckets.length };
}

/** What is stored at `head`, read from the values themselves (a save given nothing to compare with). */
async function readBasis(projectKey: string, head: ProjectDataHead): Promise<Basis> {
  const picked = pickVersions(await valuesWithPrefix<StoredPart>(bucketPrefix(projectKey)), head.revision);
  return { key: projectKey, revision: head.revision, buckets: head.buckets, whole: true, stored: new Map([...picked].map(([bucket, parts]) => [bucket, storedOf(parts)])) };
}

/** Deletes the project's data: the head first, so a reader either reads a whole revision or finds none. */
export async function deleteProjectData(projectKey: string, slot: ProjectDataSlot = 'main'): Promise<void> {
  if (slot === 'staging') return deleteStaged(projectKey);
  const raw = await kvs.get<unknown>(headKey(projectKey));
  const head = isBucketed(raw) ? raw : undefined;
  const legacy = isLegacy(raw) ? raw : undefined;
  await clearAbandoned(projectKey, head, legacy);
  if (raw === undefined) return;
  await kvs.delete(headKey(projectKey));
  await deleteKeys([...legacyKeys(projectKey, legacy, 'main'), ...(await valuesWithPrefix(bucketPrefix(projectKey))).map(({ key }) => key)]);
}

// ---- Staging: the batches of a first sync, appended ----------------------------------------------

export interface StagedHead {
  layout: 2;
  /** Parts of each batch staged so far, in order. */
  batches: number[];
  project: Pick<ProjectData, 'key' | 'name' | 'portfolio'>;
  savedAtMs: number;
}

const stagedHeadKey = (projectKey: string): string => headKey(projectKey, 'staging');
const stagedKey = (projectKey: string, batch: number, part: number): string => `${prefix(projectKey, 'staging')}:b${pad(batch, 5)}:p${pad(part, 3)}`;

async function loadStagedHead(projectKey: string): Promise<StagedHead | undefined> {
  const head = await kvs.get<unknown>(stagedHeadKey(projectKey));
  return isBucketed(head) ? (head as unknown as StagedHead) : undefined;
}

/**
 * Appends one batch of a first sync's items: written once under keys of its own, visible to
 * loadStaged only once the staged head counts it. A batch staged again (a job that died before its
 * checkpoint) is appended again: loadStaged keeps each item's last copy.
 */
export async function stageBatch(project: Pick<ProjectData, 'key' | 'name' | 'portfolio'>, items: readonly WorkItem[], nowMs: number = Date.now()): Promise<void> {
  const raw = await kvs.get<unknown>(stagedHeadKey(project.key));
  if (raw !== undefined && !isBucketed(raw)) await deleteStaged(project.key);
  const head = isBucketed(raw) ? (raw as unknown as StagedHead) : undefined;
  const batch = head?.batches.length ?? 0;
  const parts = cutIntoParts(batch, 0, { items: [...items], worklogs: [], versions: [] });
  await setAll(parts.map((part) => ({ key: stagedKey(project.key, batch, part.part), value: encodePart(part) })));
  await kvs.set<StagedHead>(stagedHeadKey(project.key), {
    layout: 2,
    batches: [...(head?.batches ?? []), parts.length],
    project: { key: project.key, name: project.name, portfolio: project.portfolio },
    savedAtMs: nowMs,
  });
}

/** The staged batches as one project (items only; a later copy of an item wins), or null when nothing is staged. */
export async function loadStaged(projectKey: string): Promise<ProjectData | null> {
  const head = await loadStagedHead(projectKey);
  if (!head) return null;
  const keys = head.batches.flatMap((parts, batch) => Array.from({ length: parts }, (_, part) => stagedKey(projectKey, batch, part)));
  const byId = new Map<string, WorkItem>();
  for (let start = 0; start < keys.length; start += BATCH) {
    const found = await kvs.batchGet<StoredPart>(keys.slice(start, start + BATCH).map((key) => ({ key })));
    if (found.failedKeys.length > 0 || found.successfulKeys.length !== Math.min(BATCH, keys.length - start)) throw new Error(`staged data of ${projectKey} is incomplete`);
    const ordered = new Map(found.successfulKeys.map((entry) => [entry.key, decodePart(entry.value)]));
    for (const key of keys.slice(start, start + BATCH)) {
      for (const item of ordered.get(key)?.items ?? []) {
        byId.delete(item.id);
        byId.set(item.id, item);
      }
    }
  }
  const items = [...byId.values()];
  const createdMs = items.reduce((earliest, item) => Math.min(earliest, item.createdMs), head.savedAtMs);
  return canonical({ ...head.project, createdMs, items, worklogs: [], versions: [] });
}

/** Deletes what a first sync staged (also a staging slot of the layout before buckets). */
export async function deleteStaged(projectKey: string): Promise<void> {
  const raw = await kvs.get<unknown>(stagedHeadKey(projectKey));
  if (raw === undefined) return;
  await kvs.delete(stagedHeadKey(projectKey));
  if (isLegacy(raw)) {
    await deleteKeys(legacyKeys(projectKey, raw, 'staging'));
    const pending = await kvs.get<LegacyHead>(`${prefix(projectKey, 'staging')}:pending`);
    if (pending) await deleteKeys(legacyKeys(projectKey, pending, 'staging'));
    await kvs.delete(`${prefix(projectKey, 'staging')}:pending`);
    return;
  }
  const head = raw as StagedHead;
  await deleteKeys(head.batches.flatMap((parts, batch) => Array.from({ length: parts }, (_, part) => stagedKey(projectKey, batch, part))));
}
