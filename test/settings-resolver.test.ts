/**
 * The settings resolver as each demo person calls it, whatever a page would send: only Jira
 * administrators and the PMO editor group change settings or read the audit log; bad values and stale
 * saves are refused and change nothing; a site-wide change recomputes every project from stored data,
 * without a Jira request.
 */
import type { LocalSite } from '../local/site/site';
import type { Answer, AuditPageView, SettingsDocumentJson, SettingsExport, SettingsSaved, SettingsView } from '../src/shared/contract';
import { getSettings } from '../src/settings/store';
import { listSnapshots } from '../src/store/snapshots';
import { userByName } from './demo-fixture';
import { admin, asApp, dataset, runRound, startSite } from './sync-fixture';

const MODULE = 'pmo-settings';
const priya = userByName(dataset, 'Priya Patel').accountId;
const marcus = userByName(dataset, 'Marcus Chen').accountId;

let site: LocalSite;
beforeAll(async () => {
  site = await startSite();
  await runRound(site);
}, 120_000);
afterAll(() => site.close());

const call = <T>(key: string, payload: unknown, accountId: string) => site.invoke(MODULE, key, payload, accountId) as Promise<Answer<T>>;
async function data<T>(key: string, payload: unknown, accountId: string): Promise<T> {
  const answer = await call<T>(key, payload, accountId);
  if (!answer.ok) throw new Error(`${key}: ${answer.error.code} ${answer.error.message} ${(answer.error.details ?? []).join('; ')}`);
  return answer.data;
}
const stored = () => asApp(site, getSettings);

const withSiteRate = (document: SettingsDocumentJson, hourlyRate: number): SettingsDocumentJson => ({ ...document, rates: { ...document.rates, siteDefault: [{ from: '2020-01-01', hourlyRate }] } });

