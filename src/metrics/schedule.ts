/**
 * Schedule: overdue work, milestones (Jira versions) and due-date slip against a baseline. "Today"
 * is the as-of instant's calendar day in the site's time zone.
 */
import type { ForecastFinish, Milestone, MilestoneStatus, ScheduleMetrics } from '../shared/contract';
import { baselineDueDayAt, baselineInstant, dayInZone, dueDayAt, existedAt, isDoneAt } from './asOf';
import { ratio } from './figure';
import { compareKeys } from './flow';
import { dayNumber, isoDay, type DayNumber, type ProjectData, type Version, type WorkItem } from './model';
import type { ProjectSettings } from './settings';

/** Overdue at T: existed, not done, and due before today (the as-of day in the site zone). */
export function isOverdueAt(item: WorkItem, asOfMs: number, today: DayNumber): boolean {
  if (!existedAt(item, asOfMs) || isDoneAt(item, asOfMs)) return false;
  const due = dueDayAt(item, asOfMs);
  return due !== null && due < today;
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
  const baselineMs = baselineInstant(settings, asOfMs);
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
      const baseline = baselineDueDayAt(item, asOfMs, baselineMs);
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
    target: targetOf(project, settings, asOfMs),
    overdueCount: overdue.length,
    overdueShare: ratio(overdue.length, unresolved, 'no unresolved items'),
    overdueKeys: overdue.map(({ key }) => key),
    milestones,
    slippedItems,
    totalSlipDays,
    forecast: forecast ?? null,
  };
}

/** The baseline finish, else the latest release date, else the latest due date of an item at T. */
function targetOf(project: ProjectData, settings: ProjectSettings, asOfMs: number): ScheduleMetrics['target'] {
  if (settings.baselineFinishDay !== null) return { day: isoDay(settings.baselineFinishDay), source: 'baseline finish' };
  const releases = project.versions.flatMap((version) => (version.releaseDay === null ? [] : [version.releaseDay]));
  if (releases.length > 0) return { day: isoDay(Math.max(...releases)), source: 'last release' };
  let latest: DayNumber | null = null;
  for (const item of project.items) {
    if (!existedAt(item, asOfMs)) continue;
    const due = dueDayAt(item, asOfMs);
    if (due !== null && (latest === null || due > latest)) latest = due;
  }
  return latest === null ? null : { day: isoDay(latest), source: 'latest due date' };
}
