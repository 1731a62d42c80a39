/**
 * The normalized Jira data the metrics engine reads: one project's work items with their status and
 * due-date history, worklogs and versions. Sync jobs build it from Jira answers; tests and benchmarks
 * build it from datasets. Everything is parsed once here, so the engine's loops do no date parsing:
 * instants are epoch milliseconds and calendar days are day numbers (days since 1970-01-01).
 */

/** Jira's status categories: new = To Do, indeterminate = In Progress, done = Done. */
export type StatusCategory = 'new' | 'indeterminate' | 'done';

/** Where an item sits in Jira's hierarchy (issue type hierarchy level 1, 0, -1). */
export type HierarchyLevel = 'epic' | 'standard' | 'subtask';

/** A day as days since 1970-01-01 (UTC calendar), so day arithmetic is integer arithmetic. */
export type DayNumber = number;

export interface StatusChange {
  atMs: number;
  from: StatusCategory;
  to: StatusCategory;
}

export interface DueDateChange {
  atMs: number;
  from: DayNumber | null;
  to: DayNumber | null;
}

export interface WorkItem {
  id: string;
  key: string;
  summary: string;
  level: HierarchyLevel;
  /** Jira issue type name, e.g. Bug (quality metrics count bugs). */
  issueType: string;
  statusCategory: StatusCategory;
  /** Priority name as Jira spells it (Highest, High, Medium, Low, Lowest). */
  priority: string;
  /** Key of the parent (epic of a story, story of a subtask); null for top-level items. */
  parentKey: string | null;
  assigneeAccountId: string | null;
  createdMs: number;
  updatedMs: number;
  /** When the item was resolved (Jira's resolution date); null while unresolved. */
  resolvedMs: number | null;
  dueDay: DayNumber | null;
  /** The Start date field. */
  startDay: DayNumber | null;
  storyPoints: number | null;
  originalEstimateSeconds: number | null;
  remainingEstimateSeconds: number | null;
  /** Jira's total of the item's worklogs (timespent); the sync checks its stored worklogs against it. */
  timeSpentSeconds?: number | null;
  /** The app's Planned budget field (in the site currency). */
  plannedBudget: number | null;
  /** The app's Actual cost field (in the site currency). */
  actualCost: number | null;
  /** What Jira holds in the app's Budget variance field, which the sync keeps equal to planned minus actual; absent when not read. */
  budgetVarianceInJira?: number | null;
  flagged: boolean;
  /** Keys of the items that block this one (Jira "is blocked by" links). */
  blockedByKeys: string[];
  fixVersionIds: string[];
  /** Whether the item has a description (the sync keeps only this, not the text); absent when synced before it was read. */
  hasDescription?: boolean;
  /** Status category moves, oldest first. */
  statusChanges: StatusChange[];
  /** Due date changes, oldest first. */
  dueDateChanges: DueDateChange[];
  /**
   * Statuses the item's history names that Jira does not know any more (no category): moves through
   * them count as the category before. Absent when there are none.
   */
  unknownStatusIds?: string[];
}

export interface Worklog {
  /** Jira's worklog id and issue id, when read from Jira: the sync merges worklogs by them. */
  id?: string;
  issueId?: string;
  issueKey: string;
  authorAccountId: string;
  startedMs: number;
  seconds: number;
}

export interface Version {
  id: string;
  name: string;
  releaseDay: DayNumber | null;
  released: boolean;
}

export interface ProjectData {
  key: string;
  name: string;
  /** The project's category, which the PMO uses as its portfolio; null when it has none. */
  portfolio: string | null;
  createdMs: number;
  items: WorkItem[];
  worklogs: Worklog[];
  versions: Version[];
}

const MS_PER_DAY = 86_400_000;

/** YYYY-MM-DD -> day number; throws on anything else, so bad input never becomes NaN days. */
export function dayNumber(isoDate: string): DayNumber {
  const ms = Date.parse(`${isoDate}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDate) || Number.isNaN(ms)) throw new Error(`not a date (YYYY-MM-DD): ${isoDate}`);
  return Math.round(ms / MS_PER_DAY);
}

/** Day number -> YYYY-MM-DD. */
export function isoDay(day: DayNumber): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The UTC day an instant falls on. */
export function dayOfInstant(ms: number): DayNumber {
  return Math.floor(ms / MS_PER_DAY);
}

export function startOfDayMs(day: DayNumber): number {
  return day * MS_PER_DAY;
}

/**
 * One order whatever the order of the reads: items by key as Jira's ORDER BY key sorts them, worklogs by
 * item, then start, then Jira's id as Jira orders an issue's worklogs (stable for worklogs without ids),
 * none of an item not stored. Same-instant worklogs that arrived in different orders end up alike.
 */
export function canonical(data: ProjectData): ProjectData {
  const items = [...data.items].sort((a, b) => compareIssueKeys(a.key, b.key));
  const position = new Map(items.map((item, index) => [item.key, index]));
  const worklogs = data.worklogs
    .filter((worklog) => position.has(worklog.issueKey))
    .sort((a, b) => (position.get(a.issueKey) ?? 0) - (position.get(b.issueKey) ?? 0) || a.startedMs - b.startedMs || byWorklogId(a, b));
  const createdMs = items.length > 0 ? items.reduce((earliest, item) => Math.min(earliest, item.createdMs), Number.POSITIVE_INFINITY) : data.createdMs;
  return { ...data, createdMs, items, worklogs };
}

/** Jira's numeric ids in number order; 0 (keep the order) when either has none. */
function byWorklogId(a: Worklog, b: Worklog): number {
  if (a.id === undefined || b.id === undefined) return 0;
  return a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** PROJ-9 before PROJ-10: the project part as text, the number as a number. */
export function compareIssueKeys(a: string, b: string): number {
  const split = (key: string): [string, number] => {
    const at = key.lastIndexOf('-');
    return at < 0 ? [key, 0] : [key.slice(0, at), Number(key.slice(at + 1))];
  };
  const [projectA, numberA] = split(a);
  const [projectB, numberB] = split(b);
  return projectA < projectB ? -1 : projectA > projectB ? 1 : numberA - numberB;
}
