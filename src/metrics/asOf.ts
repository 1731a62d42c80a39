/**
 * Reading an item as it was at the as-of instant T, from its history. Every metric goes through
 * these, so "as of T" means the same everywhere.
 */
import type { DayNumber, StatusCategory, WorkItem } from './model';
import type { ProjectSettings } from './settings';

const MS_PER_DAY = 86_400_000;

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

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
const dayStarts = new Map<string, number>();
const MAX_CACHED_DAY_STARTS = 10_000;

/** How far the zone's wall clock is ahead of UTC at an instant, in ms. */
function zoneOffsetMs(ms: number, timeZone: string): number {
  let format = offsetFormatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    offsetFormatters.set(timeZone, format);
  }
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(ms))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wallClockAsUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return wallClockAsUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * The instant a calendar day starts in the site's zone (local midnight; where a clock change skips
 * midnight, the first instant of that day). Cached: every project of a run asks for the same few days.
 */
export function startOfDayInZoneMs(day: DayNumber, timeZone: string): number {
  const cacheKey = `${timeZone}\n${day}`;
  const cached = dayStarts.get(cacheKey);
  if (cached !== undefined) return cached;
  const utcMidnight = day * MS_PER_DAY;
  // Local midnight is UTC midnight less the offset, but which offset: the one at UTC midnight or the
  // one at that candidate differ around a clock change. The earlier candidate that falls on the day wins.
  const first = utcMidnight - zoneOffsetMs(utcMidnight, timeZone);
  const second = utcMidnight - zoneOffsetMs(first, timeZone);
  const fallsOnDay = (ms: number): boolean => Math.floor((ms + zoneOffsetMs(ms, timeZone)) / MS_PER_DAY) === day;
  let start = first;
  if (second < first && fallsOnDay(second)) start = second;
  else if (!fallsOnDay(first) && fallsOnDay(second)) start = second;
  if (dayStarts.size >= MAX_CACHED_DAY_STARTS) dayStarts.clear();
  dayStarts.set(cacheKey, start);
  return start;
}

/**
 * The first due date the item ever had, as known at T: the due date it was created with, else the
 * first one set later (at or before T). Without due-date history, its due date.
 */
export function firstDueDayAt(item: WorkItem, asOfMs: number): DayNumber | null {
  const changes = item.dueDateChanges;
  if (changes.length === 0) return item.dueDay;
  if (changes[0].from !== null) return changes[0].from;
  for (const change of changes) {
    if (change.atMs > asOfMs) break;
    if (change.to !== null) return change.to;
  }
  return null;
}

/** The end of the project's baseline day in the site zone, never later than T; null without a baseline day. */
export function baselineInstant(settings: ProjectSettings, asOfMs: number): number | null {
  if (settings.baselineDay === null) return null;
  return Math.min(startOfDayInZoneMs(settings.baselineDay + 1, settings.timeZone) - 1, asOfMs);
}

/**
 * The due date the plan holds the item to: its due date at the baseline instant, else the first due
 * date it ever had. Slip is measured against it, and planned value follows it, so a moved due date
 * shows as lateness instead of quietly lowering what was planned.
 */
export function baselineDueDayAt(item: WorkItem, asOfMs: number, baselineMs: number | null): DayNumber | null {
  return baselineMs === null ? firstDueDayAt(item, asOfMs) : dueDayAt(item, baselineMs);
}
