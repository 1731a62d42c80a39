/** normalize on hand-written Jira answers, passed through the endpoint schemas as a real answer would be. */
import { changeHistorySchema, type JiraChangeHistory } from '../jira/changelogs';
import type { MetricFieldIds } from '../jira/fields';
import { metricIssueSchema, type JiraIssue } from '../jira/issues';
import { versionSchema } from '../jira/versions';
import { worklogSchema } from '../jira/worklogs';
import { dayNumber, type StatusCategory } from '../metrics/model';
import {
  collectStatusCategories,
  dueDateChangesFrom,
  issueFieldsFor,
  normalizeIssue,
  normalizeVersion,
  normalizeWorklog,
  parseJiraDateTime,
  statusChangesFrom,
  statusIdsIn,
} from './normalize';

const FIELD_IDS: MetricFieldIds = {
  storyPoints: 'customfield_10016',
  startDate: 'customfield_10015',
  flagged: 'customfield_10021',
  plannedBudget: 'customfield_10100',
  actualCost: 'customfield_10101',
};
const NO_CUSTOM_FIELDS: MetricFieldIds = { storyPoints: null, startDate: null, flagged: null, plannedBudget: null, actualCost: null };

const status = (id: string, name: string, key: StatusCategory) => ({
  self: `https://x.atlassian.net/rest/api/3/status/${id}`,
  id,
  name,
  statusCategory: { id: 4, key, name: key, colorName: 'yellow' },
});
const TO_DO = status('10000', 'To Do', 'new');
const IN_PROGRESS = status('10001', 'In Progress', 'indeterminate');
const IN_REVIEW = status('10002', 'In Review', 'indeterminate');
const DONE = status('10004', 'Done', 'done');
const STORY = { id: '10001', name: 'Story', subtask: false, hierarchyLevel: 0 };

const linked = (key: string, linkedStatus = TO_DO) => ({ id: '1', key, self: 'https://x', fields: { summary: key, status: linkedStatus } });
const blocks = (side: 'inwardIssue' | 'outwardIssue', key: string, name = 'Blocks') => ({
  id: '1',
  type: { id: '10000', name, inward: name === 'Blocks' ? 'is blocked by' : 'relates to', outward: name === 'Blocks' ? 'blocks' : 'relates to' },
  [side]: linked(key),
});

/** An issue as search/jql answers it, checked by the same schema the sync uses. */
function issue(fields: Record<string, unknown>, key = 'APP-7'): JiraIssue {
  return metricIssueSchema.parse({
    expand: 'names,schema',
    id: '10007',
    self: 'https://x/rest/api/3/issue/10007',
    key,
    fields: { issuetype: STORY, status: TO_DO, created: '2026-01-05T10:00:00.000+0000', updated: '2026-01-06T10:00:00.000+0000', ...fields },
  });
}

function history(created: string, items: Record<string, unknown>[], id = '1'): JiraChangeHistory {
  return changeHistorySchema.parse({ id, author: { accountId: 'a-1', displayName: 'A' }, created, items });
}
const statusItem = (from: string, to: string) => ({ field: 'status', fieldtype: 'jira', fieldId: 'status', from, fromString: 'x', to, toString: 'y' });

