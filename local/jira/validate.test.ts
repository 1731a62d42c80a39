import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dataset, DatasetInput } from './dataset';
import { generateDemoDataset } from './seed';
import { DatasetError, MAX_REPORTED_PROBLEMS, loadDatasetFile, parseDataset } from './validate';

const ALICE = 'acc-alice';
const BOB = 'acc-bob';

/** A small valid site: one project, an epic with a story and a subtask, one version. */
function site(): DatasetInput {
  return {
    format: 'pmo-portfolio-jira-dataset',
    version: 1,
    generatedAt: '2026-03-02T09:00:00.000Z',
    site: { name: 'Test' },
    users: [
      { accountId: ALICE, displayName: 'Alice', emailAddress: 'alice@pmo.example', groups: ['team'] },
      { accountId: BOB, displayName: 'Bob', emailAddress: 'bob@pmo.example' },
    ],
    groups: [{ name: 'team', groupId: 'g-1' }],
    categories: [{ id: '1', name: 'Digital' }],
    statuses: [
      { id: '1', name: 'To Do', categoryKey: 'new' },
      { id: '2', name: 'In Progress', categoryKey: 'indeterminate' },
      { id: '3', name: 'Done', categoryKey: 'done' },
    ],
    issueTypes: [
      { id: '1', name: 'Epic', hierarchyLevel: 1, subtask: false },
      { id: '2', name: 'Story', hierarchyLevel: 0, subtask: false },
      { id: '3', name: 'Sub-task', hierarchyLevel: -1, subtask: true },
    ],
    priorities: [{ id: '3', name: 'Medium' }],
    customFields: [{ id: 'customfield_10100', name: 'Planned budget', type: 'number', custom: 'x' }],
    projects: [
      { id: '1', key: 'APOLLO', name: 'Apollo', leadAccountId: ALICE, categoryId: '1', permissions: { BROWSE_PROJECTS: { groups: ['team'], users: [ALICE] } } },
      { id: '2', key: 'ORION', name: 'Orion', leadAccountId: BOB },
    ],
    versions: [
      { id: '1', projectKey: 'APOLLO', name: '1.0', releaseDate: '2026-04-01' },
      { id: '2', projectKey: 'ORION', name: '1.0' },
    ],
    issues: [
      {
        id: '1',
        key: 'APOLLO-1',
        projectKey: 'APOLLO',
        issueTypeId: '1',
        summary: 'Payments',
        statusId: '2',
        priorityId: '3',
        reporterAccountId: ALICE,
        created: '2026-01-01T10:00:00.000Z',
        updated: '2026-01-05T10:00:00.000Z',
        customFields: { customfield_10100: 5000 },
        changelog: [
          {
            id: '1',
            authorAccountId: ALICE,
            created: '2026-01-05T10:00:00.000Z',
            items: [{ field: 'status', fieldId: 'status', from: '1', fromString: 'To Do', to: '2', toString: 'In Progress' }],
          },
        ],
      },
      {
        id: '2',
        key: 'APOLLO-2',
        projectKey: 'APOLLO',
        issueTypeId: '2',
        summary: 'Pay by card',
        statusId: '3',
        priorityId: '3',
        reporterAccountId: ALICE,
        assigneeAccountId: BOB,
        parentKey: 'APOLLO-1',
        created: '2026-01-02T10:00:00.000Z',
        updated: '2026-01-10T10:00:00.000Z',
        resolutiondate: '2026-01-10T10:00:00.000Z',
        fixVersionIds: ['1'],
        links: [{ id: '1', type: 'Blocks', outwardIssueKey: 'APOLLO-3' }],
        worklogs: [
          { id: '1', authorAccountId: BOB, started: '2026-01-03T09:00:00.000Z', timeSpentSeconds: 7200, created: '2026-01-03T11:00:00.000Z', updated: '2026-01-03T11:00:00.000Z' },
        ],
      },
      {
        id: '3',
        key: 'APOLLO-3',
        projectKey: 'APOLLO',
        issueTypeId: '3',
        summary: 'Card form',
        statusId: '1',
        priorityId: '3',
        reporterAccountId: BOB,
        parentKey: 'APOLLO-2',
        created: '2026-01-03T10:00:00.000Z',
        updated: '2026-01-03T10:00:00.000Z',
      },
    ],
  };
}

