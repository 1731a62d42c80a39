/**
 * Issues as Jira answers them (IssueBean): loaded a page at a time with one query per kind of related
 * data, so a page of 100 issues costs a handful of queries, not hundreds.
 */
import type { Catalog, CustomFieldRow, VersionRow } from './catalog';
import { allFieldDefinitions, type FieldDefinition, type FieldSelection } from './fields';
import { notFound, type JiraRequestContext } from './http';
import {
  formatJiraDuration,
  issueTypeJson,
  priorityJson,
  projectDetailsJson,
  statusJson,
  userDetailsJson,
  dateInZone,
  versionJson,
} from './render';

type Json = Record<string, unknown>;

export interface IssueRow {
  id: number;
  key: string;
  project_id: number;
  issue_type_id: number;
  summary: string;
  status_id: number;
  priority_id: number;
  reporter_account_id: string;
  assignee_account_id: string | null;
  parent_id: number | null;
  created: string;
  updated: string;
  resolutiondate: string | null;
  duedate: string | null;
  labels: string;
  timeoriginalestimate: number | null;
  timeestimate: number | null;
  custom_fields: string;
  description: string | null;
}

export const ISSUE_COLUMNS = `id, key, project_id, issue_type_id, summary, status_id, priority_id, reporter_account_id,
  assignee_account_id, parent_id, created, updated, resolutiondate, duedate, labels, timeoriginalestimate, timeestimate, custom_fields, description`;

interface LinkedIssueRow {
  id: number;
  key: string;
  project_id: number;
  summary: string;
  status_id: number;
  priority_id: number;
  issue_type_id: number;
}
const LINKED_COLUMNS = 'id, key, project_id, summary, status_id, priority_id, issue_type_id';

export interface ChangelogRow {
  id: number;
  issue_id: number;
  author_account_id: string;
  created: string;
  items: string;
}

interface ChangeItem {
  field: string;
  fieldId: string;
  fieldtype: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
}

/** Jira's issue link types for the names the dataset uses. */
const LINK_TYPES: Record<string, { id: string; inward: string; outward: string }> = {
  Blocks: { id: '10000', inward: 'is blocked by', outward: 'blocks' },
  Cloners: { id: '10001', inward: 'is cloned by', outward: 'clones' },
  Duplicate: { id: '10002', inward: 'is duplicated by', outward: 'duplicates' },
  Relates: { id: '10003', inward: 'relates to', outward: 'relates to' },
};

/** The dataset has no resolution field: a resolved issue is resolved as Done, as most sites do. */
const DONE_RESOLUTION_ID = '10000';

/** Histories included by expand=changelog (Jira caps the embedded page too). */
const EMBEDDED_CHANGELOG_LIMIT = 100;

/** `json_each(?)` over a JSON array of ids: one bound parameter whatever the page size. */
const IN_IDS = '(SELECT value FROM json_each(?))';

export function issueSelf(base: string, id: number): string {
  return `${base}/rest/api/3/issue/${id}`;
}

/**
 * The issue `idOrKey` names (an id, or a key matched case-insensitively as Jira does), when the caller
 * may browse its project; otherwise Jira's 404.
 */
export function findVisibleIssue(context: JiraRequestContext, idOrKey: string): IssueRow {
  const row = (
    /^\d+$/.test(idOrKey)
      ? context.db.prepare(`SELECT ${ISSUE_COLUMNS} FROM issues WHERE id = ?`).get(Number(idOrKey))
      : context.db.prepare(`SELECT ${ISSUE_COLUMNS} FROM issues WHERE key = ? COLLATE NOCASE`).get(idOrKey)
  ) as IssueRow | undefined;
  if (!row || !context.access.canBrowse(row.project_id)) throw notFound('Issue does not exist or you do not have permission to see it.');
  return row;
}

