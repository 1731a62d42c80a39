/**
 * PUT /issue/{id}: the fields this Jira lets a caller edit (summary, due date, assignee, priority,
 * labels, fix versions, time tracking, custom fields), each validated by its type, written with a
 * changelog entry for what really changed, as Jira does.
 */
import { z } from 'zod';
import { formatJiraDateTime } from '../db/jira-time';
import { isReadOnlyAppField } from './access';
import type { CustomFieldRow } from './catalog';
import { JiraHttpError, type JiraRequestContext } from './http';
import type { IssueRow } from './issues';
import { parseJiraDuration } from './render';

const operationSchema = z.strictObject({
  set: z.unknown().optional(),
  add: z.unknown().optional(),
  remove: z.unknown().optional(),
  edit: z.unknown().optional(),
  copy: z.unknown().optional(),
});

/** IssueUpdateDetails (the spec lets it carry more, which is ignored). */
export const issueEditBody = z.looseObject({
  fields: z.record(z.string(), z.unknown()).optional(),
  update: z.record(z.string(), z.array(operationSchema)).optional(),
  properties: z.array(z.object({ key: z.string(), value: z.unknown() })).optional(),
  historyMetadata: z.unknown().optional(),
  transition: z.unknown().optional(),
});
export type IssueEditBody = z.infer<typeof issueEditBody>;

type Operation = z.infer<typeof operationSchema>;

interface ChangeItem {
  field: string;
  fieldtype: 'jira' | 'custom';
  fieldId: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
}

/** Column changes plus the changelog items that describe them. */
interface PendingEdit {
  columns: Map<string, unknown>;
  customFields: Record<string, unknown>;
  customChanged: boolean;
  fixVersions?: number[];
  items: ChangeItem[];
}

class FieldError extends Error {}

const NOT_ON_SCREEN = (field: string): string => `Field '${field}' cannot be set. It is not on the appropriate screen, or unknown.`;

function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** Jira writes dates in changelogs as `2024-01-05 00:00:00.0`. */
const changelogDate = (value: string | null): string | null => (value === null ? null : `${value} 00:00:00.0`);

function single(operations: Operation[], field: string, allowed: readonly ('set' | 'edit')[] = ['set']): unknown {
  if (operations.length !== 1) throw new FieldError(`Field '${field}' takes exactly one operation.`);
  const [operation] = operations;
  for (const verb of allowed) if (verb in operation) return operation[verb];
  throw new FieldError(`Field '${field}' does not support the operation '${Object.keys(operation)[0] ?? ''}'.`);
}

/**
 * Validates and applies `body` to `issue`, writing its changelog as `authorAccountId`. Errors are
 * gathered per field and answered together, as Jira's 400 `errors: {field: message}`.
 */
export function editIssue(context: JiraRequestContext, issue: IssueRow, body: IssueEditBody): void {
  const operations = new Map<string, Operation[]>();
  const errors: Record<string, string> = {};
  for (const [field, value] of Object.entries(body.fields ?? {})) operations.set(field, [{ set: value }]);
  for (const [field, list] of Object.entries(body.update ?? {})) {
    if (operations.has(field)) errors[field] = `Field '${field}' cannot be edited through both 'fields' and 'update'.`;
    else operations.set(field, list);
  }

  const pending: PendingEdit = {
    columns: new Map(),
    customFields: JSON.parse(issue.custom_fields) as Record<string, unknown>,
    customChanged: false,
    items: [],
  };
  const customFields = new Map(context.catalog.customFields().map((field) => [field.id, field]));
  for (const [field, list] of operations) {
    if (field in errors) continue;
    try {
      const custom = customFields.get(field);
      // A read-only field of an app is on no screen: only its app sets it, through the app field endpoints.
      if (custom && isReadOnlyAppField(context.installedApp, custom.custom)) throw new FieldError(NOT_ON_SCREEN(field));
      if (custom) editCustomField(context, pending, custom, single(list, field));
      else editSystemField(context, issue, pending, field, list);
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
      errors[field] = error.message;
    }
  }
  if (Object.keys(errors).length > 0) throw new JiraHttpError(400, [], errors);
  if (pending.items.length === 0) return;

  writeEdit(context, issue, pending, true);
}

