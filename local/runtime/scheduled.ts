/**
 * Scheduled triggers: run a function every fiveMinute/hour/day/week with no user context.
 * As on Forge, errors are logged and not retried, and the return value only matters for logging
 * (the platform records a non-2xx statusCode as a failed invocation).
 */
import { randomUUID } from 'node:crypto';
import type { InvocationContexts } from './invocation';
import type {
  FunctionContext,
  ScheduledInterval,
  ScheduledTriggerDefinition,
  ScheduledTriggerRequest,
  StartScheduledTriggersOptions,
} from './types';

const INTERVAL_MS: Record<ScheduledInterval, number> = {
  fiveMinute: 5 * 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
};
const DEFAULT_TIMEOUT_SECONDS = 55;

export interface ScheduledDeps {
  invocations: InvocationContexts;
  log: (line: string) => void;
  cloudId: string;
  functionContext: (accountId: string | null) => FunctionContext;
  /** Lets drainQueues() and close() wait for timer-started runs. */
  track: (work: Promise<unknown>) => void;
}

export class ScheduledTriggers {
  private readonly definitions = new Map<string, ScheduledTriggerDefinition>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly deps: ScheduledDeps) {}

  register(definitions: readonly ScheduledTriggerDefinition[]): void {
    for (const definition of definitions) {
      if (!(definition.interval in INTERVAL_MS)) {
        throw new Error(`Scheduled trigger ${definition.key}: unknown interval "${definition.interval}".`);
      }
      this.definitions.set(definition.key, definition);
    }
  }

  start(definitions: readonly ScheduledTriggerDefinition[], options: StartScheduledTriggersOptions = {}): void {
    this.register(definitions);
    const speedup = options.speedup ?? 1;
    if (!(speedup > 0)) throw new Error('speedup must be a positive number.');
    for (const definition of definitions) {
      const everyMs = Math.max(1, Math.round(INTERVAL_MS[definition.interval] / speedup));
      const fire = () => this.deps.track(this.run(definition.key).catch(() => undefined));
      this.deps.invocations.detached(() => {
        const interval = setInterval(fire, everyMs);
        interval.unref();
        this.timers.add(interval);
        if (options.runOnStart) {
          const first = setTimeout(fire, 0);
          first.unref();
          this.timers.add(first);
        }
      });
      this.deps.log(`[forge-runtime] scheduled trigger ${definition.key} every ${everyMs} ms`);
    }
  }

  /** Runs one trigger now and resolves with what the function returned (rejects if it threw). */
  async run(key: string): Promise<unknown> {
    const definition = this.definitions.get(key);
    if (!definition) throw new Error(`No scheduled trigger registered with key "${key}".`);
    const request: ScheduledTriggerRequest = {
      context: { cloudId: this.deps.cloudId, moduleKey: key },
      contextToken: `local-scheduled-${randomUUID()}`,
    };
    try {
      const result = await this.deps.invocations.run(
        {
          accountId: null,
          moduleKey: key,
          moduleType: 'core:scheduledTrigger',
          functionKey: key,
          timeoutMs: (definition.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
        },
        () => definition.handler(request, this.deps.functionContext(null)),
        `Scheduled trigger ${key}`,
      );
      const status = typeof result === 'object' && result !== null ? (result as { statusCode?: unknown }).statusCode : undefined;
      if (typeof status === 'number' && (status < 200 || status > 299)) {
        this.deps.log(`[forge-runtime] scheduled trigger ${key} answered statusCode ${status}`);
      }
      return result;
    } catch (error) {
      this.deps.log(`[forge-runtime] scheduled trigger ${key} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      throw error;
    }
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
