/** Every endpoint except search and edits, over real HTTP, each answer checked against the spec. */
import { issueId, PLANNED_BUDGET, PROJECT_IDS, specJson, STATUS, startFixtureJira, STORY_POINTS, USERS, type FixtureJira } from './test-fixture';

let jira: FixtureJira;
beforeAll(async () => {
  jira = await startFixtureJira();
});
afterAll(async () => {
  await jira.close();
});

interface ErrorBody {
  errorMessages: string[];
  errors: Record<string, string>;
}

describe('authentication', () => {
  it('answers the site administrator when no Authorization is sent', async () => {
    const me = await specJson<{ accountId: string; emailAddress: string; self: string; groups: { size: number; items: unknown[] } }>(
      await jira.fetchAs(null, '/rest/api/3/myself'),
      'GET /rest/api/3/myself',
    );
    expect(me.accountId).toBe(USERS.alice.accountId);
    expect(me.self).toBe(`${jira.url}/rest/api/3/user?accountId=acc-alice`);
    expect(me.groups).toEqual({ size: 2, items: [] });
  });

  it('answers the user Basic auth names, whatever the token', async () => {
    const me = await specJson<{ accountId: string; timeZone: string; groups: { items: { name: string }[] } }>(
      await jira.fetchAs('bob', '/rest/api/3/myself?expand=groups'),
      'GET /rest/api/3/myself',
    );
    expect(me.accountId).toBe(USERS.bob.accountId);
    expect(me.timeZone).toBe('Europe/Paris');
    expect(me.groups.items.map((group) => group.name)).toEqual(['jira-users', 'team-alpha']);
  });

  it.each([
    ['an unknown email', `Basic ${Buffer.from('nobody@example.com:token').toString('base64')}`],
    ['an inactive user', `Basic ${Buffer.from(`${USERS.erin.email}:token`).toString('base64')}`],
    ['another scheme', 'Bearer abc'],
  ])('answers 401 with Jira’s error body for %s', async (_what, authorization) => {
    const response = await fetch(`${jira.url}/rest/api/3/myself`, { headers: { Authorization: authorization } });
    expect(response.status).toBe(401);
    const body = await specJson<ErrorBody>(response, 'GET /rest/api/3/myself');
    expect(body).toEqual({ errorMessages: ['Client must be authenticated to access this resource.'], errors: {} });
  });
});

describe('GET /project/search', () => {
  type Page = { values: { key: string; lead?: unknown; description?: string; projectCategory?: { name: string } }[]; total: number; isLast: boolean; nextPage?: string; maxResults: number };
  const search = async (user: 'bob' | 'carol' | 'dave' | null, query = ''): Promise<Page> =>
    specJson<Page>(await jira.fetchAs(user, `/rest/api/3/project/search${query}`), 'GET /rest/api/3/project/search');

  it('lists only the projects the caller may view', async () => {
    expect((await search(null)).values.map((project) => project.key)).toEqual(['ALPHA', 'BETA', 'GAMMA']);
    expect((await search('bob')).values.map((project) => project.key)).toEqual(['ALPHA', 'BETA']);
    // Carol administers BETA without browsing it: "view" includes it, "browse" does not.
    expect((await search('carol')).values.map((project) => project.key)).toEqual(['ALPHA', 'BETA']);
    expect((await search('carol', '?action=browse')).values.map((project) => project.key)).toEqual(['ALPHA']);
    expect((await search('dave')).values).toEqual([]);
  });

  it('pages with startAt / maxResults, isLast and nextPage', async () => {
    const first = await search(null, '?maxResults=2');
    expect(first.values.map((project) => project.key)).toEqual(['ALPHA', 'BETA']);
    expect(first).toMatchObject({ total: 3, isLast: false, maxResults: 2 });
    expect(first.nextPage).toBe(`${jira.url}/rest/api/3/project/search?startAt=2&maxResults=2`);
    const second = await specJson<Page>(await fetch(first.nextPage as string), 'GET /rest/api/3/project/search');
    expect(second.values.map((project) => project.key)).toEqual(['GAMMA']);
    expect(second.isLast).toBe(true);
    expect(second.nextPage).toBeUndefined();
    expect((await search(null, '?maxResults=500')).maxResults).toBe(100);
  });

  it('filters by query, keys, categoryId and orders', async () => {
    expect((await search(null, '?query=bill')).values.map((project) => project.key)).toEqual(['BETA']);
    expect((await search(null, '?keys=GAMMA&keys=ALPHA')).values.map((project) => project.key)).toEqual(['ALPHA', 'GAMMA']);
    expect((await search(null, '?categoryId=10001')).values.map((project) => project.key)).toEqual(['BETA']);
    expect((await search(null, '?orderBy=-key')).values.map((project) => project.key)).toEqual(['GAMMA', 'BETA', 'ALPHA']);
    expect((await search(null, '?orderBy=issueCount')).values.map((project) => project.key)).toEqual(['GAMMA', 'BETA', 'ALPHA']);
  });

  it('expands description and lead only when asked', async () => {
    const plain = await search(null, '?keys=ALPHA');
    expect(plain.values[0].lead).toBeUndefined();
    expect(plain.values[0].description).toBeUndefined();
    expect(plain.values[0].projectCategory?.name).toBe('Delivery');
    const expanded = await search(null, '?keys=ALPHA&expand=description,lead');
    expect(expanded.values[0]).toMatchObject({ description: 'The platform rebuild', lead: { accountId: USERS.bob.accountId } });
  });

  it('answers 400 naming a bad parameter', async () => {
    const response = await jira.fetchAs(null, '/rest/api/3/project/search?maxResults=lots');
    expect(response.status).toBe(400);
    const body = await specJson<ErrorBody>(response, 'GET /rest/api/3/project/search');
    expect(body.errorMessages.join(' ')).toContain("'maxResults'");
  });
});

