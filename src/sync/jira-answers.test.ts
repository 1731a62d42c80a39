/** The new endpoint families against hand-written answers: schemas, paging and field resolution. */
import type { APIResponse, RequestInit, Route } from '@forge/api';
import { bulkFetchChangelogs, changeHistorySchema } from '../jira/changelogs';
import { JiraClient } from '../jira/client';
import { resolveMetricFields, type JiraField } from '../jira/fields';
import { maxPageSize, searchAllIssues } from '../jira/issues';
import { getProjectVersions } from '../jira/versions';
import { issueWorklogs, listWorklogs, worklogIdsUpdatedSince } from '../jira/worklogs';
import { z } from 'zod';

interface Call {
  method: string;
  path: string;
  body: unknown;
}

/** A client whose Jira answers from `answer`, recording each request. */
function fakeJira(answer: (call: Call) => unknown): { client: JiraClient; calls: Call[] } {
  const calls: Call[] = [];
  const requestJira = async (path: Route, init?: RequestInit): Promise<APIResponse> => {
    const call = { method: init?.method ?? 'GET', path: path.value, body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined };
    calls.push(call);
    const text = JSON.stringify(answer(call));
    return { ok: true, status: 200, statusText: 'OK', headers: new Headers(), text: async () => text, json: async () => JSON.parse(text) } as unknown as APIResponse;
  };
  return { client: new JiraClient(requestJira), calls };
}

const ari = (module: string) => `ari:cloud:ecosystem::extension/0000-app/1111-env/static/${module}`;
const field = (id: string, name: string, custom?: string): JiraField => ({
  id,
  name,
  custom: custom !== undefined,
  schema: custom === undefined ? { type: 'string', system: id } : { type: 'number', custom, customId: Number(id.split('_')[1]) },
});

describe('resolveMetricFields', () => {
  test('finds the fields by name and by type, whatever their numbers', () => {
    const ids = resolveMetricFields([
      field('summary', 'Summary'),
      field('customfield_10028', 'Story Points', 'com.atlassian.jira.plugin.system.customfieldtypes:float'),
      field('customfield_10016', 'Story point estimate', 'com.pyxis.greenhopper.jira:jsw-story-points'),
      field('customfield_10015', 'Start date', 'com.atlassian.jira.plugin.system.customfieldtypes:datepicker'),
      field('customfield_10021', 'Flagged', 'com.atlassian.jira.plugin.system.customfieldtypes:multicheckboxes'),
      field('customfield_10400', 'Budget (planned)', ari('planned-budget')),
      field('customfield_10401', 'Kosten', ari('actual-cost')),
      field('customfield_10402', 'Budget variance', ari('budget-variance')),
    ]);
    expect(ids).toEqual({
      storyPoints: 'customfield_10016',
      startDate: 'customfield_10015',
      flagged: 'customfield_10021',
      plannedBudget: 'customfield_10400',
      actualCost: 'customfield_10401',
      budgetVariance: 'customfield_10402',
    });
  });

  test('an old "Story Points" field is used when there is nothing better; missing fields are null', () => {
    expect(resolveMetricFields([field('customfield_10028', 'Story Points', 'com.atlassian.jira.plugin.system.customfieldtypes:float')])).toEqual({
      storyPoints: 'customfield_10028',
      startDate: null,
      flagged: null,
      plannedBudget: null,
      actualCost: null,
      budgetVariance: null,
    });
  });

  test('a field only named like the app field is not taken for it', () => {
    expect(resolveMetricFields([field('customfield_1', 'Planned budget', 'com.atlassian.jira.plugin.system.customfieldtypes:float')]).plannedBudget).toBeNull();
  });
});

describe('search', () => {
  test('page size is 5000 for ids and keys only, else 100', () => {
    expect(maxPageSize(['id'])).toBe(5000);
    expect(maxPageSize(['id', 'key'])).toBe(5000);
    expect(maxPageSize([])).toBe(5000);
    expect(maxPageSize(['key', 'status'])).toBe(100);
  });

  test('follows nextPageToken until the last page, never asking for more than Jira serves', async () => {
    const { client, calls } = fakeJira((call) => {
      const token = (call.body as { nextPageToken?: string }).nextPageToken;
      if (token === undefined) return { issues: [{ id: '1', key: 'A-1' }], nextPageToken: 't2', isLast: false };
      return { issues: [{ id: '2', key: 'A-2' }], isLast: true };
    });
    const issues = await searchAllIssues(client, { jql: 'project = A', fields: ['status'], pageSize: 1000 }, z.object({ id: z.string(), key: z.string() }));
    expect(issues.map((issue) => issue.key)).toEqual(['A-1', 'A-2']);
    expect(calls.map((call) => call.body)).toEqual([
      { jql: 'project = A', fields: ['status'], maxResults: 100 },
      { jql: 'project = A', fields: ['status'], maxResults: 100, nextPageToken: 't2' },
    ]);
  });
});