/** Stores the edit's columns and custom fields, and its changelog when `changelog` (Jira's generateChangelog). */
function writeEdit(context: JiraRequestContext, issue: IssueRow, pending: PendingEdit, changelog: boolean): void {
  const { db } = context;
  const nowMs = context.now.getTime();
  db.transaction(() => {
    const assignments = [...pending.columns.keys()].map((column) => `${column} = @${column}`);
    const values: Record<string, unknown> = Object.fromEntries(pending.columns);
    if (pending.customChanged) {
      assignments.push('custom_fields = @custom_fields');
      values.custom_fields = JSON.stringify(pending.customFields);
    }
    assignments.push('updated = @updated', 'updated_ms = @updated_ms');
    values.updated = formatJiraDateTime(nowMs);
    values.updated_ms = nowMs;
    db.prepare(`UPDATE issues SET ${assignments.join(', ')} WHERE id = @id`).run({ ...values, id: issue.id });
    if (pending.fixVersions) {
      db.prepare('DELETE FROM issue_fix_versions WHERE issue_id = ?').run(issue.id);
      const insert = db.prepare('INSERT INTO issue_fix_versions (issue_id, version_id) VALUES (?, ?)');
      for (const versionId of pending.fixVersions) insert.run(issue.id, versionId);
    }
    if (!changelog) return;
    const { next } = db.prepare('SELECT COALESCE(MAX(id), 10000) + 1 AS next FROM changelogs').get() as { next: number };
    db.prepare('INSERT INTO changelogs (id, issue_id, author_account_id, created, created_ms, items) VALUES (?, ?, ?, ?, ?, ?)').run(
      next,
      issue.id,
      context.access.accountId,
      formatJiraDateTime(nowMs),
      nowMs,
      JSON.stringify(pending.items),
    );
  })();
}

/**
 * The app field endpoints' write: each issue's value of `field` checked by the field's type (a 400
 * naming the field otherwise) and stored, with a changelog entry when `changelog`. The caller has
 * checked that the app owns the field. Values that do not change write nothing.
 */
export function setAppFieldValue(context: JiraRequestContext, issues: IssueRow[], field: CustomFieldRow, value: unknown, changelog: boolean): void {
  const pendings = issues.map((issue) => {
    const pending: PendingEdit = { columns: new Map(), customFields: JSON.parse(issue.custom_fields) as Record<string, unknown>, customChanged: false, items: [] };
    try {
      editCustomField(context, pending, field, value);
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
      throw new JiraHttpError(400, [`The value for the field '${field.id}' is not valid: ${error.message}.`]);
    }
    return pending;
  });
  context.db.transaction(() => {
    issues.forEach((issue, index) => {
      if (pendings[index].customChanged) writeEdit(context, issue, pendings[index], changelog);
    });
  })();
}

const jira = (field: string, from: string | null, fromString: string | null, to: string | null, toString: string | null): ChangeItem => ({
  field,
  fieldtype: 'jira',
  fieldId: field,
  from,
  fromString,
  to,
  toString,
});

