import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { compileJql, JQL_LIMITS, JqlError, type JqlContext } from './index';

// ---------------------------------------------------------------------------------------------
// Fixture: three projects, statuses of every category, Epic/Story/Bug/Sub-task, 20 issues.

const STATUS = { todo: 1, progress: 2, done: 3, backlog: 4 };
const TYPE = { epic: 10, story: 11, bug: 12, subtask: 13 };

interface IssueSpec {
  id: number;
  key: string;
  type: number;
  status: number;
  priority: number;
  reporter: string;
  assignee: string | null;
  parent: string | null;
  created: string;
  updated: string;
  resolved: string | null;
  due: string | null;
  labels: string[];
  fixVersions: number[];
}

function issue(
  id: number,
  key: string,
  type: number,
  status: number,
  priority: number,
  reporter: string,
  assignee: string | null,
  parent: string | null,
  created: string,
  updated: string,
  extra: Partial<Pick<IssueSpec, 'resolved' | 'due' | 'labels' | 'fixVersions'>> = {},
): IssueSpec {
  return { id, key, type, status, priority, reporter, assignee, parent, created, updated, resolved: null, due: null, labels: [], fixVersions: [], ...extra };
}

const A = 'acc-alice';
const B = 'acc-bob';
const C = 'acc-carol';

const ISSUES: IssueSpec[] = [
  issue(1001, 'ALPHA-1', TYPE.epic, STATUS.done, 2, A, A, null, '2024-01-10T09:00Z', '2024-03-10T10:00Z', {
    resolved: '2024-03-10T10:00Z',
    due: '2024-03-01',
    labels: ['platform'],
    fixVersions: [100],
  }),
  issue(1002, 'ALPHA-2', TYPE.story, STATUS.progress, 3, B, B, 'ALPHA-1', '2024-02-01T10:00Z', '2024-03-14T08:00Z', {
    due: '2024-03-15',
    fixVersions: [101],
  }),
  issue(1003, 'ALPHA-3', TYPE.bug, STATUS.todo, 1, A, null, 'ALPHA-1', '2024-02-15T12:00Z', '2024-03-15T11:00Z', {
    labels: ['urgent', 'platform'],
  }),
  // 02:00 UTC on March 1st is still February 29th in New York.
  issue(1004, 'ALPHA-4', TYPE.subtask, STATUS.done, 4, C, C, 'ALPHA-2', '2024-03-01T02:00Z', '2024-03-05T00:00Z', {
    resolved: '2024-03-05T00:00Z',
    due: '2024-03-04',
    fixVersions: [100],
  }),
  issue(1005, 'ALPHA-5', TYPE.story, STATUS.backlog, 3, B, A, 'ALPHA-1', '2024-03-01T06:00Z', '2024-03-08T00:00Z', { due: '2024-03-20' }),
  issue(1006, 'ALPHA-6', TYPE.bug, STATUS.progress, 2, C, B, null, '2024-03-10T00:00Z', '2024-03-15T05:00Z', { due: '2024-03-15' }),
  issue(1007, 'ALPHA-7', TYPE.story, STATUS.todo, 5, A, null, null, '2024-03-14T13:00Z', '2024-03-14T13:00Z'),
  // 03:00 UTC on March 15th is still March 14th in New York (EDT since March 10th).
  issue(1008, 'ALPHA-8', TYPE.subtask, STATUS.todo, 3, B, C, 'ALPHA-7', '2024-03-15T03:00Z', '2024-03-15T03:00Z'),
  issue(1009, 'ALPHA-9', TYPE.bug, STATUS.done, 3, A, A, null, '2024-02-20T00:00Z', '2024-02-25T00:00Z', { resolved: '2024-02-25T00:00Z' }),
  issue(1010, 'ALPHA-10', TYPE.story, STATUS.progress, 2, A, B, 'ALPHA-1', '2024-03-12T00:00Z', '2024-03-13T00:00Z', {
    due: '2024-04-01',
    fixVersions: [101],
  }),
  issue(1011, 'ALPHA-11', TYPE.bug, STATUS.todo, 3, C, null, null, '2024-03-08T12:00Z', '2024-03-09T12:00Z'),
  issue(2001, 'BETA-1', TYPE.epic, STATUS.progress, 3, B, B, null, '2024-01-05T00:00Z', '2024-03-01T00:00Z', {
    labels: ['platform'],
    fixVersions: [102],
  }),
  issue(2002, 'BETA-2', TYPE.story, STATUS.done, 1, B, C, 'BETA-1', '2024-01-20T00:00Z', '2024-02-20T00:00Z', {
    resolved: '2024-02-20T00:00Z',
    due: '2024-02-15',
  }),
  issue(2003, 'BETA-3', TYPE.bug, STATUS.todo, 4, C, A, 'BETA-1', '2024-02-28T23:00Z', '2024-03-11T00:00Z', { due: '2024-03-11' }),
  issue(2004, 'BETA-4', TYPE.story, STATUS.backlog, 3, A, null, null, '2024-03-07T00:00Z', '2024-03-07T00:00Z'),
  issue(2005, 'BETA-5', TYPE.subtask, STATUS.progress, 3, B, B, 'BETA-2', '2024-03-13T00:00Z', '2024-03-14T00:00Z'),
  issue(2006, 'BETA-6', TYPE.bug, STATUS.done, 2, C, C, null, '2024-03-02T00:00Z', '2024-03-03T00:00Z', { resolved: '2024-03-03T00:00Z' }),
  issue(3001, 'GAMMA-1', TYPE.story, STATUS.todo, 3, A, A, null, '2024-03-15T11:00Z', '2024-03-15T11:30Z'),
  issue(3002, 'GAMMA-2', TYPE.bug, STATUS.progress, 3, B, null, null, '2024-03-15T11:59Z', '2024-03-15T11:59Z', { due: '2024-03-16' }),
  issue(3003, 'GAMMA-3', TYPE.epic, STATUS.done, 3, A, B, null, '2023-12-31T23:30Z', '2024-01-02T00:00Z', { resolved: '2024-01-02T00:00Z' }),
];

const ALL_KEYS = ISSUES.map((i) => i.key);

