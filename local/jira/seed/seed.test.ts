import type { Dataset, DatasetIssue } from '../dataset';
import { parseDataset } from '../validate';
import { DEMO_PROJECTS, FIELD, ISSUE_TYPE, STATUS, defaultNow, demoAccountId, generateDemoDataset, streamDemoDataset, writeDatasetJson } from './index';
import { LARGE_ISSUE_COUNT, LARGE_PROJECT_COUNT } from './large-portfolio';

const NOW = new Date('2026-03-02T09:00:00Z');
const TODAY = '2026-03-02';

const demo = generateDemoDataset({ seed: 42, now: NOW });

function issuesOf(dataset: Dataset, projectKey: string): DatasetIssue[] {
  return dataset.issues.filter((issue) => issue.projectKey === projectKey);
}

function isDone(dataset: Dataset, issue: DatasetIssue): boolean {
  return dataset.statuses.find((status) => status.id === issue.statusId)?.categoryKey === 'done';
}

/** Projects a user may browse: granted to them directly or to one of their groups. */
function browsableProjects(dataset: Dataset, accountId: string): string[] {
  const user = dataset.users.find((candidate) => candidate.accountId === accountId);
  if (!user) throw new Error(`no user ${accountId}`);
  return dataset.projects
    .filter((project) => {
      const grant = project.permissions.BROWSE_PROJECTS;
      return grant !== undefined && (grant.users.includes(accountId) || grant.groups.some((group) => user.groups.includes(group)));
    })
    .map((project) => project.key);
}

/** Sum of a number field over the project's issues (work packages for Planned budget; every item for Actual cost). */
function fieldSum(dataset: Dataset, projectKey: string, field: string): number {
  return issuesOf(dataset, projectKey).reduce((sum, issue) => sum + (typeof issue.customFields[field] === 'number' ? (issue.customFields[field] as number) : 0), 0);
}

function epicSum(dataset: Dataset, projectKey: string, field: string): number {
  return issuesOf(dataset, projectKey)
    .filter((issue) => issue.issueTypeId === ISSUE_TYPE.epic.id)
    .reduce((sum, issue) => sum + (typeof issue.customFields[field] === 'number' ? (issue.customFields[field] as number) : 0), 0);
}

describe('generateDemoDataset: determinism', () => {
  it('gives the same dataset for the same seed and now', () => {
    expect(generateDemoDataset({ seed: 42, now: NOW })).toEqual(demo);
  });

  it('gives a different dataset for another seed', () => {
    const other = generateDemoDataset({ seed: 43, now: NOW });
    expect(other.issues.map((issue) => issue.created)).not.toEqual(demo.issues.map((issue) => issue.created));
  });

  it('moves every date with now', () => {
    const later = generateDemoDataset({ seed: 42, now: new Date('2026-03-09T09:00:00Z') });
    const shift = (iso: string): string => new Date(Date.parse(iso) + 7 * 86_400_000).toISOString();
    expect(later.issues[100].created).toBe(shift(demo.issues[100].created));
    expect(later.generatedAt).toBe('2026-03-09T09:00:00.000Z');
  });

  it('defaults now to today at 09:00 UTC', () => {
    expect(defaultNow(new Date('2026-03-02T23:59:59Z')).toISOString()).toBe('2026-03-02T09:00:00.000Z');
  });
});

describe('generateDemoDataset: validity', () => {
  it('passes parseDataset, and is already in its parsed form', () => {
    expect(parseDataset(JSON.parse(JSON.stringify(demo)))).toEqual(demo);
  });

  it('has nothing after now', () => {
    const latest = demo.issues
      .flatMap((issue) => [issue.updated, ...issue.worklogs.map((worklog) => worklog.updated)])
      .reduce((a, b) => (a > b ? a : b));
    expect(Date.parse(latest)).toBeLessThanOrEqual(NOW.getTime());
  });

  it('numbers issues from 1 in each project and keeps ids growing', () => {
    for (const project of demo.projects) {
      const numbers = issuesOf(demo, project.key).map((issue) => Number(issue.key.split('-')[1]));
      expect(numbers).toEqual(numbers.map((_, index) => index + 1));
    }
    const ids = demo.issues.map((issue) => Number(issue.id));
    expect(ids.every((id, index) => index === 0 || id > ids[index - 1])).toBe(true);
  });

  it('writes JSON in pieces that parse to the same dataset', () => {
    const chunks: string[] = [];
    writeDatasetJson(streamDemoDataset({ seed: 42, now: NOW }), (chunk) => chunks.push(chunk));
    expect(JSON.parse(chunks.join(''))).toEqual(JSON.parse(JSON.stringify(demo)));
  });
});

