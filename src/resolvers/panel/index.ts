/**
 * Resolver of the project manager's issue panel (jira:issuePanel): this item's money, schedule and
 * place in its package, and the inline edit of its budget fields by PMO editors. The issue is always
 * the one the platform opened the panel on (never the payload's word), read as the viewer first, so
 * the panel shows nothing of an issue the viewer may not browse.
 */
import { route } from '@forge/api';
import { z } from 'zod';
import { setAppFieldValues, type AppFieldUpdate } from '../../jira/appFields';
import type { JiraClient } from '../../jira/client';
import { getFields, resolveMetricFields, type MetricFieldIds } from '../../jira/fields';
import { jiraAsApp, jiraAsUser } from '../../jira/forge';
import { displayNames } from '../../jira/users';
import { fieldBudgetVariance } from '../../metrics/budget';
import { itemPanelFigures, panelBaselineOf } from '../../metrics/itemPanel';
import { UNNAMED } from '../../metrics/projectView';
import type { SettingsDocument } from '../../settings/schema';
import { itemCompliance } from '../../compliance/item';
import { effectiveRules } from '../../compliance/settings';
import { complianceSettingsOf } from '../../settings/mapping';
import { getGroupMembers, getSettings, projectSettingsFor } from '../../settings/store';
import {
  BUDGET_FIELD_NAMES,
  BUDGET_FIELDS,
  MAX_BUDGET_AMOUNT,
  type BudgetEditRequest,
  type BudgetEditResult,
  type BudgetField,
  type IssuePanelResolvers,
  type IssuePanelView,
} from '../../shared/contract';
import { appendAudit } from '../../store/audit';
import { claimBudgetEdit, latestBudgetEdit, type BudgetEditRecord } from '../../store/budgetEdits';
import { loadProjectData } from '../../store/projectData';
import { getSnapshot } from '../../store/snapshots';
import { getCatalogFieldIds } from '../../store/siteCatalog';
import { queueRefresh } from '../../sync/handlers';
import { answered, ResolverFailure, type Caller } from '../envelope';
import { moneyPermission } from '../pmoEditors';
import { surfaceResolver } from '../surface';

/** An amount of the site currency: finite, 0 to 10^12, at most 2 decimals. */
export const budgetAmountSchema = z
  .number({ message: 'must be a number' })
  .finite('must be a finite number')
  .min(0, 'cannot be negative')
  .max(MAX_BUDGET_AMOUNT, `cannot be more than ${MAX_BUDGET_AMOUNT.toLocaleString('en-US')}`)
  .refine((value) => Math.abs(value * 100 - Math.round(value * 100)) < 1e-6, 'has more than 2 decimals');

export const budgetEditRequestSchema: z.ZodType<BudgetEditRequest> = z.strictObject({
  field: z.enum(BUDGET_FIELDS),
  value: budgetAmountSchema.nullable(),
  expected: z.number().finite().nullable(),
});

const NOT_FOUND = 'This issue does not exist or you may not browse it.';

/** The issue the panel is opened on, as the platform's context names it. */
function contextIssue(caller: Caller): { key: string; projectKey: string } {
  const extension = (caller.context as { extension?: { issue?: { key?: unknown }; project?: { key?: unknown } } }).extension;
  const key = extension?.issue?.key;
  const projectKey = extension?.project?.key;
  if (typeof key !== 'string' || typeof projectKey !== 'string') throw new ResolverFailure('NOT_FOUND', 'The panel is not open on an issue.');
  return { key, projectKey };
}

const numberOrNull = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

const issueSchema = z.object({
  id: z.string(),
  key: z.string(),
  fields: z.looseObject({
    summary: z.string().nullish(),
    issuetype: z.object({ name: z.string() }).nullish(),
    status: z.object({ statusCategory: z.object({ key: z.string() }).optional() }).nullish(),
    project: z.object({ key: z.string() }),
  }),
});
type PanelIssue = z.output<typeof issueSchema> & { budget: Record<BudgetField, number | null> };

async function fieldIdsOf(client: JiraClient): Promise<MetricFieldIds> {
  return (await getCatalogFieldIds()) ?? resolveMetricFields(await getFields(client));
}

