/**
 * Invocation contexts. Forge runs every function call with its own `__forge_runtime__` (user,
 * module, remaining time, trace ids); locally many invocations share one process, so the global is
 * a getter over an AsyncLocalStorage and concurrent invocations as different users never mix.
 */
import { AsyncLocalStorage, createHook } from 'node:async_hooks';
import { randomBytes, randomUUID } from 'node:crypto';
import type { ForgeRuntime } from '@forge/api';
import type { External, Scopes } from '@forge/manifest';
import type { InvocationOptions } from './types';
import { UsageMeter } from './usage';

type Metrics = ForgeRuntime['metrics'];
type RuntimePermissions = NonNullable<ForgeRuntime['appContext']['permissions']>;

/** Outside any invocation (module load, test set-up) code still sees a runtime: the app, no user. */
const AMBIENT_REMAINING_MS = 900_000;

export interface AppIdentity {
  appId: string;
  environmentId: string;
  environmentType: string;
  installationId: string;
  appVersion: string;
  cloudId: string;
  scopes: Scopes;
  external: External;
  appCodeDir?: string;
}

export interface InvocationState {
  readonly invocationId: string;
  readonly accountId: string | null;
  readonly moduleKey: string;
  readonly moduleType: string;
  readonly functionKey: string;
  readonly startedAt: number;
  /** null for the ambient context: no deadline. */
  readonly timeoutMs: number | null;
  readonly traceId: string;
  readonly spanId: string;
  runtime?: ForgeRuntime;
}

/** Raised when an invocation outlives its function timeout, as Forge's FUNCTION_TIME_OUT. */
export class ForgeFunctionTimeoutError extends Error {
  readonly code = 'FUNCTION_TIME_OUT';
  constructor(readonly timeoutMs: number, what: string) {
    super(`${what} timed out after ${timeoutMs} ms (Forge FUNCTION_TIME_OUT).`);
    this.name = 'ForgeFunctionTimeoutError';
  }
}

/** Counters and timings the SDKs report; kept in memory so tests and the site can look at them. */
export class LocalMetrics implements Metrics {
  readonly counters = new Map<string, number>();
  readonly timings = new Map<string, number[]>();

  private static id(name: string, tags?: Record<string, string>): string {
    const tagText = tags ? Object.entries(tags).map(([k, v]) => `${k}=${v}`).join(',') : '';
    return tagText ? `${name}{${tagText}}` : name;
  }

  counter(name: string, tags?: Record<string, string>) {
    const id = LocalMetrics.id(name, tags);
    const add = (delta: number) => this.counters.set(id, (this.counters.get(id) ?? 0) + delta);
    return {
      incr: () => void add(1),
      incrBy: (value: number) => void add(value),
      decr: () => void add(-1),
      decrBy: (value: number) => void add(-value),
    };
  }

  timing(name: string, tags?: Record<string, string>) {
    const id = LocalMetrics.id(name, tags);
    return {
      measure: () => {
        const start = performance.now();
        return {
          stop: () => {
            const list = this.timings.get(id) ?? [];
            list.push(performance.now() - start);
            // Bounded: the site may run for days.
            if (list.length > 100) list.shift();
            this.timings.set(id, list);
          },
        };
      },
    };
  }

  gauge(name: string, tags?: Record<string, string>) {
    const id = LocalMetrics.id(name, tags);
    return { set: (value: number) => void this.counters.set(id, value) };
  }
}

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

function ariObject<T extends object>(fields: T, ari: string): T & { toString(): string; toJSON(): string } {
  return { ...fields, toString: () => ari, toJSON: () => ari };
}

/**
 * Callback slices, timed for whichever runtime is open (the one whose globals the SDKs see): each
 * interval is credited to the innermost running callback's invocation.
 */
const sliceTimer: { owner: InvocationContexts | null; running: (InvocationState | null)[]; since: number; hook: ReturnType<typeof createHook> } = {
  owner: null,
  running: [],
  since: 0,
  hook: createHook({
    before() {
      const now = performance.now();
      creditSlice(now);
      sliceTimer.running.push(sliceTimer.owner?.currentStore() ?? null);
    },
    after() {
      creditSlice(performance.now());
      sliceTimer.running.pop();
    },
  }),
};

function creditSlice(now: number): void {
  const state = sliceTimer.running[sliceTimer.running.length - 1];
  if (state) sliceTimer.owner?.ranSlice(state, now - sliceTimer.since);
  sliceTimer.since = now;
}

export class InvocationContexts {
  private readonly storage = new AsyncLocalStorage<InvocationState>();
  private readonly ambient: InvocationState;
  readonly metrics = new LocalMetrics();
  /** Duration and storage bytes of every invocation, as Forge bills them. */
  readonly usage = new UsageMeter();

