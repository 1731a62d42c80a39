/** The project store in buckets keyed by item, on the Forge runtime emulator's in-memory KVS. */
import { kvs, WhereConditions } from '@forge/kvs';
import { startTestRuntime, type TestRuntime } from '../../local/runtime/test-helpers';
import type { ProjectData, WorkItem, Worklog } from '../metrics/model';
import {
  BUCKET_TARGET_BYTES,
  bucketOf,
  CHUNK_MAX_BYTES,
  cutIntoParts,
  deleteProjectData,
  headKey,
  loadProjectData,
  loadProjectHead,
  loadProjectItems,
  loadStaged,
  saveProjectData,
  stageBatch,
} from './projectData';

const KVS_MAX_VALUE_BYTES = 240 * 1024;
let t: TestRuntime;

beforeEach(() => {
  t = startTestRuntime();
});
afterEach(async () => {
  await t.runtime.close();
  jest.restoreAllMocks();
});

function item(key: string, n: number): WorkItem {
  return {
    id: String(10_000 + n),
    key: `${key}-${n}`,
    // Sizes vary item to item, so parts must be cut by size, not by count.
    summary: `Item ${n} ${'x'.repeat((n * 37) % 200)}`,
    level: n % 10 === 0 ? 'epic' : 'standard',
    issueType: n % 7 === 0 ? 'Bug' : 'Story',
    statusCategory: n % 3 === 0 ? 'done' : 'indeterminate',
    priority: 'Medium',
    parentKey: n % 10 === 0 ? null : `${key}-${n - (n % 10)}`,
    assigneeAccountId: `acc-${n % 13}`,
    createdMs: 1_700_000_000_000 + n * 60_000,
    updatedMs: 1_700_000_000_000 + n * 120_000,
    resolvedMs: n % 3 === 0 ? 1_700_000_000_000 + n * 180_000 : null,
    dueDay: 20_000 + (n % 90),
    startDay: null,
    storyPoints: n % 5,
    originalEstimateSeconds: 3600 * (n % 8),
    remainingEstimateSeconds: null,
    plannedBudget: n * 10.5,
    actualCost: null,
    flagged: n % 17 === 0,
    blockedByKeys: n % 11 === 0 ? [`${key}-${n + 1}`, `${key}-${n + 2}`] : [],
    fixVersionIds: [String(n % 4)],
    statusChanges: Array.from({ length: n % 6 }, (_, i) => ({ atMs: 1_700_000_000_000 + i * 1000, from: 'new' as const, to: 'indeterminate' as const })),
    dueDateChanges: [],
  };
}

function project(key: string, items: number, tag = ''): ProjectData {
  const list = Array.from({ length: items }, (_, n) => item(key, n + 1));
  if (tag) for (const entry of list) entry.summary += tag;
  const worklogs: Worklog[] = list.flatMap((entry, n) =>
    Array.from({ length: n % 3 }, (_, i) => ({ issueKey: entry.key, authorAccountId: `acc-${i}`, startedMs: entry.createdMs + i * 3600_000, seconds: 1800 * (i + 1) })),
  );
  return {
    key,
    name: `Project ${key}`,
    portfolio: 'Growth',
    createdMs: 1_700_000_000_000,
    items: list,
    worklogs,
    versions: [{ id: '1', name: 'v1', releaseDay: 20_100, released: false }],
  };
}

async function stored(prefix: string): Promise<Map<string, unknown>> {
  const found = new Map<string, unknown>();
  let cursor: string | undefined;
  do {
    let query = kvs.query().where('key', WhereConditions.beginsWith(prefix)).limit(100);
    if (cursor) query = query.cursor(cursor);
    const page = await query.getMany();
    for (const result of page.results) found.set(result.key, result.value);
    cursor = page.nextCursor;
  } while (cursor);
  return found;
}
const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

test('a 5,000-item project is stored in buckets of a few KiB, every value well under 240 KiB, and loads back equal', async () => {
  const data = project('BIG', 5000);
  const { head, changed } = await saveProjectData(data);
  expect(changed).toBe(true);
  expect(head.counts).toEqual({ items: 5000, worklogs: data.worklogs.length, versions: 1 });
  const values = [...(await stored('project:BIG:d:')).values()];
  // One value per item bucket and one for the versions, none cut into parts at this size.
  expect(values).toHaveLength(head.buckets + 1);
  const sizes = values.map(bytes);
  expect(Math.max(...sizes)).toBeLessThanOrEqual(CHUNK_MAX_BYTES);
  expect(Math.max(...sizes)).toBeLessThan(KVS_MAX_VALUE_BYTES);
  const storedBytes = sizes.reduce((sum, size) => sum + size, 0);
  const json = bytes(data.items) + bytes(data.worklogs);
  // Buckets hold at most the target's JSON on average, stored deflated: the project costs a fraction of its JSON.
  expect(json / head.buckets).toBeLessThanOrEqual(BUCKET_TARGET_BYTES);
  expect(json / head.buckets).toBeGreaterThan(BUCKET_TARGET_BYTES / 2);
  expect(storedBytes * 3).toBeLessThan(json);
  expect(bytes(await kvs.get(headKey('BIG')))).toBeLessThan(1024);
  console.log(`5,000 items, ${data.worklogs.length} worklogs: ${head.buckets} buckets of ${Math.round(json / head.buckets)} bytes of JSON on average, stored in ${Math.round(storedBytes / sizes.length)} (largest ${Math.max(...sizes)})`);

  expect(await loadProjectData('BIG')).toEqual(data);
});

