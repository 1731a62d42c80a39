/**
 * Compiles the JQL AST to SQL over `issues AS i`, every value bound as a parameter.
 *
 * NOT is pushed down to the clauses (De Morgan), flipping their operators, as Jira does: so
 * `NOT assignee = bob` is `assignee != bob`, which like every != / NOT IN leaves out issues
 * whose field is empty. Validation follows Jira's order per clause (field, functions, operator
 * usage, operator support, values) and all clause errors are reported together.
 */
import type { CompiledJql, JqlContext } from './index';
import { JqlError } from './errors';
import {
  DATE_FUNCTIONS,
  dateInZone,
  evaluateDateFunction,
  formatDate,
  isValidEpoch,
  parseDateLiteral,
  parsePeriod,
  zonedEpoch,
} from './dates';
import {
  EMPTY_VALUE,
  FALSE,
  FIELDS,
  KEY_ORDER,
  Lookup,
  numberCustomField,
  TRUE,
  issueTypesBySubtask,
  parseIssueKey,
  resolveIssue,
  resolveProject,
  sqlAnd,
  sqlIn,
  sqlNot,
  sqlOr,
  usersInGroup,
  versionsByRelease,
  type DateField,
  type FieldDef,
  type KeyField,
  type NumberField,
  type Literal,
  type SetField,
  type Sql,
  type SqlValue,
  type ValueScope,
  type ValueType,
} from './fields';
import { functionDisplay, operandDisplay, parseJql, type Clause, type Operand, type Operator, type SortKey, type TerminalClause } from './parser';

interface FunctionSpec {
  /** Jira's spelling, for messages. */
  name: string;
  minArgs: number;
  maxArgs: number;
  /** Whether it yields a list (IN / NOT IN) rather than a single value. */
  list: boolean;
  type: Exclude<ValueType, 'none'>;
}

const FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map<string, FunctionSpec>([
  ['currentuser', { name: 'currentUser', minArgs: 0, maxArgs: 0, list: false, type: 'user' }],
  ['membersof', { name: 'membersOf', minArgs: 1, maxArgs: 1, list: true, type: 'user' }],
  ['now', { name: 'now', minArgs: 0, maxArgs: 0, list: false, type: 'date' }],
  ['startofday', { name: 'startOfDay', minArgs: 0, maxArgs: 1, list: false, type: 'date' }],
  ['endofday', { name: 'endOfDay', minArgs: 0, maxArgs: 1, list: false, type: 'date' }],
  ['startofweek', { name: 'startOfWeek', minArgs: 0, maxArgs: 1, list: false, type: 'date' }],
  ['endofweek', { name: 'endOfWeek', minArgs: 0, maxArgs: 1, list: false, type: 'date' }],
  ['startofmonth', { name: 'startOfMonth', minArgs: 0, maxArgs: 1, list: false, type: 'date' }],
  ['endofmonth', { name: 'endOfMonth', minArgs: 0, maxArgs: 1, list: false, type: 'date' }],
  ['startofyear', { name: 'startOfYear', minArgs: 0, maxArgs: 1, list: false, type: 'date' }],
  ['endofyear', { name: 'endOfYear', minArgs: 0, maxArgs: 1, list: false, type: 'date' }],
  ['standardissuetypes', { name: 'standardIssueTypes', minArgs: 0, maxArgs: 0, list: true, type: 'issuetype' }],
  ['subtaskissuetypes', { name: 'subTaskIssueTypes', minArgs: 0, maxArgs: 0, list: true, type: 'issuetype' }],
  ['releasedversions', { name: 'releasedVersions', minArgs: 0, maxArgs: 1, list: true, type: 'version' }],
  ['unreleasedversions', { name: 'unreleasedVersions', minArgs: 0, maxArgs: 1, list: true, type: 'version' }],
]);

/** What NOT turns each operator into. */
const NEGATED: Record<Operator, Operator> = {
  '=': '!=',
  '!=': '=',
  '~': '!~',
  '!~': '~',
  '<': '>=',
  '>=': '<',
  '>': '<=',
  '<=': '>',
  in: 'not in',
  'not in': 'in',
  is: 'is not',
  'is not': 'is',
  was: 'was not',
  'was not': 'was',
  'was in': 'was not in',
  'was not in': 'was in',
  changed: 'changed',
};

const RELATIONAL: ReadonlySet<Operator> = new Set(['<', '<=', '>', '>=']);

/** Jira's order when a query has no ORDER BY: newest key first. */
const DEFAULT_ORDER = [...KEY_ORDER('DESC'), 'i.id DESC'].join(', ');

