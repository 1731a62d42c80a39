/**
 * A small, deterministic Jira site for the simulated Jira's tests, and a helper that serves it.
 *
 * People and what they may see:
 * - alice: Jira administrator (group jira-admins) — also the caller when no Authorization is sent;
 * - bob: browses and edits ALPHA (group team-alpha), browses BETA (user grant);
 * - carol: browses ALPHA (user grant, no edit), administers BETA without browsing it;
 * - dave: browses nothing; erin: inactive.
 * GAMMA is visible to administrators only. ALPHA has enough issues to need several pages.
 */
import { datasetSchema, type Dataset, type DatasetInput } from '../dataset';
import { importDataset, openJiraDatabase, type JiraDatabase } from '../db/database';
import { forgeFieldExtensionAri } from '../../constants';
import type { InstalledApp } from './access';
import { createSpecValidator, type SpecValidator } from '../spec/validator';
import { startJiraServer, type JiraKnobsPatch, type RunningJiraServer } from './index';

export const FIXTURE_NOW = new Date('2024-06-01T12:00:00.000Z');

export const USERS = {
  alice: { accountId: 'acc-alice', email: 'alice@example.com' },
  bob: { accountId: 'acc-bob', email: 'bob@example.com' },
  carol: { accountId: 'acc-carol', email: 'carol@example.com' },
  dave: { accountId: 'acc-dave', email: 'dave@example.com' },
  erin: { accountId: 'acc-erin', email: 'erin@example.com' },
} as const;
export type FixtureUser = keyof typeof USERS;

export const PROJECT_IDS = { ALPHA: 10000, BETA: 10001, GAMMA: 10002 } as const;
export const STORY_POINTS = 'customfield_10016';
export const PLANNED_BUDGET = 'customfield_10100';
export const ACTUAL_COST = 'customfield_10101';
export const START_DATE = 'customfield_10015';
export const TEAM = 'customfield_10200';

export const STATUS = { todo: '1', progress: '3', done: '10001' } as const;
const TYPE = { epic: '10000', story: '10001', task: '10002', bug: '10003', subtask: '10004' } as const;

