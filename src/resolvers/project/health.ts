/**
 * The project health view's one read: everything about one project from what the sync stored (its
 * snapshot, its synced data, its daily history), never Jira in bulk. Jira is asked only whether the
 * viewer may browse the projects involved, and for the names of the project's people. The metrics are
 * the engine's at the snapshot's instant, so the view and the portfolio page row always agree.
 */
import { complianceChanges } from '../../compliance/changes';
import type { JiraClient } from '../../jira/client';
import { browsableProjectIds } from '../../jira/permissions';
import { displayNames } from '../../jira/users';
import { notAvailable, ratio } from '../../metrics/figure';
import { dayOfInstant } from '../../metrics/model';
import type { PortfolioSettings } from '../../metrics/settings';
import { projectFigures, projectPeople, TREND_WEEKS, UNNAMED } from '../../metrics/projectView';
import type { ProjectHealthView, WorkloadRow } from '../../shared/contract';
import { portfolioSettingsIn, projectSettingsIn, settingsInForce } from '../../settings/store';
import { loadProjectData } from '../../store/projectData';
import { listSnapshots, readHistory, type ProjectSnapshot } from '../../store/snapshots';
import { WEEK_MS } from '../../sync/lastWeek';
import { ResolverFailure } from '../envelope';


export async function readProjectHealth(client: JiraClient, projectKey: string): Promise<ProjectHealthView> {
  const [snapshots, inForce] = await Promise.all([listSnapshots(), settingsInForce()]);
  const portfolioSettings = portfolioSettingsIn(inForce);
  const snapshot = snapshots.find((candidate) => candidate.projectKey === projectKey);
  // As the viewer, for this project and every one whose workload is added up.
  const browsable = snapshots.length === 0 ? new Set<string>() : await browsableProjectIds(client, snapshots.map((candidate) => candidate.projectId));
  // Missing, hidden or never synced: one answer, so a key reveals nothing.
  if (!snapshot || !browsable.has(snapshot.projectId)) throw new ResolverFailure('NOT_FOUND', `No synced project with key ${projectKey} that you may browse.`);

  const empty = { project: snapshot.row, status: snapshot.status, lastWeek: snapshot.lastWeek ?? null, currency: inForce.document.currency, workloadWeeks: portfolioSettings.workloadWeeks };
  const computedAt = snapshot.status.computedAt === null ? null : Date.parse(snapshot.status.computedAt);
  const data = computedAt === null ? null : await loadProjectData(projectKey);
  if (computedAt === null || data === null) return { ...empty, metrics: null, trend: [], milestones: [], activity: null, workload: [], items: {}, complianceChanges: null };

  const settings = projectSettingsIn(inForce, projectKey, snapshot.row.portfolio?.name ?? null);
  const history = await readHistory(projectKey, dayOfInstant(computedAt - TREND_WEEKS * WEEK_MS));
  const visible = snapshots.filter((candidate) => browsable.has(candidate.projectId));
  const people = projectPeople(data);
  // As the viewer: the names Jira shows them (the project lead's comes with the project).
  const names = people.size === 0 ? new Map<string, string>() : await displayNames(client, [...people]);

  const figures = projectFigures(data, settings, computedAt, history, names);
  const { compliance } = figures.metrics;
  return {
    ...empty,
    ...figures,
    workload: workloadRows(visible, people, names, portfolioSettings),
    complianceChanges: compliance === null || settings.complianceRules === null ? null : complianceChanges(data, settings.complianceRules, compliance, computedAt, settings.timeZone),
  };
}





/** Each person's open hours per project, from the snapshots of the projects the viewer may browse. */
function workloadOf(snapshots: readonly ProjectSnapshot[]): { accountId: string; projectKey: string; openRemainingHours: number }[] {
  return snapshots.flatMap((snapshot) => (snapshot.workload ?? []).map((entry) => ({ ...entry, projectKey: snapshot.projectKey })));
}

function workloadRows(snapshots: readonly ProjectSnapshot[], people: ReadonlySet<string>, names: ReadonlyMap<string, string>, settings: PortfolioSettings): WorkloadRow[] {
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


