/**
 * Every kind of UI module in Chromium, as the fixture app in test/fixtures/surfaces-app shows them:
 * each UI prints what getContext answers through the injected bridge and what the echoing resolver
 * saw; the theme switch re-themes the chrome and the open UIs; Forge's CSP refuses what it refuses,
 * and the problem watch of e2e/browser.ts reports it; the sandbox lets a click start a download; an
 * edit UI saves with view.submit. Any CSP violation, page error or console error no test expects fails.
 */
import path from 'node:path';
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core';
import { CONFLUENCE_PAGE } from '../local/site/host';
import { startLocalSite, type LocalSite } from '../local/site/site';
import { demoDataset, userByName } from '../test/demo-fixture';
import { launchBrowser, watchForProblems, type ProblemWatch } from './browser';

const appRoot = path.join(__dirname, '..', 'test', 'fixtures', 'surfaces-app');
const demo = demoDataset();
// The site admin reads German and lives in Berlin: the UIs must be told so.
const dataset = { ...demo, users: demo.users.map((user) => (user.displayName === 'Riley Quinn' ? { ...user, locale: 'de_DE' } : user)) };
const admin = userByName(dataset, 'Riley Quinn');

let site: LocalSite;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: ProblemWatch;

beforeAll(async () => {
  [site, browser] = await Promise.all([
    startLocalSite({ port: 0, dataDir: ':memory:', dataset: { kind: 'dataset', dataset }, appRoot, buildUi: false, scheduledTriggers: 'manual', log: () => undefined }),
    launchBrowser(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});
beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  problems = await watchForProblems(context);
  page = await context.newPage();
});
afterEach(async () => {
  try {
    problems.expectNone();
  } finally {
    await context.close();
  }
});

interface Printed {
  context: { moduleKey: string; locale: string; timezone: string; accountId: string; localId: string; theme: { colorMode: string }; extension: Record<string, unknown> };
  invoke: { payload: unknown; context: Printed['context'] } | null;
}

/** What the UI in a frame printed, once it is done. */
async function printed(frame: FrameLocator): Promise<Printed> {
  await frame.locator('body[data-ready="true"]').waitFor({ timeout: 15_000 });
  const read = async (id: string) => {
    const text = (await frame.locator(`#${id}`).textContent()) ?? '';
    return text === '' ? null : JSON.parse(text);
  };
  return { context: await read('context'), invoke: await read('invoke') };
}

const PAGES: { path: string; frames: { selector: string; moduleKey: string; type: string; about?: Record<string, unknown> }[] }[] = [
  { path: '/', frames: [{ selector: '#app-frame', moduleKey: 'surfaces-global', type: 'jira:globalPage' }] },
  { path: '/projects/APOLLO/apps/surfaces-project', frames: [{ selector: '#app-frame', moduleKey: 'surfaces-project', type: 'jira:projectPage', about: { project: { key: 'APOLLO' } } }] },
  { path: '/settings/apps/surfaces-admin', frames: [{ selector: '#app-frame', moduleKey: 'surfaces-admin', type: 'jira:adminPage' }] },
  {
    path: '/browse/APOLLO-1',
    frames: [
      { selector: '#app-frame-surfaces-panel', moduleKey: 'surfaces-panel', type: 'jira:issuePanel', about: { issue: { key: 'APOLLO-1' }, project: { key: 'APOLLO' } } },
      { selector: '#app-frame-planned-budget', moduleKey: 'planned-budget', type: 'jira:customField', about: { issue: { key: 'APOLLO-1' }, fieldId: expect.stringMatching(/^customfield_\d+$/) } },
    ],
  },
  { path: CONFLUENCE_PAGE.path, frames: [{ selector: '#app-frame-surfaces-macro', moduleKey: 'surfaces-macro', type: 'macro', about: { content: CONFLUENCE_PAGE.content, space: CONFLUENCE_PAGE.space } }] },
];

test('every module type: its UI gets its context through the bridge, themed, and its resolver sees the same context', async () => {
  for (const shown of PAGES) {
    await page.goto(site.url + shown.path);
    for (const expected of shown.frames) {
      const frame = page.frameLocator(expected.selector);
      const { context: seen, invoke } = await printed(frame);
      expect({ page: shown.path, context: seen }).toMatchObject({
        page: shown.path,
        context: { moduleKey: expected.moduleKey, accountId: admin.accountId, locale: 'de-DE', timezone: admin.timeZone, theme: { colorMode: 'light' }, extension: { type: expected.type, ...expected.about } },
      });
      expect(invoke).toEqual({ payload: { from: expected.moduleKey }, context: expect.objectContaining({ moduleKey: seen.moduleKey, localId: seen.localId, locale: seen.locale, timezone: seen.timezone, theme: seen.theme, extension: seen.extension }) });
      // view.theme.enable() took the host's theme, not the browser's preference.
      await frame.locator('html[data-color-mode="light"][data-theme~="dark:dark"]').waitFor();
    }
  }
});

/** The relative luminance of a computed CSS colour (0 black, 1 white). */
function luminance(color: string): number {
  const [r, g, b] = (color.match(/[\d.]+/g) ?? []).slice(0, 3).map((part) => Number(part) / 255);
  const linear = (channel: number) => (channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4);
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

test('the theme switch turns the chrome and every open UI dark, and getContext says so', async () => {
  await page.goto(site.url + '/browse/APOLLO-1');
  const frames = ['#app-frame-surfaces-panel', '#app-frame-planned-budget'].map((selector) => page.frameLocator(selector));
  for (const frame of frames) await printed(frame);
  await page.getByTestId('color-mode').selectOption('dark');
  for (const frame of frames) {
    await frame.locator('html[data-color-mode="dark"]').waitFor({ timeout: 15_000 });
    expect((await printed(frame)).context.theme.colorMode).toBe('dark');
    const body = await frame.locator('body').evaluate((element) => {
      const style = element.ownerDocument.defaultView!.getComputedStyle(element);
      return { background: style.backgroundColor, text: style.color };
    });
    expect(luminance(body.background)).toBeLessThan(0.1);
    expect(luminance(body.text)).toBeGreaterThan(0.5);
  }
  expect(await page.locator('html').getAttribute('data-color-mode')).toBe('dark');
  const header = await page.locator('header').evaluate((element) => element.ownerDocument.defaultView!.getComputedStyle(element).backgroundColor);
  const chrome = await page.locator('body').evaluate((element) => element.ownerDocument.defaultView!.getComputedStyle(element).backgroundColor);
  expect(luminance(chrome)).toBeLessThan(0.1);
  expect(header).not.toBe('rgba(0, 0, 0, 0)');
  // The choice is kept: the next page opens dark.
  await page.goto(site.url + '/');
  expect((await printed(page.frameLocator('#app-frame'))).context.theme.colorMode).toBe('dark');
});

test("Forge's CSP refuses eval, new Function, an external script, an inline script and an inline style, and the watch reports each", async () => {
  await page.goto(site.url + '/apps/csp-probe');
  const frame = page.frameLocator('#app-frame');
  await frame.locator('body[data-ready="true"]').waitFor();
  const results = JSON.parse((await frame.locator('#results').textContent()) ?? '{}') as Record<string, string>;
  expect(results).toEqual({
    eval: 'blocked: EvalError',
    newFunction: 'blocked: EvalError',
    externalScript: 'blocked',
    inlineScript: 'blocked',
    inlineStyle: 'blocked',
  });
  const violations = problems.take((problem) => problem.kind === 'csp');
  expect(violations.every((violation) => violation.frame.includes('/__ui/csp-probe/'))).toBe(true);
  expect(violations.map((violation) => `${violation.directive} ${violation.blocked}`).sort()).toEqual(
    ['script-src eval', 'script-src eval', 'script-src-elem https://cdn.example.com/charting-library.js', 'script-src-elem inline', 'style-src-attr inline'].sort(),
  );
  // Chromium also says so in the console; nothing else went wrong.
  const logged = problems.take((problem) => problem.kind === 'console' && /Content Security Policy|Refused to/.test(problem.text));
  expect(logged.length).toBeGreaterThan(0);
});

test("a click in the app's iframe can start a download: Forge's sandbox has allow-downloads", async () => {
  await page.goto(site.url + '/apps/csp-probe');
  const frame = page.frameLocator('#app-frame');
  await frame.locator('body[data-ready="true"]').waitFor();
  problems.take((problem) => problem.frame.includes('/__ui/csp-probe/'));
  const [download] = await Promise.all([page.waitForEvent('download'), frame.getByTestId('download').click()]);
  expect(download.suggestedFilename()).toBe('portfolio.csv');
  // The probe's own refusals, seen on load, are the previous test's subject.
  problems.take((problem) => problem.frame.includes('/__ui/csp-probe/'));
});

test("a custom field's edit UI saves with view.submit, and the issue view then shows the new value", async () => {
  await page.goto(site.url + '/browse/APOLLO-2');
  const field = page.frameLocator('#app-frame-planned-budget');
  await printed(field);
  await page.getByTestId('field-planned-budget').getByRole('button', { name: 'Edit' }).click();
  await Promise.all([page.waitForEvent('load'), field.getByTestId('save').click()]);
  expect((await printed(page.frameLocator('#app-frame-planned-budget'))).context.extension.fieldValue).toBe(12345);
});