/** One changelog entry (Changelog). Nulls are left out: the spec types from/to as plain strings. */
export function changelogJson(context: JiraRequestContext, row: ChangelogRow, fieldIds?: ReadonlySet<string>): Json {
  const author = context.catalog.user(row.author_account_id);
  const items = (JSON.parse(row.items) as ChangeItem[])
    .filter((item) => !fieldIds || fieldIds.has(item.fieldId))
    .map((item) => {
      const json: Json = { field: item.field, fieldtype: item.fieldtype, fieldId: item.fieldId };
      // Own properties only: an item without `toString` must not pick up Object.prototype.toString.
      for (const name of ['from', 'fromString', 'to', 'toString'] as const) {
        const value: unknown = Object.hasOwn(item, name) ? item[name] : null;
        if (typeof value === 'string') json[name] = value;
      }
      return json;
    });
  const json: Json = { id: String(row.id) };
  if (author) json.author = userDetailsJson(context.base, author);
  json.created = row.created;
  json.items = items;
  return json;
}

export interface RenderOptions {
  /** Embed the newest histories as `changelog` (expand=changelog). */
  changelog?: boolean;
  /** Add per-issue `names` / `schema` (GET issue; search puts them at the top level instead). */
  names?: boolean;
  schema?: boolean;
}

export class IssueRenderer {
  private readonly definitions: FieldDefinition[];
  private readonly customFields: Map<string, CustomFieldRow>;
  /** Each row's custom field values, parsed once however many custom fields are selected. */
  private readonly customValues = new WeakMap<IssueRow, Record<string, unknown>>();
  private readonly catalog: Catalog;

  constructor(private readonly context: JiraRequestContext) {
    this.catalog = context.catalog;
    this.definitions = allFieldDefinitions(this.catalog);
    this.customFields = new Map(this.catalog.customFields().map((field) => [field.id, field]));
  }

  /** `names` and `schema` for the selected fields, as the expand options give them. */
  describe(selection: FieldSelection): { names: Record<string, string>; schema: Record<string, unknown> } {
    const names: Record<string, string> = {};
    const schema: Record<string, unknown> = {};
    for (const definition of this.definitions) {
      if (!selection.fields.includes(definition.id)) continue;
      names[definition.id] = definition.name;
      if (definition.schema) schema[definition.id] = definition.schema;
    }
    return { names, schema };
  }

  /** Issues for `ids` in the same order. Ids must be visible to the caller (the search made sure). */
  render(ids: number[], selection: FieldSelection, options: RenderOptions = {}): Json[] {
    if (selection.idOnly && !options.changelog) return ids.map((id) => ({ id: String(id) }));
    const { db, base } = this.context;
    const idsJson = JSON.stringify(ids);
    const rows = new Map(
      (db.prepare(`SELECT ${ISSUE_COLUMNS} FROM issues WHERE id IN ${IN_IDS}`).all(idsJson) as IssueRow[]).map((row) => [row.id, row]),
    );
    const wanted = new Set(selection.fields);
    const related = this.loadRelated(ids, idsJson, rows, wanted, options);
    const described = options.names || options.schema ? this.describe(selection) : undefined;

    const issues: Json[] = [];
    for (const id of ids) {
      const row = rows.get(id);
      if (!row) continue;
      const fields: Json = {};
      for (const fieldId of selection.fields) fields[fieldId] = this.fieldValue(fieldId, row, related);
      const issue: Json = { expand: 'names,schema,changelog', id: String(row.id), self: issueSelf(base, row.id), key: row.key, fields };
      if (options.changelog) {
        const histories = related.changelogs.get(id) ?? [];
        issue.changelog = { startAt: 0, maxResults: histories.length, total: related.changelogTotals.get(id) ?? 0, histories };
      }
      if (described && options.names) issue.names = described.names;
      if (described && options.schema) issue.schema = described.schema;
      issues.push(issue);
    }
    return issues;
  }

