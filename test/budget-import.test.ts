/**
 * The budget import of the settings page through its resolver: a PMO editor's file changes the
 * fields in Jira (Budget variance with them), is audited value by value and seen by the panel's
 * conflict check; a file with one bad row anywhere, a person who is not an editor, or an item the
 * caller may not browse changes nothing and is answered with the rows named.
 */
import type { LocalSite } from '../local/site/site';
import { basicAuth } from '../local/jira/server/test-fixture';
import type { Answer, BudgetEditResult, BudgetImportPreview, BudgetImportSummary, IssuePanelView } from '../src/shared/contract';
import { queryAudit } from '../src/store/audit';
import { browsableProjectKeys, userByName } from './demo-fixture';
import { admin, asApp, changeSettings, contractor, dataset, startSite } from './sync-fixture';

const priya = userByName(dataset, 'Priya Patel');
const PLANNED = dataset.customFields.find((field) => field.name === 'Planned budget')!.id;
const ACTUAL = dataset.customFields.find((field) => field.name === 'Actual cost')!.id;
const VARIANCE = dataset.customFields.find((field) => field.name === 'Budget variance')!.id;
const adminEmail = dataset.users.find((user) => user.accountId === admin)!.emailAddress;
const priyasProjects = browsableProjectKeys(dataset, priya.accountId);
// Items of two projects Priya may browse.
const [first, second] = priyasProjects;
const items = [...dataset.issues.filter((issue) => issue.projectKey === first).slice(0, 3), ...dataset.issues.filter((issue) => issue.projectKey === second).slice(0, 2)];
const manager = dataset.users.find((user) => user.groups.includes('project-managers') && !user.groups.includes('pmo-office') && user.active)!;
const hidden = dataset.issues.find((issue) => !priyasProjects.includes(issue.projectKey));

const HEADER = 'Issue Key,Planned Budget,Actual Cost';
let site: LocalSite;
beforeAll(async () => {
  site = await startSite();
  const saved = await changeSettings(site, (document) => ({ ...document, pmoEditorGroup: 'pmo-office' }));
  expect(saved.status).toBe('saved');
}, 120_000);
afterAll(() => site.close());

const call = <T>(key: string, csv: string, accountId: string) => site.invoke('pmo-settings', key, { csv }, accountId) as Promise<Answer<T>>;
const jiraFields = async (issueKey: string): Promise<Record<string, unknown>> => {
  const response = await fetch(`${site.jiraUrl}/rest/api/3/issue/${issueKey}?fields=${PLANNED},${ACTUAL},${VARIANCE}`, { headers: { Authorization: basicAuth(adminEmail) } });
  return ((await response.json()) as { fields: Record<string, unknown> }).fields;
};
const snapshot = () => Promise.all(items.map((issue) => jiraFields(issue.key)));
const budgetAudit = async () => (await asApp(site, () => queryAudit({ limit: 100 }))).entries.filter((entry) => entry.kind === 'budget');
const panel = <T>(key: string, payload: unknown, issue: (typeof items)[number]) => {
  const project = dataset.projects.find((candidate) => candidate.key === issue.projectKey)!;
  return site.invoke('pmo-budget-panel', key, payload, priya.accountId, {
    extension: { issue: { id: String(issue.id), key: issue.key, type: 'Task' }, project: { id: String(project.id), key: project.key } },
  }) as Promise<Answer<T>>;
};

