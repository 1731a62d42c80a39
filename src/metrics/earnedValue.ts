/**
 * Earned value management as of T: budget at completion, planned value, earned value, actual cost
 * and everything derived from them. Definitions: docs/metrics.md.
 * Money keeps full precision here; the UI rounds.
 */
import type { EarnedValueMetrics } from '../shared/contract';
import { baselineDueDayAt, baselineInstant, dayInZone, statusCategoryAt } from './asOf';
import { actualCostsOfTree } from './cost';
import { derive, figure, notAvailable, ratio, type Figure } from './figure';
import { isoDay, type DayNumber, type ProjectData, type WorkItem } from './model';
import { itemTreeAt, progressFigure, progressSums, type ItemTree, type ProgressSums } from './progress';
import type { ProjectSettings } from './settings';

export const NO_BUDGET_REASON = 'no budget set up: set a Planned budget on work items or a project budget';

const amountFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** A money amount as the PMO reads it in a message, e.g. 12,000 or 1,234.5. */
export function formatAmount(amount: number): string {
  return amountFormat.format(amount);
}

/** The item's Planned budget when it carries a usable one (set, finite, not negative). */
function budgetOf(item: WorkItem): number | null {
  const budget = item.plannedBudget;
  return budget !== null && Number.isFinite(budget) && budget >= 0 ? budget : null;
}

/** Which items carry budgets and how budgets sit in the hierarchy at T. */
export interface BudgetStructure {
  /** The item's usable Planned budget, NaN when it carries none. */
  budget: Float64Array;
  /** 1 for work packages: budgeted items with no budgeted ancestor. */
  isPackage: Uint8Array;
  /** Sum of the budgets of the nearest budgeted items below each item (its breakdown). */
  breakdownBelow: Float64Array;
  /** Items whose budgeted descendants exist at all (breakdownBelow is meaningful). */
  hasBudgetBelow: Uint8Array;
  /** Package indexes in project order. */
  packages: number[];
  dataProblems: string[];
}

export function budgetStructure(tree: ItemTree): BudgetStructure {
  const count = tree.items.length;
  const budget = new Float64Array(count).fill(NaN);
  const isPackage = new Uint8Array(count);
  const breakdownBelow = new Float64Array(count);
  const hasBudgetBelow = new Uint8Array(count);
  const underBudget = new Uint8Array(count);
  const dataProblems: string[] = [];
  for (let i = 0; i < count; i++) {
    const item = tree.items[i];
    const own = budgetOf(item);
    if (own !== null) budget[i] = own;
    else if (item.plannedBudget !== null) dataProblems.push(`${item.key}: Planned budget ${String(item.plannedBudget)} is not a usable amount; left out`);
  }
  // Parents before children: an item is under a budget when its parent carries one or is itself under one.
  for (let k = count - 1; k >= 0; k--) {
    const i = tree.childrenFirst[k];
    const p = tree.parent[i];
    if (p !== -1 && (!Number.isNaN(budget[p]) || underBudget[p] === 1)) underBudget[i] = 1;
    if (!Number.isNaN(budget[i]) && underBudget[i] === 0) isPackage[i] = 1;
  }
  // Children first: each item's breakdown is the budgets of its nearest budgeted descendants.
  for (let k = 0; k < count; k++) {
    const i = tree.childrenFirst[k];
    const p = tree.parent[i];
    if (p === -1) continue;
    if (!Number.isNaN(budget[i])) {
      breakdownBelow[p] += budget[i];
      hasBudgetBelow[p] = 1;
    } else if (hasBudgetBelow[i] === 1) {
      breakdownBelow[p] += breakdownBelow[i];
      hasBudgetBelow[p] = 1;
    }
  }
  const packages: number[] = [];
  for (let i = 0; i < count; i++) {
    if (isPackage[i] === 1) packages.push(i);
    const own = budget[i];
    // Sums of cents in floating point are a hair off; only a real excess is a problem.
    if (!Number.isNaN(own) && hasBudgetBelow[i] === 1 && breakdownBelow[i] - own > 1e-9 * Math.max(1, own)) {
      dataProblems.push(`${tree.items[i].key}: breakdown ${formatAmount(breakdownBelow[i])} exceeds its package's ${formatAmount(own)}`);
    }
  }
  return { budget, isPackage, breakdownBelow, hasBudgetBelow, packages, dataProblems };
}

/** The item was in progress at T or had been by then (for the 50/50 rule). */
function startedBy(item: WorkItem, asOfMs: number): boolean {
  if (statusCategoryAt(item, asOfMs) === 'indeterminate') return true;
  for (const change of item.statusChanges) {
    if (change.atMs > asOfMs) break;
    if (change.to === 'indeterminate' || change.from === 'indeterminate') return true;
  }
  return false;
}

