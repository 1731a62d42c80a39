/**
 * `pmo report` output. The JSON form is documented in docs/report.md and kept stable: fields are
 * only ever added, and `version` changes if one is removed or changes meaning.
 */
import { stringify } from 'csv-stringify/sync';
import { reportToAdf } from '../../src/reports/adf';
import { adfToMarkdown } from '../../src/reports/markdown';
import type { Figure, PortfolioMetrics, PortfolioProject, PersonWorkload, ProjectMetrics, StatusReport } from '../../src/shared/contract';
import type { PortfolioMetricsReport, PortfolioOverview } from '../report/contract';

export const REPORT_FORMATS = ['json', 'md', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportProject extends PortfolioProject {
  /** Every metric of the project (docs/metrics.md). */
  metrics: ProjectMetrics;
}

export interface PortfolioReport extends Omit<PortfolioOverview, 'projects'> {
  format: 'pmo-portfolio-report';
  version: 1;
  /** What the report covers, as asked. */
  scope: { project: string | null; portfolio: string | null };
  projects: ReportProject[];
  /** Roll-up per portfolio (name null: projects without one). */
  portfolios: PortfolioMetrics[];
  /** Roll-up of every project in the report. */
  total: PortfolioMetrics;
  workload: PersonWorkload[];
}

export function toReport(metrics: PortfolioMetricsReport, scope: PortfolioReport['scope']): PortfolioReport {
  const byKey = new Map(metrics.projects.map((project) => [project.projectKey, project]));
  const projects = metrics.rows.map((row) => {
    const projectMetrics = byKey.get(row.key);
    if (!projectMetrics) throw new Error(`Project ${row.key} has a row but no metrics in the report.`);
    return { ...row, metrics: projectMetrics };
  });
  return {
    format: 'pmo-portfolio-report',
    version: 1,
    scope,
    asOf: metrics.asOf,
    viewer: metrics.viewer,
    projects,
    portfolios: metrics.portfolios,
    total: metrics.total,
    workload: metrics.workload,
  };
}

const COLUMNS = [
  'Project', 'Name', 'Portfolio', 'Lead', 'Issues', 'To do', 'In progress', 'Done', '% done', 'Overdue', 'Last updated',
  'Health', 'Progress', 'BAC', 'PV', 'EV', 'AC', 'SPI', 'CPI', 'EAC', 'Forecast P50', 'Forecast P85',
];

/** A figure's number, or an empty cell when it is not available. */
function cell(figure: Figure): number | string {
  return figure.value === null ? '' : Math.round(figure.value * 100) / 100;
}

function rows(report: PortfolioReport): (string | number)[][] {
  return report.projects.map((project) => {
    const { earnedValue, health, schedule, progress } = project.metrics;
    return [
      project.key,
      project.name,
      project.portfolio?.name ?? '',
      project.lead?.displayName ?? '',
      project.issueCounts.total,
      project.issueCounts.toDo,
      project.issueCounts.inProgress,
      project.issueCounts.done,
      project.percentDone ?? '',
      project.overdueCount,
      project.lastUpdated ?? '',
      health.rag,
      cell(progress.progress),
      cell(earnedValue.bac),
      cell(earnedValue.pv),
      cell(earnedValue.ev),
      cell(earnedValue.ac),
      cell(earnedValue.spi),
      cell(earnedValue.cpi),
      cell(earnedValue.eac.byCpi),
      schedule.forecast?.p50 ?? '',
      schedule.forecast?.p85 ?? '',
    ];
  });
}

/** The portfolio report as JSON or CSV; `md` is the status report (`statusReportMarkdown`), read on its own. */
export function formatReport(report: PortfolioReport, format: Exclude<ReportFormat, 'md'>): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'csv':
      return stringify([COLUMNS, ...rows(report)]);
  }
}

/** The status e-mail: the Confluence macro's status report, as the same document it exports to PDF. */
export function statusReportMarkdown(report: StatusReport): string {
  return adfToMarkdown(reportToAdf(report));
}