test('a bucket is cut into parts by the JSON size of what it holds; a record over the part size is refused', () => {
  const mixed = project('S', 400);
  // The second half of the items is ten times the size of the first: fewer of them fit a part.
  for (const entry of mixed.items.slice(200)) entry.summary = 'z'.repeat(5_000);
  const parts = cutIntoParts(0, 1, { items: mixed.items, worklogs: mixed.worklogs, versions: [] }, 20_000);
  for (const part of parts) expect(bytes(part)).toBeLessThanOrEqual(20_000);
  expect(parts.every((part) => part.parts === parts.length)).toBe(true);
  const counts = parts.map((part) => part.items.length).filter((count) => count > 0);
  expect(new Set(counts.slice(0, -1)).size).toBeGreaterThan(1);
  const oversized = project('S', 1);
  oversized.items[0].summary = 'y'.repeat(30_000);
  expect(() => cutIntoParts(0, 1, { items: oversized.items, worklogs: [], versions: [] }, 20_000)).toThrow(/over the part size/);
});

test('an edit rewrites only the bucket of the item it changed, and a save of the same data writes nothing', async () => {
  const data = project('EDIT', 2000);
  await saveProjectData(data);
  const loaded = (await loadProjectData('EDIT'))!;
  const before = await stored('project:EDIT:');

  const again = await saveProjectData(loaded, 'main', Date.now(), loaded);
  expect(again).toMatchObject({ changed: false, bucketsWritten: 0 });
  expect(await stored('project:EDIT:')).toEqual(before);

  const edited = { ...loaded, items: loaded.items.map((entry) => (entry.key === 'EDIT-700' ? { ...entry, summary: 'Edited' } : entry)) };
  const { head, bucketsWritten } = await saveProjectData(edited, 'main', Date.now(), loaded);
  expect(bucketsWritten).toBe(1);
  const after = await stored('project:EDIT:');
  const gone = [...before.keys()].filter((key) => !after.has(key));
  const added = [...after.keys()].filter((key) => !before.has(key));
  expect(gone).toHaveLength(1);
  expect(added).toHaveLength(1);
  expect(added[0]).toMatch(new RegExp(`^project:EDIT:d:${String(bucketOf('10700', head.buckets)).padStart(5, '0')}:`));
  // What the edit wrote: its bucket and the head, a few KiB, against a project of hundreds.
  const written = bytes(after.get(added[0])) + bytes(after.get(headKey('EDIT')));
  const all = [...after.values()].reduce<number>((sum, value) => sum + bytes(value), 0);
  expect(written).toBeLessThan(BUCKET_TARGET_BYTES * 4);
  expect(written * 50).toBeLessThan(all);
  expect(await loadProjectData('EDIT')).toEqual(edited);
});

test('a part of the project (the buckets of a few items) is read and saved alone, and the whole stays right', async () => {
  await saveProjectData(project('PART', 1500));
  const part = (await loadProjectItems('PART', ['10010', '10999']))!;
  expect(part.items.map((entry) => entry.id)).toEqual(expect.arrayContaining(['10010', '10999']));
  expect(part.items.length).toBeLessThan(100);
  const added = { ...item('PART', 4000), id: '99999' };
  // A new item can only be saved into a bucket that was read: read its bucket too.
  const withNew = (await loadProjectItems('PART', [...part.items.map((entry) => entry.id), added.id]))!;
  const changed = {
    ...withNew,
    items: [...withNew.items.filter((entry) => entry.id !== '10999').map((entry) => (entry.id === '10010' ? { ...entry, summary: 'Changed' } : entry)), added],
    worklogs: withNew.worklogs.filter((worklog) => worklog.issueKey !== 'PART-999'),
  };
  const { head } = await saveProjectData(changed, 'main', Date.now(), withNew);
  expect(head.counts.items).toBe(1500);
  const whole = (await loadProjectData('PART'))!;
  const expected = project('PART', 1500);
  expected.items = [...expected.items.filter((entry) => entry.id !== '10999').map((entry) => (entry.id === '10010' ? { ...entry, summary: 'Changed' } : entry)), added].sort(
    (a, b) => Number(a.key.split('-')[1]) - Number(b.key.split('-')[1]),
  );
  expected.worklogs = expected.worklogs.filter((worklog) => worklog.issueKey !== 'PART-999');
  expect(whole).toEqual(expected);
  const unread = (await loadProjectItems('PART', ['10010']))!;
  const outside = ['15000', '15001', '15002', '15003'].map((id) => ({ ...item('PART', 5000), id })).find((entry) => bucketOf(entry.id, head.buckets) !== bucketOf('10010', head.buckets))!;
  await expect(saveProjectData({ ...unread, items: [...unread.items, outside] }, 'main', Date.now(), unread)).rejects.toThrow(/not loaded/);
});

