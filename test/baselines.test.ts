/**
 * Project baselines through the project page's and the issue panel's resolvers, on one local site: a
 * PMO editor sets two baselines, a due date moves in Jira and a budget changes through the panel, and
 * after the sync both the project view's comparison and the panel show the slip and the budget change
 * against the chosen baseline. A project manager reads but is refused every change on the server;
 * stale and bad requests change nothing; every change is in the audit log.
 */
import { addDays, format } from 'date-fns';
import type { LocalSite } from '../local/site/site';
import type { Answer, BudgetEditResult, IssuePanelView, ProjectBaselinesView } from '../src/shared/contract';
import { defaultProjectSection } from '../src/settings/schema';
import { getSettings, MAX_DOCUMENT_BYTES, saveSettings } from '../src/settings/store';
import { queryAudit } from '../src/store/audit';
import { browsableProjectKeys, userByName } from './demo-fixture';
import { admin, asApp, changeSettings, dataset, editIssue, runRound, startSite } from './sync-fixture';

const priya = userByName(dataset, 'Priya Patel').accountId;
const PLANNED = dataset.customFields.find((field) => field.name === 'Planned budget')!.id;
const epicType = dataset.issueTypes.find((type) => type.hierarchyLevel === 1)!;
// A budgeted epic with children (a work package) in a project Priya may browse.
const epic = dataset.issues.find(
  (issue) =>
    issue.issueTypeId === epicType.id &&
    browsableProjectKeys(dataset, priya).includes(issue.projectKey) &&
    typeof issue.customFields?.[PLANNED] === 'number' &&
    dataset.issues.some((child) => child.parentKey === issue.key),
)!;
const child = dataset.issues.find((issue) => issue.parentKey === epic.key)!;
const project = dataset.projects.find((candidate) => candidate.key === epic.projectKey)!;
// A project manager who may browse the project but is not a PMO editor.
const manager = dataset.users.find((user) => user.groups.includes('project-managers') && !user.groups.includes('pmo-office') && browsableProjectKeys(dataset, user.accountId).includes(project.key))!;

const onProjectPage = { extension: { type: 'jira:projectPage', project: { id: String(project.id), key: project.key } } };
const onIssue = (issue: { id: string | number; key: string }) => ({ extension: { issue: { id: String(issue.id), key: issue.key, type: 'Epic' }, project: { id: String(project.id), key: project.key } } });

let site: LocalSite;
beforeAll(async () => {
  site = await startSite();
  await runRound(site);
  const saved = await changeSettings(site, (document) => ({ ...document, currency: 'EUR', pmoEditorGroup: 'pmo-office' }));
  expect(saved.status).toBe('saved');
}, 120_000);
afterAll(() => site.close());

const call = <T>(key: string, payload: unknown, accountId: string) => site.invoke('pmo-project-health', key, payload, accountId, onProjectPage) as Promise<Answer<T>>;
async function data<T>(key: string, payload: unknown, accountId: string): Promise<T> {
  const answer = await call<T>(key, payload, accountId);
  if (!answer.ok) throw new Error(`${key}: ${answer.error.code} ${answer.error.message} ${(answer.error.details ?? []).join('; ')}`);
  return answer.data;
}
async function panel(issue: { id: string | number; key: string }, accountId = priya): Promise<IssuePanelView> {
  const answer = (await site.invoke('pmo-budget-panel', 'panel/item', {}, accountId, onIssue(issue))) as Answer<IssuePanelView>;
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.data;
}
const baselinesOf = (accountId = priya) => data<ProjectBaselinesView>('project/baselines', { projectKey: project.key }, accountId);
const settingsVersion = async () => (await asApp(site, getSettings)).version;

