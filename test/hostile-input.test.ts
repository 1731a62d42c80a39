/**
 * The local site as an attacker meets it, over real HTTP: every UI module the manifest declares and
 * every function key its resolver serves get the same probes (wrong payload types, payloads too deep
 * or too large, unknown function keys, users who do not exist, another person's ids), so a new
 * resolver is probed as soon as it exists: the suite fails until PROBES says how to call it.
 * Calls go through the page context the host rendered for that module and user, as the bridge's do;
 * a context the page makes up, or an extension it sends, gets it nothing.
 * Also the host's own answers: the Host check, errors as short JSON, and Refresh now under a burst.
 */
import { kvs, WhereConditions } from '@forge/kvs';
import { ACTING_USER_COOKIE } from '../local/site/host';
import { listUiModules, readManifest, type UiModule } from '../local/site/manifest';
import type { LocalSite } from '../local/site/site';
import type { Answer, IssuePanelView, PortfolioPage, ProjectBaselinesView, ReportChoices, SettingsExport, SettingsView, StatusReportConfig, StatusReportView, SyncProgress } from '../src/shared/contract';
import { CONFLUENCE_PAGE } from '../local/site/host';
import { browsableProjectKeys, userByName } from './demo-fixture';
import { actingAs, configureMacro, framesOf, pagePathOf } from './host-fixture';
import { getLatestRound } from '../src/store/syncRounds';
import { admin, asApp, contractor, dataset, runRound, startSite } from './sync-fixture';

/** Moved forward to make the pages' contexts expire. */
let hostClockOffsetMs = 0;
const CONTEXT_TTL_MS = 60 * 60 * 1000;

/** The report's portfolio: the category of the contractor's first project, which holds projects he may not browse. */
const contractorsCategory = dataset.projects.find((project) => project.key === browsableProjectKeys(dataset, contractor)[0])!.categoryId;
const reportConfig: StatusReportConfig = {
  scope: 'portfolio',
  projectKeys: [],
  portfolio: dataset.categories.find((category) => category.id === contractorsCategory)!.name,
  sections: ['summary', 'risks', 'activity'],
  mode: 'live',
  activityDays: 7,
  budgetChangeShare: 0.05,
};

let site: LocalSite;
beforeAll(async () => {
  site = await startSite({ hostContexts: { ttlMs: CONTEXT_TTL_MS, now: () => Date.now() + hostClockOffsetMs } });
  // The status report on the Confluence page, configured before any page shows it: a portfolio the contractor may browse part of.
  await configureMacro(site.url, admin, 'pmo-status-report', reportConfig);
});
afterAll(() => site.close());

const modules = listUiModules(readManifest());
const surfaces = modules.filter((module) => module.entryPoints.view);
const moduleByKey = (moduleKey: string): UiModule => modules.find((module) => module.moduleKey === moduleKey)!;
const inactive = userByName(dataset, 'Tom Walsh');
/** A person who may browse none of the contractor's projects. */
const stranger = dataset.users.find(
  (user) => user.active && browsableProjectKeys(dataset, user.accountId).length > 0 && browsableProjectKeys(dataset, user.accountId).every((key) => !browsableProjectKeys(dataset, contractor).includes(key)),
)!;

interface HttpAnswer {
  status: number;
  body: unknown;
  text: string;
  contentType: string;
}

