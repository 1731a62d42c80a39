/** The demo portfolio at a fixed day, and facts about it computed straight from the dataset. */
import { generateDemoDataset } from '../local/jira/seed';
import type { Dataset } from '../local/jira/dataset';

export const FIXED_NOW = new Date('2026-06-15T09:00:00Z');

let cached: Dataset | null = null;
export function demoDataset(): Dataset {
  cached ??= generateDemoDataset({ seed: 42, now: FIXED_NOW });
  return cached;
}

export function userByName(dataset: Dataset, displayName: string) {
  const user = dataset.users.find((candidate) => candidate.displayName === displayName);
  if (!user) throw new Error(`no demo user ${displayName}`);
  return user;
}

/** Keys of the projects a user may browse, by the dataset's grants. */
export function browsableProjectKeys(dataset: Dataset, accountId: string): string[] {
  const user = dataset.users.find((candidate) => candidate.accountId === accountId);
  if (!user) return [];
  const admin = (dataset.globalPermissions.ADMINISTER?.groups ?? []).some((group) => user.groups.includes(group)) ||
    (dataset.globalPermissions.ADMINISTER?.users ?? []).includes(accountId);
  return dataset.projects
    .filter((project) => {
      if (admin) return true;
      const browse = project.permissions.BROWSE_PROJECTS;
      return !!browse && (browse.users.includes(accountId) || browse.groups.some((group) => user.groups.includes(group)));
    })
    .map((project) => project.key)
    .sort();
}

/** Issue counts by status category and overdue count of one project, as of the dataset's now. */
export function expectedFigures(dataset: Dataset, projectKey: string, today: string) {
  const category = new Map(dataset.statuses.map((status) => [status.id, status.categoryKey]));
  const issues = dataset.issues.filter((issue) => issue.projectKey === projectKey);
  const count = (key: string) => issues.filter((issue) => category.get(issue.statusId) === key).length;
  return {
    total: issues.length,
    toDo: count('new'),
    inProgress: count('indeterminate'),
    done: count('done'),
    overdue: issues.filter((issue) => issue.resolutiondate === null && issue.duedate !== null && issue.duedate < today).length,
    lastUpdated: issues.reduce<string | null>((latest, issue) => {
      const updated = new Date(issue.updated).toISOString();
      return latest === null || updated > latest ? updated : latest;
    }, null),
  };
}