describe('generateDemoDataset: the variety the PMO metrics need', () => {
  it('has at least 3 portfolios and 12 projects', () => {
    expect(demo.categories.length).toBeGreaterThanOrEqual(3);
    expect(demo.projects.length).toBeGreaterThanOrEqual(12);
    expect(demo.projects.map((project) => project.key)).toEqual(DEMO_PROJECTS.map((project) => project.key));
  });

  it('has a finished project: every issue done and every version released', () => {
    expect(issuesOf(demo, 'HERMES').every((issue) => isDone(demo, issue))).toBe(true);
    expect(demo.versions.filter((version) => version.projectKey === 'HERMES').every((version) => version.released)).toBe(true);
  });

  it('has a late project: more than 20% of its issues are overdue, with slipped due dates and an overdue version', () => {
    const orion = issuesOf(demo, 'ORION');
    const overdue = orion.filter((issue) => !isDone(demo, issue) && issue.duedate !== null && issue.duedate < TODAY);
    expect(overdue.length / orion.length).toBeGreaterThan(0.2);
    expect(orion.filter((issue) => issue.changelog.some((entry) => entry.items.some((item) => item.fieldId === 'duedate'))).length).toBeGreaterThan(20);
    expect(demo.versions.some((version) => version.projectKey === 'ORION' && !version.released && version.releaseDate !== null && version.releaseDate < TODAY)).toBe(true);
  });

  it('has an over-budget project: actual cost above the planned budget', () => {
    // Actual cost is each item's own share (a budgeted story carries its subtree, its epic the rest).
    expect(fieldSum(demo, 'NOVA', FIELD.actualCost)).toBeGreaterThan(epicSum(demo, 'NOVA', FIELD.plannedBudget));
    expect(fieldSum(demo, 'APOLLO', FIELD.actualCost)).toBeLessThan(epicSum(demo, 'APOLLO', FIELD.plannedBudget));
  });

  it('has an off-process project: stories without estimates and unassigned work in progress', () => {
    const polaris = issuesOf(demo, 'POLARIS');
    const stories = polaris.filter((issue) => issue.issueTypeId === ISSUE_TYPE.story.id);
    expect(stories.filter((issue) => issue.timeoriginalestimate === null).length / stories.length).toBeGreaterThan(0.3);
    const offProcess = [...polaris, ...issuesOf(demo, 'KYC')];
    expect(offProcess.some((issue) => issue.assigneeAccountId === null && issue.statusId === STATUS.inProgress.id)).toBe(true);
  });

  it('has a project without any budget', () => {
    expect(issuesOf(demo, 'LAB').some((issue) => FIELD.plannedBudget in issue.customFields)).toBe(false);
  });

  it('has flagged items, blocked items and Blocks links between unresolved issues', () => {
    expect(demo.issues.filter((issue) => FIELD.flagged in issue.customFields).length).toBeGreaterThan(5);
    const byKey = new Map(demo.issues.map((issue) => [issue.key, issue]));
    const openBlocks = demo.issues.flatMap((issue) =>
      issue.links.filter((link) => {
        const target = byKey.get(link.outwardIssueKey);
        return link.type === 'Blocks' && !isDone(demo, issue) && target !== undefined && !isDone(demo, target);
      }),
    );
    expect(openBlocks.length).toBeGreaterThan(5);
    expect(demo.issues.filter((issue) => issue.statusId === STATUS.blocked.id).length).toBeGreaterThan(5);
  });

  it('has reopened issues', () => {
    const reopened = demo.issues.filter((issue) =>
      issue.changelog.some((entry) => entry.items.some((item) => item.fieldId === 'status' && item.from === STATUS.done.id)),
    );
    expect(reopened.length).toBeGreaterThan(20);
  });

  it('has worklogs by at least 4 people, and estimates, story points, start dates and budgets', () => {
    expect(new Set(demo.issues.flatMap((issue) => issue.worklogs.map((worklog) => worklog.authorAccountId))).size).toBeGreaterThanOrEqual(4);
    expect(demo.issues.some((issue) => issue.timeoriginalestimate !== null && issue.timeestimate !== null)).toBe(true);
    expect(demo.issues.some((issue) => typeof issue.customFields[FIELD.storyPoints] === 'number')).toBe(true);
    expect(demo.issues.some((issue) => typeof issue.customFields[FIELD.startDate] === 'string')).toBe(true);
    const storyBudgets = demo.issues.filter((issue) => issue.issueTypeId === ISSUE_TYPE.story.id && FIELD.plannedBudget in issue.customFields);
    expect(storyBudgets.length).toBeGreaterThan(20);
  });

  it('has subtasks under stories or tasks and stories under epics', () => {
    expect(demo.issues.filter((issue) => issue.issueTypeId === ISSUE_TYPE.subtask.id).length).toBeGreaterThan(50);
    expect(demo.issues.filter((issue) => issue.issueTypeId === ISSUE_TYPE.story.id && issue.parentKey !== null).length).toBeGreaterThan(500);
  });

  it('gives people different access: PMO sees all, the contractor exactly 2 projects', () => {
    expect(browsableProjects(demo, demoAccountId('priya'))).toHaveLength(demo.projects.length);
    expect(browsableProjects(demo, demoAccountId('oskar'))).toEqual(['NOVA', 'ATLAS']);
    expect(browsableProjects(demo, demoAccountId('marcus'))).toEqual(['APOLLO', 'NOVA', 'VEGA', 'AEGIS']);
    expect(demo.globalPermissions.ADMINISTER?.groups).toEqual(['site-admins']);
    expect(demo.users.find((user) => user.accountId === demoAccountId('riley'))?.groups).toContain('site-admins');
  });
});

describe('generateDemoDataset: large', () => {
  it('makes 200 projects and 100,000 valid issues in a few seconds', () => {
    const started = Date.now();
    const large = generateDemoDataset({ seed: 42, now: NOW, size: 'large' });
    expect(large.projects).toHaveLength(LARGE_PROJECT_COUNT);
    expect(large.issues).toHaveLength(LARGE_ISSUE_COUNT);
    expect(new Set(large.projects.map((project) => project.categoryId)).size).toBeGreaterThanOrEqual(8);
    expect(large.issues.filter((issue) => issue.worklogs.length > 0).length).toBeGreaterThan(30_000);
    expect(() => parseDataset(large)).not.toThrow();
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 120_000);
});