/**
 * Share of a package earned at T (0..1): 1 when done; else the done weight share of the work items
 * below it; else (no weighed items below) by the project's earned value rule.
 */
export function packageCompletion(
  tree: ItemTree,
  sums: ProgressSums,
  settings: ProjectSettings,
  asOfMs: number,
  index: number,
  secondsSpent: Float64Array,
): number {
  if (sums.done[index] === 1) return 1;
  if (sums.totalBelow[index] > 0) return sums.doneBelow[index] / sums.totalBelow[index];
  const item = tree.items[index];
  switch (settings.earnedValueRule) {
    case '0/100':
      return 0;
    case '50/50':
      return startedBy(item, asOfMs) ? 0.5 : 0;
    case 'timeSpent': {
      const spent = secondsSpent[index];
      // Jira keeps only the current remaining estimate; without one, what is left of the original estimate.
      const remaining =
        item.remainingEstimateSeconds !== null
          ? Math.max(0, item.remainingEstimateSeconds)
          : item.originalEstimateSeconds !== null
            ? Math.max(0, item.originalEstimateSeconds - spent)
            : null;
      if (remaining === null || spent + remaining <= 0) return 0;
      return spent / (spent + remaining);
    }
  }
}

/** Share of a budget planned by the as-of day: 0 before the start day, 1 from the due day on, by whole days between (the as-of day counts as worked). */
export function plannedFraction(startDay: DayNumber, finishDay: DayNumber, asOfDay: DayNumber): number {
  if (asOfDay >= finishDay) return 1;
  if (asOfDay < startDay) return 0;
  return (asOfDay - startDay + 1) / (finishDay - startDay + 1);
}

function allNotAvailable(reason: string, dataProblems: string[]): EarnedValueMetrics {
  const none = notAvailable(reason);
  return {
    bac: none,
    pv: none,
    ev: none,
    ac: none,
    sv: none,
    cv: none,
    svPercent: none,
    cvPercent: none,
    spi: none,
    cpi: none,
    eac: { byCpi: none, byCpiAndSpi: none, atPlannedRate: none },
    etc: none,
    vac: none,
    tcpiToBac: none,
    tcpiToEac: none,
    workPackages: [],
    unscheduledPackages: [],
    dataProblems,
  };
}

export function earnedValue(project: ProjectData, settings: ProjectSettings, asOfMs: number): EarnedValueMetrics {
  const tree = itemTreeAt(project, asOfMs);
  const structure = budgetStructure(tree);
  const dataProblems = structure.dataProblems;
  const projectBudget = settings.projectBudget !== null && Number.isFinite(settings.projectBudget) ? settings.projectBudget : null;
  if (structure.packages.length === 0 && projectBudget === null) return allNotAvailable(NO_BUDGET_REASON, dataProblems);

  const sums = progressSums(tree, settings, asOfMs);
  const costs = actualCostsOfTree(tree, project, settings, asOfMs);
  if (costs.unratedWorklogAuthors.length > 0) {
    dataProblems.push(
      `no hourly rate for the worklogs of ${costs.unratedWorklogAuthors.join(', ')} (${formatAmount(costs.unratedHours)} hours counted at 0): set their rate, role or a default rate`,
    );
  }
  let acTotal = 0;
  for (let i = 0; i < costs.ownCost.length; i++) acTotal += costs.ownCost[i];

  const asOfDay = dayInZone(asOfMs, settings.timeZone);
  const projectStartDay = settings.baselineStartDay ?? dayInZone(project.createdMs, settings.timeZone);
  let packageBudgetSum = 0;
  for (const i of structure.packages) packageBudgetSum += structure.budget[i];

  let bac: number;
  let ev: Figure;
  let pv: Figure;
  const workPackages = structure.packages.map((i) => tree.items[i].key);
  const unscheduledPackages: string[] = [];

  if (packageBudgetSum > 0 || projectBudget === null) {
    bac = projectBudget ?? packageBudgetSum;
    // With a project budget, each package stands for its share of it, so EV and PV stay within BAC.
    const scale = projectBudget === null ? 1 : projectBudget / packageBudgetSum;
    const secondsSpent = settings.earnedValueRule === 'timeSpent' ? secondsSpentByItem(tree, project, asOfMs) : new Float64Array(0);
    // Planned value follows the baseline plan: a due date moved later shows as a lower SPI.
    const baselineMs = baselineInstant(settings, asOfMs);
    let earned = 0;
    let planned = 0;
    let scheduled = 0;
    for (const i of structure.packages) {
      const item = tree.items[i];
      const budget = structure.budget[i];
      earned += budget * packageCompletion(tree, sums, settings, asOfMs, i, secondsSpent);
      const finishDay = baselineDueDayAt(item, asOfMs, baselineMs) ?? settings.baselineFinishDay;
      if (finishDay === null) {
        unscheduledPackages.push(item.key);
        continue;
      }
      const startDay = item.startDay ?? projectStartDay;
      if (finishDay < startDay) dataProblems.push(`${item.key}: due ${isoDay(finishDay)} is before its start ${isoDay(startDay)}; planned in full from the due date`);
      planned += budget * plannedFraction(startDay, finishDay, asOfDay);
      scheduled++;
    }
    ev = figure(earned * scale);
    pv = scheduled > 0 ? figure(planned * scale) : notAvailable('no work package has a due date and the project has no baseline finish');
  } else {
    // A project budget and no package budgets (or only zero ones): the project as a whole is the one package.
    bac = projectBudget;
    const overall = progressFigure(sums.doneWeight, sums.totalWeight, sums.countedItems, 'no work items yet to earn value on');
    ev = derive([overall], ([share]) => share * bac);
    pv =
      settings.baselineFinishDay === null
        ? notAvailable('no baseline finish: set the project baseline start and finish to plan the project budget over time')
        : figure(bac * plannedFraction(projectStartDay, settings.baselineFinishDay, asOfDay));
  }

  const bacFigure = figure(bac);
  const ac = figure(acTotal);
  return { ...derivedFigures(bacFigure, pv, ev, ac), workPackages, unscheduledPackages, dataProblems };
}