describe('parseJiraDateTime', () => {
  test("reads Jira's +0000 offset without a colon, and other ISO offsets", () => {
    expect(parseJiraDateTime('2026-01-05T10:00:00.000+0000')).toBe(Date.UTC(2026, 0, 5, 10));
    expect(parseJiraDateTime('2026-01-05T10:00:00.000+0530')).toBe(Date.UTC(2026, 0, 5, 4, 30));
    expect(parseJiraDateTime('2026-01-05T10:00:00.000-0800')).toBe(Date.UTC(2026, 0, 5, 18));
    expect(parseJiraDateTime('2026-01-05T10:00:00-08:00')).toBe(Date.UTC(2026, 0, 5, 18));
    expect(parseJiraDateTime('2026-01-05T10:00:00.123456Z')).toBe(Date.UTC(2026, 0, 5, 10, 0, 0, 123));
    expect(parseJiraDateTime('2026-01-05T10:00+0000')).toBe(Date.UTC(2026, 0, 5, 10));
    expect(parseJiraDateTime('2025-12-31T23:30:00.000-0100')).toBe(Date.UTC(2026, 0, 1, 0, 30));
  });

  test('throws on what is not a real date-time rather than answering NaN', () => {
    for (const bad of ['2026-02-30T10:00:00.000+0000', '2026-01-05T24:00:00.000+0000', '2026-01-05', '2026-01-05T10:00:00', 'yesterday', '']) {
      expect(() => parseJiraDateTime(bad)).toThrow(/not a Jira date-time/);
    }
  });
});