  private loadRelated(ids: number[], idsJson: string, rows: Map<number, IssueRow>, wanted: Set<string>, options: RenderOptions) {
    const { db, base, access } = this.context;
    const timeSpent = new Map<number, number>();
    const subtaskTimeSpent = new Map<number, number>();
    if (wanted.has('timespent') || wanted.has('aggregatetimespent') || wanted.has('timetracking')) {
      const sums = db
        .prepare(`SELECT issue_id, SUM(time_spent_seconds) AS seconds FROM worklogs WHERE issue_id IN ${IN_IDS} GROUP BY issue_id`)
        .all(idsJson) as { issue_id: number; seconds: number }[];
      for (const sum of sums) timeSpent.set(sum.issue_id, sum.seconds);
    }
    if (wanted.has('aggregatetimespent')) {
      // Jira's aggregate adds the time logged on sub-tasks (not on an epic's children).
      const sums = db
        .prepare(
          `SELECT c.parent_id AS issue_id, SUM(w.time_spent_seconds) AS seconds
           FROM issues c JOIN issue_types t ON t.id = c.issue_type_id AND t.subtask = 1
           JOIN worklogs w ON w.issue_id = c.id
           WHERE c.parent_id IN ${IN_IDS} GROUP BY c.parent_id`,
        )
        .all(idsJson) as { issue_id: number; seconds: number }[];
      for (const sum of sums) subtaskTimeSpent.set(sum.issue_id, sum.seconds);
    }

    const fixVersions = new Map<number, Json[]>();
    if (wanted.has('fixVersions')) {
      const today = dateInZone(this.context.now, this.context.timeZone);
      const versions = db
        .prepare(
          `SELECT f.issue_id, v.id, v.project_id, v.name, v.description, v.start_date, v.release_date, v.released, v.archived
           FROM issue_fix_versions f JOIN versions v ON v.id = f.version_id
           WHERE f.issue_id IN ${IN_IDS} ORDER BY v.id`,
        )
        .all(idsJson) as (VersionRow & { issue_id: number })[];
      for (const version of versions) {
        const { issue_id: issueId, ...row } = version;
        const list = fixVersions.get(issueId) ?? [];
        const json = versionJson(base, row, today);
        // Inside an issue Jira leaves out the project id and the computed overdue flag.
        delete json.projectId;
        delete json.overdue;
        list.push(json);
        fixVersions.set(issueId, list);
      }
    }

    const linkedIds = new Set<number>();
    const links = new Map<number, { id: number; type: string; direction: 'inwardIssue' | 'outwardIssue'; other: number }[]>();
    if (wanted.has('issuelinks')) {
      const rowsOfLinks = db
        .prepare(
          `SELECT id, type, inward_issue_id, outward_issue_id FROM issue_links
           WHERE inward_issue_id IN ${IN_IDS} OR outward_issue_id IN ${IN_IDS} ORDER BY id`,
        )
        .all(idsJson, idsJson) as { id: number; type: string; inward_issue_id: number; outward_issue_id: number }[];
      const add = (issueId: number, entry: { id: number; type: string; direction: 'inwardIssue' | 'outwardIssue'; other: number }) => {
        if (!rows.has(issueId)) return;
        const list = links.get(issueId) ?? [];
        list.push(entry);
        links.set(issueId, list);
        linkedIds.add(entry.other);
      };
      for (const link of rowsOfLinks) {
        // The outward issue "blocks" the inward one: on the blocker the link shows the blocked issue as outwardIssue.
        add(link.outward_issue_id, { id: link.id, type: link.type, direction: 'outwardIssue', other: link.inward_issue_id });
        add(link.inward_issue_id, { id: link.id, type: link.type, direction: 'inwardIssue', other: link.outward_issue_id });
      }
    }
    if (wanted.has('parent')) for (const row of rows.values()) if (row.parent_id !== null) linkedIds.add(row.parent_id);

    const subtasks = new Map<number, LinkedIssueRow[]>();
    if (wanted.has('subtasks')) {
      const children = db
        .prepare(
          `SELECT c.parent_id, ${LINKED_COLUMNS.split(', ').map((column) => `c.${column}`).join(', ')}
           FROM issues c JOIN issue_types t ON t.id = c.issue_type_id AND t.subtask = 1
           WHERE c.parent_id IN ${IN_IDS} ORDER BY c.id`,
        )
        .all(idsJson) as (LinkedIssueRow & { parent_id: number })[];
      for (const child of children) {
        const list = subtasks.get(child.parent_id) ?? [];
        list.push(child);
        subtasks.set(child.parent_id, list);
      }
    }

    const linked = new Map<number, LinkedIssueRow>();
    if (linkedIds.size > 0) {
      const found = db.prepare(`SELECT ${LINKED_COLUMNS} FROM issues WHERE id IN ${IN_IDS}`).all(JSON.stringify([...linkedIds])) as LinkedIssueRow[];
      for (const row of found) linked.set(row.id, row);
    }
    // Links to issues the caller cannot browse are hidden, as in Jira.
    for (const [issueId, list] of links) {
      links.set(
        issueId,
        list.filter((entry) => {
          const other = linked.get(entry.other);
          return other !== undefined && access.canBrowse(other.project_id);
        }),
      );
    }

    const changelogs = new Map<number, Json[]>();
    const changelogTotals = new Map<number, number>();
    if (options.changelog) {
      const histories = db
        .prepare(
          `SELECT id, issue_id, author_account_id, created, items FROM (
             SELECT c.*, ROW_NUMBER() OVER (PARTITION BY issue_id ORDER BY created_ms DESC, id DESC) AS position,
                    COUNT(*) OVER (PARTITION BY issue_id) AS total
             FROM changelogs c WHERE issue_id IN ${IN_IDS})
           WHERE position <= ${EMBEDDED_CHANGELOG_LIMIT} ORDER BY issue_id, position`,
        )
        .all(idsJson) as ChangelogRow[];
      const totals = db
        .prepare(`SELECT issue_id, COUNT(*) AS total FROM changelogs WHERE issue_id IN ${IN_IDS} GROUP BY issue_id`)
        .all(idsJson) as { issue_id: number; total: number }[];
      for (const total of totals) changelogTotals.set(total.issue_id, total.total);
      for (const history of histories) {
        const list = changelogs.get(history.issue_id) ?? [];
        list.push(changelogJson(this.context, history));
        changelogs.set(history.issue_id, list);
      }
    }

    return { timeSpent, subtaskTimeSpent, fixVersions, links, linked, subtasks, changelogs, changelogTotals };
  }

