/** Quality: open bugs, bugs reported recently and work reopened after it was done. */
import type { QualityMetrics } from '../shared/contract';
import { existedAt, isDoneAt } from './asOf';
import type { ProjectData, WorkItem } from './model';
import type { ProjectSettings } from './settings';

const RECENT_DAYS = 30;
const MS_PER_DAY = 86_400_000;

/** Jira's standard bug type, in any case (the length check saves building a lower-case string per item). */
export function isBug(item: WorkItem): boolean {
  return item.issueType.length === 3 && item.issueType.toLowerCase() === 'bug';
}

export function quality(project: ProjectData, _settings: ProjectSettings, asOfMs: number): QualityMetrics {
  const recentFromMs = asOfMs - RECENT_DAYS * MS_PER_DAY;
  let openBugs = 0;
  let bugsCreatedLast30Days = 0;
  let reopenings = 0;
  for (const item of project.items) {
    if (!existedAt(item, asOfMs)) continue;
    if (isBug(item)) {
      if (!isDoneAt(item, asOfMs)) openBugs += 1;
      if (item.createdMs > recentFromMs) bugsCreatedLast30Days += 1;
    }
    for (const change of item.statusChanges) {
      if (change.atMs > asOfMs) break;
      if (change.from === 'done' && change.to !== 'done') reopenings += 1;
    }
  }
  return { openBugs, bugsCreatedLast30Days, reopenings };
}
