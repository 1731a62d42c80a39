/**
 * What Forge bills an app for, metered per invocation: function duration (billed in GB-seconds: the
 * function's memory times its duration) and the bytes of storage it read and wrote (KVS and custom
 * entities, billed per GB). Bytes are the JSON payloads the storage service receives for a write
 * (set, delete, batches, transactions) and returns for a read (get, query, batch get), as they cross
 * __forge_fetch__.
 *
 * Duration: locally many invocations share one thread, so an invocation's wall time also holds the
 * time others ran. Forge runs each on its own, so what it bills is estimated as the invocation's own
 * running time (its callbacks, timed as they run) plus the time it waited for product calls (Jira),
 * overlapping waits counted once and running time during a wait not counted twice. The wall time is
 * kept too (`wallMs`), an upper bound.
 */

export interface InvocationUsage {
  invocationId: string;
  functionKey: string;
  moduleKey: string;
  moduleType: string;
  startedAt: number;
  /** What Forge would bill: own running time plus product-call waits (see the file comment). */
  durationMs: number;
  /** Start to answer on the local clock, others' running time included. */
  wallMs: number;
  kvsBytesRead: number;
  kvsBytesWritten: number;
}

export interface UsageTotals {
  invocations: number;
  /** Sum of the invocations' durations. */
  functionMs: number;
  kvsBytesRead: number;
  kvsBytesWritten: number;
}

/** Recent invocations kept for inspection: the site may run for days. */
const KEEP_INVOCATIONS = 20_000;

interface OpenInvocation {
  read: number;
  written: number;
  /** Own running time outside product-call waits. */
  runningMs: number;
  /** Union of the product-call waits. */
  waitingMs: number;
  callsInFlight: number;
  waitSince: number;
}

export class UsageMeter {
  private readonly totals: UsageTotals = { invocations: 0, functionMs: 0, kvsBytesRead: 0, kvsBytesWritten: 0 };
  private readonly open = new Map<string, OpenInvocation>();
  private readonly finished: InvocationUsage[] = [];

  start(invocationId: string): void {
    this.open.set(invocationId, { read: 0, written: 0, runningMs: 0, waitingMs: 0, callsInFlight: 0, waitSince: 0 });
  }

  /** A slice of the invocation's own code ran this long. */
  ran(invocationId: string, ms: number): void {
    const meter = this.open.get(invocationId);
    // Running while a product call is out is within the wait, already counted.
    if (meter && meter.callsInFlight === 0) meter.runningMs += ms;
  }

  productCallStarted(invocationId: string): void {
    const meter = this.open.get(invocationId);
    if (!meter) return;
    if (meter.callsInFlight++ === 0) meter.waitSince = performance.now();
  }

  productCallEnded(invocationId: string): void {
    const meter = this.open.get(invocationId);
    if (!meter || meter.callsInFlight === 0) return;
    if (--meter.callsInFlight === 0) meter.waitingMs += performance.now() - meter.waitSince;
  }

  /** Storage bytes, counted to the invocation that moved them. Code outside any invocation (local set-up) is not billed. */
  storage(invocationId: string, kind: 'read' | 'write', bytes: number): void {
    const meter = this.open.get(invocationId);
    if (!meter) return;
    if (kind === 'read') {
      this.totals.kvsBytesRead += bytes;
      meter.read += bytes;
    } else {
      this.totals.kvsBytesWritten += bytes;
      meter.written += bytes;
    }
  }

  end(usage: Omit<InvocationUsage, 'kvsBytesRead' | 'kvsBytesWritten' | 'durationMs'>): void {
    const meter = this.open.get(usage.invocationId);
    this.open.delete(usage.invocationId);
    if (meter && meter.callsInFlight > 0) meter.waitingMs += performance.now() - meter.waitSince;
    // Never more than the wall time: an estimate of one invocation's own time, not a sum of others'.
    const durationMs = meter ? Math.min(usage.wallMs, meter.runningMs + meter.waitingMs) : usage.wallMs;
    this.totals.invocations += 1;
    this.totals.functionMs += durationMs;
    this.finished.push({ ...usage, durationMs, kvsBytesRead: meter?.read ?? 0, kvsBytesWritten: meter?.written ?? 0 });
    if (this.finished.length > KEEP_INVOCATIONS) this.finished.splice(0, this.finished.length - KEEP_INVOCATIONS);
  }

  snapshot(): UsageTotals {
    return { ...this.totals };
  }

  invocations(): InvocationUsage[] {
    return [...this.finished];
  }
}

/** GB-seconds of `functionMs` of invocations with `memoryMb` each (Forge's default memory is 512 MB). */
export function gbSeconds(functionMs: number, memoryMb = 512): number {
  return (functionMs / 1000) * (memoryMb / 1024);
}