async function post(path: string, body: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const response = await fetch(`${site.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: the assertions below say so.
  }
  return { status: response.status, body: parsed, text, contentType: response.headers.get('content-type') ?? '' };
}

const cookie = actingAs;

/** Where a person meets a module: a project they may browse, and its first issue. */
function placeFor(accountId: string): { projectKey: string; issueKey: string } {
  const projectKey = browsableProjectKeys(dataset, accountId)[0] ?? dataset.projects[0].key;
  const issue = dataset.issues.filter((candidate) => candidate.projectKey === projectKey).sort((a, b) => Number(a.key.split('-')[1]) - Number(b.key.split('-')[1]))[0];
  return { projectKey, issueKey: issue.key };
}

/** The context id the host gave the module's iframe on its page, rendered for `accountId` (one page load each). */
const contextIds = new Map<string, Promise<string>>();
function contextOf(moduleKey: string, accountId: string = admin): Promise<string> {
  const cacheKey = `${moduleKey} ${accountId}`;
  let id = contextIds.get(cacheKey);
  if (!id) {
    id = (async () => {
      const path = pagePathOf(moduleByKey(moduleKey), modules, placeFor(accountId));
      const page = await fetch(`${site.url}${path}`, { headers: cookie(accountId) });
      const frame = framesOf(await page.text()).find((candidate) => candidate.moduleKey === moduleKey && candidate.entryPoint === 'view');
      if (page.status !== 200 || !frame) throw new Error(`${path} answered ${page.status} with no frame of ${moduleKey}`);
      return frame.contextId;
    })();
    contextIds.set(cacheKey, id);
  }
  return id;
}

/** Calls a function of a module over the host's invoke, as the bridge does, as `accountId` (null: with no cookie). */
async function invokeOverHttp(surface: string, functionKey: string, payload: unknown, accountId: string | null = admin): Promise<HttpAnswer> {
  const body: Record<string, unknown> = { context: await contextOf(surface, accountId ?? admin), functionKey };
  if (payload !== undefined) body.payload = payload;
  return post('/__host/invoke', JSON.stringify(body), accountId === null ? {} : cookie(accountId));
}

/** A payload `depth` levels deep, as text: too deep for JSON.stringify to write. */
async function invokeNestedOverHttp(surface: string, functionKey: string, depth: number): Promise<HttpAnswer> {
  const payload = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  return post('/__host/invoke', `{"context":${JSON.stringify(await contextOf(surface))},"functionKey":${JSON.stringify(functionKey)},"payload":${payload}}`, cookie(admin));
}

async function answerOf<T>(surface: string, functionKey: string, payload: unknown, accountId: string = admin): Promise<Answer<T>> {
  const answer = await invokeOverHttp(surface, functionKey, payload, accountId);
  expect(answer.status).toBe(200);
  return answer.body as Answer<T>;
}

/**
 * The settings page's resolver called directly as `accountId`: Jira opens admin pages to its
 * administrators only, so others reach the resolver only by calling it; it must refuse them itself.
 */
const settingsAnswer = <T = unknown>(functionKey: string, payload: unknown, accountId: string = admin): Promise<Answer<T>> =>
  site.invoke('pmo-settings', functionKey, payload, accountId) as Promise<Answer<T>>;

/** Keys the surface serves, as its resolver says when asked for one it does not. */
async function keysOf(surface: string): Promise<string[]> {
  const answer = await answerOf(surface, 'no-such-function', {});
  expect(answer).toMatchObject({ ok: false, error: { code: 'UNKNOWN_FUNCTION' } });
  const known = !answer.ok ? (answer.error.details ?? []).find((line) => line.startsWith('known: ')) : undefined;
  return (known ?? '').slice('known: '.length).split(', ').filter(Boolean);
}

/**
 * How to call each function key: a payload it accepts, and what must stay hidden from another person.
 * `foreign` gets the ids the probe found and must show that they reveal nothing to `contractor`.
 */
const PROBES: Record<string, { valid: () => Promise<object> | object; foreign?: () => Promise<void> }> = {
  'portfolio/page': {
    valid: () => ({}),
    foreign: async () => {
      const hidden = dataset.projects.map((project) => project.key).find((key) => !browsableProjectKeys(dataset, contractor).includes(key))!;
      const asked = await answerOf('pmo-portfolio-page', 'portfolio/page', { filter: { scope: 'project', projectKey: hidden } }, contractor);
      const missing = await answerOf('pmo-portfolio-page', 'portfolio/page', { filter: { scope: 'project', projectKey: 'NOSUCH' } }, contractor);
      // A project the person may not browse answers as a project that does not exist.
      expect(asked).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect(JSON.stringify(asked)).not.toContain(dataset.projects.find((project) => project.key === hidden)!.name);
    },
  },
  'sync/refresh': { valid: () => ({}) },
  'project/health': {
    // The project the host opened the project page in (the portfolio page's drill-down takes any).
    valid: () => ({ projectKey: placeFor(admin).projectKey }),
    foreign: async () => {
      const hidden = dataset.projects.map((project) => project.key).find((key) => !browsableProjectKeys(dataset, contractor).includes(key))!;
      const asked = await answerOf('pmo-portfolio-page', 'project/health', { projectKey: hidden }, contractor);
      const missing = await answerOf('pmo-portfolio-page', 'project/health', { projectKey: 'NOSUCH' }, contractor);
      expect(asked).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect(JSON.stringify(asked)).toBe(JSON.stringify(missing).replace('NOSUCH', hidden));
      // On the project page of one project, another project's key reads nothing, even for the admin.
      const other = dataset.projects.map((project) => project.key).find((key) => key !== placeFor(admin).projectKey)!;
      expect(await answerOf('pmo-project-health', 'project/health', { projectKey: other })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect(await answerOf('pmo-project-health', 'project/health', { projectKey: placeFor(admin).projectKey })).toMatchObject({ ok: true });
    },
  },
  'sync/progress': {
    valid: async () => ({ roundId: (await refreshAs(admin)).roundId }),
    foreign: async () => {
      const theirs = await refreshAs(stranger.accountId);
      const unknown = await answerOf('pmo-portfolio-page', 'sync/progress', { roundId: 'zzzzzzzz-00000000' }, contractor);
      const foreign = await answerOf('pmo-portfolio-page', 'sync/progress', { roundId: theirs.roundId }, contractor);
      // Another person's round over projects the contractor cannot browse: exactly as an unknown id.
      expect(unknown).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect(foreign).toEqual(unknown);
    },
  },
  'report/view': {
    valid: () => ({}),
    foreign: async () => {
      // Another macro's record, through this macro: exactly as an id no macro has.
      const other = await otherMacrosRecord();
      const asked = await answerOf('pmo-status-report', 'report/view', { recordId: other }, contractor);
      const unknown = await answerOf('pmo-status-report', 'report/view', { recordId: '00000000-0000-4000-8000-000000000000' }, contractor);
      expect(unknown).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect(asked).toEqual(unknown);
      // The portfolio's projects he may not browse keep their place with a message, and nothing else of them.
      const view = await answerOf<StatusReportView>('pmo-status-report', 'report/view', {}, contractor);
      if (!view.ok) throw new Error(view.error.message);
      const hidden = dataset.projects.filter((project) => project.categoryId === contractorsCategory && !browsableProjectKeys(dataset, contractor).includes(project.key));
      expect(hidden.length).toBeGreaterThan(0);
      expect(view.data.report!.projects.filter((part) => 'hidden' in part)).toHaveLength(hidden.length);
      const text = JSON.stringify(view.data);
      for (const project of hidden) expect({ project: project.key, leaked: text.includes(project.name) || text.includes(`"${project.key}"`) }).toEqual({ project: project.key, leaked: false });
    },
  },
  'report/freeze': {
    valid: () => ({}),
    foreign: async () => {
      // Someone who may browse none of the report's projects cannot freeze it.
      const outsider = dataset.users.find((user) => user.active && browsableProjectKeys(dataset, user.accountId).length > 0 && dataset.projects.filter((project) => project.categoryId === contractorsCategory).every((project) => !browsableProjectKeys(dataset, user.accountId).includes(project.key)))!;
      expect(await answerOf('pmo-status-report', 'report/freeze', {}, outsider.accountId)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    },
  },
  'panel/item': {
    valid: () => ({}),
    foreign: async () => {
      // The issue is the one the panel is opened on: a payload cannot name another.
      const hidden = dataset.issues.find((issue) => !browsableProjectKeys(dataset, contractor).includes(issue.projectKey))!;
      expect(await answerOf('pmo-budget-panel', 'panel/item', { issueKey: hidden.key }, contractor)).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    },
  },
  'panel/setBudget': {
    // The value it holds, as a Jira administrator: accepted, and nothing changes.
    valid: async () => {
      const view = await answerOf<IssuePanelView>('pmo-budget-panel', 'panel/item', {});
      if (!view.ok) throw new Error(view.error.message);
      return { field: 'plannedBudget', value: view.data.fields.plannedBudget, expected: view.data.fields.plannedBudget };
    },
    foreign: async () => {
      // Someone outside the PMO editors and Jira's administrators changes no budget, whatever they send.
      const answer = await answerOf('pmo-budget-panel', 'panel/setBudget', { field: 'plannedBudget', value: 1, expected: null }, contractor);
      expect(answer).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    },
  },
  'report/choices': {
    valid: () => ({}),
    foreign: async () => {
      const choices = await answerOf<ReportChoices>('pmo-status-report', 'report/choices', {}, contractor);
      if (!choices.ok) throw new Error(choices.error.message);
      expect(choices.data.projects.map((project) => project.key).sort()).toEqual(browsableProjectKeys(dataset, contractor).filter((key) => choices.data.projects.some((project) => project.key === key)).sort());
      for (const project of choices.data.projects) expect(browsableProjectKeys(dataset, contractor)).toContain(project.key);
    },
  },
  'settings/get': {
    valid: () => ({}),
    foreign: async () => {
      // A project the contractor may not browse, with a budget the admin set: absent from what he reads and exports.
      const hidden = dataset.projects.map((project) => project.key).find((key) => !browsableProjectKeys(dataset, contractor).includes(key))!;
      const current = await settingsAsAdmin();
      const saved = await answerOf('pmo-settings', 'settings/save', { expectedVersion: current.version, document: { ...current.document, projects: { ...current.document.projects, [hidden]: { projectBudget: 123_456 } } } });
      expect(saved).toMatchObject({ ok: true });
      const seen = await settingsAnswer<SettingsView>( 'settings/get', {}, contractor);
      const exported = await settingsAnswer<SettingsExport>( 'settings/export', {}, contractor);
      if (!seen.ok || !exported.ok) throw new Error('settings unreadable');
      expect(seen.data.editable).toBe(false);
      expect(Object.keys(seen.data.document.projects)).not.toContain(hidden);
      expect(exported.data.json).not.toContain(hidden);
      expect(seen.data.projects.map((project) => project.key)).not.toContain(hidden);
    },
  },
  'settings/save': {
    valid: async () => {
      const current = await settingsAsAdmin();
      return { expectedVersion: current.version, document: current.document };
    },
    foreign: async () => {
      const current = await settingsAsAdmin();
      const answer = await settingsAnswer( 'settings/save', { expectedVersion: current.version, document: { ...current.document, currency: 'USD' } }, contractor);
      expect(answer).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect((await settingsAsAdmin()).version).toBe(current.version);
    },
  },
  'settings/export': { valid: () => ({}) },
  'settings/import': {
    valid: async () => {
      const current = await settingsAsAdmin();
      return { expectedVersion: current.version, json: JSON.stringify(current.document) };
    },
    foreign: async () => {
      const current = await settingsAsAdmin();
      const answer = await settingsAnswer( 'settings/import', { expectedVersion: current.version, json: JSON.stringify({ ...current.document, currency: 'USD' }) }, contractor);
      expect(answer).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    },
  },
  'audit/query': {
    valid: () => ({}),
    foreign: async () => {
      expect(await settingsAnswer( 'audit/query', { accountId: admin }, contractor)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    },
  },
  'audit/csv': {
    valid: () => ({}),
    foreign: async () => {
      expect(await settingsAnswer( 'audit/csv', {}, contractor)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    },
  },
  'settings/people': {
    valid: () => ({ query: 'a' }),
    foreign: async () => {
      // Only what Jira lets the viewer look up: active people, by the start of a name.
      const found = await settingsAnswer<{ people: { displayName: string }[] }>('settings/people', { query: 'Priya' });
      expect(found).toMatchObject({ ok: true, data: { people: [{ displayName: 'Priya Patel' }] } });
      const inactive = dataset.users.find((user) => !user.active)!;
      expect(await settingsAnswer('settings/people', { query: inactive.displayName })).toMatchObject({ ok: true, data: { people: [] } });
      // The contractor may not browse the site's users in Jira: he finds no one.
      expect(await settingsAnswer('settings/people', { query: 'Priya' }, contractor)).toMatchObject({ ok: true, data: { people: [] } });
    },
  },
  'project/baselines': {
    valid: () => ({ projectKey: placeFor(admin).projectKey }),
    foreign: async () => {
      // On the contractor's project page, a project he may not browse reads as one that does not exist.
      const hidden = dataset.projects.map((project) => project.key).find((key) => !browsableProjectKeys(dataset, contractor).includes(key))!;
      const asked = await answerOf('pmo-project-health', 'project/baselines', { projectKey: hidden }, contractor);
      const missing = await answerOf('pmo-project-health', 'project/baselines', { projectKey: 'NOSUCH' }, contractor);
      expect(asked).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect(JSON.stringify(asked)).toBe(JSON.stringify(missing).replace('NOSUCH', hidden));
    },
  },
  'project/setBaseline': {
    valid: async () => ({ projectKey: placeFor(admin).projectKey, name: `Probe ${++probeBaselines}`, expectedVersion: (await baselinesAsAdmin()).version }),
    foreign: async () => {
      // Someone outside the PMO editors sets no baseline, even on a project he may browse.
      const own = await answerOf<ProjectBaselinesView>('pmo-project-health', 'project/baselines', { projectKey: placeFor(contractor).projectKey }, contractor);
      if (!own.ok) throw new Error(own.error.message);
      expect(own.data.canEdit).toBe(false);
      const answer = await answerOf('pmo-project-health', 'project/setBaseline', { projectKey: placeFor(contractor).projectKey, name: 'Mine', expectedVersion: own.data.version }, contractor);
      expect(answer).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    },
  },
  'project/chooseBaseline': {
    // The baseline already chosen: accepted, and nothing changes.
    valid: async () => {
      const view = await baselinesAsAdmin();
      return { projectKey: view.projectKey, id: view.chosenId, expectedVersion: view.version };
    },
    foreign: async () => {
      const own = await answerOf<ProjectBaselinesView>('pmo-project-health', 'project/baselines', { projectKey: placeFor(contractor).projectKey }, contractor);
      if (!own.ok) throw new Error(own.error.message);
      const answer = await answerOf('pmo-project-health', 'project/chooseBaseline', { projectKey: placeFor(contractor).projectKey, id: null, expectedVersion: own.data.version }, contractor);
      expect(answer).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    },
  },
  'project/deleteBaseline': {
    // A baseline set for the probe, so the accepted call deletes it.
    valid: async () => {
      const before = await baselinesAsAdmin();
      const set = await answerOf<ProjectBaselinesView>('pmo-project-health', 'project/setBaseline', { projectKey: before.projectKey, name: `To delete ${++probeBaselines}`, expectedVersion: before.version });
      if (!set.ok) throw new Error(set.error.message);
      const made = set.data.baselines.find((baseline) => baseline.name === `To delete ${probeBaselines}`)!;
      return { projectKey: before.projectKey, id: made.id, expectedVersion: set.data.version };
    },
    foreign: async () => {
      const own = await answerOf<ProjectBaselinesView>('pmo-project-health', 'project/baselines', { projectKey: placeFor(contractor).projectKey }, contractor);
      if (!own.ok) throw new Error(own.error.message);
      const answer = await answerOf('pmo-project-health', 'project/deleteBaseline', { projectKey: placeFor(contractor).projectKey, id: 'bl-anything', expectedVersion: own.data.version }, contractor);
      expect(answer).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    },
  },
  'budgets/preview': {
    valid: () => ({ csv: budgetCsvOf(contractorsIssue(), '', '') }),
    foreign: async () => {
      expect(await settingsAnswer('budgets/preview', { csv: budgetCsvOf(contractorsIssue(), '5', '') }, contractor)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    },
  },
  'budgets/import': {
    // A row that leaves both fields as they are: imported, nothing changed.
    valid: () => ({ csv: budgetCsvOf(contractorsIssue(), '', '') }),
    foreign: async () => {
      expect(await settingsAnswer('budgets/import', { csv: budgetCsvOf(contractorsIssue(), '5', '') }, contractor)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    },
  },
};

/** Names of the baselines the probes set, kept apart (a project refuses two baselines of one name). */
let probeBaselines = 0;

async function baselinesAsAdmin(): Promise<ProjectBaselinesView> {
  const answer = await answerOf<ProjectBaselinesView>('pmo-project-health', 'project/baselines', { projectKey: placeFor(admin).projectKey });
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.data;
}

const budgetCsvOf = (issueKey: string, planned: string, actual: string): string => `issue key,planned budget,actual cost\n${issueKey},${planned},${actual}\n`;
/** An item of a project the contractor may browse. */
const contractorsIssue = (): string => dataset.issues.find((issue) => issue.key.startsWith(`${browsableProjectKeys(dataset, contractor)[0]}-`))!.key;

async function settingsAsAdmin(): Promise<SettingsView> {
  const answer = await answerOf<SettingsView>('pmo-settings', 'settings/get', {});
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.data;
}

/** A record of a second status report macro on the page, frozen by the admin through that macro's own frame. */
async function otherMacrosRecord(): Promise<string> {
  const inserted = await post('/__host/confluence/macros', JSON.stringify({ moduleKey: 'pmo-status-report' }), cookie(admin));
  const { localId } = inserted.body as { localId: string };
  await configureMacro(site.url, admin, 'pmo-status-report', { ...reportConfig, mode: 'frozen' }, localId);
  const page = await (await fetch(`${site.url}${CONFLUENCE_PAGE.path}`, { headers: cookie(admin) })).text();
  const frame = framesOf(page).find((candidate) => candidate.id === `app-frame-pmo-status-report-${localId.slice(0, 8)}` && candidate.entryPoint === 'view')!;
  const frozen = await post('/__host/invoke', JSON.stringify({ context: frame.contextId, functionKey: 'report/freeze', payload: {} }), cookie(admin));
  const answer = frozen.body as Answer<StatusReportView>;
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.data.report!.record!.id;
}

async function refreshAs(accountId: string): Promise<SyncProgress> {
  const answer = await answerOf<SyncProgress>('pmo-portfolio-page', 'sync/refresh', {}, accountId);
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.data;
}

describe('Refresh now under a burst', () => {
  test('50 simultaneous Refresh now calls by one person, and one by another with the same projects, start one round', async () => {
    // Every project synced: a round over them finishes in moments, so clicks in a burst would each start one.
    await runRound(site);
    const before = await roundCount();
    const pmo = userByName(dataset, 'Priya Patel').accountId;
    // Both pages open first, so the 51 calls reach the host at once.
    await Promise.all([contextOf('pmo-portfolio-page', admin), contextOf('pmo-portfolio-page', pmo)]);
    // Jira answering in 500 ms keeps the round (two Jira reads in a row when nothing changed) running for
    // over a second, longer than a loaded machine takes to start the 51 calls: each call begins before
    // the round it should join has finished.
    site.jira.control.setKnobs({ latencyMs: 500 });
    let answers: SyncProgress[];
    try {
      answers = await Promise.all([...Array.from({ length: 50 }, () => refreshAs(admin)), refreshAs(pmo)]);
    } finally {
      site.jira.control.setKnobs({ latencyMs: 0 });
    }
    const rounds = new Set(answers.map((answer) => answer.roundId));
    console.log(`51 simultaneous Refresh now calls: ${rounds.size} round(s) started`);
    expect(rounds.size).toBe(1);
    expect(await roundCount()).toBe(before + 1);
    for (const answer of answers) expect(answer).toMatchObject({ roundId: [...rounds][0], total: dataset.projects.length });
    await site.runtime.drainQueues({ fastForward: true, timeoutMs: 120_000 });
    // A click after it finished starts a new round.
    const later = await refreshAs(admin);
    expect(rounds.has(later.roundId)).toBe(false);
    expect(await roundCount()).toBe(before + 2);
    await site.runtime.drainQueues({ fastForward: true, timeoutMs: 120_000 });
  }, 120_000);
});

describe('every surface and function key', () => {
  test('the manifest declares surfaces with resolvers, and PROBES knows every key they serve', async () => {
    expect(surfaces.filter((surface) => surface.resolverFunctionKey !== null).length).toBeGreaterThan(0);
    for (const surface of surfaces) {
      if (!surface.resolverFunctionKey) continue;
      const keys = await keysOf(surface.moduleKey);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) expect({ key, probed: key in PROBES }).toEqual({ key, probed: true });
    }
  });

  test('unknown function keys, prototype names included, get the typed error and nothing else', async () => {
    for (const surface of surfaces.filter((candidate) => candidate.resolverFunctionKey)) {
      const names = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', '__defineGetter__', 'isPrototypeOf', 'portfolio/page/', 'PORTFOLIO/PAGE', 'x'.repeat(200)];
      for (const functionKey of names) {
        const answer = await invokeOverHttp(surface.moduleKey, functionKey, { probe: 'secret-payload' });
        expect({ functionKey, status: answer.status }).toEqual({ functionKey, status: 200 });
        expect(answer.body).toMatchObject({ ok: false, error: { code: 'UNKNOWN_FUNCTION' } });
        // Neither the payload nor the invocation context comes back.
        expect(answer.text).not.toContain('secret-payload');
        expect(answer.text).not.toContain('installContext');
      }
      // Keys the bridge could never send are refused by the host itself.
      for (const functionKey of ['', 'x'.repeat(201)]) {
        const answer = await invokeOverHttp(surface.moduleKey, functionKey, {});
        expect(answer.status).toBe(400);
        expect(answer.body).toMatchObject({ message: expect.any(String) });
      }
    }
  });

  test('payloads of the wrong type, too deep or too large are refused with a typed error; none runs the function', async () => {
    const nested = (depth: number): unknown => {
      let value: unknown = 1;
      for (let level = 0; level < depth; level++) value = { a: value };
      return value;
    };
    for (const surface of surfaces.filter((candidate) => candidate.resolverFunctionKey)) {
      for (const key of await keysOf(surface.moduleKey)) {
        const valid = await PROBES[key].valid();
        const roundsBefore = await roundCount();
        const wrong: [string, unknown][] = [
          ['null', null],
          ['zero', 0],
          ['empty text', ''],
          ['text', 'portfolio'],
          ['true', true],
          ['a list', [valid]],
          ['an unknown field', { ...valid, unexpected: 1 }],
          ['50 levels deep', { ...valid, deep: nested(50) }],
          ['too much text', { ...valid, text: 'x'.repeat(300_000) }],
          ['too many values', { ...valid, values: Array.from({ length: 20_000 }, (_, index) => index) }],
        ];
        for (const [what, payload] of wrong) {
          const answer = await answerOf(surface.moduleKey, key, payload);
          expect({ key, what, answer }).toMatchObject({ key, what, answer: { ok: false, error: { code: 'INVALID_PAYLOAD', message: expect.any(String) } } });
        }
        // sync/refresh with 0 (once taken as {}) or any other refused payload starts no round.
        expect({ key, rounds: await roundCount() }).toEqual({ key, rounds: roundsBefore });
        // Too deep for any bridge to carry: the host refuses it before the app, in JSON, not with a 500.
        const deep = await invokeNestedOverHttp(surface.moduleKey, key, 5000);
        expect({ key, status: deep.status, body: deep.body }).toEqual({ key, status: 400, body: { message: expect.stringContaining('nested more than') } });
        // Larger than the host takes.
        const huge = await invokeOverHttp(surface.moduleKey, key, { text: 'x'.repeat(2_000_000) });
        expect({ key, status: huge.status, body: huge.body }).toEqual({ key, status: 413, body: { message: 'The request body is too large.' } });
        // The same function with what it accepts does answer.
        expect({ key, ok: (await answerOf(surface.moduleKey, key, valid)).ok }).toEqual({ key, ok: true });
      }
    }
  }, 120_000);

  test('a user who does not exist, is inactive or is named by email is refused, never run as the site admin', async () => {
    const impostors: [string, Record<string, string>][] = [
      ['no cookie', {}],
      ['an empty cookie', { Cookie: `${ACTING_USER_COOKIE}=` }],
      ['an unknown account id', cookie('557058:00000000-0000-0000-0000-000000000000')],
      ['an inactive person', cookie(inactive.accountId)],
      ['an email address', cookie(dataset.users.find((user) => user.accountId === admin)!.emailAddress)],
    ];
    for (const surface of surfaces.filter((candidate) => candidate.resolverFunctionKey)) {
      for (const key of await keysOf(surface.moduleKey)) {
        for (const [who, headers] of impostors) {
          const answer = await post('/__host/invoke', JSON.stringify({ context: await contextOf(surface.moduleKey), functionKey: key, payload: await PROBES[key].valid() }), headers);
          expect({ key, who, status: answer.status }).toEqual({ key, who, status: 401 });
          expect(answer.body).toMatchObject({ message: expect.any(String) });
          expect(answer.text).not.toContain('"ok":true');
        }
      }
      for (const [who, headers] of impostors) {
        const context = await post('/__host/context', JSON.stringify({ context: await contextOf(surface.moduleKey) }), headers);
        expect({ who, status: context.status }).toEqual({ who, status: 401 });
      }
    }
    // The page itself: a bad cookie shows who to choose, not the admin's view.
    for (const [who, headers] of impostors.slice(1)) {
      const page = await fetch(`${site.url}/`, { headers });
      expect({ who, status: page.status }).toEqual({ who, status: 401 });
      const html = await page.text();
      expect(html).toContain('data-testid="no-acting-user"');
      expect(html).not.toContain('<iframe');
    }
    // A first visit chooses the default user openly: the cookie is set and the header shows who.
    const first = await fetch(`${site.url}/`);
    expect(first.status).toBe(200);
    expect(first.headers.get('set-cookie')).toContain(`${ACTING_USER_COOKIE}=${encodeURIComponent(admin)}`);
    // In process too: the site runs functions only for active users.
    await expect(site.invoke('pmo-portfolio-page', 'portfolio/page', {}, inactive.accountId)).rejects.toThrow(/No active user/);
    await expect(site.invoke('pmo-portfolio-page', 'portfolio/page', {}, '')).rejects.toThrow(/No active user/);
  });

  test("another person's ids reveal nothing", async () => {
    for (const [key, probe] of Object.entries(PROBES)) {
      if (!probe.foreign) continue;
      try {
        await probe.foreign();
      } catch (error) {
        throw new Error(`${key}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }, 60_000);
});

