/**
 * What a project looked like a week before its snapshot: the daily history's point of that day, or,
 * while the history does not reach back that far (a project synced for the first time), the engine's
 * figures as of that instant from the synced data, marked reconstructed. Fields Jira keeps no history
 * of in the synced data (budgets, estimates, story points) enter a reconstruction at their current value.
 */
import { computeProjectMetrics } from '../metrics';
import { dayOfInstant, isoDay, type ProjectData } from '../metrics/model';
import type { ProjectSettings } from '../metrics/settings';
import { headlineFigures } from '../metrics/summary';
import type { LastWeek } from '../shared/contract';
import { readHistoryDay } from '../store/snapshots';

export const WEEK_MS = 7 * 86_400_000;

export async function lastWeekOf(data: ProjectData, settings: ProjectSettings, nowMs: number): Promise<LastWeek> {
  const weekAgoMs = nowMs - WEEK_MS;
  const day = dayOfInstant(weekAgoMs);
  const stored = await readHistoryDay(data.key, day);
  if (stored) return { day: isoDay(day), figures: stored.figures, reconstructed: false };
  return { day: isoDay(day), figures: headlineFigures(computeProjectMetrics(data, settings, weekAgoMs, { forecast: true })), reconstructed: true };
}
