/**
 * The issue panel's Process section in the local issue view (/browse/KEY): the real Custom UI build in
 * Chromium lists the rules in force the item and its children break, grouped by item, each with its fix.
 * The test fails on a CSP violation, a page error or a console error in any frame (e2e/browser.ts).
 */
import type { Browser, Page } from 'playwright-core';
import type { LocalSite } from '../local/site/site';
import type { Answer, IssuePanelView } from '../src/shared/contract';
import { demoDataset, userByName } from '../test/demo-fixture';
import { closeWatchedPage, launchBrowser, openWatchedPage, type ProblemWatch } from './browser';
import { startSyncedSite } from './site-fixture';

const dataset = demoDataset();
const admin = userByName(dataset, 'Riley Quinn');
const PLANNED = dataset.customFields.find((field) => field.name === 'Planned budget')!.id;
const epicType = dataset.issueTypes.find((type) => type.hierarchyLevel === 1)!;
const openStatuses = new Set(dataset.statuses.filter((status) => status.categoryKey !== 'done').map((status) => String(status.id)));
// An open epic with children that lacks a budget, a due date or an owner: it breaks epic-planned.
const epic = dataset.issues.find(
  (issue) =>
    issue.issueTypeId === epicType.id &&
    issue.resolutiondate === null &&
    openStatuses.has(String(issue.statusId)) &&
    (typeof issue.customFields?.[PLANNED] !== 'number' || issue.duedate === null || issue.assigneeAccountId === null) &&
    dataset.issues.some((child) => child.parentKey === issue.key),
)!;
const project = dataset.projects.find((candidate) => candidate.key === epic.projectKey)!;

let site: LocalSite;
let browser: Browser;
let page: Page;
let problems: ProblemWatch;

beforeAll(async () => {
  // The first sync round done: the panel reads the project's synced data.
  [site, browser] = await Promise.all([startSyncedSite(dataset, 180_000), launchBrowser()]);
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await site?.close();
});
beforeEach(async () => {
  ({ page, problems } = await openWatchedPage(browser));
});
afterEach(() => closeWatchedPage(page, problems));

test('the issue view’s panel lists the item’s and its children’s violations, grouped by item, each with its fix', async () => {
  const opened = { extension: { issue: { id: String(epic.id), key: epic.key, type: 'Epic' }, project: { id: String(project.id), key: project.key } } };
  const answer = (await site.invoke('pmo-budget-panel', 'panel/item', {}, admin.accountId, opened)) as Answer<IssuePanelView>;
  if (!answer.ok) throw new Error(answer.error.message);
  const expected = answer.data.compliance!;
  expect(expected.entries[0]).toMatchObject({ key: epic.key, isChild: false });

  await page.goto(`${site.url}/browse/${epic.key}`);
  const panel = page.frameLocator('#app-frame-pmo-budget-panel');
  const process = panel.getByTestId('process');
  await process.waitFor({ timeout: 30_000 });
  const own = panel.getByTestId(`process-${epic.key}-epic-planned`);
  await expect(own.textContent()).resolves.toContain('Epics have a Planned budget, a due date and an assignee');
  await expect(own.getByTestId('process-fix').textContent()).resolves.toBe('How to fix: Open the epic and set the missing Planned budget, due date or assignee.');
  // Every item the resolver names has its group, with each of its rules.
  for (const entry of expected.entries) {
    await expect(panel.getByTestId(`process-${entry.key}`).textContent()).resolves.toContain(entry.key === epic.key ? 'This item' : `Child ${entry.key}`);
    for (const violation of entry.violations) {
      await expect(panel.getByTestId(`process-${entry.key}-${violation.ruleId}`).textContent()).resolves.toContain(`How to fix: ${violation.howToFix}`);
    }
  }
}, 60_000);