describe('GET /project/{projectIdOrKey}', () => {
  it('answers a visible project by key or id, with lead, category, issue types and versions', async () => {
    type Project = { id: string; key: string; lead: { accountId: string }; issueTypes: { name: string }[]; versions: { name: string; overdue?: boolean }[] };
    const byKey = await specJson<Project>(await jira.fetchAs('bob', '/rest/api/3/project/ALPHA'), 'GET /rest/api/3/project/{projectIdOrKey}');
    expect(byKey).toMatchObject({ id: String(PROJECT_IDS.ALPHA), key: 'ALPHA', lead: { accountId: USERS.bob.accountId } });
    expect(byKey.issueTypes.map((type) => type.name)).toEqual(['Epic', 'Story', 'Task', 'Bug', 'Sub-task']);
    expect(byKey.versions.map((version) => [version.name, version.overdue])).toEqual([
      ['v1.0', false],
      ['v2.0', true],
      ['v3.0', undefined],
    ]);
    const byId = await specJson<Project>(await jira.fetchAs(null, `/rest/api/3/project/${PROJECT_IDS.GAMMA}`), 'GET /rest/api/3/project/{projectIdOrKey}');
    expect(byId.key).toBe('GAMMA');
  });

  it('answers a project the caller cannot see as Jira answers a missing one', async () => {
    for (const [user, key] of [
      ['bob', 'GAMMA'],
      ['dave', 'ALPHA'],
      [null, 'NOPE'],
    ] as const) {
      const response = await jira.fetchAs(user, `/rest/api/3/project/${key}`);
      expect(response.status).toBe(404);
      expect(await specJson<ErrorBody>(response, 'GET /rest/api/3/project/{projectIdOrKey}')).toEqual({
        errorMessages: [`No project could be found with key '${key}'.`],
        errors: {},
      });
    }
  });
});