describe('normalizeIssue', () => {
  test('reads every field the metrics need from a full answer', () => {
    const item = normalizeIssue(
      issue({
        summary: 'Pay by card',
        description: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Card payments at checkout.' }] }] },
        status: IN_REVIEW,
        priority: { self: 'https://x', id: '2', name: 'High', iconUrl: 'https://x' },
        parent: linked('APP-1'),
        assignee: { accountId: 'u-1', displayName: 'Una', active: true },
        resolutiondate: null,
        duedate: '2026-02-27',
        timeoriginalestimate: 28_800,
        timeestimate: 7_200,
        timespent: 21_600,
        fixVersions: [{ self: 'https://x', id: '10010', name: '1.0', released: false, archived: false }],
        issuelinks: [],
        customfield_10016: 5,
        customfield_10015: '2026-01-12',
        customfield_10021: [{ self: 'https://x', value: 'Impediment', id: '10019' }],
        customfield_10100: 12_000.5,
        customfield_10101: 3_000,
        customfield_99999: 'not read',
      }),
      FIELD_IDS,
    );
    expect(item).toEqual({
      id: '10007',
      key: 'APP-7',
      summary: 'Pay by card',
      level: 'standard',
      issueType: 'Story',
      statusCategory: 'indeterminate',
      priority: 'High',
      parentKey: 'APP-1',
      assigneeAccountId: 'u-1',
      createdMs: Date.UTC(2026, 0, 5, 10),
      updatedMs: Date.UTC(2026, 0, 6, 10),
      resolvedMs: null,
      dueDay: dayNumber('2026-02-27'),
      startDay: dayNumber('2026-01-12'),
      storyPoints: 5,
      originalEstimateSeconds: 28_800,
      remainingEstimateSeconds: 7_200,
      timeSpentSeconds: 21_600,
      plannedBudget: 12_000.5,
      actualCost: 3_000,
      flagged: true,
      blockedByKeys: [],
      fixVersionIds: ['10010'],
      hasDescription: true,
      statusChanges: [],
      dueDateChanges: [],
    });
  });

  test('keeps only whether the description holds any text', () => {
    const blank = { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: '  ' }] }, { type: 'rule' }] };
    expect(normalizeIssue(issue({ description: null }), FIELD_IDS).hasDescription).toBe(false);
    expect(normalizeIssue(issue({ description: blank }), FIELD_IDS).hasDescription).toBe(false);
    expect(normalizeIssue(issue({ description: 'plain text from an older API' }), FIELD_IDS).hasDescription).toBe(true);
  });

  test('fields Jira leaves out or answers null read as null, empty or false', () => {
    const item = normalizeIssue(issue({ summary: null, priority: null, customfield_10021: [], customfield_10016: null }), FIELD_IDS);
    expect(item).toMatchObject({
      summary: '',
      priority: '',
      parentKey: null,
      assigneeAccountId: null,
      resolvedMs: null,
      dueDay: null,
      startDay: null,
      storyPoints: null,
      originalEstimateSeconds: null,
      remainingEstimateSeconds: null,
      plannedBudget: null,
      actualCost: null,
      flagged: false,
      blockedByKeys: [],
      fixVersionIds: [],
    });
  });

  test('a site without the custom fields reads them as null whatever the answer holds', () => {
    const item = normalizeIssue(issue({ customfield_10016: 8, customfield_10100: 5 }), NO_CUSTOM_FIELDS);
    expect([item.storyPoints, item.plannedBudget, item.actualCost, item.startDay, item.flagged]).toEqual([null, null, null, null, false]);
    expect(issueFieldsFor(NO_CUSTOM_FIELDS)).not.toContain(null);
    expect(issueFieldsFor(FIELD_IDS)).toEqual(expect.arrayContaining(['status', 'issuelinks', 'timespent', 'customfield_10016', 'customfield_10101']));
  });

  test('a value of the wrong type is not taken for a number', () => {
    const item = normalizeIssue(issue({ customfield_10016: '5', customfield_10100: { value: 1 } }), FIELD_IDS);
    expect([item.storyPoints, item.plannedBudget]).toEqual([null, null]);
  });

  test('resolution date in Jira format becomes an instant', () => {
    const item = normalizeIssue(issue({ status: DONE, resolutiondate: '2026-03-01T08:15:00.000+0100' }), FIELD_IDS);
    expect(item.statusCategory).toBe('done');
    expect(item.resolvedMs).toBe(Date.UTC(2026, 2, 1, 7, 15));
  });

  test('levels come from the issue type hierarchy level', () => {
    const levelOf = (issuetype: Record<string, unknown>) => normalizeIssue(issue({ issuetype }), FIELD_IDS).level;
    expect(levelOf({ id: '10000', name: 'Epic', subtask: false, hierarchyLevel: 1 })).toBe('epic');
    expect(levelOf({ id: '10004', name: 'Sub-task', subtask: true, hierarchyLevel: -1 })).toBe('subtask');
    expect(levelOf({ id: '10002', name: 'Task', subtask: false, hierarchyLevel: 0 })).toBe('standard');
    // Premium's levels above epics are portfolio items too.
    expect(levelOf({ id: '10100', name: 'Initiative', subtask: false, hierarchyLevel: 2 })).toBe('epic');
    // Without hierarchyLevel the subtask flag still tells.
    expect(levelOf({ id: '10004', name: 'Sub-task', subtask: true })).toBe('subtask');
    expect(levelOf({ id: '10001', name: 'Story' })).toBe('standard');
  });

  test('blocked by: only Blocks links whose other side is the inward issue, each key once', () => {
    const item = normalizeIssue(
      issue({
        issuelinks: [
          blocks('inwardIssue', 'APP-2'), // APP-7 is blocked by APP-2
          blocks('outwardIssue', 'APP-3'), // APP-7 blocks APP-3
          blocks('inwardIssue', 'OPS-9'), // blockers may sit in other projects
          blocks('inwardIssue', 'APP-4', 'Relates'),
          blocks('inwardIssue', 'APP-2'),
        ],
      }),
      FIELD_IDS,
    );
    expect(item.blockedByKeys).toEqual(['APP-2', 'OPS-9']);
  });

  test('the category of a status without one in the answer comes from the map, else To Do', () => {
    const bare = { id: '10001', name: 'In Progress' };
    expect(normalizeIssue(issue({ status: bare }), FIELD_IDS, new Map([['10001', 'indeterminate']])).statusCategory).toBe('indeterminate');
    expect(normalizeIssue(issue({ status: bare }), FIELD_IDS).statusCategory).toBe('new');
  });

  test('histories become status and due date changes, dated by the map and the current status', () => {
    const histories = [
      history('2026-01-10T09:00:00.000+0000', [statusItem('10000', '10001')], '1'),
      history('2026-01-11T09:00:00.000+0000', [statusItem('10001', '10002'), { field: 'duedate', fieldtype: 'jira', fieldId: 'duedate', to: '2026-02-01', toString: '2026-02-01 00:00:00.0' }], '2'),
      history('2026-01-12T09:00:00.000+0000', [statusItem('10002', '10004')], '3'),
    ];
    // 10004 (the current status) is known only from the issue itself.
    const categories = new Map<string, StatusCategory>([
      ['10000', 'new'],
      ['10001', 'indeterminate'],
      ['10002', 'indeterminate'],
    ]);
    const item = normalizeIssue(issue({ status: DONE }), FIELD_IDS, categories, histories);
    expect(item.statusChanges).toEqual([
      { atMs: Date.UTC(2026, 0, 10, 9), from: 'new', to: 'indeterminate' },
      { atMs: Date.UTC(2026, 0, 12, 9), from: 'indeterminate', to: 'done' },
    ]);
    expect(item.dueDateChanges).toEqual([{ atMs: Date.UTC(2026, 0, 11, 9), from: null, to: dayNumber('2026-02-01') }]);
  });

  test('an unreadable date names the issue', () => {
    expect(() => normalizeIssue(issue({ duedate: '27/02/2026' }), FIELD_IDS)).toThrow(/APP-7: not a date/);
  });
});

