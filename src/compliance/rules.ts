/**
 * The PMO's built-in process rules, as data: what each checks, why it matters, how to fix it, which
 * items it applies to, its parameters and its condition. The condition reads an item as it was at the
 * as-of instant where the synced data keeps the history (status category, due date, worklogs) and at
 * its current value where it does not (assignee, estimates, priority, fix versions, description,
 * Planned budget): docs/compliance.md says which is which.
 */
import { z } from 'zod';
import { dueDayAt, statusCategoryAt } from '../metrics/asOf';
import type { DayNumber, HierarchyLevel, StatusCategory, WorkItem } from '../metrics/model';

export const RULE_IDS = [
  'epic-planned',
  'in-progress-ready',
  'in-progress-updated',
  'bug-priority-set',
  'done-fix-version',
  'not-overdue',
  'story-described',
  'done-without-open-subtasks',
  'done-time-logged',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export const SEVERITIES = ['low', 'medium', 'high'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** What a failed check of each severity weighs in the score. */
export const SEVERITY_WEIGHT: Record<Severity, number> = { low: 1, medium: 2, high: 3 };

/** What the rule context knows about the project at T, built once per evaluation. */
export interface RuleContext {
  asOfMs: number;
  /** "Today" at T in the site's zone. */
  today: DayNumber;
  /** Children of each key (existing at T). */
  childrenOf: ReadonlyMap<string, readonly WorkItem[]>;
  /** Seconds logged on each item up to T. */
  loggedSecondsOf: ReadonlyMap<string, number>;
  /** The item's latest worklog started up to T. */
  lastWorklogMsOf: ReadonlyMap<string, number>;
  /** Versions released now (Jira keeps no history of release). */
  releasedVersionIds: ReadonlySet<string>;
}

/** A check's answer: passes, does not apply to this item, or fails saying what is wrong. */
export type Verdict = { outcome: 'pass' } | { outcome: 'not applicable' } | { outcome: 'fail'; problem: string };

export const PASS: Verdict = { outcome: 'pass' };
export const NOT_APPLICABLE: Verdict = { outcome: 'not applicable' };
const fail = (problem: string): Verdict => ({ outcome: 'fail', problem });

/** Which items a rule looks at by default (the PMO may narrow or widen issue types and status categories). */
export interface RuleScope {
  levels: HierarchyLevel[];
  /** Issue type names; null: every type at those levels. */
  issueTypes: string[] | null;
  statusCategories: StatusCategory[];
}

export interface RuleDefinition<P> {
  id: RuleId;
  title: string;
  whyItMatters: string;
  howToFix: string;
  scope: RuleScope;
  params: z.ZodType<P>;
  defaultParams: P;
  /** The item at T, already known to be in the rule's scope; `category` is its status category at T. */
  check(item: WorkItem, category: StatusCategory, params: P, context: RuleContext): Verdict;
}

const ALL_CATEGORIES: StatusCategory[] = ['new', 'indeterminate', 'done'];
const OPEN_CATEGORIES: StatusCategory[] = ['new', 'indeterminate'];

export const epicPlannedParams = z.strictObject({ requireBudget: z.boolean(), requireDueDate: z.boolean(), requireAssignee: z.boolean() });
export const inProgressReadyParams = z.strictObject({
  requireAssignee: z.boolean(),
  requireEstimate: z.boolean(),
  /** What counts as an estimate: any one of these set. */
  estimateFields: z.array(z.enum(['storyPoints', 'originalEstimate'])).min(1),
});
export const inProgressUpdatedParams = z.strictObject({ maxDaysWithoutUpdate: z.number().int().min(1).max(365) });
export const bugPriorityParams = z.strictObject({ defaultPriority: z.string().min(1).max(60) });
export const doneFixVersionParams = z.strictObject({ requireReleased: z.boolean() });
export const notOverdueParams = z.strictObject({ graceDays: z.number().int().min(0).max(365) });
export const storyDescribedParams = z.strictObject({});
export const doneWithoutOpenSubtasksParams = z.strictObject({ childLevels: z.array(z.enum(['standard', 'subtask'])).min(1) });
export const doneTimeLoggedParams = z.strictObject({
  /** Logged time must reach this share of the original estimate; 0: any time logged. */
  minShareOfEstimate: z.number().min(0).max(10),
});

const hasEstimate = (item: WorkItem, fields: readonly ('storyPoints' | 'originalEstimate')[]): boolean =>
  fields.some((field) => (field === 'storyPoints' ? item.storyPoints !== null : item.originalEstimateSeconds !== null && item.originalEstimateSeconds > 0));

/** Jira's `updated` when it is not after T; else the latest change known from the histories up to T. */
export function lastUpdateAt(item: WorkItem, asOfMs: number, lastWorklogMs: number | undefined): number {
  let latest = item.updatedMs <= asOfMs ? item.updatedMs : item.createdMs;
  if (item.updatedMs > asOfMs) {
    for (const change of item.statusChanges) if (change.atMs <= asOfMs && change.atMs > latest) latest = change.atMs;
    for (const change of item.dueDateChanges) if (change.atMs <= asOfMs && change.atMs > latest) latest = change.atMs;
  }
  return lastWorklogMs !== undefined && lastWorklogMs > latest ? lastWorklogMs : latest;
}

const MS_PER_DAY = 86_400_000;

const missingList = (missing: string[]): string => (missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(', ')} and ${missing[missing.length - 1]}`);

export const epicPlanned: RuleDefinition<z.infer<typeof epicPlannedParams>> = {
  id: 'epic-planned',
  title: 'Epics have a Planned budget, a due date and an assignee',
  whyItMatters: 'An epic is the unit the PMO budgets and schedules: without a budget earned value cannot count it, without a due date it cannot be late, without an owner nobody answers for it.',
  howToFix: 'Open the epic and set the missing Planned budget, due date or assignee.',
  scope: { levels: ['epic'], issueTypes: null, statusCategories: OPEN_CATEGORIES },
  params: epicPlannedParams,
  defaultParams: { requireBudget: true, requireDueDate: true, requireAssignee: true },
  check(item, _category, params, context) {
    const missing: string[] = [];
    if (params.requireBudget && item.plannedBudget === null) missing.push('a Planned budget');
    if (params.requireDueDate && dueDayAt(item, context.asOfMs) === null) missing.push('a due date');
    if (params.requireAssignee && item.assigneeAccountId === null) missing.push('an assignee');
    return missing.length === 0 ? PASS : fail(`lacks ${missingList(missing)}`);
  },
};

export const inProgressReady: RuleDefinition<z.infer<typeof inProgressReadyParams>> = {
  id: 'in-progress-ready',
  title: 'Work in progress has an assignee and an estimate',
  whyItMatters: 'Work nobody owns stalls, and work without an estimate leaves progress, earned value and the forecast blind.',
  howToFix: 'Assign the item to the person doing it and give it an estimate (story points or an original estimate).',
  scope: { levels: ['standard', 'subtask'], issueTypes: null, statusCategories: ['indeterminate'] },
  params: inProgressReadyParams,
  defaultParams: { requireAssignee: true, requireEstimate: true, estimateFields: ['storyPoints', 'originalEstimate'] },
  check(item, _category, params) {
    const missing: string[] = [];
    if (params.requireAssignee && item.assigneeAccountId === null) missing.push('an assignee');
    if (params.requireEstimate && !hasEstimate(item, params.estimateFields)) missing.push('an estimate');
    return missing.length === 0 ? PASS : fail(`is in progress without ${missingList(missing)}`);
  },
};

export const inProgressUpdated: RuleDefinition<z.infer<typeof inProgressUpdatedParams>> = {
  id: 'in-progress-updated',
  title: 'Nothing stays in progress without an update',
  whyItMatters: 'An item in progress that nobody touches for weeks is forgotten or blocked, and it still counts as work under way.',
  howToFix: 'Update the item (log work, comment, move it on), or move it back to To Do if nobody is working on it.',
  scope: { levels: ['epic', 'standard', 'subtask'], issueTypes: null, statusCategories: ['indeterminate'] },
  params: inProgressUpdatedParams,
  defaultParams: { maxDaysWithoutUpdate: 14 },
  check(item, _category, params, context) {
    const idleDays = Math.floor((context.asOfMs - lastUpdateAt(item, context.asOfMs, context.lastWorklogMsOf.get(item.key))) / MS_PER_DAY);
    return idleDays > params.maxDaysWithoutUpdate ? fail(`has not been updated for ${idleDays} days (at most ${params.maxDaysWithoutUpdate})`) : PASS;
  },
};

export const bugPrioritySet: RuleDefinition<z.infer<typeof bugPriorityParams>> = {
  id: 'bug-priority-set',
  title: 'Bugs have a priority other than the default',
  whyItMatters: 'A bug left at the default priority was never triaged: nobody decided how much it matters.',
  howToFix: 'Triage the bug: set the priority it deserves.',
  scope: { levels: ['standard', 'subtask'], issueTypes: ['Bug'], statusCategories: OPEN_CATEGORIES },
  params: bugPriorityParams,
  defaultParams: { defaultPriority: 'Medium' },
  check(item, _category, params) {
    return item.priority === '' || item.priority.toLowerCase() === params.defaultPriority.toLowerCase() ? fail(`still has the default priority (${params.defaultPriority})`) : PASS;
  },
};

export const doneFixVersion: RuleDefinition<z.infer<typeof doneFixVersionParams>> = {
  id: 'done-fix-version',
  title: 'Done items have a fix version',
  whyItMatters: 'Release notes and milestone progress count the work by fix version: done work without one ships unrecorded.',
  howToFix: 'Set the fix version the item shipped (or will ship) in.',
  scope: { levels: ['standard'], issueTypes: null, statusCategories: ['done'] },
  params: doneFixVersionParams,
  defaultParams: { requireReleased: false },
  check(item, _category, params, context) {
    if (item.fixVersionIds.length === 0) return fail('is done without a fix version');
    if (params.requireReleased && !item.fixVersionIds.some((id) => context.releasedVersionIds.has(id))) return fail('is done but none of its fix versions is released');
    return PASS;
  },
};

export const notOverdue: RuleDefinition<z.infer<typeof notOverdueParams>> = {
  id: 'not-overdue',
  title: 'Unresolved items are not past their due date',
  whyItMatters: 'A due date that has passed on open work is either a slip nobody reported or a date nobody maintains.',
  howToFix: 'Finish the item, or agree a new due date and set it.',
  scope: { levels: ['epic', 'standard', 'subtask'], issueTypes: null, statusCategories: OPEN_CATEGORIES },
  params: notOverdueParams,
  defaultParams: { graceDays: 0 },
  check(item, _category, params, context) {
    const due = dueDayAt(item, context.asOfMs);
    if (due === null) return NOT_APPLICABLE;
    const late = context.today - due;
    return late > params.graceDays ? fail(`is ${late} day${late === 1 ? '' : 's'} past its due date`) : PASS;
  },
};

export const storyDescribed: RuleDefinition<z.infer<typeof storyDescribedParams>> = {
  id: 'story-described',
  title: 'Stories have a description',
  whyItMatters: 'A story without a description leaves the team to guess what done means.',
  howToFix: 'Write the story’s description: who needs what, and how the team will know it is done.',
  scope: { levels: ['standard'], issueTypes: ['Story'], statusCategories: ALL_CATEGORIES },
  params: storyDescribedParams,
  defaultParams: {},
  check(item) {
    // Items synced before the description was read are not judged.
    if (item.hasDescription === undefined) return NOT_APPLICABLE;
    return item.hasDescription ? PASS : fail('has no description');
  },
};

export const doneWithoutOpenSubtasks: RuleDefinition<z.infer<typeof doneWithoutOpenSubtasksParams>> = {
  id: 'done-without-open-subtasks',
  title: 'No open subtasks under a done item',
  whyItMatters: 'A done item with open subtasks is not done: either the subtasks are forgotten or the item was closed too early.',
  howToFix: 'Finish or close the open subtasks, or reopen the item.',
  scope: { levels: ['epic', 'standard'], issueTypes: null, statusCategories: ['done'] },
  params: doneWithoutOpenSubtasksParams,
  defaultParams: { childLevels: ['subtask'] },
  check(item, _category, params, context) {
    const children = (context.childrenOf.get(item.key) ?? []).filter((child) => (params.childLevels as string[]).includes(child.level));
    if (children.length === 0) return NOT_APPLICABLE;
    const open = children.filter((child) => statusCategoryAt(child, context.asOfMs) !== 'done').map((child) => child.key);
    return open.length === 0 ? PASS : fail(`is done with ${open.length} open child item${open.length === 1 ? '' : 's'} (${open.slice(0, 5).join(', ')}${open.length > 5 ? ', …' : ''})`);
  },
};

export const doneTimeLogged: RuleDefinition<z.infer<typeof doneTimeLoggedParams>> = {
  id: 'done-time-logged',
  title: 'Done items with an estimate have time logged',
  whyItMatters: 'Actual cost and estimate accuracy come from logged time: estimated work finished without a worklog costs nothing on paper.',
  howToFix: 'Log the time spent on the item.',
  scope: { levels: ['standard', 'subtask'], issueTypes: null, statusCategories: ['done'] },
  params: doneTimeLoggedParams,
  defaultParams: { minShareOfEstimate: 0 },
  check(item, _category, params, context) {
    const estimate = item.originalEstimateSeconds;
    if (estimate === null || estimate <= 0) return NOT_APPLICABLE;
    const logged = context.loggedSecondsOf.get(item.key) ?? 0;
    if (logged <= 0) return fail('is done with an estimate but no time logged');
    if (logged < estimate * params.minShareOfEstimate) return fail(`has ${Math.round((logged / estimate) * 100)}% of its estimate logged (at least ${Math.round(params.minShareOfEstimate * 100)}%)`);
    return PASS;
  },
};

/** Each rule's parameter schema, by id (the settings validate overrides with them). */
export const PARAMS = {
  'epic-planned': epicPlannedParams,
  'in-progress-ready': inProgressReadyParams,
  'in-progress-updated': inProgressUpdatedParams,
  'bug-priority-set': bugPriorityParams,
  'done-fix-version': doneFixVersionParams,
  'not-overdue': notOverdueParams,
  'story-described': storyDescribedParams,
  'done-without-open-subtasks': doneWithoutOpenSubtasksParams,
  'done-time-logged': doneTimeLoggedParams,
} as const;

export type RuleParams = { [K in RuleId]: z.infer<(typeof PARAMS)[K]> };

/** Every built-in rule, in the order the PMO reads them. */
export const BUILT_IN_RULES: { [K in RuleId]: RuleDefinition<RuleParams[K]> } = {
  'epic-planned': epicPlanned,
  'in-progress-ready': inProgressReady,
  'in-progress-updated': inProgressUpdated,
  'bug-priority-set': bugPrioritySet,
  'done-fix-version': doneFixVersion,
  'not-overdue': notOverdue,
  'story-described': storyDescribed,
  'done-without-open-subtasks': doneWithoutOpenSubtasks,
  'done-time-logged': doneTimeLogged,
};

