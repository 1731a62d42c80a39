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
  expect(reader.durationMs).toBeGreaterThanOrEqual(29);
  expect(after.invocations - before.invocations).toBe(2);
  expect(after.kvsBytesWritten - before.kvsBytesWritten).toBe(writer.kvsBytesWritten);
  expect(after.functionMs - before.functionMs).toBeCloseTo(writer.durationMs + reader.durationMs, 6);
  // At Forge's default 512 MB, a second of function time is half a GB-second.
  expect(gbSeconds(1000)).toBe(0.5);
});
