/**
 * Budget variance: planned budget against actual cost, for an item on its own and rolled up over
 * everything below it. One per work package for the project view; any item for the issue panel.
 */
import type { BudgetVariance } from '../shared/contract';
import { actualCostsOfTree } from './cost';
import { budgetStructure, type BudgetStructure } from './earnedValue';
import { figure, notAvailable, ratio, type Figure } from './figure';
import type { ProjectData } from './model';
import { itemTreeAt, type ItemTree } from './progress';
import type { ProjectSettings } from './settings';

interface BudgetRollUp {
  tree: ItemTree;
  structure: BudgetStructure;
  ownCost: Float64Array;
  /** Own cost plus the cost of everything below. */
  costWithBelow: Float64Array;
}

function rollUp(project: ProjectData, settings: ProjectSettings, asOfMs: number): BudgetRollUp {
  const tree = itemTreeAt(project, asOfMs);
  const structure = budgetStructure(tree);
  const { ownCost } = actualCostsOfTree(tree, project, settings, asOfMs);
  const costWithBelow = Float64Array.from(ownCost);
  for (let k = 0; k < tree.childrenFirst.length; k++) {
    const i = tree.childrenFirst[k];
    const p = tree.parent[i];
    if (p !== -1) costWithBelow[p] += costWithBelow[i];
  }
  return { tree, structure, ownCost, costWithBelow };
}

function varianceFigures(planned: number | null, actual: number, noPlanReason: string): { variance: Figure; variancePercent: Figure } {
  if (planned === null) return { variance: notAvailable(noPlanReason), variancePercent: notAvailable(noPlanReason) };
  const variance = planned - actual;
  return { variance: figure(variance), variancePercent: ratio(variance, planned, 'the planned budget is 0') };
}

function varianceOf({ tree, structure, ownCost, costWithBelow }: BudgetRollUp, i: number): BudgetVariance {
  const item = tree.items[i];
  const planned = Number.isNaN(structure.budget[i]) ? null : structure.budget[i];
  // Rolled up, an item's own budget wins; without one, the budgets of its nearest budgeted descendants.
  const plannedWithBelow = planned ?? (structure.hasBudgetBelow[i] === 1 ? structure.breakdownBelow[i] : null);
  return {
    key: item.key,
    summary: item.summary,
    planned,
    actual: ownCost[i],
    ...varianceFigures(planned, ownCost[i], 'no Planned budget on this item'),
    rolledUp: {
      planned: plannedWithBelow,
      actual: costWithBelow[i],
      ...varianceFigures(plannedWithBelow, costWithBelow[i], 'no Planned budget on this item or below it'),
    },
  };
}

/** One budget variance per work package (the topmost budgeted items), in project order. */
export function budgetVariances(project: ProjectData, settings: ProjectSettings, asOfMs: number): BudgetVariance[] {
  const state = rollUp(project, settings, asOfMs);
  return state.structure.packages.map((i) => varianceOf(state, i));
}

/** The budget variance of any item (for the issue panel); null when the item did not exist at T or is not in the project. */
export function itemBudgetVariance(project: ProjectData, settings: ProjectSettings, asOfMs: number, key: string): BudgetVariance | null {
  const state = rollUp(project, settings, asOfMs);
  const i = state.tree.indexOf.get(key);
  return i === undefined ? null : varianceOf(state, i);
}

/** The Budget variance field of an item: its Planned budget minus its Actual cost field; empty when either is empty. */
export function fieldBudgetVariance(plannedBudget: number | null, actualCost: number | null): number | null {
  if (plannedBudget === null || actualCost === null) return null;
  // Money in the site currency to the cent: no float dust such as 0.30000000000000004.
  return Math.round((plannedBudget - actualCost) * 100) / 100;
}