test('a save switches revisions in one step: readers see the old or the new data, never a mix', async () => {
  const before = project('REV', 3000, ' before');
  const after = project('REV', 2500, ' after');
  await saveProjectData(before);

  const seen: (ProjectData | null)[] = [];
  let saving = true;
  const reader = (async () => {
    while (saving) seen.push(await loadProjectData('REV'));
  })();
  const { head } = await saveProjectData(after);
  saving = false;
  await reader;

  expect(seen.length).toBeGreaterThan(0);
  for (const data of seen) {
    expect(data).not.toBeNull();
    expect(data).toEqual(data?.items.length === 3000 ? before : after);
  }
  expect(head.revision).toBe(2);
  expect(await loadProjectData('REV')).toEqual(after);
  // Only the new revision's buckets (and the head) are left.
  const keys = [...(await stored('project:REV:')).keys()];
  expect(keys.filter((key) => key !== headKey('REV')).every((key) => /:d:\d{5}:000000002:\d{3}$/.test(key) || /:d:\d{5}:000000001:\d{3}$/.test(key))).toBe(true);
  expect(keys.filter((key) => key.startsWith('project:REV:d:'))).toHaveLength(head.buckets + 1);
});

test('a save that dies part way leaves the previous data readable, and the next save clears what it left', async () => {
  const before = project('CRASH', 2000, ' before');
  await saveProjectData(before);
  const realBatchSet = kvs.batchSet.bind(kvs);
  let calls = 0;
  // The second batch of new buckets fails, as if the invocation died there.
  jest.spyOn(kvs, 'batchSet').mockImplementation(async (items) => {
    if (++calls === 2) throw new Error('killed');
    return realBatchSet(items);
  });
  await expect(saveProjectData(project('CRASH', 2000, ' lost'))).rejects.toThrow('killed');
  jest.restoreAllMocks();

  expect(await loadProjectData('CRASH')).toEqual(before);
  expect([...(await stored('project:CRASH:d:')).keys()].some((key) => /:000000002:/.test(key))).toBe(true);

  const after = project('CRASH', 10, ' after');
  const { head } = await saveProjectData(after);
  expect(await loadProjectData('CRASH')).toEqual(after);
  const keys = [...(await stored('project:CRASH:')).keys()];
  expect(keys).toEqual(expect.arrayContaining([headKey('CRASH')]));
  expect(keys.filter((key) => key.startsWith('project:CRASH:d:'))).toHaveLength(head.buckets + 1);
  expect(keys.some((key) => key.includes(':pending'))).toBe(false);
});

test('data stored in the layout before buckets reads as none, and the next save replaces it without a trace', async () => {
  await kvs.set(headKey('OLD'), { generation: 3, chunkCount: 2, counts: { items: 1, worklogs: 0, versions: 0 }, project: { key: 'OLD', name: 'Old', portfolio: null, createdMs: 0 }, savedAtMs: 0 });
  await kvs.set('project:OLD:g3:c0', { generation: 3, index: 0, items: [], worklogs: [], versions: [] });
  await kvs.set('project:OLD:g3:c1', { generation: 3, index: 1, items: [], worklogs: [], versions: [] });
  expect(await loadProjectHead('OLD')).toBeUndefined();
  expect(await loadProjectData('OLD')).toBeNull();
  await saveProjectData(project('OLD', 20));
  expect(await loadProjectData('OLD')).toEqual(project('OLD', 20));
  expect([...(await stored('project:OLD:g')).keys()]).toEqual([]);
});

test('a first sync stages its batches apart from the data readers see, and delete removes everything', async () => {
  await saveProjectData(project('DEL', 100));
  const staged = project('DEL', 50, ' staged');
  await stageBatch(staged, staged.items.slice(0, 30));
  // A batch staged again (a job killed before its checkpoint): the later copy wins.
  await stageBatch(staged, staged.items.slice(20));
  expect((await loadProjectData('DEL'))?.items).toHaveLength(100);
  expect((await loadStaged('DEL'))?.items).toEqual(staged.items);
  expect((await loadProjectData('DEL', 'staging'))?.items).toHaveLength(50);
  await deleteProjectData('DEL', 'staging');
  expect(await loadProjectData('DEL', 'staging')).toBeNull();
  await deleteProjectData('DEL');
  expect(await loadProjectData('DEL')).toBeNull();
  expect(await loadProjectHead('DEL')).toBeUndefined();
  expect([...(await stored('project:DEL')).keys()]).toEqual([]);
  await expect(loadProjectData('bad key!')).rejects.toThrow(/not a Jira project key/);
});
