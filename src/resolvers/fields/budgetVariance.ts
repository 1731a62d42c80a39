/**
 * The Budget variance field's value function: Jira calls it (as the app) when the issue view shows
 * the field, with `{field, issues: [{id, value}]}`, and stores the values it returns, in the same
 * order. The variance is the issue's Planned budget minus its Actual cost, read from Jira as they are
 * now; empty when either is empty. An answer that cannot be computed keeps the value Jira holds.
 */
import { z } from 'zod';
import { jiraAsApp } from '../../jira/forge';
import { getFields, resolveMetricFields } from '../../jira/fields';
import { searchAllIssues } from '../../jira/issues';
import { fieldBudgetVariance } from '../../metrics/budget';
import { getCatalogFieldIds } from '../../store/siteCatalog';

const payloadSchema = z.object({
  issues: z.array(z.object({ id: z.union([z.string(), z.number()]).transform(String), value: z.unknown().optional() })).max(1000),
});

const numberOrNull = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

export async function budgetVarianceValue(payload: unknown): Promise<(number | null)[]> {
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) {
    console.warn(`pmo-fields: Budget variance was asked for values with a payload not in Jira's shape: ${parsed.error.issues[0]?.message ?? ''}`);
    return [];
  }
  const { issues } = parsed.data;
  if (issues.length === 0) return [];
  const held = issues.map((issue) => numberOrNull(issue.value));
  const ids = issues.map((issue) => issue.id).filter((id) => /^\d+$/.test(id));
  try {
    const client = jiraAsApp();
    const fieldIds = (await getCatalogFieldIds()) ?? resolveMetricFields(await getFields(client));
    if (fieldIds.plannedBudget === null || fieldIds.actualCost === null || ids.length === 0) return held;
    const found = await searchAllIssues(
      client,
      { jql: `id in (${ids.join(',')})`, fields: [fieldIds.plannedBudget, fieldIds.actualCost] },
      z.object({ id: z.string(), fields: z.record(z.string(), z.unknown()) }),
    );
    const byId = new Map(found.map((issue) => [issue.id, issue.fields]));
    return issues.map((issue, index) => {
      const fields = byId.get(issue.id);
      if (!fields) return held[index];
      return fieldBudgetVariance(numberOrNull(fields[fieldIds.plannedBudget!]), numberOrNull(fields[fieldIds.actualCost!]));
    });
  } catch (error) {
    console.warn(`pmo-fields: Budget variance kept the values Jira holds: ${String(error)}`);
    return held;
  }
}
