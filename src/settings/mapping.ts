/**
 * From the PMO's settings document to the settings the metrics engine takes (src/metrics/settings.ts).
 * Pure: group membership comes in as data, read from Jira and kept by src/settings/groupMembers.ts.
 */
import { DEFAULT_PROJECT_SETTINGS, type CostRates, type PortfolioSettings, type ProjectSettings, type RatePeriod } from '../metrics/settings';
import { dayNumber, type DayNumber } from '../metrics/model';
import { DEFAULT_COMPLIANCE_SETTINGS, effectiveRules, parseComplianceSettings, type ComplianceSettings } from '../compliance/settings';
import { defaultProjectSection, type RatePeriodSetting, type SettingsDocument } from './schema';

export interface ProjectSettingsExtras {
  /** Members (account ids) of each Jira group the rates name, as Jira last listed them. */
  groupMembers: Readonly<Record<string, readonly string[]>>;
  /** The site's time zone (days of worklogs and "today"); UTC when not given. */
  timeZone?: string;
  /** The project's portfolio (its Jira category): portfolio overrides of the compliance rules apply. */
  portfolio?: string | null;
}

const toPeriods = (periods: readonly RatePeriodSetting[]): RatePeriod[] => periods.map((period) => ({ fromDay: dayNumber(period.from), hourlyRate: period.hourlyRate }));

/**
 * The cost rates of one project. A group's rate reaches the engine as a role: each member's role is
 * the first rate group listed that they are in, so a person in two rate groups is charged at one rate
 * and the order in the document decides which.
 */
export function costRatesFor(document: SettingsDocument, projectKey: string, groupMembers: ProjectSettingsExtras['groupMembers']): CostRates {
  const project = Object.hasOwn(document.projects, projectKey) ? document.projects[projectKey] : defaultProjectSection();
  const byPerson: Record<string, RatePeriod[]> = {};
  for (const [accountId, periods] of Object.entries(document.rates.byPerson)) byPerson[accountId] = toPeriods(periods);
  const byRole: Record<string, RatePeriod[]> = {};
  const roleOf: Record<string, string> = {};
  for (const { group, rates } of document.rates.byGroup) {
    byRole[group] = toPeriods(rates);
    const members = Object.hasOwn(groupMembers, group) ? groupMembers[group] : [];
    for (const accountId of members) if (!Object.hasOwn(roleOf, accountId)) roleOf[accountId] = group;
  }
  return { byPerson, roleOf, byRole, projectDefault: toPeriods(project.defaultRates), siteDefault: toPeriods(document.rates.siteDefault) };
}

/** The chosen baseline's day: due dates are compared with it for slip; null without a chosen baseline. */
function chosenBaselineDay(document: SettingsDocument, projectKey: string): DayNumber | null {
  const project = Object.hasOwn(document.projects, projectKey) ? document.projects[projectKey] : null;
  const chosen = project?.baselines.find((baseline) => baseline.id === project.chosenBaselineId);
  return chosen ? dayNumber(chosen.setAt.slice(0, 10)) : null;
}

/** The document's compliance section; an empty section (never saved) is the product's default rules. */
export function complianceSettingsOf(document: SettingsDocument): ComplianceSettings {
  return Object.keys(document.compliance).length === 0 ? DEFAULT_COMPLIANCE_SETTINGS : parseComplianceSettings(document.compliance);
}

/** Everything the engine needs for one project under the document. */
export function projectSettingsFor(document: SettingsDocument, projectKey: string, extras: ProjectSettingsExtras): ProjectSettings {
  const project = Object.hasOwn(document.projects, projectKey) ? document.projects[projectKey] : defaultProjectSection();
  return {
    ...DEFAULT_PROJECT_SETTINGS,
    costSource: project.costSource,
    projectBudget: project.projectBudget,
    baselineDay: chosenBaselineDay(document, projectKey),
    rates: costRatesFor(document, projectKey, extras.groupMembers),
    forecast: { ...DEFAULT_PROJECT_SETTINGS.forecast, historyWeeks: document.forecast.historyWeeks },
    thresholds: document.thresholds,
    complianceRules: effectiveRules(complianceSettingsOf(document), projectKey, extras.portfolio ?? null),
    timeZone: extras.timeZone ?? DEFAULT_PROJECT_SETTINGS.timeZone,
  };
}

/** The settings across projects: people's weekly capacity and the workload window. */
export function portfolioSettingsFor(document: SettingsDocument): PortfolioSettings {
  return {
    capacityHoursPerWeek: { ...document.capacity.byPerson },
    defaultCapacityHoursPerWeek: document.capacity.defaultHoursPerWeek,
    workloadWeeks: document.capacity.workloadWeeks,
  };
}
