/**
 * The PMO's compliance settings: each rule on or off, its severity, its parameters, whether the
 * workflow gate enforces it, and which items it applies to; set for the site and overridable per
 * portfolio and per project (the project wins over its portfolio, which wins over the site). This is
 * the `compliance` section of the settings document; the settings store validates it with this schema.
 */
import { z } from 'zod';
import type { StatusCategory } from '../metrics/model';
import type { ProjectSettings } from '../metrics/settings';
import { BUILT_IN_RULES, PARAMS, RULE_IDS, SEVERITIES, type RuleDefinition, type RuleId, type RuleParams, type RuleScope, type Severity } from './rules';

const statusCategory = z.enum(['new', 'indeterminate', 'done']);
const projectKey = z.string().regex(/^[A-Z][A-Z0-9_]{0,49}$/, 'a Jira project key (capital letters, digits, _)');

/** Which items a rule applies to; a null list means the rule's own default. */
const appliesToSchema = z.strictObject({
  /** Only these projects; null: every project. */
  projectKeys: z.array(projectKey).max(1000).nullable(),
  /** Issue type names; null: the rule's default types. */
  issueTypes: z.array(z.string().min(1).max(60)).max(50).nullable(),
  /** Status categories; null: the rule's default. */
  statusCategories: z.array(statusCategory).min(1).nullable(),
});

function ruleSettingsSchema<P extends z.ZodObject>(params: P) {
  return z.strictObject({
    enabled: z.boolean(),
    severity: z.enum(SEVERITIES),
    /** The workflow gate refuses a transition that would break it. */
    enforceAtGate: z.boolean(),
    appliesTo: appliesToSchema,
    params,
  });
}

function ruleOverrideSchema<P extends z.ZodObject>(params: P) {
  return z.strictObject({
    enabled: z.boolean().optional(),
    severity: z.enum(SEVERITIES).optional(),
    enforceAtGate: z.boolean().optional(),
    appliesTo: appliesToSchema.partial().optional(),
    params: params.partial().optional(),
  });
}

const siteRulesSchema = z.strictObject(Object.fromEntries(RULE_IDS.map((id) => [id, ruleSettingsSchema(PARAMS[id])])) as { [K in RuleId]: ReturnType<typeof ruleSettingsSchema<(typeof PARAMS)[K]>> });
const overridesSchema = z.strictObject(
  Object.fromEntries(RULE_IDS.map((id) => [id, ruleOverrideSchema(PARAMS[id]).optional()])) as { [K in RuleId]: z.ZodOptional<ReturnType<typeof ruleOverrideSchema<(typeof PARAMS)[K]>>> },
);

export const complianceSettingsSchema = z.strictObject({
  site: siteRulesSchema,
  /** Portfolio name -> overrides of its projects' rules. */
  portfolios: z.record(z.string().min(1).max(255), overridesSchema),
  /** Project key -> overrides of its rules. */
  projects: z.record(projectKey, overridesSchema),
});

export type ComplianceSettings = z.infer<typeof complianceSettingsSchema>;
export type RuleOverrides = z.infer<typeof overridesSchema>;

export interface RuleSettings<P> {
  enabled: boolean;
  severity: Severity;
  enforceAtGate: boolean;
  appliesTo: { projectKeys: string[] | null; issueTypes: string[] | null; statusCategories: StatusCategory[] | null };
  params: P;
}

/** One rule as it applies to one project: the definition with the settings that won. */
export interface EffectiveRule<K extends RuleId = RuleId> {
  id: K;
  definition: RuleDefinition<RuleParams[K]>;
  severity: Severity;
  enforceAtGate: boolean;
  scope: RuleScope;
  params: RuleParams[K];
}

const DEFAULT_SEVERITY: Record<RuleId, Severity> = {
  'epic-planned': 'high',
  'in-progress-ready': 'medium',
  'in-progress-updated': 'medium',
  'bug-priority-set': 'low',
  'done-fix-version': 'low',
  'not-overdue': 'high',
  'story-described': 'low',
  'done-without-open-subtasks': 'medium',
  'done-time-logged': 'medium',
};

function defaultSite(): ComplianceSettings['site'] {
  return Object.fromEntries(
    RULE_IDS.map((id) => [
      id,
      {
        // The fix-version rule fits only teams that release by version: off until the PMO chooses it.
        enabled: id !== 'done-fix-version',
        severity: DEFAULT_SEVERITY[id],
        // Starting work without an owner or an estimate is the one thing the gate stops out of the box.
        enforceAtGate: id === 'in-progress-ready',
        appliesTo: { projectKeys: null, issueTypes: null, statusCategories: null },
        params: structuredClone(BUILT_IN_RULES[id].defaultParams),
      },
    ]),
  ) as ComplianceSettings['site'];
}

/** The settings the product ships with. */
export const DEFAULT_COMPLIANCE_SETTINGS: ComplianceSettings = { site: defaultSite(), portfolios: {}, projects: {} };

/** Validates a settings document's compliance section; throws a ZodError saying what is wrong. */
export function parseComplianceSettings(input: unknown): ComplianceSettings {
  return complianceSettingsSchema.parse(input);
}

/**
 * The rules that apply to one project: the site's settings, overridden by its portfolio's, then by
 * its own; enabled rules only, in the built-in order. Pure.
 */
export function effectiveRules(settings: ComplianceSettings, projectKey: string, portfolio: string | null): EffectiveRule[] {
  const rules: EffectiveRule[] = [];
  for (const id of RULE_IDS) {
    const layers = [portfolio === null ? undefined : settings.portfolios[portfolio]?.[id], settings.projects[projectKey]?.[id]];
    const site = settings.site[id];
    let enabled = site.enabled;
    let severity = site.severity;
    let enforceAtGate = site.enforceAtGate;
    let appliesTo = site.appliesTo;
    let params: Record<string, unknown> = { ...site.params };
    for (const layer of layers) {
      if (!layer) continue;
      enabled = layer.enabled ?? enabled;
      severity = layer.severity ?? severity;
      enforceAtGate = layer.enforceAtGate ?? enforceAtGate;
      appliesTo = { ...appliesTo, ...definedOnly(layer.appliesTo ?? {}) };
      params = { ...params, ...definedOnly(layer.params ?? {}) };
    }
    if (!enabled) continue;
    if (appliesTo.projectKeys !== null && !appliesTo.projectKeys.includes(projectKey)) continue;
    const definition = BUILT_IN_RULES[id] as RuleDefinition<RuleParams[RuleId]>;
    rules.push({
      id,
      definition,
      severity,
      enforceAtGate,
      scope: {
        levels: definition.scope.levels,
        issueTypes: appliesTo.issueTypes ?? definition.scope.issueTypes,
        statusCategories: appliesTo.statusCategories ?? definition.scope.statusCategories,
      },
      params: params as RuleParams[RuleId],
    });
  }
  return rules;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

/** The project's settings with the compliance rules in force for it. */
export function withComplianceRules(settings: ProjectSettings, compliance: ComplianceSettings, projectKey: string, portfolio: string | null): ProjectSettings {
  return { ...settings, complianceRules: effectiveRules(compliance, projectKey, portfolio) };
}
