/**
 * The project health view's one read: everything about one project from what the sync stored (its
 * snapshot, its synced data, its daily history), never Jira in bulk. Jira is asked only whether the
 * viewer may browse the projects involved, and for the names of the project's people. The metrics are
 * the engine's at the snapshot's instant, so the view and the portfolio page row always agree.
 */
import type { JiraClient } from '../../jira/client';
import { browsableProjectIds } from '../../jira/permissions';
import { displayNames } from '../../jira/users';
import {
  activity,
  computeProjectMetrics,
  DEFAULT_PORTFOLIO_SETTINGS,
  DEFAULT_PROJECT_SETTINGS,
  forecastItems,
  weeklyThroughput,
  type ProjectData,
  type ProjectSettings,
} from '../../metrics';
import { notAvailable, ratio } from '../../metrics/figure';
import { dayOfInstant, isoDay } from '../../metrics/model';
import type { ItemRef, MilestoneForecast, ProjectHealthView, ProjectMetrics, TrendPoint, WorkloadRow } from '../../shared/contract';
import { loadProjectData } from '../../store/projectData';
import { listSnapshots, readHistory, type HistoryPoint, type ProjectSnapshot } from '../../store/snapshots';
import { WEEK_MS } from '../../sync/lastWeek';
import { ResolverFailure } from '../envelope';

/** Weeks of trend the view shows. */
export const TREND_WEEKS = 26;
/** A person Jira did not name for the viewer. */
const UNNAMED = 'A person Jira does not name for you';
/** Items named per list (risks, overdue): the view shows the first ones and the count of all. */
const ITEMS_PER_LIST = 100;

export async function readProjectHealth(client: JiraClient, projectKey: string): Promise<ProjectHealthView> {
  const snapshots = await listSnapshots();
  const snapshot = snapshots.find((candidate) => candidate.projectKey === projectKey);
  // As the viewer, for this project and every one whose workload is added up.
  const browsable = snapshots.length === 0 ? new Set<string>() : await browsableProjectIds(client, snapshots.map((candidate) => candidate.projectId));
  // Missing, hidden or never synced: one answer, so a key reveals nothing.
  if (!snapshot || !browsable.has(snapshot.projectId)) throw new ResolverFailure('NOT_FOUND', `No synced project with key ${projectKey} that you may browse.`);

  const empty = { project: snapshot.row, status: snapshot.status, lastWeek: snapshot.lastWeek ?? null, currency: null, workloadWeeks: DEFAULT_PORTFOLIO_SETTINGS.workloadWeeks };
  const computedAt = snapshot.status.computedAt === null ? null : Date.parse(snapshot.status.computedAt);
  const data = computedAt === null ? null : await loadProjectData(projectKey);
  if (computedAt === null || data === null) return { ...empty, metrics: null, trend: [], milestones: [], activity: null, workload: [], items: {} };

  const settings = DEFAULT_PROJECT_SETTINGS;
  const [history, metrics] = await Promise.all([
    readHistory(projectKey, dayOfInstant(computedAt - TREND_WEEKS * WEEK_MS)),
    Promise.resolve(computeProjectMetrics(data, settings, computedAt, { forecast: true })),
  ]);
  const visible = snapshots.filter((candidate) => browsable.has(candidate.projectId));
  const people = projectPeople(data);
  // As the viewer: the names Jira shows them (the project lead's comes with the project).
  const names = people.size === 0 ? new Map<string, string>() : await displayNames(client, [...people]);

  return {
    ...empty,
    metrics,
    trend: trendOf(data, settings, computedAt, history),
    milestones: milestoneForecasts(data, settings, computedAt, metrics),
    activity: activity(data, settings, computedAt),
    workload: workloadRows(visible, people, names),
    items: itemsNamed(data, metrics, names),
  };
}

/**
 * The daily history where it exists; before its first point (a project synced recently), a point a
 * week computed from the synced data as of that day, marked reconstructed, back to TREND_WEEKS.
 */
function trendOf(data: ProjectData, settings: ProjectSettings, computedAt: number, history: readonly HistoryPoint[]): TrendPoint[] {
  const stored: TrendPoint[] = history.map(({ day, figures }) => ({ day: isoDay(day), reconstructed: false, rag: figures.rag, pv: figures.pv, ev: figures.ev, ac: figures.ac, spi: figures.spi, cpi: figures.cpi }));
  const firstStoredDay = history.length > 0 ? history[0].day : dayOfInstant(computedAt) + 1;
  const reconstructed: TrendPoint[] = [];
  for (let weeks = TREND_WEEKS; weeks >= 1; weeks -= 1) {
    const atMs = computedAt - weeks * WEEK_MS;
    if (dayOfInstant(atMs) >= firstStoredDay || atMs < data.createdMs) continue;
    const past = computeProjectMetrics(data, settings, atMs);
    const { earnedValue: ev } = past;
    reconstructed.push({ day: isoDay(dayOfInstant(atMs)), reconstructed: true, rag: past.health.rag, pv: ev.pv.value, ev: ev.ev.value, ac: ev.ac.value, spi: ev.spi.value, cpi: ev.cpi.value });
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

function projectPeople(data: ProjectData): Set<string> {
  return new Set(data.items.flatMap((item) => (item.assigneeAccountId === null ? [] : [item.assigneeAccountId])));
}

/** Each person's open hours per project, from the snapshots of the projects the viewer may browse. */
function workloadOf(snapshots: readonly ProjectSnapshot[]): { accountId: string; projectKey: string; openRemainingHours: number }[] {
  return snapshots.flatMap((snapshot) => (snapshot.workload ?? []).map((entry) => ({ ...entry, projectKey: snapshot.projectKey })));
}

function workloadRows(snapshots: readonly ProjectSnapshot[], people: ReadonlySet<string>, names: ReadonlyMap<string, string>): WorkloadRow[] {
  const settings = DEFAULT_PORTFOLIO_SETTINGS;
  const byPerson = new Map<string, { hours: number; projects: string[] }>();
  for (const entry of workloadOf(snapshots)) {
    if (!people.has(entry.accountId)) continue;
    const person = byPerson.get(entry.accountId) ?? { hours: 0, projects: [] };
    person.hours += entry.openRemainingHours;
    if (entry.openRemainingHours > 0 || !person.projects.includes(entry.projectKey)) person.projects.push(entry.projectKey);
    byPerson.set(entry.accountId, person);
  }
  const rows: WorkloadRow[] = [...byPerson].map(([accountId, { hours, projects }]) => {
    const perWeek = settings.capacityHoursPerWeek[accountId] ?? settings.defaultCapacityHoursPerWeek;
    const capacityHours = perWeek * settings.workloadWeeks;
    const load = capacityHours > 0 ? ratio(hours, capacityHours, 'no capacity') : notAvailable(`no capacity set (${perWeek} hours a week)`);
    return {
      accountId,
      person: { accountId, displayName: names.get(accountId) ?? UNNAMED },
      openRemainingHours: hours,
      capacityHours,
      load,
      projects: [...new Set(projects)].sort(),
      overAllocated: load.value !== null && load.value > 1,
    };
  });
  return rows.sort((a, b) => (b.load.value ?? 0) - (a.load.value ?? 0) || b.openRemainingHours - a.openRemainingHours || (a.accountId < b.accountId ? -1 : 1));
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