describe('project baselines', () => {
  let first: ProjectBaselinesView;
  let second: ProjectBaselinesView;
  let epicDueBefore: string;

  test('before any baseline the view says so, and the epic is a work package with a due date', async () => {
    // The epic gets a due date to slip from (the dataset may leave it without one).
    epicDueBefore = format(addDays(new Date(), 60), 'yyyy-MM-dd');
    await editIssue(site, epic.key, { duedate: epicDueBefore });
    await site.runtime.drainQueues({ fastForward: true, timeoutMs: 120_000 });
    const view = await baselinesOf();
    expect(view).toMatchObject({ projectKey: project.key, baselines: [], chosenId: null, comparison: null, canEdit: true, reason: 'No baseline has been set for this project yet.' });
  });

  test('a PMO editor sets two baselines; the first is the chosen one', async () => {
    const empty = await baselinesOf();
    first = await data<ProjectBaselinesView>('project/setBaseline', { projectKey: project.key, name: '  Approved plan ', expectedVersion: empty.version }, priya);
    expect(first.baselines).toHaveLength(1);
    expect(first.baselines[0]).toMatchObject({ name: 'Approved plan', setBy: { accountId: priya } });
    expect(first.chosenId).toBe(first.baselines[0].id);
    const line = first.comparison!.packages.find((entry) => entry.issueKey === epic.key)!;
    expect(line).toMatchObject({ presence: 'in both', baselineDue: epicDueBefore, currentDue: epicDueBefore, slipDays: { value: 0 }, budgetChange: { value: 0 } });

    second = await data<ProjectBaselinesView>('project/setBaseline', { projectKey: project.key, name: 'Re-plan', expectedVersion: first.version }, priya);
    expect(second.baselines.map((baseline) => baseline.name).sort()).toEqual(['Approved plan', 'Re-plan']);
    expect(second.chosenId).toBe(first.chosenId);
    expect(second.version).toBe(first.version + 1);
  });

  test('a stale, duplicate or bad request is refused with what is wrong, and changes nothing', async () => {
    const version = await settingsVersion();
    const stale = await call('project/setBaseline', { projectKey: project.key, name: 'Late', expectedVersion: first.version }, priya);
    expect(stale).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringContaining(`version ${version}`) } });
    const duplicate = await call('project/setBaseline', { projectKey: project.key, name: 'Re-plan', expectedVersion: version }, priya);
    expect(duplicate).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD', message: expect.stringContaining('already has a baseline named "Re-plan"') } });
    for (const [payload, problem] of [
      [{ projectKey: project.key, name: '   ', expectedVersion: version }, 'name: must not be empty'],
      [{ projectKey: project.key, name: 'x'.repeat(201), expectedVersion: version }, 'name: must be at most 200 characters'],
      [{ projectKey: project.key, name: 7, expectedVersion: version }, 'name: must be text'],
    ] as const) {
      const answer = await call('project/setBaseline', payload, priya);
      expect(answer).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD', details: [problem] } });
    }
    const badId = await call('project/chooseBaseline', { projectKey: project.key, id: '../x', expectedVersion: version }, priya);
    expect(badId).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD', details: [expect.stringContaining('id: must be 1 to 64 letters')] } });
    const unknown = await call('project/deleteBaseline', { projectKey: project.key, id: 'bl-none', expectedVersion: version }, priya);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // Another project's key on this project's page reads nothing.
    const other = dataset.projects.find((candidate) => candidate.key !== project.key)!;
    expect(await call('project/baselines', { projectKey: other.key }, priya)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await settingsVersion()).toBe(version);
  });

  test('a project manager reads the baselines, is told why not, and is refused every change on the server', async () => {
    const version = await settingsVersion();
    const view = await baselinesOf(manager.accountId);
    expect(view).toMatchObject({ canEdit: false, editReason: expect.stringContaining('pmo-office') });
    expect(view.baselines).toHaveLength(2);
    for (const [key, payload] of [
      ['project/setBaseline', { projectKey: project.key, name: 'Mine', expectedVersion: version }],
      ['project/chooseBaseline', { projectKey: project.key, id: null, expectedVersion: version }],
      ['project/deleteBaseline', { projectKey: project.key, id: first.chosenId, expectedVersion: version }],
    ] as const) {
      expect({ key, answer: await call(key, payload, manager.accountId) }).toMatchObject({ key, answer: { ok: false, error: { code: 'FORBIDDEN' } } });
    }
    expect(await settingsVersion()).toBe(version);
  });

  test('a due date moved in Jira and a budget changed in the panel show as slip and budget change, in the view and the panel', async () => {
    const due = format(addDays(new Date(`${epicDueBefore}T00:00:00Z`), 10), 'yyyy-MM-dd');
    await editIssue(site, epic.key, { duedate: due });
    const before = await panel(epic);
    const planned = before.fields.plannedBudget!;
    const edit = (await site.invoke('pmo-budget-panel', 'panel/setBudget', { field: 'plannedBudget', value: planned + 500, expected: planned }, priya, onIssue(epic))) as Answer<BudgetEditResult>;
    expect(edit).toMatchObject({ ok: true, data: { status: 'saved' } });
    await site.runtime.drainQueues({ fastForward: true, timeoutMs: 120_000 });
    await runRound(site);

    // Against the second baseline too, once chosen: the same change, as both were set before it.
    const chosen = await data<ProjectBaselinesView>('project/chooseBaseline', { projectKey: project.key, id: second.baselines.find((b) => b.name === 'Re-plan')!.id, expectedVersion: await settingsVersion() }, priya);
    expect(chosen.comparison!.baseline.name).toBe('Re-plan');
    const view = await data<ProjectBaselinesView>('project/chooseBaseline', { projectKey: project.key, id: first.chosenId, expectedVersion: chosen.version }, priya);
    expect(view.comparison!.baseline.name).toBe('Approved plan');
    for (const comparison of [chosen.comparison!, view.comparison!]) {
      const line = comparison.packages.find((entry) => entry.issueKey === epic.key)!;
      expect(line).toMatchObject({ baselineDue: epicDueBefore, currentDue: due, slipDays: { value: 10 }, baselineBudget: planned, currentBudget: planned + 500, budgetChange: { value: 500 } });
      expect(line.budgetChangePercent.value).toBeCloseTo(500 / planned, 9);
      expect(comparison.totals.maxSlipDays.value).toBeGreaterThanOrEqual(10);
      expect(comparison.totals.slippedCount).toBeGreaterThanOrEqual(1);
      expect(comparison.totals.budgetChange).toEqual({ value: 500 });
    }

    // The panel: the epic's own line, and for its child the epic's line.
    for (const issue of [epic, child]) {
      const shown = await panel(issue);
      expect(shown.baseline).toMatchObject({ chosen: { name: 'Approved plan' }, packageKey: epic.key, reason: null, line: { slipDays: { value: 10 }, budgetChange: { value: 500 } } });
    }
  }, 120_000);

  test('as of yesterday, baselines set today are not offered', async () => {
    const yesterday = format(addDays(new Date(), -1), 'yyyy-MM-dd');
    const view = await data<ProjectBaselinesView>('project/baselines', { projectKey: project.key, asOfDay: yesterday }, priya);
    expect(view.baselines).toEqual([]);
    expect(view.comparison).toBeNull();
    expect(view.reason).toContain(`set after ${yesterday}`);
    const tomorrow = format(addDays(new Date(), 1), 'yyyy-MM-dd');
    expect(await call('project/baselines', { projectKey: project.key, asOfDay: tomorrow }, priya)).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
  });

  test('deleting the chosen baseline clears the choice; every change is audited', async () => {
    const view = await data<ProjectBaselinesView>('project/deleteBaseline', { projectKey: project.key, id: first.chosenId, expectedVersion: await settingsVersion() }, priya);
    expect(view.baselines.map((baseline) => baseline.name)).toEqual(['Re-plan']);
    expect(view).toMatchObject({ chosenId: null, comparison: null, reason: 'No baseline is chosen: choose one to see budget change and slip.' });
    const panelNow = await panel(child);
    expect(panelNow.baseline).toMatchObject({ chosen: null, line: null, reason: 'No baseline is chosen for this project.' });

    const entries = (await asApp(site, () => queryAudit({ projectKey: project.key, limit: 100 }))).entries.filter((entry) => entry.kind === 'settings');
    const paths = entries.filter((entry) => entry.actorAccountId === priya).map((entry) => entry.path);
    // The first set wrote the project's whole section (it had none); then each baseline set or
    // deleted under its own id, two choices by hand and the delete's clearing of the choice.
    const replanId = second.baselines.find((baseline) => baseline.name === 'Re-plan')!.id;
    expect(paths.filter((path) => path === `projects.${project.key}`)).toHaveLength(1);
    expect(paths.filter((path) => path.startsWith(`projects.${project.key}.baselines`)).sort()).toEqual([`projects.${project.key}.baselines.${first.chosenId}`, `projects.${project.key}.baselines.${replanId}`].sort());
    expect(paths.filter((path) => path === `projects.${project.key}.chosenBaselineId`)).toHaveLength(3);
    const deleted = entries.find((entry) => entry.path === `projects.${project.key}.baselines.${first.chosenId}`)!;
    expect(deleted).toMatchObject({ actorAccountId: priya, oldValue: { name: 'Approved plan', setBy: priya }, newValue: null });
    const set = entries.find((entry) => entry.path === `projects.${project.key}.baselines.${replanId}`)!;
    expect(set).toMatchObject({ oldValue: null, newValue: { name: 'Re-plan', packages: expect.arrayContaining([expect.objectContaining({ issueKey: epic.key, dueDay: epicDueBefore })]) } });
    expect(entries.some((entry) => entry.actorAccountId === manager.accountId)).toBe(false);
  });

  test('a baseline that would not fit in the settings is refused, saying so, and nothing is stored', async () => {
    // Another project's baseline fills the settings to just under their limit.
    const { version, document } = await asApp(site, getSettings);
    const other = dataset.projects.find((candidate) => candidate.key !== project.key)!;
    const filler = (count: number) => ({ id: 'bl-filler', name: 'Filler', setAt: '2026-01-01T00:00:00.000Z', setBy: admin, packages: Array.from({ length: count }, (_, index) => ({ issueKey: `${other.key}-${index + 1000}`, plannedBudget: 1, dueDay: null })) });
    const withFiller = (count: number) => ({ ...document, projects: { ...document.projects, [other.key]: { ...(document.projects[other.key] ?? defaultProjectSection()), baselines: [filler(count)], chosenBaselineId: null } } });
    const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');
    const perPackage = bytes(withFiller(2)) - bytes(withFiller(1));
    const count = Math.floor((MAX_DOCUMENT_BYTES - bytes(withFiller(0)) - 200) / perPackage);
    const saved = await asApp(site, () => saveSettings(withFiller(count), { expectedVersion: version, actorAccountId: admin, nowMs: Date.now() }));
    expect(saved).toMatchObject({ status: 'saved' });

    const answer = await call('project/setBaseline', { projectKey: project.key, name: 'Too big', expectedVersion: version + 1 }, priya);
    expect(answer).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD', message: expect.stringMatching(/does not fit: the settings would be \d+ KB, more than the 200 KB/) } });
    expect(await settingsVersion()).toBe(version + 1);
  });
});