function problemsOf(input: unknown): readonly string[] {
  try {
    parseDataset(input);
  } catch (error) {
    if (error instanceof DatasetError) return error.problems;
    throw error;
  }
  throw new Error('expected a DatasetError');
}

describe('parseDataset', () => {
  it('accepts a valid site and fills the defaults', () => {
    const dataset = parseDataset(site());
    expect(dataset.users[1].groups).toEqual([]);
    expect(dataset.issues[2].assigneeAccountId).toBeNull();
    expect(dataset.site.timeZone).toBe('UTC');
  });

  it('names the record of a broken reference', () => {
    const input = site();
    input.issues[1].statusId = '99';
    expect(problemsOf(input)).toEqual(['issues[1] (APOLLO-2): statusId "99" is not a status in statuses']);
  });

  it('names both records of a duplicate key', () => {
    const input = site();
    input.issues[2].key = 'APOLLO-2';
    input.issues[1].links = [];
    expect(problemsOf(input)).toEqual(['issues[2] (APOLLO-2): key "APOLLO-2" is already used by issues[1] (APOLLO-2)']);
  });

  it('turns schema problems into record positions and field paths', () => {
    const input = site();
    input.users[1].emailAddress = 'bob-at-pmo';
    expect(problemsOf(input)).toEqual(['users[1] (acc-bob): emailAddress: Invalid email address']);
  });

  it('reports nested schema problems and unknown fields', () => {
    const input = { ...site(), extra: true };
    input.issues[0].changelog = [{ id: '1', authorAccountId: ALICE, created: 'yesterday', items: [] }];
    expect(problemsOf(input)).toEqual([
      'issues[0] (APOLLO-1): changelog[0].created: Invalid ISO datetime',
      'issues[0] (APOLLO-1): changelog[0].items: Too small: expected array to have >=1 items',
      'dataset: Unrecognized key: "extra"',
    ]);
    expect(problemsOf([])).toEqual(['dataset: Invalid input: expected object, received array']);
  });

  it('checks users, groups, projects, versions and permissions', () => {
    const input = site();
    input.users[1].groups = ['nobody'];
    input.users[1].emailAddress = 'ALICE@pmo.example';
    input.projects[0].categoryId = '7';
    input.projects[1].leadAccountId = 'ghost';
    input.projects[0].permissions = { BROWSE_PROJECTS: { groups: ['missing'], users: [] } };
    input.versions[1].projectKey = 'NOPE';
    expect(problemsOf(input)).toEqual([
      'users[1] (acc-bob): emailAddress "ALICE@pmo.example" is already used by users[0] (acc-alice)',
      'users[1] (acc-bob): groups: "nobody" is not a group in groups',
      'projects[0] (APOLLO): categoryId "7" is not a category in categories',
      'projects[0] (APOLLO): permissions.BROWSE_PROJECTS.groups: "missing" is not a group in groups',
      'projects[1] (ORION): leadAccountId "ghost" is not a user in users',
      'versions[1] (id 2): projectKey "NOPE" is not a project in projects',
    ]);
  });

  it('checks the parent hierarchy', () => {
    const input = site();
    input.issues[2].parentKey = 'APOLLO-1';
    input.issues[1].parentKey = null;
    input.issues[0].parentKey = 'APOLLO-2';
    expect(problemsOf(input)).toEqual([
      'issues[0] (APOLLO-1): an Epic (level 1) cannot have a parent (parentKey "APOLLO-2")',
      'issues[2] (APOLLO-3): parentKey "APOLLO-1" is an Epic (level 1); the parent of a Sub-task (level -1) must be a standard issue (level 0)',
    ]);
    const orphan = site();
    orphan.issues[2].parentKey = null;
    expect(problemsOf(orphan)).toEqual(['issues[2] (APOLLO-3): a Sub-task (level -1) needs a parentKey']);
  });

  it('finds parent cycles', () => {
    const input = site();
    // Two stories that are each other's parent break the level rule and make a cycle.
    input.issues[0].issueTypeId = '2';
    input.issues[0].parentKey = 'APOLLO-2';
    expect(problemsOf(input)).toEqual([
      'issues[0] (APOLLO-1): parentKey "APOLLO-2" is a Story (level 0); the parent of a Story (level 0) must be an epic (level 1)',
      'issues[1] (APOLLO-2): parentKey "APOLLO-1" is a Story (level 0); the parent of a Story (level 0) must be an epic (level 1)',
      'issues[0] (APOLLO-1): parentKey makes a cycle: APOLLO-1 -> APOLLO-2 -> APOLLO-1',
    ]);
  });

  it('checks keys, versions, links and custom field values of an issue', () => {
    const input = site();
    input.issues[1].projectKey = 'ORION';
    input.issues[1].parentKey = null;
    input.issues[1].links = [{ id: '1', type: 'Blocks', outwardIssueKey: 'APOLLO-9' }];
    input.issues[0].customFields = { customfield_10100: '5000', customfield_99: 1 };
    expect(problemsOf(input)).toEqual([
      'issues[0] (APOLLO-1): customFields.customfield_10100 (Planned budget) should be a number, not "5000"',
      'issues[0] (APOLLO-1): customFields.customfield_99 is not a custom field in customFields',
      'issues[1] (APOLLO-2): key "APOLLO-2" does not start with its projectKey "ORION"',
      'issues[1] (APOLLO-2): fixVersionIds[0]: version "1" belongs to APOLLO, not ORION',
      'issues[1] (APOLLO-2): links[0]: outwardIssueKey "APOLLO-9" is not an issue in issues',
      'issues[2] (APOLLO-3): parentKey "APOLLO-2" is in project ORION, not APOLLO',
    ]);
  });

  it('keeps resolution, dates, changelogs and worklogs consistent', () => {
    const input = site();
    input.issues[0].resolutiondate = '2026-01-05T10:00:00.000Z';
    input.issues[1].resolutiondate = null;
    input.issues[2].updated = '2026-01-02T10:00:00.000Z';
    const worklog = { id: '2', authorAccountId: 'ghost', started: '2025-12-01T09:00:00.000Z', timeSpentSeconds: 700_000, created: '2026-01-04T10:00:00.000Z', updated: '2026-01-04T09:00:00.000Z' };
    input.issues[1].worklogs = [worklog];
    input.issues[0].changelog = [
      {
        id: '1',
        authorAccountId: ALICE,
        created: '2026-01-05T10:00:00.000Z',
        items: [{ field: 'status', fieldId: 'status', from: '1', fromString: 'To Do', to: '42', toString: 'Gone' }],
      },
      { id: '1', authorAccountId: ALICE, created: '2026-01-04T10:00:00.000Z', items: [{ field: 'labels', fieldId: 'labels', from: null, fromString: null, to: null, toString: 'x' }] },
    ];
    expect(problemsOf(input)).toEqual([
      'issues[0] (APOLLO-1): changelog[1]: id "1" is already used by issues[0] (APOLLO-1) changelog[0]',
      'issues[0] (APOLLO-1): resolutiondate is set but status "In Progress" is not in category done',
      'issues[0] (APOLLO-1): changelog[0].items[0]: status to "42" is not a status in statuses',
      'issues[0] (APOLLO-1): changelog[1]: created 2026-01-04T10:00:00.000Z is before the entry above it; a changelog is oldest first',
      'issues[1] (APOLLO-2): status "Done" is in category done but resolutiondate is null',
      'issues[1] (APOLLO-2): worklogs[0]: authorAccountId "ghost" is not a user in users',
      'issues[1] (APOLLO-2): worklogs[0]: timeSpentSeconds 700000 is more than a week',
      'issues[1] (APOLLO-2): worklogs[0]: started 2025-12-01T09:00:00.000Z is before the issue was created (2026-01-02T10:00:00.000Z)',
      'issues[1] (APOLLO-2): worklogs[0]: updated 2026-01-04T09:00:00.000Z is before created 2026-01-04T10:00:00.000Z',
      'issues[2] (APOLLO-3): updated 2026-01-02T10:00:00.000Z is before created 2026-01-03T10:00:00.000Z',
    ]);
  });

  it('checks that the last status change matches the status', () => {
    const input = site();
    input.issues[0].statusId = '1';
    expect(problemsOf(input)).toEqual(['issues[0] (APOLLO-1): the last status change goes to "2" but statusId is "1"']);
  });

  it(`spells out at most ${MAX_REPORTED_PROBLEMS} problems and counts the rest`, () => {
    const input = site();
    input.users[0].groups = Array.from({ length: 70 }, (_, index) => `g${index}`);
    let error: unknown;
    try {
      parseDataset(input);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DatasetError);
    const datasetError = error as DatasetError;
    expect(datasetError.problems).toHaveLength(MAX_REPORTED_PROBLEMS);
    expect(datasetError.total).toBe(70);
    expect(datasetError.omitted).toBe(20);
    expect(datasetError.message.split('\n')[0]).toBe('invalid dataset (70 problems)');
    expect(datasetError.message.endsWith('  ... and 20 more')).toBe(true);
  });
});

