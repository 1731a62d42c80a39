/**
 * Jira Cloud writes instants as `2024-01-05T10:00:00.000+0000` (milliseconds, offset without a colon).
 * The simulated Jira answers in UTC, so the stored text and the epoch milliseconds always agree.
 */

/** Epoch milliseconds -> Jira's date-time text in UTC. */
export function formatJiraDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** ISO 8601 text with an offset (as datasets carry it) -> epoch milliseconds; throws when unreadable. */
export function parseInstant(text: string): number {
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) throw new Error(`'${text}' is not a date-time`);
  return ms;
}
