/**
 * The issue panel through its resolver, as each demo person calls it: what it shows, who may edit the
 * budget fields (checked on the server against Jira), bad values and stale edits refused with nothing
 * changed, every accepted edit audited and in Jira, 100 concurrent edits of one budget with nothing
 * lost, and the new figures reaching the stored data the portfolio page reads.
 */
import type { LocalSite } from '../local/site/site';
import type { Answer, BudgetEditResult, IssuePanelView } from '../src/shared/contract';
import { queryAudit } from '../src/store/audit';
import { loadProjectData } from '../src/store/projectData';
import { basicAuth } from '../local/jira/server/test-fixture';
import { browsableProjectKeys, userByName } from './demo-fixture';
import { admin, asApp, changeSettings, dataset, runRound, startSite } from './sync-fixture';

const priya = userByName(dataset, 'Priya Patel');
const PLANNED = dataset.customFields.find((field) => field.name === 'Planned budget')!.id;
const VARIANCE = dataset.customFields.find((field) => field.name === 'Budget variance')!.id;
const ACTUAL = dataset.customFields.find((field) => field.name === 'Actual cost')!.id;
const adminEmail = dataset.users.find((user) => user.accountId === admin)!.emailAddress;

// An epic with children, in a project Priya may browse and one person may not.
const outsider = dataset.users.find((user) => user.active && browsableProjectKeys(dataset, user.accountId).length < dataset.projects.length)!;
const hiddenFromOutsider = dataset.projects.find((project) => !browsableProjectKeys(dataset, outsider.accountId).includes(project.key))!;
const epicType = dataset.issueTypes.find((type) => type.hierarchyLevel === 1)!;
const epic = dataset.issues.find(
  (issue) =>
    issue.issueTypeId === epicType.id &&
    issue.projectKey === hiddenFromOutsider.key &&
    typeof issue.customFields?.[PLANNED] === 'number' &&
    dataset.issues.some((child) => child.parentKey === issue.key),
)!;
const project = dataset.projects.find((candidate) => candidate.key === epic.projectKey)!;
// A project manager who may browse the project but is not a PMO editor.
const manager = dataset.users.find((user) => user.groups.includes('project-managers') && browsableProjectKeys(dataset, user.accountId).includes(project.key))!;
const opened = (issue: { id: string | number; key: string }) => ({ extension: { issue: { id: String(issue.id), key: issue.key, type: 'Epic' }, project: { id: String(project.id), key: project.key } } });

let site: LocalSite;
beforeAll(async () => {
  site = await startSite();
  await runRound(site);
  const saved = await changeSettings(site, (document) => ({ ...document, currency: 'EUR', pmoEditorGroup: 'pmo-office' }));
  expect(saved.status).toBe('saved');
}, 120_000);
afterAll(() => site.close());

const call = <T>(key: string, payload: unknown, accountId: string, issue: { id: string | number; key: string } = epic) =>
  site.invoke('pmo-budget-panel', key, payload, accountId, opened(issue)) as Promise<Answer<T>>;
const data = async <T>(key: string, payload: unknown, accountId: string): Promise<T> => {
  const answer = await call<T>(key, payload, accountId);
  if (!answer.ok) throw new Error(`${key}: ${answer.error.code} ${answer.error.message}`);
  return answer.data;
};
const jiraValue = async (fieldId: string): Promise<unknown> => {
  const response = await fetch(`${site.jiraUrl}/rest/api/3/issue/${epic.key}?fields=${fieldId}`, { headers: { Authorization: basicAuth(adminEmail) } });
  return ((await response.json()) as { fields: Record<string, unknown> }).fields[fieldId] ?? null;
};
const auditOfEpic = async () => (await asApp(site, () => queryAudit({ projectKey: project.key, limit: 100 }))).entries.filter((entry) => entry.issueKey === epic.key);

