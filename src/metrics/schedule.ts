/**
 * Schedule: overdue work, milestones (Jira versions) and due-date slip against a baseline. "Today"
 * is the as-of instant's calendar day in the site's time zone.
 */
import type { ForecastFinish, Milestone, MilestoneStatus, ScheduleMetrics } from '../shared/contract';
import { dayInZone, dueDayAt, existedAt, isDoneAt } from './asOf';
import { ratio } from './figure';
import { compareKeys, startOfDayInZoneMs } from './flow';
import { dayNumber, isoDay, type DayNumber, type ProjectData, type Version, type WorkItem } from './model';
import type { ProjectSettings } from './settings';

/** Overdue at T: existed, not done, and due before today (the as-of day in the site zone). */
export function isOverdueAt(item: WorkItem, asOfMs: number, today: DayNumber): boolean {
  if (!existedAt(item, asOfMs) || isDoneAt(item, asOfMs)) return false;
  const due = dueDayAt(item, asOfMs);
  return due !== null && due < today;
}

/**
 * The first due date the item ever had, as known at T: the due date it was created with, else the
 * first one set later (at or before T). Without due-date history, its due date.
 */
function firstDueDayAt(item: WorkItem, asOfMs: number): DayNumber | null {
  const changes = item.dueDateChanges;
  if (changes.length === 0) return item.dueDay;
  if (changes[0].from !== null) return changes[0].from;
  for (const change of changes) {
    if (change.atMs > asOfMs) break;
    if (change.to !== null) return change.to;
  }
  return null;
}

function milestoneStatus(version: Version, openItems: number, today: DayNumber, p85Day: DayNumber | null): MilestoneStatus {
  if (version.released) return 'released';
  if (version.releaseDay === null) return 'no date';
  if (version.releaseDay < today) return 'overdue';
  if (p85Day !== null && openItems > 0 && p85Day > version.releaseDay) return 'at risk';
  return 'on track';
}

export function schedule(project: ProjectData, settings: ProjectSettings, asOfMs: number, forecast?: ForecastFinish | null): ScheduleMetrics {
  const today = dayInZone(asOfMs, settings.timeZone);
  // The baseline is the due date at the end of the baseline day (site zone); never later than T.
  const baselineMs =
    settings.baselineDay === null ? null : Math.min(startOfDayInZoneMs(settings.baselineDay + 1, settings.timeZone) - 1, asOfMs);
  const openByVersion = new Map<string, number>();
  const overdue: { key: string; due: DayNumber }[] = [];
  const slippedItems: { key: string; days: number }[] = [];
  let unresolved = 0;
  let totalSlipDays = 0;

  for (const item of project.items) {
    if (!existedAt(item, asOfMs)) continue;
    const due = dueDayAt(item, asOfMs);
    if (!isDoneAt(item, asOfMs)) {
      unresolved += 1;
      if (due !== null && due < today) overdue.push({ key: item.key, due });
      for (const versionId of item.fixVersionIds) openByVersion.set(versionId, (openByVersion.get(versionId) ?? 0) + 1);
    }
    if (due !== null) {
      const baseline = baselineMs === null ? firstDueDayAt(item, asOfMs) : dueDayAt(item, baselineMs);
      if (baseline !== null && due > baseline) {
        slippedItems.push({ key: item.key, days: due - baseline });
        totalSlipDays += due - baseline;
      }
    }
  }

  // Longest overdue first: the oldest due date is the most pressing.
  overdue.sort((a, b) => a.due - b.due || compareKeys(a.key, b.key));
  slippedItems.sort((a, b) => b.days - a.days || compareKeys(a.key, b.key));
  const p85Day = forecast?.p85 ? dayNumber(forecast.p85) : null;
  const milestones: Milestone[] = project.versions.map((version) => {
    const openItems = openByVersion.get(version.id) ?? 0;
    return {
      id: version.id,
      name: version.name,
      releaseDate: version.releaseDay === null ? null : isoDay(version.releaseDay),
      status: milestoneStatus(version, openItems, today, p85Day),
      openItems,
    };
  });

  return {
    overdueCount: overdue.length,
    overdueShare: ratio(overdue.length, unresolved, 'no unresolved items'),
    overdueKeys: overdue.map(({ key }) => key),
    milestones,
    slippedItems,
    totalSlipDays,
    forecast: forecast ?? null,
  };
}
