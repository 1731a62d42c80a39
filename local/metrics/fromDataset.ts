/**
 * The simulated Jira's dataset -> the metrics engine's normalized input (ProjectData per project), so
 * tests and the benchmark feed the engine what a sync job would build from Jira's answers.
 *
 * One pass over the issues with lookup maps built up front: it has to handle the large seed
 * (100,000 issues) quickly, as the benchmark's set-up.
 */
import type { Dataset, DatasetIssue } from '../jira/dataset';
import { FIELD } from '../jira/seed/catalog';
import {
  dayNumber,
  type DueDateChange,
  type HierarchyLevel,
  type ProjectData,
  type StatusCategory,
  type StatusChange,
  type Version,
  type WorkItem,
  type Worklog,
} from '../../src/metrics/model';

function levelOf(hierarchyLevel: number): HierarchyLevel {
  if (hierarchyLevel >= 1) return 'epic';
  return hierarchyLevel <= -1 ? 'subtask' : 'standard';
}

/** Jira writes due dates in changelogs as "2026-03-02" or "2026-03-02 00:00:00.0": the day is the first 10 characters. */
function changelogDay(value: string | null): number | null {
  return value === null || value === '' ? null : dayNumber(value.slice(0, 10));
}

function instant(iso: string, what: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`${what}: not a date-time: ${iso}`);
  return ms;
}

