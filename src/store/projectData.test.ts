/** The chunked, generation-switched project store, on the Forge runtime emulator's in-memory KVS. */
import { kvs, WhereConditions } from '@forge/kvs';
import { startTestRuntime, type TestRuntime } from '../../local/runtime/test-helpers';
import type { ProjectData, WorkItem, Worklog } from '../metrics/model';
import { CHUNK_MAX_BYTES, chunkKey, chunkProjectData, deleteProjectData, headKey, loadProjectData, loadProjectHead, saveProjectData } from './projectData';

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
    // Sizes vary item to item, so chunks must be cut by size, not by count.
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

async function storedKeys(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    let query = kvs.query().where('key', WhereConditions.beginsWith(prefix)).limit(100);
    if (cursor) query = query.cursor(cursor);
    const page = await query.getMany();
    keys.push(...page.results.map((result) => result.key));
    cursor = page.nextCursor;
  } while (cursor);
  return keys.sort();
}

test('a 5,000-item project is stored in chunks well under 240 KiB and loads back equal', async () => {
  const data = project('BIG', 5000);
  const head = await saveProjectData(data);
  expect(head.chunkCount).toBeGreaterThan(1);
  expect(head.counts).toEqual({ items: 5000, worklogs: data.worklogs.length, versions: 1 });

  const sizes: number[] = [];
  for (let index = 0; index < head.chunkCount; index++) {
    const chunk = await kvs.get(chunkKey('BIG', head.generation, index));
    sizes.push(Buffer.byteLength(JSON.stringify(chunk), 'utf8'));
  }
  expect(Math.max(...sizes)).toBeLessThanOrEqual(CHUNK_MAX_BYTES);
  expect(Math.max(...sizes)).toBeLessThan(KVS_MAX_VALUE_BYTES);
  // Every chunk but the last is filled close to the budget: the split is by size.
  expect(Math.min(...sizes.slice(0, -1))).toBeGreaterThan(CHUNK_MAX_BYTES * 0.95);
  expect(Buffer.byteLength(JSON.stringify(await kvs.get(headKey('BIG'))), 'utf8')).toBeLessThan(1024);
  console.log(`5,000 items, ${data.worklogs.length} worklogs: ${head.chunkCount} chunks of ${sizes.map((size) => Math.round(size / 1024)).join(', ')} KiB`);

  expect(await loadProjectData('BIG')).toEqual(data);
});

test('chunks are cut by the JSON size of what they hold', () => {
  const mixed = project('S', 400);
  // The second half of the items is ten times the size of the first: fewer of them fit a chunk.
  for (const entry of mixed.items.slice(200)) entry.summary = 'z'.repeat(5_000);
  const small = chunkProjectData(mixed, 1, 20_000);
  for (const chunk of small) expect(Buffer.byteLength(JSON.stringify(chunk), 'utf8')).toBeLessThanOrEqual(20_000);
  const counts = small.map((chunk) => chunk.items.length).filter((count) => count > 0);
  expect(new Set(counts.slice(0, -1)).size).toBeGreaterThan(1);
  const oversized = project('S', 1);
  oversized.items[0].summary = 'y'.repeat(30_000);
  expect(() => chunkProjectData(oversized, 1, 20_000)).toThrow(/over the chunk size/);
});

test('a save switches generations in one step: readers see the old or the new data, never a mix', async () => {
  const before = project('GEN', 3000, ' before');
  const after = project('GEN', 2500, ' after');
  await saveProjectData(before);

  const seen: (ProjectData | null)[] = [];
  let saving = true;
  const reader = (async () => {
    while (saving) seen.push(await loadProjectData('GEN'));
  })();
  const head = await saveProjectData(after);
  saving = false;
  await reader;

  expect(seen.length).toBeGreaterThan(0);
  for (const data of seen) {
    expect(data).not.toBeNull();
    expect(data).toEqual(data?.items.length === 3000 ? before : after);
  }
  expect(head.generation).toBe(2);
  expect(await loadProjectData('GEN')).toEqual(after);
  // Only the new generation's chunks (and the head) are left.
  const keys = await storedKeys('project:GEN:');
  expect(keys).toEqual([headKey('GEN'), ...Array.from({ length: head.chunkCount }, (_, index) => chunkKey('GEN', 2, index))].sort());
});

test('a save that dies part way leaves the previous data readable, and the next save clears its chunks', async () => {
  const before = project('CRASH', 2000, ' before');
  await saveProjectData(before);
  const realSet = kvs.set.bind(kvs);
  let sets = 0;
  const dying = async (key: string, value: unknown): Promise<void> => {
    if (++sets === 3) throw new Error('killed');
    await realSet(key, value);
  };
  // The third set (the second chunk of the new generation) fails, as if the invocation died there.
  jest.spyOn(kvs, 'set').mockImplementation(dying as typeof kvs.set);
  await expect(saveProjectData(project('CRASH', 2000, ' lost'))).rejects.toThrow('killed');
  jest.restoreAllMocks();

  expect(await loadProjectData('CRASH')).toEqual(before);
  expect((await storedKeys('project:CRASH:g2:')).length).toBeGreaterThan(0);

  const after = project('CRASH', 10, ' after');
  const head = await saveProjectData(after);
  expect(await loadProjectData('CRASH')).toEqual(after);
  expect(await storedKeys('project:CRASH:')).toEqual([headKey('CRASH'), ...Array.from({ length: head.chunkCount }, (_, index) => chunkKey('CRASH', head.generation, index))].sort());
});

test('staging is a separate slot, and delete removes everything', async () => {
  await saveProjectData(project('DEL', 100));
  await saveProjectData(project('DEL', 50, ' staged'), 'staging');
  expect((await loadProjectData('DEL'))?.items).toHaveLength(100);
  expect((await loadProjectData('DEL', 'staging'))?.items).toHaveLength(50);
  await deleteProjectData('DEL', 'staging');
  expect(await loadProjectData('DEL', 'staging')).toBeNull();
  await deleteProjectData('DEL');
  expect(await loadProjectData('DEL')).toBeNull();
  expect(await loadProjectHead('DEL')).toBeUndefined();
  expect(await storedKeys('project:DEL')).toEqual([]);
  await expect(loadProjectData('bad key!')).rejects.toThrow(/not a Jira project key/);
});
