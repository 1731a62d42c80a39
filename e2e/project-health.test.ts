/**
 * The project health page (jira:projectPage) in Chromium on the local host, after the demo's first sync:
 * it shows the resolver's figures, its charts with their tables, the forecast and the risks; an item opens
 * in the issue view; a project the viewer may not browse is not found; the dark theme shows only token
 * colours; nothing breaks Forge's CSP.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import type { LocalSite } from '../local/site/site';
import type { Answer, ProjectHealthView } from '../src/shared/contract';
import { browsableProjectKeys, demoDataset, userByName } from '../test/demo-fixture';
import { closeWatchedPage, launchBrowser, openWatchedPage, type ProblemWatch } from './browser';
import { actAs, startSyncedSite } from './site-fixture';
import { COLOURS_OFF_THE_THEME, luminance } from './theme';

const dataset = demoDataset();
// As the page writes money (no currency set up yet) and indices (rounded toward zero).
const money = (value: number | null) => (value === null ? '—' : new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }).format(value));
const index = (value: number) => (Math.trunc(value * 100) / 100).toFixed(2);
const admin = userByName(dataset, 'Riley Quinn');
const contractor = userByName(dataset, 'Oskar Brandt');
let site: LocalSite;
let browser: Browser;
let page: Page;
let problems: ProblemWatch;

beforeAll(async () => {
  site = await startSyncedSite(dataset);
  browser = await launchBrowser();
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await site?.close();
});
beforeEach(async () => {
  ({ page, problems } = await openWatchedPage(browser));
});
afterEach(() => closeWatchedPage(page, problems));

const app = (): FrameLocator => page.frameLocator('iframe[data-module-key="pmo-project-health"]');
const projectPage = (key: string) => `${site.url}/projects/${key}/apps/pmo-project-health`;


async function view(key: string, accountId = admin.accountId): Promise<ProjectHealthView> {
  const answer = (await site.invoke('pmo-project-health', 'project/health', { projectKey: key }, accountId)) as Answer<ProjectHealthView>;
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.data;
}

test('the page shows the project’s earned value, trend, forecast and risks, as the resolver computes them', async () => {
  const key = 'ATLAS';
  const expected = await view(key);
  const metrics = expected.metrics!;
  await page.goto(projectPage(key));
  await app().getByTestId('project-health').waitFor({ timeout: 30_000 });

  // The headline: health and why, in words on the page.
  await expect(app().getByTestId('project-health-lozenge').textContent()).resolves.toBe(metrics.health.rag);
  await expect(app().getByTestId('health-reason').textContent()).resolves.toContain(metrics.health.criteria[0] ?? 'every threshold is met');
  // Earned value, each figure as the resolver has it.
  for (const [figure, value] of [['bac', metrics.earnedValue.bac.value], ['ev', metrics.earnedValue.ev.value], ['ac', metrics.earnedValue.ac.value], ['eac', metrics.earnedValue.eac.byCpi.value]] as const) {
    await expect(app().getByTestId(`ev-${figure}`).textContent()).resolves.toBe(money(value));
  }
  await expect(app().getByTestId('ev-spi').textContent()).resolves.toBe(index(metrics.earnedValue.spi.value!));
  // The trend charts draw lines and carry their figures in a table a screen reader can read.
  await expect(app().getByTestId('trend-money').locator('svg .recharts-line').count()).resolves.toBe(3);
  const trendRows = await app().getByTestId('trend-money-table').locator('tbody tr').count();
  expect(trendRows).toBe(expected.trend.length);
  expect(trendRows).toBeGreaterThan(1);
  // The forecast against its target, with the spread of its trials.
  const forecast = metrics.schedule.forecast!;
  if (forecast.p85 !== null) {
    await expect(app().getByTestId('forecast-p85').textContent()).resolves.toContain(forecast.p85.slice(0, 4));
    await expect(app().getByTestId('forecast-histogram-table').locator('tbody tr').count()).resolves.toBe(forecast.outcomes.length);
  } else {
    await expect(app().getByTestId('forecast-reason').textContent()).resolves.toContain(forecast.reason!);
  }
  await expect(app().getByTestId('forecast-target').textContent()).resolves.toContain(metrics.schedule.target?.source ?? 'none');
  await expect(app().getByTestId('milestones').locator('tbody tr').count()).resolves.toBe(expected.milestones.length);
  // Since last week, the workload and the activity are there.
  await app().getByTestId('headline-changes').waitFor();
  await expect(app().getByTestId('workload-table').locator('tbody tr').count()).resolves.toBe(expected.workload.length);
  await expect(app().getByTestId('activity-days').locator('tbody tr').count()).resolves.toBe(14);

  // A risk item opens in Jira's issue view.
  const blocked = metrics.risk.blocked[0] ?? metrics.schedule.overdueKeys[0];
  const [issueView] = await Promise.all([page.waitForEvent('popup'), app().getByTestId(`open-${blocked}`).first().click()]);
  await issueView.waitForURL(new RegExp(`/browse/${blocked}$`));
  await issueView.close();
});

test('a project the viewer may not browse is not found, and the contractor sees his own', async () => {
  const hidden = dataset.projects.map((project) => project.key).find((key) => !browsableProjectKeys(dataset, contractor.accountId).includes(key))!;
  await actAs(page, site, contractor.accountId);
  const response = await page.goto(projectPage(hidden));
  expect(response?.status()).toBe(404);
  await page.getByTestId('not-found').waitFor();
  // The browser logs the 404 it was answered: expected here.
  expect(problems.take((problem) => problem.kind === 'console' && problem.text.includes('404'))).toHaveLength(1);
  expect(await page.locator('iframe').count()).toBe(0);
  await page.goto(projectPage('NOVA'));
  await app().getByTestId('project-health').waitFor({ timeout: 30_000 });
  // His workload rows add up only the projects he may browse.
  const own = browsableProjectKeys(dataset, contractor.accountId);
  for (const row of (await view('NOVA', contractor.accountId)).workload) expect(row.projects.every((key) => own.includes(key))).toBe(true);
});

test('in the dark theme the page, its charts included, shows only the theme’s token colours', async () => {
  const sources = fs.readdirSync(path.join(__dirname, '..', 'static', 'project', 'src')).map((file) => path.join(__dirname, '..', 'static', 'project', 'src', file));
  for (const file of sources) expect({ file, colours: fs.readFileSync(file, 'utf8').match(/#[0-9a-f]{3,8}\b|\b(rgba?|hsla?)\(/gi) }).toEqual({ file, colours: null });
  await page.goto(projectPage('NOVA'));
  await app().getByTestId('project-health').waitFor({ timeout: 30_000 });
  await page.getByTestId('color-mode').selectOption('dark');
  await app().locator('html[data-color-mode="dark"]').waitFor({ timeout: 15_000 });
  await app().getByTestId('trend-money').waitFor();
  const frame = page.frames().find((candidate) => candidate.url().includes('/__ui/'))!;
  const seen = (await frame.evaluate(COLOURS_OFF_THE_THEME)) as { tokens: number; checked: number; off: string[]; background: string; text: string };
  console.log(`project page, dark theme: ${seen.checked} colours checked against ${seen.tokens} token values`);
  expect(seen.off).toEqual([]);
  expect(luminance(seen.background)).toBeLessThan(0.1);
  expect(luminance(seen.text)).toBeGreaterThan(0.5);
});