function numberField(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function projectDataFromDataset(dataset: Dataset): ProjectData[] {
  const categoryOfStatus = new Map<string, StatusCategory>(dataset.statuses.map((status) => [status.id, status.categoryKey]));
  const issueTypes = new Map(dataset.issueTypes.map((type) => [type.id, { name: type.name, level: levelOf(type.hierarchyLevel) }]));
  const priorities = new Map(dataset.priorities.map((priority) => [priority.id, priority.name]));
  const categoryNames = new Map(dataset.categories.map((category) => [category.id, category.name]));

  const statusCategory = (statusId: string | null, issueKey: string): StatusCategory => {
    const category = statusId === null ? undefined : categoryOfStatus.get(statusId);
    if (category === undefined) throw new Error(`${issueKey}: unknown status ${String(statusId)}`);
    return category;
  };

  // A Blocks link sits on the blocking issue and points at the blocked one, which may be in another project.
  const blockedBy = new Map<string, string[]>();
  for (const issue of dataset.issues) {
    for (const link of issue.links) {
      if (link.type !== 'Blocks') continue;
      const keys = blockedBy.get(link.outwardIssueKey);
      if (keys) keys.push(issue.key);
      else blockedBy.set(link.outwardIssueKey, [issue.key]);
    }
  }

  const projects = new Map<string, ProjectData>();
  for (const project of dataset.projects) {
    projects.set(project.key, {
      key: project.key,
      name: project.name,
      portfolio: project.categoryId === undefined ? null : (categoryNames.get(project.categoryId) ?? null),
      // The dataset has no project creation date: the first issue's creation stands in (set below).
      createdMs: Number.POSITIVE_INFINITY,
      items: [],
      worklogs: [],
      versions: [],
    });
  }

  for (const issue of dataset.issues) {
    const project = projects.get(issue.projectKey);
    if (!project) throw new Error(`${issue.key}: unknown project ${issue.projectKey}`);
    const item = workItem(issue, blockedBy.get(issue.key) ?? [], issueTypes, priorities, statusCategory);
    project.items.push(item);
    if (item.createdMs < project.createdMs) project.createdMs = item.createdMs;
    for (const worklog of issue.worklogs) {
      const flat: Worklog = {
        issueKey: issue.key,
        authorAccountId: worklog.authorAccountId,
        startedMs: instant(worklog.started, `${issue.key} worklog ${worklog.id}`),
        seconds: worklog.timeSpentSeconds,
      };
      project.worklogs.push(flat);
    }
  }

  for (const version of dataset.versions) {
    const project = projects.get(version.projectKey);
    if (!project) throw new Error(`version ${version.id}: unknown project ${version.projectKey}`);
    const normalized: Version = {
      id: version.id,
      name: version.name,
      releaseDay: version.releaseDate === null ? null : dayNumber(version.releaseDate),
      released: version.released,
    };
    project.versions.push(normalized);
  }

  const generatedMs = instant(dataset.generatedAt, 'generatedAt');
  for (const project of projects.values()) {
    if (project.createdMs === Number.POSITIVE_INFINITY) project.createdMs = generatedMs;
  }
  return [...projects.values()];
}

function workItem(
  issue: DatasetIssue,
  blockedByKeys: string[],
  issueTypes: Map<string, { name: string; level: HierarchyLevel }>,
  priorities: Map<string, string>,
  statusCategory: (statusId: string | null, issueKey: string) => StatusCategory,
): WorkItem {
  const type = issueTypes.get(issue.issueTypeId);
  if (!type) throw new Error(`${issue.key}: unknown issue type ${issue.issueTypeId}`);
  const priority = priorities.get(issue.priorityId);
  if (priority === undefined) throw new Error(`${issue.key}: unknown priority ${issue.priorityId}`);

  const statusChanges: StatusChange[] = [];
  const dueDateChanges: DueDateChange[] = [];
  for (const entry of issue.changelog) {
    let atMs = Number.NaN;
    for (const change of entry.items) {
      if (change.fieldId !== 'status' && change.fieldId !== 'duedate') continue;
      if (Number.isNaN(atMs)) atMs = instant(entry.created, `${issue.key} changelog ${entry.id}`);
      if (change.fieldId === 'status') {
        const from = statusCategory(change.from, issue.key);
        const to = statusCategory(change.to, issue.key);
        // Moves within a category (In Progress -> In Review) change nothing the metrics read.
        if (from !== to) statusChanges.push({ atMs, from, to });
      } else {
        dueDateChanges.push({ atMs, from: changelogDay(change.from), to: changelogDay(change.to) });
      }
    }
  }
  // Jira lists changelogs oldest first; sort only if a source did not, since the engine relies on it.
  if (!isSorted(statusChanges)) statusChanges.sort((a, b) => a.atMs - b.atMs);
  if (!isSorted(dueDateChanges)) dueDateChanges.sort((a, b) => a.atMs - b.atMs);

  const fields = issue.customFields;
  const startDate = fields[FIELD.startDate];
  const flagged = fields[FIELD.flagged];
  return {
    id: issue.id,
    key: issue.key,
    summary: issue.summary,
    level: type.level,
    issueType: type.name,
    statusCategory: statusCategory(issue.statusId, issue.key),
    priority,
    parentKey: issue.parentKey,
    assigneeAccountId: issue.assigneeAccountId,
    createdMs: instant(issue.created, `${issue.key} created`),
    updatedMs: instant(issue.updated, `${issue.key} updated`),
    resolvedMs: issue.resolutiondate === null ? null : instant(issue.resolutiondate, `${issue.key} resolutiondate`),
    dueDay: issue.duedate === null ? null : dayNumber(issue.duedate),
    startDay: typeof startDate === 'string' ? dayNumber(startDate.slice(0, 10)) : null,
    storyPoints: numberField(fields[FIELD.storyPoints]),
    originalEstimateSeconds: issue.timeoriginalestimate,
    remainingEstimateSeconds: issue.timeestimate,
    plannedBudget: numberField(fields[FIELD.plannedBudget]),
    actualCost: numberField(fields[FIELD.actualCost]),
    // Jira's Flagged is a checkbox list: flagged when any option (Impediment) is ticked.
    flagged: Array.isArray(flagged) && flagged.length > 0,
    blockedByKeys,
    fixVersionIds: issue.fixVersionIds,
    statusChanges,
    dueDateChanges,
  };
}

function isSorted(changes: { atMs: number }[]): boolean {
  for (let index = 1; index < changes.length; index += 1) if (changes[index].atMs < changes[index - 1].atMs) return false;
  return true;
}
