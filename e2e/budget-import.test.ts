/**
 * The settings page's budget import in Chromium: a pasted CSV with a bad row is previewed with the
 * row named and cannot be imported; once fixed, the preview lists each change and Import writes it.
 */
import type { Browser, Page } from 'playwright-core';
import { startLocalSite, type LocalSite } from '../local/site/site';
import { basicAuth } from '../local/jira/server/test-fixture';
import { demoDataset } from '../test/demo-fixture';
import { launchBrowser } from './browser';

const dataset = demoDataset();
let site: LocalSite;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  site = await startLocalSite({ port: 0, dataDir: ':memory:', dataset: { kind: 'dataset', dataset }, buildUi: true, scheduledTriggers: 'manual', log: () => undefined });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

test('a bad row is named and blocks the import; a good file is previewed and imported', async () => {
  const [one, two] = dataset.issues;
  await page.goto(`${site.url}/settings/apps/pmo-settings`);
  const frame = page.frameLocator('#app-frame');
  const csv = frame.getByTestId('budget-csv');
  await csv.fill(`issue key,planned budget,actual cost\n${one.key},1500,20\n${two.key},-3,\n`);
  await frame.getByTestId('budget-preview').click();
  await frame.getByTestId('budget-problems').getByText(`Line 3: planned budget cannot be negative.`).waitFor();
  expect(await frame.getByTestId('budget-import-button').isDisabled()).toBe(true);

  await csv.fill(`issue key,planned budget,actual cost\n${one.key},1500,20\n${two.key},3,\n`);
  await frame.getByTestId('budget-preview').click();
  await frame.getByTestId('budget-changes').getByRole('cell', { name: one.key }).first().waitFor();
  await frame.getByTestId('budget-import-button').click();
  await frame.getByTestId('budget-summary').getByText(/Imported: \d+ values changed on 2 items/).waitFor();
  const fields = ((await (await fetch(`${site.jiraUrl}/rest/api/3/issue/${one.key}`, { headers: { Authorization: basicAuth(dataset.users.find((user) => user.displayName === 'Riley Quinn')!.emailAddress) } })).json()) as { fields: Record<string, unknown> }).fields;
  const planned = dataset.customFields.find((field) => field.name === 'Planned budget')!.id;
  expect(fields[planned]).toBe(1500);
}, 120_000);