  constructor(private readonly identity: AppIdentity) {
    this.ambient = this.newState({ accountId: null, moduleKey: 'local-runtime', functionKey: 'local-runtime' }, null);
    this.timeSlices();
  }

  /**
   * Times each callback an invocation's code runs, so its own running time is known however many
   * invocations share the thread (usage.ts). One hook for the process; it times only while a runtime
   * is open.
   */
  private timeSlices(): void {
    sliceTimer.owner = this;
    sliceTimer.hook.enable();
  }

  /** The runtime closed: no more timing for it. */
  stopTiming(): void {
    if (sliceTimer.owner !== this) return;
    sliceTimer.owner = null;
    sliceTimer.hook.disable();
  }

  /** The invocation whose callback is running, if any (for the slice timer). */
  currentStore(): InvocationState | undefined {
    return this.storage.getStore();
  }

  /** Told by the slice timer: the invocation ran `ms`. */
  ranSlice(state: InvocationState, ms: number): void {
    this.usage.ran(state.invocationId, ms);
  }

  /** The current invocation, or the ambient app context outside one. */
  current(): InvocationState {
    return this.storage.getStore() ?? this.ambient;
  }

  /** Runs fn as a fresh invocation; a timeout rejects with ForgeFunctionTimeoutError (fn itself cannot be stopped). */
  run<T>(options: InvocationOptions, fn: () => T | Promise<T>, what = 'Function'): Promise<T> {
    const timeoutMs = options.timeoutMs ?? 25_000;
    const state = this.newState(options, timeoutMs);
    this.usage.start(state.invocationId);
    const started = performance.now();
    // fn starts in a callback of its own, so that its first slice is timed as the invocation's too.
    const work = this.storage.run(state, async () => {
      await null;
      return fn();
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ForgeFunctionTimeoutError(timeoutMs, what)), timeoutMs);
    });
    return Promise.race([work, timeout]).finally(() => {
      clearTimeout(timer);
      const { invocationId, functionKey, moduleKey, moduleType, startedAt } = state;
      this.usage.end({ invocationId, functionKey, moduleKey, moduleType, startedAt, wallMs: performance.now() - started });
    });
  }

  /** Runs fn outside any invocation, so timers it creates do not carry a caller's user. */
  detached<T>(fn: () => T): T {
    return this.storage.exit(fn);
  }

  runtimeFor(state: InvocationState): ForgeRuntime {
    state.runtime ??= this.buildRuntime(state);
    return state.runtime;
  }

  private newState(options: InvocationOptions, timeoutMs: number | null): InvocationState {
    return {
      invocationId: randomUUID(),
      accountId: options.accountId ?? null,
      moduleKey: options.moduleKey ?? 'local-runtime',
      moduleType: options.moduleType ?? 'core:function',
      functionKey: options.functionKey ?? options.moduleKey ?? 'local-runtime',
      startedAt: Date.now(),
      timeoutMs,
      traceId: hex(16),
      spanId: hex(8),
    };
  }

  private buildRuntime(state: InvocationState): ForgeRuntime {
    const { appId, environmentId, environmentType, installationId, appVersion, cloudId } = this.identity;
    const contextAri = `ari:cloud:jira::site/${cloudId}`;
    const permissions: RuntimePermissions = {
      scopes: this.identity.scopes,
      external: this.identity.external,
      format: () => `Scopes: ${JSON.stringify(this.identity.scopes)}`,
    };
    const getRemainingTimeInMillis = () =>
      state.timeoutMs === null ? AMBIENT_REMAINING_MS : Math.max(0, state.startedAt + state.timeoutMs - Date.now());
    return {
      // No `kvs` entry: @forge/kvs then calls __forge_fetch__({type:'kvs', provider:'app', remote:'kvs'}) without auth headers.
      proxy: { token: `local-forge-token-${state.invocationId}`, url: 'http://forge-proxy.local' },
      contextAri,
      container: { region: 'local', runtime: 'nodejs20.x', ...(this.identity.appCodeDir ? { appCodeDir: this.identity.appCodeDir } : {}) },
      appContext: {
        appId,
        appVersion,
        environmentId,
        environmentType,
        invocationId: state.invocationId,
        installationId,
        functionKey: state.functionKey,
        moduleType: state.moduleType,
        moduleKey: state.moduleKey,
        installation: {
          ari: ariObject({ installationId }, `ari:cloud:ecosystem::installation/${installationId}`),
          contexts: [ariObject({ cloudId }, contextAri)],
        },
        permissions,
      },
      ...(state.accountId ? { aaid: state.accountId } : {}),
      lambdaContext: { awsRequestId: state.invocationId, getRemainingTimeInMillis },
      tracing: { traceId: state.traceId, spanId: state.spanId },
      realtime: {},
      metrics: this.metrics,
      featureFlags: () => false,
    };
  }
}