function editSystemField(context: JiraRequestContext, issue: IssueRow, pending: PendingEdit, field: string, operations: Operation[]): void {
  switch (field) {
    case 'summary': {
      const value = single(operations, field);
      if (typeof value !== 'string' || value.trim() === '') throw new FieldError('You must specify a summary of the issue.');
      if (value.length > 255) throw new FieldError('Summary must be less than 255 characters.');
      if (value !== issue.summary) {
        pending.columns.set('summary', value);
        pending.items.push(jira('summary', null, issue.summary, null, value));
      }
      return;
    }
    case 'duedate': {
      const raw = single(operations, field);
      const value = raw === '' ? null : raw;
      if (value !== null && (typeof value !== 'string' || !isIsoDate(value))) throw new FieldError(`Error parsing date string: ${String(value)}`);
      if (value !== issue.duedate) {
        pending.columns.set('duedate', value);
        pending.items.push(jira('duedate', issue.duedate, changelogDate(issue.duedate), value, changelogDate(value)));
      }
      return;
    }
    case 'assignee': {
      const value = single(operations, field);
      let accountId: string | null;
      if (value === null) accountId = null;
      else if (typeof value === 'object' && value !== null && 'accountId' in value && (typeof value.accountId === 'string' || value.accountId === null)) {
        accountId = value.accountId;
      } else throw new FieldError("Specify the assignee as {\"accountId\": \"...\"} or null.");
      const user = accountId === null ? undefined : context.catalog.user(accountId);
      if (accountId !== null && (!user || user.active !== 1)) throw new FieldError(`User '${accountId}' cannot be assigned issues.`);
      if (accountId !== issue.assignee_account_id) {
        const before = issue.assignee_account_id === null ? undefined : context.catalog.user(issue.assignee_account_id);
        pending.columns.set('assignee_account_id', accountId);
        pending.items.push(jira('assignee', issue.assignee_account_id, before?.display_name ?? null, accountId, user?.display_name ?? null));
      }
      return;
    }
    case 'priority': {
      const value = single(operations, field);
      const wanted = typeof value === 'object' && value !== null ? (value as { id?: unknown; name?: unknown }) : {};
      const priority = [...context.catalog.priorities().values()].find((row) => String(row.id) === wanted.id || row.name === wanted.name);
      if (!priority) throw new FieldError("Specify a valid 'id' or 'name' for Priority");
      if (priority.id !== issue.priority_id) {
        const before = context.catalog.priority(issue.priority_id);
        pending.columns.set('priority_id', priority.id);
        pending.items.push(jira('priority', String(before.id), before.name, String(priority.id), priority.name));
      }
      return;
    }
    case 'labels': {
      const before = JSON.parse(issue.labels) as string[];
      let labels = [...before];
      for (const operation of operations) {
        if ('set' in operation) {
          if (!Array.isArray(operation.set) || !operation.set.every((label) => typeof label === 'string')) throw new FieldError('Labels must be a list of strings.');
          labels = [...(operation.set as string[])];
        } else if ('add' in operation) {
          if (typeof operation.add !== 'string') throw new FieldError('A label to add must be a string.');
          if (!labels.includes(operation.add)) labels.push(operation.add);
        } else if ('remove' in operation) {
          labels = labels.filter((label) => label !== operation.remove);
        } else throw new FieldError("Field 'labels' supports set, add and remove.");
      }
      for (const label of labels) {
        if (label === '' || /\s/.test(label)) throw new FieldError(`The label '${label}' contains spaces which is invalid.`);
        if (label.length > 255) throw new FieldError('The label must not exceed 255 characters.');
      }
      labels = [...new Set(labels)];
      if (JSON.stringify(labels) !== JSON.stringify(before)) {
        pending.columns.set('labels', JSON.stringify(labels));
        pending.items.push(jira('labels', null, before.join(' '), null, labels.join(' ')));
      }
      return;
    }
    case 'fixVersions': {
      editFixVersions(context, issue, pending, operations);
      return;
    }
    case 'timetracking': {
      const value = single(operations, field, ['set', 'edit']);
      if (typeof value !== 'object' || value === null) throw new FieldError('Time tracking takes {originalEstimate, remainingEstimate}.');
      const { originalEstimate, remainingEstimate } = value as { originalEstimate?: unknown; remainingEstimate?: unknown };
      const parse = (text: unknown, name: string): number | undefined => {
        if (text === undefined) return undefined;
        const seconds = typeof text === 'string' ? parseJiraDuration(text) : null;
        if (seconds === null) throw new FieldError(`The ${name} specified is invalid.`);
        return seconds;
      };
      const original = parse(originalEstimate, 'original estimate');
      const remaining = parse(remainingEstimate, 'remaining estimate');
      const seconds = (value: number | null): string | null => (value === null ? null : String(value));
      if (original !== undefined && original !== issue.timeoriginalestimate) {
        pending.columns.set('timeoriginalestimate', original);
        pending.items.push(jira('timeoriginalestimate', seconds(issue.timeoriginalestimate), seconds(issue.timeoriginalestimate), String(original), String(original)));
      }
      if (remaining !== undefined && remaining !== issue.timeestimate) {
        pending.columns.set('timeestimate', remaining);
        pending.items.push(jira('timeestimate', seconds(issue.timeestimate), seconds(issue.timeestimate), String(remaining), String(remaining)));
      }
      return;
    }
    default:
      throw new FieldError(NOT_ON_SCREEN(field));
  }
}