describe('versions', () => {
  it('GET /project/{key}/version pages, filters and orders', async () => {
    type Page = { values: { name: string; issuesStatusForFixVersion?: Record<string, number> }[]; total: number; isLast: boolean; nextPage?: string };
    const page = await specJson<Page>(
      await jira.fetchAs('carol', '/rest/api/3/project/ALPHA/version?maxResults=2&orderBy=-name'),
      'GET /rest/api/3/project/{projectIdOrKey}/version',
    );
    expect(page.values.map((version) => version.name)).toEqual(['v3.0', 'v2.0']);
    expect(page).toMatchObject({ total: 3, isLast: false });
    expect(page.nextPage).toContain('startAt=2');
    const released = await specJson<Page>(
      await jira.fetchAs(null, '/rest/api/3/project/ALPHA/version?status=released&expand=issuesstatus'),
      'GET /rest/api/3/project/{projectIdOrKey}/version',
    );
    expect(released.values.map((version) => version.name)).toEqual(['v1.0']);
    // ALPHA-1..20 are in v1.0: 6 done, 7 to do, 7 in progress.
    expect(released.values[0].issuesStatusForFixVersion).toEqual({ unmapped: 0, toDo: 7, inProgress: 7, done: 6 });
  });

  it('GET /project/{key}/versions lists all, and hides projects the caller cannot browse', async () => {
    const list = await specJson<{ name: string; projectId: number }[]>(
      await jira.fetchAs('bob', '/rest/api/3/project/BETA/versions'),
      'GET /rest/api/3/project/{projectIdOrKey}/versions',
    );
    expect(list).toEqual([expect.objectContaining({ name: 'R1', projectId: PROJECT_IDS.BETA, releaseDate: '2024-09-01', overdue: false })]);
    const hidden = await jira.fetchAs('dave', '/rest/api/3/project/BETA/versions');
    expect(hidden.status).toBe(404);
    await specJson(hidden, 'GET /rest/api/3/project/{projectIdOrKey}/versions');
  });
});

