/**
 * Settings and budgets as the PMO uses them, in Chromium on one local site: the site administrator
 * (the PMO manager) sets the currency, the PMO editor group, the site default rate and a project's
 * budget on the admin page, and the portfolio page shows that project's new BAC, cost and variance
 * within a minute; a PMO editor edits an epic's Planned budget in the issue panel while another
 * editor saved first, is shown the current value, saves again, and the portfolio page shows the new
 * variance; a team member sees the panel read-only with the reason. Any CSP violation, page error or
 * console error fails a test (e2e/browser.ts).
 */
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { ACTING_USER_COOKIE } from '../local/site/host';
import { startLocalSite, type LocalSite } from '../local/site/site';
import type { Answer, BudgetEditResult, PortfolioPage, PortfolioPageRow, SettingsDocumentJson, SettingsSaved, SettingsView } from '../src/shared/contract';
import { browsableProjectKeys, demoDataset, userByName } from '../test/demo-fixture';
import { launchBrowser, watchForProblems, type ProblemWatch } from './browser';

const dataset = demoDataset();
const admin = userByName(dataset, 'Riley Quinn');
const priya = userByName(dataset, 'Priya Patel');
const PLANNED = dataset.customFields.find((field) => field.name === 'Planned budget')!.id;
const EPIC_TYPE = dataset.issueTypes.find((type) => type.hierarchyLevel === 1)!.id;
const CURRENCY = 'EUR';

// (a): a small project, priced from worklogs only, so its cost is its hours at the site default rate.
const RATED = 'LAB';
const SITE_RATE = 85;
const PROJECT_BUDGET = 250_000;
const ratedHours = dataset.issues.filter((issue) => issue.projectKey === RATED).flatMap((issue) => issue.worklogs ?? []).reduce((sum, worklog) => sum + worklog.timeSpentSeconds / 3600, 0);

// (b), (c): a top-level epic with a Planned budget (a work package) in a project without a project budget.
const epic = dataset.issues.find((issue) => issue.projectKey === 'APOLLO' && issue.issueTypeId === EPIC_TYPE && issue.parentKey === null && typeof issue.customFields?.[PLANNED] === 'number')!;
// A member of the project's team: neither a Jira administrator nor in the PMO editor group.
const teamMember = userByName(dataset, 'Aisha Khan');

let site: LocalSite;
let browser: Browser;
let page: Page;
let problems: ProblemWatch;

