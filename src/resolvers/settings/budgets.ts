/**
 * The budget import of the settings page: a CSV of planned budgets and actual costs for many items,
 * checked whole, then written through the same checks as the panel's edit: the caller may change
 * money (asked of Jira), may browse each item (read as them, in pages of a `key in (...)` search),
 * each value is claimed as a budget edit (so the panel's conflict check sees it), written as the
 * app through Jira's app field endpoint with Budget variance, audited, and each project refreshed.
 */
import { z } from 'zod';
import { parseBudgetCsv, type BudgetRow } from '../../budgets/csvImport';
import type { JiraClient } from '../../jira/client';
import { JiraBadRequestError } from '../../jira/errors';
import { getFields, resolveMetricFields, type MetricFieldIds } from '../../jira/fields';
import { jiraAsApp } from '../../jira/forge';
import { searchAllIssues, SEARCH_MAX_WITH_FIELDS } from '../../jira/issues';
import { setAppFieldValues, type AppFieldUpdate } from '../../jira/appFields';
import { fieldBudgetVariance } from '../../metrics/budget';
import { getSettings } from '../../settings/store';
import {
  BUDGET_FIELD_NAMES,
  BUDGET_FIELDS,
  type BudgetField,
  type BudgetImportChange,
  type BudgetImportPreview,
  type BudgetImportProblem,
  type BudgetImportSummary,
} from '../../shared/contract';
import { appendAudit, type AuditEntry } from '../../store/audit';
import { claimBudgetEdit, latestBudgetEdit, type BudgetEditRecord } from '../../store/budgetEdits';
import { getCatalogFieldIds } from '../../store/siteCatalog';
import { queueRefresh } from '../../sync/handlers';
import { ResolverFailure } from '../envelope';
import { moneyPermission } from '../pmoEditors';

export interface BudgetImportDependencies {
  /** As the caller: which items they may browse. */
  user: JiraClient;
  /** As the app: who may change money, the writes of the fields. */
  app?: JiraClient;
}

/** Keys in one `key in (...)` search: a page of issues with fields is at most 100. */
const KEYS_PER_SEARCH = SEARCH_MAX_WITH_FIELDS;
/** Searches in flight at once. */
const SEARCHES_PARALLEL = 5;
/** Storage reads and writes in flight at once. */
const STORAGE_PARALLEL = 20;
const NOT_BROWSABLE = 'does not exist or you may not browse it';

const itemSchema = z.object({ id: z.string(), key: z.string(), fields: z.looseObject({ project: z.object({ key: z.string() }) }) });

interface Item {
  id: string;
  key: string;
  projectKey: string;
  jira: Record<BudgetField, number | null>;
}

const numberOrNull = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

async function inBatches<T, R>(values: readonly T[], size: number, run: (value: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let start = 0; start < values.length; start += size) out.push(...(await Promise.all(values.slice(start, start + size).map(run))));
  return out;
}

/**
 * The items the caller may browse, read as them. Jira refuses a whole search naming a key it does
 * not know (to this caller): those keys are taken out, named, and the search asked again.
 */
