/**
 * The `maxConcurrent` knob: a server with N workers. At most N REST requests are being handled at
 * once (from the moment a worker takes them until their answer is sent, so the `latencyMs` delay is
 * spent holding a worker); the others wait in arrival order. Requests in flight are counted whether
 * or not a limit is set, so tests can see how many the server handled at once.
 */
import type { NextFunction, Request, Response } from 'express';

export interface ConcurrencySnapshot {
  /** Requests holding a slot now (being delayed or handled). */
  inFlight: number;
  /** Requests waiting for a slot now. */
  waiting: number;
  /** The most requests in flight at once since the start or the last reset. */
  peakInFlight: number;
}

export class ConcurrencyLimiter {
  private active = 0;
  private peak = 0;
  /** Waiting requests, oldest first: each is started when it gets a slot. */
  private readonly queue: (() => void)[] = [];

  /** `limit()` is read on every decision, so a knob change applies to the next free slot. */
  constructor(private readonly limit: () => number | null) {}

  /** Starts `start` now if a slot is free and nobody waits, else when its turn comes. Returns a cancel for a waiter. */
  enter(start: () => void): () => void {
    if (this.queue.length === 0 && this.hasRoom()) {
      this.take();
      start();
    } else {
      this.queue.push(start);
    }
    return () => {
      const at = this.queue.indexOf(start);
      if (at >= 0) this.queue.splice(at, 1);
    };
  }

  /** Frees a slot taken through enter() and hands it to the oldest waiter. */
  leave(): void {
    this.active = Math.max(0, this.active - 1);
    this.pump();
  }

  /** Starts waiters while there is room (after leave(), or when the limit was raised or lifted). */
  pump(): void {
    while (this.queue.length > 0 && this.hasRoom()) {
      const start = this.queue.shift() as () => void;
      this.take();
      start();
    }
  }

  snapshot(): ConcurrencySnapshot {
    return { inFlight: this.active, waiting: this.queue.length, peakInFlight: this.peak };
  }

  /** Restarts the peak from the requests in flight now. */
  resetPeak(): void {
    this.peak = this.active;
  }

  /** Express middleware: holds a slot from admission until the answer is sent or the client goes away. */
  middleware() {
    return (_req: Request, res: Response, next: NextFunction): void => {
      let state: 'waiting' | 'active' | 'done' = 'waiting';
      const cancel = this.enter(() => {
        if (state !== 'waiting') {
          // Gone while waiting (cancel() normally removes it first): give the slot straight back.
          this.leave();
          return;
        }
        state = 'active';
        next();
      });
      const done = (): void => {
        if (state === 'active') this.leave();
        else if (state === 'waiting') cancel();
        state = 'done';
      };
      res.once('finish', done);
      res.once('close', done);
    };
  }

  private hasRoom(): boolean {
    const limit = this.limit();
    return limit === null || this.active < limit;
  }

  private take(): void {
    this.active++;
    if (this.active > this.peak) this.peak = this.active;
  }
}
