/**
 * Workload: each person's open remaining estimate across projects against their capacity over the
 * next weeks, to spot overloaded people before their projects slip.
 */
import type { PersonWorkload } from '../shared/contract';
import { existedAt, isDoneAt } from './asOf';
import { notAvailable, ratio } from './figure';
import type { ProjectData } from './model';
import type { PortfolioSettings } from './settings';

const SECONDS_PER_HOUR = 3600;

export function workload(projects: ProjectData[], settings: PortfolioSettings, asOfMs: number): PersonWorkload[] {
  const people = new Map<string, { seconds: number; projects: Set<string> }>();
  for (const project of projects) {
    for (const item of project.items) {
      const person = item.assigneeAccountId;
      if (person === null || !existedAt(item, asOfMs) || isDoneAt(item, asOfMs)) continue;
      let entry = people.get(person);
      if (!entry) {
        entry = { seconds: 0, projects: new Set() };
        people.set(person, entry);
      }
      // The estimate is the item's current one (Jira keeps no history of it here); no estimate adds 0 h.
      entry.seconds += item.remainingEstimateSeconds ?? 0;
      entry.projects.add(project.key);
    }
  }

  const result: PersonWorkload[] = [];
  for (const [accountId, { seconds, projects: keys }] of people) {
    const perWeek = settings.capacityHoursPerWeek[accountId] ?? settings.defaultCapacityHoursPerWeek;
    const capacityHours = perWeek * settings.workloadWeeks;
    const openRemainingHours = seconds / SECONDS_PER_HOUR;
    const load =
      capacityHours > 0 ? ratio(openRemainingHours, capacityHours, 'no capacity') : notAvailable(`no capacity set (${perWeek} hours a week)`);
    result.push({ accountId, openRemainingHours, capacityHours, load, projects: [...keys].sort() });
  }
  // Most loaded first; without capacity the load is unbounded, so those with open hours lead.
  const sortLoad = (person: PersonWorkload): number =>
    person.load.value ?? (person.openRemainingHours > 0 ? Number.POSITIVE_INFINITY : 0);
  return result.sort(
    (a, b) => sortLoad(b) - sortLoad(a) || b.openRemainingHours - a.openRemainingHours || (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0),
  );
}
