/**
 * The host serves every kind of UI module the same way, over real HTTP: a fixture app declares one
 * module of each type (global, project and admin pages, an issue panel, a custom field with view and
 * edit UIs, a Confluence macro with a config UI); each is served at the route shaped like its product
 * page, with the context Forge gives that type, in Forge's sandbox and under Forge's CSP, and the
 * resolver's context says what getContext says. The browser side is e2e/surfaces.test.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LOCAL_CLOUD_ID } from '../local/constants';
import { contentSecurityPolicy, IFRAME_ALLOW, IFRAME_SANDBOX } from '../local/site/csp';
import { CONFLUENCE_PAGE } from '../local/site/host';
import { listUiModules, readManifest, type UiModule } from '../local/site/manifest';
import { startLocalSite, type LocalSite } from '../local/site/site';
import { browsableProjectKeys, demoDataset, userByName } from './demo-fixture';
import { actingAs, framesOf, pagePathOf, switchesOf } from './host-fixture';

const appRoot = path.join(__dirname, 'fixtures', 'surfaces-app');
const demo = demoDataset();
// The site admin reads German and lives in Berlin: the context must say so, not en-US and UTC.
const dataset = { ...demo, users: demo.users.map((user) => (user.displayName === 'Riley Quinn' ? { ...user, locale: 'de_DE' } : user)) };
const admin = userByName(dataset, 'Riley Quinn');
const contractor = userByName(dataset, 'Oskar Brandt');
const modules = listUiModules(readManifest(appRoot), appRoot);
const moduleOf = (moduleKey: string): UiModule => modules.find((module) => module.moduleKey === moduleKey)!;

const project = dataset.projects.find((candidate) => candidate.key === 'APOLLO')!;
const issue = dataset.issues.find((candidate) => candidate.key === 'APOLLO-1')!;
const issueType = dataset.issueTypes.find((type) => type.id === issue.issueTypeId)!;
const budgetField = dataset.customFields.find((field) => field.name === 'Planned budget')!;
const where = { projectKey: project.key, issueKey: issue.key };

let site: LocalSite;
beforeAll(async () => {
  site = await startLocalSite({ port: 0, dataDir: ':memory:', dataset: { kind: 'dataset', dataset }, appRoot, buildUi: false, scheduledTriggers: 'manual', log: () => undefined });
});
afterAll(() => site.close());

async function get(pathname: string, accountId: string = admin.accountId, headers: Record<string, string> = {}) {
  const response = await fetch(`${site.url}${pathname}`, { headers: { ...actingAs(accountId), ...headers }, redirect: 'manual' });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

async function post(pathname: string, body: unknown, accountId: string = admin.accountId, headers: Record<string, string> = {}) {
  const response = await fetch(`${site.url}${pathname}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...actingAs(accountId), ...headers }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The frame of a module on its page, as `accountId` sees the page. */
async function frameOf(module: UiModule, accountId: string = admin.accountId) {
  const page = await get(pagePathOf(module, modules, where), accountId);
  expect({ module: module.moduleKey, status: page.status }).toEqual({ module: module.moduleKey, status: 200 });
  const frame = framesOf(page.text).find((candidate) => candidate.moduleKey === module.moduleKey);
  if (!frame) throw new Error(`no frame of ${module.moduleKey} on its page`);
  return { frame, page };
}

const projectContext = { id: String(project.id), key: project.key, type: project.projectTypeKey };
const issueContext = { id: String(issue.id), key: issue.key, type: issueType.name, typeId: String(issueType.id) };

/** What Forge gives each module type in `extension` (docs/local-site.md). */
const EXPECTED_EXTENSION: Record<string, Record<string, unknown>> = {
  'surfaces-global': { type: 'jira:globalPage' },
  'csp-probe': { type: 'jira:globalPage' },
  'surfaces-project': { type: 'jira:projectPage', project: projectContext },
  'surfaces-admin': { type: 'jira:adminPage' },
  'surfaces-panel': { type: 'jira:issuePanel', project: projectContext, issue: issueContext, isNewToIssue: false },
  'planned-budget': {
    type: 'jira:customField',
    project: projectContext,
    issue: issueContext,
    fieldId: budgetField.id,
    fieldKey: budgetField.id,
    fieldType: 'number',
    fieldValue: issue.customFields[budgetField.id] ?? null,
    renderContext: 'issue-view',
  },
  'surfaces-macro': { type: 'macro', content: CONFLUENCE_PAGE.content, space: CONFLUENCE_PAGE.space, isEditing: false },
};