const HOUR = 3_600_000;
const START = Date.parse('2024-01-01T09:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();

export interface FixtureOptions {
  /** Issues in ALPHA (ALPHA-1 is an epic, ALPHA-2 has two sub-tasks at the end of the list). */
  alphaIssues?: number;
  betaIssues?: number;
  gammaIssues?: number;
}

/** Issue ids: 10000 + n for ALPHA-n, 2,000,000 + n for BETA-n, 3,000,000 + n for GAMMA-n (room for big ALPHAs). */
export function issueId(key: string): number {
  const [project, number] = key.split('-');
  const offset = { ALPHA: 10_000, BETA: 2_000_000, GAMMA: 3_000_000 }[project];
  if (offset === undefined) throw new Error(`not a fixture key: ${key}`);
  return offset + Number(number);
}

export function buildFixtureInput(options: FixtureOptions = {}): DatasetInput {
  const alphaIssues = options.alphaIssues ?? 130;
  const betaIssues = options.betaIssues ?? 12;
  const gammaIssues = options.gammaIssues ?? 5;
  let changelogId = 100_000;
  let worklogId = 200_000;
  let linkId = 300_000;
  const issues: DatasetInput['issues'] = [];
  const people = [USERS.alice.accountId, USERS.bob.accountId, USERS.carol.accountId];

  const addIssues = (projectKey: 'ALPHA' | 'BETA' | 'GAMMA', count: number): void => {
    for (let n = 1; n <= count; n++) {
      const key = `${projectKey}-${n}`;
      const created = START + n * HOUR;
      const stage = n % 3; // 0 done, 1 to do, 2 in progress
      const isSubtask = projectKey === 'ALPHA' && n > count - 2 && count > 4;
      const type = n === 1 && projectKey === 'ALPHA' ? TYPE.epic : isSubtask ? TYPE.subtask : [TYPE.story, TYPE.task, TYPE.bug][n % 3];
      const changelog: NonNullable<DatasetInput['issues'][number]['changelog']> = [];
      if (stage !== 1) {
        changelog.push({
          id: String(changelogId++),
          authorAccountId: people[n % 3],
          created: iso(created + 2 * HOUR),
          items: [{ field: 'status', fieldId: 'status', from: STATUS.todo, fromString: 'To Do', to: STATUS.progress, toString: 'In Progress' }],
        });
      }
      if (stage === 0) {
        changelog.push({
          id: String(changelogId++),
          authorAccountId: people[n % 3],
          created: iso(created + 26 * HOUR),
          items: [
            { field: 'status', fieldId: 'status', from: STATUS.progress, fromString: 'In Progress', to: STATUS.done, toString: 'Done' },
            { field: 'resolution', fieldId: 'resolution', from: null, fromString: null, to: '10000', toString: 'Done' },
          ],
        });
      }
      if (n % 5 === 0) {
        changelog.push({
          id: String(changelogId++),
          authorAccountId: USERS.bob.accountId,
          created: iso(created + 3 * HOUR),
          items: [{ field: 'duedate', fieldId: 'duedate', from: null, fromString: null, to: '2024-03-01', toString: '2024-03-01 00:00:00.0' }],
        });
      }
      if (n % 7 === 0) {
        // An unassignment: `to` and `toString` are null, which answers leave out.
        changelog.push({
          id: String(changelogId++),
          authorAccountId: USERS.alice.accountId,
          created: iso(created + 4 * HOUR),
          items: [{ field: 'assignee', fieldId: 'assignee', from: USERS.alice.accountId, fromString: 'Alice Admin', to: null, toString: null }],
        });
      }
      const worklogs: NonNullable<DatasetInput['issues'][number]['worklogs']> = [];
      if (n % 2 === 0) {
        for (let w = 0; w < 2; w++) {
          worklogs.push({
            id: String(worklogId++),
            authorAccountId: people[(n + w) % 3],
            started: iso(created + (4 + w) * HOUR),
            timeSpentSeconds: 1800 * (w + 1),
            created: iso(created + (5 + w) * HOUR),
            updated: iso(created + (5 + w) * HOUR),
            comment: w === 0 ? `Worked on ${key}` : undefined,
          });
        }
      }
      const resolved = stage === 0 ? iso(created + 26 * HOUR) : null;
      issues.push({
        id: String(issueId(key)),
        key,
        projectKey,
        issueTypeId: type,
        summary: `${projectKey} issue ${n}`,
        statusId: stage === 0 ? STATUS.done : stage === 1 ? STATUS.todo : STATUS.progress,
        priorityId: String((n % 4) + 1),
        reporterAccountId: USERS.alice.accountId,
        assigneeAccountId: n % 4 === 0 ? null : people[n % 3],
        parentKey: projectKey === 'ALPHA' && isSubtask ? 'ALPHA-2' : projectKey === 'ALPHA' && n > 1 && n <= 10 ? 'ALPHA-1' : null,
        created: iso(created),
        updated: iso(created + 30 * HOUR),
        resolutiondate: resolved,
        duedate: n % 5 === 0 ? '2024-03-01' : null,
        labels: n % 2 === 0 ? ['backend'] : [],
        fixVersionIds: projectKey === 'ALPHA' ? [n <= 20 ? '10100' : '10101'] : [],
        timeoriginalestimate: n % 2 === 0 ? 8 * 3600 : null,
        timeestimate: n % 2 === 0 ? 4 * 3600 : null,
        customFields: n % 2 === 0 ? { [STORY_POINTS]: (n % 8) + 1, [PLANNED_BUDGET]: 1000 * n, [TEAM]: { value: 'Platform', id: '10300' } } : {},
        links: [],
        changelog,
        worklogs,
      });
    }
  };
  addIssues('ALPHA', alphaIssues);
  addIssues('BETA', betaIssues);
  addIssues('GAMMA', gammaIssues);

  // ALPHA-3 blocks ALPHA-4; ALPHA-5 blocks BETA-1 (hidden from carol, who cannot browse BETA).
  const byKey = new Map(issues.map((issue) => [issue.key, issue]));
  const link = (from: string, to: string, type: 'Blocks' | 'Relates'): void => {
    const issue = byKey.get(from);
    if (issue && byKey.has(to)) issue.links = [...(issue.links ?? []), { id: String(linkId++), type, outwardIssueKey: to }];
  };
  link('ALPHA-3', 'ALPHA-4', 'Blocks');
  link('ALPHA-5', 'BETA-1', 'Blocks');

  return {
    format: 'pmo-portfolio-jira-dataset',
    version: 1,
    generatedAt: '2024-06-01T00:00:00.000Z',
    site: { name: 'Fixture site', timeZone: 'UTC' },
    users: [
      { accountId: USERS.alice.accountId, displayName: 'Alice Admin', emailAddress: USERS.alice.email, groups: ['jira-admins', 'jira-users'] },
      { accountId: USERS.bob.accountId, displayName: 'Bob Builder', emailAddress: USERS.bob.email, groups: ['jira-users', 'team-alpha'], timeZone: 'Europe/Paris' },
      { accountId: USERS.carol.accountId, displayName: 'Carol Checker', emailAddress: USERS.carol.email, groups: ['jira-users'] },
      { accountId: USERS.dave.accountId, displayName: 'Dave Doe', emailAddress: USERS.dave.email, groups: [] },
      { accountId: USERS.erin.accountId, displayName: 'Erin Exited', emailAddress: USERS.erin.email, active: false, groups: ['team-alpha'] },
    ],
    groups: [
      { name: 'jira-admins', groupId: 'g-admins' },
      { name: 'jira-users', groupId: 'g-users' },
      { name: 'team-alpha', groupId: 'g-team-alpha' },
    ],
    globalPermissions: { ADMINISTER: { groups: ['jira-admins'] }, USER_PICKER: { groups: ['jira-users'] } },
    categories: [
      { id: '10000', name: 'Delivery', description: 'Customer projects' },
      { id: '10001', name: 'Internal', description: '' },
    ],
    statuses: [
      { id: STATUS.todo, name: 'To Do', categoryKey: 'new' },
      { id: STATUS.progress, name: 'In Progress', categoryKey: 'indeterminate' },
      { id: STATUS.done, name: 'Done', categoryKey: 'done' },
    ],
    issueTypes: [
      { id: TYPE.epic, name: 'Epic', hierarchyLevel: 1, subtask: false },
      { id: TYPE.story, name: 'Story', hierarchyLevel: 0, subtask: false },
      { id: TYPE.task, name: 'Task', hierarchyLevel: 0, subtask: false },
      { id: TYPE.bug, name: 'Bug', hierarchyLevel: 0, subtask: false },
      { id: TYPE.subtask, name: 'Sub-task', hierarchyLevel: -1, subtask: true },
    ],
    priorities: [
      { id: '1', name: 'Highest' },
      { id: '2', name: 'High' },
      { id: '3', name: 'Medium' },
      { id: '4', name: 'Low' },
    ],
    customFields: [
      { id: START_DATE, name: 'Start date', type: 'date', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:datepicker' },
      { id: STORY_POINTS, name: 'Story point estimate', type: 'number', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:float' },
      { id: PLANNED_BUDGET, name: 'Planned budget', type: 'number', custom: forgeFieldExtensionAri('planned-budget') },
      { id: ACTUAL_COST, name: 'Actual cost', type: 'number', custom: forgeFieldExtensionAri('actual-cost') },
      { id: TEAM, name: 'Team', type: 'option', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:select' },
    ],
    projects: [
      {
        id: String(PROJECT_IDS.ALPHA),
        key: 'ALPHA',
        name: 'Alpha Platform',
        description: 'The platform rebuild',
        leadAccountId: USERS.bob.accountId,
        categoryId: '10000',
        permissions: {
          BROWSE_PROJECTS: { groups: ['team-alpha'], users: [USERS.carol.accountId] },
          EDIT_ISSUES: { groups: ['team-alpha'] },
        },
      },
      {
        id: String(PROJECT_IDS.BETA),
        key: 'BETA',
        name: 'Beta Billing',
        leadAccountId: USERS.carol.accountId,
        categoryId: '10001',
        projectTypeKey: 'business',
        permissions: { BROWSE_PROJECTS: { users: [USERS.bob.accountId] }, ADMINISTER_PROJECTS: { users: [USERS.carol.accountId] } },
      },
      { id: String(PROJECT_IDS.GAMMA), key: 'GAMMA', name: 'Gamma Secret', leadAccountId: USERS.alice.accountId },
    ],
    versions: [
      { id: '10100', projectKey: 'ALPHA', name: 'v1.0', releaseDate: '2024-02-01', released: true },
      { id: '10101', projectKey: 'ALPHA', name: 'v2.0', startDate: '2024-02-02', releaseDate: '2024-05-30', description: 'Second release' },
      { id: '10102', projectKey: 'ALPHA', name: 'v3.0' },
      { id: '10103', projectKey: 'BETA', name: 'R1', releaseDate: '2024-09-01' },
    ],
    issues,
  };
}

export function buildFixture(options: FixtureOptions = {}): Dataset {
  return datasetSchema.parse(buildFixtureInput(options));
}

export interface FixtureJira {
  db: JiraDatabase;
  server: RunningJiraServer;
  /** Base URL, e.g. http://127.0.0.1:41234/jira. */
  url: string;
  /** fetch against the server as `user` (Basic auth), or as the site admin without a header. */
  fetchAs(user: FixtureUser | null, path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export function basicAuth(email: string): string {
  return `Basic ${Buffer.from(`${email}:any-api-token`).toString('base64')}`;
}

/** Opens an in-memory database with the fixture and serves it on a free port. */
export async function startFixtureJira(
  options: FixtureOptions & { knobs?: JiraKnobsPatch; now?: () => Date; installedApp?: InstalledApp } = {},
): Promise<FixtureJira> {
  const db = openJiraDatabase(':memory:');
  importDataset(db, buildFixture(options));
  const server = await startJiraServer({ db, knobs: options.knobs, now: options.now ?? (() => FIXTURE_NOW), ...(options.installedApp ? { installedApp: options.installedApp } : {}) });
  return {
    db,
    server,
    url: server.url,
    fetchAs(user, path, init = {}) {
      const headers = new Headers(init.headers);
      if (user !== null) headers.set('Authorization', basicAuth(USERS[user].email));
      if (init.body !== undefined && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
      return fetch(`${server.url}${path}`, { ...init, headers });
    },
    async close() {
      await server.close();
      db.close();
    },
  };
}

let validator: SpecValidator | undefined;

/**
 * Reads a JSON answer and checks it against the spec's schema for `endpoint` ("GET /rest/api/3/myself")
 * and its status, and every issue field value it carries against that field's component. Throws with
 * the problems, so a shape mistake fails the test that met it.
 */
export async function specJson<T>(response: Response, endpoint: string): Promise<T> {
  validator ??= createSpecValidator();
  const text = await response.text();
  const body: unknown = JSON.parse(text);
  const problems = validator.responseProblems(endpoint, response.status, body);
  for (const issue of issuesIn(body)) {
    for (const [field, value] of Object.entries(issue.fields ?? {})) {
      for (const problem of validator.fieldValueProblems(field, value)) problems.push(`issue ${issue.id} field ${field}: ${problem}`);
    }
  }
  if (problems.length > 0) throw new Error(`${endpoint} ${response.status} does not match the spec:\n${problems.join('\n')}\n${text.slice(0, 2000)}`);
  return body as T;
}

function issuesIn(body: unknown): { id?: string; fields?: Record<string, unknown> }[] {
  if (body === null || typeof body !== 'object') return [];
  const record = body as { issues?: unknown; fields?: unknown };
  if (Array.isArray(record.issues)) return record.issues as { id?: string; fields?: Record<string, unknown> }[];
  if (record.fields && typeof record.fields === 'object') return [record as { id?: string; fields?: Record<string, unknown> }];
  return [];
}