describe("the page's context is the host's, never the page's", () => {
  const hidden = dataset.projects.map((project) => project.key).find((key) => !browsableProjectKeys(dataset, contractor).includes(key))!;
  const hiddenIssue = dataset.issues.find((issue) => issue.projectKey === hidden)!;
  /** What a page could claim about where it runs: a project and issue its user may not browse. */
  const forgery = {
    surface: 'another-module',
    moduleKey: 'another-module',
    extension: { type: 'jira:issuePanel', project: { id: '1', key: hidden, type: 'software' }, issue: { id: '2', key: hiddenIssue.key, type: 'Story', typeId: '3' } },
  };

  test('an extension, module or surface sent by the page changes nothing in getContext or in what the resolver answers', async () => {
    for (const surface of surfaces) {
      // Jira shows admin pages to administrators only; everywhere else the contractor, who may not browse `hidden`.
      const viewer = surface.placement === 'admin' ? admin : contractor;
      const context = await contextOf(surface.moduleKey, viewer);
      const honest = await post('/__host/context', JSON.stringify({ context }), cookie(viewer));
      const forged = await post('/__host/context', JSON.stringify({ ...forgery, context }), cookie(viewer));
      expect({ module: surface.moduleKey, status: honest.status }).toEqual({ module: surface.moduleKey, status: 200 });
      expect(forged.body).toEqual(honest.body);
      expect(honest.body).toMatchObject({ moduleKey: surface.moduleKey, accountId: viewer, extension: { type: surface.moduleType } });
      expect(forged.text).not.toContain(hiddenIssue.key);
      if (!surface.resolverFunctionKey) continue;
      for (const key of await keysOf(surface.moduleKey)) {
        if (key === 'sync/refresh' || key === 'report/freeze') continue; // each call starts a round or keeps a record: not comparable
        if (key === 'project/setBaseline' || key === 'project/deleteBaseline') continue; // each call keeps or removes a baseline: not comparable
        const payload = await PROBES[key].valid();
        // A probe's payload may start a round (sync/progress needs one): let it finish first.
        await site.runtime.drainQueues({ fastForward: true, timeoutMs: 120_000 });
        const plain = await post('/__host/invoke', JSON.stringify({ context, functionKey: key, payload }), cookie(viewer));
        const claimed = await post('/__host/invoke', JSON.stringify({ ...forgery, context, functionKey: key, payload }), cookie(viewer));
        // A live report says when it was put together: the only part of two answers that may differ.
        const steady = (answer: HttpAnswer) => JSON.parse(answer.text.replace(/"generatedAt":"[^"]*"/g, '"generatedAt":"(when)"'));
        expect({ key, status: claimed.status, body: steady(claimed) }).toEqual({ key, status: plain.status, body: steady(plain) });
        if (viewer === contractor) expect(claimed.text).not.toContain(dataset.projects.find((project) => project.key === hidden)!.name);
      }
    }
  }, 60_000);

  test('a context id the host never gave, gave to another person, or gave too long ago is refused with a 4xx and a message, and nothing runs', async () => {
    const [surface] = surfaces.filter((candidate) => candidate.resolverFunctionKey);
    const roundsBefore = await roundCount();
    const refresh = (context: unknown, accountId: string) => post('/__host/invoke', JSON.stringify({ context, functionKey: 'sync/refresh', payload: {} }), cookie(accountId));
    const getContext = (context: unknown, accountId: string) => post('/__host/context', JSON.stringify({ context }), cookie(accountId));
    const refused: [string, HttpAnswer, number][] = [];
    for (const [what, id] of [
      ['an id the host never gave', '0123456789abcdef0123456789abcdef'],
      ['a malformed id', '../../etc/passwd'],
      ['an empty id', ''],
      ['a number', 12],
    ] as const) {
      refused.push([`invoke with ${what}`, await refresh(id, admin), 400], [`getContext with ${what}`, await getContext(id, admin), 400]);
    }
    // The bridge's old call shape, naming the module and no context.
    refused.push(['invoke naming only a surface', await post('/__host/invoke', JSON.stringify({ surface: surface.moduleKey, functionKey: 'sync/refresh', payload: {} }), cookie(admin)), 400]);
    // The admin's page, used with the contractor's cookie: the context is the admin's, not his.
    const adminsContext = await contextOf(surface.moduleKey, admin);
    refused.push(['invoke with another person’s context', await refresh(adminsContext, contractor), 403], ['getContext with another person’s context', await getContext(adminsContext, contractor), 403]);
    // A page left open longer than contexts live.
    const page = await fetch(`${site.url}${pagePathOf(surface, modules, placeFor(admin))}`, { headers: cookie(admin) });
    const stale = framesOf(await page.text()).find((frame) => frame.moduleKey === surface.moduleKey)!;
    hostClockOffsetMs = CONTEXT_TTL_MS + 1000;
    try {
      refused.push(['invoke with an expired context', await refresh(stale.contextId, admin), 410]);
    } finally {
      hostClockOffsetMs = 0;
    }
    refused.push(['the UI of an unknown context', await fetchAnswer(`/__ui/${surface.entryPoints.view!.key}/?context=0123456789abcdef0123456789abcdef`), 400]);
    for (const [what, answer, status] of refused) {
      expect({ what, status: answer.status }).toEqual({ what, status });
      expect({ what, body: answer.body }).toEqual({ what, body: { message: expect.stringMatching(/context|reload/i) } });
    }
    expect(await roundCount()).toBe(roundsBefore);
    // The person's own fresh page works.
    expect((await getContext(await contextOf(surface.moduleKey, contractor), contractor)).status).toBe(200);
  });
});

describe('sync progress shows a person only their own projects', () => {
  test("the page and sync/progress count only the projects the viewer may browse", async () => {
    // The hourly round covers every project; the contractor is told only of their own.
    await runRound(site);
    const round = (await asApp(site, getLatestRound))!;
    const own = browsableProjectKeys(dataset, contractor);
    const progress = await answerOf<SyncProgress>('pmo-portfolio-page', 'sync/progress', { roundId: round.roundId }, contractor);
    expect(progress).toMatchObject({ ok: true, data: { roundId: round.roundId, total: own.length, done: own.length, failed: 0, finished: true } });
    const page = await answerOf<PortfolioPage>('pmo-portfolio-page', 'portfolio/page', {}, contractor);
    expect(page.ok && page.data.sync).toMatchObject({ roundId: round.roundId, total: own.length, done: own.length });
    expect(page.ok && page.data.rows.map((row) => row.project.key).sort()).toEqual(own);

    // The stranger's refresh is now the latest round: the contractor's page does not show it at all.
    const theirs = await refreshAs(stranger.accountId);
    const after = await answerOf<PortfolioPage>('pmo-portfolio-page', 'portfolio/page', {}, contractor);
    expect(after.ok && after.data.sync).toBeNull();
    const strangers = await answerOf<SyncProgress>('pmo-portfolio-page', 'sync/progress', { roundId: theirs.roundId }, stranger.accountId);
    expect(strangers).toMatchObject({ ok: true, data: { total: browsableProjectKeys(dataset, stranger.accountId).length } });
    await site.runtime.drainQueues({ fastForward: true, timeoutMs: 120_000 });
  }, 120_000);
});

async function roundCount(): Promise<number> {
  return asApp(site, async () => {
    let count = 0;
    let cursor: string | undefined;
    do {
      let query = kvs.query().where('key', WhereConditions.beginsWith('sync:round:')).limit(100);
      if (cursor) query = query.cursor(cursor);
      const page = await query.getMany();
      count += page.results.filter((result) => /^sync:round:[^:]+$/.test(result.key)).length;
      cursor = page.nextCursor;
    } while (cursor);
    return count;
  });
}

describe("the host's own answers", () => {
  test('only requests addressed to 127.0.0.1 or localhost are answered', async () => {
    const { port } = new URL(site.url);
    const http = await import('node:http');
    const ask = (path: string, host: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = http.request({ host: '127.0.0.1', port, path, headers: { Host: host } }, (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        });
        request.on('error', reject);
        request.end();
      });
    for (const path of ['/', '/jira/rest/api/3/myself', '/jira/__admin/knobs', '/__host/bridge.js']) {
      for (const host of ['evil.example', `evil.example:${port}`, '127.0.0.1', `127.0.0.2:${port}`, `localhost.evil.example:${port}`]) {
        const answer = await ask(path, host);
        expect({ path, host, status: answer.status }).toEqual({ path, host, status: 421 });
        expect(answer.body).not.toContain('Riley');
      }
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) expect({ path, host, status: (await ask(path, host)).status }).toEqual({ path, host, status: 200 });
    }
  });

  test('every error is a short JSON answer in the product shape, with no stack trace or path', async () => {
    const resourcePath = `/__ui/${surfaces[0].entryPoints.view!.key}/`;
    const answers: [string, HttpAnswer][] = [
      ['malformed JSON to invoke', await post('/__host/invoke', '{"surface": ', cookie(admin))],
      ['a bad charset', await post('/__host/invoke', '{}', { ...cookie(admin), 'Content-Type': 'application/json; charset=klingon' })],
      ['an oversized body', await post('/__host/invoke', JSON.stringify({ text: 'x'.repeat(2_000_000) }), cookie(admin))],
      ['malformed JSON to Jira', await post('/jira/rest/api/3/search/jql', '{"jql": ')],
      ['a missing static file', await fetchAnswer(`${resourcePath}assets/no-such-file.js`)],
      ['a path out of the resource', await fetchAnswer(`${resourcePath}%2e%2e/%2e%2e/package.json`)],
      ['a malformed escape', await fetchAnswer(`${resourcePath}%E0%A4%A`)],
      ['a resource index outside its page', await fetchAnswer(resourcePath)],
      ['an unknown page', await fetchAnswer('/no/such/page')],
      ['an unknown Jira path', await fetchAnswer('/jira/rest/api/3/no-such-resource')],
    ];
    for (const [what, answer] of answers) {
      expect({ what, json: answer.contentType.startsWith('application/json') }).toEqual({ what, json: true });
      expect({ what, client: answer.status >= 400 && answer.status < 500 }).toEqual({ what, client: true });
      for (const leak of ['node_modules', '/work', '    at ', '<html', '.ts:', 'stack']) expect({ what, leak, found: answer.text.includes(leak) }).toEqual({ what, leak, found: false });
      if (what.includes('Jira')) expect(answer.body).toMatchObject({ errorMessages: [expect.any(String)], errors: {} });
      else expect(answer.body).toEqual({ message: expect.any(String) });
      expect(answer.text.length).toBeLessThan(400);
    }
  });
});

async function fetchAnswer(path: string): Promise<HttpAnswer> {
  const response = await fetch(`${site.url}${path}`, { headers: cookie(admin) });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, body, text, contentType: response.headers.get('content-type') ?? '' };
}
