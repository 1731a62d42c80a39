/** PUT /issue/{issueIdOrKey}: permissions, validation, the edit itself and its changelog. */
import { FIXTURE_NOW, issueId, PLANNED_BUDGET, specJson, startFixtureJira, STORY_POINTS, TEAM, USERS, type FixtureJira, type FixtureUser } from './test-fixture';

let jira: FixtureJira;
beforeEach(async () => {
  jira = await startFixtureJira({ alphaIssues: 20 });
});
afterEach(async () => {
  await jira.close();
});

interface ErrorBody {
  errorMessages: string[];
  errors: Record<string, string>;
}
type ChangeItem = { field: string; fieldId: string; fieldtype: string; from?: string; fromString?: string; to?: string; toString?: string };
type Issue = { fields: Record<string, unknown>; changelog: { histories: { author: { accountId: string }; created: string; items: ChangeItem[] }[] } };

const edit = (user: FixtureUser | null, key: string, body: unknown, query = ''): Promise<Response> =>
  jira.fetchAs(user, `/rest/api/3/issue/${key}${query}`, { method: 'PUT', body: JSON.stringify(body) });

const read = async (key: string): Promise<Issue> =>
  specJson<Issue>(await jira.fetchAs(null, `/rest/api/3/issue/${key}?expand=changelog`), 'GET /rest/api/3/issue/{issueIdOrKey}');

describe('PUT /issue/{issueIdOrKey}', () => {
  it('edits fields, bumps updated and writes one changelog entry for what changed', async () => {
    const response = await edit('bob', 'ALPHA-2', {
      fields: {
        summary: 'Rebuild the billing export',
        duedate: '2024-07-15',
        assignee: { accountId: USERS.dave.accountId },
        timetracking: { originalEstimate: '2d', remainingEstimate: '1d 4h' },
        [STORY_POINTS]: 8,
        [PLANNED_BUDGET]: 12_500.5,
        [TEAM]: { value: 'Payments' },
      },
      update: { labels: [{ add: 'billing' }, { remove: 'backend' }] },
    });
    expect(response.status).toBe(204);

    const issue = await read('ALPHA-2');
    expect(issue.fields).toMatchObject({
      summary: 'Rebuild the billing export',
      duedate: '2024-07-15',
      assignee: { accountId: USERS.dave.accountId },
      labels: ['billing'],
      timeoriginalestimate: 2 * 8 * 3600,
      timeestimate: 12 * 3600,
      updated: '2024-06-01T12:00:00.000+0000',
      [STORY_POINTS]: 8,
      [PLANNED_BUDGET]: 12_500.5,
      [TEAM]: { value: 'Payments' },
    });
    const [latest] = issue.changelog.histories;
    expect(latest.author.accountId).toBe(USERS.bob.accountId);
    expect(latest.created).toBe(FIXTURE_NOW.toISOString().replace('Z', '+0000'));
    const byField = new Map(latest.items.map((item) => [item.fieldId, item]));
    expect(byField.get('summary')).toEqual({ field: 'summary', fieldtype: 'jira', fieldId: 'summary', fromString: 'ALPHA issue 2', toString: 'Rebuild the billing export' });
    expect(byField.get('duedate')).toMatchObject({ to: '2024-07-15', toString: '2024-07-15 00:00:00.0' });
    expect(byField.get('assignee')).toMatchObject({ from: USERS.carol.accountId, fromString: 'Carol Checker', to: USERS.dave.accountId, toString: 'Dave Doe' });
    expect(byField.get('labels')).toMatchObject({ fromString: 'backend', toString: 'billing' });
    expect(byField.get('timeoriginalestimate')).toMatchObject({ from: '28800', to: '57600' });
    expect(byField.get(STORY_POINTS)).toMatchObject({ field: 'Story point estimate', fieldtype: 'custom', fromString: '3', toString: '8' });
    expect(byField.get(PLANNED_BUDGET)).toMatchObject({ fromString: '2000', toString: '12500.5' });

    // The edit is visible to JQL and to the bulk changelog.
    const found = await jira.fetchAs(null, '/rest/api/3/search/jql', { method: 'POST', body: JSON.stringify({ jql: 'project = ALPHA AND duedate = "2024-07-15"' }) });
    expect(((await found.json()) as { issues: { id: string }[] }).issues).toEqual([{ id: String(issueId('ALPHA-2')) }]);
    const bulk = await jira.fetchAs(null, '/rest/api/3/changelog/bulkfetch', { method: 'POST', body: JSON.stringify({ issueIdsOrKeys: ['ALPHA-2'], fieldIds: ['summary'] }) });
    expect(((await bulk.json()) as { issueChangeLogs: unknown[] }).issueChangeLogs).toHaveLength(1);
  });

  it('writes nothing when nothing changes', async () => {
    const before = await read('ALPHA-3');
    expect((await edit('bob', 'ALPHA-3', { fields: { summary: 'ALPHA issue 3' } })).status).toBe(204);
    const after = await read('ALPHA-3');
    expect(after.changelog.histories).toHaveLength(before.changelog.histories.length);
    expect(after.fields.updated).toBe(before.fields.updated);
  });

  it('answers the issue with returnIssue=true', async () => {
    const response = await edit('bob', 'ALPHA-3', { fields: { duedate: null } }, '?returnIssue=true');
    expect(response.status).toBe(200);
    const issue = await specJson<Issue>(response, 'GET /rest/api/3/issue/{issueIdOrKey}');
    expect(issue.fields.duedate).toBeNull();
  });

  it('validates each field by its type and answers every problem at once', async () => {
    const response = await edit('bob', 'ALPHA-2', {
      fields: {
        summary: '',
        duedate: '2024-02-30',
        assignee: { accountId: 'nobody' },
        [STORY_POINTS]: 'eight',
        status: { id: '3' },
        labels: ['two words'],
      },
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(Object.keys(body.errors).sort()).toEqual(['assignee', 'duedate', 'labels', 'status', STORY_POINTS, 'summary'].sort());
    expect(body.errors[STORY_POINTS]).toBe('Operation value must be a number');
    expect(body.errors.status).toBe("Field 'status' cannot be set. It is not on the appropriate screen, or unknown.");
    // Nothing was written.
    expect((await read('ALPHA-2')).fields.summary).toBe('ALPHA issue 2');
  });

  it('rejects a malformed body', async () => {
    const response = await edit('bob', 'ALPHA-2', { update: { labels: 'add' } });
    expect(response.status).toBe(400);
    expect((await response.json()) as ErrorBody).toMatchObject({ errors: { 'update.labels': expect.any(String) } });
  });

  it('needs Edit issues (403) and Browse projects (404)', async () => {
    const carol = await edit('carol', 'ALPHA-2', { fields: { summary: 'Nope' } });
    expect(carol.status).toBe(403);
    expect(((await carol.json()) as ErrorBody).errorMessages).toEqual(['You do not have permission to edit issues in this project.']);
    expect((await edit('dave', 'ALPHA-2', { fields: { summary: 'Nope' } })).status).toBe(404);
    expect((await edit('bob', 'GAMMA-1', { fields: { summary: 'Nope' } })).status).toBe(404);
    expect((await edit(null, 'GAMMA-1', { fields: { summary: 'Admins may' } })).status).toBe(204);
  });
});
