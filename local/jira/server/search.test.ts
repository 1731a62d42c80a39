/** search/jql, approximate-count and changelog/bulkfetch over real HTTP, answers checked against the spec. */
import Database from 'better-sqlite3';
import { issueId, PROJECT_IDS, specJson, startFixtureJira, STORY_POINTS, type FixtureJira, type FixtureUser } from './test-fixture';

const ALPHA_ISSUES = 130;
let jira: FixtureJira;
beforeAll(async () => {
  jira = await startFixtureJira({ alphaIssues: ALPHA_ISSUES });
});
afterAll(async () => {
  await jira.close();
});

interface SearchPage {
  issues: { id: string; key?: string; self?: string; fields?: Record<string, unknown> }[];
  nextPageToken?: string;
  isLast: boolean;
  names?: Record<string, string>;
  schema?: Record<string, unknown>;
}
interface ErrorBody {
  errorMessages: string[];
  errors: Record<string, string>;
}

const ENDPOINT_GET = 'GET /rest/api/3/search/jql';
const ENDPOINT_POST = 'POST /rest/api/3/search/jql';

async function searchGet(user: FixtureUser | null, params: Record<string, string | string[]>): Promise<Response> {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) for (const item of Array.isArray(value) ? value : [value]) query.append(name, item);
  return jira.fetchAs(user, `/rest/api/3/search/jql?${query}`);
}
async function searchPost(user: FixtureUser | null, body: Record<string, unknown>): Promise<Response> {
  return jira.fetchAs(user, '/rest/api/3/search/jql', { method: 'POST', body: JSON.stringify(body) });
}

/** Follows nextPageToken to the end, checking every page against the spec. */
async function allPages(user: FixtureUser | null, body: Record<string, unknown>): Promise<SearchPage[]> {
  const pages: SearchPage[] = [];
  let token: string | undefined;
  do {
    const page = await specJson<SearchPage>(await searchPost(user, { ...body, nextPageToken: token }), ENDPOINT_POST);
    pages.push(page);
    expect(page.isLast).toBe(page.nextPageToken === undefined);
    token = page.nextPageToken;
  } while (token !== undefined);
  return pages;
}

