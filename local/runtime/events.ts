/**
 * Async events (@forge/events Queue) and product-event triggers, delivered in-process.
 *
 * The publish / stats / cancel calls arrive as stargate requests (events/out/queries.js).
 * Queue events and job counters are kept in SQLite so a restart redelivers what was pending
 * (Forge guarantees at-least-once delivery). Retries follow @forge/events 2+: a consumer that
 * returns InvocationError is retried after retryAfter (1..900 s); one that throws or times out
 * is retried with exponential backoff (capped at ~15 min); both until the 24 h retention window
 * is used up. Product events are retried only on InvocationError, at most 4 times.
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { ForgeFunctionTimeoutError, type InvocationContexts } from './invocation';
import type {
  AsyncEventPayload,
  DrainOptions,
  FunctionContext,
  JobStats,
  QueueOptions,
  RegisterConsumerOptions,
  RegisterTriggerOptions,
  ResolverHandler,
  RetryContext,
} from './types';

/** Any function export: typed consumer/trigger handlers of the app are accepted as they are. */
export type AnyHandler = (event: never, context: never) => unknown;

const QUEUE_NAME_PATTERN = /^[a-zA-Z0-9-_]+$/;
const MAX_DELAY_SECONDS = 900;
const MIN_RETRY_AFTER_SECONDS = 1;
const MAX_RETRY_AFTER_SECONDS = 900;
const MAX_BACKOFF_MS = 900_000;
const PRODUCT_EVENT_MAX_RETRIES = 4;
const DEFAULT_RETENTION_MS = 24 * 3_600_000;
const DEFAULT_CONSUMER_TIMEOUT_SECONDS = 55;

interface Concurrency {
  key: string;
  limit: number;
}

interface Delivery {
  id: string;
  kind: 'queue' | 'product';
  /** Queue name, or the trigger key for product events. */
  target: string;
  jobId: string;
  body: Record<string, unknown>;
  delayInSeconds?: number;
  concurrency?: Concurrency;
  dueAt: number;
  enqueuedAt: number;
  /** Time skipped by drainQueues({fastForward}); counts as elapsed for the retention window. */
  skippedMs: number;
  retryCount: number;
  retryReason?: string;
  retryData?: unknown;
  accountId: string | null;
  running: boolean;
}

interface Consumer {
  queueKey: string;
  key: string;
  handler: AnyHandler;
  method?: string;
  timeoutMs: number;
}

interface Trigger {
  key: string;
  events: string[];
  handler: AnyHandler;
  timeoutMs: number;
}

interface QueueEventRow {
  event_id: string;
  queue_name: string;
  job_id: string;
  payload: string;
  due_at: number;
  enqueued_at: number;
  skipped_ms: number;
  retry_count: number;
  retry_reason: string | null;
  retry_data: string | null;
  account_id: string | null;
}

interface JobRow {
  job_id: string;
  queue_name: string;
  success: number;
  failed: number;
  cancelled: number;
}

export interface EventsDeps {
  db: Database.Database;
  invocations: InvocationContexts;
  log: (line: string) => void;
  functionContext: (accountId: string | null) => FunctionContext;
  cloudId: string;
  options: QueueOptions;
  /** Queues the manifest declares consumers for; null when no manifest was given. */
  manifestQueues: Set<string> | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** What a handler returned, as Forge reads it: InvocationError / QueueResponse carry `_retry`. */
function retryRequest(result: unknown): { retryAfterMs: number; reason: string; data: unknown } | undefined {
  if (!isRecord(result) || result._retry !== true) return undefined;
  const options = isRecord(result.retryOptions) ? result.retryOptions : {};
  const after = typeof options.retryAfter === 'number' && Number.isFinite(options.retryAfter) ? options.retryAfter : MIN_RETRY_AFTER_SECONDS;
  const seconds = Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(MIN_RETRY_AFTER_SECONDS, after));
  return {
    retryAfterMs: seconds * 1000,
    reason: typeof options.retryReason === 'string' ? options.retryReason : 'FUNCTION_RETRY_REQUEST',
    data: options.retryData,
  };
}

