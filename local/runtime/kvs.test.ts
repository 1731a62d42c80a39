import { kvs, MetadataField, WhereConditions } from '@forge/kvs';
import { startTestRuntime, type TestRuntime, kvsError } from './test-helpers';

let t: TestRuntime;

beforeEach(() => {
  t = startTestRuntime();
});

afterEach(async () => {
  await t.runtime.close();
});

describe('Key-Value Store through the real @forge/kvs', () => {
  it('sets, gets and deletes values of every JSON type', async () => {
    await kvs.set('project:ABC', { name: 'Apollo', budget: 1200.5, tags: ['a', 'b'] });
    await kvs.set('counter', 3);
    await kvs.set('flag', false);
    await kvs.set('text', 'hello world');

    expect(await kvs.get('project:ABC')).toEqual({ name: 'Apollo', budget: 1200.5, tags: ['a', 'b'] });
    expect(await kvs.get('counter')).toBe(3);
    expect(await kvs.get('flag')).toBe(false);
    expect(await kvs.get('text')).toBe('hello world');
    expect(await kvs.get('missing')).toBeUndefined();

    await kvs.delete('counter');
    expect(await kvs.get('counter')).toBeUndefined();
    await expect(kvs.delete('never-there')).resolves.toBeUndefined();
  });

  it('returns metadata when asked and keeps createdAt across updates', async () => {
    await kvs.set('meta', 1);
    const first = await kvs.get<number>('meta', { metadataFields: [MetadataField.CREATED_AT, MetadataField.UPDATED_AT] });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await kvs.set('meta', 2);
    const second = await kvs.get<number>('meta', { metadataFields: [MetadataField.CREATED_AT, MetadataField.UPDATED_AT] });
    expect(first).toEqual({ key: 'meta', value: 1, createdAt: expect.any(Number), updatedAt: expect.any(Number) });
    expect(second?.value).toBe(2);
    expect(second?.createdAt).toBe(first?.createdAt);
    expect(second?.updatedAt).toBeGreaterThan(first?.updatedAt ?? Infinity);
  });

  it('supports keyPolicy and returnValue', async () => {
    await kvs.set('once', 'a', { keyPolicy: 'FAIL_IF_EXISTS' });
    const error = await kvsError(kvs.set('once', 'b', { keyPolicy: 'FAIL_IF_EXISTS' }));
    expect(error.code).toBe('KEY_ALREADY_EXISTS');
    const previous = await kvs.set('once', 'c', { keyPolicy: 'OVERRIDE', returnValue: 'PREVIOUS' });
    expect(previous).toEqual({ key: 'once', value: 'a' });
    const latest = await kvs.set('once', 'd', { keyPolicy: 'OVERRIDE', returnValue: 'LATEST' });
    expect(latest).toEqual({ key: 'once', value: 'd' });
    expect(await kvs.set('fresh', 'x', { keyPolicy: 'OVERRIDE', returnValue: 'PREVIOUS' })).toBeUndefined();
  });

  it('expires values with a ttl', async () => {
    await kvs.set('short', 'lived', { ttl: { value: 1, unit: 'SECONDS' } });
    const withExpiry = await kvs.get('short', { metadataFields: [MetadataField.EXPIRE_TIME] });
    expect(typeof withExpiry?.expireTime).toBe('string');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await kvs.get('short')).toBeUndefined();
  });

  it('queries by key prefix with limit and cursors in key order', async () => {
    for (let i = 0; i < 25; i++) await kvs.set(`item:${String(i).padStart(2, '0')}`, i);
    await kvs.set('other:1', 'x');

    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      let query = kvs.query().where('key', WhereConditions.beginsWith('item:')).limit(10);
      if (cursor) query = query.cursor(cursor);
      const page = await query.getMany<number>();
      seen.push(...page.results.map((r) => r.value));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i));

    const all = await kvs.query().getMany();
    expect(all.results).toHaveLength(10); // the platform's default page size
    expect(await kvs.query().where('key', WhereConditions.beginsWith('other')).getOne()).toEqual({ key: 'other:1', value: 'x' });
  });

  it('keeps secrets apart from ordinary keys', async () => {
    await kvs.setSecret('api-token', 's3cr3t');
    expect(await kvs.getSecret('api-token')).toBe('s3cr3t');
    expect(await kvs.get('api-token')).toBeUndefined();
    const listed = await kvs.query().getMany();
    expect(listed.results.map((r) => r.key)).not.toContain('api-token');
    await kvs.deleteSecret('api-token');
    expect(await kvs.getSecret('api-token')).toBeUndefined();
  });

  it('enforces the platform key and value limits', async () => {
    expect((await kvsError(kvs.set('k'.repeat(501), 1))).code).toBe('KEY_TOO_LONG');
    await expect(kvs.set('k'.repeat(500), 1)).resolves.toBeUndefined();
    expect((await kvsError(kvs.set('bad/key', 1))).code).toBe('INVALID_KEY');
    expect((await kvsError(kvs.set('   ', 1))).code).toBe('INVALID_KEY');
    expect((await kvsError(kvs.set('', 1))).code).toBe('KEY_TOO_SHORT');
    await expect(kvs.set('ok key_with:all.the-chars#1', 1)).resolves.toBeUndefined();

    const big = 'x'.repeat(240 * 1024);
    const tooBig = await kvsError(kvs.set('big', big));
    expect(tooBig.code).toBe('MAX_SIZE');
    expect(tooBig.responseDetails.status).toBe(400);
    await expect(kvs.set('fits', 'x'.repeat(240 * 1024 - 2))).resolves.toBeUndefined();

    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = { deep };
    expect((await kvsError(kvs.set('deep', deep))).code).toBe('MAX_DEPTH');

    expect((await kvsError(kvs.query().limit(101).getMany())).code).toBe('LIST_QUERY_LIMIT_EXCEEDED');
    await expect(kvs.query().limit(100).getMany()).resolves.toEqual({ results: expect.any(Array) });
    expect((await kvsError(kvs.get('x'.repeat(600)))).code).toBe('KEY_TOO_LONG');
  });

  it('runs batch operations item by item', async () => {
    const result = await kvs.batchSet<unknown>([
      { key: 'b1', value: 1 },
      { key: 'b2', value: { two: 2 } },
      { key: 'bad/key', value: 3 },
    ]);
    expect(result.successfulKeys).toEqual([{ key: 'b1' }, { key: 'b2' }]);
    expect(result.failedKeys).toEqual([{ key: 'bad/key', error: { code: 'INVALID_KEY', message: expect.any(String) } }]);

    const got = await kvs.batchGet([{ key: 'b1' }, { key: 'b2' }, { key: 'b3' }]);
    expect(got.successfulKeys.map((item) => [item.key, item.value])).toEqual([
      ['b1', 1],
      ['b2', { two: 2 }],
    ]);
    expect(got.failedKeys.map((item) => [item.key, item.error.code])).toEqual([['b3', 'KEY_NOT_FOUND']]);

    const deleted = await kvs.batchDelete([{ key: 'b1' }, { key: 'b2' }]);
    expect(deleted.failedKeys).toEqual([]);
    expect(await kvs.get('b1')).toBeUndefined();

    expect((await kvsError(kvs.batchSet([]))).responseDetails.status).toBe(400);
    const tooMany = Array.from({ length: 26 }, (_, i) => ({ key: `k${i}`, value: i }));
    expect((await kvsError(kvs.batchSet(tooMany))).code).toBe('TOO_MANY_KEYS');
  });

  it('applies KVS transactions all or nothing', async () => {
    await kvs.set('tx:old', 'bye');
    await kvs.transact().set('tx:a', 1).set('tx:b', 2).delete('tx:old').execute();
    expect(await kvs.get('tx:a')).toBe(1);
    expect(await kvs.get('tx:b')).toBe(2);
    expect(await kvs.get('tx:old')).toBeUndefined();

    // The invalid last operation rolls back the valid ones before it.
    const error = await kvsError(kvs.transact().set('tx:c', 3).delete('tx:a').set('bad/key', 4).execute());
    expect(error.code).toBe('INVALID_KEY');
    expect(await kvs.get('tx:c')).toBeUndefined();
    expect(await kvs.get('tx:a')).toBe(1);

    let builder = kvs.transact();
    for (let i = 0; i < 26; i++) builder = builder.set(`many:${i}`, i);
    expect((await kvsError(builder.execute())).code).toBe('TOO_MANY_OPERATIONS');
    expect((await kvsError(kvs.transact().set('dup', 1).delete('dup').execute())).code).toBe('DUPLICATE_KEYS');
  });
});