function editFixVersions(context: JiraRequestContext, issue: IssueRow, pending: PendingEdit, operations: Operation[]): void {
  const versions = context.db
    .prepare('SELECT id, name FROM versions WHERE project_id = ? ORDER BY id')
    .all(issue.project_id) as { id: number; name: string }[];
  const resolve = (reference: unknown): number => {
    const wanted = typeof reference === 'object' && reference !== null ? (reference as { id?: unknown; name?: unknown }) : {};
    const version = versions.find((row) => String(row.id) === String(wanted.id) || row.name === wanted.name);
    if (!version) throw new FieldError(`Version ${JSON.stringify(reference)} is not valid for this issue's project.`);
    return version.id;
  };
  const before = (context.db.prepare('SELECT version_id FROM issue_fix_versions WHERE issue_id = ? ORDER BY version_id').all(issue.id) as { version_id: number }[]).map(
    (row) => row.version_id,
  );
  let after = [...before];
  for (const operation of operations) {
    if ('set' in operation) {
      if (!Array.isArray(operation.set)) throw new FieldError('Fix versions must be a list of {id} or {name}.');
      after = operation.set.map(resolve);
    } else if ('add' in operation) {
      const id = resolve(operation.add);
      if (!after.includes(id)) after.push(id);
    } else if ('remove' in operation) {
      const id = resolve(operation.remove);
      after = after.filter((existing) => existing !== id);
    } else throw new FieldError("Field 'fixVersions' supports set, add and remove.");
  }
  after = [...new Set(after)].sort((a, b) => a - b);
  const name = (id: number): string => versions.find((row) => row.id === id)?.name ?? String(id);
  // Jira writes one item per version added or removed.
  for (const id of before) if (!after.includes(id)) pending.items.push({ ...jira('Fix Version', String(id), name(id), null, null), fieldId: 'fixVersions' });
  for (const id of after) if (!before.includes(id)) pending.items.push({ ...jira('Fix Version', null, null, String(id), name(id)), fieldId: 'fixVersions' });
  if (JSON.stringify(after) !== JSON.stringify(before)) pending.fixVersions = after;
}

/** A custom field value checked against the field's type; returns the value to store. */
function checkCustomValue(context: JiraRequestContext, field: CustomFieldRow, value: unknown): unknown {
  if (value === null) return null;
  const isOption = (item: unknown): boolean =>
    typeof item === 'object' && item !== null && (typeof (item as { value?: unknown }).value === 'string' || typeof (item as { id?: unknown }).id === 'string');
  switch (field.type) {
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new FieldError('Operation value must be a number');
      return value;
    case 'string':
      if (typeof value !== 'string') throw new FieldError('Operation value must be a string');
      if (value.length > 255) throw new FieldError('The entered text is too long. It exceeds the allowed limit of 255 characters.');
      return value;
    case 'date':
      if (typeof value !== 'string' || !isIsoDate(value)) throw new FieldError(`Error parsing date string: ${String(value)}`);
      return value;
    case 'datetime': {
      const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
      if (!Number.isFinite(ms)) throw new FieldError(`Error parsing date string: ${String(value)}`);
      return formatJiraDateTime(ms);
    }
    case 'option':
      if (!isOption(value)) throw new FieldError('Specify a valid option as {"value": "..."} or {"id": "..."}.');
      return value;
    case 'user': {
      const accountId = typeof value === 'object' && value !== null ? (value as { accountId?: unknown }).accountId : undefined;
      if (typeof accountId !== 'string' || !context.catalog.user(accountId)) throw new FieldError(`Specified user does not exist: ${JSON.stringify(value)}`);
      return { accountId };
    }
    case 'array':
      if (!Array.isArray(value)) throw new FieldError('Operation value must be a list');
      if (field.items === 'option' ? !value.every(isOption) : !value.every((item) => typeof item === 'string')) {
        throw new FieldError(field.items === 'option' ? 'Each value must be an option {"value": "..."}.' : 'Each value must be a string.');
      }
      return value;
  }
}

/** How a custom value reads in a changelog's fromString / toString. */
function customValueText(context: JiraRequestContext, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((item) => customValueText(context, item) ?? '').join(', ');
  if (typeof value === 'object') {
    const record = value as { value?: unknown; accountId?: unknown; id?: unknown };
    if (typeof record.accountId === 'string') return context.catalog.user(record.accountId)?.display_name ?? record.accountId;
    return String(record.value ?? record.id ?? JSON.stringify(value));
  }
  return String(value);
}

function editCustomField(context: JiraRequestContext, pending: PendingEdit, field: CustomFieldRow, value: unknown): void {
  const stored = checkCustomValue(context, field, value);
  const before = pending.customFields[field.id] ?? null;
  if (JSON.stringify(before) === JSON.stringify(stored)) return;
  if (stored === null) delete pending.customFields[field.id];
  else pending.customFields[field.id] = stored;
  pending.customChanged = true;
  const accountOf = (item: unknown): string | null =>
    typeof item === 'object' && item !== null && typeof (item as { accountId?: unknown }).accountId === 'string' ? (item as { accountId: string }).accountId : null;
  pending.items.push({
    field: field.name,
    fieldtype: 'custom',
    fieldId: field.id,
    from: field.type === 'user' ? accountOf(before) : null,
    fromString: customValueText(context, before),
    to: field.type === 'user' ? accountOf(stored) : null,
    toString: customValueText(context, stored),
  });
}
