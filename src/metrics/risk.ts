/**
 * Risk signals a PMO follows up: flagged work, work blocked by unfinished work, overdue work of high
 * priority and work in progress that nobody is assigned to.
 */
import type { RiskMetrics } from '../shared/contract';
import { dayInZone, existedAt, isDoneAt, statusCategoryAt } from './asOf';
import { compareKeys } from './flow';
import type { ProjectData, WorkItem } from './model';
import { isOverdueAt } from './schedule';
import type { ProjectSettings } from './settings';

/** Jira's High and Highest, in any case (the length check saves building a lower-case string per item). */
function isHighPriority(priority: string): boolean {
  if (priority.length !== 4 && priority.length !== 7) return false;
  const lower = priority.toLowerCase();
  return lower === 'high' || lower === 'highest';
}

/** The project part of a Jira key (PROJ of PROJ-12). */
function projectOfKey(key: string): string {
  const dash = key.lastIndexOf('-');
  return dash < 0 ? key : key.slice(0, dash);
}

export function risk(project: ProjectData, settings: ProjectSettings, asOfMs: number): RiskMetrics {
  const today = dayInZone(asOfMs, settings.timeZone);
  // Built on the first blocker link only: most projects have few links.
  let byKey: Map<string, WorkItem> | null = null;

  /**
   * A blocker in this project's data blocks while it is not done at T (an item that did not exist yet
   * blocks nothing). A blocker in another project is not in the data: it counts as unresolved, since a
   * missed blocker costs more than a stale link. A missing key of this project was deleted (or moved,
   * and Jira then links the new key): it blocks nothing.
   */
  const blocks = (blockerKey: string): boolean => {
    if (byKey === null) byKey = new Map(project.items.map((item) => [item.key, item]));
    const blocker = byKey.get(blockerKey);
    if (blocker) return existedAt(blocker, asOfMs) && !isDoneAt(blocker, asOfMs);
    return projectOfKey(blockerKey) !== project.key;
  };

  const flagged: string[] = [];
  const blocked: string[] = [];
  const overdueHighPriority: string[] = [];
  const unassignedInProgress: string[] = [];
  for (const item of project.items) {
    if (!existedAt(item, asOfMs)) continue;
    const category = statusCategoryAt(item, asOfMs);
    if (category === 'done') continue;
    if (item.flagged) flagged.push(item.key);
    if (item.blockedByKeys.length > 0 && item.blockedByKeys.some(blocks)) blocked.push(item.key);
    if (isHighPriority(item.priority) && isOverdueAt(item, asOfMs, today)) overdueHighPriority.push(item.key);
    if (category === 'indeterminate' && item.assigneeAccountId === null) unassignedInProgress.push(item.key);
  }
  for (const list of [flagged, blocked, overdueHighPriority, unassignedInProgress]) list.sort(compareKeys);
  return { flagged, blocked, overdueHighPriority, unassignedInProgress };
}
