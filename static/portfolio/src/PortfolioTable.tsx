import DynamicTable from '@atlaskit/dynamic-table';
import type { HeadType, RowType } from '@atlaskit/dynamic-table/types';
import Lozenge from '@atlaskit/lozenge';
import { formatDistanceStrict } from 'date-fns';
import type { Figure, PortfolioPageRow, Rag, SnapshotStatus } from '@pmo/contract';
import { formatAgo, formatDateTime, formatFigure, type FigureKind } from '../../shared/format';

const head: HeadType = {
  cells: [
    { key: 'project', content: 'Project', isSortable: true, width: 14 },
    { key: 'portfolio', content: 'Portfolio', isSortable: true, width: 8 },
    { key: 'health', content: 'Health', isSortable: true, width: 7 },
    { key: 'lead', content: 'Lead', isSortable: true, width: 7 },
    { key: 'total', content: 'Issues', isSortable: true, width: 5 },
    { key: 'toDo', content: 'To do', isSortable: true, width: 5 },
    { key: 'inProgress', content: 'In progress', isSortable: true, width: 6 },
    { key: 'done', content: 'Done', isSortable: true, width: 5 },
    { key: 'percentDone', content: '% done', isSortable: true, width: 5 },
    { key: 'overdue', content: 'Overdue', isSortable: true, width: 6 },
    { key: 'spi', content: 'SPI', isSortable: true, width: 4 },
    { key: 'cpi', content: 'CPI', isSortable: true, width: 4 },
    { key: 'bac', content: 'BAC', isSortable: true, width: 6 },
    { key: 'forecast', content: 'Forecast P85', isSortable: true, width: 7 },
    { key: 'lastUpdated', content: 'Last updated', isSortable: true, width: 7 },
    { key: 'computedAt', content: 'Figures as of', isSortable: true, width: 8 },
  ],
};

const RAG_APPEARANCE: Record<Rag, 'removed' | 'moved' | 'success'> = { red: 'removed', amber: 'moved', green: 'success' };
const RAG_ORDER: Record<Rag, number> = { red: 0, amber: 1, green: 2 };

export const NOT_SYNCED = 'Not synced yet';
const notSynced = () => ({
  key: Number.NEGATIVE_INFINITY,
  content: (
<em title="The figures appear once this project's first sync has finished.">{NOT_SYNCED}</em>
  ),
});

const notKnown = () => ({ key: Number.NEGATIVE_INFINITY, content: <span title={NOT_SYNCED}>—</span> });

function figureCell(figure: Figure, kind: FigureKind) {
  const shown = formatFigure(figure, kind);
  return { key: shown.sortValue, content: <span title={shown.reason ?? undefined}>{shown.text}</span> };
}

/** The title of a Stale lozenge: since when, why the latest sync failed, and how old the figures are. */
export function staleTitle(status: SnapshotStatus): string {
  if (!status.stale) return '';
  const reason = status.stale.reason.trim();
  const parts = [`Stale since ${formatDateTime(status.stale.since)}.`, `The latest sync failed: ${/[.!?]$/.test(reason) ? reason : `${reason}.`}`];
  parts.push(status.computedAt ? `The figures shown were computed ${formatDateTime(status.computedAt)}.` : 'No figures have been computed yet.');
  return parts.join(' ');
}

function freshnessCell(key: string, status: SnapshotStatus, now: Date) {
  const title = [
    status.computedAt ? `Figures computed ${formatDateTime(status.computedAt)}` : null,
    status.syncedAt ? `Jira last read in full ${formatDateTime(status.syncedAt)}` : null,
  ]
    .filter(Boolean)
    .join('; ');
  return {
    key: status.computedAt ?? '',
    content: (
      <span style={{ display: 'inline-flex', flexWrap: 'wrap', gap: 4, alignItems: 'center' }}>
        {status.computedAt ? (
          <time dateTime={status.computedAt} title={title}>
            {formatAgo(status.computedAt, now)}
          </time>
        ) : (
          <em title="This project's first sync has not finished.">{NOT_SYNCED}</em>
        )}
        {status.stale ? (
          <span title={staleTitle(status)} data-testid={`stale-${key}`} aria-label={`Stale: ${staleTitle(status)}`}>
            <Lozenge appearance="moved">Stale</Lozenge>
          </span>
        ) : null}
      </span>
    ),
  };
}

