/**
 * The portfolio table's columns: what each shows, how it sorts, and what it exports. The same `text` is
 * shown in the cell and written to the CSV, so the export is exactly what the page shows.
 */
import type { ReactNode } from 'react';
import Lozenge from '@atlaskit/lozenge';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import type { Health, PortfolioPageRow, SnapshotStatus } from '@pmo/contract';
import type { DefinedFigure } from '../../shared/definitions';
import { formatAgo, formatChange, formatDateTime, formatDay, formatNumber, formatIndex, type FigureKind } from '../../shared/format';
import { HEALTH_ORDER, HealthLozenge, healthReason } from '../../shared/ui';

export const NOT_SYNCED = 'Not synced yet';

export interface CellValue {
  /** What the cell says, and what the CSV holds. */
  text: string;
  /** Sort key: missing values sort after every value, whichever the direction. */
  sort: number | string | null;
  /** A richer rendering of the same text (lozenges, two lines). */
  render?: ReactNode;
}

export interface PortfolioColumn {
  id: ColumnId;
  label: string;
  definition: DefinedFigure;
  numeric: boolean;
  /** Shown when the viewer has not chosen columns. */
  byDefault: boolean;
  value: (row: PortfolioPageRow, context: CellContext) => CellValue;
}

export interface CellContext {
  now: Date;
  currency: string | null;
}

export const COLUMN_IDS = [
  'project',
  'portfolio',
  'lead',
  'health',
  'percentDone',
  'spi',
  'cpi',
  'bac',
  'ac',
  'cv',
  'eac',
  'forecast',
  'overdue',
  'compliance',
  'milestonesAtRisk',
  'lastWeek',
  'lastUpdated',
  'lastSynced',
] as const;
export type ColumnId = (typeof COLUMN_IDS)[number];

const missing = (text: string): CellValue => ({ text, sort: null });
const notSynced = (): CellValue => ({ text: NOT_SYNCED, sort: null, render: <em>{NOT_SYNCED}</em> });

function figureValue(value: number | null, reason: string | undefined, kind: FigureKind, currency: string | null): CellValue {
  if (value === null) return { text: '—', sort: null, render: <span title={reason}>—</span> };
  return { text: formatNumber(value, kind, currency), sort: value };
}

/** The Stale badge's words: since when, why the latest sync failed, and how old the figures are. */
export function staleTitle(status: SnapshotStatus): string {
  if (!status.stale) return '';
  const reason = status.stale.reason.trim();
  const parts = [`Stale since ${formatDateTime(status.stale.since)}.`, `The latest sync failed: ${/[.!?]$/.test(reason) ? reason : `${reason}.`}`];
  parts.push(status.computedAt ? `The figures shown were computed ${formatDateTime(status.computedAt)}.` : 'No figures have been computed yet.');
  return parts.join(' ');
}

function healthText(health: Health, reason: string): string {
  return `${health}: ${reason}`;
}