test('the manifest reader finds every UI module type with its entry points and resolver, and passes over what it does not serve', () => {
  expect(modules.map((module) => [module.moduleType, module.moduleKey, Object.keys(module.entryPoints), module.resolverFunctionKey])).toEqual([
    ['jira:globalPage', 'surfaces-global', ['view'], 'echo-resolver'],
    ['jira:globalPage', 'csp-probe', ['view'], null],
    ['jira:projectPage', 'surfaces-project', ['view'], 'echo-resolver'],
    ['jira:adminPage', 'surfaces-admin', ['view'], 'echo-resolver'],
    ['jira:issuePanel', 'surfaces-panel', ['view'], 'echo-resolver'],
    ['jira:customField', 'planned-budget', ['view', 'edit'], 'echo-resolver'],
    ['macro', 'surfaces-macro', ['view', 'config'], 'echo-resolver'],
  ]);
  expect(moduleOf('planned-budget').entryPoints.edit).toEqual({ key: 'field-edit', dir: path.join(appRoot, 'static', 'field-edit') });
  expect(Object.keys(EXPECTED_EXTENSION).sort()).toEqual(modules.map((module) => module.moduleKey).sort());

  // Module types and keys the host does not serve are read past, not refused.
  const other = fs.mkdtempSync(path.join(os.tmpdir(), 'pmo-manifest-'));
  fs.writeFileSync(
    path.join(other, 'manifest.yml'),
    [
      'modules:',
      '  jira:workflowValidator: [{key: gate, name: Gate, description: d, expression: "true"}]',
      '  confluence:spacePage: [{key: space, resource: main, title: Space}]',
      '  jira:issuePanel: [{key: kit, resource: main, render: native, title: {i18n: panel.title}, icon: i.svg, viewportSize: large}]',
      '  jira:customField: [{key: score, name: Score, description: d, type: number, readOnly: true, view: {formatter: {expression: "1"}}}]',
      'resources: [{key: main, path: static}]',
      'app: {id: "ari:cloud:ecosystem::app/x", runtime: {name: nodejs22.x}}',
      'permissions: {scopes: [], content: {scripts: [unsafe-eval]}, futureKey: true}',
    ].join('\n'),
  );
  const read = readManifest(other);
  expect(listUiModules(read, other)).toEqual([
    { moduleType: 'jira:issuePanel', moduleKey: 'kit', title: 'panel.title', placement: 'issue', entryPoints: {}, resolverFunctionKey: null },
    { moduleType: 'jira:customField', moduleKey: 'score', title: 'Score', placement: 'issue', entryPoints: {}, resolverFunctionKey: null, fieldType: 'number', readOnly: true },
  ]);
  expect(read.permissions.content).toEqual({ scripts: ['unsafe-eval'] });
});

test('each module type is served at its product-shaped route with the context Forge gives it, and the resolver gets the same context', async () => {
  for (const module of modules) {
    const { frame } = await frameOf(module);
    const context = await post('/__host/context', { context: frame.contextId });
    expect({ module: module.moduleKey, context: context.body }).toEqual({
      module: module.moduleKey,
      context: {
        accountId: admin.accountId,
        cloudId: LOCAL_CLOUD_ID,
        siteUrl: site.url,
        environmentId: site.runtime.environmentId,
        environmentType: 'DEVELOPMENT',
        locale: 'de-DE',
        timezone: admin.timeZone,
        moduleKey: module.moduleKey,
        localId: module.moduleType === 'macro' ? expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/) : `ari:cloud:ecosystem::extension/${site.runtime.appId}/${site.runtime.environmentId}/static/${module.moduleKey}`,
        theme: { colorMode: 'light', dark: 'dark', light: 'light', shape: 'shape', spacing: 'spacing', typography: 'typography' },
        extension: EXPECTED_EXTENSION[module.moduleKey],
      },
    });
    if (!module.resolverFunctionKey) continue;
    const echoed = await post('/__host/invoke', { context: frame.contextId, functionKey: 'echo', payload: { from: module.moduleKey } });
    expect(echoed.status).toBe(200);
    expect(echoed.body.payload).toEqual({ from: module.moduleKey });
    const seen = echoed.body.context as Record<string, unknown>;
    for (const key of ['accountId', 'cloudId', 'siteUrl', 'environmentId', 'moduleKey', 'localId', 'locale', 'timezone', 'theme', 'extension']) {
      expect({ module: module.moduleKey, key, value: seen[key] }).toEqual({ module: module.moduleKey, key, value: context.body[key] });
    }
  }
});

