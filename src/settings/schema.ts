/**
 * The PMO's settings document: one versioned JSON document (format docs/settings.md) that the admin
 * page edits, `pmo settings export|import` moves, and src/settings/store.ts keeps. Everything that
 * comes in (UI, file, storage) is parsed with `settingsDocumentSchema`; a problem is reported with the
 * path of the value that is wrong, e.g. `rates.byPerson.5f8a….1.hourlyRate: must be at least 0`.
 */
import { z } from 'zod';
import { complianceSettingsSchema } from '../compliance/settings';
import { projectKeySchema } from '../jira/projects';
import type { SettingsDocumentJson } from '../shared/contract';
import { DEFAULT_PORTFOLIO_SETTINGS, DEFAULT_PROJECT_SETTINGS, DEFAULT_THRESHOLDS } from '../metrics/settings';

export const SETTINGS_FORMAT = 'pmo-settings';
export const SETTINGS_FORMAT_VERSION = 1;

/** Jira Cloud account ids: letters, digits, colons and dashes (e.g. 557058:f58131cb-… or 5f8a…). */
export const accountIdSchema = z.string().regex(/^[A-Za-z0-9:_-]{1,128}$/, 'must be a Jira account id');

/** Jira group names: any text but no control characters; Jira allows 255 characters. */
export const groupNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .regex(/^[^\p{Cc}]+$/u, 'must not contain control characters');

