/**
 * The PMO's budget file: one row per item, header `issue key, planned budget, actual cost`. Read and
 * checked whole before anything is written: every bad row is named by its line and what is wrong.
 * An empty cell leaves that field as it is; the word `clear` empties it.
 */
import { MAX_BUDGET_AMOUNT, type BudgetField } from '../shared/contract';

/** Rows a file may hold: one import stays inside a resolver's time. */
export const MAX_BUDGET_ROWS = 5_000;
export const CLEAR_WORD = 'clear';

/** A field's change in a row: a new amount, null to clear it; absent leaves it unchanged. */
export type BudgetCellChange = number | null;

export interface BudgetRow {
  line: number;
  issueKey: string;
  changes: Partial<Record<BudgetField, BudgetCellChange>>;
}

export interface BudgetRowProblem {
  /** The line in the file (1 is the header); 0 for the file as a whole. */
  line: number;
  issueKey: string | null;
  message: string;
}

export type BudgetFileResult = { ok: true; rows: BudgetRow[] } | { ok: false; problems: BudgetRowProblem[] };

const ISSUE_KEY = /^[A-Z][A-Z0-9_]{0,254}-[1-9][0-9]{0,17}$/;
const AMOUNT = /^\d+(\.\d{1,2})?$/;
const HEADERS: Record<string, 'issueKey' | BudgetField> = { 'issue key': 'issueKey', 'planned budget': 'plannedBudget', 'actual cost': 'actualCost' };

/** RFC 4180 records with their starting line; quoted fields may hold commas, quotes and line breaks. */
export function csvRecords(text: string): { line: number; cells: string[] }[] | { error: string; line: number } {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const endRecord = () => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0].trim() === '')) records.push({ line: recordLine, cells });
    cells = [];
    cell = '';
  };
  while (i < source.length) {
    const ch = source[i];
    if (quoted) {
      if (ch === '"') {
        if (source[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (ch === '\n') line += 1;
        cell += ch;
      }
      i += 1;
      continue;
    }
    if (ch === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && source[i + 1] === '\n') i += 1;
      endRecord();
      line += 1;
      recordLine = line;
    } else cell += ch;
    i += 1;
  }
  if (quoted) return { error: 'a quoted field is not closed', line: recordLine };
  if (cell !== '' || cells.length > 0) endRecord();
  return records;
}

function amountOf(raw: string): { value: BudgetCellChange | undefined } | { error: string } {
  const text = raw.trim();
  if (text === '') return { value: undefined };
  if (text.toLowerCase() === CLEAR_WORD) return { value: null };
  if (text.startsWith('-')) return { error: 'cannot be negative' };
  if (!/^\d+(\.\d+)?$/.test(text)) return { error: `"${text}" is not an amount (digits with at most 2 decimals, no currency or thousands separators; "${CLEAR_WORD}" empties the field)` };
  if (!AMOUNT.test(text)) return { error: `"${text}" has more than 2 decimals` };
  const value = Number(text);
  if (!Number.isFinite(value)) return { error: 'must be a finite number' };
  if (value > MAX_BUDGET_AMOUNT) return { error: `cannot be more than ${MAX_BUDGET_AMOUNT.toLocaleString('en-US')}` };
  return { value };
}

const FIELD_LABEL: Record<BudgetField, string> = { plannedBudget: 'planned budget', actualCost: 'actual cost' };

/** Reads and checks the whole file; the rows only when every one is right. */
export function parseBudgetCsv(text: string): BudgetFileResult {
  const parsed = csvRecords(text);
  if (!Array.isArray(parsed)) return { ok: false, problems: [{ line: parsed.line, issueKey: null, message: `The file is not valid CSV: ${parsed.error}.` }] };
  if (parsed.length === 0) return { ok: false, problems: [{ line: 0, issueKey: null, message: 'The file is empty: it needs the header "issue key, planned budget, actual cost".' }] };
  const [header, ...body] = parsed;
  const columns = header.cells.map((cell) => HEADERS[cell.trim().toLowerCase().replace(/\s+/g, ' ')]);
  const missing = Object.keys(HEADERS).filter((name) => !columns.includes(HEADERS[name]));
  const unknown = header.cells.filter((_cell, index) => columns[index] === undefined).map((cell) => `"${cell.trim()}"`);
  const repeated = columns.filter((column, index) => column !== undefined && columns.indexOf(column) !== index);
  if (missing.length > 0 || unknown.length > 0 || repeated.length > 0) {
    const parts = [
      missing.length > 0 ? `missing ${missing.map((name) => `"${name}"`).join(', ')}` : null,
      unknown.length > 0 ? `unknown ${unknown.join(', ')}` : null,
      repeated.length > 0 ? 'a column appears twice' : null,
    ].filter((part): part is string => part !== null);
    return { ok: false, problems: [{ line: header.line, issueKey: null, message: `The header must be "issue key, planned budget, actual cost": ${parts.join('; ')}.` }] };
  }
  if (body.length === 0) return { ok: false, problems: [{ line: 0, issueKey: null, message: 'The file has a header but no rows.' }] };
  if (body.length > MAX_BUDGET_ROWS)
    return { ok: false, problems: [{ line: 0, issueKey: null, message: `The file has ${body.length.toLocaleString('en-US')} rows: at most ${MAX_BUDGET_ROWS.toLocaleString('en-US')} are taken at once.` }] };
  const problems: BudgetRowProblem[] = [];
  const rows: BudgetRow[] = [];
  const firstLine = new Map<string, number>();
  for (const record of body) {
    const cellOf = (column: 'issueKey' | BudgetField) => record.cells[columns.indexOf(column)] ?? '';
    const issueKey = cellOf('issueKey').trim().toUpperCase();
    const wrong: string[] = [];
    if (record.cells.length !== columns.length) wrong.push(`has ${record.cells.length} cells, the header has ${columns.length}`);
    if (issueKey === '') wrong.push('has no issue key');
    else if (!ISSUE_KEY.test(issueKey)) wrong.push(`"${issueKey}" is not an issue key (like PROJ-123)`);
    else if (firstLine.has(issueKey)) wrong.push(`${issueKey} is also on line ${firstLine.get(issueKey)}: an item appears once`);
    else firstLine.set(issueKey, record.line);
    const changes: BudgetRow['changes'] = {};
    for (const field of ['plannedBudget', 'actualCost'] as const) {
      const amount = amountOf(cellOf(field));
      if ('error' in amount) wrong.push(`${FIELD_LABEL[field]} ${amount.error}`);
      else if (amount.value !== undefined) changes[field] = amount.value;
    }
    if (wrong.length > 0) problems.push({ line: record.line, issueKey: issueKey === '' ? null : issueKey, message: `Line ${record.line}: ${wrong.join('; ')}.` });
    else rows.push({ line: record.line, issueKey, changes });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, rows };
}
