/**
 * JQL search: GET/POST search/jql (token paging, `fields` rules, page caps) and POST
 * search/approximate-count. Both apply the caller's project visibility to the compiled JQL.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { compileJql, JqlError, TOO_COMPLEX, type CompiledJql } from '../../jql';
import { allFieldDefinitions, selectFields } from '../fields';
import { badRequest, JiraHttpError, ok, parseBody, parseQuery, q, splitList, type JiraReply, type JiraRequestContext, type JiraRoute } from '../http';
import { IssueRenderer } from '../issues';
import { projectValuesInJql } from '../project-clauses';

/** The spec: "It returns max 5000 issues" when only ids or keys are requested. */
export const SEARCH_MAX_RESULTS_ID_ONLY = 5000;
/**
 * The spec only says pages are smaller "where a large number of fields are requested"; Jira Cloud
 * gives at most 100 issues a page once any field beyond id/key is asked for, and so does this one.
 */
export const SEARCH_MAX_RESULTS_WITH_FIELDS = 100;
export const SEARCH_DEFAULT_MAX_RESULTS = 50;

const UNBOUNDED = 'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.';

/**
 * Compiles `jql` for the caller: Jira's 400 for bad JQL, for an unbounded query and for a project the
 * caller cannot browse; then restricts the WHERE to the projects they can browse.
 */
export function compileForCaller(context: JiraRequestContext, jql: string): CompiledJql {
  let compiled: CompiledJql;
  try {
    compiled = compileJql(jql, { db: context.db, currentUser: context.access.accountId, now: context.now, timeZone: context.timeZone });
  } catch (error) {
    if (error instanceof JqlError) throw new JiraHttpError(400, error.errorMessages);
    throw error;
  }
  if (compiled.where.trim() === '1') throw badRequest(UNBOUNDED);

  // Checked here rather than left to the visibility filter, so a hidden project reads as missing, as in Jira.
  const hidden = projectValuesInJql(jql).filter(({ value }) => {
    const project = findProjectForJql(context, value);
    return project === undefined || !context.access.canBrowse(project);
  });
  if (hidden.length > 0) {
    throw new JiraHttpError(
      400,
      hidden.map(({ value, numeric }) =>
        numeric ? `A value with ID '${value}' does not exist for the field 'project'.` : `The value '${value}' does not exist for the field 'project'.`,
      ),
    );
  }

  return { ...compiled, where: `(${compiled.where}) AND ${context.access.browseFilter('i.project_id')}` };
}

/** What SQLite says when a statement is beyond its limits (expression depth, bound values, size). */
const SQLITE_TOO_COMPLEX = /too large|too complex|too many|too big|too deep|stack overflow/i;

/**
 * Runs the statement of a compiled query. The compiler keeps within SQLite's limits; should a query
 * still exceed one, the caller gets Jira's 400 for a query it will not run, not a 500.
 */
function runCompiled<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof Error && error.name === 'SqliteError' && SQLITE_TOO_COMPLEX.test(error.message)) {
      throw badRequest(`${TOO_COMPLEX} to run. Use fewer clauses or values, or split the search into several queries.`);
    }
    throw error;
  }
}

/** A JQL project value is a key (any case), an id, or a name (any case). */
function findProjectForJql(context: JiraRequestContext, value: string): number | undefined {
  const lower = value.toLowerCase();
  for (const project of context.catalog.projects().values()) {
    if (project.key.toLowerCase() === lower || String(project.id) === value || project.name.toLowerCase() === lower) return project.id;
  }
  return undefined;
}

interface SearchRequest {
  jql: string;
  nextPageToken?: string | null;
  maxResults?: number;
  fields: string[];
  expand: string[];
}

const searchQuery = z.object({
  jql: q.string().optional(),
  nextPageToken: q.string().optional(),
  maxResults: q.int().optional(),
  fields: q.list().optional(),
  expand: q.list().optional(),
  properties: q.list().pipe(z.array(z.string()).max(5)).optional(),
  fieldsByKeys: q.boolean().optional(),
  failFast: q.boolean().optional(),
  reconcileIssues: q.list().pipe(z.array(z.string().regex(/^\d+$/, 'expected issue ids')).max(50)).optional(),
});

const searchBody = z.strictObject({
  jql: z.string().optional(),
  nextPageToken: z.string().nullable().optional(),
  maxResults: z.number().int().optional(),
  fields: z.array(z.string()).optional(),
  expand: z.string().optional(),
  properties: z.array(z.string()).max(5).optional(),
  fieldsByKeys: z.boolean().optional(),
  failFast: z.boolean().optional(),
  reconcileIssues: z.array(z.number().int()).max(50).optional(),
});

