/**
 * The contract between the resolvers and the Custom UI: resolver keys, payloads, answers and error
 * codes. Both sides import this one module (the UI through the `@pmo/contract` alias), so a change
 * here is checked by the compiler on both sides. Types and constants only: no runtime dependencies.
 */

/** Every failure a resolver reports. The UI turns each code into words in one place. */
export const ERROR_CODES = [
  'INVALID_PAYLOAD',
  /** The surface's resolver has no function by that key. */
  'UNKNOWN_FUNCTION',
  'NOT_AUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  /** Someone else saved first: the change was made against a value that has changed since it was read. */
  'CONFLICT',
  'RATE_LIMITED',
  'JIRA_UNAVAILABLE',
  'JIRA_BAD_ANSWER',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ResolverError {
  code: ErrorCode;
  /** A sentence for the person, without internals (no stack traces, no raw Jira bodies). */
  message: string;
  /** What was wrong, item by item (for example each invalid payload field). */
  details?: string[];
}

/** The one envelope every resolver answers with. */
export type Answer<T> = { ok: true; data: T } | { ok: false; error: ResolverError };

export interface PersonRef {
  accountId: string;
  displayName: string;
}

export interface PortfolioRef {
  id: string;
  name: string;
}

/** Issue counts by Jira status category. */
export interface IssueCounts {
  total: number;
  toDo: number;
  inProgress: number;
  done: number;
}

/** One row of the portfolio page: a project the viewer may browse. */
export interface PortfolioProject {
  id: string;
  key: string;
  name: string;
  lead: PersonRef | null;
  /** The project's Jira category, which the PMO uses as its portfolio. */
  portfolio: PortfolioRef | null;
  issueCounts: IssueCounts;
  /** Done issues / all issues, 0..100 with one decimal; null when the project has no issues. */
  percentDone: number | null;
  /** Unresolved issues whose due date is before today (the viewer's day). */
  overdueCount: number;
  /** When any issue of the project last changed (ISO 8601); null when it has no issues. */
  lastUpdated: string | null;
}

export type PortfolioFilter =
  | { scope: 'all' }
  | { scope: 'project'; projectKey: string }
  | { scope: 'portfolio'; portfolioName: string };

/**
 * Each UI surface has one resolver and one interface here: function key -> its payload and answer
 * data. Its resolver module must implement exactly these keys (src/resolvers/surface.ts).
 */

/** The portfolio page (jira:globalPage). */
export interface PortfolioPageResolvers {
  /** The page's one read: every visible project's latest snapshot, never Jira in bulk. */
  'portfolio/page': { payload: PortfolioPageRequest; data: PortfolioPage };
  /** Queues a sync of every project the viewer may browse; answers the round's progress. */
  'sync/refresh': { payload: Record<string, never>; data: SyncProgress };
  /** A round's progress, counting only the projects the viewer may browse. */
  'sync/progress': { payload: SyncProgressRequest; data: SyncProgress };
  /** The drill-down of a row: the project health view. */
  'project/health': { payload: ProjectHealthRequest; data: ProjectHealthView };
}

/** The project health view: the project page (jira:projectPage) and the portfolio page's drill-down. */
export interface ProjectPageResolvers {
  'project/health': { payload: ProjectHealthRequest; data: ProjectHealthView };
  /** The project's baselines, the chosen one and the comparison of its packages against it. */
  'project/baselines': { payload: ProjectBaselinesRequest; data: ProjectBaselinesView };
  /** PMO editors: stores the packages' budgets and due dates as of the last sync under a name. */
  'project/setBaseline': { payload: SetBaselineRequest; data: ProjectBaselinesView };
  /** PMO editors: the baseline change and slip are measured against (null: none). */
  'project/chooseBaseline': { payload: ChooseBaselineRequest; data: ProjectBaselinesView };
  /** PMO editors: removes a baseline (the choice is cleared when it was the chosen one). */
  'project/deleteBaseline': { payload: DeleteBaselineRequest; data: ProjectBaselinesView };
}

/** The project manager's issue panel (jira:issuePanel): the issue is the one the panel is opened on. */
export interface IssuePanelResolvers {
  'panel/item': { payload: Record<string, never>; data: IssuePanelView };
  'panel/setBudget': { payload: BudgetEditRequest; data: BudgetEditResult };
}

/** The two budget fields a PMO editor sets on an item. */
export const BUDGET_FIELDS = ['plannedBudget', 'actualCost'] as const;
export type BudgetField = (typeof BUDGET_FIELDS)[number];
export const BUDGET_FIELD_NAMES: Record<BudgetField, string> = { plannedBudget: 'Planned budget', actualCost: 'Actual cost' };
/** The largest amount a budget field takes (in the site currency); amounts have at most 2 decimals. */
export const MAX_BUDGET_AMOUNT = 1e12;

export interface BudgetEditRequest {
  field: BudgetField;
  /** The new amount; null clears the field. */
  value: number | null;
  /** The amount the editor saw: an edit against a value that has changed since is refused. */
  expected: number | null;
}

export type BudgetEditResult =
  | { status: 'saved'; field: BudgetField; value: number | null }
  /** Someone saved first: nothing was written; the current value, who set it and when. */
  | { status: 'conflict'; field: BudgetField; current: number | null; changedBy: PersonRef | null; changedAt: string | null };

/** The money of one item, as the panel shows it. */
export interface ItemMoney {
  key: string;
  summary: string;
  planned: number | null;
  /** Actual cost by source, each as the project's cost source counts it (null: that source is not counted). */
  actualFromField: number | null;
  actualFromWorklogs: number | null;
  actual: number;
  /** Planned - actual; not available without a planned budget. */
  variance: Figure;
  /** red: over budget; green: within it; none: no planned budget (no colour without figures). */
  varianceRag: 'red' | 'green' | 'none';
}

export interface IssuePanelView {
  issue: { key: string; summary: string; projectKey: string; issueType: string; statusCategory: 'new' | 'indeterminate' | 'done' | null };
  /** The site currency (ISO 4217), in which every amount is; null until the PMO sets it. */
  currency: string | null;
  /** The live values of the budget fields in Jira, the ones an edit is checked against. */
  fields: Record<BudgetField, number | null>;
  /** Whether this person may edit the budget fields, and why (shown to those who may not). */
  canEdit: boolean;
  editReason: string;
  /** Null when the project has not been synced yet (with the reason in `notSyncedReason`). */
  money: (ItemMoney & {
    /** The item and everything below it. */
    rolledUp: { planned: number | null; actual: number; variance: Figure; varianceRag: 'red' | 'green' | 'none' };
    children: (ItemMoney & { overBudget: boolean })[];
    /** For work packages (the topmost budgeted item of its line): estimate at completion by CPI. */
    eac: Figure | null;
  }) | null;
  notSyncedReason: string | null;
  schedule: { dueDate: string | null; overdue: boolean; slipDays: number | null; statusCategory: 'new' | 'indeterminate' | 'done' } | null;
  /** Where the item sits: its work package and the path from the top. */
  place: { workPackage: { key: string; summary: string } | null; path: { key: string; summary: string }[] } | null;
  /** When the project's data the figures come from was last synced (ISO 8601). */
  computedAt: string | null;
  /** This item's work package's line against the project's chosen baseline; null until the project is synced. */
  baseline?: PanelBaseline | null;
  /** The rules in force checked on this item and its children; null until the item is in the synced data. */
  compliance?: ItemCompliance | null;
}

/** One rule one item breaks, with what is wrong, why it matters and how to fix it. */
export interface ItemComplianceViolation {
  ruleId: string;
  title: string;
  whyItMatters: string;
  howToFix: string;
  severity: ComplianceSeverity;
  /** What is wrong, about this item: "lacks an assignee". */
  problem: string;
}

/** An item of the panel (the one it is opened on, or a child) with the rules it breaks. */
export interface ItemComplianceEntry {
  key: string;
  summary: string;
  isChild: boolean;
  violations: ItemComplianceViolation[];
}

export interface ItemCompliance {
  /** Rules in force for the item's project; 0 with `noRulesReason` when none is enabled. */
  rulesInForce: number;
  noRulesReason: string | null;
  /** The item and its children checked (those existing in the synced data). */
  checkedItems: number;
  /** Only the items breaking a rule: the item first, then its children by key. */
  entries: ItemComplianceEntry[];
}

/** The panel's baseline line: the item's work package against the chosen baseline, or why there is none. */
export interface PanelBaseline {
  chosen: BaselineRef | null;
  /** The work package the line is of (the item itself when it is one). */
  packageKey: string | null;
  line: BaselinePackageLine | null;
  /** Why there is no line: no baseline chosen, the item is in no work package. */
  reason: string | null;
}

/** Every function key the deployed app serves, across its surfaces. */
export type ResolverDefinitions = PortfolioPageResolvers & ProjectPageResolvers & StatusReportResolvers & IssuePanelResolvers & SettingsResolvers;

export type ResolverKey = keyof ResolverDefinitions;
export type PayloadOf<K extends ResolverKey> = ResolverDefinitions[K]['payload'];
export type DataOf<K extends ResolverKey> = ResolverDefinitions[K]['data'];

// ---------------------------------------------------------------------------------------------
// Metrics: what the metrics engine answers (src/metrics), shown by resolvers and `pmo report`.
// Definitions: docs/metrics.md. Days are YYYY-MM-DD; durations in days are decimal days.

/**
 * A number that may not be computable. Then `value` is null and `reason` says why in the PMO's
 * words (for example "no cost recorded yet (AC is 0)"): never Infinity, NaN or a made-up 0.
 */
export type Figure = { value: number; reason?: undefined } | { value: null; reason: string };

export interface EpicProgress {
  key: string;
  summary: string;
  doneWeight: number;
  totalWeight: number;
  /** Done weight / total weight, 0..1. */
  progress: Figure;
}

export interface ProgressMetrics {
  doneWeight: number;
  totalWeight: number;
  /** 0..1 */
  progress: Figure;
  byEpic: EpicProgress[];
}

export interface EstimateAtCompletion {
  /** BAC / CPI: the rest costs what the work so far cost. */
  byCpi: Figure;
  /** AC + (BAC - EV) / (CPI x SPI): cost and schedule performance both persist. */
  byCpiAndSpi: Figure;
  /** AC + BAC - EV: the rest goes to plan. */
  atPlannedRate: Figure;
}

export interface EarnedValueMetrics {
  /** Budget at completion. */
  bac: Figure;
  /** Planned value at the as-of day. */
  pv: Figure;
  /** Earned value at the as-of day. */
  ev: Figure;
  /** Actual cost to the as-of day. */
  ac: Figure;
  sv: Figure;
  cv: Figure;
  /** SV / PV. */
  svPercent: Figure;
  /** CV / EV. */
  cvPercent: Figure;
  spi: Figure;
  cpi: Figure;
  eac: EstimateAtCompletion;
  /** EAC (by CPI) - AC. */
  etc: Figure;
  /** BAC - EAC (by CPI). */
  vac: Figure;
  /** (BAC - EV) / (BAC - AC). */
  tcpiToBac: Figure;
  /** (BAC - EV) / (EAC - AC), with EAC by CPI. */
  tcpiToEac: Figure;
  /** Keys of the issues that carry a Planned budget and are the topmost budgeted item of their line. */
  workPackages: string[];
  /** Work packages with no due date and no baseline finish: left out of PV. */
  unscheduledPackages: string[];
  /** Budget data that does not add up, e.g. "APOLLO-12: breakdown 12,000 exceeds its package's 10,000". */
  dataProblems: string[];
}

export interface BudgetVariance {
  key: string;
  summary: string;
  /** This item's own Planned budget; null when not set. */
  planned: number | null;
  /** This item's own actual cost (field plus worklog cost, per the cost source). */
  actual: number;
  /** Planned - actual (negative is over budget); not available without a planned budget. */
  variance: Figure;
  /** Variance / planned. */
  variancePercent: Figure;
  /** The same over the item and all its descendants. */
  rolledUp: { planned: number | null; actual: number; variance: Figure; variancePercent: Figure };
}

export type MilestoneStatus = 'released' | 'on track' | 'at risk' | 'overdue' | 'no date';

export interface Milestone {
  id: string;
  name: string;
  releaseDate: string | null;
  status: MilestoneStatus;
  /** Unresolved items with this fix version. */
  openItems: number;
}

export interface ForecastFinish {
  remainingItems: number;
  /** Weeks of history sampled and the trials run. */
  historyWeeks: number;
  trials: number;
  /** Half of the trials finish by this day. */
  p50: string | null;
  /** 85% of the trials finish by this day. */
  p85: string | null;
  /** Why there is no forecast (nothing done in the history window, nothing left). */
  reason: string | null;
  /**
   * How the trials spread: trials finishing in each week after the as-of day (`finishBy` is that week's
   * last day), and those not finished within the 10 years simulated. Empty without a forecast.
   */
  outcomes: { finishBy: string; trials: number }[];
  beyondTrials: number;
}

export interface ScheduleMetrics {
  overdueCount: number;
  /** Overdue items / unresolved items, 0..1. */
  overdueShare: Figure;
  overdueKeys: string[];
  milestones: Milestone[];
  /** Items whose due date moved later than their baseline, with the days of slip. */
  slippedItems: { key: string; days: number }[];
  totalSlipDays: number;
  /** Null until computed: the forecast is a separate, heavier computation. */
  forecast: ForecastFinish | null;
  /**
   * The date the forecast is measured against: the baseline finish when the project has one, else the
   * latest release date of its versions, else its latest due date; null when it has none of them.
   */
  target: { day: string; source: 'baseline finish' | 'last release' | 'latest due date' } | null;
}

export interface Percentiles {
  p50: Figure;
  p85: Figure;
}

export interface FlowMetrics {
  /** Items resolved per week (weeks start Monday), oldest first, over the history window. */
  weeklyThroughput: { weekStart: string; done: number }[];
  /** From the first move into In Progress to resolution, in days. */
  cycleTimeDays: Percentiles;
  /** From creation to resolution, in days. */
  leadTimeDays: Percentiles;
  /** Items in an In Progress status category. */
  wip: number;
  /** In progress longer than the P85 cycle time. */
  agingWip: { key: string; daysInProgress: number }[];
}

export interface QualityMetrics {
  openBugs: number;
  bugsCreatedLast30Days: number;
  /** Moves from Done back to a not-done category. */
  reopenings: number;
}

export interface RiskMetrics {
  flagged: string[];
  /** Unresolved items blocked by an unresolved item. */
  blocked: string[];
  /** Overdue items with priority High or Highest. */
  overdueHighPriority: string[];
  unassignedInProgress: string[];
}

export type Rag = 'red' | 'amber' | 'green';
/**
 * A project's health: a RAG, or 'not set up' when a figure health needs (SPI, CPI) cannot be computed
 * and no red or amber criterion holds: never green without the figures behind it.
 */
export type Health = Rag | 'not set up';
export const HEALTHS: readonly Health[] = ['red', 'amber', 'not set up', 'green'];

export interface HealthMetrics {
  rag: Health;
  /** What the thresholds gave, before any manual override. */
  computedRag: Health;
  /**
   * Why: the criteria that set a red or amber (e.g. "SPI 0.72 is below 0.80"), or for 'not set up'
   * what cannot be computed and why. Empty when green.
   */
  criteria: string[];
  override: { rag: Rag; comment: string; authorAccountId: string; at: string } | null;
}

export interface ProjectMetrics {
  projectKey: string;
  asOf: string;
  progress: ProgressMetrics;
  earnedValue: EarnedValueMetrics;
  /** Budget variance of each work package, rolled up over its breakdown. */
  budget: BudgetVariance[];
  schedule: ScheduleMetrics;
  flow: FlowMetrics;
  quality: QualityMetrics;
  risk: RiskMetrics;
  /** The PMO's rules on the project's items; null when no rules run. */
  compliance: ComplianceMetrics | null;
  health: HealthMetrics;
  /** Problems in the project's Jira data the figures worked around (a status Jira no longer knows), outside budgets; the engine always sets it. */
  dataProblems?: string[];
}

/** One thing that happened to an item, for the activity list. */
export interface ActivityEvent {
  /** ISO 8601 instant. */
  at: string;
  key: string;
  summary: string;
  kind: 'created' | 'resolved' | 'status' | 'due date';
  /** "In Progress → Done", "due 2026-05-01 → 2026-05-15", "created as Bug". */
  detail: string;
}

/** The project's last days: counts per day (site time zone) and the newest events. */
export interface ActivityMetrics {
  fromDay: string;
  toDay: string;
  byDay: { day: string; created: number; resolved: number; statusMoves: number; dueDateChanges: number }[];
  /** Newest first, at most 50; `totalEvents` counts them all. */
  latest: ActivityEvent[];
  totalEvents: number;
}

export interface PersonWorkload {
  accountId: string;
  /** Remaining estimate of open items assigned to the person, in hours. */
  openRemainingHours: number;
  /** Capacity over the workload window, in hours. */
  capacityHours: number;
  /** Open remaining hours / capacity hours. */
  load: Figure;
  projects: string[];
}

export interface ProjectBenchmark {
  projectKey: string;
  /** Percentile rank 0..100 within the project's portfolio; higher is better for every one. */
  spi: Figure;
  cpi: Figure;
  cycleTime: Figure;
  throughput: Figure;
  compliance: Figure;
}

export interface PortfolioMetrics {
  name: string | null;
  projectKeys: string[];
  /** Projects not in the sums of BAC, PV, EV and AC (one of them not available), with the reason. */
  leftOutOfSums: { projectKey: string; reason: string }[];
  bac: Figure;
  pv: Figure;
  ev: Figure;
  ac: Figure;
  /** From the sums, never an average of project indices. */
  spi: Figure;
  cpi: Figure;
  /** EV − AC of the sums. */
  cv: Figure;
  /** BAC / CPI of the sums. */
  eac: Figure;
  byHealth: Record<Health, number>;
  benchmarks: ProjectBenchmark[];
}

// ---------------------------------------------------------------------------------------------
// Process compliance: the PMO's rules checked on every item (src/compliance, docs/compliance.md).

export type ComplianceSeverity = 'low' | 'medium' | 'high';

/** One item breaking one rule, with what is wrong and how to fix it. */
export interface ComplianceViolation {
  ruleId: string;
  key: string;
  summary: string;
  severity: ComplianceSeverity;
  /** What is wrong, about this item: "is in progress without an assignee". */
  problem: string;
}

/** One rule's checks in one project. */
export interface ComplianceRuleResult {
  ruleId: string;
  title: string;
  whyItMatters: string;
  howToFix: string;
  severity: ComplianceSeverity;
  enforcedAtGate: boolean;
  /** Items the rule applies to, and those passing it. */
  applicable: number;
  passed: number;
}

export interface ComplianceMetrics {
  /** Passed / applicable item-rule checks, each weighted by its rule's severity, 0..1. */
  score: Figure;
  applicableChecks: number;
  passedChecks: number;
  byRule: ComplianceRuleResult[];
  /** Every violation, by rule then key. */
  violations: ComplianceViolation[];
}

/** What the snapshot keeps of compliance: the same size for any project (violations become counts). */
export type ComplianceSummary = Omit<ComplianceMetrics, 'violations'> & { violationCount: number };

// ---------------------------------------------------------------------------------------------
// Snapshots and sync: what the background jobs keep (docs/sync.md) and the page reads.

/** The part of a project's metrics the portfolio page shows: small and of the same size for any project. */
export interface ProjectMetricsSummary {
  projectKey: string;
  asOf: string;
  progress: Omit<ProgressMetrics, 'byEpic'>;
  earnedValue: Omit<EarnedValueMetrics, 'workPackages' | 'unscheduledPackages' | 'dataProblems'> & { dataProblemCount: number };
  schedule: Pick<ScheduleMetrics, 'overdueCount' | 'overdueShare' | 'totalSlipDays' | 'target'> & {
    /** The forecast's dates and reason; the spread of its trials is in the project view. */
    forecast: Omit<ForecastFinish, 'outcomes' | 'beyondTrials'> | null;
    /** Milestones at risk or overdue. */
    milestonesAtRisk: number;
  };
  flow: Omit<FlowMetrics, 'agingWip'> & { agingWipCount: number };
  quality: QualityMetrics;
  risk: { flagged: number; blocked: number; overdueHighPriority: number; unassignedInProgress: number };
  /** Absent on snapshots written before compliance was kept; null when no rules run. */
  compliance?: ComplianceSummary | null;
  health: HealthMetrics;
  /** The project's data problems outside budgets (ProjectMetrics.dataProblems). */
  dataProblems?: string[];
}

/** How fresh a project's snapshot is. */
export interface SnapshotStatus {
  /** When its metrics were computed (ISO 8601); null until the first sync completes. */
  computedAt: string | null;
  /** When Jira was last read completely for it. */
  syncedAt: string | null;
  /** Set while the latest sync failed: the figures shown are the last good ones. */
  stale: { reason: string; since: string } | null;
}

export interface PortfolioPageRow {
  project: PortfolioProject;
  /** Null until the project's first sync completes. */
  metrics: ProjectMetricsSummary | null;
  status: SnapshotStatus;
  /** A week before the figures, to show what changed; null until the first sync completes. */
  lastWeek: LastWeek | null;
}

export interface PortfolioPageRequest {
  filter?: PortfolioFilter;
  /** Narrows the rows, and the totals with them, to what the viewer filters the page by. */
  narrow?: PortfolioNarrowing;
}

/** Each list given keeps the rows matching one of its values; all given must match. */
export interface PortfolioNarrowing {
  /** Portfolio names; null is the projects without one. */
  portfolios?: (string | null)[];
  /** 'not synced' is the projects without figures yet. */
  health?: (Health | 'not synced')[];
  /** Lead account ids. */
  leads?: string[];
  /** In the project's key or name, any case. */
  text?: string;
  /** Projects whose compliance score is below this share (0..1); projects without a score are left out. */
  complianceBelow?: number;
}

export interface PortfolioPage {
  viewer: { accountId: string };
  rows: PortfolioPageRow[];
  /** One roll-up per portfolio (name null: the projects without one). */
  portfolios: PortfolioMetrics[];
  total: PortfolioMetrics;
  /** The latest sync round, over the viewer's projects; null before the first one or when it covers none of them. */
  sync: SyncProgress | null;
  /** Whether the site has synced at all: tells a page nobody has synced yet from one the viewer may see nothing of. */
  siteHasSynced: boolean;
  /** The site currency (ISO 4217) once the PMO has set it; until then money is shown without a unit. */
  currency: string | null;
  /** What the filters can choose from, over every project the viewer may browse (narrowed or not). */
  choices: { portfolios: (string | null)[]; leads: PersonRef[] };
  /** Rows before `narrow`: "12 of 40 projects". */
  unnarrowedCount: number;
}

/** A project's headline figures on one day: what the daily history keeps and "since last week" compares. */
export interface HeadlineFigures {
  rag: Health;
  /** The criteria behind `rag` (what set red or amber, what is not set up). */
  criteria: string[];
  /** Done weight / total weight, 0..1. */
  progress: number | null;
  bac: number | null;
  pv: number | null;
  ev: number | null;
  ac: number | null;
  spi: number | null;
  cpi: number | null;
  /** EAC by CPI. */
  eac: number | null;
  overdueCount: number;
  wip: number;
  /** The forecast's P85 finish day; null without a forecast. */
  forecastP85: string | null;
  /** The compliance score, 0..1; null when no rules run or none applies. */
  compliance: number | null;
}

/**
 * The figures of a week before the snapshot: the daily history's point of that day, or, before the
 * history reaches back that far, computed from the synced data as of that instant (`reconstructed`).
 */
export interface LastWeek {
  day: string;
  figures: HeadlineFigures;
  reconstructed: boolean;
}

/** One sync round: a job per project, counted as they finish. */
export interface SyncProgress {
  roundId: string;
  /** 'schedule': the hourly trigger; 'refresh': someone's Refresh now. */
  trigger: 'schedule' | 'refresh';
  startedAt: string;
  total: number;
  /** Jobs finished, failed ones included. */
  done: number;
  failed: number;
  finished: boolean;
}

export interface SyncProgressRequest {
  roundId: string;
}

// ---------------------------------------------------------------------------------------------
// The project health view: one project's figures from what the sync stored, never Jira in bulk.

export interface ProjectHealthRequest {
  projectKey: string;
}

/** An item the view names (a risk, an overdue item, a work package), enough to list and open it. */
export interface ItemRef {
  key: string;
  summary: string;
  issueType: string;
  statusCategory: 'new' | 'indeterminate' | 'done';
  priority: string;
  assignee: PersonRef | null;
  dueDate: string | null;
}

/** A point of the trend: the daily history's, or computed from the synced data before the history began. */
export interface TrendPoint {
  day: string;
  reconstructed: boolean;
  rag: Health;
  pv: number | null;
  ev: number | null;
  ac: number | null;
  spi: number | null;
  cpi: number | null;
  /** The compliance score, 0..1; null when no rules run. */
  compliance: number | null;
}

export interface MilestoneForecast extends Milestone {
  /** When its open items are done at the project's recent pace, as if the team worked on nothing else. */
  forecast: Omit<ForecastFinish, 'outcomes' | 'beyondTrials'> | null;
}

/** A person of the project, with their open work across every project the viewer may browse. */
export interface WorkloadRow extends PersonWorkload {
  person: PersonRef;
  /** More open remaining work than capacity over the workload window (load above 1). */
  overAllocated: boolean;
}

export interface ProjectHealthView {
  project: PortfolioProject;
  status: SnapshotStatus;
  /** Every metric, computed from the synced data at the snapshot's instant; null until the first sync. */
  metrics: ProjectMetrics | null;
  lastWeek: LastWeek | null;
  /** Oldest first. */
  trend: TrendPoint[];
  milestones: MilestoneForecast[];
  activity: ActivityMetrics | null;
  /** The project's people, most loaded first. */
  workload: WorkloadRow[];
  /** The workload window and the capacity assumed for people without their own. */
  workloadWeeks: number;
  /** Every item the view names, by key. */
  items: Record<string, ItemRef>;
  /** The site currency (ISO 4217) once the PMO has set it; until then money is shown without a unit. */
  currency: string | null;
  /** Violations that appeared and went away since a week before the figures; null until the first sync or without rules. */
  complianceChanges: ComplianceChanges | null;
}

export interface ComplianceChanges {
  /** The day compared with (a week before the figures). */
  since: string;
  newlyBroken: ComplianceViolation[];
  newlyFixed: ComplianceViolation[];
}

// ---------------------------------------------------------------------------------------------
// Status reports: the Confluence macro, live or frozen as of a day, and its meeting agenda.

export const REPORT_SECTIONS = ['summary', 'earnedValue', 'milestones', 'risks', 'compliance', 'budgetChanges', 'activity'] as const;
export type ReportSection = (typeof REPORT_SECTIONS)[number];

/**
 * What the macro's config dialog saves (Confluence keeps it in the page; JSON values only, no null):
 * which projects (some, or one portfolio's), which sections, and live or frozen.
 */
export interface StatusReportConfig {
  scope: 'projects' | 'portfolio';
  /** With scope 'projects'. */
  projectKeys: string[];
  /** With scope 'portfolio': its name; '' for the projects without one. */
  portfolio: string;
  sections: ReportSection[];
  /** 'live': today's figures on every view; 'frozen': the record chosen (the latest unless one is picked). */
  mode: 'live' | 'frozen';
  /** Days of activity the activity section covers. */
  activityDays: number;
  /** A change of a project's BAC larger than this share (0..1) is on the agenda. */
  budgetChangeShare: number;
}

/** One project of a report: what the project view shows of it, as of the report's day. */
export interface ReportProjectPart {
  project: PortfolioProject;
  status: SnapshotStatus;
  metrics: ProjectMetrics;
  lastWeek: LastWeek | null;
  trend: TrendPoint[];
  milestones: MilestoneForecast[];
  activity: ActivityMetrics;
  items: Record<string, ItemRef>;
  /** Violations newly broken and fixed in the week before the report's instant; null without rules (absent on older records). */
  complianceChanges?: ComplianceChanges | null;
  /** The audit log's budget edits of the project since the previous record's day (or the week) up to the report's instant, newest first (absent on older records). */
  budgetChanges?: ReportBudgetChange[];
}

/** One budget edit as the report lists it: old -> new, who, when. */
export interface ReportBudgetChange {
  issueKey: string | null;
  /** The field edited (Planned budget, Actual cost). */
  field: string;
  oldValue: number | null;
  newValue: number | null;
  by: PersonRef;
  /** ISO 8601 instant. */
  at: string;
}

/** A project of the report the viewer may not browse: its place, and nothing of it. */
export interface HiddenReportProject {
  hidden: true;
  message: string;
}

export type AgendaItemKind = 'attention' | 'health changed' | 'milestone' | 'new blocker' | 'budget change' | 'rule broken';

/** One point of the weekly status meeting: an exception since the last report. */
export interface AgendaItem {
  kind: AgendaItemKind;
  projectKey: string;
  /** The point in words, with its figures ("ORION is red: SPI 0.55 is below 0.80"). */
  text: string;
  /** Items it concerns (a new blocker, a milestone's), to open in Jira. */
  itemKeys: string[];
}

export interface StatusReportRecordRef {
  id: string;
  asOfDay: string;
  frozenAt: string;
}

export interface StatusReport {
  format: 'pmo-status-report';
  version: 1;
  /** The day the figures are of. */
  asOfDay: string;
  /** When the figures were computed for this report. */
  generatedAt: string;
  /** The oldest moment the shown projects' data was synced from Jira; null when none is shown. */
  dataSyncedAt: string | null;
  config: StatusReportConfig;
  /** In the report's order; a project the viewer may not browse keeps its place with a message. */
  projects: (ReportProjectPart | HiddenReportProject)[];
  /** Over the projects shown only. */
  totals: PortfolioMetrics;
  /** The same per portfolio (name null: projects without one), over the projects shown, by name. */
  portfolios: PortfolioMetrics[];
  /** Exceptions since `agendaSince`, of the projects shown only. */
  agenda: AgendaItem[];
  /** What the agenda compares with: the previous record's day, or a week before (no earlier record). */
  agendaSince: { day: string; basis: 'previous record' | 'a week before' };
  /** The record shown, when frozen; null for a live report. */
  record: StatusReportRecordRef | null;
  currency: string | null;
}

export interface StatusReportRequest {
  /** A frozen record of this macro to show; the latest when absent. */
  recordId?: string;
}

export interface StatusReportView {
  /** Whether the macro has a valid configuration (it can be frozen). */
  configured: boolean;
  /** Null when the macro is frozen and no record has been made yet, or is not configured. */
  report: StatusReport | null;
  /** Why there is no report: not configured yet, or frozen with no record yet. */
  reason: string | null;
  /** This macro's frozen records, newest first. */
  records: StatusReportRecordRef[];
}

export interface FreezeReportRequest {
  /** The day to freeze the report as of (YYYY-MM-DD), today or before; today when absent. */
  asOfDay?: string;
}

/** What the config dialog offers: the projects and portfolios the viewer may browse. */
export interface ReportChoices {
  projects: { key: string; name: string; portfolio: string | null }[];
  portfolios: (string | null)[];
  config: StatusReportConfig;
}

/** The status report macro (Confluence `macro`) and its config dialog. */
export interface StatusReportResolvers {
  'report/view': { payload: StatusReportRequest; data: StatusReportView };
  'report/freeze': { payload: FreezeReportRequest; data: StatusReportView };
  'report/choices': { payload: Record<string, never>; data: ReportChoices };
}

// ---------------------------------------------------------------------------------------------
// Settings: the PMO's settings document (format docs/settings.md), its admin page and the audit log.

/** An hourly rate in effect from a day (YYYY-MM-DD) on, until the next entry of its list. */
export interface RatePeriodSetting {
  from: string;
  hourlyRate: number;
}

export type CostSourceSetting = 'fields' | 'worklogs' | 'both';

export interface BaselineSetting {
  id: string;
  name: string;
  /** ISO 8601 instant. */
  setAt: string;
  setBy: string;
  packages: { issueKey: string; plannedBudget: number | null; dueDay: string | null }[];
}

export interface ProjectSettingsSection {
  costSource: CostSourceSetting;
  /** BAC overriding the sum of the work packages' budgets; null: the sum. */
  projectBudget: number | null;
  defaultRates: RatePeriodSetting[];
  baselines: BaselineSetting[];
  chosenBaselineId: string | null;
}

export interface HealthThresholdsSetting {
  red: { spiBelow: number; cpiBelow: number; overdueShareAbove: number };
  amber: { spiBelow: number; cpiBelow: number; overdueShareAbove: number; complianceBelow: number };
}

/** The whole settings document as stored, exported and imported (every section present). */
export interface SettingsDocumentJson {
  format: 'pmo-settings';
  formatVersion: 1;
  currency: string | null;
  rates: {
    siteDefault: RatePeriodSetting[];
    /** accountId -> dated rates. */
    byPerson: Record<string, RatePeriodSetting[]>;
    /** In order of precedence: a person in two rate groups is charged at the first. */
    byGroup: { group: string; rates: RatePeriodSetting[] }[];
  };
  /** Project key -> its settings; projects not named get the defaults. */
  projects: Record<string, ProjectSettingsSection>;
  thresholds: HealthThresholdsSetting;
  forecast: { historyWeeks: number };
  capacity: { defaultHoursPerWeek: number; byPerson: Record<string, number>; workloadWeeks: number };
  pmoEditorGroup: string | null;
  /** The compliance rules' section, kept as given. */
  compliance: Record<string, unknown>;
}

export interface SettingsView {
  /** The version the document was read at: a save names it. */
  version: number;
  /** Projects the viewer may not browse are left out. */
  document: SettingsDocumentJson;
  /** Whether the viewer may change settings, and why (shown on a read-only page). */
  editable: boolean;
  reason: string;
  /** The synced projects the viewer may browse, for the per-project section. */
  projects: { key: string; name: string }[];
  /** Names of the people the document and the projects mention. */
  people: PersonRef[];
  /** The product's compliance rules (site, portfolios, projects) the page starts from while the document's section is empty. */
  complianceDefaults?: Record<string, unknown>;
}

export interface SettingsSaveRequest {
  expectedVersion: number;
  /** The whole document; validated whole before anything is stored. */
  document: unknown;
}

export interface SettingsImportRequest {
  expectedVersion: number;
  /** The exported JSON text. */
  json: string;
}

export interface SettingsSaved {
  /** The version now current (unchanged when the document was the same). */
  version: number;
  /** Paths changed, as the audit log names them; empty when nothing changed. */
  changedPaths: string[];
  /** Projects whose figures are being recomputed. */
  recomputing: number;
  view: SettingsView;
}

export interface SettingsExport {
  fileName: string;
  json: string;
}

export interface AuditFilter {
  accountId?: string;
  projectKey?: string;
  /** UTC days (YYYY-MM-DD), both included. */
  fromDay?: string;
  toDay?: string;
}

export interface AuditQueryRequest extends AuditFilter {
  cursor?: string;
  limit?: number;
}

export interface AuditEntryView {
  /** ISO 8601 instant. */
  at: string;
  person: PersonRef;
  kind: 'settings' | 'budget';
  projectKey: string | null;
  issueKey: string | null;
  path: string;
  oldValue: unknown;
  newValue: unknown;
}

export interface AuditPageView {
  /** Newest first; entries of projects the viewer may not browse are left out. */
  entries: AuditEntryView[];
  nextCursor: string | null;
}

export interface AuditCsv {
  fileName: string;
  csv: string;
}

/** The settings admin page (jira:adminPage with useAsConfig). */
export interface SettingsResolvers {
  'settings/get': { payload: Record<string, never>; data: SettingsView };
  'settings/save': { payload: SettingsSaveRequest; data: SettingsSaved };
  'settings/export': { payload: Record<string, never>; data: SettingsExport };
  'settings/import': { payload: SettingsImportRequest; data: SettingsSaved };
  'audit/query': { payload: AuditQueryRequest; data: AuditPageView };
  'audit/csv': { payload: AuditFilter; data: AuditCsv };
  /** People of the site by name, as the viewer may look them up in Jira, to give them a rate or a capacity. */
  'settings/people': { payload: PeopleSearchRequest; data: { people: PersonRef[] } };
  'budgets/preview': { payload: BudgetImportRequest; data: BudgetImportPreview };
  'budgets/import': { payload: BudgetImportRequest; data: BudgetImportSummary };
}

// Budgets in bulk: a CSV of planned budgets and actual costs (format docs/budgets.md) on the settings page.

export interface BudgetImportRequest {
  /** The file's text: header `issue key, planned budget, actual cost`. */
  csv: string;
}

/** A row that keeps the file from being imported; line 0 is the file as a whole. */
export interface BudgetImportProblem {
  line: number;
  issueKey: string | null;
  message: string;
}

/** One value the import changes (null: the field is emptied). */
export interface BudgetImportChange {
  line: number;
  issueKey: string;
  projectKey: string;
  field: BudgetField;
  oldValue: number | null;
  newValue: number | null;
}

export interface BudgetImportPreview {
  /** True when the file would be imported as it is. */
  ok: boolean;
  problems: BudgetImportProblem[];
  rows: number;
  changes: BudgetImportChange[];
  valuesUnchanged: number;
}

export interface BudgetImportSummary {
  rows: number;
  itemsChanged: number;
  valuesChanged: number;
  valuesUnchanged: number;
  byProject: { projectKey: string; itemsChanged: number; valuesChanged: number }[];
  changes: BudgetImportChange[];
}

export interface PeopleSearchRequest {
  /** The start of a name or email. */
  query: string;
}

// ---------------------------------------------------------------------------------------------
// Baselines: a project's work packages' budgets and due dates kept under a name (docs/metrics.md).

/** A project keeps at most this many baselines. */
export const MAX_BASELINES = 50;

export interface ProjectBaselinesRequest {
  projectKey: string;
  /** Compare as of the end of this day (YYYY-MM-DD), today or before; absent: as synced. */
  asOfDay?: string;
}

export interface SetBaselineRequest {
  projectKey: string;
  /** 1..200 characters. */
  name: string;
  /** The settings version the person read (ProjectBaselinesView.version): refused when another save came since. */
  expectedVersion: number;
}

export interface ChooseBaselineRequest {
  projectKey: string;
  /** null: no baseline chosen. */
  id: string | null;
  expectedVersion: number;
}

export interface DeleteBaselineRequest {
  projectKey: string;
  id: string;
  expectedVersion: number;
}

export interface BaselineRef {
  id: string;
  name: string;
  /** ISO 8601 instant. */
  setAt: string;
  setBy: PersonRef;
  packageCount: number;
}

/** One work package against the baseline. */
export interface BaselinePackageLine {
  issueKey: string;
  /** Its summary now; null when it is no longer in the synced data. */
  summary: string | null;
  /** in both; added since the baseline; removed since (or no longer a work package). */
  presence: 'in both' | 'added since' | 'removed since';
  baselineBudget: number | null;
  currentBudget: number | null;
  /** Current minus baseline Planned budget. */
  budgetChange: Figure;
  /** Budget change / baseline budget. */
  budgetChangePercent: Figure;
  /** YYYY-MM-DD. */
  baselineDue: string | null;
  currentDue: string | null;
  /** Current due minus baseline due, in days (positive: later than planned). */
  slipDays: Figure;
}

export interface BaselineComparison {
  baseline: BaselineRef;
  /** The instant the current side is read at (ISO 8601). */
  asOf: string;
  /** In both first (most slipped first), then added, then removed. */
  packages: BaselinePackageLine[];
  totals: {
    baselineBudget: number;
    currentBudget: number;
    /** Current total of the packages' budgets minus the baseline's, added and removed packages included. */
    budgetChange: Figure;
    budgetChangePercent: Figure;
    /** Over packages with a due date in both. */
    maxSlipDays: Figure;
    medianSlipDays: Figure;
    slippedCount: number;
    addedCount: number;
    removedCount: number;
  };
}

export interface ProjectBaselinesView {
  projectKey: string;
  /** The settings version read: set, choose and delete name it. */
  version: number;
  /** Newest first; as of a past day only those set by then. */
  baselines: BaselineRef[];
  chosenId: string | null;
  /** Against the chosen baseline; null when none is chosen or the project is not synced yet (see `reason`). */
  comparison: BaselineComparison | null;
  /** Why there is no comparison. */
  reason: string | null;
  /** Whether this person may set, choose and delete baselines, and why (shown to those who may not). */
  canEdit: boolean;
  editReason: string;
  currency: string | null;
  maxBaselines: number;
}
