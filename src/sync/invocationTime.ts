/** How much of an invocation the sync's jobs keep in hand: one rule for every job that pauses. */

/** Below this the job stops at the next safe point and queues its continuation: a batch and its checkpoint take a few seconds. */
export const PAUSE_BELOW_MS = 10_000;

/** Whether the invocation has too little time left to start another batch. */
export function timeRunsLow(remainingTimeMs?: () => number): boolean {
  return (remainingTimeMs?.() ?? Number.POSITIVE_INFINITY) < PAUSE_BELOW_MS;
}
