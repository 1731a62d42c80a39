/** runtime.platformCalls(): every __forge_fetch__ request counted by kind, one per request. */
import { asApp, asUser, route } from '@forge/api';
import { Queue } from '@forge/events';
import { kvs, WhereConditions } from '@forge/kvs';
import Resolver from '@forge/resolver';
import type { ForgeFetch, PlatformCalls, RuntimeManifest } from './index';
import { startTestRuntime, type TestRuntime } from './test-helpers';

const manifest: RuntimeManifest = {
  app: { storage: { entities: [{ name: 'budget', attributes: { amount: { type: 'float' } }, indexes: ['amount'] }] } },
};

let t: TestRuntime;
beforeEach(() => {
  t = startTestRuntime({ manifest });
});
afterEach(async () => {
  await t.runtime.close();
});

function delta(before: PlatformCalls, after: PlatformCalls): PlatformCalls {
  return { kvs: after.kvs - before.kvs, product: after.product - before.product, events: after.events - before.events, total: after.total - before.total };
}

/** What `work` adds to the counters, run as a resolver invocation of `user-1`. */
async function countedCalls(work: () => Promise<unknown>): Promise<PlatformCalls> {
  const resolver = new Resolver().define('work', async () => {
    await work();
    return 'done';
  });
  const before = t.runtime.platformCalls();
  expect(await t.runtime.invokeResolver(resolver.getDefinitions(), { functionKey: 'work', accountId: 'user-1', moduleKey: 'pmo-portfolio-page' })).toBe('done');
  return delta(before, t.runtime.platformCalls());
}

describe('platformCalls', () => {
  it('starts at zero', () => {
    expect(t.runtime.platformCalls()).toEqual({ kvs: 0, product: 0, events: 0, total: 0 });
  });

  it('counts a resolver’s kvs.get, kvs.set and asUser().requestJira as 2 kvs and 1 product call', async () => {
    await kvs.set('warm-up', 1);
    const calls = await countedCalls(async () => {
      await kvs.get('portfolio:settings');
      await kvs.set('portfolio:settings', { currency: 'EUR' });
      const me = await asUser().requestJira(route`/rest/api/3/myself`);
      expect(me.status).toBe(200);
    });
    expect(calls).toEqual({ kvs: 2, product: 1, events: 0, total: 3 });
    expect(t.requests).toHaveLength(1);
  });

  it('counts one call per request however many keys it carries: batches, queries, entities, transactions, secrets', async () => {
    const calls = await countedCalls(async () => {
      await kvs.batchSet([
        { key: 'a', value: 1 },
        { key: 'b', value: 2 },
        { key: 'c', value: 3 },
      ]);
      await kvs.batchGet([{ key: 'a' }, { key: 'b' }, { key: 'c' }]);
      await kvs.query().where('key', WhereConditions.beginsWith('')).limit(10).getMany();
      await kvs.entity<{ amount: number }>('budget').set('ABC', { amount: 10 });
      await kvs.entity<{ amount: number }>('budget').query().index('amount').getMany();
      await kvs.transact().set('x', 1).set('y', 2).delete('a').execute();
      await kvs.setSecret('token', 's3cret');
      await kvs.delete('b');
    });
    expect(calls).toEqual({ kvs: 8, product: 0, events: 0, total: 8 });
  });

  it('counts product calls as app and user, to Jira and Confluence, and calls that fail', async () => {
    const calls = await countedCalls(async () => {
      await asApp().requestJira(route`/rest/api/3/project/search`);
      await asUser().requestConfluence(route`/wiki/api/v2/spaces`);
      // Refused by the emulator (no such product here), but it reached the platform.
      await asApp()
        .requestBitbucket(route`/2.0/repositories`)
        .catch(() => undefined);
    });
    expect(calls).toEqual({ kvs: 0, product: 3, events: 0, total: 3 });
  });

  it('counts @forge/events pushes and job stats as events', async () => {
    t.runtime.registerConsumer('count-queue', () => undefined);
    const queue = new Queue({ key: 'count-queue' });
    let jobId = '';
    const calls = await countedCalls(async () => {
      ({ jobId } = await queue.push([{ body: { n: 1 } }, { body: { n: 2 } }]));
      await queue.getJob(jobId).getStats();
    });
    expect(calls).toEqual({ kvs: 0, product: 0, events: 2, total: 2 });
    await t.runtime.drainQueues();
  });

  it('counts calls of a kind the emulator does not offer in the total only', async () => {
    const before = t.runtime.platformCalls();
    // What @forge/api's external auth (fetchRemote) sends: a third-party call, not emulated here.
    const platform = (globalThis as { __forge_fetch__?: ForgeFetch }).__forge_fetch__ as ForgeFetch;
    const answer = await t.runtime.runAsInvocation({ accountId: 'user-1' }, () => platform({ type: 'tpp', provider: 'google', remote: 'google-apis' }, '/drive/v3/files'));
    expect(answer.headers.get('forge-proxy-error')).toBe('NOT_SUPPORTED_LOCALLY');
    expect(delta(before, t.runtime.platformCalls())).toEqual({ kvs: 0, product: 0, events: 0, total: 1 });
  });

  it('counts cumulatively since the start', async () => {
    await kvs.get('one');
    await kvs.get('two');
    await asApp().requestJira(route`/rest/api/3/myself`);
    expect(t.runtime.platformCalls()).toEqual({ kvs: 2, product: 1, events: 0, total: 3 });
  });
});
