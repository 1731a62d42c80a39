/** The failingProjects knob: every REST request concerning one of these projects answers 503. */
import { issueId, PROJECT_IDS, startFixtureJira, type FixtureJira } from './test-fixture';

let jira: FixtureJira;
beforeAll(async () => {
  jira = await startFixtureJira({ alphaIssues: 12, betaIssues: 6, gammaIssues: 3 });
});
afterAll(async () => {
  await jira.close();
});
beforeEach(() => {
  jira.server.app.control.setKnobs({ failingProjects: ['BETA'] });
});
afterEach(() => {
  jira.server.app.control.setKnobs({ failingProjects: [] });
});

const UNAVAILABLE = { errorMessages: ['Service unavailable (injected fault).'], errors: {} };

async function get(path: string): Promise<number> {
  const response = await jira.fetchAs(null, path);
  await response.arrayBuffer();
  return response.status;
}

async function post(path: string, body: unknown): Promise<number> {
  const response = await jira.fetchAs(null, path, { method: 'POST', body: JSON.stringify(body) });
  await response.arrayBuffer();
  return response.status;
}

const searchGet = (jql: string): Promise<number> => get(`/rest/api/3/search/jql?jql=${encodeURIComponent(jql)}`);
const searchPost = (jql: string): Promise<number> => post('/rest/api/3/search/jql', { jql });
const count = (jql: string): Promise<number> => post('/rest/api/3/search/approximate-count', { jql });

function worklogIdsOf(projectKey: string): number[] {
  return (
    jira.db
      .prepare('SELECT w.id FROM worklogs w JOIN issues i ON i.id = w.issue_id JOIN projects p ON p.id = i.project_id WHERE p.key = ? ORDER BY w.id')
      .all(projectKey) as { id: number }[]
  ).map((row) => row.id);
}

