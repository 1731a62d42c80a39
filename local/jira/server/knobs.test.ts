/** Fault knobs (latency, 429, 500/503), their HTTP control, and the request counter. */
import { FaultInjector } from './knobs';
import { specJson, startFixtureJira, type FixtureJira } from './test-fixture';

let jira: FixtureJira;
beforeAll(async () => {
  jira = await startFixtureJira({ alphaIssues: 5 });
});
afterAll(async () => {
  await jira.close();
});
afterEach(async () => {
  await setKnobs({ latencyMs: 0, failureRate: 0, rateLimit: null, seed: 1, maxConcurrent: null, failingProjects: [], failingPaths: [] });
});

async function setKnobs(patch: Record<string, unknown>): Promise<Response> {
  return fetch(`${jira.url}/__admin/knobs`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(patch) });
}

async function statuses(count: number): Promise<number[]> {
  const result: number[] = [];
  for (let index = 0; index < count; index++) result.push((await jira.fetchAs(null, '/rest/api/3/myself')).status);
  return result;
}

describe('knobs over HTTP', () => {
  it('reads and changes the knobs, rejecting invalid ones', async () => {
    const defaults = { latencyMs: 0, failureRate: 0, rateLimit: null, seed: 1, maxConcurrent: null, failingProjects: [], failingPaths: [] };
    expect(await (await fetch(`${jira.url}/__admin/knobs`)).json()).toEqual(defaults);
    const changed = await setKnobs({ failureRate: 0.25 });
    expect(await changed.json()).toEqual({ ...defaults, failureRate: 0.25 });
    const invalid = await setKnobs({ failureRate: 2 });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { errors: Record<string, string> }).errors).toHaveProperty('failureRate');
    expect((await setKnobs({ speed: 1 })).status).toBe(400);
  });

  it('can be set at construction', async () => {
    const slow = await startFixtureJira({ alphaIssues: 1, knobs: { latencyMs: 120 } });
    try {
      const started = performance.now();
      expect((await slow.fetchAs(null, '/rest/api/3/myself')).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(110);
      expect(slow.server.app.control.knobs().latencyMs).toBe(120);
    } finally {
      await slow.close();
    }
  });
});

describe('latency', () => {
  it('delays every REST answer but not the admin endpoints', async () => {
    await setKnobs({ latencyMs: 150 });
    let started = performance.now();
    await jira.fetchAs(null, '/rest/api/3/myself');
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    started = performance.now();
    await fetch(`${jira.url}/__admin/requests`);
    expect(performance.now() - started).toBeLessThan(140);
  });
});

describe('rate limits', () => {
  it('answers every Nth request 429 with Retry-After and X-RateLimit-Reset', async () => {
    await setKnobs({ rateLimit: { everyNth: 3, retryAfter: true, retryAfterSeconds: 2 } });
    expect(await statuses(6)).toEqual([200, 200, 429, 200, 200, 429]);
    await setKnobs({ rateLimit: { everyNth: 2, retryAfter: true } });
    await jira.fetchAs(null, '/rest/api/3/myself');
    const limited = await jira.fetchAs(null, '/rest/api/3/myself');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    const reset = Date.parse(limited.headers.get('x-ratelimit-reset') ?? '');
    expect(reset).toBeGreaterThan(Date.now());
    expect(reset).toBeLessThanOrEqual(Date.now() + 2_000);
    expect(await limited.json()).toEqual({ errorMessages: ['Rate limit exceeded.'], errors: {} });
  });

  it('can answer 429 without Retry-After, as Jira sometimes does', async () => {
    await setKnobs({ rateLimit: { everyNth: 1, retryAfter: false } });
    const limited = await jira.fetchAs(null, '/rest/api/3/myself');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBeNull();
    expect(limited.headers.get('x-ratelimit-reset')).toBeNull();
  });

  it('admits limitPerSecond requests in each second', () => {
    let now = 10_000;
    const injector = new FaultInjector({ rateLimit: { limitPerSecond: 2, retryAfter: true } }, () => now);
    const kinds = (): string[] => [0, 1, 2].map(() => injector.decide().kind);
    expect(kinds()).toEqual(['pass', 'pass', 'rateLimited']);
    now += 1_000;
    expect(kinds()).toEqual(['pass', 'pass', 'rateLimited']);
  });

  it('enforces limitPerSecond over HTTP', async () => {
    await setKnobs({ rateLimit: { limitPerSecond: 3, retryAfter: true } });
    const answers = await Promise.all(Array.from({ length: 8 }, () => jira.fetchAs(null, '/rest/api/3/myself').then((response) => response.status)));
    // The burst may straddle a second boundary: at most two windows' worth get through.
    const admitted = answers.filter((status) => status === 200).length;
    expect(admitted).toBeGreaterThanOrEqual(3);
    expect(admitted).toBeLessThanOrEqual(6);
    expect(answers.filter((status) => status === 429).length).toBe(8 - admitted);
  });
});