/** Seconds logged by T on each item itself (worklogs on its children are the children's). */
function secondsSpentByItem(tree: ItemTree, project: ProjectData, asOfMs: number): Float64Array {
  const seconds = new Float64Array(tree.items.length);
  for (const worklog of project.worklogs) {
    if (worklog.startedMs > asOfMs) continue;
    const i = tree.indexOf.get(worklog.issueKey);
    if (i !== undefined) seconds[i] += worklog.seconds;
  }
  return seconds;
}

const PV_ZERO = 'nothing planned yet (PV is 0)';
const EV_ZERO = 'nothing earned yet (EV is 0)';
const AC_ZERO = 'no cost recorded yet (AC is 0)';

/** SV, CV, indices, EAC, ETC, VAC and TCPI from BAC, PV, EV and AC (exported for the portfolio roll-up). */
export function derivedFigures(
  bac: Figure,
  pv: Figure,
  ev: Figure,
  ac: Figure,
): Omit<EarnedValueMetrics, 'workPackages' | 'unscheduledPackages' | 'dataProblems'> {
  const sv = derive([ev, pv], ([e, p]) => e - p);
  const cv = derive([ev, ac], ([e, a]) => e - a);
  const svPercent = derive([sv, pv], ([s, p]) => ratio(s, p, PV_ZERO));
  const cvPercent = derive([cv, ev], ([c, e]) => ratio(c, e, EV_ZERO));
  const spi = derive([ev, pv], ([e, p]) => ratio(e, p, PV_ZERO));
  const cpi = derive([ev, ac], ([e, a]) => ratio(e, a, AC_ZERO));
  const byCpi = derive([bac, cpi], ([b, c]) => ratio(b, c, `${EV_ZERO}, so CPI is 0`));
  const byCpiAndSpi = derive([bac, ev, ac, cpi, spi], ([b, e, a, c, s]) => {
    const rest = ratio(b - e, c * s, `${EV_ZERO}, so CPI x SPI is 0`);
    return rest.value === null ? rest : a + rest.value;
  });
  const atPlannedRate = derive([bac, ev, ac], ([b, e, a]) => a + b - e);
  const etc = derive([byCpi, ac], ([eac, a]) => eac - a);
  const vac = derive([bac, byCpi], ([b, eac]) => b - eac);
  const tcpiToBac = derive([bac, ev, ac], ([b, e, a]) =>
    b - a <= 0 ? notAvailable('the budget is spent (AC has reached BAC): finishing within BAC is no longer possible; see TCPI to EAC') : (b - e) / (b - a),
  );
  const tcpiToEac = derive([bac, ev, etc], ([b, e, toComplete]) => ratio(b - e, toComplete, 'nothing left to complete (EV has reached BAC)'));
  return { bac, pv, ev, ac, sv, cv, svPercent, cvPercent, spi, cpi, eac: { byCpi, byCpiAndSpi, atPlannedRate }, etc, vac, tcpiToBac, tcpiToEac };
}