/** The issue read as the viewer (Jira answers 404 for one they may not browse), with its budget fields. */
async function readIssueAsViewer(key: string, projectKey: string, fieldIds: MetricFieldIds): Promise<PanelIssue> {
  const fields = ['summary', 'issuetype', 'status', 'project', fieldIds.plannedBudget, fieldIds.actualCost].filter((id): id is string => id !== null);
  const issue = await jiraAsUser().get(route`/rest/api/3/issue/${key}?fields=${fields.join(',')}`, issueSchema);
  if (issue.fields.project.key !== projectKey) throw new ResolverFailure('NOT_FOUND', NOT_FOUND);
  const value = (id: string | null) => (id === null ? null : numberOrNull(issue.fields[id]));
  return { ...issue, budget: { plannedBudget: value(fieldIds.plannedBudget), actualCost: value(fieldIds.actualCost) } };
}

/** A budget field's current value: the newest edit through the app, else what Jira holds. */
async function currentValue(issue: PanelIssue, field: BudgetField): Promise<{ value: number | null; record: BudgetEditRecord | null }> {
  const record = await latestBudgetEdit(issue.id, field);
  return { value: record ? record.newValue : issue.budget[field], record };
}

async function settingsOf(projectKey: string) {
  const [{ document }, members] = await Promise.all([getSettings(), getGroupMembers()]);
  return { document, settings: projectSettingsFor(document, projectKey, { groupMembers: members.byGroup }) };
}

export const panelItem = answered(z.strictObject({}), async (_payload, caller): Promise<IssuePanelView> => {
  const { key, projectKey } = contextIssue(caller);
  const fieldIds = await fieldIdsOf(jiraAsUser());
  const issue = await readIssueAsViewer(key, projectKey, fieldIds);
  const [{ document, settings }, data, snapshot, planned, actual] = await Promise.all([
    settingsOf(projectKey),
    loadProjectData(projectKey),
    getSnapshot(projectKey),
    currentValue(issue, 'plannedBudget'),
    currentValue(issue, 'actualCost'),
  ]);
  const permission = await moneyPermission(caller.accountId, document);
  const nowMs = Date.now();
  const figures = data ? itemPanelFigures(data, settings, nowMs, issue.key) : null;
  const category = issue.fields.status?.statusCategory?.key;
  // The rules in force for the project as of now (its portfolio's overrides included). Its children come
  // from the project's own synced data: Jira grants browsing by project, and the viewer may browse this one.
  const rules = effectiveRules(complianceSettingsOf(document), projectKey, snapshot?.row.portfolio?.name ?? null);
  const compliance = data ? itemCompliance(data, rules, nowMs, settings.timeZone, issue.key) : null;
  return {
    issue: {
      key: issue.key,
      summary: issue.fields.summary ?? '',
      projectKey,
      issueType: issue.fields.issuetype?.name ?? '',
      statusCategory: category === 'new' || category === 'indeterminate' || category === 'done' ? category : null,
    },
    currency: document.currency,
    fields: { plannedBudget: planned.value, actualCost: actual.value },
    canEdit: permission.allowed,
    editReason: permission.reason,
    money: figures?.money ?? null,
    notSyncedReason: !data ? `${projectKey} has not been synced yet: its figures appear after its first sync.` : figures ? null : `${issue.key} is not in the synced data yet: its figures appear after the next sync.`,
    schedule: figures?.schedule ?? null,
    place: figures?.place ?? null,
    // The synced data's time: the figures are as fresh as the project's last sync.
    computedAt: figures ? (snapshot?.status.syncedAt ?? null) : null,
    baseline: data && figures ? panelBaselineOf(data, nowMs, issue.key, figures.place?.workPackage?.key ?? null, await chosenBaseline(document, projectKey)) : null,
    compliance,
  };
});

/** The project's chosen baseline with its setter's name as the viewer sees it; null when none is chosen. */
async function chosenBaseline(document: SettingsDocument, projectKey: string) {
  const section = Object.hasOwn(document.projects, projectKey) ? document.projects[projectKey] : null;
  const baseline = section?.baselines.find((candidate) => candidate.id === section.chosenBaselineId);
  if (!baseline) return null;
  const names = await displayNames(jiraAsUser(), [baseline.setBy]).catch(() => new Map<string, string>());
  const ref = { id: baseline.id, name: baseline.name, setAt: baseline.setAt, setBy: { accountId: baseline.setBy, displayName: names.get(baseline.setBy) ?? UNNAMED }, packageCount: baseline.packages.length };
  return { baseline, ref };
}

