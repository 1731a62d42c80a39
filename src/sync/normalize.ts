/**
 * Validated Jira answers -> the metrics engine's model (src/metrics/model.ts). Pure functions: every
 * date is parsed here, once, so the engine never parses.
 *
 * Status history needs each status id's category, and Jira's changelog items carry only status ids
 * and names. The categories come from Jira (statusCategories.ts: what the answers render, else the
 * site's status list). A status whose category is still unknown (Jira no longer knows it) is taken to
 * keep the category the issue was in, so a move through it is recorded when the issue reaches a known
 * status, and the item names it in `unknownStatusIds`.
 */
import type { JiraChangeHistory, JiraChangeItem } from '../jira/changelogs';
import type { MetricFieldIds } from '../jira/fields';
import type { JiraIssue, JiraIssueLink, JiraStatus } from '../jira/issues';
import type { JiraVersion } from '../jira/versions';
import type { JiraWorklog } from '../jira/worklogs';
import {
  dayNumber,
  type DayNumber,
  type DueDateChange,
  type HierarchyLevel,
  type StatusCategory,
  type StatusChange,
  type Version,
  type WorkItem,
  type Worklog,
} from '../metrics/model';

/** The system fields the metrics read; search asks for exactly these plus the resolved custom fields. */
export const METRIC_SYSTEM_FIELDS = [
  'summary',
  // Only whether it is there is kept (the story rule); Jira has no lighter field that says so.
  'description',
  'issuetype',
  'status',
  'priority',
  'parent',
  'assignee',
  'created',
  'updated',
  'resolutiondate',
  'duedate',
  'timeoriginalestimate',
  'timeestimate',
  // Not in the model: says which issues have worklogs worth fetching.
  'timespent',
  'issuelinks',
  'fixVersions',
] as const;

/** The `fields` of a metrics search on a site whose custom fields are `fieldIds`. */
export function issueFieldsFor(fieldIds: MetricFieldIds): string[] {
  const custom = [fieldIds.storyPoints, fieldIds.startDate, fieldIds.flagged, fieldIds.plannedBudget, fieldIds.actualCost, fieldIds.budgetVariance ?? null];
  return [...METRIC_SYSTEM_FIELDS, ...new Set(custom.filter((id): id is string => id !== null))];
}

// YYYY-MM-DDTHH:mm[:ss[.fff]] then Z, +HH:mm or +HHmm (Jira writes +0000, which Date.parse need not accept).
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Jira's date-time text (2026-01-05T10:00:00.000+0000, or any ISO 8601 offset) -> epoch ms; throws when unreadable. */
export function parseJiraDateTime(text: string): number {
  const match = DATE_TIME.exec(text.trim());
  if (!match) throw new Error(`not a Jira date-time: ${text}`);
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0));
  const millis = match[7] === undefined ? 0 : Number(match[7].slice(0, 3).padEnd(3, '0'));
  const local = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // Date.UTC rolls over (Feb 30 -> Mar 2): a value that does not round-trip was not a real date-time.
  const check = new Date(local);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    throw new Error(`not a Jira date-time: ${text}`);
  }
  const zone = match[8];
  if (zone === 'Z') return local;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return local - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}

/** A Jira date (2026-03-02, or in changelogs 2026-03-02 00:00:00.0) -> day number; empty -> null. */
export function jiraDay(text: string | null | undefined): DayNumber | null {
  if (text === null || text === undefined || text.trim() === '') return null;
  return dayNumber(text.trim().slice(0, 10));
}

export function statusCategoryFromKey(key: string | undefined): StatusCategory | null {
  return key === 'new' || key === 'indeterminate' || key === 'done' ? key : null;
}

function categoryOfStatus(status: JiraStatus | undefined): StatusCategory | null {
  return statusCategoryFromKey(status?.statusCategory?.key);
}

/**
 * Status id -> category from everything the issues show: their own status, their parent's and their
 * linked issues'. Jira gives these categories with every status it renders.
 */
