import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kvs, WhereConditions } from '@forge/kvs';
import { Queue } from '@forge/events';
import { STORAGE_FILE_NAME, type AsyncEventPayload, type RuntimeManifest } from './index';
import { startTestRuntime } from './test-helpers';

const manifest: RuntimeManifest = {
  app: {
    storage: {
      entities: [{ name: 'snapshot', attributes: { day: { type: 'string' }, value: { type: 'integer' } }, indexes: ['day'] }],
    },
  },
};

let dataDir: string;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'forge-runtime-'));
});

afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('persistence across restarts', () => {
  it('keeps KVS values, secrets and entities in dataDir/forge-storage.sqlite', async () => {
    const first = startTestRuntime({ dataDir, manifest });
    await kvs.set('settings:portfolio', { currency: 'EUR' });
    await kvs.setSecret('token', 'abc');
    await kvs.entity('snapshot').set('2024-05-01', { day: '2024-05-01', value: 7 });
    await first.runtime.close();
    expect(existsSync(join(dataDir, STORAGE_FILE_NAME))).toBe(true);

    const second = startTestRuntime({ dataDir, manifest });
    expect(await kvs.get('settings:portfolio')).toEqual({ currency: 'EUR' });
    expect(await kvs.getSecret('token')).toBe('abc');
    const snapshots = await kvs.entity('snapshot').query().index('day').where(WhereConditions.beginsWith('2024-05')).getMany();
    expect(snapshots.results).toEqual([{ key: '2024-05-01', value: { day: '2024-05-01', value: 7 } }]);
    expect((await kvs.query().where('key', WhereConditions.beginsWith('settings:')).getMany()).results).toHaveLength(1);
    await second.runtime.close();
  });

  it('redelivers queue events still pending at shutdown and keeps job stats', async () => {
    const first = startTestRuntime({ dataDir });
    first.runtime.registerConsumer('rebuild', () => undefined);
    const queue = new Queue({ key: 'rebuild' });
    const now = await queue.push({ body: { n: 1 } });
    await first.runtime.drainQueues();
    const later = await first.runtime.runAsInvocation({ accountId: 'user-7' }, () => queue.push({ body: { n: 2 }, delayInSeconds: 600 }));
    await first.runtime.close();

    const second = startTestRuntime({ dataDir });
    const seen: AsyncEventPayload[] = [];
    expect(await queue.getStats(later.jobId)).toEqual({ success: 0, inProgress: 1, failed: 0 });
    second.runtime.registerConsumer('rebuild', (event: AsyncEventPayload) => void seen.push(event));
    await second.runtime.drainQueues({ fastForward: true });
    expect(seen.map((event) => event.body)).toEqual([{ n: 2 }]);
    expect(await queue.getStats(later.jobId)).toEqual({ success: 1, inProgress: 0, failed: 0 });
    expect(await queue.getStats(now.jobId)).toEqual({ success: 1, inProgress: 0, failed: 0 });
    await second.runtime.close();
  });
});
