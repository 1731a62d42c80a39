/**
 * The portfolio table: one row per project, grouped by portfolio with each portfolio's totals and the
 * overall total, the columns the viewer chose, sortable by any column (by keyboard too), with a header
 * that stays in view while scrolling.
 */
import type { CSSProperties, ReactNode } from 'react';
import Lozenge from '@atlaskit/lozenge';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import { token } from '@atlaskit/tokens';
import type { Figure, PortfolioMetrics, PortfolioPageRow } from '@pmo/contract';
import { Defined } from '../../shared/ui';
import { formatNumber, type FigureKind } from '../../shared/format';
import { COLUMNS, type CellContext, type CellValue, type ColumnId, type PortfolioColumn } from './columns';

export interface SortOrder {
  column: ColumnId;
  direction: 'ascending' | 'descending';
}

export const NO_PORTFOLIO = 'No portfolio';

const cell = (numeric: boolean): CSSProperties => ({
  padding: `${token('space.075')} ${token('space.100')}`,
  borderBottom: `1px solid ${token('color.border')}`,
  textAlign: numeric ? 'right' : 'left',
  verticalAlign: 'top',
  fontVariantNumeric: 'tabular-nums',
  whiteSpace: numeric ? 'nowrap' : 'normal',
});

const headCell = (numeric: boolean): CSSProperties => ({
  ...cell(numeric),
  position: 'sticky',
  top: 0,
  zIndex: 1,
  background: token('elevation.surface'),
  borderBottom: `2px solid ${token('color.border.bold')}`,
  color: token('color.text.subtle'),
  fontWeight: 600,
});

/** Missing values last whichever the direction; then by the value; ties by project key. */
export function sortRows(rows: PortfolioPageRow[], order: SortOrder, context: CellContext): PortfolioPageRow[] {
  const column = COLUMNS.find((candidate) => candidate.id === order.column) ?? COLUMNS[0];
  const sign = order.direction === 'ascending' ? 1 : -1;
  const keyed = rows.map((row) => ({ row, sort: column.value(row, context).sort }));
  keyed.sort((a, b) => {
    if (a.sort === null || b.sort === null) return a.sort === b.sort ? a.row.project.key.localeCompare(b.row.project.key) : a.sort === null ? 1 : -1;
    const compared = typeof a.sort === 'number' && typeof b.sort === 'number' ? a.sort - b.sort : String(a.sort).localeCompare(String(b.sort));
    return compared * sign || a.row.project.key.localeCompare(b.row.project.key);
  });
  return keyed.map((entry) => entry.row);
}

/** A total's figure as text, or a dash with the reason for a tooltip. */
function totalText(figure: Figure, kind: FigureKind, currency: string | null): { text: string; reason?: string } {
  return figure.value === null ? { text: '—', reason: figure.reason } : { text: formatNumber(figure.value, kind, currency) };
}

/** What a totals row shows in each column: sums and indices from the sums, health counts. */
export function totalsCells(totals: PortfolioMetrics, currency: string | null): Partial<Record<ColumnId, { text: string; reason?: string }>> {
  const { byHealth } = totals;
  const health = `${byHealth.red} red, ${byHealth.amber} amber, ${byHealth['not set up']} not set up, ${byHealth.green} green`;
  return {
    health: { text: health },
    spi: totalText(totals.spi, 'index', currency),
    cpi: totalText(totals.cpi, 'index', currency),
    bac: totalText(totals.bac, 'money', currency),
    ac: totalText(totals.ac, 'money', currency),
    cv: totalText(totals.cv, 'money', currency),
    eac: totalText(totals.eac, 'money', currency),
  };
}

function TotalsRow({ label, totals, columns, currency, testId }: { label: string; totals: PortfolioMetrics; columns: PortfolioColumn[]; currency: string | null; testId: string }) {
  const cells = totalsCells(totals, currency);
  const left = totals.leftOutOfSums.length;
  return (
    <tr data-testid={testId} style={{ background: token('color.background.neutral.subtle') }}>
      {columns.map((column, index) => {
        const value = cells[column.id];
        return (
          <td key={column.id} style={{ ...cell(column.numeric), fontWeight: 600 }} data-column={column.id}>
            {index === 0 ? (
              <Stack space="space.025">
                <Text weight="bold">{label}</Text>
                {left > 0 ? (
                  <Text size="small" color="color.text.subtle">
                    <span title={totals.leftOutOfSums.map((entry) => `${entry.projectKey}: ${entry.reason}`).join('; ')}>
                      {left} {left === 1 ? 'project' : 'projects'} left out of the sums
                    </span>
                  </Text>
                ) : null}
              </Stack>
            ) : value ? (
              <span title={value.reason}>{value.text}</span>
            ) : null}
          </td>
        );
      })}
    </tr>
  );
}

