/**
 * Progress: how much of the project's work is done, by weight, as of T. Also home of the item tree
 * (parents and children as of T) that cost, earned value and budget variance share, so each of them
 * walks the hierarchy once, bottom-up, instead of once per item.
 */
import type { EpicProgress, ProgressMetrics } from '../shared/contract';
import { existedAt, isDoneAt } from './asOf';
import { notAvailable, ratio, type Figure } from './figure';
import type { ProjectData, WorkItem } from './model';
import type { ProjectSettings } from './settings';

/** The items that existed at T and how they hang together; indexes point into `items`. */
export interface ItemTree {
  /** Items created by T, in the project's order. */
  items: WorkItem[];
  indexOf: Map<string, number>;
  /** Index of the parent, -1 for top-level items (also when the parent is not in the project at T). */
  parent: Int32Array;
  /** Every index once, each child before its parent: one pass in this order rolls sums up the tree. */
  childrenFirst: Int32Array;
  hasChildren: Uint8Array;
}

const lastTree = new WeakMap<ProjectData, { items: WorkItem[]; asOfMs: number; tree: ItemTree }>();

/**
 * The hierarchy as of T. Progress, earned value and budget variance of one computation all read it,
 * so the last one built for a project is kept and reused for the same items and T.
 */
export function itemTreeAt(project: ProjectData, asOfMs: number): ItemTree {
  const last = lastTree.get(project);
  if (last && last.items === project.items && last.asOfMs === asOfMs) return last.tree;
  const tree = buildItemTree(project, asOfMs);
  lastTree.set(project, { items: project.items, asOfMs, tree });
  return tree;
}

/** Parent links are Jira's current ones (Jira keeps no history of them). */
function buildItemTree(project: ProjectData, asOfMs: number): ItemTree {
  const items: WorkItem[] = [];
  const indexOf = new Map<string, number>();
  for (const item of project.items) {
    if (!existedAt(item, asOfMs) || indexOf.has(item.key)) continue;
    indexOf.set(item.key, items.length);
    items.push(item);
  }
  const count = items.length;
  const parent = new Int32Array(count).fill(-1);
  const hasChildren = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const parentKey = items[i].parentKey;
    const p = parentKey === null ? undefined : indexOf.get(parentKey);
    if (p !== undefined) parent[i] = p;
  }

  // Depth of each item; a parent loop in bad data is cut where it is found, so the walk always ends.
  const VISITING = -2;
  const depth = new Int32Array(count).fill(-1);
  const stack: number[] = [];
  let maxDepth = 0;
  for (let i = 0; i < count; i++) {
    if (depth[i] >= 0) continue;
    stack.length = 0;
    let j = i;
    while (j !== -1 && depth[j] === -1) {
      depth[j] = VISITING;
      stack.push(j);
      j = parent[j];
    }
    if (j !== -1 && depth[j] === VISITING) {
      parent[j] = -1;
      depth[j] = 0;
    }
    for (let k = stack.length - 1; k >= 0; k--) {
      const node = stack[k];
      depth[node] = parent[node] === -1 ? 0 : depth[parent[node]] + 1;
      if (depth[node] > maxDepth) maxDepth = depth[node];
    }
  }
  for (let i = 0; i < count; i++) if (parent[i] !== -1) hasChildren[parent[i]] = 1;

  // Counting sort by depth, deepest first.
  const startOfDepth = new Int32Array(maxDepth + 2);
  for (let i = 0; i < count; i++) startOfDepth[maxDepth - depth[i] + 1]++;
  for (let d = 1; d < startOfDepth.length; d++) startOfDepth[d] += startOfDepth[d - 1];
  const childrenFirst = new Int32Array(count);
  for (let i = 0; i < count; i++) childrenFirst[startOfDepth[maxDepth - depth[i]]++] = i;

  return { items, indexOf, parent, childrenFirst, hasChildren };
}

