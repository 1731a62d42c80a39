/** The maxConcurrent knob: at most N REST requests handled at once, the rest waiting in arrival order. */
import { ConcurrencyLimiter } from './concurrency';
import { startFixtureJira, type FixtureJira } from './test-fixture';

describe('ConcurrencyLimiter', () => {
  it('admits up to the limit and starts waiters first come, first served', () => {
    let limit: number | null = 2;
    const limiter = new ConcurrencyLimiter(() => limit);
    const started: number[] = [];
    for (let n = 1; n <= 6; n++) limiter.enter(() => started.push(n));
    expect(started).toEqual([1, 2]);
    expect(limiter.snapshot()).toEqual({ inFlight: 2, waiting: 4, peakInFlight: 2 });

    limiter.leave();
    expect(started).toEqual([1, 2, 3]);
    // A newcomer queues behind the waiters even when a slot frees up at the same moment.
    limiter.enter(() => started.push(7));
    limiter.leave();
    expect(started).toEqual([1, 2, 3, 4]);

    // Raising the limit lets the waiters in at once, in order; lifting it admits everyone.
    limit = 4;
    limiter.pump();
    expect(started).toEqual([1, 2, 3, 4, 5, 6]);
    limit = null;
    limiter.pump();
    expect(started).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(limiter.snapshot()).toEqual({ inFlight: 5, waiting: 0, peakInFlight: 5 });
  });

  it('forgets a waiter that is cancelled and restarts the peak on reset', () => {
    const limiter = new ConcurrencyLimiter(() => 1);
    const started: string[] = [];
    limiter.enter(() => started.push('a'));
    const cancelB = limiter.enter(() => started.push('b'));
    limiter.enter(() => started.push('c'));
    cancelB();
    limiter.leave();
    expect(started).toEqual(['a', 'c']);
    limiter.leave();
    expect(limiter.snapshot()).toEqual({ inFlight: 0, waiting: 0, peakInFlight: 1 });
    limiter.resetPeak();
    expect(limiter.snapshot().peakInFlight).toBe(0);
  });
});

describe('maxConcurrent over HTTP', () => {
  let jira: FixtureJira;
  beforeAll(async () => {
    jira = await startFixtureJira({ alphaIssues: 5 });
  });
  afterAll(async () => {
    await jira.close();
  });
  afterEach(() => {
    jira.server.app.control.setKnobs({ latencyMs: 0, maxConcurrent: null });
  });

  /** Fires `count` requests at once and answers their statuses and the server's concurrency peak. */
  async function burst(count: number): Promise<{ statuses: number[]; peak: number }> {
    jira.server.app.control.resetRequestCounts();
    const statuses = await Promise.all(
      Array.from({ length: count }, (_, n) => jira.fetchAs(null, n % 2 === 0 ? '/rest/api/3/myself' : '/rest/api/3/issue/ALPHA-1').then((response) => response.status)),
    );
    const after = jira.server.app.control.concurrency();
    expect(after.waiting).toBe(0);
    return { statuses, peak: after.peakInFlight };
  }

  it('never handles more than maxConcurrent requests at once, latency included', async () => {
    jira.server.app.control.setKnobs({ latencyMs: 50, maxConcurrent: 5 });
    const { statuses, peak } = await burst(30);
    expect(statuses).toEqual(Array(30).fill(200));
    expect(peak).toBeLessThanOrEqual(5);
    // The 50 ms delay is spent holding a slot, so a burst of 30 fills all five.
    expect(peak).toBe(5);
  });

  it('handles more than five at once without the knob', async () => {
    jira.server.app.control.setKnobs({ latencyMs: 50, maxConcurrent: null });
    const { statuses, peak } = await burst(30);
    expect(statuses).toEqual(Array(30).fill(200));
    expect(peak).toBeGreaterThan(5);
  });

  it('lets waiting requests in when the limit is lifted while they wait', async () => {
    jira.server.app.control.setKnobs({ latencyMs: 200, maxConcurrent: 1 });
    jira.server.app.control.resetRequestCounts();
    const answers = Promise.all(Array.from({ length: 4 }, () => jira.fetchAs(null, '/rest/api/3/myself').then((response) => response.status)));
    // Wait (at most 5 s) until the server holds one and queues the other three.
    const deadline = Date.now() + 5_000;
    while (jira.server.app.control.concurrency().waiting < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(jira.server.app.control.concurrency().waiting).toBe(3);
    expect(jira.server.app.control.concurrency().inFlight).toBe(1);
    const lifted = await fetch(`${jira.url}/__admin/knobs`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ maxConcurrent: null }),
    });
    expect(lifted.status).toBe(200);
    expect(jira.server.app.control.concurrency()).toEqual({ inFlight: 4, waiting: 0, peakInFlight: 4 });
    expect(await answers).toEqual([200, 200, 200, 200]);
  });

  it('is a knob like the others: PUT /__admin/knobs validates it and GET /__admin/requests reports the peak', async () => {
    const put = (body: unknown) =>
      fetch(`${jira.url}/__admin/knobs`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    expect(((await (await put({ maxConcurrent: 3 })).json()) as { maxConcurrent: unknown }).maxConcurrent).toBe(3);
    for (const bad of [0, -1, 1.5, '3']) {
      const refused = await put({ maxConcurrent: bad });
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { errors: Record<string, string> }).errors).toHaveProperty('maxConcurrent');
    }
    expect(((await (await put({ maxConcurrent: null })).json()) as { maxConcurrent: unknown }).maxConcurrent).toBeNull();

    await fetch(`${jira.url}/__admin/requests`, { method: 'DELETE' });
    await jira.fetchAs(null, '/rest/api/3/myself');
    const counts = (await (await fetch(`${jira.url}/__admin/requests`)).json()) as { concurrency: { peakInFlight: number; waiting: number } };
    expect(counts.concurrency.peakInFlight).toBeGreaterThanOrEqual(1);
    expect(counts.concurrency.waiting).toBe(0);
  });

  it('can be set at construction', async () => {
    const limited = await startFixtureJira({ alphaIssues: 1, knobs: { maxConcurrent: 2, latencyMs: 30 } });
    try {
      const statuses = await Promise.all(Array.from({ length: 8 }, () => limited.fetchAs(null, '/rest/api/3/myself').then((response) => response.status)));
      expect(statuses).toEqual(Array(8).fill(200));
      expect(limited.server.app.control.concurrency().peakInFlight).toBe(2);
    } finally {
      await limited.close();
    }
  });
});
