/**
 * What a project's snapshot keeps for the portfolio page: the page row (issue counts, percent done,
 * overdue, last update) and a summary of its metrics of the same size for any project (lists of keys
 * become counts). Pure, like the rest of the engine.
 */
import type { ComplianceMetrics, ComplianceSummary, ForecastFinish, HeadlineFigures, IssueCounts, PersonRef, PortfolioProject, PortfolioRef, ProjectMetrics, ProjectMetricsSummary } from '../shared/contract';
import { existedAt, statusCategoryAt } from './asOf';
import type { ProjectData, WorkItem } from './model';

export function summarizeMetrics(metrics: ProjectMetrics): ProjectMetricsSummary {
  const { progress, earnedValue, schedule, flow, quality, risk, health, compliance } = metrics;
  const { workPackages: _packages, unscheduledPackages: _unscheduled, dataProblems, ...earned } = earnedValue;
  const { agingWip, ...flowFigures } = flow;
  return {
    projectKey: metrics.projectKey,
    asOf: metrics.asOf,
    progress: { doneWeight: progress.doneWeight, totalWeight: progress.totalWeight, progress: progress.progress },
    earnedValue: { ...earned, dataProblemCount: dataProblems.length },
    schedule: {
      target: schedule.target,
      overdueCount: schedule.overdueCount,
      overdueShare: schedule.overdueShare,
      totalSlipDays: schedule.totalSlipDays,
      forecast: schedule.forecast === null ? null : withoutOutcomes(schedule.forecast),
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
    compliance: compliance === null ? null : summarizeCompliance(compliance),
    health,
    dataProblems: metrics.dataProblems ?? [],
  };
}

export function summarizeCompliance({ violations, ...figures }: ComplianceMetrics): ComplianceSummary {
  return { ...figures, violationCount: violations.length };
}

function withoutOutcomes({ outcomes: _outcomes, beyondTrials: _beyond, ...dates }: ForecastFinish): Omit<ForecastFinish, 'outcomes' | 'beyondTrials'> {
  return dates;
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
 * The page row from the synced data as of `asOfMs` (now by default): items that existed then, counted
 * by their status category then; overdue as the schedule metrics count it; the last change of any item
 * at or before that instant (for a past day, nothing after it: an item updated since shows its last
 * change known from its histories and worklogs up to then).
 */
export function portfolioRow(project: ProjectIdentity, data: ProjectData, metrics: Pick<ProjectMetrics, 'schedule'>, asOfMs = Number.POSITIVE_INFINITY): PortfolioProject {
  const counts: IssueCounts = { total: 0, toDo: 0, inProgress: 0, done: 0 };
  const workedOn = new Map<string, number>();
  for (const worklog of data.worklogs) {
    if (worklog.startedMs <= asOfMs) workedOn.set(worklog.issueKey, Math.max(workedOn.get(worklog.issueKey) ?? Number.NEGATIVE_INFINITY, worklog.startedMs));
  }
  let lastUpdatedMs = Number.NEGATIVE_INFINITY;
  for (const item of data.items) {
    if (!existedAt(item, asOfMs)) continue;
    counts.total += 1;
    const category = statusCategoryAt(item, asOfMs);
    if (category === 'done') counts.done += 1;
    else if (category === 'indeterminate') counts.inProgress += 1;
    else counts.toDo += 1;
    lastUpdatedMs = Math.max(lastUpdatedMs, lastChangeAt(item, asOfMs, workedOn.get(item.key)));
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

/** Jira's `updated` when it is not after T; else the latest change of the item its histories show by T. */
function lastChangeAt(item: WorkItem, asOfMs: number, lastWorklogMs: number | undefined): number {
  if (item.updatedMs <= asOfMs) return item.updatedMs;
  let latest = item.createdMs;
  for (const change of item.statusChanges) if (change.atMs <= asOfMs) latest = Math.max(latest, change.atMs);
  for (const change of item.dueDateChanges) if (change.atMs <= asOfMs) latest = Math.max(latest, change.atMs);
  if (item.resolvedMs !== null && item.resolvedMs <= asOfMs) latest = Math.max(latest, item.resolvedMs);
  return Math.max(latest, lastWorklogMs ?? Number.NEGATIVE_INFINITY);
}

/** The figures the daily history keeps, and "since last week" compares. */
export function headlineFigures(metrics: ProjectMetrics): HeadlineFigures {
  const { earnedValue: ev } = metrics;
  return {
    rag: metrics.health.rag,
    criteria: metrics.health.criteria,
    progress: metrics.progress.progress.value,
    bac: ev.bac.value,
    pv: ev.pv.value,
    ev: ev.ev.value,
    ac: ev.ac.value,
    spi: ev.spi.value,
    cpi: ev.cpi.value,
    eac: ev.eac.byCpi.value,
    overdueCount: metrics.schedule.overdueCount,
    wip: metrics.flow.wip,
    forecastP85: metrics.schedule.forecast?.p85 ?? null,
    compliance: metrics.compliance?.score.value ?? null,
  };
}