async function conflict(field: BudgetField, record: BudgetEditRecord | null, jiraValue: number | null): Promise<BudgetEditResult> {
  if (!record) return { status: 'conflict', field, current: jiraValue, changedBy: null, changedAt: null };
  const names = await displayNames(jiraAsApp(), [record.actorAccountId]).catch(() => new Map<string, string>());
  return {
    status: 'conflict',
    field,
    current: record.newValue,
    changedBy: { accountId: record.actorAccountId, displayName: names.get(record.actorAccountId) ?? record.actorAccountId },
    changedAt: new Date(record.atMs).toISOString(),
  };
}

/** Jira's fields as the newest edits say, Budget variance with them; rewritten while newer edits appear. */
async function writeToJira(issue: PanelIssue, fieldIds: MetricFieldIds, field: BudgetField, written: BudgetEditRecord): Promise<void> {
  const jiraField = field === 'plannedBudget' ? fieldIds.plannedBudget : fieldIds.actualCost;
  if (jiraField === null) throw new ResolverFailure('NOT_FOUND', `This Jira site has no ${BUDGET_FIELD_NAMES[field]} field: the app's fields are created when it is installed.`);
  let latest = written;
  // An older edit's write may land after a newer one's: whoever writes last checks for a newer edit.
  for (let round = 0; round < 5; round++) {
    const other = await currentValue(issue, field === 'plannedBudget' ? 'actualCost' : 'plannedBudget');
    const planned = field === 'plannedBudget' ? latest.newValue : other.value;
    const actual = field === 'actualCost' ? latest.newValue : other.value;
    const updates: AppFieldUpdate[] = [{ fieldId: jiraField, issueIds: [issue.id], value: latest.newValue }];
    if (fieldIds.budgetVariance) updates.push({ fieldId: fieldIds.budgetVariance, issueIds: [issue.id], value: fieldBudgetVariance(planned, actual) });
    await setAppFieldValues(jiraAsApp(), updates);
    const newest = await latestBudgetEdit(issue.id, field);
    if (!newest || newest.seq <= latest.seq) return;
    latest = newest;
  }
}

export const panelSetBudget = answered(budgetEditRequestSchema, async (edit, caller): Promise<BudgetEditResult> => {
  const { key, projectKey } = contextIssue(caller);
  const { document } = await getSettings();
  // Checked on the server against Jira, whatever the panel showed.
  const permission = await moneyPermission(caller.accountId, document);
  if (!permission.allowed) throw new ResolverFailure('FORBIDDEN', permission.reason);
  const fieldIds = await fieldIdsOf(jiraAsApp());
  const issue = await readIssueAsViewer(key, projectKey, fieldIds);
  const current = await currentValue(issue, edit.field);
  if (current.value !== edit.expected) return conflict(edit.field, current.record, issue.budget[edit.field]);
  if (current.value === edit.value) return { status: 'saved', field: edit.field, value: edit.value };
  const nowMs = Date.now();
  const claimed = await claimBudgetEdit(
    issue.id,
    { field: edit.field, oldValue: current.value, newValue: edit.value, actorAccountId: caller.accountId, atMs: nowMs },
    current.record?.seq ?? 0,
  );
  if (!claimed) return conflict(edit.field, await latestBudgetEdit(issue.id, edit.field), issue.budget[edit.field]);
  try {
    await writeToJira(issue, fieldIds, edit.field, claimed);
  } catch (error) {
    // Jira did not take it: an edit back to the value before, so the record and Jira agree again.
    await claimBudgetEdit(issue.id, { field: edit.field, oldValue: edit.value, newValue: current.value, actorAccountId: caller.accountId, atMs: Date.now() }, claimed.seq).catch(
      () => null,
    );
    throw error;
  }
  await appendAudit([
    { actorAccountId: caller.accountId, atMs: nowMs, kind: 'budget', projectKey, issueKey: issue.key, path: BUDGET_FIELD_NAMES[edit.field], oldValue: current.value, newValue: edit.value },
  ]);
  // The app's own writes raise no events it listens to: the project's refresh is queued here, so the
  // portfolio page shows the new variance within a minute.
  await queueRefresh(projectKey, nowMs, false).catch((error: unknown) => console.warn(`pmo-budgets: could not queue the refresh of ${projectKey}: ${String(error)}`));
  return { status: 'saved', field: edit.field, value: edit.value };
});

export const issuePanel = surfaceResolver<IssuePanelResolvers>({
  'panel/item': panelItem,
  'panel/setBudget': panelSetBudget,
});

export const handler = issuePanel.handler;
