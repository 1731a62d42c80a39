/**
 * JQL tokenizer, following the token rules of Jira's grammar: unquoted strings stop at operators
 * and reserved characters, keywords are whole words in any case, a run of digits (optionally with
 * a leading minus) is a number, and quoted strings take \-escapes. The whole input is tokenized
 * before parsing, so a lexical error wins over a later syntax error, as in Jira.
 */
import { syntaxError, type SourcePos } from './errors';

export type TokenType =
  | 'lparen'
  | 'rparen'
  | 'comma'
  | 'lbracket'
  | 'rbracket'
  | 'eq'
  | 'neq'
  | 'like'
  | 'notlike'
  | 'lt'
  | 'lte'
  | 'gt'
  | 'gte'
  | 'bang'
  | 'and'
  | 'or'
  | 'not'
  | 'in'
  | 'is'
  | 'empty'
  | 'was'
  | 'changed'
  | 'before'
  | 'after'
  | 'from'
  | 'to'
  | 'on'
  | 'during'
  | 'order'
  | 'by'
  | 'asc'
  | 'desc'
  | 'cf'
  /** Unquoted string. */
  | 'string'
  /** '...' or "..." string; text is the decoded content. */
  | 'quoted'
  /** Digits with an optional leading minus, unquoted. */
  | 'number'
  | 'eof';

export interface Token {
  type: TokenType;
  /** Decoded text for strings and numbers, the source text for everything else. */
  text: string;
  pos: SourcePos;
}

const KEYWORDS: ReadonlyMap<string, TokenType> = new Map<string, TokenType>([
  ['and', 'and'],
  ['or', 'or'],
  ['not', 'not'],
  ['in', 'in'],
  ['is', 'is'],
  ['empty', 'empty'],
  ['null', 'empty'],
  ['was', 'was'],
  ['changed', 'changed'],
  ['before', 'before'],
  ['after', 'after'],
  ['from', 'from'],
  ['to', 'to'],
  ['on', 'on'],
  ['during', 'during'],
  ['order', 'order'],
  ['by', 'by'],
  ['asc', 'asc'],
  ['desc', 'desc'],
  ['cf', 'cf'],
]);

/**
 * Words Jira reserves for future use: unquoted they are an error, quoted they are plain values.
 * (JqlStringSupportImpl's list minus the words JQL itself uses.)
 */
const RESERVED_WORDS: ReadonlySet<string> = new Set(
  (
    'abort access add alias all alter any as audit avg begin between boolean break byte catch char character ' +
    'check checkpoint collate collation column commit connect continue count create current date decimal ' +
    'declare decrement default defaults define delete delimiter difference distinct divide do double drop ' +
    'else encoding end equals escape exclusive exec execute exists explain false fetch file field first float ' +
    'for function go goto grant greater group having identified if immediate increment index initial inner ' +
    'inout input insert int integer intersect intersection into isempty isnull join last left less like limit ' +
    'lock long max min minus mode modify modulo more multiply next noaudit notin nowait number object of ' +
    'option outer output power previous prior privileges public raise raw remainder rename resource return ' +
    'returns revoke right row rowid rownum rows select session set share size sqrt start strict string ' +
    'subtract sum synonym table then trans transaction trigger true uid union unique update user validate ' +
    'values view when whenever where while with'
  ).split(' '),
);

/** Characters Jira keeps for later use; outside quotes they must be escaped. */
const RESERVED_CHARS = new Set(['{', '}', '*', '/', '%', '+', '^', '$', '#', '@', '?', ';']);

/** Characters that end an unquoted string (besides whitespace, reserved and control characters). */
const STRING_STOP = new Set(['"', "'", '=', '!', '<', '>', '(', ')', '~', ',', '[', ']', '|', '&']);

const VALID_ESCAPES = "The valid escape sequences are \\', \\\", \\t, \\n, \\r, \\\\, '\\ ' and \\uXXXX.";

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}

/** Jira's CONTROLCHARS: never allowed raw, not even inside quotes (tab included; newlines are not). */
function isControl(code: number): boolean {
  return (
    code <= 0x09 ||
    code === 0x0b ||
    code === 0x0c ||
    (code >= 0x0e && code <= 0x1f) ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0xfdd0 && code <= 0xfdef) ||
    code === 0xfffe ||
    code === 0xffff
  );
}