describe('the budget import', () => {
  it('refuses a whole file with one bad row anywhere, naming it, and changes nothing', async () => {
    const before = await snapshot();
    const rows = items.map((issue, index) => `${issue.key},${1000 + index},${index === 3 ? '12.345' : '10'}`);
    const answer = await call('budgets/import', [HEADER, ...rows].join('\r\n'), priya.accountId);
    expect(answer).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD', details: ['Line 5: actual cost "12.345" has more than 2 decimals.'] } });
    expect(await snapshot()).toEqual(before);
    expect(await budgetAudit()).toEqual([]);
  }, 60_000);

  it('names items that do not exist or the caller may not browse, and changes nothing', async () => {
    const before = await snapshot();
    const unknownProject = 'NOPE-1';
    const unknownItem = `${first}-99999`;
    const rows = [items[0].key + ',5,5', `${unknownItem},1,1`, `${unknownProject},1,1`, ...(hidden ? [`${hidden.key},1,1`] : [])];
    const preview = await call<BudgetImportPreview>('budgets/preview', [HEADER, ...rows].join('\n'), priya.accountId);
    if (!preview.ok) throw new Error(preview.error.message);
    expect(preview.data.ok).toBe(false);
    expect(preview.data.problems.map((problem) => problem.issueKey)).toEqual([unknownItem, unknownProject, ...(hidden ? [hidden.key] : [])]);
    expect(preview.data.problems[0].message).toBe(`Line 3: ${unknownItem} does not exist or you may not browse it.`);
    const answer = await call('budgets/import', [HEADER, ...rows].join('\n'), priya.accountId);
    expect(answer).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    expect(await snapshot()).toEqual(before);
  }, 60_000);

  it("names an item of a project the caller may not browse, even when they may change budgets", async () => {
    // The contractors' group made the PMO editor group for this case only.
    const group = dataset.users.find((user) => user.accountId === contractor)!.groups[0];
    const saveGroup = (pmoEditorGroup: string) => changeSettings(site, (document) => ({ ...document, pmoEditorGroup }));
    const theirs = dataset.issues.find((issue) => browsableProjectKeys(dataset, contractor).includes(issue.projectKey))!;
    const notTheirs = dataset.issues.find((issue) => !browsableProjectKeys(dataset, contractor).includes(issue.projectKey))!;
    await saveGroup(group);
    try {
      const before = await Promise.all([jiraFields(theirs.key), jiraFields(notTheirs.key)]);
      const csv = `${HEADER}\n${theirs.key},7,7\n${notTheirs.key},7,7\n`;
      const preview = await call<BudgetImportPreview>('budgets/preview', csv, contractor);
      expect(preview).toMatchObject({ ok: true, data: { ok: false, problems: [{ line: 3, issueKey: notTheirs.key, message: `Line 3: ${notTheirs.key} does not exist or you may not browse it.` }] } });
      expect(await call('budgets/import', csv, contractor)).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD', details: [`Line 3: ${notTheirs.key} does not exist or you may not browse it.`] } });
      expect(await Promise.all([jiraFields(theirs.key), jiraFields(notTheirs.key)])).toEqual(before);
    } finally {
      await saveGroup('pmo-office');
    }
  }, 60_000);

  it('refuses a project manager who is not a PMO editor, on the server', async () => {
    const before = await snapshot();
    const csv = `${HEADER}\n${items[0].key},5,5\n`;
    expect(await call('budgets/preview', csv, manager.accountId)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringMatching(/pmo-office/) } });
    expect(await call('budgets/import', csv, manager.accountId)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await snapshot()).toEqual(before);
  }, 60_000);

  it("writes a PMO editor's file to Jira with Budget variance, audits each value, and the panel sees the new values", async () => {
    const before = await snapshot();
    const rows = [
      `${items[0].key},2000.50,500`,
      `${items[1].key},,750`,
      `${items[2].key},clear,`,
      `${items[3].key},${String(before[3][PLANNED] ?? '')},${String(before[3][ACTUAL] ?? '')}`,
      `"${items[4].key}",3000,3500`,
    ];
    const csv = `\uFEFF${[HEADER, ...rows].join('\r\n')}\r\n`;
    const preview = await call<BudgetImportPreview>('budgets/preview', csv, priya.accountId);
    if (!preview.ok) throw new Error(preview.error.message);
    expect(preview.data.problems).toEqual([]);
    expect(preview.data.changes).toContainEqual({ line: 2, issueKey: items[0].key, projectKey: first, field: 'plannedBudget', oldValue: before[0][PLANNED] ?? null, newValue: 2000.5 });
    expect(await snapshot()).toEqual(before);

    const answer = await call<BudgetImportSummary>('budgets/import', csv, priya.accountId);
    if (!answer.ok) throw new Error(`${answer.error.message} ${answer.error.details?.join('; ')}`);
    const changed = preview.data.changes.length;
    expect(answer.data).toMatchObject({ rows: 5, valuesChanged: changed, valuesUnchanged: preview.data.valuesUnchanged });
    expect(answer.data.byProject.map((entry) => entry.projectKey).sort()).toEqual([first, second].sort());

    const after = await snapshot();
    expect(after[0]).toMatchObject({ [PLANNED]: 2000.5, [ACTUAL]: 500, [VARIANCE]: 1500.5 });
    expect(after[1]).toMatchObject({ [PLANNED]: before[1][PLANNED] ?? null, [ACTUAL]: 750 });
    expect(after[2][PLANNED] ?? null).toBeNull();
    expect(after[2][VARIANCE] ?? null).toBeNull();
    expect(after[3]).toEqual(before[3]);
    expect(after[4]).toMatchObject({ [PLANNED]: 3000, [ACTUAL]: 3500, [VARIANCE]: -500 });

    const audit = await budgetAudit();
    expect(audit).toHaveLength(changed);
    expect(audit).toContainEqual(expect.objectContaining({ actorAccountId: priya.accountId, issueKey: items[0].key, path: 'Planned budget', oldValue: before[0][PLANNED] ?? null, newValue: 2000.5 }));

    // The panel's conflict check sees the imported value: an edit made against the old one is a conflict.
    const view = await panel<IssuePanelView>('panel/item', {}, items[0]);
    expect(view).toMatchObject({ ok: true, data: { fields: { plannedBudget: 2000.5, actualCost: 500 } } });
    const stale = await panel<BudgetEditResult>('panel/setBudget', { field: 'plannedBudget', value: 10, expected: before[0][PLANNED] ?? null }, items[0]);
    expect(stale).toMatchObject({ ok: true, data: { status: 'conflict', current: 2000.5, changedBy: { accountId: priya.accountId } } });
    const fresh = await panel<BudgetEditResult>('panel/setBudget', { field: 'plannedBudget', value: 10, expected: 2000.5 }, items[0]);
    expect(fresh).toMatchObject({ ok: true, data: { status: 'saved', value: 10 } });

    // The same file again changes the values the panel did not touch since: nothing but that one.
    const again = await call<BudgetImportSummary>('budgets/import', csv, priya.accountId);
    expect(again).toMatchObject({ ok: true, data: { valuesChanged: 1, itemsChanged: 1 } });
  }, 120_000);
});