describe('duplicates in the demo dataset: one duplicate is one problem', () => {
  const demo = generateDemoDataset({ seed: 42, now: new Date('2026-06-15T09:00:00Z') });
  const nova = demo.projects.findIndex((project) => project.key === 'NOVA');
  const fresh = (): Dataset => structuredClone(demo);
  const problemsAfter = (change: (dataset: Dataset) => void): readonly string[] => {
    const dataset = fresh();
    change(dataset);
    return problemsOf(dataset);
  };

  it('is valid as generated', () => {
    expect(() => parseDataset(fresh())).not.toThrow();
    expect(nova).toBe(2);
  });

  it('names a copied project once, with both positions', () => {
    expect(problemsAfter((dataset) => dataset.projects.push(structuredClone(dataset.projects[nova])))).toEqual([
      `projects[${demo.projects.length}] (NOVA): id "10002" and key "NOVA" are already used by projects[2] (NOVA)`,
    ]);
    expect(problemsAfter((dataset) => dataset.projects.splice(5, 0, { ...structuredClone(dataset.projects[nova]), id: '19999' }))).toEqual([
      'projects[5] (NOVA): key "NOVA" is already used by projects[2] (NOVA)',
    ]);
  });

  it('names a project copied with its versions and issues once: records that merely name its key are not problems', () => {
    const problems = problemsAfter((dataset) => {
      const copy = { ...structuredClone(dataset.projects[nova]), id: '19999' };
      dataset.projects.push(copy);
      const versionIds = new Map<string, string>();
      let nextId = 900_000;
      for (const version of dataset.versions.filter((candidate) => candidate.projectKey === 'NOVA')) {
        const id = String(nextId++);
        versionIds.set(version.id, id);
        dataset.versions.push({ ...structuredClone(version), id });
      }
      for (const issue of dataset.issues.filter((candidate) => candidate.projectKey === 'NOVA')) {
        const twin = structuredClone(issue);
        twin.id = String(nextId++);
        twin.fixVersionIds = twin.fixVersionIds.map((id) => versionIds.get(id) ?? id);
        for (const entry of [...twin.changelog, ...twin.worklogs, ...twin.links]) entry.id = String(nextId++);
        // Typed as the generator would: the same keys, other types, so parents disagree with children.
        twin.issueTypeId = issue.issueTypeId === '10004' ? '10004' : '10002';
        dataset.issues.push(twin);
      }
    });
    expect(problems).toEqual([`projects[${demo.projects.length}] (NOVA): key "NOVA" is already used by projects[2] (NOVA)`]);
  });

  it('names a record given a key another has once, and the key it no longer has once', () => {
    const dataset = fresh();
    const lost = dataset.projects[5].key;
    dataset.projects[5].key = 'NOVA';
    const named = dataset.versions.filter((version) => version.projectKey === lost).length + dataset.issues.filter((issue) => issue.projectKey === lost).length;
    const firstVersion = dataset.versions.findIndex((version) => version.projectKey === lost);
    expect(problemsOf(dataset)).toEqual([
      'projects[5] (NOVA): key "NOVA" is already used by projects[2] (NOVA)',
      `versions[${firstVersion}] (id ${dataset.versions[firstVersion].id}): projectKey "${lost}" is not a project in projects (named in ${named - 1} more places)`,
    ]);
  });

  it('names one copied record of any list once, and leaves out the checks that depend on which of the two is meant', () => {
    // Altered copies come first, so references resolve to them: what the original's records would be checked against is unknown.
    const copies: [string, (dataset: Dataset) => void, RegExp][] = [
      ['user', (dataset) => dataset.users.push(structuredClone(dataset.users[2])), /^users\[16\] \(\w+\): accountId "\w+" and emailAddress "marcus\.chen@pmo\.example" are already used by users\[2\]/],
      ['group', (dataset) => dataset.groups.push(structuredClone(dataset.groups[0])), /^groups\[\d+\] \(site-admins\): name "site-admins" and groupId "[\w-]+" are already used by groups\[0\]/],
      ['category', (dataset) => dataset.categories.push(structuredClone(dataset.categories[0])), /^categories\[3\] \(id 10000\): id "10000" is already used by categories\[0\]/],
      ['priority', (dataset) => dataset.priorities.push(structuredClone(dataset.priorities[0])), /^priorities\[5\] \(id 1\): id "1" is already used/],
      ['status of another category', (dataset) => dataset.statuses.unshift({ ...structuredClone(dataset.statuses[1]), categoryKey: 'done' }), /^statuses\[2\] \(id 10001\): id "10001" is already used by statuses\[0\]/],
      ['issue type of another level', (dataset) => dataset.issueTypes.unshift({ ...structuredClone(dataset.issueTypes[1]), hierarchyLevel: 1 }), /^issueTypes\[2\] \(id 10001\): id "10001" is already used by issueTypes\[0\]/],
      ['custom field of another type', (dataset) => dataset.customFields.unshift({ ...structuredClone(dataset.customFields[1]), type: 'string' }), /^customFields\[2\] \(customfield_10016\): id "customfield_10016" is already used by customFields\[0\]/],
      [
        'version of another project',
        (dataset) => dataset.versions.unshift({ ...structuredClone(dataset.versions[4]), projectKey: 'LAB', name: 'Copied' }),
        /^versions\[5\] \(id 10005\): id "10005" is already used by versions\[0\]/,
      ],
      [
        'issue, with its changelog, worklogs and links',
        (dataset) => dataset.issues.push(structuredClone(dataset.issues.find((issue) => issue.links.length > 0 && issue.worklogs.length > 0) as Dataset['issues'][number])),
        /^issues\[\d+\] \([A-Z]+-\d+\): id "\d+" and key "[A-Z]+-\d+" are already used by issues\[\d+\]/,
      ],
    ];
    for (const [what, change, expected] of copies) {
      const problems = problemsAfter(change);
      expect({ what, problems }).toEqual({ what, problems: [expect.stringMatching(expected)] });
    }
  });

  it('names a value that does not exist once, however many records name it', () => {
    const problems = problemsAfter((dataset) => {
      for (const issue of dataset.issues.slice(0, 10)) issue.priorityId = '99';
    });
    expect(problems).toEqual([`issues[0] (${demo.issues[0].key}): priorityId "99" is not a priority in priorities (named in 9 more places)`]);
  });
});