test('the resolver sees the page the host rendered, whatever extension or module the request claims', async () => {
  const global = moduleOf('surfaces-global');
  const { frame } = await frameOf(global, contractor.accountId);
  const hidden = dataset.projects.find((candidate) => !browsableProjectKeys(dataset, contractor.accountId).includes(candidate.key))!;
  const answer = await post(
    '/__host/invoke',
    { context: frame.contextId, functionKey: 'echo', payload: {}, surface: 'surfaces-project', extension: { type: 'jira:projectPage', project: { id: String(hidden.id), key: hidden.key, type: 'software' } } },
    contractor.accountId,
  );
  expect(answer.status).toBe(200);
  expect(answer.body.context).toMatchObject({ accountId: contractor.accountId, moduleKey: 'surfaces-global', extension: { type: 'jira:globalPage' }, timezone: contractor.timeZone, locale: 'en-US' });
  expect((answer.body.context as { extension: object }).extension).toEqual({ type: 'jira:globalPage' });
});

test('the theme chosen in the header reaches the page, getContext and the resolver', async () => {
  const { frame } = await frameOf(moduleOf('surfaces-global'));
  expect((await post('/__host/theme', { colorMode: 'sepia' })).status).toBe(400);
  const chosen = await fetch(`${site.url}/__host/theme`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...actingAs(admin.accountId) }, body: JSON.stringify({ colorMode: 'dark' }) });
  const themeCookie = (chosen.headers.get('set-cookie') ?? '').split(';')[0];
  expect(themeCookie).toBe('pmo_color_mode=dark');
  const dark = { Cookie: `${actingAs(admin.accountId).Cookie}; ${themeCookie}` };
  const page = await get('/', admin.accountId, dark);
  expect(page.text).toMatch(/<html lang="en" data-color-mode="dark" data-theme="[^"]*dark:dark[^"]*light:light/);
  const context = await post('/__host/context', { context: frame.contextId }, admin.accountId, dark);
  expect(context.body.theme).toMatchObject({ colorMode: 'dark' });
  const echoed = await post('/__host/invoke', { context: frame.contextId, functionKey: 'echo', payload: {} }, admin.accountId, dark);
  expect((echoed.body.context as { theme: unknown }).theme).toMatchObject({ colorMode: 'dark' });
  // Without the cookie, light: the default.
  expect((await post('/__host/context', { context: frame.contextId })).body.theme).toMatchObject({ colorMode: 'light' });
});

test('a project or issue the user may not browse is not found, exactly as one that does not exist; the admin page is for Jira administrators', async () => {
  const hidden = dataset.projects.find((candidate) => !browsableProjectKeys(dataset, contractor.accountId).includes(candidate.key))!;
  const hiddenIssue = dataset.issues.find((candidate) => candidate.projectKey === hidden.key)!;
  const cases: [string, string, string][] = [
    ['project', `/projects/${hidden.key}/apps/surfaces-project`, hidden.key],
    ['project', '/projects/NOSUCH/apps/surfaces-project', 'NOSUCH'],
    ['issue', `/browse/${hiddenIssue.key}`, hiddenIssue.key],
    ['issue', '/browse/NOSUCH-1', 'NOSUCH-1'],
  ];
  const bodies: Record<string, string[]> = { project: [], issue: [] };
  for (const [what, pathname, key] of cases) {
    const page = await get(pathname, contractor.accountId);
    expect({ pathname, status: page.status }).toEqual({ pathname, status: 404 });
    expect(page.text).toContain('data-testid="not-found"');
    expect(page.text).not.toContain('<iframe');
    expect(page.text).not.toContain(hidden.name);
    bodies[what].push(page.text.replaceAll(key, 'KEY'));
  }
  expect(bodies.project[0]).toBe(bodies.project[1]);
  expect(bodies.issue[0]).toBe(bodies.issue[1]);
  // The pages he may browse, and the header's way to them.
  const own = browsableProjectKeys(dataset, contractor.accountId);
  expect((await get(`/projects/${own[0]}/apps/surfaces-project`, contractor.accountId)).status).toBe(200);
  const toIssue = await get('/browse', contractor.accountId);
  expect(toIssue.status).toBe(302);
  expect(own).toContain(/^\/browse\/([A-Z]+)-\d+$/.exec(toIssue.headers.get('location') ?? '')?.[1]);
  const toProject = await get('/projects/apps/surfaces-project', contractor.accountId);
  expect(toProject.headers.get('location')).toBe(`/projects/${own[0]}/apps/surfaces-project`);
  // Jira's settings are for Jira administrators.
  const refused = await get('/settings/apps/surfaces-admin', contractor.accountId);
  expect(refused.status).toBe(403);
  expect(refused.text).not.toContain('<iframe');
  expect((await get('/settings/apps/surfaces-admin')).status).toBe(200);
});

