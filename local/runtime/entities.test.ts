import { Filter, FilterConditions, kvs, Sort, WhereConditions } from '@forge/kvs';
import type { RuntimeManifest } from './index';
import { startTestRuntime, type TestRuntime, kvsError } from './test-helpers';

interface Budget {
  projectKey: string;
  period: string;
  amount: number;
  approved: boolean;
  owner?: string;
  tags?: string[];
}

const manifest: RuntimeManifest = {
  app: {
    id: 'ari:cloud:ecosystem::app/5a1d8b52-7f3c-4c3e-9f0e-2b8f6e0c4a11',
    storage: {
      entities: [
        {
          name: 'budget',
          attributes: {
            projectKey: { type: 'string' },
            period: { type: 'string' },
            amount: { type: 'float' },
            approved: { type: 'boolean' },
            owner: { type: 'string' },
            tags: { type: 'any' },
            year: { type: 'integer' },
          },
          indexes: [
            'period',
            'amount',
            { name: 'by-project-period', partition: ['projectKey'], range: ['period'] },
            { name: 'by-project-approval', partition: ['projectKey', 'approved'], range: ['amount'] },
          ],
        },
      ],
    },
  },
};

let t: TestRuntime;
const budgets = kvs.entity<Budget>('budget');

beforeEach(async () => {
  t = startTestRuntime({ manifest });
  const rows: [string, Budget][] = [
    ['ABC-2024-01', { projectKey: 'ABC', period: '2024-01', amount: 100, approved: true, owner: 'ann', tags: ['capex'] }],
    ['ABC-2024-02', { projectKey: 'ABC', period: '2024-02', amount: 250.5, approved: false, owner: 'bob' }],
    ['ABC-2024-03', { projectKey: 'ABC', period: '2024-03', amount: 80, approved: true, owner: 'ann' }],
    ['ABC-2025-01', { projectKey: 'ABC', period: '2025-01', amount: 300, approved: true }],
    ['XYZ-2024-01', { projectKey: 'XYZ', period: '2024-01', amount: 50, approved: true, owner: 'cid', tags: ['opex'] }],
    ['XYZ-2024-02', { projectKey: 'XYZ', period: '2024-02', amount: 75, approved: false }],
  ];
  for (const [key, value] of rows) await budgets.set(key, value);
});

afterEach(async () => {
  await t.runtime.close();
});