function isHexDigit(ch: string): boolean {
  return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

function isDigits(text: string, from: number): boolean {
  if (from >= text.length) return false;
  for (let k = from; k < text.length; k++) {
    const ch = text[k];
    if (ch < '0' || ch > '9') return false;
  }
  return true;
}

function hex4(code: number): string {
  return code.toString(16).padStart(4, '0');
}

class Lexer {
  private i = 0;
  private line = 1;
  private column = 1;
  private readonly tokens: Token[] = [];

  constructor(private readonly src: string) {}

  run(): Token[] {
    while (this.i < this.src.length) {
      const ch = this.src[this.i];
      if (isWhitespace(ch)) {
        this.advance(1);
        continue;
      }
      const pos = this.pos();
      const two = this.src.slice(this.i, this.i + 2);
      switch (two) {
        case '!=':
          this.emit('neq', two, pos, 2);
          continue;
        case '!~':
          this.emit('notlike', two, pos, 2);
          continue;
        case '<=':
          this.emit('lte', two, pos, 2);
          continue;
        case '>=':
          this.emit('gte', two, pos, 2);
          continue;
        case '&&':
          this.emit('and', two, pos, 2);
          continue;
        case '||':
          this.emit('or', two, pos, 2);
          continue;
      }
      switch (ch) {
        case '(':
          this.emit('lparen', ch, pos, 1);
          continue;
        case ')':
          this.emit('rparen', ch, pos, 1);
          continue;
        case ',':
          this.emit('comma', ch, pos, 1);
          continue;
        case '[':
          this.emit('lbracket', ch, pos, 1);
          continue;
        case ']':
          this.emit('rbracket', ch, pos, 1);
          continue;
        case '=':
          this.emit('eq', ch, pos, 1);
          continue;
        case '~':
          this.emit('like', ch, pos, 1);
          continue;
        case '<':
          this.emit('lt', ch, pos, 1);
          continue;
        case '>':
          this.emit('gt', ch, pos, 1);
          continue;
        case '!':
          this.emit('bang', ch, pos, 1);
          continue;
        case '&':
          this.emit('and', ch, pos, 1);
          continue;
        case '|':
          this.emit('or', ch, pos, 1);
          continue;
        case '"':
        case "'":
          this.quoted(ch, pos);
          continue;
      }
      if (RESERVED_CHARS.has(ch)) {
        throw syntaxError(
          `The character '${ch}' is a reserved JQL character. You must enclose it in a string or use the escape '\\u${hex4(ch.charCodeAt(0))}' instead.`,
          pos,
        );
      }
      const code = ch.charCodeAt(0);
      if (isControl(code)) throw this.illegalCharacter(code, pos);
      this.unquoted(pos);
    }
    this.tokens.push({ type: 'eof', text: '', pos: this.pos() });
    return this.tokens;
  }

  private pos(): SourcePos {
    return { offset: this.i, line: this.line, column: this.column };
  }

  /** Jira counts lines by '\n' only; every other character, '\r' included, is one column. */
  private advance(count: number): void {
    for (let k = 0; k < count && this.i < this.src.length; k++) {
      if (this.src[this.i] === '\n') {
        this.line++;
        this.column = 1;
      } else {
        this.column++;
      }
      this.i++;
    }
  }

  private emit(type: TokenType, text: string, pos: SourcePos, length: number): void {
    this.tokens.push({ type, text, pos });
    this.advance(length);
  }

  private illegalCharacter(code: number, pos: SourcePos) {
    return syntaxError(
      `The character 'U+${hex4(code).toUpperCase()}' on line ${pos.line} at position ${pos.column} must be escaped. Use the escape '\\u${hex4(code)}' instead.`,
      pos,
    );
  }

  /** Reads the escape at the current backslash and returns the character it stands for. */
  private escape(): string {
    const start = this.pos();
    const next = this.src[this.i + 1];
    if (next === undefined) throw syntaxError(`The escape sequence has not been completed. ${VALID_ESCAPES}`, start);
    const simple: Record<string, string> = { t: '\t', n: '\n', r: '\r', '"': '"', "'": "'", '\\': '\\', ' ': ' ' };
    const decoded = simple[next];
    if (decoded !== undefined) {
      this.advance(2);
      return decoded;
    }
    if (next === 'u') {
      let digits = '';
      for (let k = 0; k < 4; k++) {
        const ch = this.src[this.i + 2 + k];
        if (ch === undefined || !isHexDigit(ch)) {
          const seen = `\\u${digits}${ch ?? ''}`;
          throw syntaxError(`'${seen}' is an illegal JQL escape sequence. ${VALID_ESCAPES}`, start);
        }
        digits += ch;
      }
      this.advance(6);
      return String.fromCharCode(parseInt(digits, 16));
    }
    throw syntaxError(`'\\${next}' is an illegal JQL escape sequence. ${VALID_ESCAPES}`, start);
  }

  private quoted(quote: string, pos: SourcePos): void {
    this.advance(1);
    let text = '';
    for (;;) {
      if (this.i >= this.src.length) {
        // Jira quotes what it read so far, newlines flattened, or says nothing when it read nothing.
        const rest = Array.from(this.src.slice(pos.offset + 1), (c) => (c === '\r' || c === '\n' ? ' ' : c)).join('');
        const message = rest.length
          ? `The quoted string '${rest}' has not been completed.`
          : 'The quoted string has not been completed.';
        throw syntaxError(message, pos);
      }
      const ch = this.src[this.i];
      if (ch === quote) {
        this.advance(1);
        break;
      }
      if (ch === '\\') {
        text += this.escape();
        continue;
      }
      const code = ch.charCodeAt(0);
      if (isControl(code)) throw this.illegalCharacter(code, this.pos());
      text += ch;
      this.advance(1);
    }
    this.tokens.push({ type: 'quoted', text, pos });
  }

  private unquoted(pos: SourcePos): void {
    let text = '';
    let escaped = false;
    while (this.i < this.src.length) {
      const ch = this.src[this.i];
      if (ch === '\\') {
        text += this.escape();
        escaped = true;
        continue;
      }
      if (isWhitespace(ch) || STRING_STOP.has(ch) || RESERVED_CHARS.has(ch) || isControl(ch.charCodeAt(0))) break;
      text += ch;
      this.advance(1);
    }
    if (!escaped) {
      const keyword = KEYWORDS.get(text.toLowerCase());
      if (keyword) {
        this.tokens.push({ type: keyword, text, pos });
        return;
      }
      if (isDigits(text, text.startsWith('-') ? 1 : 0)) {
        this.tokens.push({ type: 'number', text, pos });
        return;
      }
    }
    if (RESERVED_WORDS.has(text.toLowerCase())) {
      throw syntaxError(
        `'${text}' is a reserved JQL word. You must surround it in quotation marks to use it in a query.`,
        pos,
      );
    }
    this.tokens.push({ type: 'string', text, pos });
  }
}

/** Splits a JQL string into tokens, ending with an 'eof' token; throws JqlError on lexical errors. */
export function tokenize(jql: string): Token[] {
  return new Lexer(jql).run();
}
