/**
 * `pmo report` output. The JSON form is documented in docs/report.md and kept stable: fields are
 * only ever added, and `version` changes if one is removed or changes meaning.
 */
import { stringify } from 'csv-stringify/sync';
import type { PortfolioOverview } from '../../src/shared/contract';

export const REPORT_FORMATS = ['json', 'md', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface PortfolioReport extends PortfolioOverview {
  format: 'pmo-portfolio-report';
  version: 1;
  /** What the report covers, as asked. */
  scope: { project: string | null; portfolio: string | null };
}

export function toReport(overview: PortfolioOverview, scope: PortfolioReport['scope']): PortfolioReport {
  return { format: 'pmo-portfolio-report', version: 1, scope, ...overview };
}

const COLUMNS = ['Project', 'Name', 'Portfolio', 'Lead', 'Issues', 'To do', 'In progress', 'Done', '% done', 'Overdue', 'Last updated'];

function rows(report: PortfolioReport): (string | number)[][] {
  return report.projects.map((project) => [
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
  ]);
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
    case 'md': {
      const lines = [
        '# PMO Portfolio report',
        '',
        `As of ${report.asOf}, for ${report.viewer.displayName}: ${report.projects.length} project${report.projects.length === 1 ? '' : 's'}.`,
        '',
      ];
      if (report.projects.length === 0) return `${lines.join('\n')}No projects you may browse match.\n`;
      lines.push(`| ${COLUMNS.join(' | ')} |`, `|${COLUMNS.map(() => ' --- ').join('|')}|`);
      for (const row of rows(report)) lines.push(`| ${row.map(markdownCell).join(' | ')} |`);
      return `${lines.join('\n')}\n`;
    }
  }
}