describe('statusChangesFrom', () => {
  const categories = new Map<string, StatusCategory>([
    ['1', 'new'],
    ['2', 'indeterminate'],
    ['3', 'indeterminate'],
    ['4', 'done'],
  ]);
  const categoryOf = (id: string) => categories.get(id) ?? null;

  test('moves within a category are skipped, reopening is kept', () => {
    const changes = statusChangesFrom(
      [
        history('2026-01-01T10:00:00.000+0000', [statusItem('1', '2')]),
        history('2026-01-02T10:00:00.000+0000', [statusItem('2', '3')]),
        history('2026-01-03T10:00:00.000+0000', [statusItem('3', '2')]),
        history('2026-01-04T10:00:00.000+0000', [statusItem('2', '4')]),
        history('2026-01-05T10:00:00.000+0000', [statusItem('4', '3')]),
      ],
      categoryOf,
    );
    expect(changes.map((change) => `${change.from}>${change.to}`)).toEqual(['new>indeterminate', 'indeterminate>done', 'done>indeterminate']);
  });

  test('histories out of order are put oldest first; other fields are ignored', () => {
    const changes = statusChangesFrom(
      [
        history('2026-01-04T10:00:00.000+0000', [statusItem('2', '4')]),
        history('2026-01-01T10:00:00.000+0000', [{ field: 'resolution', fieldId: 'resolution', to: '10000' }, statusItem('1', '2')]),
      ],
      categoryOf,
    );
    expect(changes).toEqual([
      { atMs: Date.UTC(2026, 0, 1, 10), from: 'new', to: 'indeterminate' },
      { atMs: Date.UTC(2026, 0, 4, 10), from: 'indeterminate', to: 'done' },
    ]);
  });

  test('a status of unknown category keeps the category the issue came from', () => {
    const changes = statusChangesFrom(
      [
        history('2026-01-01T10:00:00.000+0000', [statusItem('1', '99')]),
        history('2026-01-02T10:00:00.000+0000', [statusItem('99', '4')]),
        history('2026-01-03T10:00:00.000+0000', [statusItem('98', '1')]),
      ],
      categoryOf,
    );
    expect(changes).toEqual([
      { atMs: Date.UTC(2026, 0, 2, 10), from: 'new', to: 'done' },
      { atMs: Date.UTC(2026, 0, 3, 10), from: 'done', to: 'new' },
    ]);
  });

  test('items without fieldId are recognised by field name', () => {
    const changes = statusChangesFrom([history('2026-01-01T10:00:00.000+0000', [{ field: 'status', from: '1', to: '4' }])], categoryOf);
    expect(changes).toEqual([{ atMs: Date.UTC(2026, 0, 1, 10), from: 'new', to: 'done' }]);
  });

  test('statusIdsIn lists every status id the histories name', () => {
    const ids = statusIdsIn([[history('2026-01-01T10:00:00.000+0000', [statusItem('1', '99'), { field: 'duedate', fieldId: 'duedate', to: '2026-01-01' }])]]);
    expect([...ids].sort()).toEqual(['1', '99']);
  });
});

