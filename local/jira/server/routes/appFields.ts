/**
 * PUT /app/field/{fieldIdOrKey}/value and POST /app/field/value: how a Forge app writes the values of
 * its own custom fields (read-only fields included), as the app only. Jira refuses anyone else, and
 * the app too for fields of other apps.
 */
import { z } from 'zod';
import { isFieldOfApp } from '../access';
import type { CustomFieldRow } from '../catalog';
import { badRequest, forbidden, noContent, notFound, parseBody, parseQuery, q, type JiraRequestContext, type JiraRoute } from '../http';
import { setAppFieldValue } from '../issue-edit';
import { ISSUE_COLUMNS, type IssueRow } from '../issues';

const issueIds = z.array(z.number().int().positive()).min(1);
const singleFieldBody = z.strictObject({ updates: z.array(z.strictObject({ issueIds, value: z.unknown() })).min(1) });
const multipleFieldsBody = z.strictObject({
  updates: z.array(z.strictObject({ customField: z.string().min(1), issueIds, value: z.unknown() })).min(1),
});
const valueQuery = z.object({ generateChangelog: q.boolean().optional() });

/** At most this many issue-field values in one request (Jira's documented limit for the bulk endpoint). */
const MAX_VALUES = 1000;

function appField(context: JiraRequestContext, fieldIdOrKey: string): CustomFieldRow {
  const app = context.access.app;
  if (!app) throw forbidden('Only the app that owns the custom field can update its values.');
  const field = context.catalog.customFields().find((candidate) => candidate.id === fieldIdOrKey);
  if (!field) throw notFound(`The custom field '${fieldIdOrKey}' was not found.`);
  if (!isFieldOfApp(app, field.custom)) throw forbidden(`The custom field '${fieldIdOrKey}' does not belong to this app.`);
  return field;
}

function issuesById(context: JiraRequestContext, ids: number[]): IssueRow[] {
  const statement = context.db.prepare(`SELECT ${ISSUE_COLUMNS} FROM issues WHERE id = ?`);
  return ids.map((id) => {
    const row = statement.get(id) as IssueRow | undefined;
    if (!row) throw notFound(`Issue ${id} was not found.`);
    return row;
  });
}

function apply(context: JiraRequestContext, updates: { field: CustomFieldRow; issueIds: number[]; value: unknown }[]): void {
  const { generateChangelog = true } = parseQuery(valueQuery, context.req.query);
  const pairs = new Set<string>();
  let count = 0;
  for (const update of updates) {
    for (const id of update.issueIds) {
      const pair = `${update.field.id}:${id}`;
      if (pairs.has(pair)) throw badRequest(`The issue ${id} is given more than one value for the field '${update.field.id}'.`);
      pairs.add(pair);
      count += 1;
    }
  }
  if (count > MAX_VALUES) throw badRequest(`At most ${MAX_VALUES} issue values can be updated in one request; this one has ${count}.`);
  // Every issue is checked before anything is written: a 404 changes nothing.
  for (const update of updates) issuesById(context, update.issueIds);
  context.db.transaction(() => {
    // Read again per update: an earlier update of the same issue (another field) is part of its row now.
    for (const update of updates) setAppFieldValue(context, issuesById(context, update.issueIds), update.field, update.value, generateChangelog);
  })();
}

export const updateAppFieldValue: JiraRoute = {
  method: 'PUT',
  path: '/rest/api/3/app/field/{fieldIdOrKey}/value',
  handle(context) {
    const field = appField(context, String(context.req.params.fieldIdOrKey));
    const body = parseBody(singleFieldBody, context.req.body);
    apply(
      context,
      body.updates.map((update) => ({ field, issueIds: update.issueIds, value: update.value })),
    );
    return noContent();
  },
};

export const updateAppFieldValues: JiraRoute = {
  method: 'POST',
  path: '/rest/api/3/app/field/value',
  handle(context) {
    if (!context.access.app) throw forbidden('Only the app that owns the custom field can update its values.');
    const body = parseBody(multipleFieldsBody, context.req.body);
    apply(
      context,
      body.updates.map((update) => ({ field: appField(context, update.customField), issueIds: update.issueIds, value: update.value })),
    );
    return noContent();
  },
};