export class EventsService {
  private readonly deliveries = new Map<string, Delivery>();
  private readonly consumers = new Map<string, Consumer>();
  private readonly triggers: Trigger[] = [];
  private readonly runningByConcurrencyKey = new Map<string, number>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly waiters = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Queue events accepted since the start: Forge takes at most 500 a minute per installation. */
  private pushed: { atMs: number; count: number }[] = [];
  private readonly retentionMs: number;
  private readonly sql: {
    insertEvent: Database.Statement<QueueEventRow>;
    updateEvent: Database.Statement<{ event_id: string; due_at: number; skipped_ms: number; retry_count: number; retry_reason: string | null; retry_data: string | null }>;
    deleteEvent: Database.Statement<[string]>;
    insertJob: Database.Statement<[string, string, number]>;
    getJob: Database.Statement<[string], JobRow>;
    countSuccess: Database.Statement<[string]>;
    countFailed: Database.Statement<[number, string]>;
    cancelJob: Database.Statement<[string]>;
  };

  constructor(private readonly deps: EventsDeps) {
    this.retentionMs = deps.options.retentionWindowMs ?? DEFAULT_RETENTION_MS;
    deps.db.exec(`
      CREATE TABLE IF NOT EXISTS forge_queue_event (
        event_id TEXT PRIMARY KEY,
        queue_name TEXT NOT NULL,
        job_id TEXT NOT NULL,
        payload TEXT NOT NULL,
        due_at INTEGER NOT NULL,
        enqueued_at INTEGER NOT NULL,
        skipped_ms INTEGER NOT NULL DEFAULT 0,
        retry_count INTEGER NOT NULL DEFAULT 0,
        retry_reason TEXT,
        retry_data TEXT,
        account_id TEXT
      );
      CREATE TABLE IF NOT EXISTS forge_queue_job (
        job_id TEXT PRIMARY KEY,
        queue_name TEXT NOT NULL,
        success INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        cancelled INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
      );
    `);
    const db = deps.db;
    this.sql = {
      insertEvent: db.prepare(
        `INSERT INTO forge_queue_event (event_id, queue_name, job_id, payload, due_at, enqueued_at, skipped_ms, retry_count, retry_reason, retry_data, account_id)
         VALUES (@event_id, @queue_name, @job_id, @payload, @due_at, @enqueued_at, @skipped_ms, @retry_count, @retry_reason, @retry_data, @account_id)`,
      ),
      updateEvent: db.prepare(
        `UPDATE forge_queue_event SET due_at = @due_at, skipped_ms = @skipped_ms, retry_count = @retry_count,
           retry_reason = @retry_reason, retry_data = @retry_data WHERE event_id = @event_id`,
      ),
      deleteEvent: db.prepare('DELETE FROM forge_queue_event WHERE event_id = ?'),
      insertJob: db.prepare('INSERT OR IGNORE INTO forge_queue_job (job_id, queue_name, created_at) VALUES (?, ?, ?)'),
      getJob: db.prepare('SELECT job_id, queue_name, success, failed, cancelled FROM forge_queue_job WHERE job_id = ?'),
      countSuccess: db.prepare('UPDATE forge_queue_job SET success = success + 1 WHERE job_id = ?'),
      countFailed: db.prepare('UPDATE forge_queue_job SET failed = failed + ? WHERE job_id = ?'),
      cancelJob: db.prepare('UPDATE forge_queue_job SET cancelled = 1 WHERE job_id = ?'),
    };
    this.loadPending();
  }

  // ---- registration ------------------------------------------------------------------------

  registerConsumer(queueKey: string, handler: AnyHandler | ResolverHandler, options: RegisterConsumerOptions = {}): void {
    if (!QUEUE_NAME_PATTERN.test(queueKey)) throw new Error(`Invalid queue key "${queueKey}".`);
    if (this.consumers.has(queueKey)) throw new Error(`A consumer is already registered for queue "${queueKey}".`);
    this.consumers.set(queueKey, {
      queueKey,
      key: options.key ?? `${queueKey}-consumer`,
      handler: handler as AnyHandler,
      method: options.method,
      timeoutMs: (options.timeoutSeconds ?? this.deps.options.defaultTimeoutSeconds ?? DEFAULT_CONSUMER_TIMEOUT_SECONDS) * 1000,
    });
    this.schedulePump();
  }

