/**
 * The one way the app talks to Jira: a typed client over `requestJira` (as the user or as the app).
 * Paths are built only with `route`; every answer is checked against a zod schema; 429 and 5xx are
 * retried honouring Retry-After / X-RateLimit-Reset, else with exponential backoff and jitter, and
 * never past the invocation's remaining time.
 */
import type { APIResponse, RequestInit, Route } from '@forge/api';
import type { z } from 'zod';
import {
  JiraBadAnswerError,
  JiraBadRequestError,
  JiraError,
  JiraForbiddenError,
  JiraNotAuthenticatedError,
  JiraNotFoundError,
  JiraRateLimitedError,
  JiraUnavailableError,
} from './errors';

export type RequestJira = (path: Route, init?: RequestInit) => Promise<APIResponse>;

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Requests in flight at once, shared by a client and every view of it (withAttempts, countedBy), so
 * no view can add requests beyond the bound the client was given.
 */
class RequestSlots {
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** Waits for a free slot; the releasing request hands its slot straight to the next waiter. */
  async acquire(): Promise<void> {
    if (this.inFlight < this.limit) {
      this.inFlight++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inFlight--;
  }
}

/** Requests (not retries) by endpoint, named as the simulated Jira's request counter names them. */
export class RequestCounter {
  private readonly counts = new Map<string, number>();

  record(method: string, path: Route): void {
    const endpoint = `${method} ${endpointOf(path)}`
      .replace(/\/issue\/[^/]+/, '/issue/{issueIdOrKey}')
      .replace(/\/project\/(?!search$)[^/]+/, '/project/{projectIdOrKey}');
    this.counts.set(endpoint, (this.counts.get(endpoint) ?? 0) + 1);
  }

  get total(): number {
    return [...this.counts.values()].reduce((sum, n) => sum + n, 0);
  }

  byEndpoint(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
  }
}

export interface JiraClientOptions {
  retry?: Partial<RetryPolicy>;
  /** Milliseconds left in this invocation; a retry that would outlive it is not made. */
  remainingTimeMs?: () => number;
  /** Injected for tests; defaults to real timers and Math.random. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Requests in flight at once through this client (Jira rate-limits bursts); unlimited by default. */
  maxConcurrent?: number;
}

const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 };
/** Keep this much of the invocation for the caller to answer after the last request. */
const TIME_RESERVE_MS = 2_000;

export class JiraClient {
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly slots: RequestSlots;
  private readonly counters: readonly RequestCounter[];