describe('loadDatasetFile', () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'pmo-dataset-'));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('loads a valid file', () => {
    const path = join(folder, 'ok.json');
    writeFileSync(path, JSON.stringify(site()));
    expect(loadDatasetFile(path).issues).toHaveLength(3);
  });

  it('says which file is not JSON', () => {
    const path = join(folder, 'broken.json');
    writeFileSync(path, '{"format": "pmo-portfolio-jira-dataset",');
    expect(() => loadDatasetFile(path)).toThrow(DatasetError);
    try {
      loadDatasetFile(path);
    } catch (error) {
      const datasetError = error as DatasetError;
      expect(datasetError.source).toBe(path);
      expect(datasetError.problems).toHaveLength(1);
      expect(datasetError.problems[0]).toMatch(/^not valid JSON: /);
      expect(datasetError.message).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: invalid dataset \\(1 problem\\)\\n  not valid JSON: `));
    }
  });

  it('refuses a key written twice in one object, in one line naming the file, the key and where it is', () => {
    const path = join(folder, 'duplicate.json');
    const text = JSON.stringify(site(), null, 2).replace('"summary": "Pay by card",', '"summary": "Pay by card",\n      "summary": "Pay by cash",');
    writeFileSync(path, text);
    const lines = text.split('\n');
    const first = lines.findIndex((line) => line.includes('"Pay by card"'));
    expect(lines[first + 1]).toBe('      "summary": "Pay by cash",');
    expect(() => loadDatasetFile(path)).toThrow(
      new DatasetError(
        [`issues[1] (APOLLO-2): summary: duplicate key "summary" at ${path}:${first + 2}:7 (first at line ${first + 1}, column 7); a key may appear once in an object`],
        1,
        path,
      ).message,
    );
    // JSON.parse alone would have taken the file, keeping the last summary.
    expect((JSON.parse(text) as DatasetInput).issues[1].summary).toBe('Pay by cash');
  });

  it('names every duplicate key, on one-line files too, before checking anything else', () => {
    const path = join(folder, 'duplicates.json');
    const text = JSON.stringify(site())
      .replace('"to":"2"', '"to":"2","to":"3"')
      .replace('"name":"Test"', '"name":"Test","name":"Other"')
      .replace('"statusId":"1"', '"statusId":"99","statusId":"1"');
    writeFileSync(path, text);
    const column = (needle: string, from = 0): number => text.indexOf(needle, from) + 1;
    let error: unknown;
    try {
      loadDatasetFile(path);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).problems).toEqual([
      `site.name: duplicate key "name" at ${path}:1:${column('"name":"Other"')} (first at column ${column('"name":"Test"')}); a key may appear once in an object`,
      `issues[0] (APOLLO-1): changelog[0].items[0].to: duplicate key "to" at ${path}:1:${column('"to":"3"')} (first at column ${column('"to":"2"')}); a key may appear once in an object`,
      `issues[2] (APOLLO-3): statusId: duplicate key "statusId" at ${path}:1:${column('"statusId":"1"')} (first at column ${column('"statusId":"99"')}); a key may appear once in an object`,
    ]);
  });

  it('names the file in validation errors and when it is missing', () => {
    const path = join(folder, 'bad.json');
    const input = site();
    input.issues[1].statusId = '99';
    writeFileSync(path, JSON.stringify(input));
    expect(() => loadDatasetFile(path)).toThrow(`${path}: invalid dataset (1 problem)\n  issues[1] (APOLLO-2): statusId "99" is not a status in statuses`);
    expect(() => loadDatasetFile(join(folder, 'missing.json'))).toThrow(/missing\.json: invalid dataset \(1 problem\)\n {2}cannot read the file: ENOENT/);
  });
});
