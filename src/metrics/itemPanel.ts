/**
 * The money and schedule of one item for the project manager's issue panel: its planned budget, its
 * actual cost by source (the Actual cost field, worklogs x rates), its variance, the roll-up over its
 * children and which child is over budget, EAC for a work package, its schedule status and where it
 * sits in its package. Pure: computed from the synced project data as of T.
 */
import type { BaselineRef, IssuePanelView, ItemMoney, PanelBaseline } from '../shared/contract';
import { compareWithBaseline, packageLine, packagesAt, type StoredBaseline } from './baseline';
import { dayInZone, dueDayAt, firstDueDayAt, statusCategoryAt } from './asOf';
import { actualCostsOfTree } from './cost';
import { budgetStructure, packageCompletion } from './earnedValue';
import { figure, notAvailable, ratio, type Figure } from './figure';
import { isoDay, type ProjectData } from './model';
import { itemTreeAt, progressSums } from './progress';
import { isOverdueAt } from './schedule';
import type { ProjectSettings } from './settings';

type PanelFigures = Pick<IssuePanelView, 'money' | 'schedule' | 'place'>;

const ragOf = (variance: Figure): 'red' | 'green' | 'none' => (variance.value === null ? 'none' : variance.value < 0 ? 'red' : 'green');

function variance(planned: number | null, actual: number, noPlan: string): Figure {
  return planned === null ? notAvailable(noPlan) : figure(planned - actual);
}

/** The panel's figures of `key`; null when the item is not in the synced data at T. */
export function itemPanelFigures(project: ProjectData, settings: ProjectSettings, asOfMs: number, key: string): PanelFigures | null {
  const tree = itemTreeAt(project, asOfMs);
  const i = tree.indexOf.get(key);
  if (i === undefined) return null;
  const structure = budgetStructure(tree);
  const counted = actualCostsOfTree(tree, project, settings, asOfMs).ownCost;
  const fromField = settings.costSource === 'worklogs' ? null : actualCostsOfTree(tree, project, { ...settings, costSource: 'fields' }, asOfMs).ownCost;
  const fromWorklogs = settings.costSource === 'fields' ? null : actualCostsOfTree(tree, project, { ...settings, costSource: 'worklogs' }, asOfMs).ownCost;

  const children: number[][] = tree.items.map(() => []);
  for (let j = 0; j < tree.items.length; j++) if (tree.parent[j] !== -1) children[tree.parent[j]].push(j);
  const withBelow = Float64Array.from(counted);
  for (let k = 0; k < tree.childrenFirst.length; k++) {
    const j = tree.childrenFirst[k];
    if (tree.parent[j] !== -1) withBelow[tree.parent[j]] += withBelow[j];
  }
  const plannedOf = (j: number): number | null => (Number.isNaN(structure.budget[j]) ? null : structure.budget[j]);
  const plannedWithBelow = (j: number): number | null => plannedOf(j) ?? (structure.hasBudgetBelow[j] === 1 ? structure.breakdownBelow[j] : null);

  const moneyOf = (j: number): ItemMoney => {
    const item = tree.items[j];
    const own = variance(plannedOf(j), counted[j], 'no Planned budget on this item');
    return {
      key: item.key,
      summary: item.summary,
      planned: plannedOf(j),
      actualFromField: fromField ? fromField[j] : null,
      actualFromWorklogs: fromWorklogs ? fromWorklogs[j] : null,
      actual: counted[j],
      variance: own,
      varianceRag: ragOf(own),
    };
  };

  const rolledVariance = variance(plannedWithBelow(i), withBelow[i], 'no Planned budget on this item or below it');
  let eac: Figure | null = null;
  if (structure.isPackage[i] === 1) {
    // EAC by CPI over the package: BAC / (EV / AC), EV being the package's earned share of its budget.
    const sums = progressSums(tree, settings, asOfMs);
    const earned = packageCompletion(tree, sums, settings, asOfMs, i, new Float64Array(tree.items.length)) * structure.budget[i];
    const cpi = ratio(earned, withBelow[i], 'no actual cost yet, so CPI is not known');
    eac = cpi.value === null ? cpi : ratio(structure.budget[i], cpi.value, 'nothing earned yet, so CPI is 0');
  }

  // The path from the top, and the work package: the topmost budgeted item on it.
  const path: { key: string; summary: string }[] = [];
  let workPackage: { key: string; summary: string } | null = null;
  for (let j = tree.parent[i]; j !== -1; j = tree.parent[j]) path.unshift({ key: tree.items[j].key, summary: tree.items[j].summary });
  for (let j = i; j !== -1; j = tree.parent[j]) if (structure.isPackage[j] === 1) workPackage = { key: tree.items[j].key, summary: tree.items[j].summary };

  const item = tree.items[i];
  const today = dayInZone(asOfMs, settings.timeZone);
  const due = dueDayAt(item, asOfMs);
  const first = firstDueDayAt(item, asOfMs);
  return {
    money: {
      ...moneyOf(i),
      rolledUp: { planned: plannedWithBelow(i), actual: withBelow[i], variance: rolledVariance, varianceRag: ragOf(rolledVariance) },
      children: children[i].map((j) => {
        const child = moneyOf(j);
        const childRolled = variance(plannedWithBelow(j), withBelow[j], 'no Planned budget');
        return { ...child, planned: plannedWithBelow(j), actual: withBelow[j], variance: childRolled, varianceRag: ragOf(childRolled), overBudget: childRolled.value !== null && childRolled.value < 0 };
      }),
      eac,
    },
    schedule: {
      dueDate: due === null ? null : isoDay(due),
      overdue: isOverdueAt(item, asOfMs, today),
      slipDays: due !== null && first !== null ? due - first : null,
      statusCategory: statusCategoryAt(item, asOfMs),
    },
    place: { workPackage, path },
  };
}

/**
 * The panel's baseline line: the item's work package (the item itself when it is one, or when the
 * baseline kept it as one) against the chosen baseline, or why there is none.
 */
export function panelBaselineOf(project: ProjectData, asOfMs: number, key: string, workPackageKey: string | null, chosen: { baseline: StoredBaseline; ref: BaselineRef } | null): PanelBaseline {
  if (chosen === null) return { chosen: null, packageKey: workPackageKey, line: null, reason: 'No baseline is chosen for this project.' };
  const packageKey = workPackageKey ?? (chosen.baseline.packages.some((entry) => entry.issueKey === key) ? key : null);
  if (packageKey === null) return { chosen: chosen.ref, packageKey: null, line: null, reason: 'This item is in no work package (no Planned budget on it or above it), so it has no baseline line.' };
  const comparison = compareWithBaseline(chosen.baseline, chosen.ref, packagesAt(project, asOfMs), asOfMs);
  const line = packageLine(comparison, packageKey);
  return { chosen: chosen.ref, packageKey, line, reason: line === null ? `${packageKey} is not in the baseline.` : null };
}