  registerTrigger(events: readonly string[], handler: AnyHandler, options: RegisterTriggerOptions = {}): void {
    if (events.length === 0) throw new Error('A trigger needs at least one event type.');
    this.triggers.push({
      key: options.key ?? events[0],
      events: [...events],
      handler,
      timeoutMs: (options.timeoutSeconds ?? DEFAULT_CONSUMER_TIMEOUT_SECONDS) * 1000,
    });
  }

  /** Queues a product event for every trigger listening to it; returns how many will run. */
  emitProductEvent(eventType: string, payload: Record<string, unknown>): number {
    const matching = this.triggers.filter((trigger) => trigger.events.includes(eventType));
    const now = Date.now();
    for (const trigger of matching) {
      const delivery: Delivery = {
        id: randomUUID(),
        kind: 'product',
        target: trigger.key,
        jobId: '',
        body: { ...payload, eventType, ...(payload.context === undefined ? { context: { cloudId: this.deps.cloudId, moduleKey: trigger.key } } : {}) },
        dueAt: now,
        enqueuedAt: now,
        skippedMs: 0,
        retryCount: 0,
        accountId: null,
        running: false,
      };
      this.deliveries.set(delivery.id, delivery);
    }
    if (matching.length === 0) this.deps.log(`[forge-runtime] product event ${eventType}: no trigger registered`);
    this.schedulePump();
    this.notify();
    return matching.length;
  }

  // ---- stargate endpoints ------------------------------------------------------------------

  /** Answers the @forge/events platform calls; undefined when the path is not one of them. */
  handleStargate(path: string, body: unknown): Response | undefined {
    if (path.startsWith('/webhook/queue/publish/')) return this.publish(body);
    if (path.startsWith('/webhook/queue/stats/')) return this.stats(body);
    if (path.startsWith('/webhook/queue/cancel/')) return this.cancel(body);
    return undefined;
  }

  /** Queue events pushed since `sinceMs`, in all and in the busiest minute (a sliding 60 s window). */
  pushedEvents(sinceMs = 0): { total: number; busiestMinute: number } {
    const pushes = this.pushed.filter((push) => push.atMs >= sinceMs);
    let busiestMinute = 0;
    let windowCount = 0;
    for (let start = 0, end = 0; end < pushes.length; end++) {
      windowCount += pushes[end].count;
      while (pushes[end].atMs - pushes[start].atMs >= 60_000) windowCount -= pushes[start++].count;
      busiestMinute = Math.max(busiestMinute, windowCount);
    }
    return { total: pushes.reduce((sum, push) => sum + push.count, 0), busiestMinute };
  }

  getJobStats(jobId: string): JobStats | undefined {
    const job = this.sql.getJob.get(jobId);
    if (!job) return undefined;
    const inProgress = [...this.deliveries.values()].filter((d) => d.kind === 'queue' && d.jobId === jobId).length;
    return { success: job.success, inProgress, failed: job.failed };
  }

