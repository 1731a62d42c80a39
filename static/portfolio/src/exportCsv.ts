/**
 * The CSV export: exactly the rows and columns the table shows, in its order (each portfolio's rows, its
 * totals, then the overall totals), each cell the text the table shows.
 */
import type { PortfolioMetrics, PortfolioPageRow } from '@pmo/contract';
import { COLUMNS, type CellContext, type ColumnId } from './columns';
import { NO_PORTFOLIO, shownGroups, totalsCells, type SortOrder } from './PortfolioTable';

/** RFC 4180: every field quoted, quotes doubled, CRLF between records. */
function csvOf(records: string[][]): string {
  return records.map((record) => record.map((field) => `"${field.replace(/"/g, '""')}"`).join(',')).join('\r\n') + '\r\n';
}

export function portfolioCsv(rows: PortfolioPageRow[], chosen: ColumnId[], order: SortOrder, portfolios: PortfolioMetrics[], total: PortfolioMetrics, context: CellContext): string {
  const columns = COLUMNS.filter((column) => column.id === 'project' || chosen.includes(column.id));
  const records: string[][] = [columns.map((column) => column.label)];
  const totalsRecord = (label: string, totals: PortfolioMetrics) => {
    const cells = totalsCells(totals, context.currency);
    return columns.map((column, index) => (index === 0 ? label : (cells[column.id]?.text ?? '')));
  };
  for (const group of shownGroups(rows, order, context)) {
    for (const row of group.rows) records.push(columns.map((column) => column.value(row, context).text));
    const totals = portfolios.find((portfolio) => portfolio.name === group.name);
    if (totals) records.push(totalsRecord(`${group.name ?? NO_PORTFOLIO}: ${group.rows.length} ${group.rows.length === 1 ? 'project' : 'projects'}`, totals));
  }
  records.push(totalsRecord(`All: ${rows.length} ${rows.length === 1 ? 'project' : 'projects'}`, total));
  return csvOf(records);
}

/** Saves the text as a file through the browser (the Custom UI sandbox allows downloads). */
export function download(text: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
