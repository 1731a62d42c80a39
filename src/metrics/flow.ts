/**
 * Flow metrics: how much gets finished each week, how long items take (cycle and lead time), how much
 * is in progress and which in-progress items are ageing. Also the week window and the "resolved at"
 * reading that the finish forecast shares, so both count the same items in the same weeks.
 *
 * Flow counts leaf work items: items that are not epics and have no child items (a story with
 * subtasks counts through its subtasks), so an epic and its stories are never counted twice.
 */
import type { FlowMetrics, Percentiles } from '../shared/contract';
import { dayInZone, existedAt, startOfDayInZoneMs, statusCategoryAt } from './asOf';
import { figure, notAvailable } from './figure';
import { isoDay, type DayNumber, type ProjectData, type WorkItem } from './model';
import { percentilesOf } from './percentile';
import type { ProjectSettings } from './settings';

const MS_PER_DAY = 86_400_000;

/** Days since the Monday of the day's week (1970-01-01 was a Thursday). */
function daysSinceMonday(day: DayNumber): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** The full weeks before the as-of week (weeks start Monday in the site's zone), oldest first. */
export interface HistoryWindow {
  weekStartDays: DayNumber[];
  /** weeks + 1 instants: week i runs from boundariesMs[i] (included) to boundariesMs[i + 1] (excluded). */
  boundariesMs: Float64Array;
}

export function historyWindow(asOfMs: number, timeZone: string, weeks: number): HistoryWindow {
  const count = Math.max(0, Math.floor(weeks));
  const asOfDay = dayInZone(asOfMs, timeZone);
  const asOfWeekStart = asOfDay - daysSinceMonday(asOfDay);
  const weekStartDays: DayNumber[] = [];
  const boundariesMs = new Float64Array(count + 1);
  for (let i = 0; i <= count; i += 1) {
    const startDay = asOfWeekStart - 7 * (count - i);
    if (i < count) weekStartDays.push(startDay);
    boundariesMs[i] = startOfDayInZoneMs(startDay, timeZone);
  }
  return { weekStartDays, boundariesMs };
}

/** The window's week an instant falls in, or -1 outside the window. */
export function weekIndexOf(window: HistoryWindow, ms: number): number {
  const bounds = window.boundariesMs;
  const weeks = bounds.length - 1;
  if (weeks <= 0 || ms < bounds[0] || ms >= bounds[weeks]) return -1;
  let low = 0;
  let high = weeks - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (bounds[middle] <= ms) low = middle;
    else high = middle - 1;
  }
  return low;
}

/**
 * When a done item was resolved as of T: its last move into Done at or before T. An item done at T
 * with no such move in its history (created done, or history missing) falls back to Jira's resolution
 * date when that is not after T; otherwise the instant is unknown (null), as it is for items not done at T.
 */
export function resolvedAtMs(item: WorkItem, asOfMs: number): number | null {
  return statusCategoryAt(item, asOfMs) === 'done' ? resolutionOfDoneMs(item, asOfMs) : null;
}

/** resolvedAtMs for an item already known to be done at T (saves reading its status twice). */
export function resolutionOfDoneMs(item: WorkItem, asOfMs: number): number | null {
  const changes = item.statusChanges;
  for (let i = changes.length - 1; i >= 0; i -= 1) {
    if (changes[i].atMs <= asOfMs && changes[i].to === 'done') return changes[i].atMs;
  }
  return item.resolvedMs !== null && item.resolvedMs <= asOfMs ? item.resolvedMs : null;
}

/** Keys that an item existing at T names as its parent: those items are not leaf items. */
export function parentKeysAt(project: ProjectData, asOfMs: number): Set<string> {
  const parents = new Set<string>();
  for (const item of project.items) {
    if (item.parentKey !== null && existedAt(item, asOfMs)) parents.add(item.parentKey);
  }
  return parents;
}

/** A leaf work item: not an epic and no parent of an item (parents from parentKeysAt). Existence at T is checked apart. */
export function isLeaf(item: WorkItem, parents: Set<string>): boolean {
  return item.level !== 'epic' && (parents.size === 0 || !parents.has(item.key));
}