describe('GET/POST /search/jql', () => {
  it('answers ids only by default, 50 a page', async () => {
    const page = await specJson<SearchPage>(await searchGet(null, { jql: 'project = ALPHA ORDER BY key ASC' }), ENDPOINT_GET);
    expect(page.issues).toHaveLength(50);
    expect(page.issues[0]).toEqual({ id: String(issueId('ALPHA-1')) });
    expect(page.isLast).toBe(false);
    expect(typeof page.nextPageToken).toBe('string');
  });

  it('pages through every issue exactly once with nextPageToken', async () => {
    const pages = await allPages('bob', { jql: 'project in (ALPHA, BETA) ORDER BY created DESC', maxResults: 37, fields: ['key'] });
    const keys = pages.flatMap((page) => page.issues.map((issue) => issue.key));
    expect(pages.map((page) => page.issues.length)).toEqual([37, 37, 37, 31]);
    expect(new Set(keys).size).toBe(ALPHA_ISSUES + 12);
    expect(keys).toHaveLength(ALPHA_ISSUES + 12);
    expect(pages[pages.length - 1].nextPageToken).toBeUndefined();
  });

  it('GET takes the token too, and rejects a token from another query', async () => {
    const first = await specJson<SearchPage>(await searchGet(null, { jql: 'project = BETA ORDER BY key', maxResults: '5' }), ENDPOINT_GET);
    const second = await specJson<SearchPage>(
      await searchGet(null, { jql: 'project = BETA ORDER BY key', maxResults: '5', nextPageToken: first.nextPageToken as string }),
      ENDPOINT_GET,
    );
    expect(second.issues.map((issue) => issue.id)).toEqual([6, 7, 8, 9, 10].map((n) => String(issueId(`BETA-${n}`))));
    const foreign = await searchGet(null, { jql: 'project = ALPHA', nextPageToken: first.nextPageToken as string });
    expect(foreign.status).toBe(400);
    await specJson(foreign, ENDPOINT_GET);
  });

  it('caps pages at 5000 for ids/keys and at 100 when other fields are asked for', async () => {
    const ids = await specJson<SearchPage>(await searchPost(null, { jql: 'project = ALPHA', maxResults: 10_000 }), ENDPOINT_POST);
    expect(ids.issues).toHaveLength(ALPHA_ISSUES);
    expect(ids.isLast).toBe(true);
    const keys = await specJson<SearchPage>(await searchPost(null, { jql: 'project = ALPHA', maxResults: 10_000, fields: ['id', 'key'] }), ENDPOINT_POST);
    expect(keys.issues).toHaveLength(ALPHA_ISSUES);
    const withFields = await specJson<SearchPage>(await searchPost(null, { jql: 'project = ALPHA', maxResults: 10_000, fields: ['summary'] }), ENDPOINT_POST);
    expect(withFields.issues).toHaveLength(100);
    expect(withFields.isLast).toBe(false);
    const bad = await searchPost(null, { jql: 'project = ALPHA', maxResults: 0 });
    expect(bad.status).toBe(400);
    await specJson(bad, ENDPOINT_POST);
  });

  it('applies the fields rules: lists, *all, *navigable, exclusions, custom fields', async () => {
    const jql = 'key = ALPHA-2';
    const one = async (fields: string[]): Promise<Record<string, unknown>> => {
      const page = await specJson<SearchPage>(await searchGet(null, { jql, fields }), ENDPOINT_GET);
      expect(page.issues[0]).toMatchObject({ key: 'ALPHA-2', self: `${jira.url}/rest/api/3/issue/${issueId('ALPHA-2')}` });
      return page.issues[0].fields ?? {};
    };
    expect(Object.keys(await one(['summary,status', 'duedate']))).toEqual(['summary', 'status', 'duedate']);
    const navigable = await one(['*navigable']);
    expect(navigable).toHaveProperty('summary');
    expect(navigable).toHaveProperty(STORY_POINTS, 3);
    expect(navigable).not.toHaveProperty('timetracking');
    expect(await one(['*all'])).toHaveProperty('timetracking');
    const excluded = await one(['*all,-summary', `-${STORY_POINTS}`]);
    expect(excluded).not.toHaveProperty('summary');
    expect(excluded).not.toHaveProperty(STORY_POINTS);
    // Only exclusions: the navigable fields minus those.
    const minus = await one(['-summary']);
    expect(minus).not.toHaveProperty('summary');
    expect(minus).toHaveProperty('status');
    expect(minus).not.toHaveProperty('timetracking');
    expect(await one(['summary', 'nonsense'])).toEqual({ summary: 'ALPHA issue 2' });
  });

  it('expands names and schema at the top level', async () => {
    const page = await specJson<SearchPage>(await searchPost(null, { jql: 'key = ALPHA-2', fields: ['summary', STORY_POINTS], expand: 'names,schema' }), ENDPOINT_POST);
    expect(page.names).toEqual({ summary: 'Summary', [STORY_POINTS]: 'Story point estimate' });
    expect(page.schema).toMatchObject({ summary: { type: 'string' }, [STORY_POINTS]: { type: 'number', customId: 10016 } });
  });

  it('renders parents, links and fix versions in every issue of a page', async () => {
    const pages = await allPages(null, { jql: 'project = ALPHA', fields: ['*all'], maxResults: 100 });
    const issues = pages.flatMap((page) => page.issues);
    expect(issues).toHaveLength(ALPHA_ISSUES);
    const byKey = new Map(issues.map((issue) => [issue.key, issue.fields ?? {}]));
    expect(byKey.get('ALPHA-3')?.parent).toMatchObject({ key: 'ALPHA-1' });
    expect(byKey.get('ALPHA-3')?.issuelinks).toHaveLength(1);
    expect(byKey.get('ALPHA-50')?.fixVersions).toEqual([expect.objectContaining({ name: 'v2.0' })]);
  });

  it('returns only issues of projects the caller may browse', async () => {
    const asDave = await specJson<SearchPage>(await searchPost('dave', { jql: 'assignee = currentUser() OR assignee is EMPTY', maxResults: 5000 }), ENDPOINT_POST);
    expect(asDave.issues).toEqual([]);
    const asCarol = await allPages('carol', { jql: 'created >= "2024-01-01"', maxResults: 5000, fields: ['project'] });
    const projects = new Set(asCarol.flatMap((page) => page.issues.map((issue) => (issue.fields?.project as { key: string }).key)));
    expect([...projects]).toEqual(['ALPHA']);
  });

  it('answers a project the caller cannot browse as a value that does not exist', async () => {
    for (const jql of ['project = GAMMA', 'project in (ALPHA, gamma) ORDER BY key', `project = ${PROJECT_IDS.GAMMA}`, 'status = Done AND project != "Gamma Secret"']) {
      const response = await searchPost('bob', { jql });
      expect(response.status).toBe(400);
      const body = await specJson<ErrorBody>(response, ENDPOINT_POST);
      expect(body.errorMessages).toEqual([expect.stringMatching(/^(The value|A value with ID) '.+' does not exist for the field 'project'\.$/)]);
    }
    // A text value that happens to read "project" is not a project clause.
    expect((await searchPost('bob', { jql: 'project = ALPHA AND labels = "project"' })).status).toBe(200);
  });

  it('rejects unbounded queries and JQL errors with Jira’s 400', async () => {
    for (const jql of ['', 'ORDER BY key DESC']) {
      const response = await searchGet(null, { jql });
      expect(response.status).toBe(400);
      expect(await specJson<ErrorBody>(response, ENDPOINT_GET)).toEqual({
        errorMessages: ['Unbounded JQL queries are not allowed here. Please add a search restriction to your query.'],
        errors: {},
      });
    }
    const broken = await searchPost(null, { jql: 'project = = ALPHA' });
    expect(broken.status).toBe(400);
    expect((await specJson<ErrorBody>(broken, ENDPOINT_POST)).errorMessages.length).toBeGreaterThan(0);
  });

  it('validates the body and the query string', async () => {
    const unknownProperty = await searchPost(null, { jql: 'project = ALPHA', pageSize: 3 });
    expect(unknownProperty.status).toBe(400);
    const wrongType = await searchPost(null, { jql: 'project = ALPHA', fields: 'summary' });
    expect(wrongType.status).toBe(400);
    expect((await specJson<ErrorBody>(wrongType, ENDPOINT_POST)).errors).toHaveProperty('fields');
    const badQuery = await searchGet(null, { jql: 'project = ALPHA', maxResults: 'ten' });
    expect(badQuery.status).toBe(400);
    expect((await specJson<ErrorBody>(badQuery, ENDPOINT_GET)).errorMessages[0]).toContain("'maxResults'");
  });
});

