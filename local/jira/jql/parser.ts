/**
 * Recursive-descent parser for JQL, producing the AST the compiler walks. The grammar and its
 * error wording follow Jira's:
 *
 *   query      := orClause? orderBy? EOF
 *   orClause   := andClause (OR andClause)*
 *   andClause  := notClause (AND notClause)*
 *   notClause  := (NOT | '!') notClause | '(' orClause ')' | terminal
 *   terminal   := field operator operand? predicate*
 *   operator   := = != ~ !~ < <= > >= | IN | NOT IN | IS | IS NOT | WAS [NOT] [IN] | CHANGED
 *   operand    := EMPTY | string | number | function | '(' operand (',' operand)* ')'
 *   function   := name '(' (argument (',' argument)*)? ')'
 *   orderBy    := ORDER BY field (ASC | DESC)? (',' field (ASC | DESC)?)*
 */
import { syntaxError, type JqlError, type SourcePos } from './errors';
import { tokenize, type Token, type TokenType } from './lexer';

export type Operator =
  | '='
  | '!='
  | '~'
  | '!~'
  | '<'
  | '<='
  | '>'
  | '>='
  | 'in'
  | 'not in'
  | 'is'
  | 'is not'
  | 'was'
  | 'was not'
  | 'was in'
  | 'was not in'
  | 'changed';

export type Operand =
  | { kind: 'empty'; pos: SourcePos }
  /** numeric: written as an unquoted number (Jira then tries it as an id first). */
  | { kind: 'value'; value: string; numeric: boolean; pos: SourcePos }
  | { kind: 'function'; name: string; args: string[]; pos: SourcePos }
  | { kind: 'list'; items: Operand[]; pos: SourcePos };

export interface FieldRef {
  /** As written (decoded); matched case-insensitively by the compiler. */
  name: string;
  pos: SourcePos;
}

export interface HistoryPredicate {
  keyword: string;
  operand: Operand;
}

export type Clause =
  | { kind: 'and'; clauses: Clause[] }
  | { kind: 'or'; clauses: Clause[] }
  | { kind: 'not'; clause: Clause }
  | {
      kind: 'terminal';
      field: FieldRef;
      operator: Operator;
      /** Null only for CHANGED without a value. */
      operand: Operand | null;
      predicates: HistoryPredicate[];
    };

export type TerminalClause = Extract<Clause, { kind: 'terminal' }>;

export interface SortKey {
  field: FieldRef;
  direction: 'asc' | 'desc' | null;
}

export interface Query {
  where: Clause | null;
  orderBy: SortKey[];
}

const VALID_OPERATORS =
  "The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'.";

const SIMPLE_OPERATORS: Partial<Record<TokenType, Operator>> = {
  eq: '=',
  neq: '!=',
  like: '~',
  notlike: '!~',
  lt: '<',
  lte: '<=',
  gt: '>',
  gte: '>=',
  in: 'in',
  changed: 'changed',
};

const PREDICATE_KEYWORDS: ReadonlySet<TokenType> = new Set(['from', 'to', 'by', 'before', 'after', 'on', 'during']);

/** Tokens that may follow a plain value; anything else means a missing AND/OR (Jira's wording). */
const VALUE_FOLLOWERS: ReadonlySet<TokenType> = new Set([
  'eof',
  'and',
  'or',
  'rparen',
  'comma',
  'order',
  ...PREDICATE_KEYWORDS,
]);

/** Jira's enum names, used in its message about history predicates on plain operators. */
const OPERATOR_NAMES: Record<Operator, string> = {
  '=': 'EQUALS',
  '!=': 'NOT_EQUALS',
  '~': 'LIKE',
  '!~': 'NOT_LIKE',
  '<': 'LESS_THAN',
  '<=': 'LESS_THAN_EQUALS',
  '>': 'GREATER_THAN',
  '>=': 'GREATER_THAN_EQUALS',
  in: 'IN',
  'not in': 'NOT_IN',
  is: 'IS',
  'is not': 'IS_NOT',
  was: 'WAS',
  'was not': 'WAS_NOT',
  'was in': 'WAS_IN',
  'was not in': 'WAS_NOT_IN',
  changed: 'CHANGED',
};