export function collectStatusCategories(issues: readonly JiraIssue[], into = new Map<string, StatusCategory>()): Map<string, StatusCategory> {
  const note = (status: JiraStatus | undefined): void => {
    const category = categoryOfStatus(status);
    if (status && category !== null) into.set(status.id, category);
  };
  for (const issue of issues) {
    note(issue.fields.status);
    note(issue.fields.parent?.fields?.status);
    for (const link of issue.fields.issuelinks) {
      note(link.inwardIssue?.fields?.status);
      note(link.outwardIssue?.fields?.status);
    }
  }
  return into;
}

/** Status ids named in these histories' status items. */
export function statusIdsIn(histories: Iterable<readonly JiraChangeHistory[]>): Set<string> {
  const ids = new Set<string>();
  for (const list of histories) {
    for (const history of list) {
      for (const item of history.items) {
        if (!isField(item, 'status')) continue;
        if (item.from !== null) ids.add(item.from);
        if (item.to !== null) ids.add(item.to);
      }
    }
  }
  return ids;
}

/** Cloud items carry fieldId; older answers only the field's name. */
function isField(item: JiraChangeItem, fieldId: 'status' | 'duedate'): boolean {
  return item.fieldId !== undefined ? item.fieldId === fieldId : item.field?.toLowerCase() === fieldId;
}

/** Histories with their instants parsed, oldest first (stable, so same-instant edits keep Jira's order). */
function chronological(histories: readonly JiraChangeHistory[]): { atMs: number; history: JiraChangeHistory }[] {
  return histories
    .map((history) => ({ atMs: parseJiraDateTime(history.created), history }))
    .sort((a, b) => a.atMs - b.atMs);
}

/**
 * Status category moves, oldest first. Moves within a category (In Progress -> In Review) are skipped:
 * nothing the metrics read changes. `statusCategoryOf` answers null for a status it does not know; such
 * a status keeps the category the issue came from (see the file comment).
 */
export function statusChangesFrom(
  histories: readonly JiraChangeHistory[],
  statusCategoryOf: (statusId: string) => StatusCategory | null,
): StatusChange[] {
  const changes: StatusChange[] = [];
  let current: StatusCategory | null = null;
  for (const { atMs, history } of chronological(histories)) {
    for (const item of history.items) {
      if (!isField(item, 'status')) continue;
      const from: StatusCategory | null = (item.from === null ? null : statusCategoryOf(item.from)) ?? current;
      const to: StatusCategory | null = item.to === null ? null : statusCategoryOf(item.to);
      if (to === null) {
        current = from;
        continue;
      }
      if (from !== null && from !== to) changes.push({ atMs, from, to });
      current = to;
    }
  }
  return changes;
}

/** Due date changes, oldest first (null: no due date on that side). */
export function dueDateChangesFrom(histories: readonly JiraChangeHistory[]): DueDateChange[] {
  const changes: DueDateChange[] = [];
  for (const { atMs, history } of chronological(histories)) {
    for (const item of history.items) {
      if (isField(item, 'duedate')) changes.push({ atMs, from: jiraDay(item.from), to: jiraDay(item.to) });
    }
  }
  return changes;
}

/** Issue type hierarchy level: 1 and above epic (Premium levels above epics count as epics), -1 subtask. */
function levelOf(type: JiraIssue['fields']['issuetype']): HierarchyLevel {
  if (type.hierarchyLevel !== undefined) {
    if (type.hierarchyLevel >= 1) return 'epic';
    return type.hierarchyLevel <= -1 ? 'subtask' : 'standard';
  }
  // Answers without hierarchyLevel still say whether the type is a sub-task.
  return type.subtask ? 'subtask' : 'standard';
}

/**
 * "A is blocked by B": on A, Jira answers the Blocks link with B as `inwardIssue` (this issue, then the
 * type's inward text, then the inward issue). On B the same link has A as `outwardIssue` and is skipped.
 */
export function blockedByKeysFrom(links: readonly JiraIssueLink[]): string[] {
  const keys = new Set<string>();
  for (const link of links) {
    const blocks = link.type.name.toLowerCase() === 'blocks' || link.type.inward?.toLowerCase() === 'is blocked by';
    if (blocks && link.inwardIssue) keys.add(link.inwardIssue.key);
  }
  return [...keys];
}

