/**
 * The error type of the JQL engine and the helpers that word syntax errors as Jira does.
 * Kept apart from index.ts so the lexer, parser and compiler can import it without a cycle.
 */

export class JqlError extends Error {
  constructor(readonly errorMessages: string[]) {
    super(errorMessages.join(' '));
    this.name = 'JqlError';
  }
}

/** Where a token starts: line and character are 1-based, as Jira reports them. */
export interface SourcePos {
  offset: number;
  line: number;
  column: number;
}

/** A parse error: Jira prefixes them all and adds the position unless the query simply ended. */
export function syntaxError(message: string, at: SourcePos | null): JqlError {
  const where = at ? ` (line ${at.line}, character ${at.column})` : '';
  return new JqlError([`Error in the JQL Query: ${message}${where}`]);
}