const HISTORY_OPERATORS: ReadonlySet<Operator> = new Set(['was', 'was not', 'was in', 'was not in', 'changed']);

/** Deep enough for any real query, shallow enough that neither JS nor SQLite runs out of stack. */
const MAX_DEPTH = 100;

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** How Jira shows an operand inside messages: strings in double quotes, lists in parentheses. */
export function operandDisplay(operand: Operand): string {
  switch (operand.kind) {
    case 'empty':
      return 'EMPTY';
    case 'value':
      return operand.numeric ? operand.value : `"${operand.value}"`;
    case 'function':
      return functionDisplay(operand);
    case 'list':
      return `(${operand.items.map(operandDisplay).join(', ')})`;
  }
}

export function functionDisplay(fn: { name: string; args: string[] }): string {
  return `${fn.name}(${fn.args.join(', ')})`;
}

function startsOperand(token: Token): boolean {
  return ['empty', 'string', 'quoted', 'number', 'lparen'].includes(token.type);
}

function isArgument(token: Token): boolean {
  return token.type === 'string' || token.type === 'quoted' || token.type === 'number';
}

class Parser {
  private index = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  parseQuery(): Query {
    let where: Clause | null = null;
    let orderBy: SortKey[] = [];
    const first = this.peek();
    if (first.type !== 'eof' && first.type !== 'order') where = this.parseOr();
    const hasOrder = this.peek().type === 'order';
    if (hasOrder) orderBy = this.parseOrderBy();
    const end = this.peek();
    if (end.type !== 'eof') {
      // After ORDER BY only ',' continues; after a clause only AND / OR do.
      if (hasOrder) throw this.expected(end, "','");
      throw syntaxError(`Expecting either 'OR' or 'AND' but got '${end.text}'.`, end.pos);
    }
    return { where, orderBy };
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)];
  }

  private next(): Token {
    const token = this.peek();
    if (token.type !== 'eof') this.index++;
    return token;
  }

  /** "Expecting 'x' but got 'y'." or, at the end, "Expecting 'x' before the end of the query." */
  private expected(token: Token, what: string): JqlError {
    if (token.type === 'eof') return syntaxError(`Expecting ${what} before the end of the query.`, null);
    return syntaxError(`Expecting ${what} but got '${token.text}'.`, token.pos);
  }

  private enter(token: Token): void {
    this.depth++;
    if (this.depth > MAX_DEPTH) throw syntaxError('The query is nested too deeply.', token.pos);
  }

  private parseOr(): Clause {
    const clauses = [this.parseAnd()];
    while (this.peek().type === 'or') {
      this.next();
      clauses.push(this.parseAnd());
    }
    return clauses.length === 1 ? clauses[0] : { kind: 'or', clauses };
  }

  private parseAnd(): Clause {
    const clauses = [this.parseNot()];
    while (this.peek().type === 'and') {
      this.next();
      clauses.push(this.parseNot());
    }
    return clauses.length === 1 ? clauses[0] : { kind: 'and', clauses };
  }

  private parseNot(): Clause {
    const token = this.peek();
    if (token.type === 'not' || token.type === 'bang') {
      this.enter(token);
      this.next();
      const clause: Clause = { kind: 'not', clause: this.parseNot() };
      this.depth--;
      return clause;
    }
    if (token.type === 'lparen') {
      this.enter(token);
      this.next();
      const clause = this.parseOr();
      const close = this.peek();
      if (close.type !== 'rparen') throw this.expected(close, "')'");
      this.next();
      this.depth--;
      return clause;
    }
    return this.parseTerminal();
  }

  private parseField(): FieldRef {
    const token = this.peek();
    let name: string;
    switch (token.type) {
      case 'string':
      case 'quoted':
        if (token.text.trim() === '') throw syntaxError('A field name cannot be empty.', token.pos);
        this.next();
        name = token.text;
        break;
      case 'number':
        this.next();
        name = token.text;
        break;
      case 'cf':
        name = this.parseCustomFieldId();
        break;
      case 'lbracket':
        throw syntaxError("Expecting a field name but got '['. Did you mean 'cf['?", token.pos);
      case 'eof':
        throw syntaxError('Expecting a field name at the end of the query.', null);
      default:
        throw syntaxError(
          `Expecting a field name but got '${token.text}'. You must surround '${token.text}' in quotation marks to use it as a field name.`,
          token.pos,
        );
    }
    // Entity properties (issue.property[key].path): parsed so the compiler can refuse them by name.
    while (this.peek().type === 'lbracket') {
      this.next();
      const argument = this.peek();
      if (!isArgument(argument)) throw this.expected(argument, 'a property key');
      this.next();
      const close = this.peek();
      if (close.type !== 'rbracket') throw this.expected(close, "']'");
      this.next();
      name += `[${argument.text}]`;
      const path = this.peek();
      if (path.type === 'string' && path.text.startsWith('.')) {
        this.next();
        name += path.text;
      }
    }
    return { name, pos: token.pos };
  }

  private parseCustomFieldId(): string {
    this.next();
    const open = this.peek();
    if (open.type !== 'lbracket') throw this.expected(open, "'['");
    this.next();
    const id = this.peek();
    if (id.type !== 'number' || id.text.startsWith('-')) {
      throw this.expected(id, 'a custom field id (a positive number)');
    }
    this.checkLong(id);
    this.next();
    const close = this.peek();
    if (close.type !== 'rbracket') throw this.expected(close, "']'");
    this.next();
    return `cf[${BigInt(id.text).toString()}]`;
  }

  private checkLong(token: Token): void {
    const value = BigInt(token.text);
    if (value < LONG_MIN || value > LONG_MAX) {
      throw syntaxError(
        `'${token.text}' is not a valid number. Numbers must be between -9,223,372,036,854,775,808 and 9,223,372,036,854,775,807.`,
        token.pos,
      );
    }
  }

  private parseOperator(): Operator {
    const token = this.peek();
    const simple = SIMPLE_OPERATORS[token.type];
    if (simple) {
      this.next();
      return simple;
    }
    switch (token.type) {
      case 'is': {
        this.next();
        const after = this.peek();
        if (after.type === 'not') {
          this.next();
          return 'is not';
        }
        if (startsOperand(after) || after.type === 'eof') return 'is';
        throw this.expected(after, "'NOT'");
      }
      case 'not': {
        this.next();
        const after = this.peek();
        if (after.type !== 'in') throw this.expected(after, "'IN'");
        this.next();
        return 'not in';
      }
      case 'was': {
        this.next();
        let negated = false;
        if (this.peek().type === 'not') {
          this.next();
          negated = true;
        }
        if (this.peek().type === 'in') {
          this.next();
          return negated ? 'was not in' : 'was in';
        }
        return negated ? 'was not' : 'was';
      }
      case 'eof':
        throw syntaxError(`Expecting operator before the end of the query. ${VALID_OPERATORS}`, null);
      default:
        throw syntaxError(`Expecting operator but got '${token.text}'. ${VALID_OPERATORS}`, token.pos);
    }
  }

  private parseTerminal(): Clause {
    const field = this.parseField();
    const operator = this.parseOperator();
    let operand: Operand | null = null;
    if (operator === 'changed') {
      if (startsOperand(this.peek())) {
        const value = this.parseOperand();
        throw syntaxError(
          `The CHANGED operator does not support the use of values without predicates. You must prefix the ${operandDisplay(value)} value with a suitable predicate.`,
          null,
        );
      }
    } else {
      operand = this.parseOperand();
      const after = this.peek();
      if (operand.kind === 'value' && !VALUE_FOLLOWERS.has(after.type)) {
        throw syntaxError(`Expecting either 'OR' or 'AND' but got '${after.text}'.`, after.pos);
      }
    }
    const predicates: HistoryPredicate[] = [];
    while (PREDICATE_KEYWORDS.has(this.peek().type)) {
      const keyword = this.next().text.toLowerCase();
      predicates.push({ keyword, operand: this.parseOperand() });
    }
    if (predicates.length > 0 && !HISTORY_OPERATORS.has(operator)) {
      const first = predicates[0];
      throw syntaxError(
        `The ${OPERATOR_NAMES[operator]} operator does not support the use of the ${first.keyword} ${operandDisplay(first.operand)} predicate.`,
        null,
      );
    }
    return { kind: 'terminal', field, operator, operand, predicates };
  }

  private parseOperand(): Operand {
    const token = this.peek();
    switch (token.type) {
      case 'empty':
        this.next();
        return { kind: 'empty', pos: token.pos };
      case 'string':
      case 'quoted':
      case 'number':
        if (this.peek(1).type === 'lparen') return this.parseFunction();
        if (token.type === 'number') this.checkLong(token);
        this.next();
        return { kind: 'value', value: token.text, numeric: token.type === 'number', pos: token.pos };
      case 'lparen':
        return this.parseList();
      case 'eof':
        throw syntaxError('Expecting either a value, list or function before the end of the query.', null);
      default:
        throw syntaxError(
          `Expecting either a value, list or function but got '${token.text}'. You must surround '${token.text}' in quotation marks to use it as a value.`,
          token.pos,
        );
    }
  }

  private parseList(): Operand {
    const open = this.next();
    this.enter(open);
    const items: Operand[] = [];
    for (;;) {
      const item = this.parseOperand();
      items.push(item);
      const after = this.peek();
      if (after.type === 'comma') {
        this.next();
        continue;
      }
      if (after.type === 'rparen') {
        this.next();
        break;
      }
      if (after.type === 'eof') throw this.expected(after, "')'");
      // A bare value may still be followed by more list items; a function or list may not.
      if (item.kind === 'value') throw syntaxError(`Expecting ',' or ')' but got '${after.text}'.`, after.pos);
      throw this.expected(after, "')'");
    }
    this.depth--;
    return { kind: 'list', items, pos: open.pos };
  }

  private parseFunction(): Operand {
    const name = this.next();
    if (name.text.trim() === '') throw syntaxError('A function name cannot be empty.', name.pos);
    this.next();
    const args: string[] = [];
    let token = this.peek();
    if (token.type === 'rparen') {
      this.next();
      return { kind: 'function', name: name.text, args, pos: name.pos };
    }
    if (token.type === 'eof' || token.type === 'comma') throw this.expected(token, "')'");
    for (;;) {
      if (!isArgument(token)) {
        throw syntaxError(
          `Expecting a function argument but got '${token.text}'. You must surround '${token.text}' in quotation marks to use it as an argument.`,
          token.pos,
        );
      }
      args.push(this.next().text);
      token = this.peek();
      if (token.type === 'rparen') {
        this.next();
        return { kind: 'function', name: name.text, args, pos: name.pos };
      }
      if (token.type === 'eof') throw this.expected(token, "')'");
      if (token.type !== 'comma') throw syntaxError(`Expecting ')' or ',' but got '${token.text}'.`, token.pos);
      this.next();
      token = this.peek();
      if (token.type === 'rparen' || token.type === 'comma') {
        throw syntaxError('Function argument must be specified.', token.pos);
      }
      if (token.type === 'eof') throw syntaxError('Expecting a function argument at the end of the query.', null);
    }
  }

  private parseOrderBy(): SortKey[] {
    this.next();
    const by = this.peek();
    if (by.type !== 'by') throw this.expected(by, "'by'");
    this.next();
    const keys: SortKey[] = [];
    for (;;) {
      const field = this.parseField();
      let direction: SortKey['direction'] = null;
      const token = this.peek();
      if (token.type === 'asc' || token.type === 'desc') {
        this.next();
        direction = token.type;
      } else if (token.type !== 'eof' && token.type !== 'comma') {
        throw syntaxError(`Expecting either 'ASC' or 'DESC' but got '${token.text}'.`, token.pos);
      }
      keys.push({ field, direction });
      if (this.peek().type !== 'comma') return keys;
      this.next();
    }
  }
}

/** Tokenizes and parses a JQL string; throws JqlError with Jira's wording on any syntax error. */
export function parseJql(jql: string): Query {
  return new Parser(tokenize(jql)).parseQuery();
}
