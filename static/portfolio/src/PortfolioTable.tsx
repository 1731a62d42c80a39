import DynamicTable from '@atlaskit/dynamic-table';
import type { HeadType, RowType } from '@atlaskit/dynamic-table/types';
import Lozenge from '@atlaskit/lozenge';
import EmptyState from '@atlaskit/empty-state';
import { formatDistanceStrict } from 'date-fns';
import type { PortfolioProject, ProjectMetrics, Rag } from '@pmo/contract';
import { formatFigure, type FigureKind } from '../../shared/format';
import type { Figure } from '@pmo/contract';

const head: HeadType = {
  cells: [
    { key: 'project', content: 'Project', isSortable: true, width: 18 },
    { key: 'portfolio', content: 'Portfolio', isSortable: true, width: 10 },
    { key: 'health', content: 'Health', isSortable: true, width: 7 },
    { key: 'lead', content: 'Lead', isSortable: true, width: 10 },
    { key: 'total', content: 'Issues', isSortable: true, width: 5 },
    { key: 'toDo', content: 'To do', isSortable: true, width: 5 },
    { key: 'inProgress', content: 'In progress', isSortable: true, width: 6 },
    { key: 'done', content: 'Done', isSortable: true, width: 5 },
    { key: 'percentDone', content: '% done', isSortable: true, width: 5 },
    { key: 'overdue', content: 'Overdue', isSortable: true, width: 6 },
    { key: 'spi', content: 'SPI', isSortable: true, width: 5 },
    { key: 'cpi', content: 'CPI', isSortable: true, width: 5 },
    { key: 'bac', content: 'BAC', isSortable: true, width: 7 },
    { key: 'forecast', content: 'Forecast P85', isSortable: true, width: 8 },
    { key: 'lastUpdated', content: 'Last updated', isSortable: true, width: 8 },
  ],
};

const RAG_APPEARANCE: Record<Rag, 'removed' | 'moved' | 'success'> = { red: 'removed', amber: 'moved', green: 'success' };
const RAG_ORDER: Record<Rag, number> = { red: 0, amber: 1, green: 2 };

function figureCell(figure: Figure | undefined, kind: FigureKind) {
  const shown = formatFigure(figure, kind);
  return { key: shown.sortValue, content: <span title={shown.reason ?? undefined}>{shown.text}</span> };
}

/** Sort keys are the cells' `key`s: numbers sort as numbers, and "not set" sorts below every value. */
function toRow(project: PortfolioProject, metrics: ProjectMetrics | undefined, metricsLoading: boolean, now: Date): RowType {
  const { issueCounts } = project;
  const health = metrics?.health;
  const forecast = metrics?.schedule.forecast;
  return {
    key: project.key,
    testId: `project-row-${project.key}`,
    cells: [
      { key: project.key, content: <span title={project.name}><strong>{project.key}</strong> {project.name}</span> },
      { key: project.portfolio?.name ?? '', content: project.portfolio?.name ?? <em>No portfolio</em> },
      {
        key: health ? RAG_ORDER[health.rag] : -1,
        content: health ? (
          <span title={health.override ? `Set by hand: ${health.override.comment}` : health.criteria.join('; ') || 'Every threshold is met'} data-testid={`health-${project.key}`}>
            <Lozenge appearance={RAG_APPEARANCE[health.rag]}>{health.rag}</Lozenge>
          </span>
        ) : (
          <span title={metricsLoading ? 'Computing metrics' : 'Metrics could not be computed'}>{metricsLoading ? '…' : '—'}</span>
        ),
      },
      { key: project.lead?.displayName ?? '', content: project.lead?.displayName ?? <em>No lead</em> },
      { key: issueCounts.total, content: issueCounts.total },
      { key: issueCounts.toDo, content: issueCounts.toDo },
      { key: issueCounts.inProgress, content: issueCounts.inProgress },
      { key: issueCounts.done, content: issueCounts.done },
      { key: project.percentDone ?? -1, content: project.percentDone === null ? <em>No issues</em> : `${project.percentDone}%` },
      {
        key: project.overdueCount,
        content: <Lozenge appearance={project.overdueCount > 0 ? 'removed' : 'success'}>{project.overdueCount}</Lozenge>,
      },
      figureCell(metrics?.earnedValue.spi, 'index'),
      figureCell(metrics?.earnedValue.cpi, 'index'),
      figureCell(metrics?.earnedValue.bac, 'money'),
      {
        key: forecast?.p85 ?? '',
        content: <span title={forecast?.reason ?? (forecast ? `P50 ${forecast.p50}` : undefined)}>{forecast ? (forecast.p85 ?? '—') : metricsLoading ? '…' : '—'}</span>,
      },
      {
        key: project.lastUpdated ?? '',
        content: project.lastUpdated ? (
          <time dateTime={project.lastUpdated} title={project.lastUpdated}>
            {formatDistanceStrict(new Date(project.lastUpdated), now, { addSuffix: true })}
          </time>
        ) : (
          <em>Never</em>
        ),
      },
    ],
  };
}

export interface PortfolioTableProps {
  projects: PortfolioProject[];
  metricsByKey: Map<string, ProjectMetrics>;
  metricsLoading: boolean;
  isLoading: boolean;
  now: Date;
}

export function PortfolioTable({ projects, metricsByKey, metricsLoading, isLoading, now }: PortfolioTableProps) {
  return (
    <DynamicTable
      testId="portfolio-table"
      label="Projects in the portfolio"
      head={head}
      rows={projects.map((project) => toRow(project, metricsByKey.get(project.key), metricsLoading, now))}
      defaultSortKey="project"
      defaultSortOrder="ASC"
      isLoading={isLoading}
      emptyView={
        <EmptyState
          testId="portfolio-empty"
          header="No projects to show"
          description="You cannot browse any Jira project in this portfolio yet. Ask a Jira administrator for access, or choose another portfolio."
        />
      }
    />
  );
}
