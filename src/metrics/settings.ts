/**
 * The PMO's settings that the metrics depend on, with the defaults the product ships. Settings are
 * validated where they are stored; the engine trusts what it is given.
 */
import type { EffectiveRule } from '../compliance/settings';
import type { DayNumber } from './model';

/** What an item weighs for progress: the first of these that is set, else 1. */
export type WeightSource = 'storyPoints' | 'originalEstimate';

/** How a work package without children earns value before it is done. */
export type EarnedValueRule = '0/100' | '50/50' | 'timeSpent';

/** Where actual cost comes from: the Actual cost field, worklog hours x rates, or both added. */
export type CostSource = 'fields' | 'worklogs' | 'both';

/** An hourly rate in effect from a day on (until the next entry of the same list). */
export interface RatePeriod {
  fromDay: DayNumber;
  hourlyRate: number;
}

export interface CostRates {
  /** accountId -> rates, newest last. */
  byPerson: Record<string, RatePeriod[]>;
  /** accountId -> role name, for people without rates of their own. */
  roleOf: Record<string, string>;
  /** role name -> rates. */
  byRole: Record<string, RatePeriod[]>;
  /** The project's default rate (per project settings). */
  projectDefault: RatePeriod[];
  /** The site's default rate. */
  siteDefault: RatePeriod[];
}

export interface HealthThresholds {
  red: { spiBelow: number; cpiBelow: number; overdueShareAbove: number };
  amber: { spiBelow: number; cpiBelow: number; overdueShareAbove: number; complianceBelow: number };
}

export type Rag = 'red' | 'amber' | 'green';

/** A PMO's manual health, kept with who set it, when and why. */
export interface HealthOverride {
  rag: Rag;
  comment: string;
  authorAccountId: string;
  atMs: number;
}

export interface ForecastSettings {
  /** Weeks of throughput history the Monte Carlo samples from. */
  historyWeeks: number;
  trials: number;
  seed: number;
}

/** Settings of one project (the PMO sets them per project, with site-wide defaults). */
export interface ProjectSettings {
  weightSources: WeightSource[];
  earnedValueRule: EarnedValueRule;
  costSource: CostSource;
  /** Budget at completion for the whole project; when absent BAC is the sum of work package budgets. */
  projectBudget: number | null;
  baselineStartDay: DayNumber | null;
  baselineFinishDay: DayNumber | null;
  /** The day due dates are compared against for slip; null compares with each item's first due date. */
  baselineDay: DayNumber | null;
  rates: CostRates;
  forecast: ForecastSettings;
  thresholds: HealthThresholds;
  healthOverride: HealthOverride | null;
  /** The compliance rules in force for the project (src/compliance effectiveRules); null when no rules run. */
  complianceRules: readonly EffectiveRule[] | null;
  /** IANA zone of the site: "today" and day boundaries are in this zone. */
  timeZone: string;
}

/** Settings across projects. */
export interface PortfolioSettings {
  /** Hours a week a person can work, by accountId; others get defaultCapacityHoursPerWeek. */
  capacityHoursPerWeek: Record<string, number>;
  defaultCapacityHoursPerWeek: number;
  /** Weeks ahead the workload looks at. */
  workloadWeeks: number;
}

export const DEFAULT_THRESHOLDS: HealthThresholds = {
  red: { spiBelow: 0.8, cpiBelow: 0.8, overdueShareAbove: 0.2 },
  amber: { spiBelow: 0.95, cpiBelow: 0.95, overdueShareAbove: 0.1, complianceBelow: 0.8 },
};

export const DEFAULT_PROJECT_SETTINGS: ProjectSettings = {
  weightSources: ['storyPoints', 'originalEstimate'],
  earnedValueRule: '0/100',
  costSource: 'both',
  projectBudget: null,
  baselineStartDay: null,
  baselineFinishDay: null,
  baselineDay: null,
  rates: { byPerson: {}, roleOf: {}, byRole: {}, projectDefault: [], siteDefault: [] },
  forecast: { historyWeeks: 12, trials: 10_000, seed: 1 },
  thresholds: DEFAULT_THRESHOLDS,
  healthOverride: null,
  complianceRules: null,
  timeZone: 'UTC',
};

export const DEFAULT_PORTFOLIO_SETTINGS: PortfolioSettings = {
  capacityHoursPerWeek: {},
  defaultCapacityHoursPerWeek: 30,
  workloadWeeks: 4,
};