  private publish(body: unknown): Response {
    if (!isRecord(body) || typeof body.queueName !== 'string' || typeof body.jobId !== 'string' || !Array.isArray(body.payload)) {
      return json(400, { message: 'Invalid push request.', code: 'INVALID_REQUEST' });
    }
    const { queueName, jobId } = body;
    const events: unknown[] = body.payload;
    if (!QUEUE_NAME_PATTERN.test(queueName)) {
      return json(400, { message: 'Queue names can only contain alphanumeric characters, dashes and underscores.', code: 'INVALID_QUEUE_NAME' });
    }
    if (this.deps.manifestQueues && !this.deps.manifestQueues.has(queueName)) {
      return json(400, { message: `No consumer module in the manifest listens to queue "${queueName}".`, code: 'QUEUE_NOT_FOUND' });
    }
    if (events.length === 0) return json(400, { message: 'No events pushed.', code: 'NO_EVENTS' });
    if (events.length > 50) return json(400, { message: 'This push contains more than the 50 events allowed.', code: 'TOO_MANY_EVENTS' });
    if (Buffer.byteLength(JSON.stringify(events)) > 200 * 1024) {
      return json(413, { errorMessage: 'The maximum payload size is 200KB.' });
    }
    const failedEvents: { index: number; errorMessage: string }[] = [];
    const accepted: Delivery[] = [];
    const now = Date.now();
    const accountId = this.deps.invocations.current().accountId;
    events.forEach((event, index) => {
      const problem = this.validatePushEvent(event);
      if (problem || !isRecord(event)) {
        failedEvents.push({ index, errorMessage: problem ?? 'Event must be an object.' });
        return;
      }
      const delay = typeof event.delayInSeconds === 'number' ? event.delayInSeconds : 0;
      accepted.push({
        id: randomUUID(),
        kind: 'queue',
        target: queueName,
        jobId,
        body: event.body as Record<string, unknown>,
        ...(typeof event.delayInSeconds === 'number' ? { delayInSeconds: event.delayInSeconds } : {}),
        ...(isRecord(event.concurrency) ? { concurrency: event.concurrency as unknown as Concurrency } : {}),
        dueAt: now + delay * 1000,
        enqueuedAt: now,
        skippedMs: 0,
        retryCount: 0,
        accountId,
        running: false,
      });
    });
    this.deps.db.transaction(() => {
      this.sql.insertJob.run(jobId, queueName, now);
      for (const delivery of accepted) this.sql.insertEvent.run(this.toRow(delivery));
    })();
    for (const delivery of accepted) this.deliveries.set(delivery.id, delivery);
    if (accepted.length > 0) this.pushed.push({ atMs: now, count: accepted.length });
    if (this.pushed.length > 100_000) this.pushed.splice(0, this.pushed.length - 100_000);
    if (!this.consumers.has(queueName) && accepted.length > 0) {
      this.deps.log(`[forge-runtime] queue ${queueName}: no consumer registered yet, ${accepted.length} event(s) wait`);
    }
    this.schedulePump();
    this.notify();
    return failedEvents.length > 0 ? json(202, { failedEvents }) : json(201, {});
  }

  private validatePushEvent(event: unknown): string | undefined {
    if (!isRecord(event)) return 'Event must be an object.';
    if (!isRecord(event.body)) return 'Event body must be an object.';
    if (event.delayInSeconds !== undefined) {
      const delay = event.delayInSeconds;
      if (typeof delay !== 'number' || !Number.isFinite(delay) || delay < 0 || delay > MAX_DELAY_SECONDS) {
        return 'The delayInSeconds setting must be between 0 and 900.';
      }
    }
    if (event.concurrency !== undefined) {
      const concurrency = event.concurrency;
      if (
        !isRecord(concurrency) ||
        typeof concurrency.key !== 'string' ||
        concurrency.key === '' ||
        typeof concurrency.limit !== 'number' ||
        !Number.isInteger(concurrency.limit) ||
        concurrency.limit < 1
      ) {
        return 'concurrency needs a non-empty key and a positive integer limit.';
      }
    }
    return undefined;
  }

  private stats(body: unknown): Response {
    const request = isRecord(body) ? body : {};
    const jobId = typeof request.jobId === 'string' ? request.jobId : '';
    const job = this.sql.getJob.get(jobId);
    if (!job || job.queue_name !== request.queueName) return json(404, { message: 'Job not found.' });
    return json(200, this.getJobStats(jobId));
  }