function buildDb(): Database.Database {
  const db = new Database(':memory:');
  db.exec(fs.readFileSync(path.join(__dirname, '../db/schema.sql'), 'utf8'));
  const users = db.prepare('INSERT INTO users VALUES (?, ?, ?, 1, ?, ?)');
  users.run(A, 'Alice Adams', 'alice@example.com', 'UTC', 'en_US');
  users.run(B, 'Bob Brown', 'bob@example.com', 'UTC', 'en_US');
  users.run(C, 'Carol Clark', 'carol@example.com', 'UTC', 'en_US');
  db.prepare('INSERT INTO groups VALUES (?, ?)').run('developers', 'g-1');
  db.prepare('INSERT INTO groups VALUES (?, ?)').run('managers', 'g-2');
  const member = db.prepare('INSERT INTO user_groups VALUES (?, ?)');
  member.run(A, 'developers');
  member.run(B, 'developers');
  const project = db.prepare(
    "INSERT INTO projects (id, key, name, description, lead_account_id, project_type_key) VALUES (?, ?, ?, '', ?, 'software')",
  );
  project.run(1, 'ALPHA', 'Alpha Project', A);
  project.run(2, 'BETA', 'Beta Project', B);
  project.run(3, 'GAMMA', 'Gamma', C);
  const status = db.prepare('INSERT INTO statuses VALUES (?, ?, ?)');
  status.run(STATUS.todo, 'To Do', 'new');
  status.run(STATUS.progress, 'In Progress', 'indeterminate');
  status.run(STATUS.done, 'Done', 'done');
  status.run(STATUS.backlog, 'Backlog', 'new');
  const type = db.prepare("INSERT INTO issue_types VALUES (?, ?, '', ?, ?)");
  type.run(TYPE.epic, 'Epic', 1, 0);
  type.run(TYPE.story, 'Story', 0, 0);
  type.run(TYPE.bug, 'Bug', 0, 0);
  type.run(TYPE.subtask, 'Sub-task', -1, 1);
  const priority = db.prepare('INSERT INTO priorities VALUES (?, ?)');
  ['Highest', 'High', 'Medium', 'Low', 'Lowest'].forEach((name, index) => priority.run(index + 1, name));
  const version = db.prepare("INSERT INTO versions VALUES (?, ?, ?, '', NULL, NULL, ?, 0)");
  version.run(100, 1, '1.0', 1);
  version.run(101, 1, '2.0', 0);
  version.run(102, 2, '1.0', 1);
  const insertIssue = db.prepare(`INSERT INTO issues
    (id, key, project_id, issue_number, issue_type_id, summary, status_id, priority_id, reporter_account_id,
     assignee_account_id, parent_id, created, created_ms, updated, updated_ms, resolutiondate, resolved_ms, duedate, labels)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const fixVersion = db.prepare('INSERT INTO issue_fix_versions VALUES (?, ?)');
  const ids = new Map(ISSUES.map((i) => [i.key, i.id]));
  const projectIds: Record<string, number> = { ALPHA: 1, BETA: 2, GAMMA: 3 };
  for (const i of ISSUES) {
    const [projectKey, number] = i.key.split('-');
    const ms = (iso: string | null) => (iso === null ? null : Date.parse(iso));
    insertIssue.run(
      i.id,
      i.key,
      projectIds[projectKey],
      Number(number),
      i.type,
      `Summary of ${i.key}`,
      i.status,
      i.priority,
      i.reporter,
      i.assignee,
      i.parent === null ? null : ids.get(i.parent),
      i.created,
      ms(i.created),
      i.updated,
      ms(i.updated),
      i.resolved,
      ms(i.resolved),
      i.due,
      JSON.stringify(i.labels),
    );
    for (const v of i.fixVersions) fixVersion.run(i.id, v);
  }
  return db;
}

const db = buildDb();
afterAll(() => db.close());

const NOW = new Date('2024-03-15T12:00:00Z');

function context(overrides: Partial<JqlContext> = {}): JqlContext {
  return { db, currentUser: A, now: NOW, timeZone: 'UTC', ...overrides };
}

/** The keys in the order the compiled query gives. */
function ordered(jql: string, overrides: Partial<JqlContext> = {}): string[] {
  const { where, params, orderBy } = compileJql(jql, context(overrides));
  return db.prepare(`SELECT i.key FROM issues i WHERE ${where} ORDER BY ${orderBy}`).pluck().all(...params) as string[];
}

/** The keys as a set, listed in fixture order, for clauses where order does not matter. */
function search(jql: string, overrides: Partial<JqlContext> = {}): string[] {
  const found = new Set(ordered(jql, overrides));
  return ALL_KEYS.filter((key) => found.has(key));
}

function errors(jql: string, overrides: Partial<JqlContext> = {}): string[] {
  try {
    compileJql(jql, context(overrides));
  } catch (error) {
    if (error instanceof JqlError) return error.errorMessages;
    throw error;
  }
  throw new Error(`expected a JqlError for: ${jql}`);
}

function error(jql: string, overrides: Partial<JqlContext> = {}): string {
  const messages = errors(jql, overrides);
  expect(messages).toHaveLength(1);
  return messages[0];
}

// ---------------------------------------------------------------------------------------------

describe('boolean structure', () => {
  it('binds AND tighter than OR', () => {
    expect(search('project = ALPHA AND status = Done OR project = BETA AND status = Done')).toEqual([
      'ALPHA-1',
      'ALPHA-4',
      'ALPHA-9',
      'BETA-2',
      'BETA-6',
    ]);
  });

  it('lets parentheses override precedence', () => {
    expect(search('project = ALPHA AND (status = Done OR priority = Highest)')).toEqual(['ALPHA-1', 'ALPHA-3', 'ALPHA-4', 'ALPHA-9']);
    expect(search('(project = ALPHA AND status = Done) OR priority = Highest')).toEqual(['ALPHA-1', 'ALPHA-3', 'ALPHA-4', 'ALPHA-9', 'BETA-2']);
  });

  it('binds NOT tighter than AND', () => {
    expect(search('NOT status = Done AND project = BETA')).toEqual(['BETA-1', 'BETA-3', 'BETA-4', 'BETA-5']);
  });

  it('negates a group with De Morgan', () => {
    expect(search('NOT (status = Done OR project = ALPHA)')).toEqual(['BETA-1', 'BETA-3', 'BETA-4', 'BETA-5', 'GAMMA-1', 'GAMMA-2']);
    expect(search('NOT NOT project = GAMMA')).toEqual(['GAMMA-1', 'GAMMA-2', 'GAMMA-3']);
  });

  it('accepts the symbolic forms &&, ||, & , | and !', () => {
    expect(search('project = GAMMA && !status = Done')).toEqual(['GAMMA-1', 'GAMMA-2']);
    expect(search('key = GAMMA-1 || key = GAMMA-2 | key = BETA-1 & status = "In Progress"')).toEqual(['BETA-1', 'GAMMA-1', 'GAMMA-2']);
  });

  it('reads keywords and field names in any case, over several lines', () => {
    expect(search('PROJECT = alpha and\n  STATUS = "done"\nOrder By KEY desc')).toEqual(['ALPHA-1', 'ALPHA-4', 'ALPHA-9']);
  });

  it('matches everything for an empty query or only ORDER BY', () => {
    expect(compileJql('', context()).where).toBe('1');
    expect(compileJql('   ', context()).where).toBe('1');
    const onlyOrder = compileJql('ORDER BY created', context());
    expect(onlyOrder.where).toBe('1');
    expect(onlyOrder.params).toEqual([]);
    expect(search('order by key')).toEqual(ALL_KEYS);
  });
});

describe('values', () => {
  it('finds projects by key, name or id', () => {
    const beta = ['BETA-1', 'BETA-2', 'BETA-3', 'BETA-4', 'BETA-5', 'BETA-6'];
    expect(search('project = BETA')).toEqual(beta);
    expect(search('project = beta')).toEqual(beta);
    expect(search('project = "Beta Project"')).toEqual(beta);
    expect(search("project = 'beta project'")).toEqual(beta);
    expect(search('project = 2')).toEqual(beta);
    expect(search('project = "2"')).toEqual(beta);
    expect(search('project in (GAMMA, 2)')).toEqual([...beta, 'GAMMA-1', 'GAMMA-2', 'GAMMA-3']);
  });

  it('finds issue types by name, alias or id and through the type functions', () => {
    expect(search('type = Epic')).toEqual(['ALPHA-1', 'BETA-1', 'GAMMA-3']);
    expect(search('issuetype = 13')).toEqual(['ALPHA-4', 'ALPHA-8', 'BETA-5']);
    expect(search('issuetype in subTaskIssueTypes()')).toEqual(['ALPHA-4', 'ALPHA-8', 'BETA-5']);
    expect(search('issuetype in standardIssueTypes() AND project = GAMMA')).toEqual(['GAMMA-1', 'GAMMA-2', 'GAMMA-3']);
    expect(search('issuetype = "sub-task" AND project = BETA')).toEqual(['BETA-5']);
  });

  it('finds statuses by name or id', () => {
    expect(search('status = "In Progress" AND project = BETA')).toEqual(['BETA-1', 'BETA-5']);
    expect(search('status = 4')).toEqual(['ALPHA-5', 'BETA-4']);
    expect(search('status in (backlog, "to do") AND project = BETA')).toEqual(['BETA-3', 'BETA-4']);
  });

  it('finds status categories by name, key or id', () => {
    const toDo = ['ALPHA-3', 'ALPHA-5', 'ALPHA-7', 'ALPHA-8', 'ALPHA-11', 'BETA-3', 'BETA-4', 'GAMMA-1'];
    expect(search('statusCategory = "To Do"')).toEqual(toDo);
    expect(search('statusCategory = new')).toEqual(toDo);
    expect(search('statuscategory = 2')).toEqual(toDo);
    expect(search('statusCategory in (indeterminate, 3) AND project = BETA')).toEqual(['BETA-1', 'BETA-2', 'BETA-5', 'BETA-6']);
    expect(search('statusCategory != Done AND project = GAMMA')).toEqual(['GAMMA-1', 'GAMMA-2']);
  });

  it('finds priorities by name or id', () => {
    expect(search('priority = High')).toEqual(['ALPHA-1', 'ALPHA-6', 'ALPHA-10', 'BETA-6']);
    expect(search('priority in (1, Lowest)')).toEqual(['ALPHA-3', 'ALPHA-7', 'BETA-2']);
  });

  it('finds users by account id, email, display name and currentUser()', () => {
    const bob = ['ALPHA-2', 'ALPHA-6', 'ALPHA-10', 'BETA-1', 'BETA-5', 'GAMMA-3'];
    expect(search('assignee = acc-bob')).toEqual(bob);
    expect(search('assignee = "bob@example.com"')).toEqual(bob);
    expect(search('assignee = "bob brown"')).toEqual(bob);
    expect(search('assignee = currentUser()')).toEqual(['ALPHA-1', 'ALPHA-5', 'ALPHA-9', 'BETA-3', 'GAMMA-1']);
    expect(search('reporter = currentUser() AND project = BETA')).toEqual(['BETA-4']);
    expect(search('assignee = currentUser()', { currentUser: B })).toEqual(bob);
  });

  it('matches no one through currentUser() when the caller is the app', () => {
    expect(search('assignee = currentUser()', { currentUser: null })).toEqual([]);
    expect(search('assignee in (currentUser(), acc-carol) AND project = BETA', { currentUser: null })).toEqual(['BETA-2', 'BETA-6']);
  });

  it('expands membersOf()', () => {
    expect(search('assignee in membersOf(developers) AND project = BETA')).toEqual(['BETA-1', 'BETA-3', 'BETA-5']);
    expect(search('assignee in membersOf("Managers")')).toEqual([]);
  });

  it('finds children by parent key or id', () => {
    expect(search('parent = ALPHA-1')).toEqual(['ALPHA-2', 'ALPHA-3', 'ALPHA-5', 'ALPHA-10']);
    expect(search('parent in (alpha-2, 2002)')).toEqual(['ALPHA-4', 'BETA-5']);
    expect(search('parent is EMPTY AND project = BETA')).toEqual(['BETA-1', 'BETA-4', 'BETA-6']);
    expect(search('parent != ALPHA-1 AND project = ALPHA')).toEqual(['ALPHA-4', 'ALPHA-8']);
  });

  it('finds fix versions by name (any project) or id, and through the version functions', () => {
    expect(search('fixVersion = "1.0"')).toEqual(['ALPHA-1', 'ALPHA-4', 'BETA-1']);
    expect(search('fixversion = 101')).toEqual(['ALPHA-2', 'ALPHA-10']);
    expect(search('fixVersion in unreleasedVersions()')).toEqual(['ALPHA-2', 'ALPHA-10']);
    expect(search('fixVersion in releasedVersions(BETA)')).toEqual(['BETA-1']);
    expect(search('fixVersion != "2.0"')).toEqual(['ALPHA-1', 'ALPHA-4', 'BETA-1']);
    expect(search('fixVersion is EMPTY AND project = BETA')).toEqual(['BETA-2', 'BETA-3', 'BETA-4', 'BETA-5', 'BETA-6']);
  });

  it('finds labels', () => {
    expect(search('labels = platform')).toEqual(['ALPHA-1', 'ALPHA-3', 'BETA-1']);
    expect(search('labels not in (urgent)')).toEqual(['ALPHA-1', 'BETA-1']);
    expect(search('labels is not EMPTY')).toEqual(['ALPHA-1', 'ALPHA-3', 'BETA-1']);
  });

  it('treats resolution = Unresolved as EMPTY', () => {
    expect(search('resolution = Unresolved AND project = BETA')).toEqual(['BETA-1', 'BETA-3', 'BETA-4', 'BETA-5']);
    expect(search('resolution is not EMPTY AND project = BETA')).toEqual(['BETA-2', 'BETA-6']);
    expect(search('resolution != unresolved AND project = BETA')).toEqual(['BETA-2', 'BETA-6']);
  });

  it('reads escapes in quoted and unquoted strings', () => {
    expect(search('status = "In\\u0020Progress" AND project = GAMMA')).toEqual(['GAMMA-2']);
    expect(search('status = In\\ Progress AND project = GAMMA')).toEqual(['GAMMA-2']);
    expect(search("assignee = 'Bob Brown' AND status = \"In Progress\" AND project = BETA")).toEqual(['BETA-1', 'BETA-5']);
  });

  it('binds values as parameters, never as SQL text', () => {
    const compiled = compileJql(`labels = "x') OR 1=1 --" AND labels in ("a\\"b", 'c')`, context());
    expect(compiled.where).not.toContain('OR 1=1');
    expect(compiled.params).toEqual(expect.arrayContaining(["x') OR 1=1 --", 'a"b', 'c']));
    expect(search(`labels = "x') OR 1=1 --"`)).toEqual([]);
  });
});