describe('failures', () => {
  it('fails at about the configured rate, alternating 500 and 503, the same way for the same seed', async () => {
    await setKnobs({ failureRate: 0.3, seed: 42 });
    const first = await statuses(400);
    const failures = first.filter((status) => status !== 200);
    expect(failures.length).toBeGreaterThan(400 * 0.3 * 0.75);
    expect(failures.length).toBeLessThan(400 * 0.3 * 1.25);
    expect(failures.filter((_, index) => index % 2 === 0).every((status) => status === 500)).toBe(true);
    expect(failures.filter((_, index) => index % 2 === 1).every((status) => status === 503)).toBe(true);

    // Setting the knobs again restarts the sequence: the same seed replays the same faults.
    await setKnobs({ failureRate: 0.3, seed: 42 });
    expect(await statuses(400)).toEqual(first);
    await setKnobs({ failureRate: 0.3, seed: 7 });
    expect(await statuses(400)).not.toEqual(first);
  });

  it('answers failures in Jira’s error shape', async () => {
    await setKnobs({ failureRate: 1 });
    const response = await jira.fetchAs(null, '/rest/api/3/myself');
    expect(response.status).toBe(500);
    const body = (await response.json()) as { errorMessages: string[]; errors: object };
    expect(body.errors).toEqual({});
    expect(body.errorMessages[0]).toMatch(/injected/);
  });
});

describe('request counter', () => {
  it('counts requests per normalized path, readable and resettable over HTTP', async () => {
    expect((await fetch(`${jira.url}/__admin/requests`, { method: 'DELETE' })).status).toBe(204);
    await jira.fetchAs(null, '/rest/api/3/issue/ALPHA-1');
    await jira.fetchAs(null, '/rest/api/3/issue/ALPHA-2?fields=summary');
    await jira.fetchAs('bob', '/rest/api/3/search/jql?jql=project%3DALPHA');
    await jira.fetchAs(null, '/rest/api/3/search/jql', { method: 'POST', body: JSON.stringify({ jql: 'project = ALPHA' }) });
    await specJson(await jira.fetchAs(null, '/rest/api/3/project/ALPHA/versions'), 'GET /rest/api/3/project/{projectIdOrKey}/versions');
    await jira.fetchAs(null, '/rest/api/3/unknown');
    await setKnobs({ rateLimit: { everyNth: 1, retryAfter: false } });
    await jira.fetchAs(null, '/rest/api/3/myself');

    const counts = await (await fetch(`${jira.url}/__admin/requests`)).json();
    expect(counts).toEqual({
      concurrency: expect.objectContaining({ waiting: 0 }),
      total: 7,
      byPath: {
        'GET /rest/api/3/issue/{issueIdOrKey}': 2,
        'GET /rest/api/3/myself': 1,
        'GET /rest/api/3/project/{projectIdOrKey}/versions': 1,
        'GET /rest/api/3/search/jql': 1,
        'GET /rest/api/3/unknown': 1,
        'POST /rest/api/3/search/jql': 1,
      },
    });
    await fetch(`${jira.url}/__admin/requests`, { method: 'DELETE' });
    expect(await (await fetch(`${jira.url}/__admin/requests`)).json()).toEqual({ total: 0, byPath: {}, concurrency: { inFlight: 0, waiting: 0, peakInFlight: 0 } });
  });
});
