/** Worklogs: per issue (paged), changed since an instant (ids), and in bulk by id. */
import { z } from 'zod';
import { badRequest, ok, parseBody, parseQuery, q, requestSelf, type JiraRequestContext, type JiraRoute } from '../http';
import { findVisibleIssue, issueSelf } from '../issues';
import { adfText, formatJiraDuration, userDetailsJson } from '../render';

interface WorklogRow {
  id: number;
  issue_id: number;
  author_account_id: string;
  started: string;
  time_spent_seconds: number;
  created: string;
  updated: string;
  comment: string | null;
}
const WORKLOG_COLUMNS = 'w.id, w.issue_id, w.author_account_id, w.started, w.time_spent_seconds, w.created, w.updated, w.comment';

/** Worklogs updated within the last minute are left out, as the spec says Jira does. */
const UPDATED_QUIET_MS = 60_000;
/** The spec: "a limit of 1000 worklogs per page". */
export const WORKLOGS_UPDATED_PAGE = 1000;
/** The spec: worklog/list "is limited to 1000 items". */
export const WORKLOG_LIST_MAX_IDS = 1000;

function worklogJson(context: JiraRequestContext, row: WorklogRow): Record<string, unknown> {
  const author = context.catalog.user(row.author_account_id);
  const authorJson = author ? userDetailsJson(context.base, author) : undefined;
  const json: Record<string, unknown> = { self: `${issueSelf(context.base, row.issue_id)}/worklog/${row.id}` };
  if (authorJson) {
    json.author = authorJson;
    // The dataset keeps no separate editor: the author is the last one to update.
    json.updateAuthor = authorJson;
  }
  if (row.comment !== null) json.comment = adfText(row.comment);
  Object.assign(json, {
    created: row.created,
    updated: row.updated,
    started: row.started,
    timeSpent: formatJiraDuration(row.time_spent_seconds),
    timeSpentSeconds: row.time_spent_seconds,
    id: String(row.id),
    issueId: String(row.issue_id),
  });
  return json;
}

const issueWorklogQuery = z.object({
  startAt: q.int().pipe(z.number().min(0)).optional(),
  maxResults: q.int().pipe(z.number().min(0)).optional(),
  startedAfter: q.int().optional(),
  startedBefore: q.int().optional(),
  expand: q.list().optional(),
});

export const issueWorklogs: JiraRoute = {
  method: 'GET',
  path: '/rest/api/3/issue/{issueIdOrKey}/worklog',
  handle(context) {
    const params = parseQuery(issueWorklogQuery, context.req.query);
    const issue = findVisibleIssue(context, String(context.req.params.issueIdOrKey));
    const startAt = params.startAt ?? 0;
    const maxResults = params.maxResults ?? 5000;
    const where = ['w.issue_id = @issue'];
    if (params.startedAfter !== undefined) where.push('w.started_ms >= @after');
    if (params.startedBefore !== undefined) where.push('w.started_ms <= @before');
    const bindings = { issue: issue.id, after: params.startedAfter ?? 0, before: params.startedBefore ?? 0 };
    const { total } = context.db.prepare(`SELECT COUNT(*) AS total FROM worklogs w WHERE ${where.join(' AND ')}`).get(bindings) as { total: number };
    const rows = context.db
      .prepare(`SELECT ${WORKLOG_COLUMNS} FROM worklogs w WHERE ${where.join(' AND ')} ORDER BY w.started_ms, w.id LIMIT @limit OFFSET @offset`)
      .all({ ...bindings, limit: maxResults, offset: startAt }) as WorklogRow[];
    return ok({ startAt, maxResults, total, worklogs: rows.map((row) => worklogJson(context, row)) });
  },
};

const updatedQuery = z.object({ since: q.int().pipe(z.number().min(0)).optional(), expand: q.list().optional() });

export const updatedWorklogs: JiraRoute = {
  method: 'GET',
  path: '/rest/api/3/worklog/updated',
  handle(context) {
    const { since = 0 } = parseQuery(updatedQuery, context.req.query);
    const quietFrom = context.now.getTime() - UPDATED_QUIET_MS;
    const rows = context.db
      .prepare(
        `SELECT w.id, w.updated_ms FROM worklogs w JOIN issues i ON i.id = w.issue_id
         WHERE w.updated_ms > ? AND w.updated_ms <= ? AND ${context.access.browseFilter('i.project_id')}
         ORDER BY w.updated_ms, w.id LIMIT ?`,
      )
      .all(since, quietFrom, WORKLOGS_UPDATED_PAGE + 1) as { id: number; updated_ms: number }[];
    let page = rows.slice(0, WORKLOGS_UPDATED_PAGE);
    const lastPage = rows.length <= WORKLOGS_UPDATED_PAGE;
    const boundary = page.length > 0 ? page[page.length - 1].updated_ms : since;
    if (!lastPage && rows[WORKLOGS_UPDATED_PAGE].updated_ms === boundary) {
      // The next page starts after `until`: never cut between worklogs updated in the same millisecond.
      const trimmed = page.filter((row) => row.updated_ms < boundary);
      page =
        trimmed.length > 0
          ? trimmed
          : (context.db
              .prepare(
                `SELECT w.id, w.updated_ms FROM worklogs w JOIN issues i ON i.id = w.issue_id
                 WHERE w.updated_ms = ? AND ${context.access.browseFilter('i.project_id')} ORDER BY w.id`,
              )
              .all(boundary) as { id: number; updated_ms: number }[]);
    }
    const until = page.length > 0 ? page[page.length - 1].updated_ms : since;
    const body: Record<string, unknown> = {
      values: page.map((row) => ({ worklogId: row.id, updatedTime: row.updated_ms, properties: [] })),
      since,
      until,
      self: requestSelf(context),
      lastPage,
    };
    if (!lastPage) body.nextPage = `${context.base}/rest/api/3/worklog/updated?since=${until}`;
    return ok(body);
  },
};

const listBody = z.strictObject({ ids: z.array(z.number().int()) });

export const listWorklogs: JiraRoute = {
  method: 'POST',
  path: '/rest/api/3/worklog/list',
  handle(context) {
    const { ids } = parseBody(listBody, context.req.body);
    if (ids.length === 0) throw badRequest('Provide at least one worklog ID.');
    if (ids.length > WORKLOG_LIST_MAX_IDS) throw badRequest(`The request contains more than ${WORKLOG_LIST_MAX_IDS} worklog IDs.`);
    const rows = context.db
      .prepare(
        `SELECT ${WORKLOG_COLUMNS} FROM worklogs w JOIN issues i ON i.id = w.issue_id
         WHERE w.id IN (SELECT value FROM json_each(?)) AND ${context.access.browseFilter('i.project_id')} ORDER BY w.id`,
      )
      .all(JSON.stringify([...new Set(ids)])) as WorklogRow[];
    return ok(rows.map((row) => worklogJson(context, row)));
  },
};