  /** Cancelling drops the job's events that have not started; they count as failed. */
  private cancel(body: unknown): Response {
    const request = isRecord(body) ? body : {};
    const jobId = typeof request.jobId === 'string' ? request.jobId : '';
    const job = this.sql.getJob.get(jobId);
    if (!job || job.queue_name !== request.queueName) return json(404, { message: 'Job not found.' });
    this.sql.cancelJob.run(jobId);
    const dropped = [...this.deliveries.values()].filter((d) => d.kind === 'queue' && d.jobId === jobId && !d.running);
    this.deps.db.transaction(() => {
      for (const delivery of dropped) this.sql.deleteEvent.run(delivery.id);
      if (dropped.length > 0) this.sql.countFailed.run(dropped.length, jobId);
    })();
    for (const delivery of dropped) this.deliveries.delete(delivery.id);
    this.notify();
    return new Response(null, { status: 204 });
  }

  // ---- delivery ----------------------------------------------------------------------------

  private deliverable(delivery: Delivery): boolean {
    return delivery.kind === 'product' || this.consumers.has(delivery.target);
  }

  private schedulePump(): void {
    if (this.closed) return;
    // Delivery is asynchronous, never inside the caller's stack or invocation context.
    this.deps.invocations.detached(() => setImmediate(() => this.pump()));
  }

  private pump(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    const now = Date.now();
    let nextDue = Number.POSITIVE_INFINITY;
    const pending = [...this.deliveries.values()].filter((d) => !d.running && this.deliverable(d)).sort((a, b) => a.dueAt - b.dueAt);
    for (const delivery of pending) {
      if (delivery.dueAt > now) {
        nextDue = Math.min(nextDue, delivery.dueAt);
        continue;
      }
      const concurrency = delivery.concurrency;
      if (concurrency && (this.runningByConcurrencyKey.get(concurrency.key) ?? 0) >= concurrency.limit) continue;
      this.start(delivery);
    }
    if (Number.isFinite(nextDue)) {
      this.timer = this.deps.invocations.detached(() => setTimeout(() => this.pump(), Math.max(0, nextDue - Date.now())));
      this.timer.unref();
    }
  }

  private start(delivery: Delivery): void {
    delivery.running = true;
    const concurrencyKey = delivery.concurrency?.key;
    if (concurrencyKey) this.runningByConcurrencyKey.set(concurrencyKey, (this.runningByConcurrencyKey.get(concurrencyKey) ?? 0) + 1);
    const work = (delivery.kind === 'queue' ? this.runQueueEvent(delivery) : this.runProductEvent(delivery))
      .catch((error: unknown) => this.deps.log(`[forge-runtime] delivery ${delivery.id} failed internally: ${describe(error)}`))
      .finally(() => {
        delivery.running = false;
        if (concurrencyKey) this.runningByConcurrencyKey.set(concurrencyKey, (this.runningByConcurrencyKey.get(concurrencyKey) ?? 1) - 1);
        this.inflight.delete(work);
        this.schedulePump();
        this.notify();
      });
    this.inflight.add(work);
  }

  private retryContext(delivery: Delivery): RetryContext | undefined {
    if (delivery.retryCount === 0) return undefined;
    const elapsed = Date.now() + delivery.skippedMs - delivery.enqueuedAt;
    return {
      retryCount: delivery.retryCount,
      retryReason: delivery.retryReason ?? 'FUNCTION_RETRY_REQUEST',
      retryData: delivery.retryData,
      retentionWindow: {
        startTime: new Date(delivery.enqueuedAt).toISOString(),
        remainingTimeMs: Math.max(0, this.retentionMs - elapsed),
      },
    };
  }

