/**
 * A portfolio plan: the people, groups and projects of a site before any issue exists, and how it
 * becomes the non-issue part of a dataset (users with their groups, project permissions).
 */
import type { Dataset, DatasetCategory, DatasetProject, DatasetUser, Grantees, ProjectPermissionKey } from '../dataset';
import type { ProjectPlan } from './project-generator';

export const GROUP = {
  siteAdmins: 'site-admins',
  pmoOffice: 'pmo-office',
  projectManagers: 'project-managers',
  jiraUsers: 'jira-users',
  contractors: 'external-contractors',
} as const;

export interface PortfolioUser {
  accountId: string;
  displayName: string;
  emailAddress: string;
  active: boolean;
  timeZone: string;
  locale: string;
  /** Groups besides project team groups (those follow from the projects' members). */
  groups: string[];
}

export interface PortfolioProject extends ProjectPlan {
  description: string;
  /** Everyone in the project's team group: the workers plus people who only follow the project. */
  teamMemberAccountIds: readonly string[];
}

export interface PortfolioPlan {
  siteName: string;
  timeZone: string;
  users: PortfolioUser[];
  categories: DatasetCategory[];
  projects: PortfolioProject[];
}

/** Stable, Jira-looking account ids (24 hex digits). */
export function accountIdFor(index: number): string {
  return `5f8a1c2e9d4b7a00${index.toString(16).padStart(8, '0')}`;
}

/** A stable UUID-shaped group id derived from the group name (FNV-1a, four rounds). */
export function groupIdFor(name: string): string {
  let hex = '';
  for (let round = 0; round < 4; round += 1) {
    let hash = 0x811c9dc5 ^ round;
    for (let index = 0; index < name.length; index += 1) {
      hash ^= name.charCodeAt(index);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    hex += hash.toString(16).padStart(8, '0');
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function teamGroupName(projectKey: string): string {
  return `proj-${projectKey.toLowerCase()}-team`;
}

function projectPermissions(project: PortfolioProject): DatasetProject['permissions'] {
  const team = teamGroupName(project.key);
  const lead = [project.leadAccountId];
  const grant = (groups: string[], users: string[]): Grantees => ({ groups, users });
  const permissions: Partial<Record<ProjectPermissionKey, Grantees>> = {
    BROWSE_PROJECTS: grant([team, GROUP.pmoOffice], lead),
    CREATE_ISSUES: grant([team], lead),
    // The PMO edits issues to maintain budgets.
    EDIT_ISSUES: grant([team, GROUP.pmoOffice], lead),
    TRANSITION_ISSUES: grant([team], lead),
    WORK_ON_ISSUES: grant([team], lead),
    ADMINISTER_PROJECTS: grant([], lead),
  };
  return permissions;
}

/** Everything of the dataset except versions and issues. */
export function siteFromPlan(
  plan: PortfolioPlan,
  now: Date,
  reference: Pick<Dataset, 'statuses' | 'issueTypes' | 'priorities' | 'customFields'>,
): Omit<Dataset, 'versions' | 'issues'> {
  const teamGroups = new Map<string, string[]>();
  for (const project of plan.projects) {
    for (const accountId of project.teamMemberAccountIds) {
      const groups = teamGroups.get(accountId) ?? [];
      groups.push(teamGroupName(project.key));
      teamGroups.set(accountId, groups);
    }
  }
  const users: DatasetUser[] = plan.users.map((user) => ({
    accountId: user.accountId,
    displayName: user.displayName,
    emailAddress: user.emailAddress,
    active: user.active,
    timeZone: user.timeZone,
    locale: user.locale,
    groups: [...user.groups, ...(teamGroups.get(user.accountId) ?? [])],
  }));
  const groupNames = [...Object.values(GROUP), ...plan.projects.map((project) => teamGroupName(project.key))];
  return {
    format: 'pmo-portfolio-jira-dataset',
    version: 1,
    generatedAt: now.toISOString(),
    site: { name: plan.siteName, timeZone: plan.timeZone },
    users,
    groups: groupNames.map((name) => ({ name, groupId: groupIdFor(name) })),
    globalPermissions: {
      ADMINISTER: { groups: [GROUP.siteAdmins], users: [] },
      SYSTEM_ADMIN: { groups: [GROUP.siteAdmins], users: [] },
      USER_PICKER: { groups: [GROUP.jiraUsers], users: [] },
    },
    categories: plan.categories,
    ...reference,
    projects: plan.projects.map((project) => ({
      id: project.id,
      key: project.key,
      name: project.name,
      description: project.description,
      leadAccountId: project.leadAccountId,
      ...(project.categoryId === undefined ? {} : { categoryId: project.categoryId }),
      projectTypeKey: 'software',
      permissions: projectPermissions(project),
    })),
  };
}