/** Money as every surface writes it (static/shared/format.ts): whole units of the currency, or a plain amount without one. */
function formatMoney(value: number, currency: string | null): string {
  const options: Intl.NumberFormatOptions = currency === null ? { maximumFractionDigits: 0 } : { style: 'currency', currency, maximumFractionDigits: 0, minimumFractionDigits: 0 };
  return new Intl.NumberFormat('en-US', options).format(value);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function data<T>(moduleKey: string, key: string, payload: unknown, accountId: string, opened?: { extension: Record<string, unknown> }): Promise<T> {
  const answer = (await site.invoke(moduleKey, key, payload, accountId, opened)) as Answer<T>;
  if (!answer.ok) throw new Error(`${key}: ${answer.error.code} ${answer.error.message} ${(answer.error.details ?? []).join('; ')}`);
  return answer.data;
}

const openedOnEpic = { extension: { issue: { id: epic.id, key: epic.key, type: 'Epic' }, project: { key: epic.projectKey } } };

async function portfolioRow(projectKey: string): Promise<PortfolioPageRow> {
  const answer = await data<PortfolioPage>('pmo-portfolio-page', 'portfolio/page', {}, admin.accountId);
  return answer.rows.find((row) => row.project.key === projectKey)!;
}

/** The PMO editor group the panel tests need, saved as the administrator when it is not set yet. */
async function ensureEditorGroup(): Promise<void> {
  const view = await data<SettingsView>('pmo-settings', 'settings/get', {}, admin.accountId);
  if (view.document.pmoEditorGroup === 'pmo-office') return;
  await data<SettingsSaved>('pmo-settings', 'settings/save', { expectedVersion: view.version, document: { ...view.document, pmoEditorGroup: 'pmo-office' } }, admin.accountId);
}

/** Waits for every queued job (a save's recompute, a panel edit's refresh) without skipping their delays. */
async function settled(timeoutMs = 120_000): Promise<void> {
  await site.runtime.drainQueues({ timeoutMs });
}

beforeAll(async () => {
  [site, browser] = await Promise.all([
    startLocalSite({ port: 0, dataDir: ':memory:', dataset: { kind: 'dataset', dataset }, buildUi: true, scheduledTriggers: 'manual', log: () => undefined }),
    launchBrowser(),
  ]);
  // The site's first sync round: snapshots of every project.
  await site.runtime.runScheduledTrigger('hourly-sync');
  await site.runtime.drainQueues({ fastForward: true, timeoutMs: 180_000 });
  // A known start, whatever settings the site ships with: no currency, no rates, no editor group, project defaults.
  const view = await data<SettingsView>('pmo-settings', 'settings/get', {}, admin.accountId);
  const start: SettingsDocumentJson = { ...view.document, currency: null, pmoEditorGroup: null, rates: { siteDefault: [], byPerson: {}, byGroup: [] }, projects: {} };
  await data<SettingsSaved>('pmo-settings', 'settings/save', { expectedVersion: view.version, document: start }, admin.accountId);
  await settled();
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

/** A browser context signed in as `accountId` (the host's acting-user cookie), watched for problems. */
async function openAs(accountId: string): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  await context.addCookies([{ name: ACTING_USER_COOKIE, value: accountId, url: site.url, httpOnly: true, sameSite: 'Strict' }]);
  problems = await watchForProblems(context);
  page = await context.newPage();
}
afterEach(async () => {
  try {
    problems?.expectNone();
  } finally {
    await page?.context().close();
  }
});

const app = (): FrameLocator => page.frameLocator('#app-frame');
const panel = (): FrameLocator => page.frameLocator('#app-frame-pmo-budget-panel');

/** What the portfolio page shows in a project's row, by column. */
async function shownFigures(projectKey: string): Promise<{ bac: string; ac: string; cv: string }> {
  const row = app().getByTestId(`project-row-${projectKey}`);
  await row.waitFor({ timeout: 30_000 });
  const cell = async (column: string) => (await row.locator(`td[data-column="${column}"]`).getAttribute('data-text')) ?? '';
  return { bac: await cell('bac'), ac: await cell('ac'), cv: await cell('cv') };
}

/**
 * Opens the portfolio page until the row shows `accept`ed figures, as a person reloading it would,
 * within `withinMs` of `sinceMs`; answers the figures and when they were first shown.
 */
async function portfolioShows(projectKey: string, accept: (shown: { bac: string; ac: string; cv: string }) => boolean, sinceMs: number, withinMs = 60_000) {
  for (;;) {
    await page.goto(`${site.url}/`);
    const shown = await shownFigures(projectKey);
    if (accept(shown)) return { shown, afterMs: Date.now() - sinceMs };
    if (Date.now() - sinceMs > withinMs) throw new Error(`The portfolio page did not show the new figures of ${projectKey} within ${withinMs} ms; it shows ${JSON.stringify(shown)}`);
    await sleep(1000);
  }
}

const money = (value: number) => formatMoney(value, CURRENCY);

test('the PMO manager sets the currency, the editor group, the site default rate and a project budget; the portfolio page shows the new figures within a minute', async () => {
  const before = await portfolioRow(RATED);
  expect(ratedHours).toBeGreaterThan(0);
  await openAs(admin.accountId);
  await page.goto(`${site.url}/settings/apps/pmo-settings`);
  const settings = app();
  await settings.getByTestId('save').waitFor({ timeout: 30_000 });
  expect(await settings.getByTestId('site-rate-period').count()).toBe(0);

  await settings.getByTestId('currency').fill(CURRENCY);
  await settings.getByTestId('currency').press('Tab');
  await settings.getByTestId('editor-group').fill('pmo-office');
  await settings.getByTestId('editor-group').press('Tab');
  await settings.getByTestId('site-rate-amount').fill(String(SITE_RATE));
  await settings.getByTestId('site-rate-from').fill('2020-01-01');
  await settings.getByTestId('site-rate-add').click();
  await expect(settings.getByTestId('site-rate-period').textContent()).resolves.toBe(`${SITE_RATE} an hour from 2020-01-01`);
  await settings.getByTestId(`cost-source-${RATED}`).selectOption('worklogs');
  await settings.getByTestId(`budget-${RATED}`).fill(String(PROJECT_BUDGET));
  await settings.getByTestId(`budget-${RATED}`).press('Tab');
  await settings.getByTestId('save').click();
  const saved = settings.getByTestId('message-saved');
  await saved.waitFor({ timeout: 30_000 });
  const savedAt = Date.now();
  expect(await saved.textContent()).toMatch(new RegExp(`^Saved \\d+ change\\(s\\); recomputing ${dataset.projects.length} project\\(s\\)`));

  // BAC is the project budget; cost is every hour logged at the site default rate (no other rate is set).
  const expectedBac = money(PROJECT_BUDGET);
  const expectedAc = money(ratedHours * SITE_RATE);
  const { shown, afterMs } = await portfolioShows(RATED, (figures) => figures.bac === expectedBac && figures.ac === expectedAc, savedAt);
  expect(afterMs).toBeLessThan(60_000);
  const after = await portfolioRow(RATED);
  expect(after.metrics!.earnedValue.bac.value).toBe(PROJECT_BUDGET);
  expect(after.metrics!.earnedValue.ac.value).toBeCloseTo(ratedHours * SITE_RATE, 2);
  // The variance is the new one (earned value less the new cost), not the one before the change.
  expect(shown.cv).toBe(money(after.metrics!.earnedValue.cv.value!));
  expect(after.metrics!.earnedValue.cv.value).not.toBe(before.metrics!.earnedValue.cv.value);
}, 180_000);

test('a PMO editor edits a budget in the issue panel after another editor saved it, is shown the current value, saves again, and the portfolio page shows the new variance', async () => {
  await ensureEditorGroup();
  await settled();
  const before = await portfolioRow(epic.projectKey);
  const currency = (await data<SettingsView>('pmo-settings', 'settings/get', {}, admin.accountId)).document.currency;
  const original = epic.customFields![PLANNED] as number;
  const othersValue = original + 5_000;
  const priyasValue = original + 12_345;

  await openAs(priya.accountId);
  await page.goto(`${site.url}/browse/${epic.key}`);
  const view = panel();
  await view.getByTestId('budget-panel').waitFor({ timeout: 30_000 });
  expect(await view.getByTestId('field-plannedBudget-value').textContent()).toBe(formatMoney(original, currency));
  await view.getByTestId('field-plannedBudget-edit').click();
  await view.getByTestId('field-plannedBudget-input').fill(String(priyasValue));

  // Meanwhile the site administrator, also a PMO editor, saves first.
  const first = await data<BudgetEditResult>('pmo-budget-panel', 'panel/setBudget', { field: 'plannedBudget', value: othersValue, expected: original }, admin.accountId, openedOnEpic);
  expect(first).toEqual({ status: 'saved', field: 'plannedBudget', value: othersValue });

  await view.getByTestId('field-plannedBudget-save').click();
  const conflict = view.getByTestId('field-plannedBudget-conflict');
  await conflict.waitFor({ timeout: 15_000 });
  expect(await conflict.textContent()).toBe(`Not saved: Planned budget was changed to ${formatMoney(othersValue, currency)} by Riley Quinn since you opened it. Check the new value and edit again.`);
  // Her text is kept; the panel read the current value again, and her next save is made against it.
  expect(await view.getByTestId('field-plannedBudget-input').inputValue()).toBe(String(priyasValue));
  await view.getByTestId('field-plannedBudget-save').click();
  await view.getByTestId('field-plannedBudget-value').waitFor({ timeout: 15_000 });
  const savedAt = Date.now();
  expect(await view.getByTestId('field-plannedBudget-value').textContent()).toBe(formatMoney(priyasValue, currency));
  expect(await view.getByTestId('field-plannedBudget-conflict').count()).toBe(0);

  // The epic is a work package of a project without a project budget: BAC moves by the edit.
  const expectedBac = formatMoney(before.metrics!.earnedValue.bac.value! + (priyasValue - original), currency);
  const { afterMs } = await portfolioShows(epic.projectKey, (figures) => figures.bac === expectedBac, savedAt);
  expect(afterMs).toBeLessThan(60_000);
  const after = await portfolioRow(epic.projectKey);
  const shown = await shownFigures(epic.projectKey);
  expect(shown.cv).toBe(formatMoney(after.metrics!.earnedValue.cv.value!, currency));
  // Cost is untouched by a budget edit; the variance is the new earned value less the same cost.
  expect(after.metrics!.earnedValue.ac.value).toBeCloseTo(before.metrics!.earnedValue.ac.value!, 6);
  expect(after.metrics!.earnedValue.cv.value! - before.metrics!.earnedValue.cv.value!).toBeCloseTo(after.metrics!.earnedValue.ev.value! - before.metrics!.earnedValue.ev.value!, 6);

  // The panel, opened again, shows her value and its variance: planned less the cost counted.
  await page.goto(`${site.url}/browse/${epic.key}`);
  await panel().getByTestId('budget-panel').waitFor({ timeout: 30_000 });
  expect(await panel().getByTestId('field-plannedBudget-value').textContent()).toBe(formatMoney(priyasValue, currency));
}, 180_000);

test('a team member sees the panel read-only, with the reason, and no way to edit', async () => {
  expect(browsableProjectKeys(dataset, teamMember.accountId)).toContain(epic.projectKey);
  expect(teamMember.groups).not.toContain('pmo-office');
  await ensureEditorGroup();
  await openAs(teamMember.accountId);
  await page.goto(`${site.url}/browse/${epic.key}`);
  const view = panel();
  await view.getByTestId('budget-panel').waitFor({ timeout: 30_000 });
  expect(await view.getByTestId('read-only-reason').textContent()).toBe('Read-only: Only Jira administrators and members of the pmo-office group may change settings and budgets.');
  expect(await view.getByTestId('field-plannedBudget-value').textContent()).not.toBe('');
  expect(await view.locator('[data-testid$="-edit"]').count()).toBe(0);
  expect(await view.locator('input').count()).toBe(0);
}, 120_000);

test('a PMO editor who does not administer Jira opens the settings from the portfolio page; a team member is told why not', async () => {
  await ensureEditorGroup();
  expect(priya.groups).not.toContain('jira-administrators');
  await openAs(priya.accountId);
  // Jira's admin pages are for its administrators only: Priya reaches the settings from the portfolio page.
  // Asked with her cookie but not opened, so the refusal is no console error of the page.
  const adminPage = await page.request.get(`${site.url}/settings/apps/pmo-settings`);
  expect(adminPage.status()).toBe(403);
  await page.goto(`${site.url}/`);
  await app().getByTestId('open-settings').click();
  const settings = app().getByTestId('portfolio-settings');
  await settings.getByTestId('save').waitFor({ timeout: 30_000 });
  expect(await settings.getByTestId('editor-group').inputValue()).toBe('pmo-office');
  expect(await settings.getByTestId('currency').isDisabled()).toBe(false);
  await settings.getByTestId('back-to-portfolio').click();
  await app().getByTestId('portfolio-summary').waitFor({ timeout: 30_000 });
  problems.expectNone();
  await page.context().close();

  await openAs(teamMember.accountId);
  await page.goto(`${site.url}/`);
  await app().getByTestId('open-settings').click();
  const refused = app().getByTestId('settings-error');
  await refused.waitFor({ timeout: 30_000 });
  expect(await refused.textContent()).toContain('Only Jira administrators and members of the pmo-office group may change settings and budgets.');
  expect(await app().getByTestId('currency').count()).toBe(0);
}, 120_000);
