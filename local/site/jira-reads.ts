/**
 * What the host pages read from Jira to stand in for it: the project or issue a page shows, the app's
 * custom fields, whether the viewer administers Jira. Always through Jira's REST API as the acting
 * user (the simulated Jira, or the real site), so a project or issue that person may not browse is
 * exactly as missing to the host as one that does not exist.
 */
import { z } from 'zod';

/** A request to a Jira REST path (`/rest/api/3/...`) as one user; a GET unless `init` says otherwise. */
export type JiraAsUser = (accountId: string, path: string, init?: RequestInit) => Promise<Response>;

/** Jira answered something other than the page needs (a 5xx, a 429): the host says so instead of guessing. */
export class JiraReadError extends Error {
  /** What the site answers: Jira, behind it, failed. */
  readonly status = 502;

  constructor(
    readonly jiraStatus: number,
    what: string,
  ) {
    super(`Jira answered ${jiraStatus} when the local site read ${what}.`);
    this.name = 'JiraReadError';
  }
}

async function read<T>(asUser: JiraAsUser, accountId: string, path: string, schema: z.ZodType<T>, what: string): Promise<T | null> {
  const response = await asUser(accountId, path);
  if (response.status === 404) return null;
  if (!response.ok) throw new JiraReadError(response.status, what);
  const parsed = schema.safeParse(await response.json());
  if (!parsed.success) throw new JiraReadError(response.status, `${what} (an answer in an unexpected shape)`);
  return parsed.data;
}

/** Jira's keys: letters, digits and underscores, a letter first; an issue key adds -N. */
const PROJECT_KEY = /^[A-Za-z][A-Za-z0-9_]{0,254}$/;
const ISSUE_KEY = /^[A-Za-z][A-Za-z0-9_]{0,254}-[1-9][0-9]{0,17}$/;
export const isProjectKey = (key: string): boolean => PROJECT_KEY.test(key);
export const isIssueKey = (key: string): boolean => ISSUE_KEY.test(key);

const projectJson = z.looseObject({ id: z.string(), key: z.string(), name: z.string(), projectTypeKey: z.string() });

export interface JiraProject {
  id: string;
  key: string;
  name: string;
  type: string;
}

export async function readProject(asUser: JiraAsUser, accountId: string, key: string): Promise<JiraProject | null> {
  if (!isProjectKey(key)) return null;
  const project = await read(asUser, accountId, `/rest/api/3/project/${encodeURIComponent(key)}`, projectJson, `project ${key}`);
  return project && { id: project.id, key: project.key, name: project.name, type: project.projectTypeKey };
}

/** The first project (by key) the user may browse, for the header's links; null when there is none. */
export async function firstProjectKey(asUser: JiraAsUser, accountId: string): Promise<string | null> {
  const page = await read(asUser, accountId, '/rest/api/3/project/search?maxResults=1&orderBy=key', z.looseObject({ values: z.array(z.looseObject({ key: z.string() })) }), 'the project list');
  return page?.values[0]?.key ?? null;
}

export async function firstIssueKey(asUser: JiraAsUser, accountId: string, projectKey: string): Promise<string | null> {
  if (!isProjectKey(projectKey)) return null;
  const jql = encodeURIComponent(`project = "${projectKey}" ORDER BY key ASC`);
  const answer = await read(asUser, accountId, `/rest/api/3/search/jql?jql=${jql}&maxResults=1&fields=key`, z.looseObject({ issues: z.array(z.looseObject({ key: z.string() })) }), `the issues of ${projectKey}`);
  return answer?.issues[0]?.key ?? null;
}

const named = z.looseObject({ name: z.string() }).nullable().optional();
const issueJson = z.looseObject({
  id: z.string(),
  key: z.string(),
  fields: z.looseObject({
    summary: z.string(),
    status: z.looseObject({ name: z.string(), statusCategory: z.looseObject({ key: z.string() }).optional() }),
    issuetype: z.looseObject({ id: z.string(), name: z.string() }),
    project: projectJson,
    priority: named,
    assignee: z.looseObject({ displayName: z.string() }).nullable().optional(),
  }),
});

