import { route } from '@forge/api';
import { z } from 'zod';
import type { JiraClient } from './client';

/** FieldDetails, reduced to what finding a field needs. */
export const fieldSchema = z.object({
  id: z.string().min(1),
  name: z.string().optional().default(''),
  custom: z.boolean().optional(),
  schema: z
    .object({
      type: z.string().optional(),
      items: z.string().optional(),
      system: z.string().optional(),
      custom: z.string().optional(),
      customId: z.number().optional(),
    })
    .optional(),
});
export type JiraField = z.output<typeof fieldSchema>;

/** Every system and custom field of the site (GET /field is not paged). */
export function getFields(client: JiraClient): Promise<JiraField[]> {
  return client.get(route`/rest/api/3/field`, z.array(fieldSchema));
}

/** Where this site keeps the values the metrics read that are not system fields; null when absent. */
export interface MetricFieldIds {
  storyPoints: string | null;
  startDate: string | null;
  flagged: string | null;
  plannedBudget: string | null;
  actualCost: string | null;
  /** The app's Budget variance field, which the sync keeps equal to planned minus actual (absent in catalogs stored before it). */
  budgetVariance?: string | null;
}

/** Jira Software's own story point type; its name differs by project style and language. */
const STORY_POINTS_TYPE_SUFFIX = 'jsw-story-points';
const STORY_POINTS_NAMES = ['story point estimate', 'story points'];
/**
 * The app's Forge fields are named by extension ARI (…/{appId}/{environmentId}/static/{moduleKey}):
 * the suffix matches in every environment and installation, whatever the customfield number.
 */
export const PLANNED_BUDGET_TYPE_SUFFIX = '/static/planned-budget';
export const ACTUAL_COST_TYPE_SUFFIX = '/static/actual-cost';
export const BUDGET_VARIANCE_TYPE_SUFFIX = '/static/budget-variance';

const named = (field: JiraField, names: readonly string[]): boolean => names.includes(field.name.trim().toLowerCase());
const typeEndsWith = (field: JiraField, suffix: string): boolean => field.schema?.custom?.endsWith(suffix) ?? false;

/** The first custom field the tests accept, tried in order (an earlier test wins over a later one). */
function findField(fields: readonly JiraField[], tests: readonly ((field: JiraField) => boolean)[]): string | null {
  // Only custom fields: a system field never holds these values, and ids like "customfield_…" are what search needs.
  const custom = fields.filter((field) => field.custom !== false && field.id.startsWith('customfield_'));
  for (const test of tests) {
    const found = custom.find(test);
    if (found) return found.id;
  }
  return null;
}

/**
 * Finds the metric fields on this site. Story points prefer Jira Software's typed field (a site often
 * also has an old "Story Points" number field that boards no longer write), then the names.
 */
export function resolveMetricFields(fields: readonly JiraField[]): MetricFieldIds {
  return {
    storyPoints: findField(fields, [
      (field) => typeEndsWith(field, STORY_POINTS_TYPE_SUFFIX),
      (field) => named(field, STORY_POINTS_NAMES.slice(0, 1)),
      (field) => named(field, STORY_POINTS_NAMES.slice(1)),
    ]),
    startDate: findField(fields, [(field) => named(field, ['start date'])]),
    flagged: findField(fields, [(field) => named(field, ['flagged'])]),
    plannedBudget: findField(fields, [(field) => typeEndsWith(field, PLANNED_BUDGET_TYPE_SUFFIX)]),
    actualCost: findField(fields, [(field) => typeEndsWith(field, ACTUAL_COST_TYPE_SUFFIX)]),
    budgetVariance: findField(fields, [(field) => typeEndsWith(field, BUDGET_VARIANCE_TYPE_SUFFIX)]),
  };
}