describe('EMPTY and negation', () => {
  const unassigned = ['ALPHA-3', 'ALPHA-7', 'ALPHA-11', 'BETA-4', 'GAMMA-2'];

  it('treats = EMPTY, IS EMPTY and IS NULL alike', () => {
    expect(search('assignee is EMPTY')).toEqual(unassigned);
    expect(search('assignee = EMPTY')).toEqual(unassigned);
    expect(search('assignee IS null')).toEqual(unassigned);
    expect(search('assignee in (EMPTY)')).toEqual(unassigned);
  });

  it('treats != EMPTY and IS NOT EMPTY alike', () => {
    const assigned = ALL_KEYS.filter((key) => !unassigned.includes(key));
    expect(search('assignee is not EMPTY')).toEqual(assigned);
    expect(search('assignee != EMPTY')).toEqual(assigned);
    expect(search('NOT assignee is EMPTY')).toEqual(assigned);
  });

  it('leaves empty fields out of != and NOT IN, as Jira does', () => {
    const notBob = ['ALPHA-1', 'ALPHA-4', 'ALPHA-5', 'ALPHA-8', 'ALPHA-9', 'BETA-2', 'BETA-3', 'BETA-6', 'GAMMA-1'];
    expect(search('assignee != acc-bob')).toEqual(notBob);
    expect(search('NOT assignee = acc-bob')).toEqual(notBob);
    expect(search('NOT (assignee = acc-bob)')).toEqual(notBob);
    expect(search('assignee not in (acc-bob, acc-carol)')).toEqual(['ALPHA-1', 'ALPHA-5', 'ALPHA-9', 'BETA-3', 'GAMMA-1']);
    expect(search('assignee != acc-bob OR assignee is EMPTY')).toEqual(ALL_KEYS.filter((key) => !search('assignee = acc-bob').includes(key)));
  });

  it('mixes EMPTY with values in lists', () => {
    expect(search('assignee in (EMPTY, acc-carol) AND project = BETA')).toEqual(['BETA-2', 'BETA-4', 'BETA-6']);
    expect(search('assignee not in (EMPTY, acc-carol) AND project = BETA')).toEqual(['BETA-1', 'BETA-3', 'BETA-5']);
    expect(search('NOT assignee in (EMPTY, acc-carol) AND project = BETA')).toEqual(['BETA-1', 'BETA-3', 'BETA-5']);
  });

  it('flips ranges under NOT', () => {
    expect(search('NOT created >= "2024-03-13" AND project = GAMMA')).toEqual(['GAMMA-3']);
    expect(search('NOT resolved < "2024-03-01"')).toEqual(['ALPHA-1', 'ALPHA-4', 'BETA-6']);
  });
});