function lastUpdatedCell(lastUpdated: string | null, now: Date) {
  return {
    key: lastUpdated ?? '',
    content: lastUpdated ? (
      <time dateTime={lastUpdated} title={lastUpdated}>
        {formatDistanceStrict(new Date(lastUpdated), now, { addSuffix: true })}
      </time>
    ) : (
      <em>Never</em>
    ),
  };
}

/** Sort keys are the cells' `key`s: numbers sort as numbers, and "not set" sorts below every value. */
function toRow({ project, metrics, status }: PortfolioPageRow, now: Date): RowType {
  const { issueCounts } = project;
  const health = metrics?.health;
  const forecast = metrics?.schedule.forecast;
  return {
    key: project.key,
    testId: `project-row-${project.key}`,
    cells: [
      { key: project.key, content: <span title={project.name}><strong>{project.key}</strong> {project.name}</span> },
      { key: project.portfolio?.name ?? '', content: project.portfolio?.name ?? <em>No portfolio</em> },
      health
        ? {
            key: RAG_ORDER[health.rag],
            content: (
              <span title={health.override ? `Set by hand: ${health.override.comment}` : health.criteria.join('; ') || 'Every threshold is met'} data-testid={`health-${project.key}`}>
                <Lozenge appearance={RAG_APPEARANCE[health.rag]}>{health.rag}</Lozenge>
              </span>
            ),
          }
        : notSynced(),
      { key: project.lead?.displayName ?? '', content: project.lead?.displayName ?? <em>No lead</em> },
      ...(metrics
        ? [
            { key: issueCounts.total, content: issueCounts.total },
            { key: issueCounts.toDo, content: issueCounts.toDo },
            { key: issueCounts.inProgress, content: issueCounts.inProgress },
            { key: issueCounts.done, content: issueCounts.done },
            { key: project.percentDone ?? -1, content: project.percentDone === null ? <em>No issues</em> : `${project.percentDone}%` },
            {
              key: project.overdueCount,
              content: <Lozenge appearance={project.overdueCount > 0 ? 'removed' : 'success'}>{project.overdueCount}</Lozenge>,
            },
          ]
        : // Before its first sync the project's counts are not known: no made-up zeros.
          Array.from({ length: 6 }, notKnown)),
      metrics ? figureCell(metrics.earnedValue.spi, 'index') : notSynced(),
      metrics ? figureCell(metrics.earnedValue.cpi, 'index') : notSynced(),
      metrics ? figureCell(metrics.earnedValue.bac, 'money') : notSynced(),
      metrics
        ? {
            key: forecast?.p85 ?? '',
            content: <span title={forecast ? (forecast.reason ?? (forecast.p50 ? `P50 ${forecast.p50}` : undefined)) : 'No forecast has been computed yet'}>{forecast?.p85 ?? '—'}</span>,
          }
        : notSynced(),
      metrics ? lastUpdatedCell(project.lastUpdated, now) : notKnown(),
      freshnessCell(project.key, status, now),
    ],
  };
}

export interface PortfolioTableProps {
  rows: PortfolioPageRow[];
  isLoading: boolean;
  now: Date;
}

export function PortfolioTable({ rows, isLoading, now }: PortfolioTableProps) {
  return (
    <DynamicTable
      testId="portfolio-table"
      label="Projects in the portfolio"
      head={head}
      rows={rows.map((row) => toRow(row, now))}
      defaultSortKey="project"
      defaultSortOrder="ASC"
      isLoading={isLoading}
      emptyView={<p>No project of this portfolio has been synced. Choose another portfolio.</p>}
    />
  );
}
