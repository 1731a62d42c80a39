/**
 * The metrics engine: Jira data (normalized, see model.ts) and the PMO's settings in, the figures of
 * docs/metrics.md out. Pure: no I/O, no clock; "now" is always the asOfMs the caller passes.
 */
import type { ProjectMetrics } from '../shared/contract';
import { evaluateCompliance } from '../compliance/evaluate';
import { budgetVariances } from './budget';
import { dataProblems } from './dataProblems';
import { earnedValue } from './earnedValue';
import { flow } from './flow';
import { forecastFinish } from './forecast';
import { health } from './health';
import type { ProjectData } from './model';
import { progress } from './progress';
import { quality } from './quality';
import { risk } from './risk';
import { schedule } from './schedule';
import type { ProjectSettings } from './settings';

export interface ProjectMetricsOptions {
  /** Run the Monte Carlo finish forecast (the heavy part); otherwise schedule.forecast is null. */
  forecast?: boolean;
}

/** Every metric of one project as of asOfMs. */
export function computeProjectMetrics(project: ProjectData, settings: ProjectSettings, asOfMs: number, options: ProjectMetricsOptions = {}): ProjectMetrics {
  const earned = earnedValue(project, settings, asOfMs);
  const forecast = options.forecast === true ? forecastFinish(project, settings, asOfMs) : null;
  const scheduled = schedule(project, settings, asOfMs, forecast);
  const compliance = settings.complianceRules === null ? null : evaluateCompliance(project, settings.complianceRules, asOfMs, settings.timeZone);
  return {
    projectKey: project.key,
    asOf: new Date(asOfMs).toISOString(),
    progress: progress(project, settings, asOfMs),
    earnedValue: earned,
    budget: budgetVariances(project, settings, asOfMs),
    schedule: scheduled,
    flow: flow(project, settings, asOfMs),
    quality: quality(project, settings, asOfMs),
    risk: risk(project, settings, asOfMs),
    compliance,
    health: health({ spi: earned.spi, cpi: earned.cpi, overdueShare: scheduled.overdueShare, compliance: compliance?.score.value ?? null }, settings, asOfMs),
    dataProblems: dataProblems(project),
  };
}

export type * from './model';
export { dayNumber, isoDay, dayOfInstant, startOfDayMs } from './model';
export type * from './settings';
export { DEFAULT_PROJECT_SETTINGS, DEFAULT_PORTFOLIO_SETTINGS, DEFAULT_THRESHOLDS } from './settings';
export { existedAt, statusCategoryAt, isDoneAt, dueDayAt, dayInZone } from './asOf';
export { figure, notAvailable, ratio, isAvailable, derive } from './figure';
export { progress } from './progress';
export { actualCostByItem, actualCosts, type ActualCosts } from './cost';
export { earnedValue } from './earnedValue';
export { budgetVariances, itemBudgetVariance } from './budget';
export { dataProblems } from './dataProblems';
export { schedule } from './schedule';
export { forecastFinish, forecastItems, weeklyThroughput } from './forecast';
export { flow } from './flow';
export { quality } from './quality';
export { risk } from './risk';
export { workload } from './workload';
export { nearestRank, percentileOfSorted } from './percentile';
export { health, type HealthInputs } from './health';
export { portfolioMetrics, leftOutOfSums, percentileRanks, groupByPortfolio, type PortfolioProject } from './portfolio';
export type {
  Figure,
  ProjectMetrics,
  ProgressMetrics,
  EpicProgress,
  EarnedValueMetrics,
  EstimateAtCompletion,
  BudgetVariance,
  ScheduleMetrics,
  Milestone,
  MilestoneStatus,
  ForecastFinish,
  FlowMetrics,
  Percentiles,
  QualityMetrics,
  RiskMetrics,
  HealthMetrics,
  PersonWorkload,
  PortfolioMetrics,
  ProjectBenchmark,
} from '../shared/contract';
export { activity, ACTIVITY_LIST_LIMIT } from './activity';
