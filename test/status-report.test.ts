/**
 * The status report macro over the local site after a sync round: its config is checked, a frozen record
 * never changes whatever happens in Jira afterwards, each viewer sees only the projects they may browse
 * (in the report, its totals, its agenda and its export), the export is valid ADF, and the simulated
 * Confluence's "Export to PDF" gives a real PDF whose text holds the report's figures.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv-draft-04';
import type { LocalSite } from '../local/site/site';
import { CONFLUENCE_PAGE } from '../local/site/host';
import { reportConfigSchema } from '../src/resolvers/report';
import type { Answer, ReportProjectPart, StatusReportConfig, StatusReportView } from '../src/shared/contract';
import { browsableProjectKeys } from './demo-fixture';
import { actingAs, configureMacro } from './host-fixture';
import { admin, contractor, dataset, editIssue, runRound, startSite } from './sync-fixture';

let site: LocalSite;
beforeAll(async () => {
  site = await startSite();
  await runRound(site);
}, 120_000);
afterAll(() => site.close());

const digital = dataset.categories.find((category) => category.name === 'Digital Channels')!;
const digitalKeys = dataset.projects.filter((project) => project.categoryId === digital.id).map((project) => project.key).sort();
const config: StatusReportConfig = {
  scope: 'portfolio',
  projectKeys: [],
  portfolio: digital.name,
  sections: ['summary', 'earnedValue', 'milestones', 'risks', 'compliance', 'budgetChanges', 'activity'],
  mode: 'frozen',
  activityDays: 14,
  budgetChangeShare: 0.05,
};
const LOCAL_ID = '3f0c2b1a-9d8e-4c7b-a6f5-e4d3c2b1a098';

async function call<T>(functionKey: string, payload: unknown, accountId = admin, opened: { localId?: string; extension?: Record<string, unknown> } = { localId: LOCAL_ID, extension: { config } }): Promise<T> {
  const answer = (await site.invoke('pmo-status-report', functionKey, payload, accountId, opened)) as Answer<T>;
  if (!answer.ok) throw new Error(`${functionKey}: ${answer.error.code} ${answer.error.message}`);
  return answer.data;
}
const shownKeys = (view: StatusReportView) => (view.report?.projects ?? []).flatMap((part) => ('hidden' in part ? [] : [(part as ReportProjectPart).project.key]));

describe('the config', () => {
  it('is checked whole, with what is wrong named', () => {
    expect(reportConfigSchema.safeParse(config).success).toBe(true);
    const wrong: [string, unknown][] = [
      ['no sections', { ...config, sections: [] }],
      ['an unknown section', { ...config, sections: ['gossip'] }],
      ['projects scope without projects', { ...config, scope: 'projects', projectKeys: [] }],
      ['a lower-case key', { ...config, scope: 'projects', projectKeys: ['apollo'] }],
      ['a year of activity', { ...config, activityDays: 365 }],
      ['an unknown field', { ...config, extra: true }],
      ['a section twice', { ...config, sections: ['summary', 'summary'] }],
    ];
    for (const [what, value] of wrong) expect({ what, ok: reportConfigSchema.safeParse(value).success }).toEqual({ what, ok: false });
  });

  it('a macro not configured, or configured wrongly, says so instead of a report', async () => {
    const none = await call<StatusReportView>('report/view', {}, admin, { localId: LOCAL_ID, extension: {} });
    expect(none).toMatchObject({ configured: false, report: null, reason: expect.stringContaining('not configured yet') });
    const bad = await call<StatusReportView>('report/view', {}, admin, { localId: LOCAL_ID, extension: { config: { ...config, activityDays: 0 } } });
    expect(bad).toMatchObject({ configured: false, report: null, reason: expect.stringContaining('activityDays') });
    await expect(call('report/freeze', {}, admin, { localId: LOCAL_ID, extension: { config: { ...config, sections: [] } } })).rejects.toThrow(/INVALID_PAYLOAD/);
    // A frozen macro with no record yet says how to make one.
    expect(await call<StatusReportView>('report/view', {})).toMatchObject({ configured: true, report: null, reason: expect.stringContaining('freeze') });
  });
});

describe('a frozen record', () => {
  let first: StatusReportView;

  it('holds the whole report of its day, says when its data was synced, and lists the records', async () => {
    first = await call<StatusReportView>('report/freeze', {});
    const report = first.report!;
    expect(shownKeys(first).sort()).toEqual(digitalKeys);
    expect(report.record).toMatchObject({ asOfDay: report.asOfDay });
    expect(report.dataSyncedAt).not.toBeNull();
    expect(first.records).toHaveLength(1);
    expect(report.totals.projectKeys.sort()).toEqual(digitalKeys);
    // The agenda names the red projects with their reasons.
    const red = report.projects.filter((part): part is ReportProjectPart => !('hidden' in part) && part.metrics.health.rag === 'red');
    for (const part of red) expect(report.agenda.some((item) => item.kind === 'attention' && item.text.startsWith(`${part.project.key} is red: `))).toBe(true);
  });

  it('is unchanged, byte for byte, after Jira changes and the figures are computed again', async () => {
    const before = JSON.stringify((await call<StatusReportView>('report/view', { recordId: first.report!.record!.id })).report);
    expect(before).toBe(JSON.stringify(first.report));
    // The projects change in Jira and a round computes their figures again.
    const issue = dataset.issues.find((candidate) => candidate.projectKey === digitalKeys[0] && candidate.resolutiondate === null)!;
    await editIssue(site, issue.key, { duedate: '2020-01-01', summary: 'Changed after the record was frozen' });
    await runRound(site);
    const live = await call<StatusReportView>('report/view', {}, admin, { localId: LOCAL_ID, extension: { config: { ...config, mode: 'live' } } });
    expect(JSON.stringify(live.report)).toContain('Changed after the record was frozen');
    const after = JSON.stringify((await call<StatusReportView>('report/view', { recordId: first.report!.record!.id })).report);
    expect(after).toBe(before);
    expect(after).not.toContain('Changed after the record was frozen');
  }, 120_000);

  it('freezing again keeps the earlier record, and the new one compares with it', async () => {
    const second = await call<StatusReportView>('report/freeze', {});
    expect(second.records.map((record) => record.id)).toEqual([second.report!.record!.id, first.report!.record!.id]);
    expect(second.report!.agendaSince).toEqual({ day: first.report!.asOfDay, basis: 'previous record' });
    // The frozen macro shows its latest record.
    expect((await call<StatusReportView>('report/view', {})).report!.record!.id).toBe(second.report!.record!.id);
  });

  it('as of a past day holds that day, and nothing of the history after it', async () => {
    const past = await call<StatusReportView>('report/freeze', { asOfDay: '2026-05-31' });
    expect(past.report!.asOfDay).toBe('2026-05-31');
    for (const part of past.report!.projects as ReportProjectPart[]) {
      expect(part.trend.every((point) => point.day <= '2026-05-31')).toBe(true);
      expect(part.activity.toDay).toBe('2026-05-31');
    }
    await expect(call('report/freeze', { asOfDay: '2999-01-01' })).rejects.toThrow(/today/);
  });
});

describe('what a viewer may see', () => {
  it('the contractor sees only his projects, in the report, its totals and its agenda; the others keep their place', async () => {
    const view = await call<StatusReportView>('report/view', {}, contractor);
    const own = browsableProjectKeys(dataset, contractor).filter((key) => digitalKeys.includes(key));
    expect(own.length).toBeGreaterThan(0);
    expect(shownKeys(view).sort()).toEqual(own);
    const report = view.report!;
    expect(report.projects.filter((part) => 'hidden' in part)).toHaveLength(digitalKeys.length - own.length);
    expect(report.totals.projectKeys.sort()).toEqual(own);
    expect(report.agenda.every((item) => own.includes(item.projectKey))).toBe(true);
    const text = JSON.stringify(report);
    for (const hidden of digitalKeys.filter((key) => !own.includes(key))) expect({ hidden, leaked: text.includes(`"${hidden}"`) || text.includes(`${hidden}-`) }).toEqual({ hidden, leaked: false });
  });

  it('someone who may browse none of them cannot freeze it', async () => {
    const stranger = dataset.users.find((user) => user.active && browsableProjectKeys(dataset, user.accountId).length > 0 && browsableProjectKeys(dataset, user.accountId).every((key) => !digitalKeys.includes(key)))!;
    await expect(call('report/freeze', {}, stranger.accountId)).rejects.toThrow(/FORBIDDEN/);
  });
});

describe('the export', () => {
  const schema = JSON.parse(fs.readFileSync(path.join(require.resolve('@atlaskit/adf-schema/package.json'), '..', 'dist', 'json-schema', 'v1', 'full.json'), 'utf8'));
  const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);

  it('is ADF valid against the schema, as text and tables, for the viewer only', async () => {
    const { adfExport } = await import('../src/resolvers/report');
    const exportAs = (accountId: string) =>
      site.runtime.runAsInvocation({ accountId, moduleKey: 'pmo-status-report', functionKey: 'report-export' }, () => adfExport({ exportType: 'pdf', context: { localId: LOCAL_ID, extension: { config } } }));
    const document = await exportAs(admin);
    expect({ valid: validate(document), errors: validate.errors?.slice(0, 3) ?? null }).toEqual({ valid: true, errors: null });
    const text = JSON.stringify(document);
    expect(text).toContain('"type":"table"');
    for (const key of digitalKeys) expect(text).toContain(key);
    const own = browsableProjectKeys(dataset, contractor).filter((key) => digitalKeys.includes(key));
    const theirs = JSON.stringify(await exportAs(contractor));
    for (const key of digitalKeys) expect({ key, shown: theirs.includes(`${key} `) }).toEqual({ key, shown: own.includes(key) });
    expect(theirs).toContain('not shown: you may not browse');
  });

  it('"Export to PDF" of the simulated Confluence page is a PDF whose text holds the report\'s figures', async () => {
    // The macro on the page, configured through its config dialog as a person would.
    await configureMacro(site.url, admin, 'pmo-status-report', { ...config, mode: 'live' });

    const pdf = await fetch(`${site.url}${CONFLUENCE_PAGE.path}/export/pdf`, { headers: actingAs(admin) });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = new Uint8Array(await pdf.arrayBuffer());
    expect(Buffer.from(bytes.slice(0, 5)).toString()).toBe('%PDF-');
    const text = pdfText(bytes);
    const live = await call<StatusReportView>('report/view', {}, admin, { localId: LOCAL_ID, extension: { config: { ...config, mode: 'live' } } });
    expect(text).toContain('Status report as of');
    for (const part of live.report!.projects as ReportProjectPart[]) {
      expect(text).toContain(part.project.key);
      const bac = part.metrics.earnedValue.bac.value;
      if (bac !== null) expect(text).toContain(Math.round(bac).toLocaleString('en-US'));
    }
    // "Export to Word": the same report as tables and text, never a picture of it.
    const word = await fetch(`${site.url}${CONFLUENCE_PAGE.path}/export/word`, { headers: actingAs(admin) });
    expect(word.headers.get('content-type')).toContain('application/msword');
    const document = await word.text();
    expect(document).toContain('<table');
    expect(document).not.toContain('<img');
    expect(document).toContain((live.report!.projects[0] as ReportProjectPart).project.key);
  }, 60_000);
});

describe('compliance and budget changes', () => {
  it('the report shows each project’s compliance from the rule engine and the budget edits of the week, old to new, who and when', async () => {
    const epicType = dataset.issueTypes.find((type) => type.hierarchyLevel === 1)!;
    const epic = dataset.issues.find((issue) => issue.projectKey === digitalKeys[0] && issue.issueTypeId === epicType.id)!;
    const projectId = String(dataset.projects.find((project) => project.key === digitalKeys[0])!.id);
    const opened = { extension: { issue: { id: String(epic.id), key: epic.key, type: 'Epic' }, project: { id: projectId, key: digitalKeys[0] } } };
    const read = (await site.invoke('pmo-budget-panel', 'panel/item', {}, admin, opened)) as Answer<{ fields: { plannedBudget: number | null } }>;
    if (!read.ok) throw new Error(read.error.message);
    const before = read.data.fields.plannedBudget;
    const saved = (await site.invoke('pmo-budget-panel', 'panel/setBudget', { field: 'plannedBudget', value: 123_456, expected: before }, admin, opened)) as Answer<{ status: string }>;
    expect(saved).toMatchObject({ ok: true, data: { status: 'saved' } });
    await runRound(site);

    const live = (await call<StatusReportView>('report/view', {}, admin, { localId: LOCAL_ID, extension: { config: { ...config, mode: 'live' } } })).report!;
    const parts = live.projects as ReportProjectPart[];
    for (const part of parts) {
      expect(part.metrics.compliance).not.toBeNull();
      expect(part.complianceChanges).toMatchObject({ newlyBroken: expect.any(Array), newlyFixed: expect.any(Array) });
    }
    const edited = parts.find((part) => part.project.key === digitalKeys[0])!;
    expect(edited.budgetChanges).toContainEqual(expect.objectContaining({ issueKey: epic.key, field: 'Planned budget', oldValue: before, newValue: 123_456, by: expect.objectContaining({ accountId: admin }) }));
    const { reportToAdf } = await import('../src/reports/adf');
    const text = JSON.stringify(reportToAdf(live));
    expect(text).not.toContain('No compliance rules are set up');
    expect(text).toContain(`${digitalKeys[0]}: score `);
    expect(text).toContain('123,456');
    // A record frozen now holds the edit; the live report after it compares with that record, so no longer lists it.
    const frozen = await call<StatusReportView>('report/freeze', {});
    expect((frozen.report!.projects as ReportProjectPart[]).find((part) => part.project.key === digitalKeys[0])!.budgetChanges).toContainEqual(expect.objectContaining({ issueKey: epic.key, newValue: 123_456 }));
    const after = (await call<StatusReportView>('report/view', {}, admin, { localId: LOCAL_ID, extension: { config: { ...config, mode: 'live' } } })).report!;
    expect(after.agendaSince.basis).toBe('previous record');
    // The previous record was frozen after the edit: nothing was edited since.
    expect((after.projects as ReportProjectPart[]).every((part) => (part.budgetChanges ?? []).length === 0)).toBe(true);
    // As of a day before the edit, the edit is not there.
    const past = await call<StatusReportView>('report/freeze', { asOfDay: '2026-05-31' });
    for (const part of past.report!.projects as ReportProjectPart[]) expect(part.budgetChanges).toEqual([]);
  }, 120_000);
});

/** The text of a PDF, page by page, as pdf.js reads it. */
function pdfText(bytes: Uint8Array): string {
  return execFileSync(process.execPath, [path.join(__dirname, 'support', 'pdf-text.mjs')], { input: bytes, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
}