/** What an item weighs: the first weight source that is set (0 counts as set), else 1. */
export function weightOf(item: WorkItem, settings: ProjectSettings): number {
  for (const source of settings.weightSources) {
    const value = source === 'storyPoints' ? item.storyPoints : item.originalEstimateSeconds === null ? null : item.originalEstimateSeconds / 3600;
    // A negative or broken value is not a weight; the next source decides.
    if (value !== null && Number.isFinite(value) && value >= 0) return value;
  }
  return 1;
}

/** An item counts for progress when it is a leaf at T (no children yet) and not an epic. */
export function countsForProgress(tree: ItemTree, index: number): boolean {
  return tree.items[index].level !== 'epic' && tree.hasChildren[index] === 0;
}

export interface ProgressSums {
  /** 1 when the item's status category is done at T. */
  done: Uint8Array;
  /** Done and total weight of the counted items strictly below each item. */
  doneBelow: Float64Array;
  totalBelow: Float64Array;
  /** Counted items strictly below each item. */
  countedBelow: Int32Array;
  doneWeight: number;
  totalWeight: number;
  countedItems: number;
}

/** Done and total weight for the project and under every item, in one bottom-up pass. */
export function progressSums(tree: ItemTree, settings: ProjectSettings, asOfMs: number): ProgressSums {
  const count = tree.items.length;
  const done = new Uint8Array(count);
  const doneBelow = new Float64Array(count);
  const totalBelow = new Float64Array(count);
  const countedBelow = new Int32Array(count);
  let doneWeight = 0;
  let totalWeight = 0;
  let countedItems = 0;
  for (let i = 0; i < count; i++) if (isDoneAt(tree.items[i], asOfMs)) done[i] = 1;
  for (let k = 0; k < count; k++) {
    const i = tree.childrenFirst[k];
    let doneHere: number;
    let totalHere: number;
    let countedHere: number;
    if (countsForProgress(tree, i)) {
      totalHere = weightOf(tree.items[i], settings);
      doneHere = done[i] === 1 ? totalHere : 0;
      countedHere = 1;
      doneWeight += doneHere;
      totalWeight += totalHere;
      countedItems++;
    } else {
      doneHere = doneBelow[i];
      totalHere = totalBelow[i];
      countedHere = countedBelow[i];
    }
    const p = tree.parent[i];
    if (p !== -1) {
      doneBelow[p] += doneHere;
      totalBelow[p] += totalHere;
      countedBelow[p] += countedHere;
    }
  }
  return { done, doneBelow, totalBelow, countedBelow, doneWeight, totalWeight, countedItems };
}

/** Done weight / total weight, with the reason when there is nothing to weigh. */
export function progressFigure(doneWeight: number, totalWeight: number, countedItems: number, noItemsReason: string): Figure {
  if (countedItems === 0) return notAvailable(noItemsReason);
  if (totalWeight === 0) return notAvailable('the work items all weigh 0 (story points or estimates of 0)');
  return ratio(doneWeight, totalWeight, noItemsReason);
}

export function progress(project: ProjectData, settings: ProjectSettings, asOfMs: number): ProgressMetrics {
  const tree = itemTreeAt(project, asOfMs);
  const sums = progressSums(tree, settings, asOfMs);
  const byEpic: EpicProgress[] = [];
  for (let i = 0; i < tree.items.length; i++) {
    const item = tree.items[i];
    if (item.level !== 'epic') continue;
    byEpic.push({
      key: item.key,
      summary: item.summary,
      doneWeight: sums.doneBelow[i],
      totalWeight: sums.totalBelow[i],
      progress: progressFigure(sums.doneBelow[i], sums.totalBelow[i], sums.countedBelow[i], 'no work items under this epic yet'),
    });
  }
  return {
    doneWeight: sums.doneWeight,
    totalWeight: sums.totalWeight,
    progress: progressFigure(sums.doneWeight, sums.totalWeight, sums.countedItems, 'no work items yet'),
    byEpic,
  };
}
