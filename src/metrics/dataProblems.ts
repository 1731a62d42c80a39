/**
 * Problems in a project's Jira data that the figures had to work around, outside budgets (those are in
 * earnedValue.dataProblems): statuses its histories name that Jira does not know any more. Without a
 * category, a move through such a status counts as the category before it; cycle and lead times of the
 * items that went through it may be off, so the PMO is told which status and which items.
 */
import type { ProjectData } from './model';

/** Items named per problem before "and N more". */
const ITEMS_NAMED = 3;

export function dataProblems(project: Pick<ProjectData, 'items'>): string[] {
  const itemsByStatus = new Map<string, string[]>();
  for (const item of project.items) {
    for (const statusId of item.unknownStatusIds ?? []) {
      const keys = itemsByStatus.get(statusId);
      if (keys) keys.push(item.key);
      else itemsByStatus.set(statusId, [item.key]);
    }
  }
  return [...itemsByStatus]
    .sort(([a], [b]) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0))
    .map(([statusId, keys]) => {
      const named = keys.slice(0, ITEMS_NAMED).join(', ');
      const more = keys.length > ITEMS_NAMED ? ` and ${keys.length - ITEMS_NAMED} more` : '';
      return `status ${statusId}, in the history of ${named}${more}, is not a status Jira knows any more: moves through it count as the status before it`;
    });
}
