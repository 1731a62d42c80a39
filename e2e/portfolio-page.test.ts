/**
 * The portfolio page as a person uses it: the local site's host page in Chromium, the real Custom
 * UI build in its iframe, resolvers run by the Forge runtime emulator against the simulated Jira.
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { startLocalSite, type LocalSite } from '../local/site/site';
import type { Answer, PortfolioMetricsReport } from '../src/shared/contract';
import { browsableProjectKeys, demoDataset, expectedFigures, userByName } from '../test/demo-fixture';
import { launchBrowser } from './browser';

const dataset = demoDataset();
// One person with no project access at all, for the empty state.
const newcomer = { accountId: '5f8a1c2e9d4b7a00000000ff', displayName: 'Nina Newcomer', emailAddress: 'nina.newcomer@pmo.example', active: true, timeZone: 'UTC', locale: 'en_US', groups: [] };
const contractor = userByName(dataset, 'Oskar Brandt');
const screenshots = fs.mkdtempSync(path.join(os.tmpdir(), 'pmo-e2e-'));

let site: LocalSite;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  site = await startLocalSite({
    port: 0,
    dataDir: ':memory:',
    dataset: { kind: 'dataset', dataset: { ...dataset, users: [...dataset.users, newcomer] } },
    buildUi: true,
    log: () => undefined,
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});
beforeEach(async () => {
  page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
});
afterEach(async () => {
  await page.context().close();
});

const OVERDUE_COLUMN = 9;
const app = (): FrameLocator => page.frameLocator('#app-frame');
const rows = () => app().locator('[data-testid^="project-row-"]');

async function shownKeys(): Promise<string[]> {
  await rows().first().waitFor();
  const ids = await rows().evaluateAll((elements) => elements.map((element) => element.getAttribute('data-testid') ?? ''));
  return ids.map((id) => id.replace('project-row-', ''));
}

async function actAs(displayName: string): Promise<void> {
  const select = page.getByTestId('acting-user');
  const value = await select.locator('option', { hasText: displayName }).getAttribute('value');
  await Promise.all([page.waitForEvent('load'), select.selectOption(value!)]);
}

/** Retries `read` until `accept` holds (the page updates asynchronously), then returns its last value. */
async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The numbers in one column, top to bottom. */
async function columnNumbers(index: number): Promise<number[]> {
  const texts = await rows().evaluateAll((elements, cell) => elements.map((row) => row.querySelectorAll('td')[cell]?.textContent ?? ''), index);
  return texts.map((text) => Number(text.replace('%', '')));
}

test('the portfolio page shows every seeded project with its figures', async () => {
  await page.goto(site.url + '/');
  const keys = await shownKeys();
  expect(keys.sort()).toEqual(dataset.projects.map((project) => project.key).sort());

  const [sample] = dataset.projects;
  const expected = expectedFigures(dataset, sample.key, new Date().toISOString().slice(0, 10));
  const cells = await app().getByTestId(`project-row-${sample.key}`).locator('td').allTextContents();
  expect(cells[0]).toContain(sample.name);
  expect(cells.slice(4, 8).map(Number)).toEqual([expected.total, expected.toDo, expected.inProgress, expected.done]);
  expect(Number(cells[9])).toBe(expected.overdue);
  await expect(app().getByTestId('portfolio-summary').textContent()).resolves.toMatch(new RegExp(`${dataset.projects.length} of ${dataset.projects.length} projects`));
  await page.screenshot({ path: path.join(screenshots, 'portfolio.png'), fullPage: true });
});