describe('Custom Entity Store through the real @forge/kvs', () => {
  it('gets, sets and deletes entities', async () => {
    expect(await budgets.get('ABC-2024-01')).toEqual(expect.objectContaining({ amount: 100, owner: 'ann' }));
    await budgets.delete('ABC-2024-01');
    expect(await budgets.get('ABC-2024-01')).toBeUndefined();
    // Entities and plain keys live apart.
    expect(await kvs.get('ABC-2024-02')).toBeUndefined();
  });

  it('queries a partitioned index with range conditions and sort', async () => {
    const q = () => budgets.query().index('by-project-period', { partition: ['ABC'] });
    const all = await q().getMany();
    expect(all.results.map((r) => r.key)).toEqual(['ABC-2024-01', 'ABC-2024-02', 'ABC-2024-03', 'ABC-2025-01']);

    const in2024 = await q().where(WhereConditions.beginsWith('2024')).sort(Sort.DESC).getMany();
    expect(in2024.results.map((r) => r.value.period)).toEqual(['2024-03', '2024-02', '2024-01']);

    const between = await q().where(WhereConditions.between('2024-02', '2024-03')).getMany();
    expect(between.results.map((r) => r.key)).toEqual(['ABC-2024-02', 'ABC-2024-03']);
    expect((await q().where(WhereConditions.equalTo('2025-01')).getOne())?.key).toBe('ABC-2025-01');
    expect((await q().where(WhereConditions.greaterThan('2024-03')).getMany()).results).toHaveLength(1);
    expect((await q().where(WhereConditions.lessThanEqualTo('2024-02')).getMany()).results).toHaveLength(2);
  });

  it('orders numeric ranges numerically and supports multi-attribute partitions with booleans', async () => {
    const byAmount = await budgets.query().index('amount').where(WhereConditions.greaterThanEqualTo(80)).getMany();
    expect(byAmount.results.map((r) => r.value.amount)).toEqual([80, 100, 250.5, 300]);

    const approvedAbc = await budgets
      .query()
      .index('by-project-approval', { partition: ['ABC', true] })
      .sort(Sort.DESC)
      .getMany();
    expect(approvedAbc.results.map((r) => r.value.amount)).toEqual([300, 100, 80]);
  });

  it('pages with cursors in both directions', async () => {
    for (const sort of [Sort.ASC, Sort.DESC]) {
      const keys: string[] = [];
      let cursor: string | undefined;
      do {
        let query = budgets.query().index('period').sort(sort).limit(4);
        if (cursor) query = query.cursor(cursor);
        const page = await query.getMany();
        keys.push(...page.results.map((r) => r.key));
        cursor = page.nextCursor;
      } while (cursor);
      const expected = ['ABC-2024-01', 'XYZ-2024-01', 'ABC-2024-02', 'XYZ-2024-02', 'ABC-2024-03', 'ABC-2025-01'];
      expect(keys).toEqual(sort === Sort.ASC ? expected : [...expected].reverse());
    }
  });

  it('applies and/or filters after the index range', async () => {
    const annApproved = await budgets
      .query()
      .index('period')
      .filters(new Filter<Budget>().and('owner', FilterConditions.equalTo('ann')).and('approved', FilterConditions.equalTo(true)))
      .getMany();
    expect(annApproved.results.map((r) => r.key)).toEqual(['ABC-2024-01', 'ABC-2024-03']);

    const tagged = await budgets
      .query()
      .index('period')
      .filters(new Filter<Budget>().or('tags', FilterConditions.contains('opex')).or('amount', FilterConditions.greaterThan(280)))
      .getMany();
    expect(tagged.results.map((r) => r.key)).toEqual(['XYZ-2024-01', 'ABC-2025-01']);

    const noOwner = await budgets.query().index('period').filters(new Filter<Budget>().and('owner', FilterConditions.notExists())).getMany();
    expect(noOwner.results.map((r) => r.key)).toEqual(['XYZ-2024-02', 'ABC-2025-01']);

    // As on DynamoDB the limit bounds what is read; filters then thin the page.
    const thin = await budgets
      .query()
      .index('period')
      .filters(new Filter<Budget>().and('owner', FilterConditions.equalTo('ann')))
      .limit(2)
      .getMany();
    expect(thin.results.map((r) => r.key)).toEqual(['ABC-2024-01']);
    expect(thin.nextCursor).toEqual(expect.any(String));
  });

  it('validates entity values, names, indexes and partitions', async () => {
    expect((await kvsError(budgets.set('bad', { projectKey: 'A', period: 'p', amount: 'lots', approved: true } as unknown as Budget))).code).toBe(
      'INVALID_ENTITY_VALUE',
    );
    expect((await kvsError(kvs.entity('budget').set('bad', { unknownAttr: 1 }))).code).toBe('INVALID_ENTITY_VALUE');
    expect((await kvsError(kvs.entity('budget').set('bad', { year: 1.5 }))).code).toBe('INVALID_ENTITY_VALUE');
    expect((await kvsError(kvs.entity('nope').set('k', {}))).code).toBe('INVALID_ENTITY_TYPE');
    expect((await kvsError(kvs.entity('ab').get('k'))).code).toBe('ENTITY_TYPE_TOO_SHORT');
    expect((await kvsError(budgets.query().index('missing-index').getMany())).code).toBe('INVALID_ENTITY_INDEX');
    expect((await kvsError(budgets.query().index('by-project-period').getMany())).code).toBe('INVALID_PARTITION');
    expect((await kvsError(budgets.query().index('period').limit(101).getMany())).code).toBe('COMPLEX_QUERY_PAGE_LIMIT_NOT_IN_RANGE');
    expect((await kvsError(budgets.set('', { projectKey: 'A', period: 'p', amount: 1, approved: true }))).code).toBe('EMPTY_KEY');
  });

  it('runs entity transactions with conditions all or nothing', async () => {
    await kvs
      .transact()
      .set<Budget>('ABC-2024-02', { projectKey: 'ABC', period: '2024-02', amount: 260, approved: true }, {
        entityName: 'budget',
        conditions: new Filter<Budget>().and('approved', FilterConditions.equalTo(false)),
      })
      .delete('XYZ-2024-02', { entityName: 'budget' })
      .check('ABC-2024-01', { entityName: 'budget', conditions: new Filter<Budget>().and('owner', FilterConditions.equalTo('ann')) })
      .set('plain-key', 'also atomic')
      .execute();
    expect((await budgets.get('ABC-2024-02'))?.amount).toBe(260);
    expect(await budgets.get('XYZ-2024-02')).toBeUndefined();
    expect(await kvs.get('plain-key')).toBe('also atomic');

    // A failing check cancels every operation of the transaction.
    const error = await kvsError(
      kvs
        .transact()
        .set<Budget>('ABC-2024-03', { projectKey: 'ABC', period: '2024-03', amount: 1, approved: true }, { entityName: 'budget' })
        .delete('plain-key')
        .check('XYZ-2024-01', { entityName: 'budget', conditions: new Filter<Budget>().and('owner', FilterConditions.equalTo('nobody')) })
        .execute(),
    );
    expect(error.code).toBe('CONDITION_CHECK_FAILED');
    expect((await budgets.get('ABC-2024-03'))?.amount).toBe(80);
    expect(await kvs.get('plain-key')).toBe('also atomic');

    // A condition can require that the entity does not exist yet.
    const createOnly = () =>
      kvs
        .transact()
        .set<Budget>('NEW-1', { projectKey: 'NEW', period: '2024-01', amount: 1, approved: false }, {
          entityName: 'budget',
          conditions: new Filter<Budget>().and('projectKey', FilterConditions.notExists()),
        })
        .execute();
    await createOnly();
    expect((await kvsError(createOnly())).code).toBe('CONDITION_CHECK_FAILED');
  });

  it('mixes entities and keys in batches', async () => {
    const result = await kvs.batchSet<unknown>([
      { key: 'B-1', entityName: 'budget', value: { projectKey: 'B', period: '2024-01', amount: 1, approved: true } },
      { key: 'B-2', entityName: 'budget', value: { projectKey: 'B', period: '2024-01', amount: 'x' } },
      { key: 'plain', value: 'v' },
    ]);
    expect(result.successfulKeys).toEqual([{ key: 'B-1', entityName: 'budget' }, { key: 'plain' }]);
    expect(result.failedKeys).toEqual([{ key: 'B-2', entityName: 'budget', error: { code: 'INVALID_ENTITY_VALUE', message: expect.any(String) } }]);
    const got = await kvs.batchGet([{ key: 'B-1', entityName: 'budget' }, { key: 'plain' }]);
    expect(got.successfulKeys.map((r) => r.key)).toEqual(['B-1', 'plain']);
  });
});
