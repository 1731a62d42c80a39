/**
 * Baselines: a project's work packages' Planned budgets and due dates kept under a name, and the
 * comparison of the packages now against one of them (budget change, schedule slip, packages added
 * and removed since). Pure: from the synced project data as of T and the stored baseline.
 * Definitions: docs/metrics.md, "Baselines".
 */
import type { BaselineComparison, BaselinePackageLine, BaselineRef, Figure } from '../shared/contract';
import { dueDayAt } from './asOf';
import { budgetStructure } from './earnedValue';
import { figure, notAvailable, ratio } from './figure';
import { dayNumber, isoDay, type DayNumber, type ProjectData } from './model';
import { itemTreeAt } from './progress';

/** A work package as it stands at T. */
export interface PackageNow {
  issueKey: string;
  summary: string;
  plannedBudget: number | null;
  dueDay: DayNumber | null;
}

/** A baseline as the settings document keeps it. */
export interface StoredBaseline {
  id: string;
  name: string;
  setAt: string;
  setBy: string;
  packages: readonly { issueKey: string; plannedBudget: number | null; dueDay: string | null }[];
}

/** The project's work packages at T (budgeted items with no budgeted item above them), in project order. */
export function packagesAt(data: ProjectData, asOfMs: number): PackageNow[] {
  const tree = itemTreeAt(data, asOfMs);
  const structure = budgetStructure(tree);
  return structure.packages.map((i) => {
    const item = tree.items[i];
    return { issueKey: item.key, summary: item.summary, plannedBudget: structure.budget[i], dueDay: dueDayAt(item, asOfMs) };
  });
}

/** What a new baseline keeps of each package. */
export function baselinePackagesOf(packages: readonly PackageNow[]): StoredBaseline['packages'] {
  return packages.map((entry) => ({ issueKey: entry.issueKey, plannedBudget: entry.plannedBudget, dueDay: entry.dueDay === null ? null : isoDay(entry.dueDay) }));
}

/** Baselines known at T: those set at or before it, newest first. */
export function baselinesKnownAt<B extends Pick<StoredBaseline, 'setAt'>>(baselines: readonly B[], asOfMs: number): B[] {
  return baselines.filter((baseline) => Date.parse(baseline.setAt) <= asOfMs).sort((a, b) => Date.parse(b.setAt) - Date.parse(a.setAt));
}

export interface CompareOptions {
  /**
   * Set when the current Planned budgets are not known at T (the synced data keeps only the latest
   * value, so a past day's budgets are unknown): every budget change says this instead.
   */
  budgetsUnknownReason?: string | null;
}

function slipOf(baselineDue: DayNumber | null, currentDue: DayNumber | null): Figure {
  if (baselineDue === null && currentDue === null) return notAvailable('no due date in the baseline or now');
  if (baselineDue === null) return notAvailable('no due date in the baseline');
  if (currentDue === null) return notAvailable('no due date now');
  return figure(currentDue - baselineDue);
}

function budgetChangeOf(baselineBudget: number | null, currentBudget: number | null, unknown: string | null): { change: Figure; percent: Figure } {
  if (unknown !== null) return { change: notAvailable(unknown), percent: notAvailable(unknown) };
  if (baselineBudget === null) return { change: notAvailable('no Planned budget in the baseline'), percent: notAvailable('no Planned budget in the baseline') };
  if (currentBudget === null) return { change: notAvailable('no Planned budget now'), percent: notAvailable('no Planned budget now') };
  const change = currentBudget - baselineBudget;
  return { change: figure(change), percent: ratio(change, baselineBudget, 'the baseline budget is 0') };
}

/** The middle value (the mean of the two middle ones for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const ADDED = 'added since the baseline: it has no baseline value';
const REMOVED = 'not a work package now (removed, or its Planned budget cleared, since the baseline)';

/**
 * The packages now against a baseline: per package budget change and slip, the packages added and
 * removed since, and the project's totals. `current` is the project's packages at T (packagesAt).
 */