describe('POST /search/approximate-count', () => {
  const count = async (user: FixtureUser | null, jql: string): Promise<Response> =>
    jira.fetchAs(user, '/rest/api/3/search/approximate-count', { method: 'POST', body: JSON.stringify({ jql }) });

  it('counts what the caller may see', async () => {
    expect(await specJson(await count(null, 'project in (ALPHA, BETA, GAMMA)'), 'POST /rest/api/3/search/approximate-count')).toEqual({ count: ALPHA_ISSUES + 12 + 5 });
    expect(await specJson(await count('carol', 'created >= "2024-01-01"'), 'POST /rest/api/3/search/approximate-count')).toEqual({ count: ALPHA_ISSUES });
    expect(await specJson(await count('dave', 'created >= "2024-01-01"'), 'POST /rest/api/3/search/approximate-count')).toEqual({ count: 0 });
    const hidden = await count('carol', 'project = BETA');
    expect(hidden.status).toBe(400);
    await specJson(hidden, 'POST /rest/api/3/search/approximate-count');
    expect((await count(null, 'order by key')).status).toBe(400);
  });
});

describe('JQL too large to run', () => {
  const COUNT_ENDPOINT = 'POST /rest/api/3/search/approximate-count';
  const count = async (jql: string): Promise<Response> =>
    jira.fetchAs(null, '/rest/api/3/search/approximate-count', { method: 'POST', body: JSON.stringify({ jql }) });
  /** `n` clauses joined by `join`, each naming one of the ALPHA issues in turn. */
  const chain = (n: number, clause: (k: number) => string, join = ' OR '): string => Array.from({ length: n }, (_, i) => clause((i % ALPHA_ISSUES) + 1)).join(join);
  const tooComplex = (detail: RegExp) => ({ errorMessages: [expect.stringMatching(detail)], errors: {} });

  it('runs a chain of 999 or 1,000 OR clauses (SQLite would refuse it as one deep expression tree)', async () => {
    for (const n of [999, 1000]) {
      const page = await specJson<SearchPage>(await searchPost(null, { jql: chain(n, (k) => `key = ALPHA-${k}`), maxResults: 5000 }), ENDPOINT_POST);
      expect(page.issues).toHaveLength(ALPHA_ISSUES);
      expect(await specJson(await count(chain(n, (k) => `project = ${['ALPHA', 'BETA', 'GAMMA'][k % 3]}`)), COUNT_ENDPOINT)).toEqual({ count: ALPHA_ISSUES + 12 + 5 });
      // The GET form, short enough for a URL: `|` is OR.
      const get = await specJson<SearchPage>(await searchGet('bob', { jql: chain(n, (k) => `id=${issueId(`ALPHA-${k}`)}`, '|'), maxResults: '5000' }), ENDPOINT_GET);
      expect(get.issues).toHaveLength(ALPHA_ISSUES);
    }
    // Clauses of other fields, which are not merged into one list, and AND chains and negated chains too.
    const backend = await specJson<{ count: number }>(await count('labels = backend'), COUNT_ENDPOINT);
    expect(backend.count).toBeGreaterThan(0);
    expect(await specJson(await count(`labels = backend OR ${chain(999, (k) => `labels = "label ${k}"`)}`), COUNT_ENDPOINT)).toEqual(backend);
    const notAny = chain(999, (k) => `key != ALPHA-${k}`, ' AND ');
    expect(await specJson(await count(`project = ALPHA AND ${notAny}`), COUNT_ENDPOINT)).toEqual({ count: 0 });
    expect(await specJson(await count(`project in (ALPHA, BETA) AND NOT (${chain(999, (k) => `key = ALPHA-${k}`)})`), COUNT_ENDPOINT)).toEqual({ count: 12 });
  });

  it('answers more than 1,000 clauses with Jira’s 400, on every search endpoint', async () => {
    const detail = /^The JQL query is too complex: it has 1,001 clauses, and at most 1,000 are allowed\. /;
    const post = await searchPost(null, { jql: chain(1001, (k) => `key = ALPHA-${k}`) });
    expect(post.status).toBe(400);
    expect(await specJson(post, ENDPOINT_POST)).toEqual(tooComplex(detail));
    const get = await searchGet(null, { jql: chain(1001, (k) => `id=${issueId(`ALPHA-${k}`)}`, '|') });
    expect(get.status).toBe(400);
    expect(await specJson(get, ENDPOINT_GET)).toEqual(tooComplex(detail));
    const counted = await count(chain(1001, () => 'project = ALPHA'));
    expect(counted.status).toBe(400);
    expect(await specJson(counted, COUNT_ENDPOINT)).toEqual(tooComplex(detail));
  });

  it('answers more than 10,000 values with Jira’s 400', async () => {
    const jql = `key in (${chain(10_001, (k) => `ALPHA-${k}`, ',')})`;
    const response = await searchPost(null, { jql });
    expect(response.status).toBe(400);
    expect(await specJson(response, ENDPOINT_POST)).toEqual(tooComplex(/^The JQL query is too complex: it lists 10,001 values, and at most 10,000 are allowed\. /));
  });

  it('answers a 200 KB query and a query nested 5,000 deep with Jira’s 400, and keeps serving', async () => {
    const long = chain(15_000, (k) => `key = ALPHA-${k}`);
    expect(long.length).toBeGreaterThan(200_000);
    const response = await searchPost(null, { jql: long });
    expect(response.status).toBe(400);
    expect(await specJson(response, ENDPOINT_POST)).toEqual(tooComplex(/^The JQL query is too long: it has [\d,]+ characters, and at most 100,000 are allowed\./));
    const longCount = await count(long);
    expect(longCount.status).toBe(400);
    await specJson(longCount, COUNT_ENDPOINT);

    for (const deep of [`${'('.repeat(5000)}project = ALPHA${')'.repeat(5000)}`, `${'NOT '.repeat(5000)}project = ALPHA`, `project in ${'('.repeat(5000)}ALPHA${')'.repeat(5000)}`]) {
      const nested = await searchPost(null, { jql: deep });
      expect(nested.status).toBe(400);
      expect(await specJson(nested, ENDPOINT_POST)).toEqual(tooComplex(/^Error in the JQL Query: The query is nested too deeply\./));
    }
    expect((await searchPost(null, { jql: 'project = ALPHA' })).status).toBe(200);
  });

  it('answers Jira’s 400, not a 500, should SQLite still refuse a compiled query as too large', async () => {
    const prepare = jira.db.prepare.bind(jira.db);
    const spy = jest.spyOn(jira.db, 'prepare').mockImplementation((sql: string) => {
      if (sql.includes('FROM issues AS i WHERE')) throw new Database.SqliteError('Expression tree is too large (maximum depth 1000)', 'SQLITE_ERROR');
      return prepare(sql);
    });
    try {
      for (const response of [await searchPost(null, { jql: 'project = ALPHA' }), await count('project = ALPHA')]) {
        expect(response.status).toBe(400);
        expect(await response.json()).toEqual(tooComplex(/^The JQL query is too complex to run\. /));
      }
    } finally {
      spy.mockRestore();
    }
    expect((await searchPost(null, { jql: 'project = ALPHA' })).status).toBe(200);
  });
});