async function readItems(user: JiraClient, keys: readonly string[], fieldIds: MetricFieldIds): Promise<{ items: Map<string, Item>; requests: number }> {
  const fields = ['project', fieldIds.plannedBudget, fieldIds.actualCost].filter((id): id is string => id !== null);
  const items = new Map<string, Item>();
  let requests = 0;
  const chunks: string[][] = [];
  for (let start = 0; start < keys.length; start += KEYS_PER_SEARCH) chunks.push(keys.slice(start, start + KEYS_PER_SEARCH));
  // A few searches at once: Jira's answer time, not the app, is what an import of thousands waits on.
  await inBatches(chunks, SEARCHES_PARALLEL, async (first) => {
    let chunk = first;
    while (chunk.length > 0) {
      try {
        requests += 1;
        const found = await searchAllIssues(user, { jql: `key in (${chunk.join(', ')})`, fields }, itemSchema);
        for (const issue of found) {
          const value = (id: string | null) => (id === null ? null : numberOrNull(issue.fields[id]));
          items.set(issue.key.toUpperCase(), {
            id: issue.id,
            key: issue.key,
            projectKey: issue.fields.project.key,
            jira: { plannedBudget: value(fieldIds.plannedBudget), actualCost: value(fieldIds.actualCost) },
          });
        }
        return;
      } catch (error) {
        if (!(error instanceof JiraBadRequestError)) throw error;
        const unknown = new Set(error.jiraMessages.flatMap((message) => [...message.matchAll(/key '([^']+)'/g)].map((match) => match[1].toUpperCase())));
        const rest = chunk.filter((key) => !unknown.has(key));
        if (rest.length === chunk.length) throw error;
        chunk = rest;
      }
    }
  });
  return { items, requests };
}

interface Plan {
  problems: BudgetImportProblem[];
  changes: (BudgetImportChange & { issueId: string; record: BudgetEditRecord | null })[];
  unchanged: number;
  rows: number;
  items: Map<string, Item>;
}

/** Everything an import would change, or every reason it may not; nothing is written. */
async function planImport(deps: BudgetImportDependencies, accountId: string, csv: string): Promise<Plan & { fieldIds: MetricFieldIds }> {
  const app = deps.app ?? jiraAsApp();
  const { document } = await getSettings();
  // Checked on the server against Jira, whatever the page showed.
  const permission = await moneyPermission(accountId, document, app);
  if (!permission.allowed) throw new ResolverFailure('FORBIDDEN', permission.reason);
  const parsed = parseBudgetCsv(csv);
  const fieldIds = (await getCatalogFieldIds()) ?? resolveMetricFields(await getFields(app));
  if (!parsed.ok) return { problems: parsed.problems, changes: [], unchanged: 0, rows: 0, items: new Map(), fieldIds };
  const missingField = BUDGET_FIELDS.find((field) => (field === 'plannedBudget' ? fieldIds.plannedBudget : fieldIds.actualCost) === null);
  if (missingField)
    throw new ResolverFailure('NOT_FOUND', `This Jira site has no ${BUDGET_FIELD_NAMES[missingField]} field: the app's fields are created when it is installed.`);
  const { items } = await readItems(
    deps.user,
    parsed.rows.map((row) => row.issueKey),
    fieldIds,
  );
  const problems: BudgetImportProblem[] = [];
  const wanted: { row: BudgetRow; item: Item; field: BudgetField; value: number | null }[] = [];
  for (const row of parsed.rows) {
    const item = items.get(row.issueKey);
    if (!item) {
      problems.push({ line: row.line, issueKey: row.issueKey, message: `Line ${row.line}: ${row.issueKey} ${NOT_BROWSABLE}.` });
      continue;
    }
    for (const field of BUDGET_FIELDS) {
      const value = row.changes[field];
      if (value !== undefined) wanted.push({ row, item, field, value });
    }
  }
  if (problems.length > 0) return { problems, changes: [], unchanged: 0, rows: parsed.rows.length, items, fieldIds };
  // The current value is the newest edit through the app, else what Jira holds, as in the panel.
  const current = await inBatches(wanted, STORAGE_PARALLEL, async (want) => {
    const record = await latestBudgetEdit(want.item.id, want.field);
    return { ...want, record, old: record ? record.newValue : want.item.jira[want.field] };
  });
  const changes: Plan['changes'] = [];
  let unchanged = 0;
  for (const entry of current) {
    if (entry.old === entry.value) unchanged += 1;
    else
      changes.push({
        line: entry.row.line,
        issueKey: entry.item.key,
        projectKey: entry.item.projectKey,
        field: entry.field,
        oldValue: entry.old,
        newValue: entry.value,
        issueId: entry.item.id,
        record: entry.record,
      });
  }
  return { problems, changes, unchanged, rows: parsed.rows.length, items, fieldIds };
}

const publicChange = ({ line, issueKey, projectKey, field, oldValue, newValue }: BudgetImportChange): BudgetImportChange => ({ line, issueKey, projectKey, field, oldValue, newValue });

export async function previewBudgetImport(deps: BudgetImportDependencies, accountId: string, csv: string): Promise<BudgetImportPreview> {
  const plan = await planImport(deps, accountId, csv);
  return { ok: plan.problems.length === 0, problems: plan.problems, rows: plan.rows, changes: plan.changes.map(publicChange), valuesUnchanged: plan.unchanged };
}

function refused(problems: readonly BudgetImportProblem[]): ResolverFailure {
  return new ResolverFailure(
    'INVALID_PAYLOAD',
    `The budget file was not imported: ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}, nothing was changed.`,
    problems.map((problem) => problem.message),
  );
}

export async function importBudgetsAs(deps: BudgetImportDependencies, accountId: string, csv: string, nowMs: number): Promise<BudgetImportSummary> {
  const app = deps.app ?? jiraAsApp();
  const plan = await planImport(deps, accountId, csv);
  if (plan.problems.length > 0) throw refused(plan.problems);
  // Each value claimed after the record it was read from: an edit made since is a conflict, and
  // the whole import is taken back rather than half written.
  const claimed: { change: Plan['changes'][number]; record: BudgetEditRecord }[] = [];
  const lost: Plan['changes'] = [];
  await inBatches(plan.changes, STORAGE_PARALLEL, async (change) => {
    const record = await claimBudgetEdit(
      change.issueId,
      { field: change.field, oldValue: change.oldValue, newValue: change.newValue, actorAccountId: accountId, atMs: nowMs },
      change.record?.seq ?? 0,
    );
    if (record) claimed.push({ change, record });
    else lost.push(change);
  });
  const takeBack = () =>
    inBatches(claimed, STORAGE_PARALLEL, ({ change, record }) =>
      claimBudgetEdit(change.issueId, { field: change.field, oldValue: change.newValue, newValue: change.oldValue, actorAccountId: accountId, atMs: Date.now() }, record.seq).catch(
        () => null,
      ),
    );
  if (lost.length > 0) {
    await takeBack();
    throw new ResolverFailure(
      'CONFLICT',
      `The budget file was not imported: ${lost.length} ${lost.length === 1 ? 'value was' : 'values were'} changed by someone else meanwhile. Preview it again.`,
      lost.map((change) => `Line ${change.line}: ${change.issueKey} ${BUDGET_FIELD_NAMES[change.field]} changed meanwhile.`),
    );
  }
  // Jira's fields as the newest values say, Budget variance recomputed from both.
  const touched = new Map<string, Item>();
  for (const change of plan.changes) touched.set(change.issueKey.toUpperCase(), plan.items.get(change.issueKey.toUpperCase())!);
  const newValue = new Map(plan.changes.map((change) => [`${change.issueId}:${change.field}`, change.newValue]));
  const itemValues = await inBatches([...touched.values()], STORAGE_PARALLEL, async (item) => {
    const values = {} as Record<BudgetField, number | null>;
    for (const field of BUDGET_FIELDS) {
      const key = `${item.id}:${field}`;
      values[field] = newValue.has(key) ? newValue.get(key)! : ((await latestBudgetEdit(item.id, field))?.newValue ?? item.jira[field]);
    }
    return { item, values };
  });
  const updates: AppFieldUpdate[] = [];
  const fieldIdOf = (field: BudgetField) => (field === 'plannedBudget' ? plan.fieldIds.plannedBudget : plan.fieldIds.actualCost)!;
  for (const change of plan.changes) updates.push({ fieldId: fieldIdOf(change.field), issueIds: [change.issueId], value: change.newValue });
  if (plan.fieldIds.budgetVariance)
    for (const { item, values } of itemValues)
      updates.push({ fieldId: plan.fieldIds.budgetVariance, issueIds: [item.id], value: fieldBudgetVariance(values.plannedBudget, values.actualCost) });
  try {
    await setAppFieldValues(app, updates);
  } catch (error) {
    // Jira did not take it all: the records go back to the values before, so they and Jira agree.
    await takeBack();
    throw error;
  }
  const audit: AuditEntry[] = plan.changes.map((change) => ({
    actorAccountId: accountId,
    atMs: nowMs,
    kind: 'budget',
    projectKey: change.projectKey,
    issueKey: change.issueKey,
    path: BUDGET_FIELD_NAMES[change.field],
    oldValue: change.oldValue,
    newValue: change.newValue,
  }));
  await appendAudit(audit);
  const byProject = new Map<string, { projectKey: string; itemsChanged: Set<string>; valuesChanged: number }>();
  for (const change of plan.changes) {
    const entry = byProject.get(change.projectKey) ?? { projectKey: change.projectKey, itemsChanged: new Set<string>(), valuesChanged: 0 };
    entry.itemsChanged.add(change.issueKey);
    entry.valuesChanged += 1;
    byProject.set(change.projectKey, entry);
  }
  // The app's own writes raise no events it listens to: each project's refresh is queued here.
  for (const projectKey of byProject.keys())
    await queueRefresh(projectKey, nowMs, false).catch((error: unknown) => console.warn(`pmo-budgets: could not queue the refresh of ${projectKey}: ${String(error)}`));
  return {
    rows: plan.rows,
    itemsChanged: touched.size,
    valuesChanged: plan.changes.length,
    valuesUnchanged: plan.unchanged,
    byProject: [...byProject.values()]
      .map((entry) => ({ projectKey: entry.projectKey, itemsChanged: entry.itemsChanged.size, valuesChanged: entry.valuesChanged }))
      .sort((a, b) => a.projectKey.localeCompare(b.projectKey)),
    changes: plan.changes.map(publicChange),
  };
}