export interface JiraIssue {
  id: string;
  key: string;
  summary: string;
  status: { name: string; category: string | null };
  issueType: { id: string; name: string };
  project: JiraProject;
  priority: string | null;
  assignee: string | null;
  /** The values of the fields asked for, by field id, as Jira answers them. */
  values: Record<string, unknown>;
}

export async function readIssue(asUser: JiraAsUser, accountId: string, key: string, fieldIds: readonly string[]): Promise<JiraIssue | null> {
  if (!isIssueKey(key)) return null;
  const fields = ['summary', 'status', 'issuetype', 'project', 'priority', 'assignee', ...fieldIds].join(',');
  const issue = await read(asUser, accountId, `/rest/api/3/issue/${encodeURIComponent(key)}?fields=${encodeURIComponent(fields)}`, issueJson, `issue ${key}`);
  if (!issue) return null;
  const { project, ...rest } = issue.fields;
  const all = rest as Record<string, unknown>;
  return {
    id: issue.id,
    key: issue.key,
    summary: rest.summary,
    status: { name: rest.status.name, category: rest.status.statusCategory?.key ?? null },
    issueType: { id: rest.issuetype.id, name: rest.issuetype.name },
    project: { id: project.id, key: project.key, name: project.name, type: project.projectTypeKey },
    priority: rest.priority?.name ?? null,
    assignee: rest.assignee?.displayName ?? null,
    values: Object.fromEntries(fieldIds.map((id) => [id, all[id] ?? null])),
  };
}

export interface JiraField {
  id: string;
  key: string;
  name: string;
}

const fieldList = z.array(z.looseObject({ id: z.string(), key: z.string().optional(), name: z.string(), schema: z.looseObject({ custom: z.string().optional() }).optional() }));

/** The site's fields that a Forge custom field module created, by the extension ARI Jira names them with. */
export async function readForgeFields(asUser: JiraAsUser, accountId: string, extensionAris: readonly string[]): Promise<Map<string, JiraField>> {
  const found = new Map<string, JiraField>();
  if (extensionAris.length === 0) return found;
  const fields = (await read(asUser, accountId, '/rest/api/3/field', fieldList, 'the field list')) ?? [];
  for (const field of fields) {
    const custom = field.schema?.custom;
    if (custom && extensionAris.includes(custom)) found.set(custom, { id: field.id, key: field.key ?? field.id, name: field.name });
  }
  return found;
}

/** Jira shows its admin pages (and an app's) only to Jira administrators. */
export async function isJiraAdministrator(asUser: JiraAsUser, accountId: string): Promise<boolean> {
  const answer = await read(
    asUser,
    accountId,
    '/rest/api/3/mypermissions?permissions=ADMINISTER',
    z.looseObject({ permissions: z.looseObject({ ADMINISTER: z.looseObject({ havePermission: z.boolean() }).optional() }) }),
    'your global permissions',
  );
  return answer?.permissions.ADMINISTER?.havePermission ?? false;
}

export interface JiraTransition {
  id: string;
  name: string;
  to: string;
}

const transitionList = z.looseObject({
  transitions: z.array(z.looseObject({ id: z.string(), name: z.string(), to: z.looseObject({ name: z.string() }).optional(), isAvailable: z.boolean().optional() })),
});

/** The transitions the user may make on the issue now, as Jira lists them to that person (none when they may not). */
export async function readTransitions(asUser: JiraAsUser, accountId: string, key: string): Promise<JiraTransition[]> {
  if (!isIssueKey(key)) return [];
  const answer = await read(asUser, accountId, `/rest/api/3/issue/${encodeURIComponent(key)}/transitions`, transitionList, `the transitions of ${key}`);
  return (answer?.transitions ?? [])
    .filter((transition) => transition.isAvailable !== false)
    .map((transition) => ({ id: transition.id, name: transition.name, to: transition.to?.name ?? transition.name }));
}