describe('who may change settings', () => {
  let view: SettingsView;
  beforeAll(async () => {
    // The administrator names the PMO editor group: from then on Priya's group may edit too.
    const first = await data<SettingsView>('settings/get', {}, admin);
    expect(first.editable).toBe(true);
    const saved = await data<SettingsSaved>('settings/save', { expectedVersion: first.version, document: { ...withSiteRate(first.document, 50), pmoEditorGroup: 'pmo-office' } }, admin);
    view = saved.view;
  });

  test('the PMO editor group and Jira administrators may; the page says so', async () => {
    expect(await data<SettingsView>('settings/get', {}, priya)).toMatchObject({ editable: true, reason: 'You are in the pmo-office group.' });
    expect(await data<SettingsView>('settings/get', {}, admin)).toMatchObject({ editable: true, reason: 'You administer Jira.' });
    expect(await data<SettingsView>('settings/get', {}, marcus)).toMatchObject({
      editable: false,
      reason: 'Only Jira administrators and members of the pmo-office group may change settings and budgets.',
    });
  });

  test('nobody else changes a setting or reads the audit log through any function, whatever they send', async () => {
    const before = await stored();
    // Every active person of the site (the platform lets no one else reach the app; the hostile-input tests send unknown ones).
    const others = dataset.users.filter((user) => user.active && user.accountId !== admin && user.accountId !== priya).map((user) => user.accountId);
    expect(others.length).toBeGreaterThan(10);
    const json = JSON.stringify(withSiteRate(view.document, 999));
    for (const accountId of others) {
      const attempts = await Promise.all([
        call('settings/save', { expectedVersion: before.version, document: withSiteRate(view.document, 999) }, accountId),
        // Naming one's own group as the editor group gets nothing: the group in force decides.
        call('settings/save', { expectedVersion: before.version, document: { ...view.document, pmoEditorGroup: 'jira-users' } }, accountId),
        call('settings/import', { expectedVersion: before.version, json }, accountId),
        call('audit/query', {}, accountId),
        call('audit/csv', {}, accountId),
      ]);
      for (const attempt of attempts) expect({ accountId, error: attempt.ok ? null : attempt.error.code }).toEqual({ accountId, error: 'FORBIDDEN' });
    }
    expect(await stored()).toEqual(before);
  }, 120_000);

  test('on the portfolio page, PMO editors who do not administer Jira reach the settings; nobody else reads or changes them', async () => {
    const onPortfolio = <T>(key: string, payload: unknown, accountId: string) => site.invoke('pmo-portfolio-page', key, payload, accountId) as Promise<Answer<T>>;
    const asPriya = await onPortfolio<SettingsView>('settings/get', {}, priya);
    expect(asPriya).toMatchObject({ ok: true, data: { editable: true, reason: 'You are in the pmo-office group.' } });
    const before = await stored();
    // Marcus may browse projects but is no PMO editor: he reads no rates and saves nothing there either.
    for (const [key, payload] of [
      ['settings/get', {}],
      ['settings/export', {}],
      ['settings/people', { query: 'Priya' }],
      ['settings/save', { expectedVersion: before.version, document: withSiteRate(view.document, 999) }],
      ['budgets/preview', { csv: 'issue key,planned budget,actual cost\n' }],
    ] as const) {
      const answer = await onPortfolio(key, payload, marcus);
      expect({ key, answer }).toMatchObject({ key, answer: { ok: false, error: { code: 'FORBIDDEN', message: expect.stringContaining('pmo-office') } } });
    }
    expect(await stored()).toEqual(before);
    // Priya saves there as on the admin page: checked, versioned and audited the same way.
    const saved = await onPortfolio<SettingsSaved>('settings/save', { expectedVersion: before.version, document: withSiteRate(asPriya.ok ? asPriya.data.document : view.document, 51) }, priya);
    expect(saved).toMatchObject({ ok: true, data: { changedPaths: ['rates.siteDefault'] } });
    expect((await stored()).document.rates.siteDefault).toEqual([{ from: '2020-01-01', hourlyRate: 51 }]);
    view = (saved.ok ? saved.data : null)!.view;
  });

  test('bad values get errors naming what is wrong, and change nothing', async () => {
    const before = await stored();
    const bad = { ...view.document, currency: 'EURO', projects: { [dataset.projects[0].key]: { projectBudget: -5 } } };
    const answer = await call('settings/save', { expectedVersion: before.version, document: bad }, priya);
    expect(answer).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD', message: 'The settings were not saved: 2 values are wrong.' } });
    expect(!answer.ok && answer.error.details).toEqual([
      'currency: must be a three-letter ISO 4217 code such as EUR or USD',
      `projects.${dataset.projects[0].key}.projectBudget: must be at least 0`,
    ]);
    expect(await call('settings/save', { expectedVersion: 'latest', document: view.document }, priya)).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    expect(await stored()).toEqual(before);
  });

  test('an import invalid anywhere stores nothing; a file that is not JSON neither', async () => {
    const before = await stored();
    const exported = await data<SettingsExport>('settings/export', {}, priya);
    const document = JSON.parse(exported.json) as SettingsDocumentJson;
    const broken = { ...withSiteRate(document, 75), capacity: { ...document.capacity, workloadWeeks: 0 } };
    const refused = await call('settings/import', { expectedVersion: before.version, json: JSON.stringify(broken) }, priya);
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD', details: ['capacity.workloadWeeks: must be at least 1'] } });
    expect(await call('settings/import', { expectedVersion: before.version, json: '{"format": "pmo-settings",' }, priya)).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD', message: 'The file is not a settings export: it is not JSON.' } });
    expect(await stored()).toEqual(before);
  });

  test('a save made against an older version is refused with the current version, and changes nothing', async () => {
    const before = await stored();
    const stale = await call('settings/save', { expectedVersion: before.version - 1, document: withSiteRate(view.document, 61) }, priya);
    expect(stale).toMatchObject({ ok: false, error: { code: 'CONFLICT', details: [`current version: ${before.version}`] } });
    expect(await stored()).toEqual(before);
  });

  test('an accepted change is in the audit log, path by path, with who made it', async () => {
    const audit = await data<AuditPageView>('audit/query', { accountId: admin }, priya);
    expect(audit.entries.map((entry) => entry.path).sort()).toEqual(['pmoEditorGroup', 'rates.siteDefault']);
    expect(audit.entries[0].person).toEqual({ accountId: admin, displayName: 'Riley Quinn' });
  });
});

describe('a site-wide change', () => {
  test('recomputes every project’s figures from stored data, without a Jira request', async () => {
    const before = new Map((await asApp(site, listSnapshots)).map((snapshot) => [snapshot.projectKey, snapshot]));
    const view = await data<SettingsView>('settings/get', {}, priya);
    const saved = await data<SettingsSaved>('settings/save', { expectedVersion: view.version, document: withSiteRate(view.document, 200) }, priya);
    expect(saved.changedPaths).toEqual(['rates.siteDefault']);
    expect(saved.recomputing).toBe(dataset.projects.length);

    site.jira.control.resetRequestCounts();
    await site.runtime.drainQueues({ fastForward: true, timeoutMs: 120_000 });
    expect(site.jira.control.requestCounts().total).toBe(0);
    const after = await asApp(site, listSnapshots);
    expect(after).toHaveLength(dataset.projects.length);
    // Worklog cost is at the new rate: every project with worklogs costs more than before.
    const costlier = after.filter((snapshot) => (snapshot.metrics?.earnedValue.ac.value ?? 0) > (before.get(snapshot.projectKey)?.metrics?.earnedValue.ac.value ?? 0));
    expect(costlier.length).toBeGreaterThan(0);
    for (const snapshot of after) expect(snapshot.updatedAtMs).toBeGreaterThan(before.get(snapshot.projectKey)!.updatedAtMs);
  }, 120_000);
});
