/**
 * `pmo report` output. The JSON form is documented in docs/report.md and kept stable: fields are
 * only ever added, and `version` changes if one is removed or changes meaning.
 */
import { stringify } from 'csv-stringify/sync';
import type { Figure, PortfolioMetrics, PortfolioProject, PersonWorkload, ProjectMetrics } from '../../src/shared/contract';
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

function markdownCell(value: string | number): string {
  return String(value).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function formatReport(report: PortfolioReport, format: ReportFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'csv':
      return stringify([COLUMNS, ...rows(report)]);
    case 'md':
      return statusMarkdown(report);
  }
}

const amount = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const money = (figure: Figure, currency: string | null): string => (figure.value === null ? '—' : `${amount.format(figure.value)}${currency ? ` ${currency}` : ''}`);
const indexText = (figure: Figure): string => (figure.value === null ? '—' : (Math.trunc(figure.value * 100) / 100).toFixed(2));
const dayText = (iso: string): string => new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/**
 * The report as a status e-mail: the totals (sums, indices from the sums, health counts), the projects
 * that need attention with the reasons, then every project. Money in the site currency once set up.
 */
export function statusMarkdown(report: PortfolioReport, currency: string | null = null): string {
  const lines: string[] = [`# PMO Portfolio status, ${dayText(report.asOf)}`, ''];
  const count = report.projects.length;
  lines.push(`For ${markdownCell(report.viewer.displayName)}: ${count} project${count === 1 ? '' : 's'} as of ${report.asOf}.${currency ? '' : ' Money is in the site currency (none is set up yet).'}`, '');
  if (count === 0) return `${lines.join('\n')}No projects you may browse match.\n`;

  const rollups: [string, PortfolioMetrics][] = [['All projects', report.total], ...report.portfolios.map((portfolio): [string, PortfolioMetrics] => [portfolio.name ?? 'No portfolio', portfolio])];
  lines.push('## Totals', '', '| | Projects | Health | BAC | PV | EV | AC | CV | EAC | SPI | CPI |', '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, totals] of rollups) {
    const health = `${totals.byHealth.red} red, ${totals.byHealth.amber} amber, ${totals.byHealth['not set up']} not set up, ${totals.byHealth.green} green`;
    lines.push(
      `| ${markdownCell(name)} | ${totals.projectKeys.length} | ${health} | ${[totals.bac, totals.pv, totals.ev, totals.ac, totals.cv, totals.eac].map((figure) => money(figure, currency)).join(' | ')} | ${indexText(totals.spi)} | ${indexText(totals.cpi)} |`,
    );
  }
  const leftOut = report.total.leftOutOfSums;
  if (leftOut.length > 0) lines.push('', `Left out of the sums: ${leftOut.map((entry) => `${entry.projectKey} (${entry.reason})`).map(markdownCell).join('; ')}.`);

  const attention = report.projects.filter((project) => project.metrics.health.rag !== 'green');
  lines.push('', '## Needing attention', '');
  if (attention.length === 0) lines.push('Every project is green.');
  const order = { red: 0, amber: 1, 'not set up': 2, green: 3 } as const;
  for (const project of [...attention].sort((a, b) => order[a.metrics.health.rag] - order[b.metrics.health.rag] || a.key.localeCompare(b.key))) {
    const { health } = project.metrics;
    const why = health.override ? `set by hand: ${health.override.comment}` : health.criteria.join('; ');
    lines.push(`- **${markdownCell(project.key)} ${markdownCell(project.name)}**: ${health.rag}. ${markdownCell(why)}`);
  }

  lines.push('', '## Every project', '', '| Project | Portfolio | Lead | Health | % done | SPI | CPI | BAC | AC | EAC | Forecast P85 | Overdue |', '| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |');
  for (const project of report.projects) {
    const { earnedValue, health, schedule } = project.metrics;
    lines.push(
      `| ${[
        `${project.key} ${project.name}`,
        project.portfolio?.name ?? 'No portfolio',
        project.lead?.displayName ?? '—',
        health.rag,
        project.percentDone === null ? '—' : `${project.percentDone.toFixed(1)}%`,
        indexText(earnedValue.spi),
        indexText(earnedValue.cpi),
        money(earnedValue.bac, currency),
        money(earnedValue.ac, currency),
        money(earnedValue.eac.byCpi, currency),
        schedule.forecast?.p85 ?? '—',
        String(project.overdueCount),
      ]
        .map(markdownCell)
        .join(' | ')} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