describe('issue keys', () => {
  it('matches keys and ids', () => {
    expect(search('key = ALPHA-3')).toEqual(['ALPHA-3']);
    expect(search('issuekey in (alpha-1, BETA-2)')).toEqual(['ALPHA-1', 'BETA-2']);
    expect(search('id = 2003')).toEqual(['BETA-3']);
    expect(search('issue = GAMMA-2')).toEqual(['GAMMA-2']);
    expect(search('key != ALPHA-1 AND project = ALPHA AND key < ALPHA-4')).toEqual(['ALPHA-2', 'ALPHA-3']);
  });

  it('compares key ranges by number within the project', () => {
    expect(search('key > ALPHA-8')).toEqual(['ALPHA-9', 'ALPHA-10', 'ALPHA-11']);
    expect(search('key <= BETA-2')).toEqual(['BETA-1', 'BETA-2']);
    expect(search('key >= ALPHA-9 AND key < ALPHA-11')).toEqual(['ALPHA-9', 'ALPHA-10']);
    expect(search('NOT key > ALPHA-2')).toEqual(['ALPHA-1', 'ALPHA-2']);
  });

  it('compares numeric ids as ids', () => {
    expect(search('id > 3001')).toEqual(['GAMMA-2', 'GAMMA-3']);
  });
});