describe('changelog/bulkfetch', () => {
  test('batches 1000 issues a request and joins histories split over pages', async () => {
    const ids = Array.from({ length: 1500 }, (_, index) => String(index + 1));
    const { client, calls } = fakeJira((call) => {
      const body = call.body as { issueIdsOrKeys: string[]; nextPageToken?: string };
      const first = body.issueIdsOrKeys[0];
      const entry = (id: string, historyId: string) => ({ issueId: id, changeHistories: [{ id: historyId, created: '2026-01-01T00:00:00.000+0000', items: [{ fieldId: 'status', from: '1' }] }] });
      if (first === '1' && !body.nextPageToken) return { issueChangeLogs: [entry('1', 'h1')], nextPageToken: 'p2' };
      if (first === '1') return { issueChangeLogs: [entry('1', 'h2'), entry('2', 'h3')] };
      return { issueChangeLogs: [entry('1001', 'h4')] };
    });
    const histories = await bulkFetchChangelogs(client, ids, ['status', 'duedate']);
    expect(calls.map((call) => (call.body as { issueIdsOrKeys: string[] }).issueIdsOrKeys.length)).toEqual([1000, 1000, 500]);
    expect((calls[0].body as { fieldIds: string[] }).fieldIds).toEqual(['status', 'duedate']);
    expect(histories.get('1')?.map((history) => history.id)).toEqual(['h1', 'h2']);
    expect([...histories.keys()]).toEqual(['1', '2', '1001']);
    // Jira left `to` out: it reads as null.
    expect(histories.get('1')?.[0].items[0]).toEqual({ fieldId: 'status', from: '1', to: null });
  });

  test('no issues, no request; too many fields is refused before asking', async () => {
    const { client, calls } = fakeJira(() => ({}));
    expect((await bulkFetchChangelogs(client, [], ['status'])).size).toBe(0);
    await expect(bulkFetchChangelogs(client, ['1'], Array.from({ length: 11 }, (_, index) => `f${index}`))).rejects.toThrow(/at most 10/);
    expect(calls).toHaveLength(0);
  });

  test('a history item with a null from or to parses', () => {
    expect(changeHistorySchema.parse({ id: '1', created: 'x', items: [{ field: 'duedate', from: null, to: '2026-01-01', toString: '2026-01-01 00:00:00.0' }] }).items[0]).toEqual({
      field: 'duedate',
      from: null,
      to: '2026-01-01',
    });
  });
});

describe('worklogs', () => {
  const worklog = (id: number, issueId = '7') => ({ id: String(id), issueId, started: '2026-01-01T09:00:00.000+0000', timeSpentSeconds: 60, author: { accountId: 'u' } });

  test('worklog/updated pages from `until` until lastPage', async () => {
    const { client, calls } = fakeJira((call) => {
      if (call.path.includes('since=5')) return { values: [{ worklogId: 1, updatedTime: 10 }, { worklogId: 2, updatedTime: 20 }], since: 5, until: 20, lastPage: false, nextPage: 'x' };
      return { values: [{ worklogId: 3, updatedTime: 30 }], since: 20, until: 30, lastPage: true };
    });
    expect(await worklogIdsUpdatedSince(client, 5)).toEqual({ worklogIds: [1, 2, 3], untilMs: 30 });
    expect(calls.map((call) => call.path)).toEqual(['/rest/api/3/worklog/updated?since=5', '/rest/api/3/worklog/updated?since=20']);
  });

  test('a page that does not move forward ends the paging', async () => {
    const { client, calls } = fakeJira(() => ({ values: [], since: 5, until: 5, lastPage: false }));
    expect(await worklogIdsUpdatedSince(client, 5)).toEqual({ worklogIds: [], untilMs: 5 });
    expect(calls).toHaveLength(1);
  });

  test('worklog/list takes 1000 ids a request, each id once', async () => {
    const { client, calls } = fakeJira((call) => (call.body as { ids: number[] }).ids.map((id) => worklog(id)));
    const ids = [...Array.from({ length: 2001 }, (_, index) => index + 1), 1];
    expect(await listWorklogs(client, ids)).toHaveLength(2001);
    expect(calls.map((call) => (call.body as { ids: number[] }).ids.length)).toEqual([1000, 1000, 1]);
  });

  test("an issue's worklogs are paged with startAt up to total", async () => {
    const { client, calls } = fakeJira((call) => {
      const startAt = Number(/startAt=(\d+)/.exec(call.path)?.[1]);
      return { startAt, maxResults: 2, total: 3, worklogs: startAt === 0 ? [worklog(1), worklog(2)] : [worklog(3)] };
    });
    expect((await issueWorklogs(client, 'A-7')).map((entry) => entry.id)).toEqual(['1', '2', '3']);
    expect(calls.map((call) => call.path)).toEqual(['/rest/api/3/issue/A-7/worklog?startAt=0&maxResults=5000', '/rest/api/3/issue/A-7/worklog?startAt=2&maxResults=5000']);
  });
});

test('project versions are read page by page', async () => {
  const { client, calls } = fakeJira((call) =>
    call.path.includes('startAt=0')
      ? { startAt: 0, maxResults: 100, total: 2, isLast: false, values: [{ id: '1', name: '1.0', released: true, releaseDate: '2026-01-01' }] }
      : { startAt: 1, maxResults: 100, total: 2, isLast: true, values: [{ id: '2', name: '2.0', archived: true }] },
  );
  expect(await getProjectVersions(client, 'APP')).toEqual([
    { id: '1', name: '1.0', released: true, archived: false, releaseDate: '2026-01-01', startDate: null },
    { id: '2', name: '2.0', released: false, archived: true, releaseDate: null, startDate: null },
  ]);
  expect(calls[1].path).toBe('/rest/api/3/project/APP/version?startAt=1&maxResults=100&orderBy=sequence');
});