describe('POST /changelog/bulkfetch', () => {
  type Bulk = { issueChangeLogs: { issueId: string; changeHistories: { id: string; created: string; items: { fieldId: string; from?: string; to?: string }[] }[] }[]; nextPageToken?: string };
  const ENDPOINT = 'POST /rest/api/3/changelog/bulkfetch';
  const bulk = async (user: FixtureUser | null, body: Record<string, unknown>): Promise<Response> =>
    jira.fetchAs(user, '/rest/api/3/changelog/bulkfetch', { method: 'POST', body: JSON.stringify(body) });

  it('answers changelogs oldest first per issue, paging with nextPageToken', async () => {
    const keys = Array.from({ length: 30 }, (_, index) => `ALPHA-${index + 1}`);
    const expected = (jira.db.prepare('SELECT COUNT(*) AS n FROM changelogs WHERE issue_id BETWEEN ? AND ?').get(issueId('ALPHA-1'), issueId('ALPHA-30')) as { n: number }).n;
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await specJson<Bulk>(await bulk('bob', { issueIdsOrKeys: keys, maxResults: 7, nextPageToken: token }), ENDPOINT);
      pages++;
      for (const log of page.issueChangeLogs) {
        const created = log.changeHistories.map((history) => history.created);
        expect([...created].sort()).toEqual(created);
        seen.push(...log.changeHistories.map((history) => history.id));
      }
      token = page.nextPageToken;
    } while (token);
    expect(seen).toHaveLength(expected);
    expect(new Set(seen).size).toBe(expected);
    expect(pages).toBe(Math.ceil(expected / 7));
  });

  it('filters by field ids and leaves out issues the caller cannot browse', async () => {
    const page = await specJson<Bulk>(
      await bulk('carol', { issueIdsOrKeys: ['ALPHA-15', String(issueId('ALPHA-10')), 'BETA-3'], fieldIds: ['duedate'] }),
      ENDPOINT,
    );
    expect(page.issueChangeLogs.map((log) => log.issueId)).toEqual([String(issueId('ALPHA-10')), String(issueId('ALPHA-15'))]);
    for (const log of page.issueChangeLogs) {
      expect(log.changeHistories).toHaveLength(1);
      expect(log.changeHistories[0].items).toEqual([expect.objectContaining({ fieldId: 'duedate', to: '2024-03-01' })]);
      // The spec types from/to as strings: nulls are left out rather than sent.
      expect(log.changeHistories[0].items[0]).not.toHaveProperty('from');
    }
  });

  it('enforces the spec’s limits', async () => {
    const tooManyIssues = await bulk(null, { issueIdsOrKeys: Array.from({ length: 1001 }, (_, index) => `ALPHA-${index + 1}`) });
    expect(tooManyIssues.status).toBe(400);
    expect((await specJson<ErrorBody>(tooManyIssues, ENDPOINT)).errors).toHaveProperty('issueIdsOrKeys');
    const tooManyFields = await bulk(null, { issueIdsOrKeys: ['ALPHA-1'], fieldIds: Array.from({ length: 11 }, (_, index) => `f${index}`) });
    expect(tooManyFields.status).toBe(400);
    expect((await bulk(null, { issueIdsOrKeys: [] })).status).toBe(400);
    expect((await bulk(null, { issueIdsOrKeys: ['ALPHA-1'], maxResults: 10_001 })).status).toBe(400);
    expect((await bulk(null, { issueIdsOrKeys: ['ALPHA-1'], maxResults: 10_000 })).status).toBe(200);
  });
});