test('health, indices and the portfolio totals appear once the metrics are computed', async () => {
  await page.goto(site.url + '/');
  await shownKeys();
  const answer = (await site.invoke('pmo-portfolio-page', 'portfolio/metrics', {}, userByName(dataset, 'Riley Quinn').accountId)) as Answer<PortfolioMetricsReport>;
  if (!answer.ok) throw new Error(JSON.stringify(answer.error));
  for (const project of answer.data.projects) {
    const health = app().getByTestId(`health-${project.projectKey}`);
    await health.waitFor({ timeout: 30_000 });
    expect((await health.textContent())?.toLowerCase()).toBe(project.health.rag);
  }
  const totals = await app().getByTestId('portfolio-totals').textContent();
  const { byHealth } = answer.data.total;
  expect(totals).toContain(`${byHealth.red} red`);
  expect(totals).toContain(`${byHealth.green} green`);
  await page.screenshot({ path: path.join(screenshots, 'metrics.png'), fullPage: true });
});

test('sorting by a column orders the rows, and clicking again reverses them', async () => {
  await page.goto(site.url + '/');
  await shownKeys();
  const overdueHeader = app().locator('th', { hasText: 'Overdue' });
  await overdueHeader.click();
  const ascending = await columnNumbers(OVERDUE_COLUMN);
  expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
  expect(new Set(ascending).size).toBeGreaterThan(1);
  await overdueHeader.click();
  const descending = await columnNumbers(OVERDUE_COLUMN);
  expect(descending).toEqual([...ascending].sort((a, b) => b - a));
});

test('acting as a user without access to a project removes it from the page', async () => {
  await page.goto(site.url + '/');
  await shownKeys();
  await actAs(contractor.displayName);
  const allowed = browsableProjectKeys(dataset, contractor.accountId);
  expect(allowed.length).toBeLessThan(dataset.projects.length);
  await expect(app().getByTestId('portfolio-summary').textContent()).resolves.toContain(`viewing as ${contractor.displayName}`);
  expect((await shownKeys()).sort()).toEqual(allowed);
  await page.screenshot({ path: path.join(screenshots, 'contractor.png'), fullPage: true });
});

test('the portfolio filter narrows the table to one portfolio', async () => {
  await page.goto(site.url + '/');
  await shownKeys();
  const category = dataset.categories[1];
  await app().getByTestId('portfolio-filter').click();
  await app().getByRole('option', { name: category.name }).click();
  const expected = dataset.projects.filter((project) => project.categoryId === category.id).map((project) => project.key).sort();
  const keys = await eventually(async () => (await shownKeys()).sort(), (value) => value.length === expected.length);
  expect(keys).toEqual(expected);
});

test('someone who may browse nothing sees the empty state', async () => {
  await page.goto(site.url + '/');
  await actAs(newcomer.displayName);
  await app().getByTestId('portfolio-empty').waitFor();
  await expect(app().getByTestId('portfolio-empty').textContent()).resolves.toContain('No projects to show');
  expect(await rows().count()).toBe(0);
});

test('when Jira fails the page says so, keeps the last figures, and recovers on Try again', async () => {
  await page.goto(site.url + '/');
  await shownKeys();
  site.jira.control.setKnobs({ failureRate: 1 });
  try {
    await app().getByTestId('refresh').click();
    await app().getByTestId('portfolio-error').waitFor({ timeout: 30_000 });
    await expect(app().getByTestId('portfolio-error').textContent()).resolves.toContain('Jira could not be reached');
    // The last good figures stay on the page, marked as such: a failed refresh loses nothing.
    await expect(app().getByTestId('portfolio-summary').textContent()).resolves.toContain('Showing the last figures read');
    expect((await shownKeys()).length).toBe(dataset.projects.length);
    await page.screenshot({ path: path.join(screenshots, 'error.png'), fullPage: true });
  } finally {
    site.jira.control.setKnobs({ failureRate: 0 });
  }
  await app().getByRole('button', { name: 'Try again' }).click();
  await app().getByTestId('portfolio-error').waitFor({ state: 'detached', timeout: 20_000 });
  expect((await shownKeys()).length).toBe(dataset.projects.length);
  expect(await app().getByTestId('portfolio-error').count()).toBe(0);
}, 60_000);