describe('GET /field', () => {
  it('lists system and custom fields with schema and clause names', async () => {
    type Field = { id: string; key: string; custom: boolean; navigable: boolean; clauseNames: string[]; schema?: { type: string; custom?: string; customId?: number } };
    const fields = await specJson<Field[]>(await jira.fetchAs('dave', '/rest/api/3/field'), 'GET /rest/api/3/field');
    const byId = new Map(fields.map((field) => [field.id, field]));
    expect(byId.get('status')).toMatchObject({ custom: false, navigable: true, clauseNames: ['status'], schema: { type: 'status', system: 'status' } });
    expect(byId.get('timetracking')?.navigable).toBe(false);
    expect(byId.get(STORY_POINTS)).toMatchObject({ key: STORY_POINTS, custom: true, clauseNames: ['cf[10016]', 'Story point estimate'], schema: { type: 'number', customId: 10016 } });
    expect(byId.get(PLANNED_BUDGET)?.schema?.custom).toMatch(/^ari:cloud:ecosystem::extension\//);
  });
});

describe('GET /status', () => {
  type Status = { id: string; name: string; statusCategory: { key: string; id: number } };
  const statuses = async (user: 'bob' | 'dave' | null) => specJson<Status[]>(await jira.fetchAs(user, '/rest/api/3/status'), 'GET /rest/api/3/status');

  it('lists every status of the site with its category, to anyone who may browse a project', async () => {
    const all = await statuses(null);
    expect(all.map((status) => [status.id, status.name, status.statusCategory.key])).toEqual([
      [STATUS.todo, 'To Do', 'new'],
      [STATUS.progress, 'In Progress', 'indeterminate'],
      [STATUS.done, 'Done', 'done'],
    ]);
    expect(await statuses('bob')).toEqual(all);
    // Jira asks Browse projects: someone who browses nothing sees no workflow's statuses.
    expect(await statuses('dave')).toEqual([]);
  });
});

describe('GET /issue/{issueIdOrKey}', () => {
  type Issue = { id: string; key: string; self: string; fields: Record<string, unknown>; changelog?: { total: number; histories: { created: string }[] }; names?: Record<string, string> };

  it('answers every field by default, in the documented shapes', async () => {
    const issue = await specJson<Issue>(await jira.fetchAs('bob', '/rest/api/3/issue/ALPHA-4'), 'GET /rest/api/3/issue/{issueIdOrKey}');
    expect(issue).toMatchObject({ id: String(issueId('ALPHA-4')), key: 'ALPHA-4', self: `${jira.url}/rest/api/3/issue/${issueId('ALPHA-4')}` });
    const { fields } = issue;
    expect(fields).toMatchObject({
      summary: 'ALPHA issue 4',
      status: { name: 'To Do', statusCategory: { key: 'new', id: 2, colorName: 'blue-gray', name: 'To Do' } },
      issuetype: { name: 'Task', subtask: false, hierarchyLevel: 0 },
      project: { key: 'ALPHA', projectCategory: { name: 'Delivery' } },
      priority: { name: 'Highest' },
      assignee: null,
      reporter: { accountId: USERS.alice.accountId, displayName: 'Alice Admin', active: true, timeZone: 'UTC' },
      parent: { key: 'ALPHA-1', fields: { summary: 'ALPHA issue 1', issuetype: { name: 'Epic' } } },
      created: '2024-01-01T13:00:00.000+0000',
      resolution: null,
      resolutiondate: null,
      labels: ['backend'],
      fixVersions: [expect.objectContaining({ name: 'v1.0', released: true })],
      timeoriginalestimate: 28_800,
      timeestimate: 14_400,
      timespent: 5_400,
      timetracking: { originalEstimate: '1d', remainingEstimate: '4h', timeSpent: '1h 30m', timeSpentSeconds: 5_400 },
      [STORY_POINTS]: 5,
      [PLANNED_BUDGET]: 4000,
    });
    // ALPHA-3 blocks ALPHA-4: seen from ALPHA-4 it is the inward side ("is blocked by").
    expect(fields.issuelinks).toEqual([
      expect.objectContaining({ type: expect.objectContaining({ name: 'Blocks', inward: 'is blocked by' }), inwardIssue: expect.objectContaining({ key: 'ALPHA-3' }) }),
    ]);
  });

  it('answers resolved issues with the Done resolution, and sub-tasks', async () => {
    const done = await specJson<Issue>(await jira.fetchAs(null, '/rest/api/3/issue/ALPHA-3?fields=resolution,resolutiondate,issuelinks'), 'GET /rest/api/3/issue/{issueIdOrKey}');
    expect(Object.keys(done.fields).sort()).toEqual(['issuelinks', 'resolution', 'resolutiondate']);
    expect(done.fields.resolution).toMatchObject({ name: 'Done' });
    expect(done.fields.issuelinks).toEqual([expect.objectContaining({ outwardIssue: expect.objectContaining({ key: 'ALPHA-4' }) })]);
    const parent = await specJson<Issue>(await jira.fetchAs(null, '/rest/api/3/issue/ALPHA-2?fields=subtasks,aggregatetimespent,timespent'), 'GET /rest/api/3/issue/{issueIdOrKey}');
    expect((parent.fields.subtasks as { key: string }[]).map((task) => task.key)).toEqual(['ALPHA-129', 'ALPHA-130']);
    // ALPHA-2 logs 1.5 h; sub-task ALPHA-130 logs 1.5 h too (ALPHA-129 logs nothing).
    expect(parent.fields).toMatchObject({ timespent: 5_400, aggregatetimespent: 10_800 });
  });

  it('hides links to issues the caller cannot browse', async () => {
    const asAdmin = await specJson<Issue>(await jira.fetchAs(null, '/rest/api/3/issue/ALPHA-5?fields=issuelinks'), 'GET /rest/api/3/issue/{issueIdOrKey}');
    expect(asAdmin.fields.issuelinks).toHaveLength(1);
    const asCarol = await specJson<Issue>(await jira.fetchAs('carol', '/rest/api/3/issue/ALPHA-5?fields=issuelinks'), 'GET /rest/api/3/issue/{issueIdOrKey}');
    expect(asCarol.fields.issuelinks).toEqual([]);
  });

  it('expands changelog (newest first) and names', async () => {
    const issue = await specJson<Issue>(await jira.fetchAs(null, '/rest/api/3/issue/alpha-15?fields=summary&expand=changelog,names'), 'GET /rest/api/3/issue/{issueIdOrKey}');
    expect(issue.key).toBe('ALPHA-15');
    expect(issue.names).toEqual({ summary: 'Summary' });
    expect(issue.changelog?.total).toBe(3);
    const created = issue.changelog?.histories.map((history) => history.created) ?? [];
    expect([...created].sort().reverse()).toEqual(created);
  });

  it('answers 404 for a missing issue or one the caller cannot browse', async () => {
    for (const [user, key] of [
      ['dave', 'ALPHA-1'],
      ['carol', 'BETA-1'],
      [null, 'ALPHA-999'],
    ] as const) {
      const response = await jira.fetchAs(user, `/rest/api/3/issue/${key}`);
      expect(response.status).toBe(404);
      expect((await specJson<ErrorBody>(response, 'GET /rest/api/3/issue/{issueIdOrKey}')).errorMessages).toEqual([
        'Issue does not exist or you do not have permission to see it.',
      ]);
    }
  });
});

describe('worklogs', () => {
  type Worklog = { id: string; issueId: string; timeSpentSeconds: number; started: string; author: { accountId: string }; comment?: unknown };

  it('GET /issue/{key}/worklog pages and filters by start', async () => {
    type Page = { startAt: number; maxResults: number; total: number; worklogs: Worklog[] };
    const all = await specJson<Page>(await jira.fetchAs('carol', '/rest/api/3/issue/ALPHA-2/worklog'), 'GET /rest/api/3/issue/{issueIdOrKey}/worklog');
    expect(all).toMatchObject({ startAt: 0, maxResults: 5000, total: 2 });
    expect(all.worklogs.map((worklog) => worklog.timeSpentSeconds)).toEqual([1800, 3600]);
    expect(all.worklogs[0].comment).toEqual({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Worked on ALPHA-2' }] }] });
    const startedSecond = Date.parse(all.worklogs[1].started.replace('+0000', 'Z'));
    const after = await specJson<Page>(
      await jira.fetchAs('carol', `/rest/api/3/issue/ALPHA-2/worklog?startedAfter=${startedSecond}`),
      'GET /rest/api/3/issue/{issueIdOrKey}/worklog',
    );
    expect(after.worklogs.map((worklog) => worklog.id)).toEqual([all.worklogs[1].id]);
    const paged = await specJson<Page>(await jira.fetchAs('carol', '/rest/api/3/issue/ALPHA-2/worklog?startAt=1&maxResults=1'), 'GET /rest/api/3/issue/{issueIdOrKey}/worklog');
    expect(paged).toMatchObject({ startAt: 1, maxResults: 1, total: 2 });
    expect(paged.worklogs).toHaveLength(1);
    expect((await jira.fetchAs('dave', '/rest/api/3/issue/ALPHA-2/worklog')).status).toBe(404);
  });

  it('GET /worklog/updated pages 1000 ids at a time, oldest first, only visible ones', async () => {
    type Changed = { values: { worklogId: number; updatedTime: number }[]; since: number; until: number; lastPage: boolean; nextPage?: string };
    const asAdmin = await specJson<Changed>(await jira.fetchAs(null, '/rest/api/3/worklog/updated?since=0'), 'GET /rest/api/3/worklog/updated');
    const total = (jira.db.prepare('SELECT COUNT(*) AS n FROM worklogs').get() as { n: number }).n;
    expect(asAdmin.values).toHaveLength(total);
    expect(asAdmin.lastPage).toBe(true);
    const times = asAdmin.values.map((value) => value.updatedTime);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(asAdmin.until).toBe(times[times.length - 1]);

    const middle = times[10];
    const later = await specJson<Changed>(await jira.fetchAs(null, `/rest/api/3/worklog/updated?since=${middle}`), 'GET /rest/api/3/worklog/updated');
    expect(later.values.every((value) => value.updatedTime > middle)).toBe(true);

    const asCarol = await specJson<Changed>(await jira.fetchAs('carol', '/rest/api/3/worklog/updated'), 'GET /rest/api/3/worklog/updated');
    const alphaOnly = (jira.db.prepare('SELECT COUNT(*) AS n FROM worklogs w JOIN issues i ON i.id = w.issue_id WHERE i.project_id = ?').get(PROJECT_IDS.ALPHA) as { n: number }).n;
    expect(asCarol.values).toHaveLength(alphaOnly);
    expect((await specJson<Changed>(await jira.fetchAs('dave', '/rest/api/3/worklog/updated'), 'GET /rest/api/3/worklog/updated')).values).toEqual([]);
  });

  it('POST /worklog/list answers the visible worklogs among up to 1000 ids', async () => {
    const ids = (jira.db.prepare('SELECT w.id, i.project_id FROM worklogs w JOIN issues i ON i.id = w.issue_id ORDER BY w.id').all() as { id: number; project_id: number }[]);
    const alphaIds = ids.filter((row) => row.project_id === PROJECT_IDS.ALPHA).map((row) => row.id);
    const betaIds = ids.filter((row) => row.project_id === PROJECT_IDS.BETA).map((row) => row.id);
    const answer = await specJson<Worklog[]>(
      await jira.fetchAs('carol', '/rest/api/3/worklog/list', { method: 'POST', body: JSON.stringify({ ids: [alphaIds[0], betaIds[0], 999_999_999] }) }),
      'POST /rest/api/3/worklog/list',
    );
    expect(answer.map((worklog) => Number(worklog.id))).toEqual([alphaIds[0]]);
    const tooMany = await jira.fetchAs(null, '/rest/api/3/worklog/list', { method: 'POST', body: JSON.stringify({ ids: Array.from({ length: 1001 }, (_, index) => index + 1) }) });
    expect(tooMany.status).toBe(400);
    await specJson(tooMany, 'POST /rest/api/3/worklog/list');
    const empty = await jira.fetchAs(null, '/rest/api/3/worklog/list', { method: 'POST', body: JSON.stringify({ ids: [] }) });
    expect(empty.status).toBe(400);
    const wrongType = await jira.fetchAs(null, '/rest/api/3/worklog/list', { method: 'POST', body: JSON.stringify({ ids: ['x'] }) });
    expect(wrongType.status).toBe(400);
    expect(Object.keys(((await wrongType.json()) as ErrorBody).errors)).toEqual(['ids.0']);
  });
});

describe('permissions', () => {
  type Grants = { projectPermissions: { permission: string; projects: number[]; issues: number[] }[]; globalPermissions: string[] };
  const check = async (user: 'bob' | 'carol' | 'dave' | null, body: unknown): Promise<Response> =>
    jira.fetchAs(user, '/rest/api/3/permissions/check', { method: 'POST', body: JSON.stringify(body) });

  it('POST /permissions/check answers per permission the projects and issues granted', async () => {
    const grants = await specJson<Grants>(
      await check('bob', {
        globalPermissions: ['ADMINISTER', 'USER_PICKER'],
        projectPermissions: [
          { permissions: ['BROWSE_PROJECTS', 'EDIT_ISSUES'], projects: [PROJECT_IDS.ALPHA, PROJECT_IDS.BETA, PROJECT_IDS.GAMMA, 1], issues: [issueId('ALPHA-1'), issueId('GAMMA-1')] },
        ],
      }),
      'POST /rest/api/3/permissions/check',
    );
    expect(grants).toEqual({
      projectPermissions: [
        { permission: 'BROWSE_PROJECTS', projects: [PROJECT_IDS.ALPHA, PROJECT_IDS.BETA], issues: [issueId('ALPHA-1')] },
        { permission: 'EDIT_ISSUES', projects: [PROJECT_IDS.ALPHA], issues: [issueId('ALPHA-1')] },
      ],
      globalPermissions: ['USER_PICKER'],
    });
  });

  it('checks another user only for administrators', async () => {
    const forDave = await specJson<Grants>(
      await check(null, { accountId: USERS.dave.accountId, projectPermissions: [{ permissions: ['BROWSE_PROJECTS'], projects: [PROJECT_IDS.ALPHA] }] }),
      'POST /rest/api/3/permissions/check',
    );
    expect(forDave.projectPermissions).toEqual([{ permission: 'BROWSE_PROJECTS', projects: [], issues: [] }]);
    const denied = await check('bob', { accountId: USERS.dave.accountId, globalPermissions: ['ADMINISTER'] });
    expect(denied.status).toBe(403);
    expect(await specJson<ErrorBody>(denied, 'POST /rest/api/3/permissions/check')).toEqual({ errorMessages: ['Only Jira administrators can perform this operation.'], errors: {} });
  });

  it('answers 400 for unknown permissions, as in the spec example', async () => {
    const response = await check(null, { projectPermissions: [{ permissions: ['PERMISSION_123'], projects: [PROJECT_IDS.ALPHA] }] });
    expect(response.status).toBe(400);
    expect(await specJson<ErrorBody>(response, 'POST /rest/api/3/permissions/check')).toEqual({ errorMessages: [], errors: { PERMISSION_123: 'Unrecognized permission' } });
  });

  it('GET /mypermissions in the global, project and issue contexts', async () => {
    type Permissions = { permissions: Record<string, { key: string; type: string; havePermission: boolean }> };
    const globalContext = await specJson<Permissions>(await jira.fetchAs('carol', '/rest/api/3/mypermissions?permissions=BROWSE_PROJECTS,EDIT_ISSUES,ADMINISTER'), 'GET /rest/api/3/mypermissions');
    expect(globalContext.permissions.BROWSE_PROJECTS).toMatchObject({ key: 'BROWSE_PROJECTS', type: 'PROJECT', havePermission: true });
    expect(globalContext.permissions.EDIT_ISSUES.havePermission).toBe(false);
    expect(globalContext.permissions.ADMINISTER).toMatchObject({ type: 'GLOBAL', havePermission: false });

    const project = await specJson<Permissions>(await jira.fetchAs('bob', '/rest/api/3/mypermissions?permissions=EDIT_ISSUES&projectKey=BETA'), 'GET /rest/api/3/mypermissions');
    expect(project.permissions.EDIT_ISSUES.havePermission).toBe(false);
    const issue = await specJson<Permissions>(await jira.fetchAs('bob', '/rest/api/3/mypermissions?permissions=EDIT_ISSUES&issueKey=ALPHA-3'), 'GET /rest/api/3/mypermissions');
    expect(issue.permissions.EDIT_ISSUES.havePermission).toBe(true);

    const missing = await jira.fetchAs('bob', '/rest/api/3/mypermissions');
    expect(missing.status).toBe(400);
    await specJson(missing, 'GET /rest/api/3/mypermissions');
    const unknown = await jira.fetchAs('bob', '/rest/api/3/mypermissions?permissions=FLY');
    expect(unknown.status).toBe(400);
    const hidden = await jira.fetchAs('dave', '/rest/api/3/mypermissions?permissions=BROWSE_PROJECTS&projectKey=ALPHA');
    expect(hidden.status).toBe(404);
    await specJson(hidden, 'GET /rest/api/3/mypermissions');
  });

  it('GET /user/groups needs Browse users and groups', async () => {
    const groups = await specJson<{ name: string; groupId: string; self: string }[]>(
      await jira.fetchAs('carol', `/rest/api/3/user/groups?accountId=${USERS.bob.accountId}`),
      'GET /rest/api/3/user/groups',
    );
    expect(groups).toEqual([
      { name: 'jira-users', groupId: 'g-users', self: `${jira.url}/rest/api/3/group?groupId=g-users` },
      { name: 'team-alpha', groupId: 'g-team-alpha', self: `${jira.url}/rest/api/3/group?groupId=g-team-alpha` },
    ]);
    const denied = await jira.fetchAs('dave', `/rest/api/3/user/groups?accountId=${USERS.bob.accountId}`);
    expect(denied.status).toBe(403);
    await specJson(denied, 'GET /rest/api/3/user/groups');
    const unknown = await jira.fetchAs(null, '/rest/api/3/user/groups?accountId=nobody');
    expect(unknown.status).toBe(404);
    await specJson(unknown, 'GET /rest/api/3/user/groups');
  });
});

describe('GET /group/member', () => {
  type Page = { values: { accountId: string; active: boolean }[]; total: number; isLast: boolean; startAt: number; maxResults: number; nextPage?: string };
  it('answers a group’s members by name or id, active ones unless asked, in pages', async () => {
    const active = await specJson<Page>(await jira.fetchAs('carol', '/rest/api/3/group/member?groupname=team-alpha'), 'GET /rest/api/3/group/member');
    expect(active.values.map((user) => user.accountId)).toEqual([USERS.bob.accountId]);
    expect(active).toMatchObject({ total: 1, isLast: true, startAt: 0, maxResults: 50 });
    const all = await specJson<Page>(await jira.fetchAs('carol', '/rest/api/3/group/member?groupId=g-team-alpha&includeInactiveUsers=true'), 'GET /rest/api/3/group/member');
    expect(all.values.map((user) => [user.accountId, user.active])).toEqual([
      [USERS.bob.accountId, true],
      [USERS.erin.accountId, false],
    ]);
    const first = await specJson<Page>(await jira.fetchAs('carol', '/rest/api/3/group/member?groupname=team-alpha&includeInactiveUsers=true&maxResults=1'), 'GET /rest/api/3/group/member');
    expect(first).toMatchObject({ total: 2, isLast: false, maxResults: 1 });
    const second = await specJson<Page>(await jira.fetchAs('carol', first.nextPage!.slice(jira.url.length)), 'GET /rest/api/3/group/member');
    expect(second.values.map((user) => user.accountId)).toEqual([USERS.erin.accountId]);
    expect(second.isLast).toBe(true);
  });

  it('needs Browse users and groups, a group, and a group that exists', async () => {
    const denied = await jira.fetchAs('dave', '/rest/api/3/group/member?groupname=team-alpha');
    expect(denied.status).toBe(403);
    await specJson(denied, 'GET /rest/api/3/group/member');
    const missing = await jira.fetchAs('carol', '/rest/api/3/group/member');
    expect(missing.status).toBe(400);
    await specJson(missing, 'GET /rest/api/3/group/member');
    const unknown = await jira.fetchAs(null, '/rest/api/3/group/member?groupname=nobody-here');
    expect(unknown.status).toBe(404);
    await specJson(unknown, 'GET /rest/api/3/group/member');
  });
});

describe('GET /user/search', () => {
  type User = { accountId: string; displayName: string };
  it('finds active people by the start of their name or email, for those who may browse users', async () => {
    const byName = await specJson<User[]>(await jira.fetchAs('carol', '/rest/api/3/user/search?query=bui'), 'GET /rest/api/3/user/search');
    expect(byName.map((user) => user.displayName)).toEqual(['Bob Builder']);
    const byEmail = await specJson<User[]>(await jira.fetchAs('carol', `/rest/api/3/user/search?query=${encodeURIComponent(USERS.alice.email)}`), 'GET /rest/api/3/user/search');
    expect(byEmail.map((user) => user.displayName)).toEqual(['Alice Admin']);
    // Erin left: Jira finds only active users.
    expect(await specJson<User[]>(await jira.fetchAs('carol', '/rest/api/3/user/search?query=erin'), 'GET /rest/api/3/user/search')).toEqual([]);
  });

  it('answers no one to a person without Browse users and groups, and needs a query', async () => {
    expect(await specJson<User[]>(await jira.fetchAs('dave', '/rest/api/3/user/search?query=bob'), 'GET /rest/api/3/user/search')).toEqual([]);
    const missing = await jira.fetchAs('carol', '/rest/api/3/user/search');
    expect(missing.status).toBe(400);
    await specJson(missing, 'GET /rest/api/3/user/search');
  });
});

describe('GET /user/bulk', () => {
  type Page = { values: { accountId: string; displayName: string }[]; total: number; isLast: boolean; startAt: number; maxResults: number };
  it('answers the users asked for, in pages, leaving out unknown ids', async () => {
    const ids = [USERS.bob.accountId, 'nobody', USERS.carol.accountId, USERS.bob.accountId];
    const query = ids.map((id) => `accountId=${encodeURIComponent(id)}`).join('&');
    const page = await specJson<Page>(await jira.fetchAs('carol', `/rest/api/3/user/bulk?${query}`), 'GET /rest/api/3/user/bulk');
    expect(page.values.map((user) => user.accountId)).toEqual([USERS.bob.accountId, USERS.carol.accountId]);
    expect(page).toMatchObject({ total: 2, isLast: true, startAt: 0 });
    const first = await specJson<Page>(await jira.fetchAs('carol', `/rest/api/3/user/bulk?${query}&maxResults=1`), 'GET /rest/api/3/user/bulk');
    expect(first).toMatchObject({ total: 2, isLast: false, maxResults: 1 });
    expect(first.values).toHaveLength(1);
  });

  it('needs only access to Jira, and an accountId', async () => {
    const anyone = await specJson<Page>(await jira.fetchAs('dave', `/rest/api/3/user/bulk?accountId=${USERS.bob.accountId}`), 'GET /rest/api/3/user/bulk');
    expect(anyone.values.map((user) => user.displayName)).toEqual(['Bob Builder']);
    const missing = await jira.fetchAs('carol', '/rest/api/3/user/bulk');
    expect(missing.status).toBe(400);
    await specJson(missing, 'GET /rest/api/3/user/bulk');
  });
});

describe('unknown paths and methods', () => {
  it('answers 404 for an unknown path and 405 for a wrong method, in Jira’s error shape', async () => {
    const missing = await jira.fetchAs(null, '/rest/api/3/nothing-here');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as ErrorBody).errorMessages[0]).toContain('/rest/api/3/nothing-here');
    const wrongMethod = await jira.fetchAs(null, '/rest/api/3/myself', { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
  });

  it('answers 410 for the removed search endpoint', async () => {
    const response = await jira.fetchAs(null, '/rest/api/3/search?jql=project%3DALPHA');
    expect(response.status).toBe(410);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const response = await jira.fetchAs(null, '/rest/api/3/search/approximate-count', { method: 'POST', body: '{not json' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).errorMessages[0]).toMatch(/not valid JSON/);
  });
});