export function compareWithBaseline(baseline: StoredBaseline, ref: BaselineRef, current: readonly PackageNow[], asOfMs: number, options: CompareOptions = {}): BaselineComparison {
  const unknown = options.budgetsUnknownReason ?? null;
  const then = new Map(baseline.packages.map((entry) => [entry.issueKey, entry]));
  const now = new Map(current.map((entry) => [entry.issueKey, entry]));
  const inBoth: BaselinePackageLine[] = [];
  const added: BaselinePackageLine[] = [];
  const removed: BaselinePackageLine[] = [];

  for (const entry of current) {
    const before = then.get(entry.issueKey);
    const currentDue = entry.dueDay === null ? null : isoDay(entry.dueDay);
    if (!before) {
      added.push({
        issueKey: entry.issueKey,
        summary: entry.summary,
        presence: 'added since',
        baselineBudget: null,
        currentBudget: entry.plannedBudget,
        budgetChange: notAvailable(ADDED),
        budgetChangePercent: notAvailable(ADDED),
        baselineDue: null,
        currentDue,
        slipDays: notAvailable(ADDED),
      });
      continue;
    }
    const { change, percent } = budgetChangeOf(before.plannedBudget, entry.plannedBudget, unknown);
    inBoth.push({
      issueKey: entry.issueKey,
      summary: entry.summary,
      presence: 'in both',
      baselineBudget: before.plannedBudget,
      currentBudget: entry.plannedBudget,
      budgetChange: change,
      budgetChangePercent: percent,
      baselineDue: before.dueDay,
      currentDue,
      slipDays: slipOf(before.dueDay === null ? null : dayNumber(before.dueDay), entry.dueDay),
    });
  }
  for (const entry of baseline.packages) {
    if (now.has(entry.issueKey)) continue;
    removed.push({
      issueKey: entry.issueKey,
      summary: null,
      presence: 'removed since',
      baselineBudget: entry.plannedBudget,
      currentBudget: null,
      budgetChange: notAvailable(REMOVED),
      budgetChangePercent: notAvailable(REMOVED),
      baselineDue: entry.dueDay,
      currentDue: null,
      slipDays: notAvailable(REMOVED),
    });
  }
  // Most slipped first; packages without a slip after those with one; then by position.
  const slipOrder = (line: BaselinePackageLine): number => line.slipDays.value ?? Number.NEGATIVE_INFINITY;
  inBoth.sort((a, b) => slipOrder(b) - slipOrder(a));

  const slips = inBoth.flatMap((line) => (line.slipDays.value === null ? [] : [line.slipDays.value]));
  const baselineBudget = baseline.packages.reduce((sum, entry) => sum + (entry.plannedBudget ?? 0), 0);
  const currentBudget = current.reduce((sum, entry) => sum + (entry.plannedBudget ?? 0), 0);
  const noSlip = 'no work package has a due date both in the baseline and now';
  const middle = median(slips);
  return {
    baseline: ref,
    asOf: new Date(asOfMs).toISOString(),
    packages: [...inBoth, ...added, ...removed],
    totals: {
      baselineBudget,
      currentBudget,
      budgetChange: unknown !== null ? notAvailable(unknown) : figure(currentBudget - baselineBudget),
      budgetChangePercent: unknown !== null ? notAvailable(unknown) : ratio(currentBudget - baselineBudget, baselineBudget, 'the baseline holds no budget'),
      maxSlipDays: slips.length === 0 ? notAvailable(noSlip) : figure(Math.max(...slips)),
      medianSlipDays: middle === null ? notAvailable(noSlip) : figure(middle),
      slippedCount: slips.filter((slip) => slip > 0).length,
      addedCount: added.length,
      removedCount: removed.length,
    },
  };
}

/** The line of one package of a comparison, or null when the comparison has none of it. */
export function packageLine(comparison: BaselineComparison, issueKey: string): BaselinePackageLine | null {
  return comparison.packages.find((line) => line.issueKey === issueKey) ?? null;
}
