/**
 * The JQL fields the simulated Jira knows: which operators each takes, how a written value becomes
 * database values (looked up through prepared statements, names case-insensitively), the SQL that
 * tests them over `issues AS i`, and how each sorts.
 */
import type Database from 'better-sqlite3';
import { JqlError } from './errors';
import type { Operator } from './parser';

export type SqlValue = string | number;

/** A SQL boolean expression, always self-contained (parenthesised when compound), with its parameters. */
export interface Sql {
  sql: string;
  params: SqlValue[];
  /** Set by sqlIn (`expr IN (values)`): sqlOr merges such parts on one expression into one list. */
  inList?: { expr: string; values: SqlValue[] };
}

export const TRUE: Sql = { sql: '1', params: [] };
export const FALSE: Sql = { sql: '0', params: [] };

/**
 * Chains up to this long are written flat (`a OR b OR c`); longer ones are split in halves and
 * parenthesised, so the expression tree SQLite builds grows with the logarithm of the chain's length
 * instead of its length (SQLite refuses trees deeper than 1,000: `Expression tree is too large`).
 */
export const FLAT_CHAIN_MAX = 4;

function sqlChain(parts: Sql[], operator: 'AND' | 'OR'): Sql {
  if (parts.length <= FLAT_CHAIN_MAX) {
    return { sql: `(${parts.map((p) => p.sql).join(` ${operator} `)})`, params: parts.flatMap((p) => p.params) };
  }
  const middle = Math.ceil(parts.length / 2);
  return sqlChain([sqlChain(parts.slice(0, middle), operator), sqlChain(parts.slice(middle), operator)], operator);
}

export function sqlAnd(parts: Sql[]): Sql {
  if (parts.length === 0) return TRUE;
  if (parts.length === 1) return parts[0];
  return sqlChain(parts, 'AND');
}

/**
 * `a OR b`. Parts testing one expression against lists (`i.id IN (1) OR i.id IN (2)`, as
 * `key = A-1 OR key = A-2` compiles) become one list, the way `key in (A-1, A-2)` compiles: the same
 * rows, and SQLite plans one list at once where it plans a long OR chain term by term.
 */
export function sqlOr(parts: Sql[]): Sql {
  if (parts.length === 0) return FALSE;
  if (parts.length === 1) return parts[0];
  const merged = mergeInLists(parts);
  if (merged.length === 1) return merged[0];
  return sqlChain(merged, 'OR');
}

function mergeInLists(parts: Sql[]): Sql[] {
  const lists = new Map<string, { at: number; values: Set<SqlValue>; count: number }>();
  const kept: Sql[] = [];
  for (const part of parts) {
    const list = part.inList;
    if (list) {
      const seen = lists.get(list.expr);
      if (seen) {
        for (const value of list.values) seen.values.add(value);
        seen.count++;
        continue;
      }
      lists.set(list.expr, { at: kept.length, values: new Set(list.values), count: 1 });
    }
    kept.push(part);
  }
  for (const [expr, list] of lists) if (list.count > 1) kept[list.at] = sqlIn(expr, [...list.values]);
  return kept;
}

export function sqlNot(part: Sql): Sql {
  return { sql: `NOT (${part.sql})`, params: part.params };
}

/** `expr IN (?, ...)`; an empty set matches nothing. */
export function sqlIn(expr: string, values: SqlValue[]): Sql {
  if (values.length === 0) return FALSE;
  return { sql: `${expr} IN (${values.map(() => '?').join(', ')})`, params: values, inList: { expr, values } };
}

// ---------------------------------------------------------------------------------------------
// Lookups

interface ProjectRow {
  id: number;
  key: string;
  name: string;
}
interface NamedRow {
  id: number;
  name: string;
}
interface IssueTypeRow extends NamedRow {
  subtask: number;
}
interface VersionRow extends NamedRow {
  project_id: number;
  released: number;
}
interface UserRow {
  account_id: string;
  display_name: string;
  email: string;
}
interface IdRow {
  id: number;
}
interface AccountRow {
  account_id: string;
}