type FunctionOperand = Extract<Operand, { kind: 'function' }>;

function fail(message: string): JqlError {
  return new JqlError([message]);
}

function flatten(operand: Operand): Operand[] {
  return operand.kind === 'list' ? operand.items.flatMap(flatten) : [operand];
}

function functionSpec(fn: FunctionOperand): FunctionSpec {
  const spec = FUNCTIONS.get(fn.name.toLowerCase());
  if (!spec) throw fail(`Unable to find JQL function '${functionDisplay(fn)}'.`);
  return spec;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function dateFormatsMessage(value: string, field: string, kind: DateField['kind']): string {
  const formats =
    kind === 'date'
      ? "'YYYY/MM/DD', 'YYYY-MM-DD'"
      : "'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd'";
  return `Date value '${value}' for field '${field}' is invalid. Valid formats include: ${formats}, or a period format e.g. '-5d', '4w 2d'.`;
}

class Compiler {
  readonly errors: string[] = [];
  private readonly lookup: Lookup;
  private readonly now: number;

  constructor(private readonly context: JqlContext) {
    this.lookup = new Lookup(context.db);
    this.now = context.now.getTime();
  }

  clause(clause: Clause, negate: boolean): Sql {
    switch (clause.kind) {
      case 'and': {
        const parts = clause.clauses.map((child) => this.clause(child, negate));
        return negate ? sqlOr(parts) : sqlAnd(parts);
      }
      case 'or': {
        const parts = clause.clauses.map((child) => this.clause(child, negate));
        return negate ? sqlAnd(parts) : sqlOr(parts);
      }
      case 'not':
        return this.clause(clause.clause, !negate);
      case 'terminal':
        try {
          return this.terminal(clause, negate);
        } catch (error) {
          if (!(error instanceof JqlError)) throw error;
          this.errors.push(...error.errorMessages);
          return FALSE;
        }
    }
  }

  private terminal(clause: TerminalClause, negate: boolean): Sql {
    const name = clause.field.name;
    const field = FIELDS.get(name.toLowerCase()) ?? numberCustomField(name, this.lookup);
    if (!field) throw fail(`Field '${name}' does not exist or you do not have permission to view it.`);
    const written = clause.operator;
    const operand = clause.operand;
    if (operand) {
      for (const item of flatten(operand)) if (item.kind === 'function') this.checkArity(item);
      this.checkUsage(written, operand, name);
    }
    if (!field.operators.has(written)) throw fail(`The operator '${written}' is not supported by the '${name}' field.`);
    // Supported operators always come with an operand (only CHANGED may lack one).
    if (!operand) throw fail(`The operator '${written}' is not supported by the '${name}' field.`);
    const operator = negate ? NEGATED[written] : written;
    switch (field.kind) {
      case 'set':
        return this.setClause(field, operator, operand, name);
      case 'key':
        return this.keyClause(field, operator, operand, name);
      case 'datetime':
      case 'date':
        return this.dateClause(field, operator, operand, name);
      case 'number':
        return this.numberClause(field, operator, operand, name);
    }
  }

  private numberClause(field: NumberField, operator: Operator, operand: Operand, name: string): Sql {
    const column = field.column;
    const isEmpty: Sql = { sql: `${column} IS NULL`, params: [] };
    const isNotEmpty: Sql = { sql: `${column} IS NOT NULL`, params: [] };
    if (operator === 'is') return isEmpty;
    if (operator === 'is not') return isNotEmpty;
    const values: number[] = [];
    let withEmpty = false;
    for (const item of flatten(operand)) {
      if (item.kind === 'empty') withEmpty = true;
      else if (item.kind === 'function') throw this.invalidFunction(item, name);
      else if (item.kind === 'value') {
        const value = Number(item.value);
        if (item.value.trim() === '' || !Number.isFinite(value)) throw fail(`The value '${item.value}' is invalid for the field '${name}'.`);
        values.push(value);
      }
    }
    if (RELATIONAL.has(operator)) return { sql: `(${isNotEmpty.sql} AND ${column} ${operator} ?)`, params: [values[0]] };
    const match = values.length > 0 ? [sqlIn(column, unique(values))] : [];
    if (operator === '=' || operator === 'in') return sqlOr([...match, ...(withEmpty ? [isEmpty] : [])]);
    return sqlAnd([isNotEmpty, ...match.map(sqlNot)]);
  }

  private checkArity(fn: FunctionOperand): void {
    const spec = functionSpec(fn);
    const count = fn.args.length;
    if (count >= spec.minArgs && count <= spec.maxArgs) return;
    const expected =
      spec.minArgs === spec.maxArgs ? `'${spec.minArgs}'` : `between '${spec.minArgs}' and '${spec.maxArgs}'`;
    throw fail(`Function '${fn.name}' expected ${expected} arguments but received '${count}'.`);
  }

  /** Jira's operator/operand pairing rules, before the field has a say. */
  private checkUsage(operator: Operator, operand: Operand, field: string): void {
    const isList = operand.kind === 'list' || (operand.kind === 'function' && functionSpec(operand).list);
    const display = operandDisplay(operand);
    const emptyRefused = `Operator '${operator}' does not support the empty value representation 'EMPTY' for field '${field}'.`;
    switch (operator) {
      case 'in':
      case 'not in':
        if (operand.kind === 'empty') throw fail(emptyRefused);
        if (!isList) throw fail(`Operator '${operator}' does not support the non-list value '${display}' for field '${field}'.`);
        return;
      case 'is':
      case 'is not':
        if (operand.kind !== 'empty') {
          throw fail(`Operator '${operator}' does not support searching for non-empty values for field '${field}'.`);
        }
        return;
      case '<':
      case '<=':
      case '>':
      case '>=':
        if (operand.kind === 'empty') throw fail(emptyRefused);
        break;
      case '=':
      case '!=':
      case '~':
      case '!~':
        break;
      default:
        // History operators are refused by every field below.
        return;
    }
    if (isList) throw fail(`Operator '${operator}' does not support the list value '${display}' for field '${field}'.`);
  }

  private invalidFunction(fn: FunctionOperand, field: string): JqlError {
    return fail(`A value provided by the function '${fn.name}' is invalid for the field '${field}'.`);
  }

  // -- set fields ------------------------------------------------------------------------------

  private setClause(field: SetField, operator: Operator, operand: Operand, name: string): Sql {
    if (operator === 'is') return field.isEmpty;
    if (operator === 'is not') return field.isNotEmpty;
    const scope: ValueScope = { lookup: this.lookup, field: name };
    const values: SqlValue[] = [];
    let withEmpty = false;
    for (const item of flatten(operand)) {
      switch (item.kind) {
        case 'empty':
          if (!field.emptySupported) throw fail(`The field '${name}' does not support searching for EMPTY values.`);
          withEmpty = true;
          break;
        case 'value': {
          const resolved = field.resolve({ value: item.value, numeric: item.numeric }, scope);
          if (resolved === EMPTY_VALUE) withEmpty = true;
          else values.push(...resolved);
          break;
        }
        case 'function':
          if (functionSpec(item).type !== field.valueType) throw this.invalidFunction(item, name);
          values.push(...this.functionValues(item, scope));
          break;
        case 'list':
          break;
      }
    }
    const distinct = unique(values);
    const match = distinct.length > 0 ? [field.match(distinct)] : [];
    if (operator === '=' || operator === 'in') return sqlOr([...match, ...(withEmpty ? [field.isEmpty] : [])]);
    // != and NOT IN never match an empty field.
    return sqlAnd([field.isNotEmpty, ...match.map(sqlNot)]);
  }

  private functionValues(fn: FunctionOperand, scope: ValueScope): SqlValue[] {
    switch (fn.name.toLowerCase()) {
      case 'currentuser':
        // The app and anonymous callers have no user: the function yields nothing, as in Jira.
        return this.context.currentUser === null ? [] : [this.context.currentUser];
      case 'membersof': {
        const members = usersInGroup(fn.args[0], this.lookup);
        if (members === null) {
          throw fail(`Function 'membersOf' can not generate a list of usernames for group '${fn.args[0]}'; the group does not exist.`);
        }
        return members;
      }
      case 'standardissuetypes':
        return issueTypesBySubtask(false, this.lookup);
      case 'subtaskissuetypes':
        return issueTypesBySubtask(true, this.lookup);
      case 'releasedversions':
      case 'unreleasedversions': {
        let projects: number[] | null = null;
        if (fn.args.length > 0) {
          const literal: Literal = { value: fn.args[0], numeric: false };
          try {
            projects = resolveProject(literal, { ...scope, field: 'project' });
          } catch {
            throw fail(`Could not resolve the project '${fn.args[0]}' provided to function '${fn.name}'.`);
          }
        }
        return versionsByRelease(fn.name.toLowerCase() === 'releasedversions', projects, this.lookup);
      }
      default:
        throw this.invalidFunction(fn, scope.field);
    }
  }

  // -- issue key -------------------------------------------------------------------------------

  private keyClause(_field: KeyField, operator: Operator, operand: Operand, name: string): Sql {
    const scope: ValueScope = { lookup: this.lookup, field: name };
    const items = flatten(operand);
    for (const item of items) {
      if (item.kind === 'empty') throw fail(`The field '${name}' does not support searching for EMPTY values.`);
      if (item.kind === 'function') throw this.invalidFunction(item, name);
    }
    const literals = items.flatMap((item) => (item.kind === 'value' ? [{ value: item.value, numeric: item.numeric }] : []));
    if (RELATIONAL.has(operator)) return this.keyRange(operator, literals[0], scope);
    const ids = unique(literals.map((literal) => resolveIssue(literal, scope)));
    const match = sqlIn('i.id', ids);
    return operator === '=' || operator === 'in' ? match : sqlNot(match);
  }

  /** Key ranges stay within the key's project and compare issue numbers, as Jira does. */
  private keyRange(operator: Operator, literal: Literal, scope: ValueScope): Sql {
    if (literal.numeric || /^[0-9]+$/.test(literal.value)) {
      return { sql: `i.id ${operator} ?`, params: [Number(literal.value)] };
    }
    const key = parseIssueKey(literal.value);
    if (!key) throw fail(`The issue key '${literal.value}' for field '${scope.field}' is invalid.`);
    const project = this.lookup.projects().find((row) => row.key.toUpperCase() === key.projectKey);
    if (!project) throw fail(`An issue with key '${literal.value}' does not exist for field '${scope.field}'.`);
    return {
      sql: `(i.project_id = ? AND i.issue_number ${operator} ?)`,
      params: [project.id, key.number],
    };
  }

  // -- dates -----------------------------------------------------------------------------------

  private dateClause(field: DateField, operator: Operator, operand: Operand, name: string): Sql {
    const column = field.column;
    const isEmpty: Sql = { sql: `${column} IS NULL`, params: [] };
    const isNotEmpty: Sql = { sql: `${column} IS NOT NULL`, params: [] };
    if (operator === 'is') return isEmpty;
    if (operator === 'is not') return isNotEmpty;
    const values: SqlValue[] = [];
    let withEmpty = false;
    for (const item of flatten(operand)) {
      if (item.kind === 'empty') withEmpty = true;
      else if (item.kind === 'value' || item.kind === 'function') values.push(this.dateValue(field, item, name));
    }
    if (RELATIONAL.has(operator)) return { sql: `${column} ${operator} ?`, params: [values[0]] };
    const match = values.length > 0 ? [sqlIn(column, unique(values))] : [];
    if (operator === '=' || operator === 'in') return sqlOr([...match, ...(withEmpty ? [isEmpty] : [])]);
    return sqlAnd([isNotEmpty, ...match.map(sqlNot)]);
  }

  /**
   * A date value: epoch milliseconds for date-times, 'YYYY-MM-DD' for due dates. Plain dates mean
   * midnight in the site's zone (so `created <= "2024-01-05"` stops at 2024-01-05 00:00); periods
   * and functions count from `now`; an unquoted number is epoch milliseconds, as in Jira.
   */
  private dateValue(field: DateField, item: Extract<Operand, { kind: 'value' | 'function' }>, name: string): SqlValue {
    const zone = this.context.timeZone;
    let instant: number;
    if (item.kind === 'function') {
      const fn = DATE_FUNCTIONS.get(item.name.toLowerCase());
      if (!fn) throw this.invalidFunction(item, name);
      const result = evaluateDateFunction(fn, item.args[0], this.now, zone);
      if (result === null) {
        throw fail(`Duration for function '${item.name}' should have the format (+/-)n(yMwdm), e.g -1M for 1 month earlier.`);
      }
      instant = result;
    } else if (item.numeric) {
      instant = Number(item.value);
      if (field.kind === 'datetime') return instant;
      if (!isValidEpoch(instant)) throw fail(dateFormatsMessage(item.value, name, field.kind));
    } else {
      const literal = parseDateLiteral(item.value);
      if (literal) {
        if (field.kind === 'date') {
          // Jira's date fields take no time of day.
          if (literal.time) throw fail(dateFormatsMessage(item.value, name, field.kind));
          return formatDate(literal.year, literal.month, literal.day);
        }
        const { hour, minute } = literal.time ?? { hour: 0, minute: 0 };
        return zonedEpoch({ year: literal.year, month: literal.month, day: literal.day, hour, minute, second: 0, millisecond: 0 }, zone);
      }
      const period = parsePeriod(item.value);
      if (period === null) throw fail(dateFormatsMessage(item.value, name, field.kind));
      instant = this.now + period;
    }
    if (field.kind === 'datetime') return instant;
    if (!isValidEpoch(instant)) throw fail(dateFormatsMessage(item.kind === 'value' ? item.value : functionDisplay(item), name, field.kind));
    return dateInZone(instant, zone);
  }

  // -- ORDER BY --------------------------------------------------------------------------------

  orderBy(keys: SortKey[]): string {
    if (keys.length === 0) return DEFAULT_ORDER;
    const terms: string[] = [];
    for (const key of keys) {
      const name = key.field.name;
      const field: FieldDef | undefined = FIELDS.get(name.toLowerCase()) ?? numberCustomField(name, this.lookup);
      if (!field) {
        this.errors.push(`Field '${name}' does not exist or you do not have permission to view it.`);
        continue;
      }
      if (!field.sort) {
        this.errors.push(`Not able to sort using field '${name}'.`);
        continue;
      }
      const direction = key.direction === null ? field.sort.defaultDirection : key.direction === 'asc' ? 'ASC' : 'DESC';
      terms.push(...field.sort.terms(direction));
    }
    // The id makes the order total, so paging never repeats or skips an issue.
    terms.push('i.id ASC');
    return unique(terms).join(', ');
  }
}

/**
 * What the simulated Jira runs at most, as Jira Cloud refuses queries too large to run: longer or
 * larger JQL is answered with Jira's 400 and a message naming the limit (docs/local-site.md).
 * - `maxLength`: characters of the JQL string, checked before it is read;
 * - `maxClauses`: field clauses (`project = A` is one, `key in (A-1, A-2)` too);
 * - `maxValues`: values written in the clauses' lists, and values the compiled query searches for once
 *   functions (membersOf(), unreleasedVersions() ...) are expanded.
 */
export const JQL_LIMITS = { maxLength: 100_000, maxClauses: 1_000, maxValues: 10_000 } as const;

const count = (n: number): string => n.toLocaleString('en-US');

/** Jira's wording for a query it will not run; the same words the server uses for any query SQLite refuses. */
export const TOO_COMPLEX = 'The JQL query is too complex';

function tooComplex(detail: string): JqlError {
  return fail(`${TOO_COMPLEX}: ${detail} Use fewer clauses, put the values of one field in one list (key in (A-1, A-2)), or split the search into several queries.`);
}

/** Field clauses and the values written in them, counted without recursion (the parser bounds nesting anyway). */
function measure(root: Clause): { clauses: number; values: number } {
  let clauses = 0;
  let values = 0;
  const pending: Clause[] = [root];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next.kind === 'terminal') {
      clauses++;
      if (next.operand) values += flatten(next.operand).length;
    } else if (next.kind === 'not') {
      pending.push(next.clause);
    } else {
      for (const child of next.clauses) pending.push(child);
    }
  }
  return { clauses, values };
}