export const COLUMNS: PortfolioColumn[] = [
  {
    id: 'project',
    label: 'Project',
    definition: 'portfolio',
    numeric: false,
    byDefault: true,
    value: ({ project }) => ({ text: `${project.key} ${project.name}`, sort: project.key }),
  },
  {
    id: 'portfolio',
    label: 'Portfolio',
    definition: 'portfolio',
    numeric: false,
    byDefault: false,
    value: ({ project }) => (project.portfolio ? { text: project.portfolio.name, sort: project.portfolio.name } : missing('No portfolio')),
  },
  {
    id: 'lead',
    label: 'Lead',
    definition: 'lead',
    numeric: false,
    byDefault: true,
    value: ({ project }) => (project.lead ? { text: project.lead.displayName, sort: project.lead.displayName } : missing('No lead')),
  },
  {
    id: 'health',
    label: 'Health',
    definition: 'health',
    numeric: false,
    byDefault: true,
    value: ({ project, metrics }) => {
      if (!metrics) return notSynced();
      const reason = healthReason(metrics.health);
      return {
        text: healthText(metrics.health.rag, reason),
        sort: HEALTH_ORDER[metrics.health.rag],
        render: (
          <Stack space="space.025">
            <HealthLozenge health={metrics.health.rag} testId={`health-${project.key}`} />
            <Text size="small" color="color.text.subtle" testId={`health-reason-${project.key}`}>
              {reason}
            </Text>
          </Stack>
        ),
      };
    },
  },
  {
    id: 'percentDone',
    label: '% done',
    definition: 'percentDone',
    numeric: true,
    byDefault: true,
    value: ({ project, metrics }) =>
      !metrics ? notSynced() : project.percentDone === null ? missing('No issues') : { text: formatNumber(project.percentDone / 100, 'percent'), sort: project.percentDone },
  },
  {
    id: 'spi',
    label: 'SPI',
    definition: 'spi',
    numeric: true,
    byDefault: true,
    value: ({ metrics }, { currency }) => (metrics ? figureValue(metrics.earnedValue.spi.value, metrics.earnedValue.spi.reason, 'index', currency) : notSynced()),
  },
  {
    id: 'cpi',
    label: 'CPI',
    definition: 'cpi',
    numeric: true,
    byDefault: true,
    value: ({ metrics }, { currency }) => (metrics ? figureValue(metrics.earnedValue.cpi.value, metrics.earnedValue.cpi.reason, 'index', currency) : notSynced()),
  },
  {
    id: 'bac',
    label: 'BAC',
    definition: 'bac',
    numeric: true,
    byDefault: true,
    value: ({ metrics }, { currency }) => (metrics ? figureValue(metrics.earnedValue.bac.value, metrics.earnedValue.bac.reason, 'money', currency) : notSynced()),
  },
  {
    id: 'ac',
    label: 'AC',
    definition: 'ac',
    numeric: true,
    byDefault: true,
    value: ({ metrics }, { currency }) => (metrics ? figureValue(metrics.earnedValue.ac.value, metrics.earnedValue.ac.reason, 'money', currency) : notSynced()),
  },
  {
    id: 'cv',
    label: 'CV',
    definition: 'cv',
    numeric: true,
    byDefault: true,
    value: ({ metrics }, { currency }) => (metrics ? figureValue(metrics.earnedValue.cv.value, metrics.earnedValue.cv.reason, 'money', currency) : notSynced()),
  },
  {
    id: 'eac',
    label: 'EAC',
    definition: 'eac',
    numeric: true,
    byDefault: true,
    value: ({ metrics }, { currency }) => (metrics ? figureValue(metrics.earnedValue.eac.byCpi.value, metrics.earnedValue.eac.byCpi.reason, 'money', currency) : notSynced()),
  },
  {
    id: 'forecast',
    label: 'Forecast P85 / target',
    definition: 'forecastP85',
    numeric: false,
    byDefault: true,
    value: ({ metrics }) => {
      if (!metrics) return notSynced();
      const { forecast, target } = metrics.schedule;
      const targetText = target ? `target ${formatDay(target.day)} (${target.source})` : 'no target date';
      if (!forecast?.p85) return { text: `no forecast: ${forecast?.reason ?? 'not computed'}; ${targetText}`, sort: null };
      const late = target !== null && forecast.p85 > target.day;
      return {
        text: `${formatDay(forecast.p85)}; ${targetText}${target ? (late ? ', late' : ', in time') : ''}`,
        sort: forecast.p85,
        render: (
          <Stack space="space.025">
            {/* Wraps in a narrow column: a lozenge cut to "l…" would say nothing. */}
            <Inline space="space.050" alignBlock="center" shouldWrap>
              <Text>{formatDay(forecast.p85)}</Text>
              {target ? <Lozenge appearance={late ? 'removed' : 'success'}>{late ? 'late' : 'in time'}</Lozenge> : null}
            </Inline>
            <Text size="small" color="color.text.subtle">
              {targetText}
            </Text>
          </Stack>
        ),
      };
    },
  },
  {
    id: 'overdue',
    label: 'Overdue',
    definition: 'overdue',
    numeric: true,
    byDefault: true,
    value: ({ project, metrics }) => (metrics ? { text: formatNumber(project.overdueCount, 'count'), sort: project.overdueCount } : notSynced()),
  },
  {
    id: 'compliance',
    label: 'Compliance',
    definition: 'compliance',
    numeric: true,
    byDefault: true,
    value: ({ project, metrics }) => {
      if (!metrics) return notSynced();
      const compliance = metrics.compliance ?? null;
      if (compliance === null) return { text: 'no rules', sort: null, render: <span title="No compliance rules run for this project">—</span> };
      const { score } = compliance;
      if (score.value === null) return { text: '—', sort: null, render: <span title={score.reason}>—</span> };
      const failed = compliance.applicableChecks - compliance.passedChecks;
      return {
        text: formatNumber(score.value, 'percent'),
        sort: score.value,
        render: (
          <span data-testid={`compliance-${project.key}`} title={`${failed} of ${compliance.applicableChecks} checks failed (${compliance.violationCount} violations)`}>
            {formatNumber(score.value, 'percent')}
          </span>
        ),
      };
    },
  },
  {
    id: 'milestonesAtRisk',
    label: 'Milestones at risk',
    definition: 'milestonesAtRisk',
    numeric: true,
    byDefault: true,
    value: ({ metrics }) => (metrics ? { text: formatNumber(metrics.schedule.milestonesAtRisk, 'count'), sort: metrics.schedule.milestonesAtRisk } : notSynced()),
  },
  {
    id: 'lastWeek',
    label: 'Since last week',
    definition: 'lastWeek',
    numeric: false,
    byDefault: true,
    value: ({ metrics, lastWeek }) => {
      if (!metrics || !lastWeek) return metrics ? missing('—') : notSynced();
      const then = lastWeek.figures;
      const health = then.rag === metrics.health.rag ? `health ${metrics.health.rag} (unchanged)` : `health ${then.rag} → ${metrics.health.rag}`;
      const index = (label: string, now: number | null, before: number | null) =>
        `${label} ${before === null ? '—' : formatIndex(before)} → ${now === null ? '—' : formatIndex(now)}${now !== null && before !== null ? ` (${formatChange(now, before, 'index')})` : ''}`;
      const spi = index('SPI', metrics.earnedValue.spi.value, then.spi);
      const cpi = index('CPI', metrics.earnedValue.cpi.value, then.cpi);
      const changed = then.rag !== metrics.health.rag;
      return {
        text: `${health}; ${spi}; ${cpi}${lastWeek.reconstructed ? ' (a week ago reconstructed)' : ''}`,
        // Worse health first when sorting ascending: the change in health order.
        sort: HEALTH_ORDER[metrics.health.rag] - HEALTH_ORDER[then.rag],
        render: (
          <Stack space="space.025">
            {changed ? (
              <Inline space="space.050" alignBlock="center">
                <HealthLozenge health={then.rag} />
                <Text>→</Text>
                <HealthLozenge health={metrics.health.rag} />
              </Inline>
            ) : (
              <Text size="small">health unchanged</Text>
            )}
            <Text size="small" color="color.text.subtle">
              {spi}
            </Text>
            <Text size="small" color="color.text.subtle">
              {cpi}
            </Text>
          </Stack>
        ),
      };
    },
  },
  {
    id: 'lastUpdated',
    label: 'Last updated',
    definition: 'lastUpdated',
    numeric: false,
    byDefault: false,
    value: ({ project, metrics }, { now }) =>
      !metrics ? notSynced() : project.lastUpdated ? { text: formatAgo(project.lastUpdated, now), sort: project.lastUpdated, render: <time dateTime={project.lastUpdated} title={formatDateTime(project.lastUpdated)}>{formatAgo(project.lastUpdated, now)}</time> } : missing('Never'),
  },
  {
    id: 'lastSynced',
    label: 'Last synced',
    definition: 'lastSynced',
    numeric: false,
    byDefault: true,
    value: ({ project, status }, { now }) => {
      const stale = status.stale ? `; stale: ${staleTitle(status)}` : '';
      const when = status.computedAt ? formatAgo(status.computedAt, now) : NOT_SYNCED;
      return {
        text: `${when}${stale}`,
        sort: status.computedAt,
        render: (
          <Inline space="space.050" alignBlock="center" shouldWrap>
            {status.computedAt ? (
              <time dateTime={status.computedAt} title={`Figures computed ${formatDateTime(status.computedAt)}`}>
                {when}
              </time>
            ) : (
              <em>{NOT_SYNCED}</em>
            )}
            {status.stale ? (
              <span title={staleTitle(status)} data-testid={`stale-${project.key}`} aria-label={`Stale: ${staleTitle(status)}`}>
                <Lozenge appearance="moved">Stale</Lozenge>
              </span>
            ) : null}
          </Inline>
        ),
      };
    },
  },
];

export const DEFAULT_COLUMNS: ColumnId[] = COLUMNS.filter((column) => column.byDefault).map((column) => column.id);
