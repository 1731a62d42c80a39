/**
 * Faults the simulated Jira can inject so the app's retry and rate-limit handling can be exercised:
 * latency, 429s (with or without Retry-After), 500/503 failures, a cap on requests handled at once,
 * and projects whose every request answers 503. Every random decision comes from a PRNG seeded with
 * `seed` and advanced once per request, so a run is reproducible for a given seed.
 */
import { z } from 'zod';

export const rateLimitSchema = z.strictObject({
  /** Requests admitted per wall-clock second; the rest of that second answers 429. */
  limitPerSecond: z.number().int().positive().optional(),
  /** Every Nth request (counting from the last knob change) answers 429. */
  everyNth: z.number().int().positive().optional(),
  /** Send Retry-After and X-RateLimit-Reset with a 429 (Jira sometimes does not). */
  retryAfter: z.boolean(),
  /** Seconds to announce in Retry-After (default 1: the limits work in one-second windows). */
  retryAfterSeconds: z.number().int().nonnegative().optional(),
});

export const jiraKnobsSchema = z.strictObject({
  latencyMs: z.number().int().nonnegative().max(60_000),
  failureRate: z.number().min(0).max(1),
  rateLimit: rateLimitSchema.nullable(),
  seed: z.number().int(),
  /**
   * At most this many REST requests are handled at once (latency included); the rest wait for a slot
   * in arrival order. null: no limit.
   */
  maxConcurrent: z.number().int().positive().nullable(),
  /** Project keys (any case) whose every REST request answers 503, as when one project's shard is down. */
  failingProjects: z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'expected a project key such as ABC')),
  /**
   * Endpoints whose every request answers 503, named as the request counter names them
   * ("GET /rest/api/3/project/{projectIdOrKey}/version"), to fail one step of a sync.
   */
  failingPaths: z.array(z.string().regex(/^(GET|POST|PUT|DELETE) \/rest\/api\/3\/\S*$/, 'expected a method and a path such as "GET /rest/api/3/field"')),
});

export type JiraKnobs = z.infer<typeof jiraKnobsSchema>;
export type JiraRateLimit = z.infer<typeof rateLimitSchema>;
/** What a caller may change: any subset of the knobs. */
export const jiraKnobsPatchSchema = jiraKnobsSchema.partial();
export type JiraKnobsPatch = z.infer<typeof jiraKnobsPatchSchema>;

export const DEFAULT_KNOBS: JiraKnobs = { latencyMs: 0, failureRate: 0, rateLimit: null, seed: 1, maxConcurrent: null, failingProjects: [], failingPaths: [] };

export type FaultDecision =
  | { kind: 'pass' }
  | { kind: 'rateLimited'; headers: Record<string, string> }
  | { kind: 'failure'; status: 500 | 503 };

/** mulberry32: tiny, fast, and good enough to spread faults evenly. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private knobs: JiraKnobs;
  private random: () => number = Math.random;
  private sequence = 0;
  private failures = 0;
  private windowSecond = -1;
  private admittedInWindow = 0;

  constructor(initial: JiraKnobsPatch = {}, private readonly clock: () => number = Date.now) {
    this.knobs = jiraKnobsSchema.parse({ ...DEFAULT_KNOBS, ...initial });
    this.restart();
  }

  get current(): JiraKnobs {
    return structuredClone(this.knobs);
  }

  /** One knob without a copy, for the per-request paths (callers must not change it). */
  setting<K extends keyof JiraKnobs>(name: K): Readonly<JiraKnobs[K]> {
    return this.knobs[name];
  }

  /** Applies a change and restarts the fault sequence, so the same knobs replay the same faults. */
  update(patch: JiraKnobsPatch): JiraKnobs {
    this.knobs = jiraKnobsSchema.parse({ ...this.knobs, ...patch });
    this.restart();
    return this.current;
  }

  /** Decides the fate of the next request. Called once per API request. */
  decide(): FaultDecision {
    this.sequence++;
    // Drawn for every request, even with no failure rate, so the sequence only depends on the seed.
    const draw = this.random();
    const limit = this.knobs.rateLimit;
    if (limit) {
      const nowMs = this.clock();
      let limited = limit.everyNth !== undefined && this.sequence % limit.everyNth === 0;
      if (!limited && limit.limitPerSecond !== undefined) {
        const second = Math.floor(nowMs / 1000);
        if (second !== this.windowSecond) {
          this.windowSecond = second;
          this.admittedInWindow = 0;
        }
        limited = this.admittedInWindow >= limit.limitPerSecond;
        if (!limited) this.admittedInWindow++;
      }
      if (limited) return { kind: 'rateLimited', headers: rateLimitHeaders(limit, nowMs) };
    }
    if (draw < this.knobs.failureRate) {
      // Alternate so a client meets both kinds of server failure.
      const status = this.failures % 2 === 0 ? 500 : 503;
      this.failures++;
      return { kind: 'failure', status };
    }
    return { kind: 'pass' };
  }

  private restart(): void {
    this.random = mulberry32(this.knobs.seed);
    this.sequence = 0;
    this.failures = 0;
    this.windowSecond = -1;
    this.admittedInWindow = 0;
  }
}

function rateLimitHeaders(limit: JiraRateLimit, nowMs: number): Record<string, string> {
  if (!limit.retryAfter) return {};
  const seconds = limit.retryAfterSeconds ?? 1;
  return {
    'Retry-After': String(seconds),
    'X-RateLimit-Reset': new Date(nowMs + seconds * 1000).toISOString(),
    'X-RateLimit-Limit': String(limit.limitPerSecond ?? limit.everyNth ?? 1),
    'X-RateLimit-Remaining': '0',
  };
}

/** Requests received per normalized path ("GET /rest/api/3/issue/{issueIdOrKey}"). */
export class RequestCounter {
  private total = 0;
  private byPath = new Map<string, number>();

  record(pathName: string): void {
    this.total++;
    this.byPath.set(pathName, (this.byPath.get(pathName) ?? 0) + 1);
  }

  snapshot(): { total: number; byPath: Record<string, number> } {
    return { total: this.total, byPath: Object.fromEntries([...this.byPath].sort(([a], [b]) => a.localeCompare(b))) };
  }

  reset(): void {
    this.total = 0;
    this.byPath.clear();
  }
}
