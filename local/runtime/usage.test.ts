/** runtime.usage(): storage bytes read and written, and function time, per invocation, as Forge bills them. */
import { kvs, WhereConditions } from '@forge/kvs';
import { gbSeconds } from './index';
import { startTestRuntime, type TestRuntime } from './test-helpers';

let t: TestRuntime;
beforeEach(() => {
  t = startTestRuntime();
});
afterEach(async () => {
  await t.runtime.close();
});

test('each invocation is metered: its duration, the bytes its writes sent and its reads received', async () => {
  const value = { text: 'x'.repeat(10_000) };
  const bytes = Buffer.byteLength(JSON.stringify(value));
  const before = t.runtime.usage();
  await t.runtime.runAsInvocation({ accountId: null, functionKey: 'writer' }, async () => {
    await kvs.set('a', value);
    await kvs.batchSet([{ key: 'b', value }, { key: 'c', value }]);
  });
  await t.runtime.runAsInvocation({ accountId: null, functionKey: 'reader' }, async () => {
    await kvs.get('a');
    await kvs.query().where('key', WhereConditions.beginsWith('')).limit(10).getMany();
    await new Promise((resolve) => setTimeout(resolve, 30));
  });
  const after = t.runtime.usage();
  const [writer, reader] = t.runtime.invocationUsage().slice(-2);

  expect(writer).toMatchObject({ functionKey: 'writer', kvsBytesRead: 0 });
  // Three values written, each with its key and the request's own framing.
  expect(writer.kvsBytesWritten).toBeGreaterThan(3 * bytes);
  expect(writer.kvsBytesWritten).toBeLessThan(3 * bytes + 500);
  // One value read by get, three by the query.
  expect(reader.kvsBytesRead).toBeGreaterThan(4 * bytes);
  expect(reader.kvsBytesRead).toBeLessThan(4 * bytes + 1000);
  expect(reader.kvsBytesWritten).toBe(0);
  // Waiting on a timer is not running: Forge bills it, but the local estimate counts own running time and Jira waits.
  expect(reader.wallMs).toBeGreaterThanOrEqual(29);
  expect(reader.durationMs).toBeLessThanOrEqual(reader.wallMs);
  expect(after.invocations - before.invocations).toBe(2);
  expect(after.kvsBytesWritten - before.kvsBytesWritten).toBe(writer.kvsBytesWritten);
  expect(after.functionMs - before.functionMs).toBeCloseTo(writer.durationMs + reader.durationMs, 6);
});

test('an invocation is billed its own running time and its Jira waits, not the time other invocations ran', async () => {
  const busy = (ms: number) => {
    const until = performance.now() + ms;
    while (performance.now() < until);
  };
  // Two invocations that each run 40 ms of their own, interleaved on the one thread.
  const work = (name: string) =>
    t.runtime.runAsInvocation({ accountId: null, functionKey: name }, async () => {
      for (let slice = 0; slice < 4; slice++) {
        busy(10);
        await new Promise((resolve) => setImmediate(resolve));
      }
    });
  await Promise.all([work('one'), work('two')]);
  const [one, two] = t.runtime.invocationUsage().slice(-2);
  for (const usage of [one, two]) {
    expect(usage.durationMs).toBeGreaterThanOrEqual(35);
    // On the local clock each also waited for the other's slices (about as long as its own).
    expect(usage.wallMs).toBeGreaterThan(usage.durationMs * 1.5);
  }

  // A product call's wait is billed (as Forge bills a function waiting for Jira).
  await t.runtime.runAsInvocation({ accountId: null, functionKey: 'asks' }, async () => {
    const { asApp, route } = await import('@forge/api');
    await asApp().requestJira(route`/rest/api/3/myself`);
  });
  expect(t.runtime.invocationUsage().at(-1)?.durationMs).toBeGreaterThan(0);
  // At Forge's default 512 MB, a second of function time is half a GB-second.
  expect(gbSeconds(1000)).toBe(0.5);
});