  private async runQueueEvent(delivery: Delivery): Promise<void> {
    const consumer = this.consumers.get(delivery.target);
    if (!consumer) return;
    const retryContext = this.retryContext(delivery);
    const context = this.deps.functionContext(delivery.accountId);
    let outcome: unknown;
    try {
      outcome = await this.deps.invocations.run(
        { accountId: delivery.accountId, moduleKey: consumer.key, moduleType: 'core:consumer', functionKey: consumer.key, timeoutMs: consumer.timeoutMs },
        () => {
          if (consumer.method) {
            // events 1.x resolver consumer: payload is the body (plus retryContext), jobId in context.
            const handler = consumer.handler as unknown as ResolverHandler;
            return handler(
              {
                call: { functionKey: consumer.method, payload: { ...delivery.body, ...(retryContext ? { retryContext } : {}) }, jobId: delivery.jobId },
                context: { moduleKey: consumer.key, cloudId: this.deps.cloudId },
              },
              context,
            );
          }
          const event: AsyncEventPayload = {
            body: delivery.body,
            ...(delivery.delayInSeconds !== undefined ? { delayInSeconds: delivery.delayInSeconds } : {}),
            ...(delivery.concurrency ? { concurrency: delivery.concurrency } : {}),
            queueName: delivery.target,
            jobId: delivery.jobId,
            eventId: delivery.id,
            ...(retryContext ? { retryContext } : {}),
          };
          const handler = consumer.handler as unknown as (event: AsyncEventPayload, context: FunctionContext) => unknown;
          return handler(event, context);
        },
        `Consumer ${consumer.key}`,
      );
    } catch (error) {
      const reason = error instanceof ForgeFunctionTimeoutError ? 'FUNCTION_TIME_OUT' : 'FUNCTION_ERR';
      const backoffMs = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** delivery.retryCount);
      this.deps.log(`[forge-runtime] consumer ${consumer.key} (queue ${delivery.target}) failed: ${describe(error)}`);
      this.retryQueueEvent(delivery, backoffMs, reason, undefined);
      return;
    }
    const retry = retryRequest(outcome);
    if (retry) {
      this.retryQueueEvent(delivery, retry.retryAfterMs, retry.reason, retry.data);
      return;
    }
    this.deliveries.delete(delivery.id);
    this.deps.db.transaction(() => {
      this.sql.deleteEvent.run(delivery.id);
      this.sql.countSuccess.run(delivery.jobId);
    })();
  }

  private retryQueueEvent(delivery: Delivery, delayMs: number, reason: string, data: unknown): void {
    const job = this.sql.getJob.get(delivery.jobId);
    const nextCount = delivery.retryCount + 1;
    const elapsed = Date.now() + delivery.skippedMs - delivery.enqueuedAt;
    const maxRetries = this.deps.options.maxRetries;
    const exhausted = elapsed + delayMs > this.retentionMs || (maxRetries !== undefined && nextCount > maxRetries);
    if (exhausted || !job || job.cancelled) {
      this.deps.log(
        `[forge-runtime] queue ${delivery.target}: event ${delivery.id} dropped after ${delivery.retryCount} retries (${job?.cancelled ? 'job cancelled' : 'retention window exceeded'})`,
      );
      this.deliveries.delete(delivery.id);
      this.deps.db.transaction(() => {
        this.sql.deleteEvent.run(delivery.id);
        this.sql.countFailed.run(1, delivery.jobId);
      })();
      return;
    }
    delivery.retryCount = nextCount;
    delivery.retryReason = reason;
    delivery.retryData = data;
    delivery.dueAt = Date.now() + delayMs;
    this.persist(delivery);
  }

  private async runProductEvent(delivery: Delivery): Promise<void> {
    const trigger = this.triggers.find((t) => t.key === delivery.target);
    if (!trigger) return;
    const retryContext = this.retryContext(delivery);
    const event = { ...delivery.body, ...(retryContext ? { retryContext } : {}) };
    let outcome: unknown;
    try {
      outcome = await this.deps.invocations.run(
        { accountId: null, moduleKey: trigger.key, moduleType: 'core:trigger', functionKey: trigger.key, timeoutMs: trigger.timeoutMs },
        () => (trigger.handler as unknown as (e: Record<string, unknown>, c: FunctionContext) => unknown)(event, this.deps.functionContext(null)),
        `Trigger ${trigger.key}`,
      );
    } catch (error) {
      this.deps.log(`[forge-runtime] trigger ${trigger.key} (${String(delivery.body.eventType)}) failed: ${describe(error)}`);
      this.deliveries.delete(delivery.id);
      return;
    }
    const retry = retryRequest(outcome);
    if (retry && delivery.retryCount < PRODUCT_EVENT_MAX_RETRIES) {
      delivery.retryCount += 1;
      delivery.retryReason = retry.reason;
      delivery.retryData = retry.data;
      delivery.dueAt = Date.now() + retry.retryAfterMs;
      return;
    }
    if (retry) this.deps.log(`[forge-runtime] trigger ${trigger.key}: event dropped after ${PRODUCT_EVENT_MAX_RETRIES} retries`);
    this.deliveries.delete(delivery.id);
  }

  // ---- draining and shutdown -----------------------------------------------------------------

  /** Runs background work (scheduled triggers) so drain() and close() wait for it. */
  track(work: Promise<unknown>): void {
    const tracked = work.then(
      () => undefined,
      () => undefined,
    );
    this.inflight.add(tracked);
    void tracked.finally(() => {
      this.inflight.delete(tracked);
      this.notify();
    });
  }

  async drain(options: DrainOptions = {}): Promise<void> {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      const active = [...this.deliveries.values()].filter((d) => d.running || this.deliverable(d));
      if (active.length === 0 && this.inflight.size === 0) return;
      if (options.fastForward) {
        const now = Date.now();
        for (const delivery of active) {
          if (!delivery.running && delivery.dueAt > now) {
            delivery.skippedMs += delivery.dueAt - now;
            delivery.dueAt = now;
            if (delivery.kind === 'queue') this.persist(delivery);
          }
        }
      }
      this.pump();
      await this.changed(deadline, active.length + this.inflight.size);
    }
  }

  private changed(deadline: number, pending: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(done);
        reject(new Error(`drainQueues timed out with ${pending} delivery(ies) still pending.`));
      }, Math.max(0, deadline - Date.now()));
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      this.waiters.add(done);
    });
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  async close(graceMs = 5000): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    if (this.inflight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.allSettled([...this.inflight]), grace]);
    clearTimeout(timer);
  }

  // ---- persistence ---------------------------------------------------------------------------

  private toRow(delivery: Delivery): QueueEventRow {
    return {
      event_id: delivery.id,
      queue_name: delivery.target,
      job_id: delivery.jobId,
      payload: JSON.stringify({ body: delivery.body, delayInSeconds: delivery.delayInSeconds, concurrency: delivery.concurrency }),
      due_at: delivery.dueAt,
      enqueued_at: delivery.enqueuedAt,
      skipped_ms: delivery.skippedMs,
      retry_count: delivery.retryCount,
      retry_reason: delivery.retryReason ?? null,
      retry_data: delivery.retryData === undefined ? null : JSON.stringify(delivery.retryData),
      account_id: delivery.accountId,
    };
  }

  private persist(delivery: Delivery): void {
    const row = this.toRow(delivery);
    this.sql.updateEvent.run({
      event_id: row.event_id,
      due_at: row.due_at,
      skipped_ms: row.skipped_ms,
      retry_count: row.retry_count,
      retry_reason: row.retry_reason,
      retry_data: row.retry_data,
    });
  }

  private loadPending(): void {
    const rows = this.deps.db.prepare<[], QueueEventRow>('SELECT * FROM forge_queue_event').all();
    for (const row of rows) {
      const payload = JSON.parse(row.payload) as { body: Record<string, unknown>; delayInSeconds?: number; concurrency?: Concurrency };
      this.deliveries.set(row.event_id, {
        id: row.event_id,
        kind: 'queue',
        target: row.queue_name,
        jobId: row.job_id,
        body: payload.body,
        ...(payload.delayInSeconds !== undefined ? { delayInSeconds: payload.delayInSeconds } : {}),
        ...(payload.concurrency ? { concurrency: payload.concurrency } : {}),
        dueAt: row.due_at,
        enqueuedAt: row.enqueued_at,
        skippedMs: row.skipped_ms,
        retryCount: row.retry_count,
        ...(row.retry_reason !== null ? { retryReason: row.retry_reason } : {}),
        ...(row.retry_data !== null ? { retryData: JSON.parse(row.retry_data) as unknown } : {}),
        accountId: row.account_id,
        running: false,
      });
    }
  }
}