const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();

function fold(text: string): string {
  return text.toLowerCase();
}

/** Reads the reference tables once per compilation, through statements prepared once per database. */
export class Lookup {
  private readonly rows = new Map<string, unknown[]>();

  constructor(private readonly db: Database.Database) {}

  private statement(sql: string): Database.Statement {
    let cache = statements.get(this.db);
    if (!cache) {
      cache = new Map();
      statements.set(this.db, cache);
    }
    let statement = cache.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  }

  private all<R>(sql: string): R[] {
    let rows = this.rows.get(sql);
    if (!rows) {
      rows = this.statement(sql).all();
      this.rows.set(sql, rows);
    }
    return rows as R[];
  }

  projects(): ProjectRow[] {
    return this.all<ProjectRow>('SELECT id, key, name FROM projects ORDER BY id');
  }

  issueTypes(): IssueTypeRow[] {
    return this.all<IssueTypeRow>('SELECT id, name, subtask FROM issue_types ORDER BY id');
  }

  statuses(): NamedRow[] {
    return this.all<NamedRow>('SELECT id, name FROM statuses ORDER BY id');
  }

  priorities(): NamedRow[] {
    return this.all<NamedRow>('SELECT id, name FROM priorities ORDER BY id');
  }

  versions(): VersionRow[] {
    return this.all<VersionRow>('SELECT id, name, project_id, released FROM versions ORDER BY id');
  }

  /** The site's number custom fields, by id (customfield_N) and name. */
  numberCustomFields(): { id: string; name: string }[] {
    return this.all<{ id: string; name: string }>("SELECT id, name FROM custom_fields WHERE type = 'number' ORDER BY id");
  }

  users(): UserRow[] {
    return this.all<UserRow>('SELECT account_id, display_name, email FROM users ORDER BY account_id');
  }

  groupNames(): string[] {
    return this.all<{ name: string }>('SELECT name FROM groups ORDER BY name').map((row) => row.name);
  }

  groupMembers(group: string): string[] {
    const rows = this.statement('SELECT account_id FROM user_groups WHERE group_name = ? ORDER BY account_id').all(group);
    return (rows as AccountRow[]).map((row) => row.account_id);
  }

  issueIdByKey(key: string): number | undefined {
    return (this.statement('SELECT id FROM issues WHERE key = ?').get(key.toUpperCase()) as IdRow | undefined)?.id;
  }

