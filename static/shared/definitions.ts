/**
 * One sentence per figure, shown on hover and focus wherever the figure is (column headers, the project
 * view). The full definitions with their edge cases are in docs/metrics.md.
 */
export const DEFINITIONS = {
  health: 'Red or amber when a threshold is crossed (the reason says which); green only when SPI and CPI exist and every threshold is met; "not set up" when SPI or CPI cannot be computed.',
  percentDone: 'Done issues / all issues of the project.',
  progress: 'Done weight / total weight of the counted items (story points, else original estimate, else 1 each).',
  bac: 'Budget at completion: the project budget, or the sum of the work packages’ Planned budgets.',
  pv: 'Planned value: the budgeted cost of the work scheduled to be done by today.',
  ev: 'Earned value: the budgeted cost of the work actually done by today.',
  ac: 'Actual cost: what the work so far cost (the Actual cost field and worklog hours × rates).',
  sv: 'Schedule variance: EV − PV. Negative is behind plan.',
  cv: 'Cost variance: EV − AC. Negative is over budget.',
  spi: 'Schedule performance index: EV / PV. Below 1 is behind plan. Shown rounded toward zero.',
  cpi: 'Cost performance index: EV / AC. Below 1 is over budget. Shown rounded toward zero.',
  eac: 'Estimate at completion by CPI: BAC / CPI, the whole cost if the rest costs what the work so far cost.',
  eacByCpiAndSpi: 'Estimate at completion by CPI and SPI: AC + (BAC − EV) / (CPI × SPI), if cost and schedule performance both persist.',
  eacAtPlannedRate: 'Estimate at completion at planned rate: AC + BAC − EV, if the rest goes to plan.',
  etc: 'Estimate to complete: EAC by CPI − AC, what the rest will cost.',
  vac: 'Variance at completion: BAC − EAC by CPI. Negative means over budget at the end.',
  tcpiToBac: 'To-complete performance index to BAC: (BAC − EV) / (BAC − AC), the CPI needed from now on to finish within BAC.',
  tcpiToEac: 'To-complete performance index to EAC: (BAC − EV) / (EAC − AC), the CPI needed to finish at the EAC.',
  forecastP85: 'Monte Carlo finish forecast: 85% of 10,000 trials, replaying the team’s recent weekly throughput, finish by this day.',
  target: 'The date the forecast is compared with: the latest release date of the project’s versions, else its latest due date.',
  overdue: 'Unresolved issues whose due date is before today.',
  compliance: 'Process compliance: the passed share of the checks of the PMO’s rules on the project’s items, each weighted by its rule’s severity.',
  milestonesAtRisk: 'Versions not released whose release date has passed, or whose forecast P85 is after it.',
  lastWeek: 'The change since the same moment a week ago (from the daily history; reconstructed from Jira’s histories before it began).',
  lastUpdated: 'When an issue of the project last changed in Jira.',
  lastSynced: 'When the figures were computed; Stale when the latest sync failed and the figures are the last good ones.',
  lead: 'The project lead in Jira.',
  portfolio: 'The project’s Jira category, which the PMO uses as its portfolio.',
  wip: 'Work in progress: counted items in an In Progress status.',
  cycleTime: 'From the first move into In Progress to resolution, in days.',
  leadTime: 'From creation to resolution, in days.',
  throughput: 'Counted items resolved each week (Monday to Sunday).',
  agingWip: 'In progress for longer than the P85 cycle time.',
  load: 'Open remaining estimate / capacity over the next weeks, across every project you may browse. Above 100% is over-allocated.',
} as const;

export type DefinedFigure = keyof typeof DEFINITIONS;