  private linkedIssueJson(row: LinkedIssueRow): Json {
    const { base } = this.context;
    return {
      id: String(row.id),
      key: row.key,
      self: issueSelf(base, row.id),
      fields: {
        summary: row.summary,
        status: statusJson(base, this.catalog.status(row.status_id)),
        priority: priorityJson(base, this.catalog.priority(row.priority_id)),
        issuetype: issueTypeJson(base, this.catalog.issueType(row.issue_type_id)),
      },
    };
  }

  private userValue(accountId: string | null): Json | null {
    if (accountId === null) return null;
    const user = this.catalog.user(accountId);
    return user ? userDetailsJson(this.context.base, user) : null;
  }

  private fieldValue(fieldId: string, row: IssueRow, related: ReturnType<IssueRenderer['loadRelated']>): unknown {
    const { base } = this.context;
    switch (fieldId) {
      case 'summary':
        return row.summary;
      case 'description':
        return row.description === null || row.description.trim() === ''
          ? null
          : { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: row.description }] }] };
      case 'status':
        return statusJson(base, this.catalog.status(row.status_id));
      case 'issuetype':
        return issueTypeJson(base, this.catalog.issueType(row.issue_type_id));
      case 'project': {
        const project = this.catalog.project(row.project_id);
        return projectDetailsJson(base, project, this.catalog.category(project.category_id));
      }
      case 'priority':
        return priorityJson(base, this.catalog.priority(row.priority_id));
      case 'assignee':
        return this.userValue(row.assignee_account_id);
      case 'reporter':
        return this.userValue(row.reporter_account_id);
      case 'parent': {
        const parent = row.parent_id === null ? undefined : related.linked.get(row.parent_id);
        return parent ? this.linkedIssueJson(parent) : null;
      }
      case 'created':
        return row.created;
      case 'updated':
        return row.updated;
      case 'resolutiondate':
        return row.resolutiondate;
      case 'resolution':
        return row.resolutiondate === null
          ? null
          : { self: `${base}/rest/api/3/resolution/${DONE_RESOLUTION_ID}`, id: DONE_RESOLUTION_ID, description: 'Work has been completed on this issue.', name: 'Done' };
      case 'duedate':
        return row.duedate;
      case 'labels':
        return JSON.parse(row.labels) as string[];
      case 'fixVersions':
        return related.fixVersions.get(row.id) ?? [];
      case 'issuelinks':
        return (related.links.get(row.id) ?? []).map((entry) => {
          const type = LINK_TYPES[entry.type] ?? { id: '10003', inward: entry.type, outward: entry.type };
          return {
            id: String(entry.id),
            self: `${base}/rest/api/3/issueLink/${entry.id}`,
            type: { id: type.id, name: entry.type, inward: type.inward, outward: type.outward, self: `${base}/rest/api/3/issueLinkType/${type.id}` },
            [entry.direction]: this.linkedIssueJson(related.linked.get(entry.other) as LinkedIssueRow),
          };
        });
      case 'subtasks':
        return (related.subtasks.get(row.id) ?? []).map((child) => this.linkedIssueJson(child));
      case 'timeoriginalestimate':
        return row.timeoriginalestimate;
      case 'timeestimate':
        return row.timeestimate;
      case 'timespent':
        return related.timeSpent.get(row.id) ?? null;
      case 'aggregatetimespent': {
        const own = related.timeSpent.get(row.id);
        const subtasks = related.subtaskTimeSpent.get(row.id);
        return own === undefined && subtasks === undefined ? null : (own ?? 0) + (subtasks ?? 0);
      }
      case 'timetracking':
        return timeTrackingJson(row.timeoriginalestimate, row.timeestimate, related.timeSpent.get(row.id) ?? null);
      default:
        return this.customFieldValue(fieldId, row);
    }
  }

  private customFieldValue(fieldId: string, row: IssueRow): unknown {
    const definition = this.customFields.get(fieldId);
    if (!definition) return null;
    let values = this.customValues.get(row);
    if (!values) this.customValues.set(row, (values = JSON.parse(row.custom_fields) as Record<string, unknown>));
    const value = values[fieldId] ?? null;
    // User fields may be stored as {accountId}: answer the full user as Jira does.
    if (definition.type === 'user' && value !== null && typeof value === 'object' && 'accountId' in value) {
      return this.userValue(String((value as { accountId: unknown }).accountId)) ?? value;
    }
    return value;
  }
}

/** TimeTrackingDetails: only the parts that have a value, as Jira answers. */
export function timeTrackingJson(original: number | null, remaining: number | null, spent: number | null): Json {
  const json: Json = {};
  if (original !== null) json.originalEstimate = formatJiraDuration(original);
  if (remaining !== null) json.remainingEstimate = formatJiraDuration(remaining);
  if (spent !== null) json.timeSpent = formatJiraDuration(spent);
  if (original !== null) json.originalEstimateSeconds = original;
  if (remaining !== null) json.remainingEstimateSeconds = remaining;
  if (spent !== null) json.timeSpentSeconds = spent;
  return json;
}
