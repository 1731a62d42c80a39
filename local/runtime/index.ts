/**
 * Local Forge runtime emulator: installs `global.__forge_fetch__` and `global.__forge_runtime__`
 * so the real, unmodified Forge SDKs (@forge/api, @forge/kvs, @forge/events, @forge/resolver)
 * run in this process, backed by SQLite storage, in-process queues and the local (or a real) Jira.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { LOCAL_APP_ID, LOCAL_CLOUD_ID, LOCAL_ENVIRONMENT_ID, LOCAL_INSTALLATION_ID } from '../constants';
import { type AnyHandler, EventsService } from './events';
import { createForgeFetch, PlatformCallCounter, type ForgeFetch, type PlatformCalls } from './forge-fetch';
import { type AppIdentity, InvocationContexts, type LocalMetrics } from './invocation';
import { KvsStore } from './kvs-store';
import type { InvocationUsage, UsageTotals } from './usage';
import { ScheduledTriggers } from './scheduled';
import type {
  DrainOptions,
  ForgeRuntimeOptions,
  FunctionContext,
  InvocationOptions,
  InvokeResolverOptions,
  JobStats,
  RegisterConsumerOptions,
  RegisterTriggerOptions,
  ResolverHandler,
  ScheduledTriggerDefinition,
  StartScheduledTriggersOptions,
} from './types';

export * from './types';
export { ForgeFunctionTimeoutError, type LocalMetrics } from './invocation';
export type { ForgeFetch, ForgeFetchTarget, PlatformCalls } from './forge-fetch';
export type { AnyHandler } from './events';
export { gbSeconds, type InvocationUsage, type UsageTotals } from './usage';

export const STORAGE_FILE_NAME = 'forge-storage.sqlite';

interface ForgeGlobals {
  __forge_fetch__?: ForgeFetch;
  __forge_runtime__?: unknown;
}

/** Only one runtime owns the process globals at a time (the SDKs read them on every call). */
let globalsOwner: symbol | null = null;

export class ForgeRuntimeEmulator {
  readonly appId: string;
  readonly environmentId: string;
  readonly installationId: string;
  readonly cloudId: string;
  /** `ari:cloud:jira::site/{cloudId}`, the installContext Forge hands to functions. */
  readonly installContext: string;

  private readonly db: Database.Database;
  private readonly invocations: InvocationContexts;
  private readonly events: EventsService;
  private readonly scheduled: ScheduledTriggers;
  private readonly forgeFetch: ForgeFetch;
  private readonly calls = new PlatformCallCounter();
  private readonly log: (line: string) => void;
  private readonly siteUrl: string | undefined;
  private closed = false;
  private readonly ownerToken = Symbol('forge-runtime');

