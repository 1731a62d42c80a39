/**
 * A fresh demo site starts with the demo's settings stored: the figures use its rates (cost differs
 * from the cost at the site default alone), and the off-process projects score lower in compliance.
 */
import { invokeLiveReport } from '../local/report/resolver';
import type { PortfolioMetricsReport } from '../local/report/contract';
import { startLocalSite, type LocalSite } from '../local/site/site';
import { defaultSettingsDocument } from '../src/settings/schema';
import { getSettings } from '../src/settings/store';
import { FIXED_NOW, demoDataset, userByName } from './demo-fixture';

const dataset = demoDataset();
const admin = userByName(dataset, 'Riley Quinn');
let site: LocalSite;

beforeAll(async () => {
  site = await startLocalSite({ port: 0, dataDir: ':memory:', dataset: { kind: 'demo', seed: 42, now: FIXED_NOW }, buildUi: false, scheduledTriggers: 'manual', log: () => undefined });
}, 60_000);
afterAll(() => site.close());

async function metrics(payload: unknown): Promise<PortfolioMetricsReport> {
  const answer = await invokeLiveReport(site, 'portfolio/metrics', payload, admin.accountId);
  if (!answer.ok) throw new Error(JSON.stringify(answer.error));
  return answer.data;
}

test('the fresh demo site stores the demo settings as version 1', async () => {
  const stored = await site.runtime.runAsInvocation({ accountId: null }, () => getSettings());
  expect(stored.version).toBe(1);
  expect(stored.document.currency).toBe('EUR');
  expect(stored.document.pmoEditorGroup).toBe('pmo-office');
  expect(stored.document.rates.byGroup.map((entry) => entry.group)).toEqual(['external-contractors']);
});

test('the figures use the demo rates, and the off-process projects score lower in compliance', async () => {
  const withDemo = await metrics({});
  const withDefaults = await metrics({ settings: defaultSettingsDocument() });
  const cost = (report: PortfolioMetricsReport, key: string) => report.projects.find((project) => project.projectKey === key)!.earnedValue.ac.value;
  // Worklogs are priced at each person's dated rate (and the contractors' group rate), not the defaults.
  for (const key of ['APOLLO', 'ATLAS', 'NOVA']) {
    expect(typeof cost(withDemo, key)).toBe('number');
    expect(cost(withDemo, key)).not.toEqual(cost(withDefaults, key));
  }

  const score = new Map(withDemo.projects.map((project) => [project.projectKey, project.compliance?.score.value ?? null]));
  const offProcess = ['POLARIS', 'KYC'].map((key) => score.get(key)!);
  const disciplined = ['APOLLO', 'TITAN', 'BASEL', 'ORION', 'NOVA', 'ATLAS'].map((key) => score.get(key)!);
  for (const value of [...offProcess, ...disciplined]) expect(typeof value).toBe('number');
  expect(Math.max(...offProcess)).toBeLessThan(Math.min(...disciplined));
}, 120_000);