describe('dates', () => {
  it('measures periods back from now', () => {
    expect(search('created >= -7d')).toEqual(['ALPHA-6', 'ALPHA-7', 'ALPHA-8', 'ALPHA-10', 'ALPHA-11', 'BETA-5', 'GAMMA-1', 'GAMMA-2']);
    expect(search('created < "-4w 2d"')).toEqual(['ALPHA-1', 'ALPHA-2', 'BETA-1', 'BETA-2', 'GAMMA-3']);
    expect(search('updated > -1h')).toEqual(['GAMMA-1', 'GAMMA-2']);
    expect(search('updated >= "-30m"')).toEqual(['GAMMA-1', 'GAMMA-2']);
    expect(search('updated > "1h"')).toEqual([]);
  });

  it('reads a plain date as midnight, so <= stops at the start of that day', () => {
    expect(search('created <= "2024-03-01"')).toEqual(['ALPHA-1', 'ALPHA-2', 'ALPHA-3', 'ALPHA-9', 'BETA-1', 'BETA-2', 'BETA-3', 'GAMMA-3']);
    expect(search('created in ("2024-03-10", "2024/03/12")')).toEqual(['ALPHA-6', 'ALPHA-10']);
  });

  it('reads dates in the site time zone', () => {
    const march1 = 'created >= "2024-03-01" AND created < "2024-03-02"';
    expect(search(march1)).toEqual(['ALPHA-4', 'ALPHA-5']);
    expect(search(march1, { timeZone: 'America/New_York' })).toEqual(['ALPHA-5', 'BETA-6']);
    expect(search('created >= "2024/03/15 11:00"')).toEqual(['GAMMA-1', 'GAMMA-2']);
    expect(search('created >= "2024-03-15 07:00"', { timeZone: 'America/New_York' })).toEqual(['GAMMA-1', 'GAMMA-2']);
    expect(search('created >= "2024-03-01 9:00"', { timeZone: 'Asia/Tokyo' })).toEqual(search('created >= "2024-03-01"'));
  });

  it('evaluates startOfDay() and its offsets in the time zone', () => {
    expect(search('created >= startOfDay()')).toEqual(['ALPHA-8', 'GAMMA-1', 'GAMMA-2']);
    expect(search('created >= startOfDay()', { timeZone: 'America/New_York' })).toEqual(['GAMMA-1', 'GAMMA-2']);
    expect(search('created >= startOfDay(-1)')).toEqual(['ALPHA-7', 'ALPHA-8', 'GAMMA-1', 'GAMMA-2']);
    expect(search('created >= startOfDay("-1d") AND created < startOfDay()')).toEqual(['ALPHA-7']);
    expect(search('created >= startofday("+11h")')).toEqual(['GAMMA-1', 'GAMMA-2']);
    expect(search('updated > endOfDay(-1) AND updated <= endOfDay()')).toEqual(['ALPHA-3', 'ALPHA-6', 'ALPHA-8', 'GAMMA-1', 'GAMMA-2']);
  });

  it('evaluates week, month and year functions', () => {
    // 2024-03-15 is a Friday; Jira's weeks start on Sunday (March 10th).
    expect(search('created >= startOfWeek()')).toEqual(['ALPHA-6', 'ALPHA-7', 'ALPHA-8', 'ALPHA-10', 'BETA-5', 'GAMMA-1', 'GAMMA-2']);
    expect(search('created < startOfMonth()')).toEqual(['ALPHA-1', 'ALPHA-2', 'ALPHA-3', 'ALPHA-9', 'BETA-1', 'BETA-2', 'BETA-3', 'GAMMA-3']);
    expect(search('created >= startOfMonth(-1) AND created < startOfMonth()')).toEqual(['ALPHA-2', 'ALPHA-3', 'ALPHA-9', 'BETA-3']);
    expect(search('created >= startOfMonth("-1M") AND created <= endOfMonth(-1)')).toEqual(['ALPHA-2', 'ALPHA-3', 'ALPHA-9', 'BETA-3']);
    expect(search('created < startOfYear()')).toEqual(['GAMMA-3']);
    expect(search('created > endOfYear(-1)')).toEqual(ALL_KEYS.filter((key) => key !== 'GAMMA-3'));
    expect(search('duedate > endOfWeek()')).toEqual(['ALPHA-5', 'ALPHA-10']);
    expect(search('updated > now()')).toEqual([]);
  });

  it('lands on real instants across DST changes', () => {
    // Santiago skips midnight on 2024-09-08 (00:00 -04 becomes 01:00 -03): the day starts at 01:00.
    const santiago = compileJql('created >= startOfDay()', context({ now: new Date('2024-09-08T15:00:00Z'), timeZone: 'America/Santiago' }));
    expect(santiago.params).toEqual([Date.parse('2024-09-08T04:00:00Z')]);
    // 04:30 UTC on Sunday 10 March is still Saturday evening in New York: the week began on 3 March, EST.
    const week = compileJql('updated >= startOfWeek()', context({ now: new Date('2024-03-10T04:30:00Z'), timeZone: 'America/New_York' }));
    expect(week.params).toEqual([Date.parse('2024-03-03T05:00:00Z')]);
    const endOfFebruary = compileJql('created <= endOfMonth(1)', context({ now: new Date('2024-01-31T12:00:00Z') }));
    expect(endOfFebruary.params).toEqual([Date.parse('2024-02-29T23:59:59.999Z')]);
  });

  it('compares due dates as dates, truncating instants to the day in the zone', () => {
    expect(search('due = "2024-03-15"')).toEqual(['ALPHA-2', 'ALPHA-6']);
    expect(search('duedate < now()')).toEqual(['ALPHA-1', 'ALPHA-4', 'BETA-2', 'BETA-3']);
    expect(search('duedate <= now()')).toEqual(['ALPHA-1', 'ALPHA-2', 'ALPHA-4', 'ALPHA-6', 'BETA-2', 'BETA-3']);
    expect(search('duedate >= 1d')).toEqual(['ALPHA-5', 'ALPHA-10', 'GAMMA-2']);
    expect(search('duedate <= endOfMonth()')).toEqual(['ALPHA-1', 'ALPHA-2', 'ALPHA-4', 'ALPHA-5', 'ALPHA-6', 'BETA-2', 'BETA-3', 'GAMMA-2']);
    const lateEvening = new Date('2024-03-16T02:00:00Z');
    expect(search('duedate = now()', { now: lateEvening })).toEqual(['GAMMA-2']);
    expect(search('duedate = now()', { now: lateEvening, timeZone: 'America/New_York' })).toEqual(['ALPHA-2', 'ALPHA-6']);
  });

  it('leaves empty dates out of != and finds them with IS EMPTY', () => {
    expect(search('duedate is EMPTY AND project = ALPHA')).toEqual(['ALPHA-3', 'ALPHA-7', 'ALPHA-8', 'ALPHA-9', 'ALPHA-11']);
    expect(search('duedate != "2024-03-15" AND project = ALPHA')).toEqual(['ALPHA-1', 'ALPHA-4', 'ALPHA-5', 'ALPHA-10']);
    expect(search('resolutiondate is EMPTY AND project = GAMMA')).toEqual(['GAMMA-1', 'GAMMA-2']);
    expect(search('resolved != "2024-03-05 00:00"')).toEqual(['ALPHA-1', 'ALPHA-9', 'BETA-2', 'BETA-6', 'GAMMA-3']);
    expect(search('resolved in (EMPTY, "2024-03-03") AND project = BETA')).toEqual(['BETA-1', 'BETA-3', 'BETA-4', 'BETA-5', 'BETA-6']);
  });

  it('reads an unquoted number as epoch milliseconds', () => {
    expect(search(`created < ${Date.parse('2024-01-01T00:00:00Z')}`)).toEqual(['GAMMA-3']);
    expect(search(`createdDate = ${Date.parse('2024-03-10T00:00:00Z')}`)).toEqual(['ALPHA-6']);
    expect(search(`updatedDate >= ${Date.parse('2024-03-15T11:30:00Z')}`)).toEqual(['GAMMA-1', 'GAMMA-2']);
  });
});

