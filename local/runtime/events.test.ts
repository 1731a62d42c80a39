import { asApp, asUser, route } from '@forge/api';
import { InternalServerError, InvocationError, InvocationErrorCode, Queue } from '@forge/events';
import Resolver from '@forge/resolver';
import { LOCAL_CLOUD_ID } from '../constants';
import type { AsyncEventPayload, FunctionContext, ScheduledTriggerRequest } from './index';
import { startTestRuntime, type TestRuntime } from './test-helpers';

let t: TestRuntime;

beforeEach(() => {
  t = startTestRuntime();
});

afterEach(async () => {
  await t.runtime.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('async events queue', () => {
  it('delivers pushed events asynchronously to the consumer, as the pushing user', async () => {
    const seen: { event: AsyncEventPayload; context: FunctionContext; me: string }[] = [];
    t.runtime.registerConsumer('sync-queue', async (event: AsyncEventPayload, context: FunctionContext) => {
      const me = await (await asUser().requestJira(route`/rest/api/3/myself`)).json();
      seen.push({ event, context, me: me.accountId });
    });
    const queue = new Queue({ key: 'sync-queue' });
    const { jobId } = await t.runtime.runAsInvocation({ accountId: 'pusher-1' }, () =>
      queue.push([{ body: { projectKey: 'ABC' } }, { body: { projectKey: 'XYZ' } }]),
    );
    expect(seen).toHaveLength(0); // delivery never happens inside push()
    await t.runtime.drainQueues();
    expect(seen.map((s) => s.event.body.projectKey).sort()).toEqual(['ABC', 'XYZ']);
    expect(seen[0].event).toEqual(expect.objectContaining({ queueName: 'sync-queue', jobId, eventId: expect.any(String) }));
    expect(seen[0].event.retryContext).toBeUndefined();
    expect(seen[0].context).toEqual({ installContext: `ari:cloud:jira::site/${LOCAL_CLOUD_ID}`, principal: { accountId: 'pusher-1' } });
    expect(seen.map((s) => s.me)).toEqual(['pusher-1', 'pusher-1']);
    expect(await queue.getJob(jobId).getStats()).toEqual({ success: 2, inProgress: 0, failed: 0 });
  });

  it('redelivers after InvocationError with retryContext, then counts success', async () => {
    const attempts: (AsyncEventPayload['retryContext'] | undefined)[] = [];
    t.runtime.registerConsumer('retry-queue', (event: AsyncEventPayload) => {
      attempts.push(event.retryContext);
      if (attempts.length < 3) {
        return new InvocationError({
          retryAfter: 30,
          retryReason: InvocationErrorCode.FUNCTION_UPSTREAM_RATE_LIMITED,
          retryData: { page: attempts.length },
        });
      }
      return undefined;
    });
    const queue = new Queue({ key: 'retry-queue' });
    const { jobId } = await queue.push({ body: { n: 1 } });
    await sleep(50);
    expect(attempts).toHaveLength(1);
    // The retry is due in 30 s; it is pending meanwhile.
    expect(await queue.getJob(jobId).getStats()).toEqual({ success: 0, inProgress: 1, failed: 0 });
    await t.runtime.drainQueues({ fastForward: true });
    expect(attempts).toHaveLength(3);
    expect(attempts[1]).toEqual({
      retryCount: 1,
      retryReason: 'FUNCTION_UPSTREAM_RATE_LIMITED',
      retryData: { page: 1 },
      retentionWindow: { startTime: expect.any(String), remainingTimeMs: expect.any(Number) },
    });
    expect(attempts[2]?.retryCount).toBe(2);
    expect(attempts[2]?.retryData).toEqual({ page: 2 });
    // Skipped waiting counts against the 24 h retention window.
    expect(attempts[2]?.retentionWindow?.remainingTimeMs).toBeLessThanOrEqual(24 * 3_600_000 - 60_000);
    expect(await queue.getStats(jobId)).toEqual({ success: 1, inProgress: 0, failed: 0 });
  });

  it('retries uncaught errors with backoff and drops events past the retention window', async () => {
    await t.runtime.close();
    t = startTestRuntime({ queue: { retentionWindowMs: 60_000 } });
    const reasons: string[] = [];
    t.runtime.registerConsumer('flaky', (event: AsyncEventPayload) => {
      reasons.push(event.retryContext?.retryReason ?? 'first');
      if (event.body.alwaysFail || reasons.length < 2) throw new Error('upstream down');
    });
    const queue = new Queue({ key: 'flaky' });
    const ok = await queue.push({ body: {} });
    await t.runtime.drainQueues({ fastForward: true });
    expect(reasons).toEqual(['first', 'FUNCTION_ERR']);
    expect(await queue.getStats(ok.jobId)).toEqual({ success: 1, inProgress: 0, failed: 0 });

    reasons.length = 0;
    const doomed = await queue.push({ body: { alwaysFail: true } });
    await t.runtime.drainQueues({ fastForward: true });
    // Backoff 1, 2, 4, 8, 16 s fits in 60 s; the next (32 s) would not.
    expect(reasons).toHaveLength(6);
    expect(await queue.getStats(doomed.jobId)).toEqual({ success: 0, inProgress: 0, failed: 1 });
    expect(t.logs.some((line) => line.includes('retention window exceeded'))).toBe(true);
  });

  it('honours delayInSeconds', async () => {
    const delivered: number[] = [];
    t.runtime.registerConsumer('later', () => void delivered.push(Date.now()));
    const queue = new Queue({ key: 'later' });
    const pushedAt = Date.now();
    await queue.push([{ body: {}, delayInSeconds: 1 }]);
    await sleep(300);
    expect(delivered).toHaveLength(0);
    await t.runtime.drainQueues();
    expect(delivered).toHaveLength(1);
    expect(delivered[0] - pushedAt).toBeGreaterThanOrEqual(990);

    await queue.push([{ body: {}, delayInSeconds: 900 }]);
    await t.runtime.drainQueues({ fastForward: true });
    expect(delivered).toHaveLength(2);
  });

  it('limits concurrency per concurrency key', async () => {
    let running = 0;
    let maxRunning = 0;
    t.runtime.registerConsumer('limited', async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await sleep(10);
      running--;
    });
    const queue = new Queue({ key: 'limited' });
    const { jobId } = await queue.push(Array.from({ length: 6 }, (_, i) => ({ body: { i }, concurrency: { key: 'jira-sync', limit: 2 } })));
    await t.runtime.drainQueues();
    expect(maxRunning).toBe(2);
    expect(t.runtime.getJobStats(jobId)).toEqual({ success: 6, inProgress: 0, failed: 0 });
  });

  it('calls resolver-style consumers (manifest resolver: {function, method})', async () => {
    const calls: { payload: unknown; context: Record<string, unknown> }[] = [];
    const resolver = new Resolver().define('event-listener', ({ payload, context }) => {
      calls.push({ payload, context });
      return calls.length === 1 ? new InvocationError({ retryAfter: 1, retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST }) : undefined;
    });
    t.runtime.registerConsumer('legacy-queue', resolver.getDefinitions(), { method: 'event-listener', key: 'legacy-consumer' });
    const { jobId } = await new Queue({ key: 'legacy-queue' }).push({ body: { hello: 'world' } });
    await t.runtime.drainQueues({ fastForward: true });
    expect(calls).toHaveLength(2);
    expect(calls[0].payload).toEqual({ hello: 'world' });
    expect(calls[0].context).toEqual(expect.objectContaining({ jobId, moduleKey: 'legacy-consumer' }));
    expect(calls[1].payload).toEqual(expect.objectContaining({ hello: 'world', retryContext: expect.objectContaining({ retryCount: 1 }) }));
  });

  it('cancels the pending events of a job and reports unknown jobs', async () => {
    t.runtime.registerConsumer('cancel-me', () => undefined);
    const queue = new Queue({ key: 'cancel-me' });
    const { jobId } = await queue.push([{ body: {}, delayInSeconds: 600 }, { body: {}, delayInSeconds: 600 }]);
    await queue.cancel(jobId);
    expect(await queue.getStats(jobId)).toEqual({ success: 0, inProgress: 0, failed: 2 });
    await expect(queue.getStats('no-such-job')).rejects.toThrow('The job no-such-job was not found');
  });

  it('rejects pushes to queues without a consumer module in the manifest', async () => {
    await t.runtime.close();
    t = startTestRuntime({ manifest: { modules: { consumer: [{ key: 'c', queue: 'known' }] } } });
    await expect(new Queue({ key: 'unknown' }).push({ body: {} })).rejects.toBeInstanceOf(InternalServerError);
    await expect(new Queue({ key: 'known' }).push({ body: {} })).resolves.toEqual({ jobId: expect.any(String) });
  });
});

describe('product events', () => {
  it('delivers to triggers and retries on InvocationError', async () => {
    const events: Record<string, unknown>[] = [];
    t.runtime.registerTrigger(
      ['avi:jira:updated:issue', 'avi:jira:created:issue'],
      (event: Record<string, unknown>, context: FunctionContext) => {
        events.push({ ...event, principal: context.principal });
        if (events.length === 1) return new InvocationError({ retryAfter: 5, retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST });
        return undefined;
      },
      { key: 'issue-updated-trigger' },
    );
    expect(t.runtime.emitProductEvent('avi:jira:updated:issue', { issue: { key: 'ABC-1' }, atlassianId: 'editor-1' })).toBe(1);
    expect(t.runtime.emitProductEvent('avi:jira:deleted:issue', { issue: { key: 'ABC-2' } })).toBe(0);
    await t.runtime.drainQueues({ fastForward: true });
    expect(events).toHaveLength(2);
    expect(events[0]).toEqual({
      issue: { key: 'ABC-1' },
      atlassianId: 'editor-1',
      eventType: 'avi:jira:updated:issue',
      context: { cloudId: LOCAL_CLOUD_ID, moduleKey: 'issue-updated-trigger' },
      principal: undefined,
    });
    expect(events[1].retryContext).toEqual(expect.objectContaining({ retryCount: 1, retryReason: 'FUNCTION_RETRY_REQUEST' }));
  });
});

describe('scheduled triggers', () => {
  it('runs a trigger on demand without a user', async () => {
    const requests: ScheduledTriggerRequest[] = [];
    t.runtime.registerScheduledTriggers([
      {
        key: 'nightly-snapshot',
        interval: 'day',
        handler: async (request, context) => {
          requests.push(request);
          expect(context.principal).toBeUndefined();
          await asApp().requestJira(route`/rest/api/3/project/search`);
          await expect(asUser().requestJira(route`/rest/api/3/myself`)).rejects.toMatchObject({ errorCode: 'NO_USER_CONTEXT' });
          return { statusCode: 200 };
        },
      },
    ]);
    await expect(t.runtime.runScheduledTrigger('nightly-snapshot')).resolves.toEqual({ statusCode: 200 });
    expect(requests[0]).toEqual({ context: { cloudId: LOCAL_CLOUD_ID, moduleKey: 'nightly-snapshot' }, contextToken: expect.any(String) });
    expect(t.requests.map((r) => [r.provider, r.path])).toEqual([['app', '/rest/api/3/project/search']]);
    await expect(t.runtime.runScheduledTrigger('nope')).rejects.toThrow('No scheduled trigger');
  });

  it('runs triggers on (sped-up) timers until closed', async () => {
    let runs = 0;
    t.runtime.startScheduledTriggers([{ key: 'tick', interval: 'fiveMinute', handler: () => void runs++ }], { speedup: 300_000 / 20 });
    for (let waited = 0; runs < 3 && waited < 2000; waited += 10) await sleep(10);
    expect(runs).toBeGreaterThanOrEqual(3);
    await t.runtime.close();
    const after = runs;
    await sleep(60);
    expect(runs).toBe(after);
  });
});