  constructor(options: ForgeRuntimeOptions) {
    this.log = options.log ?? (() => undefined);
    this.appId = options.manifest?.app?.id?.replace(/^ari:cloud:ecosystem::app\//, '') ?? LOCAL_APP_ID;
    this.environmentId = LOCAL_ENVIRONMENT_ID;
    this.installationId = LOCAL_INSTALLATION_ID;
    this.cloudId = options.cloudId ?? LOCAL_CLOUD_ID;
    this.installContext = `ari:cloud:jira::site/${this.cloudId}`;
    this.siteUrl = options.siteUrl;

    this.db = ForgeRuntimeEmulator.openDatabase(options.dataDir);
    const identity: AppIdentity = {
      appId: this.appId,
      environmentId: this.environmentId,
      environmentType: 'DEVELOPMENT',
      installationId: this.installationId,
      appVersion: options.appVersion ?? '1.0.0',
      cloudId: this.cloudId,
      scopes: options.manifest?.permissions?.scopes ?? [],
      external: options.manifest?.permissions?.external ?? {},
      ...(options.appCodeDir ? { appCodeDir: options.appCodeDir } : {}),
    };
    this.invocations = new InvocationContexts(identity);
    const kvs = new KvsStore(this.db, options.manifest?.app?.storage?.entities);
    const consumers = options.manifest?.modules?.consumer;
    this.events = new EventsService({
      db: this.db,
      invocations: this.invocations,
      log: this.log,
      functionContext: (accountId) => this.functionContext(accountId),
      cloudId: this.cloudId,
      options: options.queue ?? {},
      manifestQueues: consumers ? new Set(consumers.map((consumer) => consumer.queue)) : null,
    });
    this.scheduled = new ScheduledTriggers({
      invocations: this.invocations,
      log: this.log,
      cloudId: this.cloudId,
      functionContext: (accountId) => this.functionContext(accountId),
      track: (work) => this.events.track(work),
    });
    this.forgeFetch = createForgeFetch({
      kvs,
      events: this.events,
      invocations: this.invocations,
      productFetch: options.productFetch,
      log: this.log,
      calls: this.calls,
      usage: this.invocations.usage,
    });
    this.installGlobals();
  }

  private static openDatabase(dataDir: string): Database.Database {
    if (dataDir === ':memory:') return new Database(':memory:');
    mkdirSync(dataDir, { recursive: true });
    const db = new Database(join(dataDir, STORAGE_FILE_NAME));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    return db;
  }

  private installGlobals(): void {
    if (globalsOwner && globalsOwner !== this.ownerToken) {
      this.log('[forge-runtime] replacing the Forge globals of a runtime that was not closed');
    }
    globalsOwner = this.ownerToken;
    Object.defineProperty(globalThis, '__forge_runtime__', {
      configurable: true,
      enumerable: false,
      get: () => this.invocations.runtimeFor(this.invocations.current()),
    });
    (globalThis as ForgeGlobals).__forge_fetch__ = this.forgeFetch;
  }

  private uninstallGlobals(): void {
    if (globalsOwner !== this.ownerToken) return;
    globalsOwner = null;
    const globals = globalThis as ForgeGlobals;
    delete globals.__forge_runtime__;
    delete globals.__forge_fetch__;
  }

  /** The second argument Forge passes to function handlers (consumers, triggers). */
  functionContext(accountId: string | null): FunctionContext {
    return {
      installContext: this.installContext,
      ...(accountId ? { principal: { accountId } } : {}),
    };
  }

  /** SDK metrics seen so far (counters by `name{tags}`, recent timings in ms). */
  get metrics(): LocalMetrics {
    return this.invocations.metrics;
  }

  /**
   * Calls that reached the platform through `__forge_fetch__` since the runtime started, by kind:
   * KVS (entities, batches and transactions included), product REST, @forge/events. One request is
   * one call however many keys it carries; `total` counts every request (see PlatformCalls).
   */
  platformCalls(): PlatformCalls {
    return this.calls.snapshot();
  }

  /**
   * What Forge would bill so far: invocations, their summed duration, and the storage bytes they read
   * and wrote (see usage.ts); `invocationUsage()` the same for each recent invocation.
   */
  usage(): UsageTotals {
    return this.invocations.usage.snapshot();
  }

  invocationUsage(): InvocationUsage[] {
    return this.invocations.usage.invocations();
  }

  /**
   * Calls a resolver as Forge does for `invoke(functionKey, payload)` from a UI module:
   * `handler({call, context}, {principal, installContext})` within an invocation of that user.
   * Payload and result cross JSON, as over the bridge.
   */
  async invokeResolver<T = unknown>(handler: ResolverHandler, options: InvokeResolverOptions): Promise<T> {
    this.assertOpen();
    const payload = options.payload === undefined ? undefined : (JSON.parse(JSON.stringify(options.payload)) as unknown);
    const context: Record<string, unknown> = {
      accountId: options.accountId,
      accountType: 'licensed',
      cloudId: this.cloudId,
      ...(this.siteUrl ? { siteUrl: this.siteUrl } : {}),
      environmentId: this.environmentId,
      environmentType: 'DEVELOPMENT',
      moduleKey: options.moduleKey,
      localId:
        options.localId ??
        `ari:cloud:ecosystem::extension/${this.appId}/${this.environmentId}/static/${options.moduleKey}`,
      extension: options.extension ?? {},
      locale: options.locale ?? 'en-US',
      timezone: options.timezone ?? 'UTC',
      ...options.context,
    };
    const backendRuntimePayload: Record<string, unknown> = {
      principal: { accountId: options.accountId },
      installContext: this.installContext,
    };
    const extensionType = options.extension?.type;
    const result = await this.invocations.run(
      {
        accountId: options.accountId,
        moduleKey: options.moduleKey,
        moduleType: typeof extensionType === 'string' ? extensionType : 'core:function',
        functionKey: options.functionKey,
        timeoutMs: options.timeoutMs ?? 25_000,
      },
      () => handler({ call: { functionKey: options.functionKey, ...(payload !== undefined ? { payload } : {}) }, context }, backendRuntimePayload),
      `Resolver ${options.functionKey}`,
    );
    return (result === undefined ? undefined : JSON.parse(JSON.stringify(result))) as T;
  }

  /** Runs any code as a Forge invocation (web triggers, the site's own calls, test set-up). */
  runAsInvocation<T>(options: InvocationOptions, fn: () => T | Promise<T>): Promise<T> {
    this.assertOpen();
    return this.invocations.run(options, fn, options.functionKey ?? 'Invocation');
  }

  /**
   * Registers the consumer function of a queue. Plain `(event: AsyncEvent, context)` functions
   * (@forge/events 2+ manifest `function:`) by default; with `options.method` the handler is a
   * @forge/resolver definitions handler (manifest `resolver: {function, method}`).
   */
  registerConsumer(queueKey: string, handler: AnyHandler | ResolverHandler, options?: RegisterConsumerOptions): void {
    this.assertOpen();
    this.events.registerConsumer(queueKey, handler, options);
  }

  /** Registers a `trigger` module function for product events such as avi:jira:updated:issue. */
  registerTrigger(events: string | readonly string[], handler: AnyHandler, options?: RegisterTriggerOptions): void {
    this.assertOpen();
    this.events.registerTrigger(typeof events === 'string' ? [events] : events, handler, options);
  }

  /** Delivers a product event asynchronously to the triggers listening to it; returns how many. */
  emitProductEvent(eventType: string, payload: Record<string, unknown>): number {
    this.assertOpen();
    return this.events.emitProductEvent(eventType, payload);
  }

  /** Queue events pushed since `sinceMs` (epoch ms): in all, and in the busiest minute (Forge allows 500 a minute). */
  pushedEvents(sinceMs?: number): { total: number; busiestMinute: number } {
    return this.events.pushedEvents(sinceMs);
  }

  /** Stats of a queue job, as queue.getJob(id).getStats() reports them; undefined for unknown jobs. */
  getJobStats(jobId: string): JobStats | undefined {
    return this.events.getJobStats(jobId);
  }

  /** Resolves once no queue event, product event or timer-started trigger run is pending. */
  drainQueues(options?: DrainOptions): Promise<void> {
    return this.events.drain(options);
  }

  /** Registers scheduled triggers without starting timers (runScheduledTrigger works on them). */
  registerScheduledTriggers(triggers: readonly ScheduledTriggerDefinition[]): void {
    this.assertOpen();
    this.scheduled.register(triggers);
  }

  startScheduledTriggers(triggers: readonly ScheduledTriggerDefinition[], options?: StartScheduledTriggersOptions): void {
    this.assertOpen();
    this.scheduled.start(triggers, options);
  }

  runScheduledTrigger(key: string): Promise<unknown> {
    this.assertOpen();
    return this.scheduled.run(key);
  }

  /** Stops timers, lets running deliveries finish (up to graceMs), closes the database. */
  async close(graceMs = 5000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.scheduled.stop();
    await this.events.close(graceMs);
    this.uninstallGlobals();
    this.invocations.stopTiming();
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The Forge runtime is closed.');
  }
}

export function createForgeRuntime(options: ForgeRuntimeOptions): ForgeRuntimeEmulator {
  return new ForgeRuntimeEmulator(options);
}
