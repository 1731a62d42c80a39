/**
 * What a project's snapshot keeps for the portfolio page: the page row (issue counts, percent done,
 * overdue, last update) and a summary of its metrics of the same size for any project (lists of keys
 * become counts). Pure, like the rest of the engine.
 */
import type { IssueCounts, PersonRef, PortfolioProject, PortfolioRef, ProjectMetrics, ProjectMetricsSummary } from '../shared/contract';
import type { ProjectData } from './model';

export function summarizeMetrics(metrics: ProjectMetrics): ProjectMetricsSummary {
  const { progress, earnedValue, schedule, flow, quality, risk, health } = metrics;
  const { workPackages: _packages, unscheduledPackages: _unscheduled, dataProblems, ...earned } = earnedValue;
  const { agingWip, ...flowFigures } = flow;
  return {
    projectKey: metrics.projectKey,
    asOf: metrics.asOf,
    progress: { doneWeight: progress.doneWeight, totalWeight: progress.totalWeight, progress: progress.progress },
    earnedValue: { ...earned, dataProblemCount: dataProblems.length },
    schedule: {
      overdueCount: schedule.overdueCount,
      overdueShare: schedule.overdueShare,
      totalSlipDays: schedule.totalSlipDays,
      forecast: schedule.forecast,
      milestonesAtRisk: schedule.milestones.filter((milestone) => milestone.status === 'at risk' || milestone.status === 'overdue').length,
    },
    flow: { ...flowFigures, agingWipCount: agingWip.length },
    quality,
    risk: {
      flagged: risk.flagged.length,
      blocked: risk.blocked.length,
      overdueHighPriority: risk.overdueHighPriority.length,
      unassignedInProgress: risk.unassignedInProgress.length,
    },
    health,
    dataProblems: metrics.dataProblems ?? [],
  };
}

/** The project as Jira describes it, kept with its data by the sync. */
export interface ProjectIdentity {
  id: string;
  key: string;
  name: string;
  lead: PersonRef | null;
  portfolio: PortfolioRef | null;
}

/**
 * The page row from the synced data: counts by current status category, overdue as the schedule
 * metrics count it (unresolved and due before the as-of day in the project's zone).
 */
export function portfolioRow(project: ProjectIdentity, data: ProjectData, metrics: Pick<ProjectMetrics, 'schedule'>): PortfolioProject {
  const counts: IssueCounts = { total: data.items.length, toDo: 0, inProgress: 0, done: 0 };
  let lastUpdatedMs = Number.NEGATIVE_INFINITY;
  for (const item of data.items) {
    if (item.statusCategory === 'done') counts.done += 1;
    else if (item.statusCategory === 'indeterminate') counts.inProgress += 1;
    else counts.toDo += 1;
    if (item.updatedMs > lastUpdatedMs) lastUpdatedMs = item.updatedMs;
  }
  return {
    id: project.id,
    key: project.key,
    name: project.name,
    lead: project.lead,
    portfolio: project.portfolio,
    issueCounts: counts,
    percentDone: counts.total === 0 ? null : Math.round((counts.done / counts.total) * 1000) / 10,
    overdueCount: metrics.schedule.overdueCount,
    lastUpdated: Number.isFinite(lastUpdatedMs) ? new Date(lastUpdatedMs).toISOString() : null,
  };
}
