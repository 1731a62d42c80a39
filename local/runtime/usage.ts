/**
 * What Forge bills an app for, metered per invocation: function duration (billed in GB-seconds: the
 * function's memory times its duration) and the bytes of storage it read and wrote (KVS and custom
 * entities, billed per GB). Bytes are the JSON payloads the storage service receives for a write
 * (set, delete, batches, transactions) and returns for a read (get, query, batch get), as they cross
 * __forge_fetch__. Duration runs from the invocation's start to its answer (or its timeout).
 */

export interface InvocationUsage {
  invocationId: string;
  functionKey: string;
  moduleKey: string;
  moduleType: string;
  startedAt: number;
  durationMs: number;
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

export class UsageMeter {
  private readonly totals: UsageTotals = { invocations: 0, functionMs: 0, kvsBytesRead: 0, kvsBytesWritten: 0 };
  private readonly open = new Map<string, { read: number; written: number }>();
  private readonly finished: InvocationUsage[] = [];

  start(invocationId: string): void {
    this.open.set(invocationId, { read: 0, written: 0 });
  }

  /** Storage bytes, counted to the invocation that moved them (and to the totals, whoever did). */
  storage(invocationId: string, kind: 'read' | 'write', bytes: number): void {
    const meter = this.open.get(invocationId);
    if (kind === 'read') {
      this.totals.kvsBytesRead += bytes;
      if (meter) meter.read += bytes;
    } else {
      this.totals.kvsBytesWritten += bytes;
      if (meter) meter.written += bytes;
    }
  }

  end(usage: Omit<InvocationUsage, 'kvsBytesRead' | 'kvsBytesWritten'>): void {
    const meter = this.open.get(usage.invocationId) ?? { read: 0, written: 0 };
    this.open.delete(usage.invocationId);
    this.totals.invocations += 1;
    this.totals.functionMs += usage.durationMs;
    this.finished.push({ ...usage, kvsBytesRead: meter.read, kvsBytesWritten: meter.written });
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
