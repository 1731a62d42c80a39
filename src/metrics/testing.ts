/**
 * Builders for hand-written metric cases: a work item or project with only the fields a case
 * cares about spelled out. Used by tests only.
 */
import { dayNumber, type ProjectData, type WorkItem } from './model';
import { DEFAULT_PROJECT_SETTINGS, type ProjectSettings } from './settings';

/** Epoch ms of a UTC date-time written as YYYY-MM-DD or YYYY-MM-DDTHH:mm. */
export function at(dateTime: string): number {
  return Date.parse(dateTime.length === 10 ? `${dateTime}T00:00:00Z` : `${dateTime}:00Z`);
}

export const day = dayNumber;

export function workItem(key: string, fields: Partial<WorkItem> = {}): WorkItem {
  return {
    id: key.replace(/\D/g, '') || '1',
    key,
    summary: key,
    level: 'standard',
    issueType: 'Story',
    statusCategory: 'new',
    priority: 'Medium',
    parentKey: null,
    assigneeAccountId: null,
    createdMs: at('2026-01-01'),
    updatedMs: at('2026-01-01'),
    resolvedMs: null,
    dueDay: null,
    startDay: null,
    storyPoints: null,
    originalEstimateSeconds: null,
    remainingEstimateSeconds: null,
    plannedBudget: null,
    actualCost: null,
    flagged: false,
    blockedByKeys: [],
    fixVersionIds: [],
    statusChanges: [],
    dueDateChanges: [],
    ...fields,
  };
}

export function project(items: WorkItem[], fields: Partial<ProjectData> = {}): ProjectData {
  return { key: 'P', name: 'Project', portfolio: null, createdMs: at('2026-01-01'), items, worklogs: [], versions: [], ...fields };
}

export function settings(fields: Partial<ProjectSettings> = {}): ProjectSettings {
  return { ...DEFAULT_PROJECT_SETTINGS, ...fields };
}
