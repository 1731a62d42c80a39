import type { Dataset } from '../jira/dataset';
import { FIELD, ISSUE_TYPE, generateDemoDataset } from '../jira/seed/index';
import { dayNumber, type WorkItem } from '../../src/metrics/model';
import { at } from '../../src/metrics/testing';
import { projectDataFromDataset } from './fromDataset';

const demo = generateDemoDataset({ seed: 42, now: new Date('2026-03-02T09:00:00Z') });
const projects = projectDataFromDataset(demo);
const byKey = new Map(projects.map((project) => [project.key, project]));

const itemsByKey = new Map(projects.flatMap((project) => project.items.map((workItem) => [workItem.key, workItem] as const)));

function item(key: string): WorkItem {
  const found = itemsByKey.get(key);
  if (!found) throw new Error(`no ${key}`);
  return found;
}

describe('projectDataFromDataset on the demo seed', () => {
  it('has every project, in the dataset’s order, with its portfolio (category name)', () => {
    expect(projects.map((project) => project.key)).toEqual(demo.projects.map((project) => project.key));
    expect(byKey.get('APOLLO')?.portfolio).toBe('Digital Channels');
    expect(byKey.get('AEGIS')?.portfolio).toBe('Regulatory');
    expect(byKey.get('LAB')?.portfolio).toBeNull();
  });

  it('keeps the dataset’s counts of issues, worklogs and versions per project', () => {
    for (const project of projects) {
      const issues = demo.issues.filter((issue) => issue.projectKey === project.key);
      expect(project.items).toHaveLength(issues.length);
      expect(project.worklogs).toHaveLength(issues.reduce((sum, issue) => sum + issue.worklogs.length, 0));
      expect(project.versions).toHaveLength(demo.versions.filter((version) => version.projectKey === project.key).length);
    }
  });

  it('dates a project by its first issue', () => {
    const apollo = demo.issues.filter((issue) => issue.projectKey === 'APOLLO');
    expect(byKey.get('APOLLO')?.createdMs).toBe(Math.min(...apollo.map((issue) => Date.parse(issue.created))));
  });

  it('turns a reopened item’s changelog into category moves, skipping In Progress -> In Review', () => {
    // APOLLO-17: To Do -> In Progress -> In Review -> Done -> In Progress -> Done.
    expect(item('APOLLO-17').statusChanges).toEqual([
      { atMs: at('2025-02-18T09:11'), from: 'new', to: 'indeterminate' },
      { atMs: at('2025-03-01T11:40'), from: 'indeterminate', to: 'done' },
      { atMs: at('2025-03-04T10:10'), from: 'done', to: 'indeterminate' },
      { atMs: at('2025-03-09T15:40'), from: 'indeterminate', to: 'done' },
    ]);
    expect(item('APOLLO-17').statusCategory).toBe('done');
  });

  it('turns due date changes into day numbers', () => {
    expect(item('ORION-1').dueDateChanges).toEqual([
      { atMs: at('2024-12-30T07:00'), from: dayNumber('2025-01-04'), to: dayNumber('2025-02-05') },
      { atMs: at('2025-02-03T07:00'), from: dayNumber('2025-02-05'), to: dayNumber('2025-02-21') },
    ]);
    expect(item('ORION-1').dueDay).toBe(dayNumber('2025-02-21'));
  });

  it('reads the custom fields of an epic: start date, planned budget, actual cost', () => {
    expect(item('ORION-1')).toMatchObject({
      level: 'epic',
      issueType: 'Epic',
      startDay: dayNumber('2024-11-07'),
      plannedBudget: 26000,
      actualCost: demo.issues.find((issue) => issue.key === 'ORION-1')?.customFields[FIELD.actualCost],
    });
  });

  it('puts a Blocks link on the blocked issue, also across projects', () => {
    expect(item('APOLLO-179').blockedByKeys).toEqual(['APOLLO-66']);
    expect(item('APOLLO-66').blockedByKeys).not.toContain('APOLLO-179');
    expect(item('APOLLO-265').blockedByKeys).toEqual(expect.arrayContaining(['ORION-130', 'ORION-260']));
  });

  it('maps every issue field the engine reads', () => {
    for (const issue of demo.issues) {
      const converted = item(issue.key);
      const status = demo.statuses.find((candidate) => candidate.id === issue.statusId);
      expect(converted.statusCategory).toBe(status?.categoryKey);
      expect(converted.level).toBe(issue.issueTypeId === ISSUE_TYPE.epic.id ? 'epic' : issue.issueTypeId === ISSUE_TYPE.subtask.id ? 'subtask' : 'standard');
      expect(converted.flagged).toBe(FIELD.flagged in issue.customFields);
      expect(converted.storyPoints).toBe(issue.customFields[FIELD.storyPoints] ?? null);
      expect(converted.resolvedMs).toBe(issue.resolutiondate === null ? null : Date.parse(issue.resolutiondate));
      expect(converted.remainingEstimateSeconds).toBe(issue.timeestimate);
    }
  });

  it('flattens worklogs with their issue key', () => {
    const issue = demo.issues.find((candidate) => candidate.worklogs.length > 0);
    if (!issue) throw new Error('no worklogs in the demo seed');
    const worklogs = byKey.get(issue.projectKey)?.worklogs.filter((worklog) => worklog.issueKey === issue.key);
    expect(worklogs).toEqual(
      issue.worklogs.map((worklog) => ({ issueKey: issue.key, authorAccountId: worklog.authorAccountId, startedMs: Date.parse(worklog.started), seconds: worklog.timeSpentSeconds })),
    );
  });

  it('keeps versions with their release day', () => {
    const version = demo.versions[0];
    expect(byKey.get(version.projectKey)?.versions[0]).toEqual({
      id: version.id,
      name: version.name,
      releaseDay: version.releaseDate === null ? null : dayNumber(version.releaseDate),
      released: version.released,
    });
  });
});

describe('projectDataFromDataset: bad data', () => {
  it('names the issue with an unknown status in a changelog', () => {
    const broken: Dataset = structuredClone(demo);
    const issue = broken.issues.find((candidate) => candidate.changelog.some((entry) => entry.items.some((change) => change.fieldId === 'status')));
    if (!issue) throw new Error('no status changes');
    const change = issue.changelog.flatMap((entry) => entry.items).find((candidate) => candidate.fieldId === 'status');
    if (change) change.to = '99999';
    expect(() => projectDataFromDataset(broken)).toThrow(`${issue.key}: unknown status 99999`);
  });

  it('dates a project without issues by the dataset’s generation time', () => {
    const empty: Dataset = { ...demo, issues: demo.issues.filter((issue) => issue.projectKey !== 'LAB') };
    const lab = projectDataFromDataset(empty).find((project) => project.key === 'LAB');
    expect(lab).toMatchObject({ items: [], worklogs: [], createdMs: Date.parse(demo.generatedAt) });
  });
});
