/**
 * Reading an item as it was at the as-of instant T, from its history. Every metric goes through
 * these, so "as of T" means the same everywhere.
 */
import type { DayNumber, StatusCategory, WorkItem } from './model';

/** The item existed at T. */
export function existedAt(item: WorkItem, asOfMs: number): boolean {
  return item.createdMs <= asOfMs;
}

/** The item's status category at T: the last move at or before T, else where its first move started. */
export function statusCategoryAt(item: WorkItem, asOfMs: number): StatusCategory {
  const changes = item.statusChanges;
  if (changes.length === 0) return item.statusCategory;
  if (changes[changes.length - 1].atMs <= asOfMs) return changes[changes.length - 1].to;
  let category = changes[0].from;
  for (const change of changes) {
    if (change.atMs > asOfMs) break;
    category = change.to;
  }
  return category;
}

export function isDoneAt(item: WorkItem, asOfMs: number): boolean {
  return statusCategoryAt(item, asOfMs) === 'done';
}

/** The item's due date at T, from its due-date history. */
export function dueDayAt(item: WorkItem, asOfMs: number): DayNumber | null {
  const changes = item.dueDateChanges;
  if (changes.length === 0 || changes[changes.length - 1].atMs <= asOfMs) return item.dueDay;
  let due = changes[0].from;
  for (const change of changes) {
    if (change.atMs > asOfMs) break;
    due = change.to;
  }
  return due;
}

const dayFormatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar day T falls on in the site's time zone ("today" for overdue and PV). */
export function dayInZone(asOfMs: number, timeZone: string): DayNumber {
  let format = dayFormatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormatters.set(timeZone, format);
  }
  const [year, month, day] = format.format(new Date(asOfMs)).split('-').map(Number);
  return Math.round(Date.UTC(year, month - 1, day) / 86_400_000);
}