function numberValue(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function customValue(fields: JiraIssue['fields'], fieldId: string | null): unknown {
  return fieldId === null ? undefined : fields[fieldId];
}

/**
 * One search answer (with its histories, when fetched) -> a work item. The status category is the one
 * Jira sends with the status; `statusCategoryById` fills in when it does not and dates the histories.
 */
export function normalizeIssue(
  issue: JiraIssue,
  fieldIds: MetricFieldIds,
  statusCategoryById: ReadonlyMap<string, StatusCategory> = new Map(),
  histories: readonly JiraChangeHistory[] = [],
): WorkItem {
  const { fields } = issue;
  try {
    // A status without a known category ("No Category" on some sites) counts as To Do, as boards show it.
    const statusCategory = categoryOfStatus(fields.status) ?? statusCategoryById.get(fields.status.id) ?? 'new';
    const categoryOf = (statusId: string): StatusCategory | null =>
      statusCategoryById.get(statusId) ?? (statusId === fields.status.id ? statusCategory : null);
    const startDate = customValue(fields, fieldIds.startDate);
    const flagged = customValue(fields, fieldIds.flagged);
    const unknownStatusIds = [...statusIdsIn([histories])].filter((id) => categoryOf(id) === null).sort();
    return {
      id: issue.id,
      key: issue.key,
      summary: fields.summary,
      level: levelOf(fields.issuetype),
      issueType: fields.issuetype.name,
      statusCategory,
      // Priority can be switched off on a site: no priority reads as an empty name.
      priority: fields.priority?.name ?? '',
      parentKey: fields.parent?.key ?? null,
      assigneeAccountId: fields.assignee?.accountId ?? null,
      createdMs: parseJiraDateTime(fields.created),
      updatedMs: parseJiraDateTime(fields.updated),
      resolvedMs: fields.resolutiondate === null ? null : parseJiraDateTime(fields.resolutiondate),
      dueDay: jiraDay(fields.duedate),
      startDay: typeof startDate === 'string' ? jiraDay(startDate) : null,
      storyPoints: numberValue(customValue(fields, fieldIds.storyPoints)),
      originalEstimateSeconds: fields.timeoriginalestimate,
      remainingEstimateSeconds: fields.timeestimate,
      timeSpentSeconds: fields.timespent ?? null,
      plannedBudget: numberValue(customValue(fields, fieldIds.plannedBudget)),
      actualCost: numberValue(customValue(fields, fieldIds.actualCost)),
      ...(fieldIds.budgetVariance ? { budgetVarianceInJira: numberValue(customValue(fields, fieldIds.budgetVariance)) } : {}),
      // Flagged is a checkbox list: flagged when any option (Impediment) is ticked.
      flagged: Array.isArray(flagged) && flagged.length > 0,
      blockedByKeys: blockedByKeysFrom(fields.issuelinks),
      fixVersionIds: fields.fixVersions.map((version) => version.id),
      hasDescription: hasText(fields.description),
      statusChanges: statusChangesFrom(histories, categoryOf),
      dueDateChanges: dueDateChangesFrom(histories),
      ...(unknownStatusIds.length > 0 ? { unknownStatusIds } : {}),
    };
  } catch (error) {
    throw new Error(`${issue.key}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

export function normalizeWorklog(worklog: JiraWorklog, issueKey: string, issueId?: string): Worklog {
  const onIssue = worklog.issueId ?? issueId;
  return {
    id: worklog.id,
    ...(onIssue !== undefined ? { issueId: onIssue } : {}),
    issueKey,
    // Jira leaves out the author of a deleted account; the last editor is the best stand-in.
    authorAccountId: worklog.author?.accountId ?? worklog.updateAuthor?.accountId ?? '',
    startedMs: parseJiraDateTime(worklog.started),
    seconds: worklog.timeSpentSeconds,
  };
}

export function normalizeVersion(version: JiraVersion): Version {
  return {
    id: version.id,
    name: version.name,
    releaseDay: jiraDay(version.releaseDate),
    released: version.released,
  };
}

/** Whether a description (an ADF document, or text from an older API) holds any non-blank text. */
export function hasText(value: unknown): boolean {
  if (typeof value === 'string') return value.trim() !== '';
  if (value === null || typeof value !== 'object') return false;
  const node = value as { text?: unknown; content?: unknown };
  if (typeof node.text === 'string' && node.text.trim() !== '') return true;
  return Array.isArray(node.content) && node.content.some(hasText);
}
