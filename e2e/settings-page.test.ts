/**
 * The settings admin page in Chromium on a fresh demo site (which starts with the demo's settings):
 * a refused save shows the server's problems next to their section, stores nothing and keeps the
 * unsaved changes; a save after someone else's shows the conflict with a reload.
 */
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { startLocalSite, type LocalSite } from '../local/site/site';
import type { Answer, SettingsSaved, SettingsView } from '../src/shared/contract';
import { FIXED_NOW } from '../test/demo-fixture';
import { launchBrowser } from './browser';

let site: LocalSite;
let browser: Browser;
let page: Page;
let admin: string;

beforeAll(async () => {
  site = await startLocalSite({ port: 0, dataDir: ':memory:', dataset: { kind: 'demo', seed: 42, now: FIXED_NOW }, buildUi: true, scheduledTriggers: 'manual', log: () => undefined });
  admin = site.directory.defaultAccountId();
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

async function stored(): Promise<SettingsView> {
  const answer = (await site.invoke('pmo-settings', 'settings/get', {}, admin)) as Answer<SettingsView>;
  if (!answer.ok) throw new Error(JSON.stringify(answer.error));
  return answer.data;
}

const frame = (): FrameLocator => page.frameLocator('#app-frame');

test('a refused save shows the problem next to its section, stores nothing and keeps the changes', async () => {
  await page.goto(`${site.url}/settings/apps/pmo-settings`);
  const app = frame();
  await app.getByTestId('section-rates').waitFor({ timeout: 30_000 });
  // The demo's rates are on the page: the site default and a rate for each person.
  await expect(app.getByTestId('site-rate-period').first().textContent()).resolves.toContain('100 an hour');
  expect(await app.locator('[data-testid^="person-rate-5f8a"]').count()).toBeGreaterThan(5);
  expect(await app.getByTestId('currency').inputValue()).toBe('EUR');

  await app.getByTestId('site-rate-from').fill('2026-05-01');
  await app.getByTestId('site-rate-amount').fill('-5');
  await app.getByTestId('site-rate-add').click();
  await app.getByTestId('save').click();
  const problems = app.getByTestId('section-rates-problems');
  await problems.waitFor({ timeout: 15_000 });
  expect(await problems.textContent()).toContain('rates.siteDefault[1].hourlyRate: must be at least 0');
  await app.getByTestId('message-error').waitFor();
  expect((await stored()).version).toBe(1);
  // The unsaved rate is still there to be corrected.
  expect(await app.getByTestId('site-rate-period').allTextContents()).toContain('-5 an hour from 2026-05-01');

  await app.getByTestId('site-rate-remove-2026-05-01').click();
  await app.getByTestId('site-rate-from').fill('2026-05-01');
  await app.getByTestId('site-rate-amount').fill('95');
  await app.getByTestId('site-rate-add').click();
  await app.getByTestId('save').click();
  await app.getByTestId('message-saved').waitFor({ timeout: 15_000 });
  const after = await stored();
  expect(after.version).toBe(2);
  expect(after.document.rates.siteDefault.at(-1)).toEqual({ from: '2026-05-01', hourlyRate: 95 });
  expect(await app.getByTestId('section-rates-problems').count()).toBe(0);
}, 120_000);

test('a save after someone else saved shows the conflict, changes nothing, and reloads the saved settings', async () => {
  const app = frame();
  const current = await stored();
  const other = (await site.invoke('pmo-settings', 'settings/save', { expectedVersion: current.version, document: { ...current.document, currency: 'CHF' } }, admin)) as Answer<SettingsSaved>;
  expect(other.ok).toBe(true);

  await app.getByTestId('threshold-red-spiBelow').fill('0.7');
  await app.getByTestId('save').click();
  await app.getByTestId('stale').waitFor({ timeout: 15_000 });
  const after = await stored();
  expect(after.version).toBe(current.version + 1);
  expect(after.document.thresholds.red.spiBelow).toBe(current.document.thresholds.red.spiBelow);
  await app.getByTestId('reload').click();
  await app.getByTestId('stale').waitFor({ state: 'detached', timeout: 15_000 });
  expect(await app.getByTestId('currency').inputValue()).toBe('CHF');
}, 120_000);

test('a person found by name in Jira gets a weekly capacity of their own', async () => {
  const app = frame();
  const priya = (await site.invoke('pmo-settings', 'settings/people', { query: 'Priya' }, admin)) as Answer<{ people: { accountId: string }[] }>;
  if (!priya.ok) throw new Error(JSON.stringify(priya.error));
  const priyaId = priya.data.people[0].accountId;
  await app.getByTestId('capacity-person-query').fill('Pri');
  await app.getByTestId('capacity-person-find').click();
  await app.getByTestId(`capacity-person-pick-${priyaId}`).click();
  const field = app.getByTestId(`capacity-${priyaId}`);
  await field.fill('20');
  expect(await app.getByText('Weekly capacity of Priya Patel (hours)').count()).toBe(1);
  const before = (await stored()).version;
  await app.getByTestId('save').click();
  await app.getByTestId('message-saved').waitFor({ timeout: 15_000 });
  const after = await stored();
  expect(after.version).toBe(before + 1);
  expect(after.document.capacity.byPerson[priyaId]).toBe(20);
}, 120_000);

test('compliance rules: a wrong parameter is shown by the rules, then the gate and a portfolio override are saved', async () => {
  const app = frame();
  const before = await stored();
  await app.getByTestId('rule-gate-not-overdue').check();
  const grace = app.getByLabel('not-overdue graceDays');
  await grace.fill('1000');
  await app.getByTestId('save').click();
  const problems = app.getByTestId('section-compliance-problems');
  await problems.waitFor({ timeout: 15_000 });
  expect(await problems.textContent()).toContain('compliance.site.not-overdue.params.graceDays');
  expect((await stored()).version).toBe(before.version);

  await grace.fill('3');
  await app.getByTestId('compliance-new-portfolio').fill('Digital Channels');
  await app.getByTestId('compliance-add-portfolio').click();
  await app.getByTestId('rule-severity-story-described').selectOption('high');
  await app.getByTestId('save').click();
  await app.getByTestId('message-saved').waitFor({ timeout: 15_000 });
  const compliance = (await stored()).document.compliance as { site: Record<string, { enforceAtGate: boolean; params: Record<string, unknown> }>; portfolios: Record<string, Record<string, { severity?: string }>> };
  expect(compliance.site['not-overdue']).toMatchObject({ enforceAtGate: true, params: { graceDays: 3 } });
  expect(compliance.portfolios['Digital Channels']['story-described']).toEqual({ severity: 'high' });
  // The demo's own overrides are kept.
  expect(compliance.portfolios.Regulatory).toBeDefined();
}, 120_000);
