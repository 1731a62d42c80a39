/**
 * The portfolio resolver end to end: the real handler run by the Forge runtime emulator, its Jira
 * calls answered over HTTP by the simulated Jira, as different users.
 */
import { invokeLiveReport } from '../local/report/resolver';
import { startLocalSite, type LocalSite } from '../local/site/site';
import type { PortfolioOverview } from '../local/report/contract';
import type { Answer } from '../src/shared/contract';
import { browsableProjectKeys, demoDataset, expectedFigures, userByName } from './demo-fixture';

let site: LocalSite;
const dataset = demoDataset();
const admin = userByName(dataset, 'Riley Quinn');
const contractor = userByName(dataset, 'Oskar Brandt');

beforeAll(async () => {
  site = await startLocalSite({ port: 0, dataDir: ':memory:', dataset: { kind: 'dataset', dataset }, buildUi: false, log: () => undefined });
});
afterAll(() => site.close());

const overview = (payload: unknown, accountId: string) =>
  invokeLiveReport(site, 'portfolio/overview', payload, accountId);

function data(answer: Answer<PortfolioOverview>): PortfolioOverview {
  if (!answer.ok) throw new Error(`resolver failed: ${JSON.stringify(answer.error)}`);
  return answer.data;
}

// Jira's startOfDay() is the viewer's day, in their own time zone (the admin's is Berlin's).
const today = new Intl.DateTimeFormat('en-CA', { timeZone: admin.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

test('the site admin sees every project with figures that match the Jira data', async () => {
  const result = data(await overview({}, admin.accountId));
  expect(result.viewer).toEqual({ accountId: admin.accountId, displayName: 'Riley Quinn' });
  expect(result.projects.map((project) => project.key).sort()).toEqual(dataset.projects.map((project) => project.key).sort());
  for (const project of result.projects) {
    const expected = expectedFigures(dataset, project.key, today);
    expect(project.issueCounts).toEqual({ total: expected.total, toDo: expected.toDo, inProgress: expected.inProgress, done: expected.done });
    expect(project.overdueCount).toBe(expected.overdue);
    expect(project.lastUpdated).toBe(expected.lastUpdated);
    expect(project.percentDone).toBe(expected.total === 0 ? null : Math.round((expected.done / expected.total) * 1000) / 10);
    const source = dataset.projects.find((candidate) => candidate.key === project.key)!;
    expect(project.name).toBe(source.name);
    expect(project.lead?.accountId).toBe(source.leadAccountId);
    expect(project.portfolio?.id ?? null).toBe(source.categoryId ?? null);
  }
});

test('a user sees only the projects Jira lets them browse', async () => {
  const allowed = browsableProjectKeys(dataset, contractor.accountId);
  expect(allowed.length).toBeGreaterThan(0);
  expect(allowed.length).toBeLessThan(dataset.projects.length);
  const result = data(await overview({}, contractor.accountId));
  expect(result.projects.map((project) => project.key).sort()).toEqual(allowed);
});

test('asking for a project the user may not browse answers NOT_FOUND, the same as a missing one', async () => {
  const hidden = dataset.projects.map((project) => project.key).find((key) => !browsableProjectKeys(dataset, contractor.accountId).includes(key))!;
  const hiddenAnswer = await overview({ filter: { scope: 'project', projectKey: hidden } }, contractor.accountId);
  const missingAnswer = await overview({ filter: { scope: 'project', projectKey: 'NOPE' } }, contractor.accountId);
  expect(hiddenAnswer).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  expect(missingAnswer).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
});

test('a portfolio filter keeps the projects of that Jira category, case-insensitively', async () => {
  const category = dataset.categories[0];
  const expected = dataset.projects.filter((project) => project.categoryId === category.id).map((project) => project.key).sort();
  const result = data(await overview({ filter: { scope: 'portfolio', portfolioName: category.name.toUpperCase() } }, admin.accountId));
  expect(result.projects.map((project) => project.key).sort()).toEqual(expected);
  expect(await overview({ filter: { scope: 'portfolio', portfolioName: 'No such portfolio' } }, admin.accountId)).toMatchObject({
    ok: false,
    error: { code: 'NOT_FOUND' },
  });
});

test('as of a past day, later issues are left out and overdue is measured at that day', async () => {
  const key = dataset.projects[0].key;
  const asOf = '2025-12-31';
  const result = data(await overview({ filter: { scope: 'project', projectKey: key }, asOf }, admin.accountId));
  const issues = dataset.issues.filter((issue) => issue.projectKey === key && issue.created < '2026-01-01');
  const asOfEnd = Date.parse('2026-01-01T00:00:00Z');
  const overdue = issues.filter(
    (issue) => issue.duedate !== null && issue.duedate < asOf && (issue.resolutiondate === null || Date.parse(issue.resolutiondate) >= Date.parse(`${asOf}T00:00:00Z`)),
  );
  expect(result.projects[0].issueCounts.total).toBe(issues.filter((issue) => Date.parse(issue.created) < asOfEnd).length);
  expect(result.projects[0].overdueCount).toBe(overdue.length);
  expect(result.asOf.startsWith(asOf)).toBe(true);
});

test('a bad payload is refused with what is wrong, and nothing is read', async () => {
  const answer = await overview({ filter: { scope: 'project', projectKey: 'lower case" OR project != X' }, asOf: '2026-02-30', extra: 1 }, admin.accountId);
  expect(answer.ok).toBe(false);
  if (answer.ok) return;
  expect(answer.error.code).toBe('INVALID_PAYLOAD');
  expect(answer.error.details?.join('\n')).toMatch(/filter.projectKey/);
  expect(answer.error.details?.join('\n')).toMatch(/asOf: not a real calendar date/);
  expect(answer.error.details?.join('\n')).toMatch(/extra/);
});

test('when Jira keeps failing the page gets JIRA_UNAVAILABLE, not an empty portfolio', async () => {
  site.jira.control.setKnobs({ failureRate: 1 });
  try {
    const answer = await overview({}, admin.accountId);
    expect(answer).toMatchObject({ ok: false, error: { code: 'JIRA_UNAVAILABLE' } });
  } finally {
    site.jira.control.setKnobs({ failureRate: 0 });
  }
}, 30_000);

test('rate limiting with Retry-After is waited out and the answer is complete', async () => {
  site.jira.control.setKnobs({ rateLimit: { everyNth: 4, retryAfter: true } });
  try {
    const result = data(await overview({}, contractor.accountId));
    expect(result.projects.map((project) => project.key).sort()).toEqual(browsableProjectKeys(dataset, contractor.accountId));
  } finally {
    site.jira.control.setKnobs({ rateLimit: null });
  }
}, 30_000);