describe('ORDER BY', () => {
  it('orders keys by project key, then number', () => {
    expect(ordered('project = ALPHA ORDER BY key')).toEqual([
      'ALPHA-1',
      'ALPHA-2',
      'ALPHA-3',
      'ALPHA-4',
      'ALPHA-5',
      'ALPHA-6',
      'ALPHA-7',
      'ALPHA-8',
      'ALPHA-9',
      'ALPHA-10',
      'ALPHA-11',
    ]);
  });

  it('defaults to key descending', () => {
    expect(ordered('project in (BETA, GAMMA)')).toEqual(['GAMMA-3', 'GAMMA-2', 'GAMMA-1', 'BETA-6', 'BETA-5', 'BETA-4', 'BETA-3', 'BETA-2', 'BETA-1']);
    expect(compileJql('', context()).orderBy).toMatch(/i\.id DESC$/);
  });

  it('sorts on several fields and always ends with the id', () => {
    expect(ordered('project = BETA ORDER BY priority DESC, key ASC')).toEqual(['BETA-2', 'BETA-6', 'BETA-1', 'BETA-4', 'BETA-5', 'BETA-3']);
    expect(ordered('project = BETA ORDER BY priority, key')).toEqual(['BETA-2', 'BETA-6', 'BETA-1', 'BETA-4', 'BETA-5', 'BETA-3']);
    expect(ordered('project = BETA ORDER BY priority ASC, key DESC')).toEqual(['BETA-3', 'BETA-5', 'BETA-4', 'BETA-1', 'BETA-6', 'BETA-2']);
    expect(compileJql('ORDER BY status', context()).orderBy).toMatch(/, i\.id ASC$/);
  });

  it('puts empty values last going up and first going down', () => {
    expect(ordered('project = ALPHA ORDER BY duedate ASC, key')).toEqual([
      'ALPHA-1',
      'ALPHA-4',
      'ALPHA-2',
      'ALPHA-6',
      'ALPHA-5',
      'ALPHA-10',
      'ALPHA-3',
      'ALPHA-7',
      'ALPHA-8',
      'ALPHA-9',
      'ALPHA-11',
    ]);
    expect(ordered('project = BETA ORDER BY assignee, key')).toEqual(['BETA-3', 'BETA-1', 'BETA-5', 'BETA-2', 'BETA-6', 'BETA-4']);
    expect(ordered('project = BETA ORDER BY assignee DESC, key')).toEqual(['BETA-4', 'BETA-2', 'BETA-6', 'BETA-1', 'BETA-5', 'BETA-3']);
  });

  it('sorts date-times newest first by default', () => {
    expect(ordered('project = BETA ORDER BY created')).toEqual(['BETA-5', 'BETA-4', 'BETA-6', 'BETA-3', 'BETA-2', 'BETA-1']);
    expect(ordered('project = BETA ORDER BY created ASC')).toEqual(['BETA-1', 'BETA-2', 'BETA-3', 'BETA-6', 'BETA-4', 'BETA-5']);
  });

  it('sorts by status category in workflow order, and by project, type, parent, summary', () => {
    expect(ordered('project = GAMMA ORDER BY statusCategory DESC')).toEqual(['GAMMA-3', 'GAMMA-2', 'GAMMA-1']);
    expect(ordered('key in (GAMMA-1, BETA-1, ALPHA-1) ORDER BY project')).toEqual(['ALPHA-1', 'BETA-1', 'GAMMA-1']);
    expect(ordered('project = GAMMA ORDER BY type, key')).toEqual(['GAMMA-3', 'GAMMA-1', 'GAMMA-2']);
    expect(ordered('parent is not EMPTY ORDER BY parent DESC, key')).toEqual(['BETA-5', 'BETA-2', 'BETA-3', 'ALPHA-8', 'ALPHA-4', 'ALPHA-2', 'ALPHA-3', 'ALPHA-5', 'ALPHA-10']);
    expect(ordered('project = GAMMA ORDER BY summary DESC')).toEqual(['GAMMA-3', 'GAMMA-2', 'GAMMA-1']);
  });
});