test('the header lists a page of every module type, and the issue view shows the issue as Jira answers it', async () => {
  const page = await get(`/browse/${issue.key}`);
  const nav = /<nav>(.*?)<\/nav>/.exec(page.text)?.[1] ?? '';
  expect([...nav.matchAll(/href="([^"]+)"/g)].map((match) => match[1].replace(/&#38;/g, '&'))).toEqual([
    '/',
    '/apps/csp-probe',
    `/projects/${project.key}/apps/surfaces-project`,
    '/settings/apps/surfaces-admin',
    `/browse/${issue.key}`,
    CONFLUENCE_PAGE.path,
  ]);
  const jiraIssue = (await (await fetch(`${site.jiraUrl}/rest/api/3/issue/${issue.key}?fields=summary,status`, { headers: { Authorization: `Basic ${Buffer.from(`${admin.emailAddress}:x`).toString('base64')}` } })).json()) as {
    fields: { summary: string; status: { name: string } };
  };
  expect(page.text).toContain(`<h1 data-testid="issue-summary">${jiraIssue.fields.summary.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)}</h1>`);
  expect(page.text).toContain(`<dd data-testid="issue-status">${jiraIssue.fields.status.name}</dd>`);
  expect(framesOf(page.text).map((frame) => [frame.moduleKey, frame.entryPoint])).toEqual([
    ['surfaces-panel', 'view'],
    ['planned-budget', 'view'],
  ]);
});

test("every Custom UI resource is served under Forge's CSP, in an iframe with Forge's sandbox", async () => {
  const expectedCsp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; media-src 'self'; connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'";
  expect(contentSecurityPolicy(readManifest(appRoot).permissions)).toBe(expectedCsp);
  for (const module of modules) {
    const { frame } = await frameOf(module);
    expect({ module: module.moduleKey, sandbox: frame.sandbox, allow: frame.allow }).toEqual({ module: module.moduleKey, sandbox: IFRAME_SANDBOX.join(' '), allow: IFRAME_ALLOW.join('; ') });
    expect(frame.sandbox).not.toMatch(/allow-popups|allow-top-navigation/);
    const index = await get(frame.src);
    expect({ module: module.moduleKey, status: index.status, csp: index.headers.get('content-security-policy') }).toEqual({ module: module.moduleKey, status: 200, csp: expectedCsp });
    expect(index.text).toMatch(/^<!doctype html>\s*<html lang="en" data-forge-context="[0-9a-f]{32}">\s*<head><script src="\/__host\/bridge.js"><\/script>/);
  }
  for (const asset of ['/__ui/echo/echo.js', '/__ui/echo/echo.css', '/__ui/csp-probe/probe.js']) {
    const answer = await get(asset);
    expect({ asset, status: answer.status, csp: answer.headers.get('content-security-policy') }).toEqual({ asset, status: 200, csp: expectedCsp });
  }
});

test('an edit UI saves the field in Jira as the user and a config UI saves the macro, both with view.submit; a view has nothing to submit', async () => {
  const issuePage = await get(`/browse/${issue.key}`);
  const edit = switchesOf(issuePage.text).find((button) => button.frame === 'app-frame-planned-budget')!;
  expect(edit.entryPoint).toBe('edit');
  expect(await post('/__host/context', { context: edit.contextId })).toMatchObject({ body: { moduleKey: 'planned-budget', extension: EXPECTED_EXTENSION['planned-budget'] } });
  expect(await post('/__host/submit', { context: edit.contextId, payload: 4242 })).toEqual({ status: 200, body: { saved: true } });
  const stored = (await (await fetch(`${site.jiraUrl}/rest/api/3/issue/${issue.key}?fields=${budgetField.id}`)).json()) as { fields: Record<string, unknown> };
  expect(stored.fields[budgetField.id]).toBe(4242);
  const reread = framesOf((await get(`/browse/${issue.key}`)).text).find((frame) => frame.moduleKey === 'planned-budget')!;
  expect((await post('/__host/context', { context: reread.contextId })).body.extension).toMatchObject({ fieldValue: 4242 });

  const confluence = await get(CONFLUENCE_PAGE.path);
  const configure = switchesOf(confluence.text).find((button) => button.frame === 'app-frame-surfaces-macro')!;
  expect(configure.entryPoint).toBe('config');
  expect((await post('/__host/context', { context: configure.contextId })).body.extension).toMatchObject({ type: 'macro', isEditing: true });
  expect((await post('/__host/submit', { context: configure.contextId, payload: { portfolio: 'no config key' } })).status).toBe(400);
  expect(await post('/__host/submit', { context: configure.contextId, payload: { config: { portfolio: 'Core banking' } } })).toEqual({ status: 200, body: { saved: true } });
  const macro = framesOf((await get(CONFLUENCE_PAGE.path)).text).find((frame) => frame.moduleKey === 'surfaces-macro')!;
  expect((await post('/__host/context', { context: macro.contextId })).body.extension).toMatchObject({ config: { portfolio: 'Core banking' } });
  expect((await post('/__host/submit', { context: macro.contextId, payload: { config: {} } })).status).toBe(400);
});
