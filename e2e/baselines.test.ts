/**
 * The project page's Baselines section in Chromium on the local host: a Jira administrator names and
 * sets a baseline and sees its packages' table with the totals; a person who may not change money
 * sees the Set baseline button disabled and why.
 */
import type { Browser, FrameLocator, Page } from 'playwright-core';
import type { LocalSite } from '../local/site/site';
import type { Answer, ProjectBaselinesView } from '../src/shared/contract';
import { browsableProjectKeys, demoDataset, userByName } from '../test/demo-fixture';
import { closeWatchedPage, launchBrowser, openWatchedPage, type ProblemWatch } from './browser';
import { actAs, startSyncedSite } from './site-fixture';
import { COLOURS_OFF_THE_THEME } from './theme';

const dataset = demoDataset();
const admin = userByName(dataset, 'Riley Quinn');
const contractor = userByName(dataset, 'Oskar Brandt');
const PLANNED = dataset.customFields.find((field) => field.name === 'Planned budget')!.id;
// A project the contractor may browse with budgeted items (work packages).
const projectKey = browsableProjectKeys(dataset, contractor.accountId).find((key) => dataset.issues.some((issue) => issue.projectKey === key && typeof issue.customFields?.[PLANNED] === 'number'))!;
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


test('an administrator sets a baseline from the project page and sees each package against it', async () => {
  await actAs(page, site, admin.accountId);
  await page.goto(projectPage(projectKey));
  const section = app().getByTestId('baselines');
  await section.getByTestId('baselines-empty').waitFor({ timeout: 30_000 });
  await expect(section.getByTestId('baseline-set').isDisabled()).resolves.toBe(true);
  await section.getByTestId('baseline-name').fill('Approved plan');
  await section.getByTestId('baseline-set').click();
  await section.getByTestId('baseline-table').waitFor({ timeout: 30_000 });

  const answer = (await site.invoke('pmo-project-health', 'project/baselines', { projectKey }, admin.accountId, { extension: { project: { key: projectKey } } })) as Answer<ProjectBaselinesView>;
  if (!answer.ok) throw new Error(answer.error.message);
  const { comparison } = answer.data;
  expect(answer.data.baselines.map((baseline) => baseline.name)).toEqual(['Approved plan']);
  await expect(section.getByTestId('baseline-table').locator('tbody tr').count()).resolves.toBe(comparison!.packages.length);
  await expect(section.getByTestId('baseline-chosen').textContent()).resolves.toContain('Approved plan');
  // Just set: nothing has slipped or changed yet, and the totals say so.
  await expect(section.getByTestId('baseline-total-change').textContent()).resolves.toBe('0');
  await expect(section.getByTestId('baseline-counts').textContent()).resolves.toBe('0 slipped · 0 added · 0 removed');
  await expect(section.getByTestId('baseline-picker').inputValue()).resolves.toBe(answer.data.chosenId);
  await expect(section.getByTestId('baseline-name').inputValue()).resolves.toBe('');

  // In the dark theme the section, its picker and name field included, shows only token colours.
  await page.getByTestId('color-mode').selectOption('dark');
  await app().locator('html[data-color-mode="dark"]').waitFor({ timeout: 15_000 });
  const frame = page.frames().find((candidate) => candidate.url().includes('/__ui/'))!;
  const seen = (await frame.evaluate(COLOURS_OFF_THE_THEME)) as { off: string[] };
  expect(seen.off).toEqual([]);
});

test('a person who may not change money sees Set baseline disabled, and why', async () => {
  await actAs(page, site, contractor.accountId);
  await page.goto(projectPage(projectKey));
  const section = app().getByTestId('baselines');
  await section.getByTestId('baseline-read-only').waitFor({ timeout: 30_000 });
  await expect(section.getByTestId('baseline-read-only').textContent()).resolves.toContain('Only Jira administrators');
  await expect(section.getByTestId('baseline-set').isDisabled()).resolves.toBe(true);
  await expect(section.getByTestId('baseline-name').isDisabled()).resolves.toBe(true);
});
