/** The audit log: appended, filtered by person, project and day, paged, exported as CSV, never changed. */
import { kvs, MetadataField } from '@forge/kvs';
import { appManifest, startTestRuntime, type TestRuntime } from '../../local/runtime/test-helpers';
import * as audit from './audit';
import { AUDIT_ENTITY, allAuditEntries, appendAudit, auditCsvText, queryAudit, type AuditEntry } from './audit';

const PRIYA = 'acc-priya';
const RILEY = 'acc-riley';
const day = (iso: string, hour = 9) => Date.parse(`${iso}T${String(hour).padStart(2, '0')}:00:00Z`);

const entry = (fields: Partial<AuditEntry>): AuditEntry => ({
  actorAccountId: PRIYA,
  atMs: day('2026-06-01'),
  kind: 'settings',
  projectKey: null,
  issueKey: null,
  path: 'rates.siteDefault',
  oldValue: null,
  newValue: [{ from: '2026-01-01', hourlyRate: 50 }],
  ...fields,
});

let t: TestRuntime;
beforeEach(async () => {
  t = startTestRuntime({ manifest: appManifest() });
  await appendAudit([
    entry({ atMs: day('2026-06-01') }),
    entry({ atMs: day('2026-06-02'), projectKey: 'APOLLO', path: 'projects.APOLLO.projectBudget', oldValue: 1000, newValue: 2000 }),
    entry({ atMs: day('2026-06-03'), actorAccountId: RILEY, projectKey: 'APOLLO', issueKey: 'APOLLO-7', kind: 'budget', path: 'Planned budget', oldValue: 10, newValue: 12.5 }),
    entry({ atMs: day('2026-06-04'), actorAccountId: RILEY, projectKey: 'ORION', path: 'projects.ORION.costSource', oldValue: 'both', newValue: 'fields' }),
  ]);
});
afterEach(() => t.runtime.close());

const paths = (entries: AuditEntry[]) => entries.map((found) => found.path);

test('newest first, each entry as appended', async () => {
  const page = await queryAudit({});
  expect(paths(page.entries)).toEqual(['projects.ORION.costSource', 'Planned budget', 'projects.APOLLO.projectBudget', 'rates.siteDefault']);
  expect(page.entries[1]).toEqual(entry({ atMs: day('2026-06-03'), actorAccountId: RILEY, projectKey: 'APOLLO', issueKey: 'APOLLO-7', kind: 'budget', path: 'Planned budget', oldValue: 10, newValue: 12.5 }));
  expect(page.nextCursor).toBeNull();
});

test('filters by person, project and day, alone or together', async () => {
  expect(paths((await queryAudit({ accountId: RILEY })).entries)).toEqual(['projects.ORION.costSource', 'Planned budget']);
  expect(paths((await queryAudit({ projectKey: 'APOLLO' })).entries)).toEqual(['Planned budget', 'projects.APOLLO.projectBudget']);
  expect(paths((await queryAudit({ accountId: RILEY, projectKey: 'APOLLO' })).entries)).toEqual(['Planned budget']);
  expect(paths((await queryAudit({ fromDay: '2026-06-02', toDay: '2026-06-03' })).entries)).toEqual(['Planned budget', 'projects.APOLLO.projectBudget']);
  expect(paths((await queryAudit({ projectKey: 'APOLLO', toDay: '2026-06-02' })).entries)).toEqual(['projects.APOLLO.projectBudget']);
  expect(paths((await queryAudit({ accountId: PRIYA, fromDay: '2026-06-02' })).entries)).toEqual(['projects.APOLLO.projectBudget']);
});

test('pages with a cursor until none is left', async () => {
  const first = await queryAudit({ limit: 3 });
  expect(first.entries).toHaveLength(3);
  expect(first.nextCursor).not.toBeNull();
  const second = await queryAudit({ limit: 3, cursor: first.nextCursor! });
  expect(paths(second.entries)).toEqual(['rates.siteDefault']);
});

test('exports the matching entries as CSV, values as JSON, people by name', async () => {
  const apollo = await allAuditEntries({ projectKey: 'APOLLO' });
  expect(apollo.truncated).toBe(false);
  const csv = auditCsvText(apollo.entries, (id) => (id === RILEY ? 'Riley Quinn' : 'Priya Patel'));
  expect(csv.trim().split('\n')).toEqual([
    'when,person,kind,project,issue,what,old value,new value',
    '2026-06-03T09:00:00.000Z,Riley Quinn,budget,APOLLO,APOLLO-7,Planned budget,10,12.5',
    '2026-06-02T09:00:00.000Z,Priya Patel,settings,APOLLO,,projects.APOLLO.projectBudget,1000,2000',
  ]);
  const lists = auditCsvText((await allAuditEntries({ accountId: PRIYA, toDay: '2026-06-01' })).entries);
  expect(lists.trim().split('\n')[1]).toBe('2026-06-01T09:00:00.000Z,acc-priya,settings,,,rates.siteDefault,,"[{""from"":""2026-01-01"",""hourlyRate"":50}]"');
});

test('offers no way to change or remove an entry, and stores entries without expiry', async () => {
  expect(Object.keys(audit).filter((name) => /update|delete|remove|edit|set|purge/i.test(name))).toEqual([]);
  const stored = await kvs.entity(AUDIT_ENTITY).query({ metadataFields: [MetadataField.EXPIRE_TIME, MetadataField.CREATED_AT] }).index('atMs').limit(10).getMany();
  expect(stored.results).toHaveLength(4);
  for (const result of stored.results) {
    expect(result.key).toMatch(/^\d{15}#[0-9a-f-]{36}$/);
    expect((result as { createdAt?: number }).createdAt).toEqual(expect.any(Number));
    expect((result as { expireTime?: string }).expireTime).toBeUndefined();
  }
  expect(audit.AUDIT_RETENTION_DAYS).toBeGreaterThanOrEqual(731);
});