describe('errors', () => {
  it('rejects unknown fields', () => {
    expect(error('foo = bar')).toBe("Field 'foo' does not exist or you do not have permission to view it.");
    expect(error('cf[10016] = 3')).toBe("Field 'cf[10016]' does not exist or you do not have permission to view it.");
    expect(error('project = ALPHA ORDER BY rank')).toBe("Field 'rank' does not exist or you do not have permission to view it.");
    expect(error('ORDER BY labels')).toBe("Not able to sort using field 'labels'.");
  });

  it('rejects unknown values', () => {
    expect(error('project = XYZ')).toBe("The value 'XYZ' does not exist for the field 'project'.");
    expect(error('issuetype = 999')).toBe("A value with ID '999' does not exist for the field 'issuetype'.");
    expect(error('type = Task')).toBe("The value 'Task' does not exist for the field 'type'.");
    expect(error('status in (Done, Nope)')).toBe("The value 'Nope' does not exist for the field 'status'.");
    expect(error('statusCategory = Finished')).toBe("The value 'Finished' does not exist for the field 'statusCategory'.");
    expect(error('assignee = bob')).toBe("The value 'bob' does not exist for the field 'assignee'.");
    expect(error('reporter = 1')).toBe("A value with ID '1' does not exist for the field 'reporter'.");
    expect(error('fixVersion = 3.0')).toBe("The value '3.0' does not exist for the field 'fixVersion'.");
    expect(error('resolution = Done')).toBe("The value 'Done' does not exist for the field 'resolution'.");
    expect(error('key = foo')).toBe("The issue key 'foo' for field 'key' is invalid.");
    expect(error('key = ALPHA-99')).toBe("An issue with key 'ALPHA-99' does not exist for field 'key'.");
    expect(error('parent = NOPE-1')).toBe("An issue with key 'NOPE-1' does not exist for field 'parent'.");
    expect(error('key > NOPE-1')).toBe("An issue with key 'NOPE-1' does not exist for field 'key'.");
    expect(error('assignee in membersOf(nobody)')).toBe(
      "Function 'membersOf' can not generate a list of usernames for group 'nobody'; the group does not exist.",
    );
  });

  it('reports every failing clause', () => {
    expect(errors('project = XYZ AND (status = Nope OR foo = 1) ORDER BY bar')).toEqual([
      "The value 'XYZ' does not exist for the field 'project'.",
      "The value 'Nope' does not exist for the field 'status'.",
      "Field 'foo' does not exist or you do not have permission to view it.",
      "Field 'bar' does not exist or you do not have permission to view it.",
    ]);
  });

  it('rejects operators a field does not support, text search and history search', () => {
    expect(error('status ~ Done')).toBe("The operator '~' is not supported by the 'status' field.");
    expect(error('project > ALPHA')).toBe("The operator '>' is not supported by the 'project' field.");
    expect(error('summary ~ "login page"')).toBe("The operator '~' is not supported by the 'summary' field.");
    expect(error('text ~ login')).toBe("The operator '~' is not supported by the 'text' field.");
    expect(error('key is EMPTY')).toBe("The operator 'is' is not supported by the 'key' field.");
    expect(error('status was Done')).toBe("The operator 'was' is not supported by the 'status' field.");
    expect(error('status was not in (Done) by acc-bob')).toBe("The operator 'was not in' is not supported by the 'status' field.");
    expect(error('assignee changed')).toBe("The operator 'changed' is not supported by the 'assignee' field.");
    expect(error('fixVersion > "1.0"')).toBe("The operator '>' is not supported by the 'fixVersion' field.");
  });

  it('rejects operands the operator cannot take', () => {
    expect(error('project in ALPHA')).toBe(`Operator 'in' does not support the non-list value '"ALPHA"' for field 'project'.`);
    expect(error('assignee not in currentUser()')).toBe("Operator 'not in' does not support the non-list value 'currentUser()' for field 'assignee'.");
    expect(error('assignee = membersOf(developers)')).toBe("Operator '=' does not support the list value 'membersOf(developers)' for field 'assignee'.");
    expect(error('status = (Done, 4)')).toBe(`Operator '=' does not support the list value '("Done", 4)' for field 'status'.`);
    expect(error('assignee is acc-bob')).toBe("Operator 'is' does not support searching for non-empty values for field 'assignee'.");
    expect(error('created > EMPTY')).toBe("Operator '>' does not support the empty value representation 'EMPTY' for field 'created'.");
    expect(error('assignee in EMPTY')).toBe("Operator 'in' does not support the empty value representation 'EMPTY' for field 'assignee'.");
    expect(error('key in (ALPHA-1, EMPTY)')).toBe("The field 'key' does not support searching for EMPTY values.");
    expect(error('status = EMPTY')).toBe("The field 'status' does not support searching for EMPTY values.");
  });

  it('rejects unknown functions, wrong arguments and functions of another type', () => {
    expect(error('assignee = bogus()')).toBe("Unable to find JQL function 'bogus()'.");
    expect(error('issuekey in linkedIssues(ALPHA-1, blocks)')).toBe("Unable to find JQL function 'linkedIssues(ALPHA-1, blocks)'.");
    expect(error('created > now(1)')).toBe("Function 'now' expected '0' arguments but received '1'.");
    expect(error('created > startOfDay(1, 2)')).toBe("Function 'startOfDay' expected between '0' and '1' arguments but received '2'.");
    expect(error('created > startOfDay(soon)')).toBe(
      "Duration for function 'startOfDay' should have the format (+/-)n(yMwdm), e.g -1M for 1 month earlier.",
    );
    expect(error('assignee = now()')).toBe("A value provided by the function 'now' is invalid for the field 'assignee'.");
    expect(error('created > currentUser()')).toBe("A value provided by the function 'currentUser' is invalid for the field 'created'.");
  });

  it('rejects malformed dates', () => {
    const formats = "Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.";
    expect(error('created > yesterday')).toBe(`Date value 'yesterday' for field 'created' is invalid. ${formats}`);
    expect(error('updated > "2024-02-30"')).toBe(`Date value '2024-02-30' for field 'updated' is invalid. ${formats}`);
    expect(error('created > "2024-01-05 25:00"')).toBe(`Date value '2024-01-05 25:00' for field 'created' is invalid. ${formats}`);
    expect(error('created > "-7y"')).toBe(`Date value '-7y' for field 'created' is invalid. ${formats}`);
    expect(error('duedate = "2024-03-15 10:00"')).toBe(
      "Date value '2024-03-15 10:00' for field 'duedate' is invalid. Valid formats include: 'YYYY/MM/DD', 'YYYY-MM-DD', or a period format e.g. '-5d', '4w 2d'.",
    );
  });

  it('words syntax errors as Jira does, with positions', () => {
    const operators = "The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'.";
    const cases: Array<[string, string]> = [
      ['project =', 'Expecting either a value, list or function before the end of the query.'],
      ['project = ALPHA status = Done', "Expecting either 'OR' or 'AND' but got 'status'. (line 1, character 17)"],
      ['project = ALPHA\nAND ) ', "Expecting a field name but got ')'. You must surround ')' in quotation marks to use it as a field name. (line 2, character 5)"],
      ['project ALPHA', `Expecting operator but got 'ALPHA'. ${operators} (line 1, character 9)`],
      ['project', `Expecting operator before the end of the query. ${operators}`],
      ['(project = ALPHA', "Expecting ')' before the end of the query."],
      ['project = ALPHA AND', 'Expecting a field name at the end of the query.'],
      ['project = = ALPHA', "Expecting either a value, list or function but got '='. You must surround '=' in quotation marks to use it as a value. (line 1, character 11)"],
      ['project = IN', "Expecting either a value, list or function but got 'IN'. You must surround 'IN' in quotation marks to use it as a value. (line 1, character 11)"],
      ['assignee is ! EMPTY', "Expecting 'NOT' but got '!'. (line 1, character 13)"],
      ['assignee not is EMPTY', "Expecting 'IN' but got 'is'. (line 1, character 14)"],
      ['status in (Done Backlog)', "Expecting ',' or ')' but got 'Backlog'. (line 1, character 17)"],
      ['status in ((Done) Backlog)', "Expecting ')' but got 'Backlog'. (line 1, character 19)"],
      ['status in (Done,', 'Expecting either a value, list or function before the end of the query.'],
      ['created > startOfDay(', "Expecting ')' before the end of the query."],
      ['created > startOfDay(1,)', 'Function argument must be specified. (line 1, character 24)'],
      ['created > startOfDay(1 2)', "Expecting ')' or ',' but got '2'. (line 1, character 24)"],
      ['created > ""()', 'A function name cannot be empty. (line 1, character 11)'],
      ['"" = x', 'A field name cannot be empty. (line 1, character 1)'],
      ['project = ALPHA ORDER key', "Expecting 'by' but got 'key'. (line 1, character 23)"],
      ['project = ALPHA ORDER', "Expecting 'by' before the end of the query."],
      ['ORDER BY', 'Expecting a field name at the end of the query.'],
      ['ORDER BY key sideways', "Expecting either 'ASC' or 'DESC' but got 'sideways'. (line 1, character 14)"],
      ['ORDER BY key DESC created', "Expecting ',' but got 'created'. (line 1, character 19)"],
      ['ORDER BY asc', "Expecting a field name but got 'asc'. You must surround 'asc' in quotation marks to use it as a field name. (line 1, character 10)"],
      ['[10000] = 1', "Expecting a field name but got '['. Did you mean 'cf['? (line 1, character 1)"],
      ['cf[-5] = 1', "Expecting a custom field id (a positive number) but got '-5'. (line 1, character 4)"],
      ['project = "ALPHA', "The quoted string 'ALPHA' has not been completed. (line 1, character 11)"],
      ["project = '", 'The quoted string has not been completed. (line 1, character 11)'],
      ['assignee = alice@example.com', "The character '@' is a reserved JQL character. You must enclose it in a string or use the escape '\\u0040' instead. (line 1, character 17)"],
      ['created > 2024/01/05', "The character '/' is a reserved JQL character. You must enclose it in a string or use the escape '\\u002f' instead. (line 1, character 15)"],
      ['project = SET', "'SET' is a reserved JQL word. You must surround it in quotation marks to use it in a query. (line 1, character 11)"],
      ['status = \\x', "'\\x' is an illegal JQL escape sequence. The valid escape sequences are \\', \\\", \\t, \\n, \\r, \\\\, '\\ ' and \\uXXXX. (line 1, character 10)"],
      ['status = "\\u00"', "'\\u00\"' is an illegal JQL escape sequence. The valid escape sequences are \\', \\\", \\t, \\n, \\r, \\\\, '\\ ' and \\uXXXX. (line 1, character 11)"],
      ['status = a\u007fb', "The character 'U+007F' on line 1 at position 11 must be escaped. Use the escape '\\u007f' instead. (line 1, character 11)"],
      ['id = 99999999999999999999', "'99999999999999999999' is not a valid number. Numbers must be between -9,223,372,036,854,775,808 and 9,223,372,036,854,775,807. (line 1, character 6)"],
      ['status = Done by acc-bob', 'The EQUALS operator does not support the use of the by "acc-bob" predicate.'],
      ['status changed 4', 'The CHANGED operator does not support the use of values without predicates. You must prefix the 4 value with a suitable predicate.'],
    ];
    for (const [jql, message] of cases) {
      expect([jql, error(jql)]).toEqual([jql, `Error in the JQL Query: ${message}`]);
    }
  });

  it('refuses absurd nesting instead of overflowing the stack', () => {
    const deep = `${'('.repeat(500)}project = ALPHA${')'.repeat(500)}`;
    expect(error(deep)).toMatch(/^Error in the JQL Query: The query is nested too deeply\./);
    expect(search(`${'('.repeat(50)}project = GAMMA${')'.repeat(50)}`)).toEqual(['GAMMA-1', 'GAMMA-2', 'GAMMA-3']);
  });

  it('is a JqlError whose message joins the messages', () => {
    try {
      compileJql('project = XYZ AND status = Nope', context());
      throw new Error('expected a JqlError');
    } catch (caught) {
      expect(caught).toBeInstanceOf(JqlError);
      expect((caught as JqlError).name).toBe('JqlError');
      expect((caught as JqlError).message).toBe(
        "The value 'XYZ' does not exist for the field 'project'. The value 'Nope' does not exist for the field 'status'.",
      );
    }
  });
});

