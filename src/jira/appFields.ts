/**
 * Writing the app's own fields (Planned budget, Actual cost, Budget variance). They are read-only in
 * Jira: no person can set them in the issue view or through the Edit issue API, so every change goes
 * through the app's permission check and audit, then through Jira's app field endpoint, which only the
 * app that owns a field may call (as the app).
 */
import { route } from '@forge/api';
import { z } from 'zod';
import type { JiraClient } from './client';

/** One field's new value on some issues (null clears it). */
export interface AppFieldUpdate {
  fieldId: string;
  issueIds: string[];
  value: number | null;
}

/** Jira takes at most this many issue values in one request. */
export const APP_FIELD_VALUES_PER_REQUEST = 1000;

/**
 * Sets the values in as few requests as Jira allows (issues sharing a value share an update). The
 * changelog keeps each change on the issue's history, as an edit in Jira would.
 */
export async function setAppFieldValues(client: JiraClient, updates: readonly AppFieldUpdate[]): Promise<number> {
  // Group by field and value, then cut into requests of at most 1,000 issue values.
  const grouped = new Map<string, AppFieldUpdate>();
  for (const update of updates) {
    const key = `${update.fieldId}\u0000${update.value === null ? 'null' : String(update.value)}`;
    const entry = grouped.get(key) ?? { fieldId: update.fieldId, issueIds: [], value: update.value };
    entry.issueIds.push(...update.issueIds);
    grouped.set(key, entry);
  }
  const requests: { customField: string; issueIds: number[]; value: number | null }[][] = [[]];
  let inRequest = 0;
  for (const entry of grouped.values()) {
    for (let start = 0; start < entry.issueIds.length; ) {
      const room = APP_FIELD_VALUES_PER_REQUEST - inRequest;
      if (room === 0) {
        requests.push([]);
        inRequest = 0;
        continue;
      }
      const ids = entry.issueIds.slice(start, start + room);
      requests[requests.length - 1].push({ customField: entry.fieldId, issueIds: ids.map(Number), value: entry.value });
      inRequest += ids.length;
      start += ids.length;
    }
  }
  let sent = 0;
  for (const body of requests) {
    if (body.length === 0) continue;
    await client.post(route`/rest/api/3/app/field/value?generateChangelog=true`, { updates: body }, z.unknown());
    sent += 1;
  }
  return sent;
}