describe('dueDateChangesFrom', () => {
  test('set, moved and cleared; the omitted side of an item is null', () => {
    const changes = dueDateChangesFrom([
      // Jira leaves `from` out when the item had no due date before.
      history('2026-01-01T10:00:00.000+0000', [{ field: 'duedate', fieldtype: 'jira', fieldId: 'duedate', to: '2026-02-01', toString: '2026-02-01 00:00:00.0' }]),
      history('2026-01-08T10:00:00.000+0000', [
        { field: 'duedate', fieldtype: 'jira', fieldId: 'duedate', from: '2026-02-01', fromString: '2026-02-01 00:00:00.0', to: '2026-02-15 00:00:00.0' },
      ]),
      history('2026-01-09T10:00:00.000+0000', [{ field: 'duedate', fieldtype: 'jira', fieldId: 'duedate', from: '2026-02-15', to: null }]),
      history('2026-01-10T10:00:00.000+0000', [statusItem('1', '2')]),
    ]);
    expect(changes).toEqual([
      { atMs: Date.UTC(2026, 0, 1, 10), from: null, to: dayNumber('2026-02-01') },
      { atMs: Date.UTC(2026, 0, 8, 10), from: dayNumber('2026-02-01'), to: dayNumber('2026-02-15') },
      { atMs: Date.UTC(2026, 0, 9, 10), from: dayNumber('2026-02-15'), to: null },
    ]);
  });
});

describe('collectStatusCategories', () => {
  test("learns from each issue's status, its parent's and its linked issues'", () => {
    const map = collectStatusCategories([
      issue({ status: IN_PROGRESS, parent: linked('APP-1', DONE), issuelinks: [{ ...blocks('inwardIssue', 'APP-2'), inwardIssue: linked('APP-2', IN_REVIEW) }] }),
      issue({ status: { id: '10009', name: 'No category' } }),
    ]);
    expect(Object.fromEntries(map)).toEqual({ '10001': 'indeterminate', '10004': 'done', '10002': 'indeterminate' });
  });
});

describe('worklogs and versions', () => {
  test('normalizeWorklog', () => {
    const worklog = worklogSchema.parse({
      self: 'https://x',
      author: { accountId: 'u-1', displayName: 'Una' },
      updateAuthor: { accountId: 'u-2' },
      comment: { type: 'doc', version: 1, content: [] },
      created: '2026-01-05T12:00:00.000+0000',
      updated: '2026-01-05T12:00:00.000+0000',
      started: '2026-01-05T09:30:00.000+0200',
      timeSpent: '1h 30m',
      timeSpentSeconds: 5_400,
      id: '100',
      issueId: '10007',
    });
    expect(normalizeWorklog(worklog, 'APP-7')).toEqual({
      id: '100',
      issueId: '10007',
      issueKey: 'APP-7',
      authorAccountId: 'u-1',
      startedMs: Date.UTC(2026, 0, 5, 7, 30),
      seconds: 5_400,
    });
    const { author: _author, ...anonymous } = worklog;
    expect(normalizeWorklog(anonymous, 'APP-7').authorAccountId).toBe('u-2');
  });

  test('normalizeVersion: release day when dated, released flag defaulting to false', () => {
    const dated = versionSchema.parse({ self: 'https://x', id: '10010', name: '1.0', archived: false, released: true, releaseDate: '2026-03-31', overdue: false, projectId: 1 });
    expect(normalizeVersion(dated)).toEqual({ id: '10010', name: '1.0', releaseDay: dayNumber('2026-03-31'), released: true });
    expect(normalizeVersion(versionSchema.parse({ id: '10011', name: '2.0' }))).toEqual({ id: '10011', name: '2.0', releaseDay: null, released: false });
  });
});