/** The leaf work items that existed at T. */
export function leafItemsAt(project: ProjectData, asOfMs: number): WorkItem[] {
  const parents = parentKeysAt(project, asOfMs);
  return project.items.filter((item) => existedAt(item, asOfMs) && isLeaf(item, parents));
}

function percentiles(values: Float64Array, whenEmpty: string): Percentiles {
  const [p50, p85] = percentilesOf(values, [50, 85]);
  return {
    p50: p50 === null ? notAvailable(whenEmpty) : figure(p50),
    p85: p85 === null ? notAvailable(whenEmpty) : figure(p85),
  };
}

export function flow(project: ProjectData, settings: ProjectSettings, asOfMs: number): FlowMetrics {
  const window = historyWindow(asOfMs, settings.timeZone, settings.forecast.historyWeeks);
  const done = new Int32Array(window.weekStartDays.length);
  const parents = parentKeysAt(project, asOfMs);
  const cycleDays = new Float64Array(project.items.length);
  const leadDays = new Float64Array(project.items.length);
  let cycleCount = 0;
  let leadCount = 0;
  const inProgress: { key: string; sinceMs: number }[] = [];

  for (const item of project.items) {
    if (!existedAt(item, asOfMs) || !isLeaf(item, parents)) continue;
    const category = statusCategoryAt(item, asOfMs);
    if (category === 'done') {
      const resolvedMs = resolutionOfDoneMs(item, asOfMs);
      if (resolvedMs === null) continue;
      const week = weekIndexOf(window, resolvedMs);
      if (week >= 0) done[week] += 1;
      leadDays[leadCount++] = (resolvedMs - item.createdMs) / MS_PER_DAY;
      // Cycle time starts at the first move into In Progress; an item that went straight to Done has none.
      for (const change of item.statusChanges) {
        if (change.atMs > resolvedMs) break;
        if (change.to === 'indeterminate') {
          cycleDays[cycleCount++] = (resolvedMs - change.atMs) / MS_PER_DAY;
          break;
        }
      }
    } else if (category === 'indeterminate') {
      // Ageing counts from the last time the item entered In Progress (created there: from creation).
      let sinceMs = item.createdMs;
      const changes = item.statusChanges;
      for (let i = changes.length - 1; i >= 0; i -= 1) {
        if (changes[i].atMs <= asOfMs && changes[i].to === 'indeterminate') {
          sinceMs = changes[i].atMs;
          break;
        }
      }
      inProgress.push({ key: item.key, sinceMs });
    }
  }

  const cycleTimeDays = percentiles(cycleDays.subarray(0, cycleCount), 'no finished item went through In Progress yet');
  const leadTimeDays = percentiles(leadDays.subarray(0, leadCount), 'no item is finished yet');
  const limit = cycleTimeDays.p85.value;
  const agingWip =
    limit === null
      ? []
      : inProgress
          .map(({ key, sinceMs }) => ({ key, daysInProgress: (asOfMs - sinceMs) / MS_PER_DAY }))
          .filter(({ daysInProgress }) => daysInProgress > limit)
          .sort((a, b) => b.daysInProgress - a.daysInProgress || compareKeys(a.key, b.key));

  return {
    weeklyThroughput: window.weekStartDays.map((startDay, i) => ({ weekStart: isoDay(startDay), done: done[i] })),
    cycleTimeDays,
    leadTimeDays,
    wip: inProgress.length,
    agingWip,
  };
}

/** Jira keys in the order people expect: by project, then by number (P-2 before P-10). */
export function compareKeys(a: string, b: string): number {
  const dashA = a.lastIndexOf('-');
  const dashB = b.lastIndexOf('-');
  const projectA = a.slice(0, dashA);
  const projectB = b.slice(0, dashB);
  if (projectA !== projectB) return projectA < projectB ? -1 : 1;
  const numberA = Number(a.slice(dashA + 1));
  const numberB = Number(b.slice(dashB + 1));
  if (numberA !== numberB && !Number.isNaN(numberA) && !Number.isNaN(numberB)) return numberA - numberB;
  return a < b ? -1 : a > b ? 1 : 0;
}
