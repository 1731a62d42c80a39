/**
 * What happened in a project over the last days: items created and resolved, status moves and due-date
 * changes, counted per day (in the site's time zone) and listed newest first. Only what happened after
 * the window's start and at or before the as-of instant counts.
 */
import type { ActivityEvent, ActivityMetrics } from '../shared/contract';
import { dayInZone, existedAt } from './asOf';
import { isoDay, type ProjectData } from './model';
import type { ProjectSettings } from './settings';

/** The list keeps the newest events; the day counts hold them all. */
export const ACTIVITY_LIST_LIMIT = 50;

const CATEGORY_NAMES = { new: 'To Do', indeterminate: 'In Progress', done: 'Done' } as const;

/** The last `days` calendar days up to the as-of day, today included. */
export function activity(project: ProjectData, settings: ProjectSettings, asOfMs: number, days = 14): ActivityMetrics {
  const today = dayInZone(asOfMs, settings.timeZone);
  const firstDay = today - days + 1;
  const counts = Array.from({ length: days }, (_, index) => ({ day: isoDay(firstDay + index), created: 0, resolved: 0, statusMoves: 0, dueDateChanges: 0 }));
  const events: ActivityEvent[] = [];
  const inWindow = (atMs: number): number | null => {
    if (atMs > asOfMs) return null;
    const index = dayInZone(atMs, settings.timeZone) - firstDay;
    return index >= 0 && index < days ? index : null;
  };
  const record = (atMs: number, key: string, summary: string, kind: ActivityEvent['kind'], detail: string, count: 'created' | 'resolved' | 'statusMoves' | 'dueDateChanges') => {
    const index = inWindow(atMs);
    if (index === null) return;
    counts[index][count] += 1;
    events.push({ at: new Date(atMs).toISOString(), key, summary, kind, detail });
  };
  const dueText = (day: number | null) => (day === null ? 'none' : isoDay(day));

  for (const item of project.items) {
    if (!existedAt(item, asOfMs)) continue;
    record(item.createdMs, item.key, item.summary, 'created', `created as ${item.issueType}`, 'created');
    if (item.resolvedMs !== null) record(item.resolvedMs, item.key, item.summary, 'resolved', 'resolved', 'resolved');
    for (const change of item.statusChanges) {
      record(change.atMs, item.key, item.summary, 'status', `${CATEGORY_NAMES[change.from]} → ${CATEGORY_NAMES[change.to]}`, 'statusMoves');
    }
    for (const change of item.dueDateChanges) {
      record(change.atMs, item.key, item.summary, 'due date', `due ${dueText(change.from)} → ${dueText(change.to)}`, 'dueDateChanges');
    }
  }
  events.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { fromDay: isoDay(firstDay), toDay: isoDay(today), byDay: counts, latest: events.slice(0, ACTIVITY_LIST_LIMIT), totalEvents: events.length };
}

