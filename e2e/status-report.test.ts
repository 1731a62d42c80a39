/**
 * The status report macro in Chromium on the simulated Confluence page, after the demo's first sync, as a
 * PMO manager uses it: insert the macro, configure it in its dialog, freeze it as a record, read the record
 * back after a reload, freeze an earlier day beside it, export the page to PDF; and a stakeholder who may
 * browse only part of the portfolio sees only that part. Nothing breaks Forge's CSP.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { CONFLUENCE_PAGE } from '../local/site/host';
import { startLocalSite, type LocalSite } from '../local/site/site';
import { browsableProjectKeys, demoDataset, userByName } from '../test/demo-fixture';
import { actAs } from './site-fixture';
import { launchBrowser, watchForProblems, type ProblemWatch } from './browser';

const dataset = demoDataset();
const admin = userByName(dataset, 'Riley Quinn');
const contractor = userByName(dataset, 'Oskar Brandt');
/** The portfolio of the contractor's first project: he may browse some of its projects, not all. */
const portfolio = dataset.categories.find((category) => category.id === dataset.projects.find((project) => project.key === browsableProjectKeys(dataset, contractor.accountId)[0])!.categoryId)!;
const portfolioKeys = dataset.projects.filter((project) => project.categoryId === portfolio.id).map((project) => project.key).sort();
const contractorKeys = portfolioKeys.filter((key) => browsableProjectKeys(dataset, contractor.accountId).includes(key));

let site: LocalSite;
let browser: Browser;
let page: Page;
let problems: ProblemWatch;

beforeAll(async () => {
  site = await startLocalSite({ port: 0, dataDir: ':memory:', dataset: { kind: 'dataset', dataset }, buildUi: true, scheduledTriggers: 'manual', log: () => undefined });
  await site.runtime.runScheduledTrigger('hourly-sync');
  await site.runtime.drainQueues({ fastForward: true, timeoutMs: 120_000 });
  browser = await launchBrowser();
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await site?.close();
});
beforeEach(async () => {
  const context = await browser.newContext({ viewport: { width: 1300, height: 1000 }, acceptDownloads: true });
  problems = await watchForProblems(context);
  page = await context.newPage();
});
afterEach(async () => {
  try {
    problems.expectNone();
  } finally {
    await page.context().close();
  }
});


/** The frame of the macro `localId` on the page, in whichever entry point it shows. */
const macro = (localId: string): FrameLocator => page.frameLocator(`[data-local-id="${localId}"] iframe`);

/** The text of a PDF, as pdf.js reads it (in its own process: pdf.js ships as ES modules only). */
const pdfText = (bytes: Buffer): string =>
  execFileSync(process.execPath, [path.join(__dirname, '..', 'test', 'support', 'pdf-text.mjs')], { input: bytes, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });

let localId = '';

