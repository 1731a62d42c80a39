/**
 * The app's read-only fields: only the app that owns them writes their values (PUT /app/field/{id}/value
 * and POST /app/field/value, as the app); people get Jira's "cannot be set" through Edit issue.
 */
import { forgeFieldExtensionAri, LOCAL_APP_ID, LOCAL_ENVIRONMENT_ID } from '../../constants';
import type { InstalledApp } from './access';
import { ACTUAL_COST, issueId, PLANNED_BUDGET, specJson, startFixtureJira, STORY_POINTS, type FixtureJira } from './test-fixture';

const APP: InstalledApp = {
  token: 'app-token-for-tests',
  extensionPrefix: forgeFieldExtensionAri(''),
  readOnlyFieldKeys: ['planned-budget'],
};
expect(APP.extensionPrefix).toBe(`ari:cloud:ecosystem::extension/${LOCAL_APP_ID}/${LOCAL_ENVIRONMENT_ID}/static/`);

let jira: FixtureJira;
beforeEach(async () => {
  jira = await startFixtureJira({ alphaIssues: 5, installedApp: APP });
});
afterEach(async () => {
  await jira.close();
});

const asApp = (path: string, init: RequestInit = {}, token = APP.token): Promise<Response> =>
  fetch(`${jira.url}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...init.headers } });

type Issue = { fields: Record<string, unknown>; changelog: { histories: { items: { fieldId: string; fromString?: string; toString?: string }[] }[] } };
const read = async (key: string): Promise<Issue> => specJson<Issue>(await jira.fetchAs(null, `/rest/api/3/issue/${key}?expand=changelog`), 'GET /rest/api/3/issue/{issueIdOrKey}');
const errorsOf = async (response: Response): Promise<{ errorMessages: string[]; errors: Record<string, string> }> => (await response.json()) as never;

describe('the app field endpoints', () => {
  it('let the app set its field on several issues at once, with a changelog entry each', async () => {
    const before = (await read('ALPHA-2')).fields[PLANNED_BUDGET];
    const response = await asApp(`/rest/api/3/app/field/${PLANNED_BUDGET}/value`, {
      method: 'PUT',
      body: JSON.stringify({ updates: [{ issueIds: [issueId('ALPHA-2'), issueId('ALPHA-3')], value: 4250.5 }] }),
    });
    expect(response.status).toBe(204);
    for (const key of ['ALPHA-2', 'ALPHA-3']) expect((await read(key)).fields[PLANNED_BUDGET]).toBe(4250.5);
    const [latest] = (await read('ALPHA-2')).changelog.histories;
    expect(latest.items).toEqual([expect.objectContaining({ fieldId: PLANNED_BUDGET, fromString: before === undefined || before === null ? undefined : String(before), toString: '4250.5' })]);
  });

  it('set several fields of one issue in one request, each kept', async () => {
    const body = { updates: [{ customField: PLANNED_BUDGET, issueIds: [issueId('ALPHA-4')], value: 700 }, { customField: ACTUAL_COST, issueIds: [issueId('ALPHA-4')], value: 3 }] };
    expect((await asApp('/rest/api/3/app/field/value', { method: 'POST', body: JSON.stringify(body) })).status).toBe(204);
    expect((await read('ALPHA-4')).fields).toMatchObject({ [PLANNED_BUDGET]: 700, [ACTUAL_COST]: 3 });
  });

  it('write no changelog when asked not to, and clear a value with null', async () => {
    const histories = (await read('ALPHA-1')).changelog.histories.length;
    const body = { updates: [{ customField: PLANNED_BUDGET, issueIds: [issueId('ALPHA-1')], value: null }] };
    expect((await asApp('/rest/api/3/app/field/value?generateChangelog=false', { method: 'POST', body: JSON.stringify(body) })).status).toBe(204);
    const after = await read('ALPHA-1');
    expect(after.fields[PLANNED_BUDGET] ?? null).toBeNull();
    expect(after.changelog.histories).toHaveLength(histories);
  });

  it('refuse people, a wrong token, fields of other apps, unknown fields and issues, and bad values, changing nothing', async () => {
    const put = (body: unknown, field = PLANNED_BUDGET, token?: string) =>
      asApp(`/rest/api/3/app/field/${field}/value`, { method: 'PUT', body: JSON.stringify(body) }, token);
    const valid = { updates: [{ issueIds: [issueId('ALPHA-2')], value: 1 }] };
    const before = (await read('ALPHA-2')).fields[PLANNED_BUDGET] ?? null;

    const asPerson = await jira.fetchAs('bob', `/rest/api/3/app/field/${PLANNED_BUDGET}/value`, { method: 'PUT', body: JSON.stringify(valid) });
    expect(asPerson.status).toBe(403);
    expect((await errorsOf(asPerson)).errorMessages[0]).toMatch(/only the app that owns the custom field/i);
    expect((await put(valid, PLANNED_BUDGET, 'not-the-token')).status).toBe(401);
    // Story points belong to Jira Software, not to this app.
    const otherField = await put(valid, STORY_POINTS);
    expect(otherField.status).toBe(403);
    expect((await errorsOf(otherField)).errorMessages[0]).toMatch(/does not belong to this app/);
    expect((await put(valid, 'customfield_99999')).status).toBe(404);
    expect((await put({ updates: [{ issueIds: [issueId('ALPHA-2'), 987654], value: 1 }] })).status).toBe(404);
    const text = await put({ updates: [{ issueIds: [issueId('ALPHA-2')], value: 'a lot' }] });
    expect(text.status).toBe(400);
    expect((await errorsOf(text)).errorMessages[0]).toMatch(/must be a number/);
    expect((await put({ updates: [{ issueIds: ['x'], value: 1 }] })).status).toBe(400);
    expect((await put({ updates: [] })).status).toBe(400);
    const twice = await asApp('/rest/api/3/app/field/value', {
      method: 'POST',
      body: JSON.stringify({ updates: [{ customField: PLANNED_BUDGET, issueIds: [issueId('ALPHA-2'), issueId('ALPHA-2')], value: 1 }] }),
    });
    expect(twice.status).toBe(400);
    expect((await read('ALPHA-2')).fields[PLANNED_BUDGET] ?? null).toBe(before);
  });

  it('make the read-only field impossible to set through Edit issue, even for an administrator', async () => {
    for (const user of ['bob', null] as const) {
      const response = await jira.fetchAs(user, '/rest/api/3/issue/ALPHA-2', { method: 'PUT', body: JSON.stringify({ fields: { [PLANNED_BUDGET]: 99 } }) });
      expect(response.status).toBe(400);
      expect((await errorsOf(response)).errors[PLANNED_BUDGET]).toMatch(/cannot be set/);
    }
    // Other fields stay editable.
    expect((await jira.fetchAs('bob', '/rest/api/3/issue/ALPHA-2', { method: 'PUT', body: JSON.stringify({ fields: { [STORY_POINTS]: 5 } }) })).status).toBe(204);
  });
});

describe('JQL over number custom fields', () => {
  const keysOf = async (jql: string): Promise<string[]> => {
    const response = await jira.fetchAs(null, '/rest/api/3/search/jql', { method: 'POST', body: JSON.stringify({ jql, fields: ['key'], maxResults: 100 }) });
    const body = (await response.json()) as { issues?: { key: string }[]; errorMessages?: string[] };
    if (response.status !== 200) throw new Error(`${jql}: ${response.status} ${body.errorMessages?.join(' ')}`);
    return body.issues!.map((issue) => issue.key);
  };
  const status = async (jql: string) =>
    (await jira.fetchAs(null, '/rest/api/3/search/jql', { method: 'POST', body: JSON.stringify({ jql, fields: ['key'] }) })).json() as Promise<{ errorMessages?: string[] }>;

  it('compares by name or cf[N], finds empty values, and sorts', async () => {
    const ids = (keys: string[]) => keys.map(issueId);
    const set = (keys: string[], value: number | null) =>
      asApp('/rest/api/3/app/field/value', { method: 'POST', body: JSON.stringify({ updates: [{ customField: PLANNED_BUDGET, issueIds: ids(keys), value }] }) });
    await set(['ALPHA-1', 'ALPHA-2', 'ALPHA-3', 'ALPHA-4', 'ALPHA-5'], null);
    await set(['ALPHA-1'], -250);
    await set(['ALPHA-2'], 0);
    await set(['ALPHA-3'], 4000.5);
    const alpha = 'project = ALPHA AND ';
    expect(await keysOf(`${alpha}"Planned budget" < 0`)).toEqual(['ALPHA-1']);
    expect(await keysOf(`${alpha}"planned budget" >= 0 ORDER BY "Planned budget" DESC`)).toEqual(['ALPHA-3', 'ALPHA-2']);
    const cf = PLANNED_BUDGET.replace('customfield_', '');
    expect(await keysOf(`${alpha}cf[${cf}] = 4000.5`)).toEqual(['ALPHA-3']);
    expect(await keysOf(`${alpha}cf[${cf}] is EMPTY ORDER BY key`)).toEqual(['ALPHA-4', 'ALPHA-5']);
    expect(await keysOf(`${alpha}cf[${cf}] != 0 ORDER BY key`)).toEqual(['ALPHA-1', 'ALPHA-3']);
    expect((await status(`${alpha}"Planned budget" < lots`)).errorMessages).toEqual([`The value 'lots' is invalid for the field 'Planned budget'.`]);
    expect((await status(`"No such field" < 1`)).errorMessages?.[0]).toMatch(/does not exist/);
  });
});