describe('failingProjects', () => {
  it('answers 503 with Jira’s error body, as the failureRate knob does', async () => {
    const response = await jira.fetchAs(null, '/rest/api/3/project/BETA');
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual(UNAVAILABLE);
    jira.server.app.control.setKnobs({ failingProjects: [], failureRate: 1 });
    // The second injected failure is the 503: its body is the same.
    await get('/rest/api/3/myself');
    const failed = await jira.fetchAs(null, '/rest/api/3/myself');
    expect(failed.status).toBe(503);
    expect(await failed.json()).toEqual(UNAVAILABLE);
    jira.server.app.control.setKnobs({ failureRate: 0 });
  });

  it('fails paths naming the project by key or id, and below them', async () => {
    for (const path of ['/project/BETA', '/project/beta', `/project/${PROJECT_IDS.BETA}`, '/project/BETA/versions', '/project/BETA/version', `/project/${PROJECT_IDS.BETA}/versions`]) {
      expect([path, await get(`/rest/api/3${path}`)]).toEqual([path, 503]);
    }
    for (const path of ['/project/ALPHA', `/project/${PROJECT_IDS.ALPHA}`, '/project/ALPHA/versions', '/project/GAMMA/version']) {
      expect([path, await get(`/rest/api/3${path}`)]).toEqual([path, 200]);
    }
  });

  it('fails paths naming one of its issues by key or id, reads and edits alike', async () => {
    for (const path of ['/issue/BETA-1', '/issue/beta-2', `/issue/${issueId('BETA-3')}`, '/issue/BETA-2/worklog', `/issue/${issueId('BETA-2')}/worklog`]) {
      expect([path, await get(`/rest/api/3${path}`)]).toEqual([path, 503]);
    }
    const edit = await jira.fetchAs(null, '/rest/api/3/issue/BETA-1', { method: 'PUT', body: JSON.stringify({ fields: { summary: 'Changed' } }) });
    expect(edit.status).toBe(503);
    const summary = jira.db.prepare("SELECT summary FROM issues WHERE key = 'BETA-1'").get() as { summary: string };
    expect(summary.summary).toBe('BETA issue 1');

    // ALPHA-1's id (10001) is BETA's project id: an issue id is never read as a project id.
    for (const path of ['/issue/ALPHA-1', `/issue/${issueId('ALPHA-1')}`, '/issue/ALPHA-2/worklog', '/issue/GAMMA-1']) {
      expect([path, await get(`/rest/api/3${path}`)]).toEqual([path, 200]);
    }
  });

  it('fails search/jql (GET and POST) and approximate-count whose JQL names the project or one of its issues', async () => {
    const failing = [
      'project = BETA',
      'project = "BETA"',
      "project = 'BETA' ORDER BY key",
      'project=BETA',
      'project = beta',
      `project = ${PROJECT_IDS.BETA}`,
      'project = "Beta Billing"',
      'project in (ALPHA, BETA)',
      'project IN ("ALPHA","BETA") AND status = "To Do"',
      'project not in (BETA) AND project = ALPHA',
      '(status = Done) AND (project = BETA OR project = ALPHA)',
      'key = BETA-3',
      'issuekey in (ALPHA-1, BETA-2)',
      'parent = BETA-1',
    ];
    for (const jql of failing) {
      expect([jql, await searchGet(jql), await searchPost(jql), await count(jql)]).toEqual([jql, 503, 503, 503]);
    }
    const passing = ['project = ALPHA', 'project in (ALPHA, GAMMA)', 'project = ALPHA AND labels = BETAS', 'project = ALPHA AND key = ALPHA-1', 'key = XBETA-1 OR project = ALPHA'];
    for (const jql of passing) {
      const statuses = [await searchGet(jql), await searchPost(jql), await count(jql)];
      // XBETA-1 is no issue of this site: Jira's 400 for a bad key, but no injected 503.
      expect([jql, statuses.every((status) => status !== 503)]).toEqual([jql, true]);
    }
    expect(await searchPost('project = ALPHA')).toBe(200);
    expect(await count('project in (ALPHA, GAMMA)')).toBe(200);
  });

  it('fails changelog/bulkfetch when any of its issues belongs to the project', async () => {
    const bulk = (issueIdsOrKeys: string[]): Promise<number> => post('/rest/api/3/changelog/bulkfetch', { issueIdsOrKeys });
    expect(await bulk(['ALPHA-1', 'BETA-2'])).toBe(503);
    expect(await bulk(['ALPHA-1', String(issueId('BETA-3'))])).toBe(503);
    expect(await bulk(['beta-4'])).toBe(503);
    expect(await bulk(['ALPHA-1', String(issueId('ALPHA-2')), 'GAMMA-1'])).toBe(200);
  });

  it('fails worklog/list when any id is a worklog of one of its issues', async () => {
    const alpha = worklogIdsOf('ALPHA');
    const beta = worklogIdsOf('BETA');
    expect(alpha.length).toBeGreaterThan(0);
    expect(beta.length).toBeGreaterThan(0);
    expect(await post('/rest/api/3/worklog/list', { ids: [...alpha.slice(0, 3), beta[0]] })).toBe(503);
    expect(await post('/rest/api/3/worklog/list', { ids: alpha })).toBe(200);
  });

  it('leaves requests about nothing in particular alone, and fails hidden projects for everyone', async () => {
    for (const path of ['/myself', '/field', '/project/search', '/worklog/updated?since=0', '/mypermissions?permissions=BROWSE_PROJECTS']) {
      expect([path, await get(`/rest/api/3${path}`)]).toEqual([path, 200]);
    }
    // carol cannot browse BETA (a 404 normally): the outage answers first.
    const hidden = await jira.fetchAs('carol', '/rest/api/3/issue/BETA-1');
    expect(hidden.status).toBe(503);
    expect(await hidden.json()).toEqual(UNAVAILABLE);
  });

  it('takes several projects, any case, and keys of projects the site does not have', async () => {
    jira.server.app.control.setKnobs({ failingProjects: ['gamma', 'NOPE'] });
    expect(await get('/rest/api/3/project/GAMMA')).toBe(503);
    expect(await get('/rest/api/3/issue/GAMMA-1')).toBe(503);
    expect(await get('/rest/api/3/issue/NOPE-1')).toBe(503);
    expect(await searchPost('project = NOPE')).toBe(503);
    expect(await get('/rest/api/3/project/BETA')).toBe(200);
    expect(await get('/rest/api/3/issue/BETA-1')).toBe(200);
  });

  it('is a knob like the others over PUT /__admin/knobs', async () => {
    const put = (body: unknown) =>
      fetch(`${jira.url}/__admin/knobs`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const set = await put({ failingProjects: ['ALPHA'] });
    expect(((await set.json()) as { failingProjects: string[] }).failingProjects).toEqual(['ALPHA']);
    expect(await get('/rest/api/3/issue/ALPHA-1')).toBe(503);
    expect(await get('/rest/api/3/issue/BETA-1')).toBe(200);
    for (const bad of ['ALPHA', ['ALPHA-1'], [''], [1]]) {
      const refused = await put({ failingProjects: bad });
      expect(refused.status).toBe(400);
    }
    expect((await put({ failingProjects: [] })).status).toBe(200);
    expect(await get('/rest/api/3/issue/ALPHA-1')).toBe(200);
  });
});