const isCalendarDay = (day: string): boolean => {
  const ms = Date.parse(`${day}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === day;
};

export const daySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date as YYYY-MM-DD', abort: true })
  .refine(isCalendarDay, 'must be a real calendar date');

/** ISO 4217 codes the runtime can format money in (Intl knows every active code). */
const KNOWN_CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));
export const currencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, { message: 'must be a three-letter ISO 4217 code such as EUR or USD', abort: true })
  .refine((code) => KNOWN_CURRENCIES.has(code), 'is not an ISO 4217 currency code');

/** At most two decimals, as money is kept: 12.345 is refused rather than rounded silently. */
const hasAtMostTwoDecimals = (value: number): boolean => Math.abs(Math.round(value * 100) - value * 100) < 1e-6 * Math.max(1, Math.abs(value));

/** A money amount: finite, 0 .. 10^12, at most two decimals. */
export const moneySchema = z
  .number({ error: 'must be a number' })
  .finite('must be a finite number')
  .min(0, 'must be at least 0')
  .max(1e12, 'must be at most 1,000,000,000,000')
  .refine(hasAtMostTwoDecimals, 'must have at most 2 decimals');

export const hourlyRateSchema = z
  .number({ error: 'must be a number' })
  .finite('must be a finite number')
  .min(0, 'must be at least 0')
  .max(1_000_000, 'must be at most 1,000,000 an hour')
  .refine(hasAtMostTwoDecimals, 'must have at most 2 decimals');

/** An hourly rate in effect from a day on, until the next entry of the same list. */
export const ratePeriodSchema = z.strictObject({ from: daySchema, hourlyRate: hourlyRateSchema });

/** A list of dated rates: at most one entry per day, kept in date order. */
export const rateListSchema = z
  .array(ratePeriodSchema)
  .max(1000, 'must have at most 1,000 rate changes')
  .superRefine((periods, context) => {
    const seen = new Set<string>();
    periods.forEach((period, index) => {
      if (seen.has(period.from)) context.addIssue({ code: 'custom', path: [index, 'from'], message: `has two rates from ${period.from}` });
      seen.add(period.from);
    });
  })
  .transform((periods) => [...periods].sort((a, b) => a.from.localeCompare(b.from)));

export const costSourceSchema = z.enum(['fields', 'worklogs', 'both'], { error: "must be 'fields', 'worklogs' or 'both'" });

const share = z.number({ error: 'must be a number' }).finite().min(0, 'must be at least 0').max(1, 'must be at most 1');
const index = z.number({ error: 'must be a number' }).finite().min(0, 'must be at least 0').max(10, 'must be at most 10');

export const thresholdsSchema = z
  .strictObject({
    red: z.strictObject({ spiBelow: index, cpiBelow: index, overdueShareAbove: share }),
    amber: z.strictObject({ spiBelow: index, cpiBelow: index, overdueShareAbove: share, complianceBelow: share }),
  })
  .superRefine((thresholds, context) => {
    // Amber is the milder state: it must start before red does.
    if (thresholds.amber.spiBelow < thresholds.red.spiBelow) context.addIssue({ code: 'custom', path: ['amber', 'spiBelow'], message: 'must be at least red.spiBelow' });
    if (thresholds.amber.cpiBelow < thresholds.red.cpiBelow) context.addIssue({ code: 'custom', path: ['amber', 'cpiBelow'], message: 'must be at least red.cpiBelow' });
    if (thresholds.amber.overdueShareAbove > thresholds.red.overdueShareAbove) {
      context.addIssue({ code: 'custom', path: ['amber', 'overdueShareAbove'], message: 'must be at most red.overdueShareAbove' });
    }
  });

/** One work package as a baseline keeps it. */
export const baselinePackageSchema = z.strictObject({
  issueKey: z.string().regex(/^[A-Z][A-Z0-9_]{1,9}-[1-9][0-9]{0,9}$/, 'must be a Jira issue key such as APOLLO-12'),
  plannedBudget: moneySchema.nullable(),
  dueDay: daySchema.nullable(),
});

/** A project's packages' budgets and due dates as of when it was set, named and dated. */
export const baselineSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, dashes or underscores'),
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  setAt: z.iso.datetime({ error: 'must be an ISO 8601 instant such as 2026-03-01T09:00:00Z' }),
  setBy: accountIdSchema,
  packages: z.array(baselinePackageSchema).max(5000, 'must have at most 5,000 packages'),
});

export const projectSettingsSchema = z
  .strictObject({
    costSource: costSourceSchema.default(DEFAULT_PROJECT_SETTINGS.costSource),
    /** BAC for the whole project, overriding the sum of its work packages' budgets; null: the sum. */
    projectBudget: moneySchema.nullable().default(null),
    /** The project's default rate, for people with no rate of their own or of their group. */
    defaultRates: rateListSchema.default([]),
    baselines: z.array(baselineSchema).max(50, 'must have at most 50 baselines').default([]),
    /** The baseline slip and budget change are measured against; null: none chosen. */
    chosenBaselineId: z.string().nullable().default(null),
  })
  .superRefine((project, context) => {
    const ids = new Set<string>();
    project.baselines.forEach((baseline, position) => {
      if (ids.has(baseline.id)) context.addIssue({ code: 'custom', path: ['baselines', position, 'id'], message: `is used by two baselines (${baseline.id})` });
      ids.add(baseline.id);
    });
    if (project.chosenBaselineId !== null && !ids.has(project.chosenBaselineId)) {
      context.addIssue({ code: 'custom', path: ['chosenBaselineId'], message: `names no baseline of this project (${project.chosenBaselineId})` });
    }
  });

/** Group rates in order of precedence: a person in two rate groups is charged at the first one listed. */
export const groupRateSchema = z.strictObject({ group: groupNameSchema, rates: rateListSchema });

const hoursPerWeek = z.number({ error: 'must be a number' }).finite().min(0, 'must be at least 0').max(168, 'must be at most 168 hours a week');

export const settingsDocumentSchema = z
  .strictObject({
    format: z.literal(SETTINGS_FORMAT, { error: `must be '${SETTINGS_FORMAT}'` }),
    formatVersion: z.literal(SETTINGS_FORMAT_VERSION, { error: `must be ${SETTINGS_FORMAT_VERSION}` }),
    /** The site currency; null until the PMO sets it (money is then shown without a unit). */
    currency: currencySchema.nullable().default(null),
    rates: z
      .strictObject({
        siteDefault: rateListSchema.default([]),
        byPerson: z.record(accountIdSchema, rateListSchema).default({}),
        byGroup: z.array(groupRateSchema).max(100, 'must have at most 100 groups').default([]),
      })
      .default({ siteDefault: [], byPerson: {}, byGroup: [] }),
    projects: z.record(projectKeySchema, projectSettingsSchema).default({}),
    thresholds: thresholdsSchema.default(DEFAULT_THRESHOLDS),
    forecast: z
      .strictObject({
        historyWeeks: z.number({ error: 'must be a number' }).int('must be a whole number of weeks').min(1, 'must be at least 1').max(104, 'must be at most 104'),
      })
      .default({ historyWeeks: DEFAULT_PROJECT_SETTINGS.forecast.historyWeeks }),
    capacity: z
      .strictObject({
        defaultHoursPerWeek: hoursPerWeek,
        byPerson: z.record(accountIdSchema, hoursPerWeek).default({}),
        workloadWeeks: z.number({ error: 'must be a number' }).int('must be a whole number of weeks').min(1, 'must be at least 1').max(52, 'must be at most 52'),
      })
      .default({ defaultHoursPerWeek: DEFAULT_PORTFOLIO_SETTINGS.defaultCapacityHoursPerWeek, byPerson: {}, workloadWeeks: DEFAULT_PORTFOLIO_SETTINGS.workloadWeeks }),
    /** Members of this Jira group (and Jira administrators) may change money and settings; null: administrators only. */
    pmoEditorGroup: groupNameSchema.nullable().default(null),
    /** The compliance rules' section: kept as given, validated by the rule engine. */
    compliance: z
      .record(z.string(), z.unknown())
      .default({})
      .superRefine((section, context) => {
        if (Object.keys(section).length === 0) return;
        const parsed = complianceSettingsSchema.safeParse(section);
        if (!parsed.success) for (const issue of parsed.error.issues) context.addIssue({ code: 'custom', message: issue.message, path: issue.path });
      }),
  })
  .superRefine((document, context) => {
    const groups = new Set<string>();
    document.rates.byGroup.forEach((entry, position) => {
      if (groups.has(entry.group)) context.addIssue({ code: 'custom', path: ['rates', 'byGroup', position, 'group'], message: `lists group ${entry.group} twice` });
      groups.add(entry.group);
    });
  });

/** A settings document as stored and used (every default filled in). */
export type SettingsDocument = z.output<typeof settingsDocumentSchema>;
// The contract's document type and the schema's output are the same shape: the compiler checks both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const documentTypesAgree: Same<SettingsDocument, SettingsDocumentJson> = true;
void documentTypesAgree;

/** A settings document as written by hand or by the admin page (sections may be left out). */
export type SettingsDocumentInput = z.input<typeof settingsDocumentSchema>;
export type RatePeriodSetting = z.output<typeof ratePeriodSchema>;
export type ProjectSettingsSection = z.output<typeof projectSettingsSchema>;
export type Baseline = z.output<typeof baselineSchema>;

/** The document a site starts with: the product's defaults, no rates, no currency, administrators only. */
export function defaultSettingsDocument(): SettingsDocument {
  return settingsDocumentSchema.parse({ format: SETTINGS_FORMAT, formatVersion: SETTINGS_FORMAT_VERSION });
}

/** Defaults of a project the document does not name. */
export function defaultProjectSection(): ProjectSettingsSection {
  return projectSettingsSchema.parse({});
}

/** `a.b.3.c` -> `a.b[3].c`: the path as the PMO reads it in the JSON. */
export function pathText(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text === '' ? '(the document)' : text;
}

/** Every problem of a document, one line each, naming the path that is wrong. */
export function settingsProblems(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    if (issue.code === 'invalid_key') {
      // A record's name (a project key, an account id) is wrong: say which name and what it must be.
      const name = String(issue.path[issue.path.length - 1]);
      const what = issue.issues.map((inner) => inner.message.replace(/^must be /, '')).join(', ');
      return `${pathText(issue.path.slice(0, -1))}: "${name}" is not ${what}`;
    }
    return `${pathText(issue.path)}: ${issue.message}`;
  });
}

export type SettingsParse = { ok: true; document: SettingsDocument } | { ok: false; problems: string[] };

/** Parses a whole document: every problem is reported, nothing is half-accepted. */
export function parseSettingsDocument(input: unknown): SettingsParse {
  const parsed = settingsDocumentSchema.safeParse(input);
  return parsed.success ? { ok: true, document: parsed.data } : { ok: false, problems: settingsProblems(parsed.error) };
}
