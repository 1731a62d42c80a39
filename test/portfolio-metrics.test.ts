/**
 * The metrics resolver end to end: every project's Jira data read over HTTP as the viewer, normalized,
 * and run through the metrics engine, giving the same figures as the engine on the dataset itself.
 */
import { invokeLiveReport } from '../local/report/resolver';
import { startLocalSite, type LocalSite } from '../local/site/site';
import { projectDataFromDataset } from '../local/metrics/fromDataset';
import { computeProjectMetrics, DEFAULT_PROJECT_SETTINGS } from '../src/metrics';
import type { PortfolioMetricsReport } from '../local/report/contract';
import { browsableProjectKeys, demoDataset, userByName } from './demo-fixture';

const dataset = demoDataset();
const admin = userByName(dataset, 'Riley Quinn');
const contractor = userByName(dataset, 'Oskar Brandt');
let site: LocalSite;

beforeAll(async () => {
  site = await startLocalSite({ port: 0, dataDir: ':memory:', dataset: { kind: 'dataset', dataset }, buildUi: false, log: () => undefined });
});
afterAll(() => site.close());

async function metrics(payload: unknown, accountId: string): Promise<PortfolioMetricsReport> {
  const answer = await invokeLiveReport(site, 'portfolio/metrics', payload, accountId);
  if (!answer.ok) throw new Error(JSON.stringify(answer.error));
  return answer.data;
}

function hasNoNaN(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(hasNoNaN);
  if (value && typeof value === 'object') return Object.values(value).every(hasNoNaN);
  return true;
}

test('metrics read from Jira equal the engine run on the dataset itself', async () => {
  const asOf = '2026-06-10';
  const report = await metrics({ asOf }, admin.accountId);
  expect(report.projects.map((project) => project.projectKey).sort()).toEqual(dataset.projects.map((project) => project.key).sort());
  expect(hasNoNaN(report)).toBe(true);

  const asOfMs = Date.parse(`${asOf}T23:59:59.999Z`);
  const expected = new Map(projectDataFromDataset(dataset).map((project) => [project.key, computeProjectMetrics(project, DEFAULT_PROJECT_SETTINGS, asOfMs)]));
  for (const project of report.projects) {
    const fromDataset = expected.get(project.projectKey)!;
    expect(project.progress).toEqual(fromDataset.progress);
    expect(project.earnedValue).toEqual(fromDataset.earnedValue);
    expect(project.flow).toEqual(fromDataset.flow);
    expect(project.quality).toEqual(fromDataset.quality);
    expect(project.risk).toEqual(fromDataset.risk);
    expect(project.health.rag).toBe(fromDataset.health.rag);
    expect(project.schedule.overdueCount).toBe(fromDataset.schedule.overdueCount);
    expect(project.schedule.forecast).not.toBeNull();
  }
  expect(report.total.projectKeys).toHaveLength(dataset.projects.length);
  expect(report.portfolios.map((portfolio) => portfolio.name).sort()).toEqual([...dataset.categories.map((category) => category.name), null].sort());
}, 60_000);

test('a user gets metrics only for the projects Jira lets them browse', async () => {
  const report = await metrics({}, contractor.accountId);
  expect(report.projects.map((project) => project.projectKey).sort()).toEqual(browsableProjectKeys(dataset, contractor.accountId));
  expect(report.workload.every((person) => person.projects.every((key) => browsableProjectKeys(dataset, contractor.accountId).includes(key)))).toBe(true);
}, 60_000);