/** Page tokens carry the offset and a fingerprint of the query they belong to. */
function fingerprint(context: JiraRequestContext, jql: string): string {
  return createHash('sha256').update(`${context.access.accountId}\n${jql}`).digest('base64url').slice(0, 16);
}

function encodeToken(offset: number, print: string): string {
  return Buffer.from(JSON.stringify({ offset, query: print })).toString('base64url');
}

function decodeToken(token: string, print: string): number {
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset?: unknown; query?: unknown };
    if (typeof decoded.offset === 'number' && Number.isInteger(decoded.offset) && decoded.offset >= 0 && decoded.query === print) return decoded.offset;
  } catch {
    // fall through to the error below
  }
  throw badRequest('The nextPageToken is invalid or does not belong to this query.');
}

function search(context: JiraRequestContext, request: SearchRequest): JiraReply {
  const definitions = allFieldDefinitions(context.catalog);
  const selection = selectFields(request.fields, 'id', definitions);
  const cap = selection.idOrKeyOnly ? SEARCH_MAX_RESULTS_ID_ONLY : SEARCH_MAX_RESULTS_WITH_FIELDS;
  const requested = request.maxResults ?? SEARCH_DEFAULT_MAX_RESULTS;
  if (requested < 1) throw badRequest("The value of the parameter 'maxResults' must be at least 1.");
  const pageSize = Math.min(requested, cap);

  const compiled = compileForCaller(context, request.jql);
  const print = fingerprint(context, request.jql);
  const offset = request.nextPageToken ? decodeToken(request.nextPageToken, print) : 0;
  // One row more than the page tells whether another page follows without counting everything.
  const ids = runCompiled(
    () =>
      context.db
        .prepare(`SELECT i.id AS id FROM issues AS i WHERE ${compiled.where} ORDER BY ${compiled.orderBy} LIMIT ? OFFSET ?`)
        .all(...compiled.params, pageSize + 1, offset) as { id: number }[],
  ).map((row) => row.id);
  const isLast = ids.length <= pageSize;
  const pageIds = ids.slice(0, pageSize);

  const expand = new Set(request.expand);
  const renderer = new IssueRenderer(context);
  const body: Record<string, unknown> = {
    issues: renderer.render(pageIds, selection, { changelog: expand.has('changelog') }),
  };
  if (!isLast) body.nextPageToken = encodeToken(offset + pageSize, print);
  body.isLast = isLast;
  if (expand.has('names') || expand.has('schema')) {
    const described = renderer.describe(selection);
    if (expand.has('names')) body.names = described.names;
    if (expand.has('schema')) body.schema = described.schema;
  }
  return ok(body);
}

export const searchJqlGet: JiraRoute = {
  method: 'GET',
  path: '/rest/api/3/search/jql',
  handle(context) {
    const params = parseQuery(searchQuery, context.req.query);
    return search(context, {
      jql: params.jql ?? '',
      nextPageToken: params.nextPageToken,
      maxResults: params.maxResults,
      fields: params.fields ?? [],
      expand: params.expand ?? [],
    });
  },
};

export const searchJqlPost: JiraRoute = {
  method: 'POST',
  path: '/rest/api/3/search/jql',
  handle(context) {
    const body = parseBody(searchBody, context.req.body);
    return search(context, {
      jql: body.jql ?? '',
      nextPageToken: body.nextPageToken,
      maxResults: body.maxResults,
      // Items may themselves be comma-separated lists, as in the query string.
      fields: splitList(body.fields ?? []),
      expand: splitList(body.expand ?? ''),
    });
  },
};

const countBody = z.strictObject({ jql: z.string().optional() });

export const approximateCount: JiraRoute = {
  method: 'POST',
  path: '/rest/api/3/search/approximate-count',
  handle(context) {
    const { jql = '' } = parseBody(countBody, context.req.body);
    const compiled = compileForCaller(context, jql);
    const row = runCompiled(
      () => context.db.prepare(`SELECT COUNT(*) AS count FROM issues AS i WHERE ${compiled.where}`).get(...compiled.params) as { count: number },
    );
    return ok({ count: row.count });
  },
};

const REMOVED_SEARCH =
  'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046';

/** The old search endpoints are gone from Jira Cloud: answer as Jira does, so a stale client fails loudly. */
export const removedSearchGet: JiraRoute = {
  method: 'GET',
  path: '/rest/api/3/search',
  handle() {
    throw new JiraHttpError(410, [REMOVED_SEARCH]);
  },
};
export const removedSearchPost: JiraRoute = { ...removedSearchGet, method: 'POST' };