export function compileJql(jql: string, context: JqlContext): CompiledJql {
  if (jql.length > JQL_LIMITS.maxLength) {
    throw fail(
      `The JQL query is too long: it has ${count(jql.length)} characters, and at most ${count(JQL_LIMITS.maxLength)} are allowed. Split the search into several queries.`,
    );
  }
  const query = parseJql(jql);
  if (query.where) {
    const { clauses, values } = measure(query.where);
    if (clauses > JQL_LIMITS.maxClauses) {
      throw tooComplex(`it has ${count(clauses)} clauses, and at most ${count(JQL_LIMITS.maxClauses)} are allowed.`);
    }
    if (values > JQL_LIMITS.maxValues) {
      throw tooComplex(`it lists ${count(values)} values, and at most ${count(JQL_LIMITS.maxValues)} are allowed.`);
    }
  }
  const compiler = new Compiler(context);
  const where = query.where ? compiler.clause(query.where, false) : TRUE;
  const orderBy = compiler.orderBy(query.orderBy);
  if (compiler.errors.length > 0) throw new JqlError(unique(compiler.errors));
  if (where.params.length > JQL_LIMITS.maxValues) {
    throw tooComplex(`it searches for ${count(where.params.length)} values once its functions are expanded, and at most ${count(JQL_LIMITS.maxValues)} are allowed.`);
  }
  return { where: where.sql, params: where.params, orderBy };
}
