/** POST /changelog/bulkfetch: changelogs of up to 1000 issues, oldest first, optionally for some fields. */
import { z } from 'zod';
import { badRequest, ok, parseBody, type JiraRoute } from '../http';
import { changelogJson, type ChangelogRow } from '../issues';

/** Limits from the spec's BulkChangelogRequestBean. */
export const BULK_CHANGELOG_MAX_ISSUES = 1000;
export const BULK_CHANGELOG_MAX_FIELDS = 10;
export const BULK_CHANGELOG_MAX_RESULTS = 10000;
export const BULK_CHANGELOG_DEFAULT_RESULTS = 1000;

const bulkBody = z.strictObject({
  issueIdsOrKeys: z.array(z.string().min(1)).min(1).max(BULK_CHANGELOG_MAX_ISSUES),
  fieldIds: z
    .array(z.string().min(1))
    .max(BULK_CHANGELOG_MAX_FIELDS)
    .refine((ids) => new Set(ids).size === ids.length, 'field ids must be unique')
    .optional(),
  maxResults: z.number().int().min(1).max(BULK_CHANGELOG_MAX_RESULTS).optional(),
  nextPageToken: z.string().nullable().optional(),
});

/** Position after the last history of a page: (issue id, created ms, changelog id). */
interface Cursor {
  issue: number;
  created: number;
  id: number;
}

function decodeCursor(token: string): Cursor {
  try {
    const cursor = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<Cursor>;
    if ([cursor.issue, cursor.created, cursor.id].every((value) => typeof value === 'number' && Number.isInteger(value))) return cursor as Cursor;
  } catch {
    // fall through to the error below
  }
  throw badRequest('The nextPageToken is invalid.');
}

export const bulkFetchChangelogs: JiraRoute = {
  method: 'POST',
  path: '/rest/api/3/changelog/bulkfetch',
  handle(context) {
    const body = parseBody(bulkBody, context.req.body);
    const maxResults = body.maxResults ?? BULK_CHANGELOG_DEFAULT_RESULTS;
    const numeric = body.issueIdsOrKeys.filter((value) => /^\d+$/.test(value)).map(Number);
    const keys = body.issueIdsOrKeys.filter((value) => !/^\d+$/.test(value)).map((key) => key.toUpperCase());
    // Issues that do not exist or that the caller cannot browse are left out silently.
    const issueIds = (
      context.db
        .prepare(
          `SELECT id FROM issues AS i
           WHERE (id IN (SELECT value FROM json_each(?)) OR key IN (SELECT value FROM json_each(?)))
             AND ${context.access.browseFilter('i.project_id')}`,
        )
        .all(JSON.stringify(numeric), JSON.stringify(keys)) as { id: number }[]
    ).map((row) => row.id);

    const fieldIds = body.fieldIds && body.fieldIds.length > 0 ? new Set(body.fieldIds) : undefined;
    const cursor = body.nextPageToken ? decodeCursor(body.nextPageToken) : { issue: -1, created: 0, id: 0 };
    const fieldFilter = fieldIds
      ? `AND EXISTS (SELECT 1 FROM json_each(c.items) item WHERE json_extract(item.value, '$.fieldId') IN (SELECT value FROM json_each(@fields)))`
      : '';
    const rows = context.db
      .prepare(
        `SELECT c.id, c.issue_id, c.author_account_id, c.created, c.created_ms, c.items FROM changelogs c
         WHERE c.issue_id IN (SELECT value FROM json_each(@issues))
           AND (c.issue_id, c.created_ms, c.id) > (@issue, @created, @id) ${fieldFilter}
         ORDER BY c.issue_id, c.created_ms, c.id LIMIT @limit`,
      )
      .all({
        issues: JSON.stringify(issueIds),
        fields: JSON.stringify(fieldIds ? [...fieldIds] : []),
        ...cursor,
        limit: maxResults + 1,
      }) as (ChangelogRow & { created_ms: number })[];

    const page = rows.slice(0, maxResults);
    const issueChangeLogs: { issueId: string; changeHistories: unknown[] }[] = [];
    for (const row of page) {
      let entry = issueChangeLogs[issueChangeLogs.length - 1];
      if (!entry || entry.issueId !== String(row.issue_id)) issueChangeLogs.push((entry = { issueId: String(row.issue_id), changeHistories: [] }));
      entry.changeHistories.push(changelogJson(context, row, fieldIds));
    }
    const answer: Record<string, unknown> = { issueChangeLogs };
    if (rows.length > maxResults) {
      const last = page[page.length - 1];
      answer.nextPageToken = Buffer.from(JSON.stringify({ issue: last.issue_id, created: last.created_ms, id: last.id })).toString('base64url');
    }
    return ok(answer);
  },
};
