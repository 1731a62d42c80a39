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
  flagged: boolean;
  /** Keys of the items that block this one (Jira "is blocked by" links). */
  blockedByKeys: string[];
  fixVersionIds: string[];
  /** Status category moves, oldest first. */
  statusChanges: StatusChange[];
  /** Due date changes, oldest first. */
  dueDateChanges: DueDateChange[];
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
