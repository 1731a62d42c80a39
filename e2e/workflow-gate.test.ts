/**
 * The compliance gate from the local issue view in Chromium: the person picks In Progress in the
 * transition control of an unassigned, unestimated story and sees the gate's message, the issue not
 * moved; a move the gate does not judge goes through and the view shows the new status. Any page
 * error or console error no test expects fails (e2e/browser.ts).
 */
import type { Browser, Page } from 'playwright-core';
import { startLocalSite, type LocalSite } from '../local/site/site';
import { DEFAULT_COMPLIANCE_SETTINGS } from '../src/compliance/settings';
import { getSettings, saveSettings } from '../src/settings/store';
import { demoDataset } from '../test/demo-fixture';
import { closeWatchedPage, launchBrowser, openWatchedPage, type ProblemWatch } from './browser';

const dataset = demoDataset();
const status = (name: string) => dataset.statuses.find((candidate) => candidate.name === name)!.id;
const STORY_POINTS = dataset.customFields.find((field) => field.name === 'Story point estimate')!.id;
const STORY = dataset.issueTypes.find((type) => type.name === 'Story')!.id;
const unready = dataset.issues.find(
  (issue) =>
    issue.statusId === status('To Do') &&
    issue.issueTypeId === STORY &&
    issue.assigneeAccountId === null &&
    !((issue.timeoriginalestimate ?? 0) > 0) &&
    typeof issue.customFields?.[STORY_POINTS] !== 'number',
)!;

let site: LocalSite;
let browser: Browser;
let page: Page;
let problems: ProblemWatch;

beforeAll(async () => {
  [site, browser] = await Promise.all([
    startLocalSite({ port: 0, dataDir: ':memory:', dataset: { kind: 'dataset', dataset }, buildUi: false, scheduledTriggers: 'manual', log: () => undefined }),
    launchBrowser(),
  ]);
  // "Work in progress has an assignee and an estimate" enforced at the gate, whatever the site held.
  await site.runtime.runAsInvocation({ accountId: null, timeoutMs: 60_000 }, async () => {
    const current = await getSettings();
    const compliance = structuredClone(DEFAULT_COMPLIANCE_SETTINGS);
    compliance.site['in-progress-ready'].enforceAtGate = true;
    await saveSettings({ ...current.document, compliance }, { expectedVersion: current.version, actorAccountId: site.directory.defaultAccountId(), nowMs: Date.now() });
  });
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});
beforeEach(async () => {
  ({ page, problems } = await openWatchedPage(browser));
});
afterEach(() => closeWatchedPage(page, problems));

it("shows the gate's refusal in the issue view and leaves the issue where it was; an allowed move changes the status", async () => {
  expect(unready).toBeDefined();
  await page.goto(`${site.url}/browse/${unready.key}`);
  await expect(page.getByTestId('issue-status').textContent()).resolves.toBe('To Do');

  await page.getByTestId('transition-select').selectOption(status('In Progress'));
  await Promise.all([page.waitForURL(/\?refusal=/), page.getByTestId('transition-submit').click()]);
  const refusal = page.getByTestId('transition-refused');
  await expect(refusal.textContent()).resolves.toBe(
    `${unready.key} cannot move to In Progress. Work in progress has an assignee and an estimate: ${unready.key} is in progress without an assignee and an estimate. Fix: Assign the item to the person doing it and give it an estimate (story points or an original estimate).`,
  );
  await expect(page.getByTestId('issue-status').textContent()).resolves.toBe('To Do');

  await page.getByTestId('transition-select').selectOption(status("Won't Do"));
  await Promise.all([page.waitForURL(new RegExp(`/browse/${unready.key}$`)), page.getByTestId('transition-submit').click()]);
  await expect(page.getByTestId('issue-status').textContent()).resolves.toBe("Won't Do");
  await expect(page.getByTestId('transition-refused').count()).resolves.toBe(0);
});