describe('the issue panel', () => {
  it('shows a PMO editor the item, its money by source, its children and its schedule, editable', async () => {
    const view = await data<IssuePanelView>('panel/item', {}, priya.accountId);
    expect(view.issue).toMatchObject({ key: epic.key, projectKey: project.key });
    expect(view.currency).toBe('EUR');
    expect(view.fields.plannedBudget).toBe(epic.customFields![PLANNED]);
    expect(view.canEdit).toBe(true);
    expect(view.money!.planned).toBe(epic.customFields![PLANNED]);
    expect(view.money!.children.length).toBe(dataset.issues.filter((child) => child.parentKey === epic.key).length);
    expect(view.money!.rolledUp.actual).toBeGreaterThanOrEqual(view.money!.actual);
    expect(view.place!.workPackage?.key).toBe(epic.key);
    expect(view.schedule).not.toBeNull();
  });

  it('shows a project manager the panel read-only, saying why, and refuses their edit on the server', async () => {
    const view = await data<IssuePanelView>('panel/item', {}, manager.accountId);
    expect(view.canEdit).toBe(false);
    expect(view.editReason).toMatch(/pmo-office/);
    expect(view.money).not.toBeNull();
    const before = await jiraValue(PLANNED);
    const answer = await call<BudgetEditResult>('panel/setBudget', { field: 'plannedBudget', value: 1, expected: before }, manager.accountId);
    expect(answer).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await jiraValue(PLANNED)).toBe(before);
  });

  it('refuses a budget edit by every demo person outside the PMO editor group and Jira administrators, whatever they send, changing nothing', async () => {
    const planned = await jiraValue(PLANNED);
    const actual = await jiraValue(ACTUAL);
    const audited = (await auditOfEpic()).length;
    const others = dataset.users.filter((user) => user.active && user.accountId !== admin && user.accountId !== priya.accountId);
    expect(others.length).toBeGreaterThan(10);
    for (const person of others) {
      const attempts = await Promise.all([
        call('panel/setBudget', { field: 'plannedBudget', value: 1, expected: planned }, person.accountId),
        call('panel/setBudget', { field: 'plannedBudget', value: null, expected: planned }, person.accountId),
        call('panel/setBudget', { field: 'actualCost', value: 99_999, expected: actual }, person.accountId),
        // Sending the value already held (a no-op for an editor) is refused all the same.
        call('panel/setBudget', { field: 'actualCost', value: actual, expected: actual }, person.accountId),
      ]);
      for (const attempt of attempts) expect({ person: person.displayName, error: attempt.ok ? null : attempt.error.code }).toEqual({ person: person.displayName, error: 'FORBIDDEN' });
    }
    expect(await jiraValue(PLANNED)).toBe(planned);
    expect(await jiraValue(ACTUAL)).toBe(actual);
    expect((await auditOfEpic()).length).toBe(audited);
  }, 120_000);

  it('shows nothing to someone who may not browse the issue', async () => {
    const answer = await call('panel/item', {}, outsider.accountId);
    expect(answer).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('refuses bad amounts with what is wrong, changing nothing', async () => {
    const before = await jiraValue(PLANNED);
    const audited = (await auditOfEpic()).length;
    for (const [value, problem] of [
      [-1, 'cannot be negative'],
      [12.345, 'more than 2 decimals'],
      [2e12, 'cannot be more than'],
      ['12', 'must be a number'],
    ] as const) {
      const answer = await call('panel/setBudget', { field: 'plannedBudget', value, expected: before }, priya.accountId);
      expect(answer.ok).toBe(false);
      if (!answer.ok) {
        expect(answer.error.code).toBe('INVALID_PAYLOAD');
        expect(answer.error.details?.join(' ')).toContain(problem);
      }
    }
    expect(await call('panel/setBudget', { field: 'priority', value: 1, expected: null }, priya.accountId)).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    expect(await jiraValue(PLANNED)).toBe(before);
    expect((await auditOfEpic()).length).toBe(audited);
  });

  it('saves an editor\'s edit to Jira with its variance and audit, and refuses a stale one with the current value', async () => {
    const before = (await jiraValue(PLANNED)) as number;
    const saved = await data<BudgetEditResult>('panel/setBudget', { field: 'plannedBudget', value: before + 1000.5, expected: before }, priya.accountId);
    expect(saved).toEqual({ status: 'saved', field: 'plannedBudget', value: before + 1000.5 });
    expect(await jiraValue(PLANNED)).toBe(before + 1000.5);
    const actual = (await jiraValue(ACTUAL)) as number | null;
    expect(await jiraValue(VARIANCE)).toBe(actual === null ? null : Math.round((before + 1000.5 - actual) * 100) / 100);
    const [entry] = await auditOfEpic();
    expect(entry).toMatchObject({ actorAccountId: priya.accountId, kind: 'budget', path: 'Planned budget', oldValue: before, newValue: before + 1000.5 });

    const stale = await data<BudgetEditResult>('panel/setBudget', { field: 'plannedBudget', value: 5, expected: before }, priya.accountId);
    expect(stale).toMatchObject({ status: 'conflict', current: before + 1000.5, changedBy: { accountId: priya.accountId, displayName: 'Priya Patel' } });
    expect(await jiraValue(PLANNED)).toBe(before + 1000.5);
  });

  it('takes 100 concurrent edits of one budget: each accepted and audited, or told the current value; nothing lost', async () => {
    const start = (await jiraValue(PLANNED)) as number;
    const audited = (await auditOfEpic()).length;
    const first = await Promise.all(
      Array.from({ length: 100 }, (_, n) => data<BudgetEditResult>('panel/setBudget', { field: 'plannedBudget', value: 10_000 + n, expected: start }, priya.accountId)),
    );
    const accepted = first.filter((result) => result.status === 'saved');
    expect(accepted).toHaveLength(1);
    for (const result of first) if (result.status === 'conflict') expect(result.current).toBe(accepted[0].status === 'saved' ? accepted[0].value : NaN);

    // Ten editors who retry with the value they are told, until theirs is saved.
    const retrying = Array.from({ length: 10 }, async (_, n) => {
      let expected: number | null = accepted[0].status === 'saved' ? accepted[0].value : null;
      for (let attempt = 0; attempt < 50; attempt++) {
        const result = await data<BudgetEditResult>('panel/setBudget', { field: 'plannedBudget', value: 20_000 + n, expected }, priya.accountId);
        if (result.status === 'saved') return 20_000 + n;
        expected = result.current;
      }
      throw new Error('never saved');
    });
    await Promise.all(retrying);
    const entries = (await auditOfEpic()).slice(0, (await auditOfEpic()).length - audited);
    expect(entries).toHaveLength(11);
    // The audit is one chain from the start value: every accepted edit was made against the one before it.
    const next = new Map(entries.map((entry) => [entry.oldValue, entry.newValue]));
    let value: unknown = start;
    for (let step = 0; step < 11; step++) value = next.get(value);
    expect(await jiraValue(PLANNED)).toBe(value);
    expect((await data<IssuePanelView>('panel/item', {}, priya.accountId)).fields.plannedBudget).toBe(value);
  }, 120_000);

  it('brings the new budget into the stored data the portfolio page reads, without waiting for the hourly round', async () => {
    const value = (await jiraValue(PLANNED)) as number;
    await site.runtime.drainQueues({ fastForward: true, timeoutMs: 120_000 });
    const stored = await asApp(site, () => loadProjectData(project.key));
    expect(stored!.items.find((item) => item.key === epic.key)!.plannedBudget).toBe(value);
  }, 120_000);
});
