/**
 * The local site runs an app's background modules as the manifest declares them: queue consumers
 * (plain and resolver style, with the platform's retry), scheduled triggers on a timer, and
 * product-event triggers. A small fixture app uses each kind.
 */
import path from 'node:path';
import { startLocalSite, type LocalSite } from '../local/site/site';
import { demoDataset } from './demo-fixture';

const appRoot = path.join(__dirname, 'fixtures', 'background-app');
const admin = demoDataset().users[0].accountId;

async function start(options: { scheduledTriggers: 'timer' | 'manual'; triggerSpeedup?: number }): Promise<LocalSite> {
  return startLocalSite({ port: 0, dataDir: ':memory:', dataset: { kind: 'dataset', dataset: demoDataset() }, appRoot, buildUi: false, log: () => undefined, ...options });
}

async function read(site: LocalSite, key: string): Promise<unknown> {
  return ((await site.invoke('fixture-page', 'read', { key }, admin)) as { value: unknown }).value;
}

describe('with triggers run by hand', () => {
  let site: LocalSite;
  beforeAll(async () => {
    site = await start({ scheduledTriggers: 'manual' });
  });
  afterAll(() => site.close());

  test('queue pushes reach their consumers, and a retry request is redelivered with its retry context', async () => {
    const { jobId } = (await site.invoke('fixture-page', 'enqueue', { items: ['a', 'flaky', 'b'] }, admin)) as { jobId: string };
    await site.runtime.drainQueues({ fastForward: true });
    // Retry counts: the flaky item was delivered a second time.
    expect(await Promise.all(['a', 'flaky', 'b'].map((item) => read(site, `processed-${item}`)))).toEqual([0, 1, 0]);
    expect(await read(site, 'processed-by-resolver')).toEqual(['via-resolver']);
    expect(site.runtime.getJobStats(jobId)).toEqual({ success: 3, inProgress: 0, failed: 0 });
  });

  test('a scheduled trigger runs its function with no user', async () => {
    await site.runtime.runScheduledTrigger('tick');
    await site.runtime.runScheduledTrigger('tick');
    expect(await read(site, 'ticks')).toBe(2);
  });

  test('an issue edited in the simulated Jira sends avi:jira:updated:issue to the trigger', async () => {
    const key = demoDataset().issues[5].key;
    const response = await fetch(`${site.jiraUrl}/rest/api/3/issue/${key}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ fields: { summary: 'Renamed by a test' } }),
    });
    expect(response.status).toBe(204);
    await site.runtime.drainQueues({ fastForward: true });
    expect(await read(site, 'issue-events')).toEqual([key]);
  });

  test('a product event reaches the trigger that listens for it', async () => {
    expect(site.runtime.emitProductEvent('avi:jira:updated:issue', { issue: { key: 'APOLLO-1' } })).toBe(1);
    expect(site.runtime.emitProductEvent('avi:jira:deleted:issue', { issue: { key: 'APOLLO-2' } })).toBe(0);
    await site.runtime.drainQueues({ fastForward: true });
    expect(((await read(site, 'issue-events')) as string[]).at(-1)).toBe('APOLLO-1');
  });
});

test('scheduled triggers run on a timer', async () => {
  // fiveMinute / 3000 = every 100 ms.
  const site = await start({ scheduledTriggers: 'timer', triggerSpeedup: 3000 });
  try {
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(await read(site, 'ticks')).toBeGreaterThanOrEqual(3);
  } finally {
    await site.close();
  }
});
