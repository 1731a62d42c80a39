/**
 * JQL for the simulated Jira: the subset the app uses, parsed by a grammar and compiled to SQL
 * over the `issues AS i` table of local/jira/db/schema.sql. JQL outside the subset raises
 * JqlError, which the server answers with Jira's 400 `{errorMessages, errors: {}}`.
 *
 * CONTRACT (the server codes against it; keep these signatures):
 */
import type Database from 'better-sqlite3';

export interface JqlContext {
  db: Database.Database;
  /** Account id that currentUser() means; null when the caller is the app or anonymous. */
  currentUser: string | null;
  /** The instant relative dates (-7d, startOfDay()) are measured from. */
  now: Date;
  /** IANA zone used for dates without a time and for startOfDay() etc. */
  timeZone: string;
}

export interface CompiledJql {
  /** SQL boolean expression over `issues AS i` (may use subqueries); '1' when the JQL has no clause. */
  where: string;
  params: unknown[];
  /** SQL ORDER BY list without the keywords, always ending with a unique tiebreaker (i.id). */
  orderBy: string;
}

// JqlError lives in errors.ts so the lexer, parser and compiler share it without an import cycle.
export { JqlError } from './errors';

/**
 * Compiles JQL to a WHERE expression (with bound parameters) and an ORDER BY list over `issues AS i`.
 * Throws JqlError carrying Jira's messages for syntax errors, unknown fields, values and functions,
 * for anything outside the simulated subset (text search, WAS, CHANGED ...), and for a query beyond
 * JQL_LIMITS (too long, too many clauses or values).
 */
export { compileJql, JQL_LIMITS, TOO_COMPLEX } from './compile';