function SortHeader({ column, order, onSort }: { column: PortfolioColumn; order: SortOrder; onSort: (order: SortOrder) => void }) {
  const active = order.column === column.id;
  const next: SortOrder = { column: column.id, direction: active && order.direction === 'ascending' ? 'descending' : 'ascending' };
  return (
    <th scope="col" style={headCell(column.numeric)} aria-sort={active ? order.direction : 'none'} data-testid={`column-${column.id}`} data-label={column.label}>
      <Inline space="space.050" alignBlock="center" alignInline={column.numeric ? 'end' : 'start'}>
        <Defined figure={column.definition}>{column.label}</Defined>
        <button
          type="button"
          onClick={() => onSort(next)}
          data-testid={`sort-${column.id}`}
          aria-label={`Sort by ${column.label}, ${next.direction}`}
          style={{ border: 'none', background: 'none', cursor: 'pointer', color: active ? token('color.text.selected') : token('color.text.subtlest'), padding: 0, font: 'inherit' }}
        >
          {active ? (order.direction === 'ascending' ? '▲' : '▼') : '↕'}
        </button>
      </Inline>
    </th>
  );
}

export interface PortfolioTableProps {
  rows: PortfolioPageRow[];
  columns: ColumnId[];
  order: SortOrder;
  onSort: (order: SortOrder) => void;
  portfolios: PortfolioMetrics[];
  total: PortfolioMetrics;
  context: CellContext;
  onOpen: (projectKey: string) => void;
  isLoading: boolean;
}

/** The rows as the table shows them: grouped by portfolio (as the page answers them), sorted within. */
export function shownGroups(rows: PortfolioPageRow[], order: SortOrder, context: CellContext): { name: string | null; rows: PortfolioPageRow[] }[] {
  const names = [...new Set(rows.map((row) => row.project.portfolio?.name ?? null))].sort((a, b) => (a === null ? 1 : b === null ? -1 : a.localeCompare(b)));
  return names.map((name) => ({ name, rows: sortRows(rows.filter((row) => (row.project.portfolio?.name ?? null) === name), order, context) }));
}

function ProjectCell({ row, onOpen }: { row: PortfolioPageRow; onOpen: (key: string) => void }) {
  const { project } = row;
  return (
    <button
      type="button"
      onClick={() => onOpen(project.key)}
      data-testid={`open-project-${project.key}`}
      title={`Open the health view of ${project.name}`}
      style={{ border: 'none', background: 'none', padding: 0, cursor: 'pointer', textAlign: 'left', color: token('color.link'), font: 'inherit' }}
    >
      <strong>{project.key}</strong> {project.name}
    </button>
  );
}

function Row({ row, columns, context, onOpen }: { row: PortfolioPageRow; columns: PortfolioColumn[]; context: CellContext; onOpen: (key: string) => void }) {
  return (
    <tr data-testid={`project-row-${row.project.key}`}>
      {columns.map((column) => {
        const value: CellValue = column.value(row, context);
        const content: ReactNode = column.id === 'project' ? <ProjectCell row={row} onOpen={onOpen} /> : (value.render ?? value.text);
        return (
          <td key={column.id} style={cell(column.numeric)} data-column={column.id} data-text={value.text}>
            {content}
          </td>
        );
      })}
    </tr>
  );
}

export function PortfolioTable({ rows, columns: chosen, order, onSort, portfolios, total, context, onOpen, isLoading }: PortfolioTableProps) {
  const columns = COLUMNS.filter((column) => column.id === 'project' || chosen.includes(column.id));
  const groups = shownGroups(rows, order, context);
  const totalsOf = (name: string | null) => portfolios.find((portfolio) => portfolio.name === name);
  return (
    <div style={{ maxHeight: '75vh', overflow: 'auto', opacity: isLoading ? 0.6 : 1 }} data-testid="portfolio-table" aria-busy={isLoading}>
      <table style={{ borderCollapse: 'separate', borderSpacing: 0, width: '100%', color: token('color.text') }}>
        <caption style={{ position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)' }}>Projects of the portfolio, grouped by portfolio, with totals</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <SortHeader key={column.id} column={column} order={order} onSort={onSort} />
            ))}
          </tr>
        </thead>
        {groups.map((group) => {
          const totals = totalsOf(group.name);
          return (
            <tbody key={group.name ?? ''} data-testid={`group-${group.name ?? NO_PORTFOLIO}`}>
              {group.rows.map((row) => (
                <Row key={row.project.key} row={row} columns={columns} context={context} onOpen={onOpen} />
              ))}
              {totals ? <TotalsRow label={`${group.name ?? NO_PORTFOLIO}: ${group.rows.length} ${group.rows.length === 1 ? 'project' : 'projects'}`} totals={totals} columns={columns} currency={context.currency} testId={`totals-${group.name ?? NO_PORTFOLIO}`} /> : null}
            </tbody>
          );
        })}
        <tfoot>
          <TotalsRow label={`All: ${rows.length} ${rows.length === 1 ? 'project' : 'projects'}`} totals={total} columns={columns} currency={context.currency} testId="totals-all" />
        </tfoot>
      </table>
      {rows.length === 0 ? (
        <Text as="p" testId="no-matching-projects">
          No project matches the filters. <Lozenge>Clear a filter</Lozenge> to see more.
        </Text>
      ) : null}
    </div>
  );
}
