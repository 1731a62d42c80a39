/**
 * What the project health view shows of one project, as of an instant, from its synced data and daily
 * history: every metric, the trend (the history, reconstructed before it began), the milestones with their
 * own forecast, the activity, and the items it names. Pure: the view and a status report share it.
 */
import type { HeadlineFigures, ItemRef, MilestoneForecast, ProjectHealthView, ProjectMetrics, TrendPoint } from '../shared/contract';
import { activity } from './activity';
import { forecastItems, weeklyThroughput } from './forecast';
import { computeProjectMetrics } from './index';
import { dayOfInstant, isoDay, type ProjectData } from './model';
import type { ProjectSettings } from './settings';

/** Weeks of trend the view shows. */
export const TREND_WEEKS = 26;
/** A person Jira did not name for the viewer. */
export const UNNAMED = 'A person Jira does not name for you';
/** Items named per list (risks, overdue): the view shows the first ones and the count of all. */
const ITEMS_PER_LIST = 100;
const WEEK_MS = 7 * 86_400_000;

/** A day's point of the daily history, as the store keeps it. */
export interface HistoryDay {
  day: number;
  figures: HeadlineFigures;
}

/** The figures of one project as of `asOfMs` from its stored data and history: the view's, and a status report's. */
export function projectFigures(
  data: ProjectData,
  settings: ProjectSettings,
  asOfMs: number,
  history: readonly HistoryDay[],
  names: ReadonlyMap<string, string>,
  computed: ProjectMetrics = computeProjectMetrics(data, settings, asOfMs, { forecast: true }),
  activityDays = 14,
): Pick<ProjectHealthView, 'metrics' | 'trend' | 'milestones' | 'activity' | 'items'> & { metrics: ProjectMetrics } {
  // Nothing of the history after the as-of day.
  const upTo = history.filter((point) => point.day <= dayOfInstant(asOfMs));
  return {
    metrics: computed,
    trend: trendOf(data, settings, asOfMs, upTo),
    milestones: milestoneForecasts(data, settings, asOfMs, computed),
    activity: activity(data, settings, asOfMs, activityDays),
    items: itemsNamed(data, computed, names),
  };
}

/** The project's assignees, whose names the view shows. */
export 
/**
 * The daily history where it exists; before its first point (a project synced recently), a point a
 * week computed from the synced data as of that day, marked reconstructed, back to TREND_WEEKS.
 */
function trendOf(data: ProjectData, settings: ProjectSettings, computedAt: number, history: readonly HistoryDay[]): TrendPoint[] {
  const stored: TrendPoint[] = history.map(({ day, figures }) => ({
    day: isoDay(day),
    reconstructed: false,
    rag: figures.rag,
    pv: figures.pv,
    ev: figures.ev,
    ac: figures.ac,
    spi: figures.spi,
    cpi: figures.cpi,
    compliance: figures.compliance,
  }));
  const firstStoredDay = history.length > 0 ? history[0].day : dayOfInstant(computedAt) + 1;
  const reconstructed: TrendPoint[] = [];
  for (let weeks = TREND_WEEKS; weeks >= 1; weeks -= 1) {
    const atMs = computedAt - weeks * WEEK_MS;
    if (dayOfInstant(atMs) >= firstStoredDay || atMs < data.createdMs) continue;
    const past = computeProjectMetrics(data, settings, atMs);
    const { earnedValue: ev } = past;
    reconstructed.push({
      day: isoDay(dayOfInstant(atMs)),
      reconstructed: true,
      rag: past.health.rag,
      pv: ev.pv.value,
      ev: ev.ev.value,
      ac: ev.ac.value,
      spi: ev.spi.value,
      cpi: ev.cpi.value,
      compliance: past.compliance?.score.value ?? null,
    });
  }
  return [...reconstructed, ...stored];
}

function milestoneForecasts(data: ProjectData, settings: ProjectSettings, computedAt: number, metrics: ProjectMetrics): MilestoneForecast[] {
  const { weekly } = weeklyThroughput(data, settings, computedAt);
  return metrics.schedule.milestones.map((milestone) => {
    if (milestone.status === 'released' || milestone.openItems === 0) return { ...milestone, forecast: null };
    const { outcomes: _outcomes, beyondTrials: _beyond, ...forecast } = forecastItems(weekly, milestone.openItems, settings, `${data.key}:${milestone.id}`, computedAt);
    return { ...milestone, forecast };
  });
}

/** The project's assignees, whose names the view shows. */
export function projectPeople(data: ProjectData): Set<string> {
  return new Set(data.items.flatMap((item) => (item.assigneeAccountId === null ? [] : [item.assigneeAccountId])));
}

/** Summaries of the items the view lists: risks, overdue, aging work, work packages, the latest activity. */
function itemsNamed(data: ProjectData, metrics: ProjectMetrics, names: ReadonlyMap<string, string>): Record<string, ItemRef> {
  const keys = new Set<string>([
    ...metrics.risk.flagged.slice(0, ITEMS_PER_LIST),
    ...metrics.risk.blocked.slice(0, ITEMS_PER_LIST),
    ...metrics.risk.overdueHighPriority.slice(0, ITEMS_PER_LIST),
    ...metrics.risk.unassignedInProgress.slice(0, ITEMS_PER_LIST),
    ...metrics.schedule.overdueKeys.slice(0, ITEMS_PER_LIST),
    ...metrics.flow.agingWip.slice(0, ITEMS_PER_LIST).map((entry) => entry.key),
    ...metrics.budget.map((entry) => entry.key),
  ]);
  const items: Record<string, ItemRef> = {};
  for (const item of data.items) {
    if (!keys.has(item.key)) continue;
    items[item.key] = {
      key: item.key,
      summary: item.summary,
      issueType: item.issueType,
      statusCategory: item.statusCategory,
      priority: item.priority,
      assignee: item.assigneeAccountId === null ? null : { accountId: item.assigneeAccountId, displayName: names.get(item.assigneeAccountId) ?? UNNAMED },
      dueDate: item.dueDay === null ? null : isoDay(item.dueDay),
    };
  }
  return items;
}