test('a PMO manager inserts the macro, configures it, freezes it and reads the record back; the page exports to PDF with it', async () => {
  await actAs(page, site, admin.accountId);
  await page.goto(`${site.url}${CONFLUENCE_PAGE.path}`);
  const before = await page.locator('[data-testid="macro-pmo-status-report"]').count();

  // Insert: the config dialog opens, as in Confluence.
  await Promise.all([page.waitForURL(/configure=/), page.getByTestId('insert-pmo-status-report').click()]);
  localId = new URL(page.url()).searchParams.get('configure')!;
  const dialog = macro(localId);
  await dialog.getByTestId('portfolio').waitFor({ timeout: 30_000 });
  await dialog.getByTestId('portfolio').selectOption(portfolio.name);
  // Every section, frozen, with a week of activity.
  await dialog.getByTestId('mode-frozen').check();
  await dialog.getByTestId('activity-days').fill('7');
  // Nothing to save without a section: the dialog says so and keeps the button off.
  const sections = dialog.locator('[data-testid^="section-"]');
  const sectionCount = await sections.count();
  for (let index = 0; index < sectionCount; index++) await sections.nth(index).uncheck();
  await dialog.getByTestId('config-problems').waitFor();
  await expect(dialog.getByTestId('save-config').isDisabled()).resolves.toBe(true);
  for (let index = 0; index < sectionCount; index++) await sections.nth(index).check();
  await Promise.all([page.waitForURL((url) => !url.search.includes('configure')), dialog.getByTestId('save-config').click()]);
  await expect(page.locator('[data-testid="macro-pmo-status-report"]').count()).resolves.toBe(before + 1);

  // Frozen with no record yet: it says how to make one.
  const report = macro(localId);
  await report.getByTestId('report-reason').waitFor({ timeout: 30_000 });
  await expect(report.getByTestId('report-reason').textContent()).resolves.toContain('freeze');

  // Freeze: the record shows its day, when its data was synced, and every project of the portfolio.
  await report.getByTestId('freeze').click();
  await report.getByTestId('status-report').waitFor({ timeout: 30_000 });
  const today = new Date().toISOString().slice(0, 10);
  await expect(report.getByTestId('report-as-of').textContent()).resolves.toMatch(/^Frozen record: the status as of .+, frozen .+ data synced from Jira (?!not yet)/);
  for (const key of portfolioKeys) await report.getByTestId(`report-health-${key}`).waitFor();
  await expect(report.getByTestId('record-choice').locator('option').count()).resolves.toBe(2);
  const agenda = await report.getByTestId('agenda').textContent();
  expect(agenda).toContain('exceptions since');

  // Read back: a reload shows the same record, by the figures the record holds.
  const spiBefore = await report.getByTestId(`report-spi-${portfolioKeys[0]}`).textContent();
  await page.reload();
  await macro(localId).getByTestId('status-report').waitFor({ timeout: 30_000 });
  await expect(macro(localId).getByTestId(`report-spi-${portfolioKeys[0]}`).textContent()).resolves.toBe(spiBefore);
  await expect(macro(localId).getByTestId('record-choice').inputValue()).resolves.not.toBe('');

  // A record of an earlier day beside it: both are listed, and the earlier one shows its day.
  const earlier = new Date(Date.parse(`${today}T00:00:00Z`) - 14 * 86_400_000).toISOString().slice(0, 10);
  await macro(localId).getByTestId('freeze-day').fill(earlier);
  await macro(localId).getByTestId('freeze').click();
  await macro(localId).locator('[data-testid="record-choice"] option').nth(2).waitFor({ state: 'attached', timeout: 30_000 });
  const options = await macro(localId).locator('[data-testid="record-choice"] option').allTextContents();
  expect(options.filter((option) => option.startsWith('As of '))).toEqual([expect.stringContaining(`As of ${earlier}`), expect.stringContaining(`As of ${today}`)]);
  await expect(macro(localId).getByTestId('record-choice').inputValue()).resolves.not.toBe('');

  // Export to PDF: a real PDF whose text holds the report.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-pdf').click()]);
  const bytes = fs.readFileSync((await download.path())!);
  expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
  const text = pdfText(bytes);
  expect(text).toContain('Status report as of');
  for (const key of portfolioKeys) expect(text).toContain(key);
}, 180_000);

test('a stakeholder who may browse part of the portfolio sees only that part, with a message in place of the rest', async () => {
  expect(localId).not.toBe('');
  await actAs(page, site, contractor.accountId);
  await page.goto(`${site.url}${CONFLUENCE_PAGE.path}`);
  const report = macro(localId);
  await report.getByTestId('status-report').waitFor({ timeout: 30_000 });
  for (const key of contractorKeys) await report.getByTestId(`report-health-${key}`).waitFor();
  await expect(report.getByTestId('hidden-project').count()).resolves.toBe(portfolioKeys.length - contractorKeys.length);
  const text = (await report.locator('body').textContent()) ?? '';
  for (const key of portfolioKeys.filter((candidate) => !contractorKeys.includes(candidate))) {
    const name = dataset.projects.find((project) => project.key === key)!.name;
    expect({ key, leaked: text.includes(name) || new RegExp(`\\b${key}\\b`).test(text) }).toEqual({ key, leaked: false });
  }

  // His PDF export holds his projects only.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-pdf').click()]);
  const pdf = pdfText(fs.readFileSync((await download.path())!));
  for (const key of contractorKeys) expect(pdf).toContain(key);
  for (const key of portfolioKeys.filter((candidate) => !contractorKeys.includes(candidate))) expect({ key, leaked: new RegExp(`\\b${key}\\b`).test(pdf) }).toEqual({ key, leaked: false });
}, 120_000);

test('the report shows each project’s compliance from the rule engine: its score with its checks, and the rules broken with their fix', async () => {
  expect(localId).not.toBe('');
  await actAs(page, site, admin.accountId);
  await page.goto(`${site.url}${CONFLUENCE_PAGE.path}`);
  const report = macro(localId);
  const section = report.getByTestId('report-compliance');
  await section.waitFor({ timeout: 30_000 });
  await expect(section.textContent()).resolves.not.toContain('No compliance rules are set up');
  for (const key of portfolioKeys) {
    const project = report.getByTestId(`report-compliance-${key}`);
    await expect(project.textContent()).resolves.toMatch(new RegExp(`^${key}: score.*\\d+ of \\d+ checks passed`));
  }
  // A rule broken names how to fix it.
  const rules = report.locator('[data-testid^="report-compliance-"][data-testid$="-rules"] li');
  await expect(rules.first().textContent()).resolves.toMatch(/\d+ of \d+\. .+/);
  await report.getByTestId('report-budget-changes').waitFor();
}, 120_000);
