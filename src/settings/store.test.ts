/** The settings store: versioned saves, refusals that store nothing, concurrent saves, the audit of each change. */
import { kvs } from '@forge/kvs';
import { appManifest, startTestRuntime, type TestRuntime } from '../../local/runtime/test-helpers';
import { queryAudit } from '../store/audit';
import { defaultSettingsDocument, type SettingsDocument } from './schema';
import { getSettings, saveSettings } from './store';

const PRIYA = '5f8a1c2e9d4b7a0000000002';
const RILEY = '5f8a1c2e9d4b7a0000000001';
const NOW = Date.parse('2026-06-10T09:00:00Z');

let t: TestRuntime;
beforeEach(() => {
  t = startTestRuntime({ manifest: appManifest() });
});
afterEach(() => t.runtime.close());

const withSiteRate = (document: SettingsDocument, hourlyRate: number): SettingsDocument => ({ ...document, rates: { ...document.rates, siteDefault: [{ from: '2026-01-01', hourlyRate }] } });

test('a site that never saved reads the defaults at version 0', async () => {
  expect(await getSettings()).toEqual({ version: 0, document: defaultSettingsDocument() });
});

test('each save writes the next version, keeps the ones before, and audits each changed path', async () => {
  const first = await saveSettings(withSiteRate(defaultSettingsDocument(), 50), { expectedVersion: 0, actorAccountId: PRIYA, nowMs: NOW });
  expect(first).toMatchObject({ status: 'saved', version: 1, affected: 'all' });
  const base = (await getSettings()).document;
  const second = await saveSettings({ ...withSiteRate(base, 60), currency: 'EUR' }, { expectedVersion: 1, actorAccountId: RILEY, nowMs: NOW + 1000 });
  expect(second).toMatchObject({ status: 'saved', version: 2 });
  expect(await getSettings()).toMatchObject({ version: 2, document: { currency: 'EUR', rates: { siteDefault: [{ from: '2026-01-01', hourlyRate: 60 }] } } });
  expect(await kvs.get('settings:v:1')).toMatchObject({ version: 1, savedBy: PRIYA, document: { rates: { siteDefault: [{ hourlyRate: 50 }] } } });

  const audit = await queryAudit({});
  expect(audit.entries).toHaveLength(3);
  // The two paths of one save share its instant, in no particular order.
  expect(audit.entries.slice(0, 2)).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ actorAccountId: RILEY, atMs: NOW + 1000, kind: 'settings', path: 'currency', oldValue: null, newValue: 'EUR', projectKey: null }),
      expect.objectContaining({ actorAccountId: RILEY, path: 'rates.siteDefault', oldValue: [{ from: '2026-01-01', hourlyRate: 50 }], newValue: [{ from: '2026-01-01', hourlyRate: 60 }] }),
    ]),
  );
  expect(audit.entries[2]).toEqual(expect.objectContaining({ actorAccountId: PRIYA, atMs: NOW, path: 'rates.siteDefault', oldValue: [], newValue: [{ from: '2026-01-01', hourlyRate: 50 }] }));
});

test('a document invalid anywhere stores nothing and audits nothing', async () => {
  await saveSettings(withSiteRate(defaultSettingsDocument(), 50), { expectedVersion: 0, actorAccountId: PRIYA, nowMs: NOW });
  const before = await getSettings();
  const bad = { ...withSiteRate(before.document, 70), projects: { APOLLO: { projectBudget: -1 } } };
  const outcome = await saveSettings(bad, { expectedVersion: 1, actorAccountId: PRIYA, nowMs: NOW + 1 });
  expect(outcome).toEqual({ status: 'invalid', problems: ['projects.APOLLO.projectBudget: must be at least 0'] });
  expect(await getSettings()).toEqual(before);
  expect((await queryAudit({})).entries).toHaveLength(1);
  expect(await kvs.get('settings:v:2')).toBeUndefined();
});

test('a save read at an older version is refused with the current settings, and changes nothing', async () => {
  await saveSettings(withSiteRate(defaultSettingsDocument(), 50), { expectedVersion: 0, actorAccountId: PRIYA, nowMs: NOW });
  const current = await getSettings();
  const stale = await saveSettings(withSiteRate(defaultSettingsDocument(), 99), { expectedVersion: 0, actorAccountId: RILEY, nowMs: NOW + 1 });
  expect(stale).toEqual({ status: 'stale', current });
  expect(await getSettings()).toEqual(current);
  expect((await queryAudit({ accountId: RILEY })).entries).toEqual([]);
});

test('of concurrent saves from the same version exactly one is stored; the others are told it was stale', async () => {
  const outcomes = await Promise.all(
    Array.from({ length: 20 }, (_, index) => saveSettings(withSiteRate(defaultSettingsDocument(), 40 + index), { expectedVersion: 0, actorAccountId: PRIYA, nowMs: NOW + index })),
  );
  const saved = outcomes.filter((outcome) => outcome.status === 'saved');
  expect(saved).toHaveLength(1);
  expect(outcomes.filter((outcome) => outcome.status === 'stale')).toHaveLength(19);
  const current = await getSettings();
  expect(current.version).toBe(1);
  expect(current.document).toEqual(saved[0].status === 'saved' ? saved[0].document : null);
  expect((await queryAudit({})).entries).toHaveLength(1);
});

test('saving the same document again makes no version and no audit entry', async () => {
  await saveSettings(withSiteRate(defaultSettingsDocument(), 50), { expectedVersion: 0, actorAccountId: PRIYA, nowMs: NOW });
  const again = await saveSettings((await getSettings()).document, { expectedVersion: 1, actorAccountId: PRIYA, nowMs: NOW + 1 });
  expect(again).toMatchObject({ status: 'unchanged', version: 1 });
  expect((await queryAudit({})).entries).toHaveLength(1);
});

test('a reader finds a version whose writer had not yet moved the pointer', async () => {
  await saveSettings(withSiteRate(defaultSettingsDocument(), 50), { expectedVersion: 0, actorAccountId: PRIYA, nowMs: NOW });
  await saveSettings(withSiteRate(defaultSettingsDocument(), 60), { expectedVersion: 1, actorAccountId: PRIYA, nowMs: NOW + 1 });
  await kvs.set('settings:current', { version: 1 });
  expect((await getSettings()).version).toBe(2);
  expect(await saveSettings(withSiteRate(defaultSettingsDocument(), 70), { expectedVersion: 1, actorAccountId: PRIYA, nowMs: NOW + 2 })).toMatchObject({ status: 'stale' });
});