  issueExists(id: number): boolean {
    return this.statement('SELECT id FROM issues WHERE id = ?').get(id) !== undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Values

/** A single written value: numeric when it was an unquoted number (tried as an id first). */
export interface Literal {
  value: string;
  numeric: boolean;
}

/** Marks a written value that means "no value" (resolution = Unresolved). */
export const EMPTY_VALUE = Symbol('empty');

export interface ValueScope {
  lookup: Lookup;
  /** The field name as written, for messages. */
  field: string;
}

function valueMissing(literal: Literal, field: string): JqlError {
  return new JqlError([
    literal.numeric
      ? `A value with ID '${literal.value}' does not exist for the field '${field}'.`
      : `The value '${literal.value}' does not exist for the field '${field}'.`,
  ]);
}

function isDigits(text: string): boolean {
  return /^[0-9]+$/.test(text);
}

/**
 * Jira's name-or-id resolution: an unquoted number is tried as an id first, then as a name;
 * a string as a name (or key) first, then as an id when it is all digits.
 */
function resolveNamed<R extends { id: number }>(
  rows: R[],
  literal: Literal,
  field: string,
  names: (row: R) => string[],
): number[] {
  const byId = () => rows.filter((row) => String(row.id) === String(Number(literal.value))).map((row) => row.id);
  const byName = () =>
    rows.filter((row) => names(row).some((name) => fold(name) === fold(literal.value))).map((row) => row.id);
  let ids = literal.numeric ? byId() : byName();
  if (ids.length === 0) ids = literal.numeric ? byName() : isDigits(literal.value) ? byId() : [];
  if (ids.length === 0) throw valueMissing(literal, field);
  return ids;
}

/** An issue key as Jira accepts it: PROJECT-123, any case. */
export function parseIssueKey(text: string): { projectKey: string; number: number } | null {
  const match = /^([A-Za-z][A-Za-z0-9_]*)-([0-9]+)$/.exec(text);
  if (!match) return null;
  return { projectKey: match[1].toUpperCase(), number: Number(match[2]) };
}

/** Issue ids for key / parent values: keys must be well formed and exist, numbers are ids. */
export function resolveIssue(literal: Literal, scope: ValueScope): number {
  if (literal.numeric || isDigits(literal.value)) {
    const id = Number(literal.value);
    if (!scope.lookup.issueExists(id)) throw valueMissing({ ...literal, numeric: true }, scope.field);
    return id;
  }
  if (!parseIssueKey(literal.value)) {
    throw new JqlError([`The issue key '${literal.value}' for field '${scope.field}' is invalid.`]);
  }
  const id = scope.lookup.issueIdByKey(literal.value);
  if (id === undefined) {
    throw new JqlError([`An issue with key '${literal.value}' does not exist for field '${scope.field}'.`]);
  }
  return id;
}

export function resolveProject(literal: Literal, scope: ValueScope): number[] {
  return resolveNamed(scope.lookup.projects(), literal, scope.field, (row) => [row.key, row.name]);
}

/** Account ids for a user value: an account id, else an email address, else a display name. */
function resolveUser(literal: Literal, scope: ValueScope): string[] {
  const users = scope.lookup.users();
  const exact = users.filter((user) => user.account_id === literal.value);
  if (exact.length > 0) return exact.map((user) => user.account_id);
  const byEmail = users.filter((user) => fold(user.email) === fold(literal.value));
  if (byEmail.length > 0) return byEmail.map((user) => user.account_id);
  const byName = users.filter((user) => fold(user.display_name) === fold(literal.value));
  if (byName.length > 0) return byName.map((user) => user.account_id);
  throw valueMissing(literal, scope.field);
}

/** Jira's fixed status categories: id, key and English name. */
const STATUS_CATEGORIES = [
  { id: 1, key: 'undefined', name: 'No Category' },
  { id: 2, key: 'new', name: 'To Do' },
  { id: 4, key: 'indeterminate', name: 'In Progress' },
  { id: 3, key: 'done', name: 'Done' },
];

function resolveStatusCategory(literal: Literal, scope: ValueScope): string[] {
  const ids = resolveNamed(STATUS_CATEGORIES, literal, scope.field, (row) => [row.key, row.name]);
  return STATUS_CATEGORIES.filter((category) => ids.includes(category.id)).map((category) => category.key);
}

// ---------------------------------------------------------------------------------------------
// Fields

/** Which JQL functions can supply values to a field. */
export type ValueType = 'user' | 'date' | 'issuetype' | 'version' | 'none';

export type SortDirection = 'ASC' | 'DESC';

export interface FieldSort {
  /** The direction Jira uses when ORDER BY names the field without ASC / DESC. */
  defaultDirection: SortDirection;
  terms(direction: SortDirection): string[];
}

interface FieldBase {
  operators: ReadonlySet<Operator>;
  valueType: ValueType;
  sort: FieldSort | null;
}

/** A field compared for (in)equality against a set of resolved values. */
export interface SetField extends FieldBase {
  kind: 'set';
  /** False: EMPTY is refused ("does not support searching for EMPTY values"). */
  emptySupported: boolean;
  resolve(literal: Literal, scope: ValueScope): SqlValue[] | typeof EMPTY_VALUE;
  match(values: SqlValue[]): Sql;
  isEmpty: Sql;
  isNotEmpty: Sql;
}

/** issuekey: equality by issue, ranges by (project, number) or id. */
export interface KeyField extends FieldBase {
  kind: 'key';
}

/** Date-times compare epoch milliseconds; dates compare 'YYYY-MM-DD' text. */
export interface DateField extends FieldBase {
  kind: 'datetime' | 'date';
  column: string;
}

/** A number custom field ("Budget variance" < 0, cf[10102] >= 100): compared as numbers, empty when unset. */
export interface NumberField extends FieldBase {
  kind: 'number';
  column: string;
}

export type FieldDef = SetField | KeyField | DateField | NumberField;

const EQUALITY: ReadonlySet<Operator> = new Set(['=', '!=', 'in', 'not in']);
const EQUALITY_EMPTY: ReadonlySet<Operator> = new Set(['=', '!=', 'in', 'not in', 'is', 'is not']);
const ORDERED: ReadonlySet<Operator> = new Set(['=', '!=', 'in', 'not in', '<', '<=', '>', '>=']);
const ORDERED_EMPTY: ReadonlySet<Operator> = new Set([...ORDERED, 'is', 'is not']);
const NONE: ReadonlySet<Operator> = new Set();

/** Null sorts as the largest value: last going up, first going down. */
function nullsLast(direction: SortDirection): string {
  return direction === 'ASC' ? 'NULLS LAST' : 'NULLS FIRST';
}

function columnSort(expr: string, defaultDirection: SortDirection = 'ASC', nullable = false): FieldSort {
  return {
    defaultDirection,
    terms: (direction) => [`${expr} ${direction}${nullable ? ` ${nullsLast(direction)}` : ''}`],
  };
}

const PROJECT_KEY_OF = (issue: string) => `(SELECT p.key FROM projects p WHERE p.id = ${issue}.project_id)`;

/** Jira orders keys by project key, then by number (ABC-9 before ABC-10). */
export const KEY_ORDER = (direction: SortDirection): string[] => [
  `${PROJECT_KEY_OF('i')} ${direction}`,
  `i.issue_number ${direction}`,
];

function columnSet(
  column: string,
  resolve: SetField['resolve'],
  options: { emptySupported: boolean; valueType?: ValueType; sort: FieldSort | null; operators?: ReadonlySet<Operator> },
): SetField {
  return {
    kind: 'set',
    operators: options.operators ?? (options.emptySupported ? EQUALITY_EMPTY : EQUALITY),
    valueType: options.valueType ?? 'none',
    sort: options.sort,
    emptySupported: options.emptySupported,
    resolve,
    match: (values) => sqlIn(column, values),
    isEmpty: { sql: `${column} IS NULL`, params: [] },
    isNotEmpty: { sql: `${column} IS NOT NULL`, params: [] },
  };
}

const userSort = (column: string): FieldSort => ({
  defaultDirection: 'ASC',
  terms: (direction) => [
    `(SELECT u.display_name FROM users u WHERE u.account_id = ${column}) COLLATE NOCASE ${direction} ${nullsLast(direction)}`,
  ],
});

const project = columnSet('i.project_id', resolveProject, {
  emptySupported: false,
  sort: {
    defaultDirection: 'ASC',
    terms: (direction) => [`(SELECT p.name FROM projects p WHERE p.id = i.project_id) COLLATE NOCASE ${direction}`],
  },
});

const issueType = columnSet(
  'i.issue_type_id',
  (literal, scope) => resolveNamed(scope.lookup.issueTypes(), literal, scope.field, (row) => [row.name]),
  { emptySupported: false, valueType: 'issuetype', sort: columnSort('i.issue_type_id') },
);

const status = columnSet(
  'i.status_id',
  (literal, scope) => resolveNamed(scope.lookup.statuses(), literal, scope.field, (row) => [row.name]),
  { emptySupported: false, sort: columnSort('i.status_id') },
);

const statusCategory: SetField = {
  kind: 'set',
  operators: EQUALITY,
  valueType: 'none',
  emptySupported: false,
  sort: {
    defaultDirection: 'ASC',
    // To Do, In Progress, Done: the order of the workflow, not of the ids (2, 4, 3).
    terms: (direction) => [
      `(SELECT CASE s.category_key WHEN 'new' THEN 1 WHEN 'indeterminate' THEN 2 ELSE 3 END FROM statuses s WHERE s.id = i.status_id) ${direction}`,
    ],
  },
  resolve: resolveStatusCategory,
  match: (values) => {
    const inner = sqlIn('s.category_key', values);
    return { sql: `i.status_id IN (SELECT s.id FROM statuses s WHERE ${inner.sql})`, params: inner.params };
  },
  isEmpty: FALSE,
  isNotEmpty: TRUE,
};

const priority = columnSet(
  'i.priority_id',
  (literal, scope) => resolveNamed(scope.lookup.priorities(), literal, scope.field, (row) => [row.name]),
  {
    emptySupported: true,
    // Priorities are listed most important first (1 = Highest), and DESC means most important first.
    sort: { defaultDirection: 'DESC', terms: (direction) => [`i.priority_id ${direction === 'ASC' ? 'DESC' : 'ASC'}`] },
  },
);

const assignee = columnSet('i.assignee_account_id', resolveUser, {
  emptySupported: true,
  valueType: 'user',
  sort: userSort('i.assignee_account_id'),
});

const reporter = columnSet('i.reporter_account_id', resolveUser, {
  emptySupported: true,
  valueType: 'user',
  sort: userSort('i.reporter_account_id'),
});

const parent = columnSet('i.parent_id', (literal, scope) => [resolveIssue(literal, scope)], {
  emptySupported: true,
  sort: {
    defaultDirection: 'ASC',
    terms: (direction) => [
      `(SELECT p.key FROM issues pi JOIN projects p ON p.id = pi.project_id WHERE pi.id = i.parent_id) ${direction} ${nullsLast(direction)}`,
      `(SELECT pi.issue_number FROM issues pi WHERE pi.id = i.parent_id) ${direction} ${nullsLast(direction)}`,
    ],
  },
});

const fixVersion: SetField = {
  kind: 'set',
  operators: EQUALITY_EMPTY,
  valueType: 'version',
  emptySupported: true,
  sort: null,
  resolve: (literal, scope) => resolveNamed(scope.lookup.versions(), literal, scope.field, (row) => [row.name]),
  match: (values) => {
    const inner = sqlIn('fv.version_id', values);
    return {
      sql: `EXISTS (SELECT 1 FROM issue_fix_versions fv WHERE fv.issue_id = i.id AND ${inner.sql})`,
      params: inner.params,
    };
  },
  isEmpty: { sql: 'NOT EXISTS (SELECT 1 FROM issue_fix_versions fv WHERE fv.issue_id = i.id)', params: [] },
  isNotEmpty: { sql: 'EXISTS (SELECT 1 FROM issue_fix_versions fv WHERE fv.issue_id = i.id)', params: [] },
};

/** Labels are free text: any value is valid, compared exactly. */
const labels: SetField = {
  kind: 'set',
  operators: EQUALITY_EMPTY,
  valueType: 'none',
  emptySupported: true,
  sort: null,
  resolve: (literal) => [literal.value],
  match: (values) => {
    const inner = sqlIn('l.value', values);
    return { sql: `EXISTS (SELECT 1 FROM json_each(i.labels) l WHERE ${inner.sql})`, params: inner.params };
  },
  isEmpty: { sql: 'json_array_length(i.labels) = 0', params: [] },
  isNotEmpty: { sql: 'json_array_length(i.labels) > 0', params: [] },
};

/**
 * The database keeps no resolution names, only when an issue was resolved: so the one value known
 * is "Unresolved" (the same as EMPTY, as in Jira); any other name is reported as unknown.
 */
const resolution: SetField = {
  kind: 'set',
  operators: EQUALITY_EMPTY,
  valueType: 'none',
  emptySupported: true,
  sort: null,
  resolve: (literal, scope) => {
    if (!literal.numeric && fold(literal.value) === 'unresolved') return EMPTY_VALUE;
    throw valueMissing(literal, scope.field);
  },
  match: () => FALSE,
  isEmpty: { sql: 'i.resolved_ms IS NULL', params: [] },
  isNotEmpty: { sql: 'i.resolved_ms IS NOT NULL', params: [] },
};

const issueKey: KeyField = { kind: 'key', operators: ORDERED, valueType: 'none', sort: { defaultDirection: 'ASC', terms: KEY_ORDER } };

const dateTime = (column: string, nullable: boolean): DateField => ({
  kind: 'datetime',
  column,
  operators: ORDERED_EMPTY,
  valueType: 'date',
  // Jira lists the newest first when no direction is given for its date-time fields.
  sort: columnSort(column, 'DESC', nullable),
});

const dueDate: DateField = {
  kind: 'date',
  column: 'i.duedate',
  operators: ORDERED_EMPTY,
  valueType: 'date',
  sort: columnSort('i.duedate', 'ASC', true),
};

/** Text fields exist in Jira but text search is outside the simulated subset: every operator is refused. */
const textField = (sort: FieldSort | null): SetField => ({
  kind: 'set',
  operators: NONE,
  valueType: 'none',
  emptySupported: false,
  sort,
  resolve: () => [],
  match: () => FALSE,
  isEmpty: FALSE,
  isNotEmpty: TRUE,
});

/** Fields by lower-cased JQL name, aliases included. */
/**
 * The number custom field a clause names, by its name (any case) or as cf[N]; undefined when the site
 * has none. Its value lives in the issue's custom field JSON; the id is checked against the site's
 * fields before it goes into the SQL.
 */
export function numberCustomField(name: string, lookup: Lookup): NumberField | undefined {
  const cf = /^cf\[(\d+)\]$/.exec(name);
  const wanted = name.toLowerCase();
  const field = lookup.numberCustomFields().find((row) => (cf ? row.id === `customfield_${cf[1]}` : row.name.toLowerCase() === wanted));
  if (!field || !/^customfield_\d+$/.test(field.id)) return undefined;
  const column = `json_extract(i.custom_fields, '$.${field.id}')`;
  return { kind: 'number', column, operators: ORDERED_EMPTY, valueType: 'none', sort: columnSort(column, 'ASC', true) };
}

export const FIELDS: ReadonlyMap<string, FieldDef> = new Map<string, FieldDef>([
  ['project', project],
  ['issuetype', issueType],
  ['type', issueType],
  ['status', status],
  ['statuscategory', statusCategory],
  ['priority', priority],
  ['assignee', assignee],
  ['reporter', reporter],
  ['parent', parent],
  ['fixversion', fixVersion],
  ['labels', labels],
  ['resolution', resolution],
  ['key', issueKey],
  ['issuekey', issueKey],
  ['id', issueKey],
  ['issue', issueKey],
  ['created', dateTime('i.created_ms', false)],
  ['createddate', dateTime('i.created_ms', false)],
  ['updated', dateTime('i.updated_ms', false)],
  ['updateddate', dateTime('i.updated_ms', false)],
  ['resolved', dateTime('i.resolved_ms', true)],
  ['resolutiondate', dateTime('i.resolved_ms', true)],
  ['duedate', dueDate],
  ['due', dueDate],
  ['summary', textField(columnSort('i.summary COLLATE NOCASE'))],
  ['description', textField(null)],
  ['environment', textField(null)],
  ['comment', textField(null)],
  ['text', textField(null)],
]);

// ---------------------------------------------------------------------------------------------
// Functions that supply values to set fields

export function usersInGroup(group: string, lookup: Lookup): string[] | null {
  const name = lookup.groupNames().find((candidate) => fold(candidate) === fold(group));
  return name === undefined ? null : lookup.groupMembers(name);
}

export function issueTypesBySubtask(subtask: boolean, lookup: Lookup): number[] {
  return lookup
    .issueTypes()
    .filter((row) => (row.subtask !== 0) === subtask)
    .map((row) => row.id);
}

export function versionsByRelease(released: boolean, projectIds: number[] | null, lookup: Lookup): number[] {
  return lookup
    .versions()
    .filter((row) => (row.released !== 0) === released && (projectIds === null || projectIds.includes(row.project_id)))
    .map((row) => row.id);
}