describe('size limits', () => {
  const chain = (n: number, clause: (k: number) => string, join: string): string => Array.from({ length: n }, (_, k) => clause(k)).join(join);

  it('compiles chains of 1,000 clauses into SQL that SQLite runs (no expression tree 1,000 deep)', () => {
    const platform = search('labels = platform');
    expect(platform.length).toBeGreaterThan(0);
    // Label clauses are not merged into one list: the chain itself must stay shallow.
    expect(search(`labels = platform OR ${chain(999, (k) => `labels = "none ${k}"`, ' OR ')}`)).toEqual(platform);
    expect(search(`labels = platform AND ${chain(999, (k) => `labels != "none ${k}"`, ' AND ')}`)).toEqual(platform);
    // NOT labels = x is labels != x, which (as in Jira) leaves out issues without labels.
    expect(search(`project = ALPHA AND NOT (${chain(999, (k) => `labels = "none ${k}"`, ' OR ')})`)).toEqual(search('project = ALPHA AND labels is not EMPTY'));
    expect(search(chain(1000, (k) => (k % 2 === 0 ? 'key = ALPHA-1' : 'priority = Highest'), ' OR '))).toEqual(search('key = ALPHA-1 OR priority = Highest'));
  });

  it('merges OR-ed clauses on one field into one list', () => {
    const merged = compileJql('key = ALPHA-1 OR key = ALPHA-2 OR project = BETA OR key = ALPHA-1 OR project = 3', context());
    expect(merged.where).toBe('(i.id IN (?, ?) OR i.project_id IN (?, ?))');
    expect(search('key = ALPHA-1 OR key = ALPHA-2 OR project = GAMMA')).toEqual(search('key in (ALPHA-1, ALPHA-2) OR project = GAMMA'));
  });

  it('refuses queries longer, or with more clauses or values, than the documented limits', () => {
    expect(JQL_LIMITS).toEqual({ maxLength: 100_000, maxClauses: 1_000, maxValues: 10_000 });
    expect(error(chain(1001, () => 'project = ALPHA', ' OR '))).toMatch(/^The JQL query is too complex: it has 1,001 clauses, and at most 1,000 are allowed\. /);
    expect(error(`key in (${chain(10_001, () => 'ALPHA-1', ', ')})`)).toMatch(/^The JQL query is too complex: it lists 10,001 values, and at most 10,000 are allowed\. /);
    expect(error(`labels = "${'x'.repeat(100_000)}"`)).toMatch(/^The JQL query is too long: it has 100,011 characters, and at most 100,000 are allowed\./);
    // At the limits the query runs.
    expect(search(chain(1000, () => 'project = GAMMA', ' OR '))).toEqual(search('project = GAMMA'));
    expect(search(`key in (${chain(10_000, () => 'GAMMA-1', ', ')})`)).toEqual(['GAMMA-1']);
  });
});

describe('properties', () => {
  const clauses = [
    'project = ALPHA',
    'project in (BETA, GAMMA)',
    'status = Done',
    'statusCategory != "To Do"',
    'assignee = acc-bob',
    'assignee is EMPTY',
    'assignee != acc-alice',
    'parent = ALPHA-1',
    'priority in (High, Highest)',
    'created >= "2024-03-01"',
    'duedate < now()',
    'duedate is not EMPTY',
    'key > ALPHA-5',
    'labels = platform',
    'resolved is EMPTY',
    'fixVersion not in ("2.0")',
  ];
  const clause = fc.constantFrom(...clauses);
  const set = (jql: string) => new Set(search(jql));

  it('gives AND the intersection and OR the union of its sides', () => {
    fc.assert(
      fc.property(clause, clause, (a, b) => {
        const left = set(a);
        const right = set(b);
        expect(search(`${a} AND ${b}`)).toEqual(ALL_KEYS.filter((k) => left.has(k) && right.has(k)));
        expect(search(`(${a}) OR (${b})`)).toEqual(ALL_KEYS.filter((k) => left.has(k) || right.has(k)));
      }),
    );
  });

  it('pushes NOT through AND and OR (De Morgan)', () => {
    fc.assert(
      fc.property(clause, clause, (a, b) => {
        expect(search(`NOT (${a} OR ${b})`)).toEqual(search(`NOT ${a} AND NOT ${b}`));
        expect(search(`NOT (${a} AND ${b})`)).toEqual(search(`NOT ${a} OR NOT ${b}`));
        expect(search(`NOT NOT (${a})`)).toEqual(search(a));
      }),
    );
  });

  it('never fails with anything but a JqlError, and compiles to runnable SQL', () => {
    const pieces = [
      'project', 'status', 'assignee', 'created', 'key', 'duedate', 'foo', '=', '!=', '<', '>=', '~', 'in', 'not', 'is',
      'empty', 'and', 'or', 'order', 'by', 'asc', '(', ')', ',', '"', "'", '\\', 'ALPHA', 'ALPHA-1', 'Done', '-7d',
      'startOfDay(', 'now()', 'currentUser()', '2024-03-01', '@', '[', ']', 'cf', '1', '\n',
    ];
    const query = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.array(fc.constantFrom(...pieces), { maxLength: 12 }).map((parts) => parts.join(' ')),
    );
    fc.assert(
      fc.property(query, (jql) => {
        try {
          const { where, params, orderBy } = compileJql(jql, context());
          db.prepare(`SELECT i.key FROM issues i WHERE ${where} ORDER BY ${orderBy}`).all(...params);
        } catch (caught) {
          if (!(caught instanceof JqlError)) throw caught;
          expect(caught.errorMessages.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 400 },
    );
  });
});