  constructor(
    private readonly requestJira: RequestJira,
    private readonly options: JiraClientOptions = {},
    /** Set by the views below: the client they are a view of shares its slots and counters. */
    shared?: { slots: RequestSlots; counters: readonly RequestCounter[] },
  ) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.slots = shared?.slots ?? new RequestSlots(options.maxConcurrent ?? Number.POSITIVE_INFINITY);
    this.counters = shared?.counters ?? [];
  }

  /**
   * The same client (same request slots, same counters), making each request at most `maxAttempts`
   * times: for probing which part of a bulk request fails.
   */
  withAttempts(maxAttempts: number): JiraClient {
    return new JiraClient(this.requestJira, { ...this.options, retry: { ...this.options.retry, maxAttempts } }, { slots: this.slots, counters: this.counters });
  }

  /** The same client (same slots and retries), also counting its requests in `counter`. */
  countedBy(counter: RequestCounter): JiraClient {
    return new JiraClient(this.requestJira, this.options, { slots: this.slots, counters: [...this.counters, counter] });
  }

  get<S extends z.ZodType>(path: Route, schema: S): Promise<z.output<S>> {
    return this.send(path, { method: 'GET', headers: { Accept: 'application/json' } }, schema);
  }

  post<S extends z.ZodType>(path: Route, body: unknown, schema: S): Promise<z.output<S>> {
    return this.send(
      path,
      { method: 'POST', headers: { Accept: 'application/json', 'Content-Type': 'application/json' }, body: JSON.stringify(body) },
      schema,
    );
  }

  private async send<S extends z.ZodType>(path: Route, init: RequestInit, schema: S): Promise<z.output<S>> {
    for (const counter of this.counters) counter.record(init.method ?? 'GET', path);
    const response = await this.sendWithRetries(path, init);
    const endpoint = endpointOf(path);
    const text = await response.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new JiraBadAnswerError(`Jira answered ${endpoint} with something that is not JSON.`, response.status, endpoint);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const where = parsed.error.issues
        .slice(0, 3)
        .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
        .join('; ');
      throw new JiraBadAnswerError(`Jira's answer to ${endpoint} is not in the documented shape (${where}).`, response.status, endpoint);
    }
    return parsed.data;
  }

  private async sendWithRetries(path: Route, init: RequestInit): Promise<APIResponse> {
    const endpoint = endpointOf(path);
    for (let attempt = 1; ; attempt++) {
      let response: APIResponse | undefined;
      let networkError: unknown;
      // The slot is not held while backing off between retries.
      await this.slots.acquire();
      try {
        response = await this.requestJira(path, init);
      } catch (error) {
        networkError = error;
      } finally {
        this.slots.release();
      }
      if (response && response.ok) return response;

      const retryable = !response || response.status === 429 || response.status >= 500;
      if (!retryable) throw await toJiraError(endpoint, response as APIResponse);

      const delayMs = this.delayBeforeRetry(attempt, response);
      const remaining = this.options.remainingTimeMs?.() ?? Number.POSITIVE_INFINITY;
      if (attempt >= this.retry.maxAttempts || delayMs > remaining - TIME_RESERVE_MS) {
        if (!response) {
          const reason = networkError instanceof Error ? networkError.message : String(networkError);
          throw new JiraUnavailableError(`Jira could not be reached (${endpoint}): ${reason}`, 0, endpoint);
        }
        if (response.status === 429) {
          throw new JiraRateLimitedError(`Jira is rate-limiting the app (${endpoint}); try again shortly.`, endpoint, retryAfterMs(response));
        }
        throw await toJiraError(endpoint, response);
      }
      await this.sleep(delayMs);
    }
  }

  /** Jira's own hint when it gives one, else exponential backoff with full jitter. */
  private delayBeforeRetry(attempt: number, response: APIResponse | undefined): number {
    const hinted = response ? retryAfterMs(response) : null;
    if (hinted !== null) return Math.min(hinted, this.retry.maxDelayMs);
    const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }
}

/** The path without its query: messages name the endpoint, not every parameter. */
function endpointOf(path: Route): string {
  return path.value.split('?')[0];
}

/** Retry-After is seconds; X-RateLimit-Reset is an ISO timestamp. */
export function retryAfterMs(response: APIResponse, now: () => number = Date.now): number | null {
  const retryAfter = response.headers.get('Retry-After');
  if (retryAfter !== null && retryAfter.trim() !== '' && Number.isFinite(Number(retryAfter))) {
    return Math.max(0, Number(retryAfter) * 1000);
  }
  const reset = response.headers.get('X-RateLimit-Reset');
  if (reset) {
    const at = Date.parse(reset);
    if (Number.isFinite(at)) return Math.max(0, at - now());
  }
  return null;
}

async function toJiraError(path: string, response: APIResponse): Promise<JiraError> {
  const messages = await readJiraMessages(response);
  const said = messages.length > 0 ? `: ${messages.join(' ')}` : '';
  switch (response.status) {
    case 400:
      return new JiraBadRequestError(`Jira rejected the request to ${path}${said}`, 400, path, messages);
    case 401:
      return new JiraNotAuthenticatedError(`Jira did not accept the credentials${said}`, 401, path, messages);
    case 403:
      return new JiraForbiddenError(`Jira does not allow this${said}`, 403, path, messages);
    case 404:
      return new JiraNotFoundError(`Jira found nothing at ${path} for this user${said}`, 404, path, messages);
    default:
      if (response.status >= 500) {
        return new JiraUnavailableError(`Jira failed with HTTP ${response.status} (${path})${said}`, response.status, path, messages);
      }
      return new JiraError(`Jira answered ${response.status} on ${path}${said}`, response.status, path, messages);
  }
}

async function readJiraMessages(response: APIResponse): Promise<string[]> {
  try {
    const body: unknown = await response.json();
    if (typeof body !== 'object' || body === null) return [];
    const { errorMessages, errors } = body as { errorMessages?: unknown; errors?: unknown };
    const messages = Array.isArray(errorMessages) ? errorMessages.filter((m): m is string => typeof m === 'string') : [];
    if (errors && typeof errors === 'object') {
      for (const [field, message] of Object.entries(errors)) {
        if (typeof message === 'string') messages.push(`${field}: ${message}`);
      }
    }
    return messages;
  } catch {
    return [];
  }
}

/** Runs `work` over `items` with at most `limit` in flight, keeping the order of the results. */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
