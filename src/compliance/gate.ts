/**
 * The workflow gate: which of the rules the PMO enforces at the gate an item would break once a
 * transition has moved it to the target status category, and the message telling the person what to
 * fix. Pure: the item, its project's data and the rules in force in; the verdict out.
 */
import type { ProjectData, StatusCategory, WorkItem } from '../metrics/model';
import { checkItem, ruleContext } from './evaluate';
import type { RuleId } from './rules';
import type { EffectiveRule } from './settings';

export interface BrokenRule {
  ruleId: RuleId;
  title: string;
  problem: string;
  howToFix: string;
}

export type GateVerdict = { allowed: true } | { allowed: false; broken: BrokenRule[]; message: string };

/** Jira shows the message in the transition dialog: keep it readable. */
export const GATE_MESSAGE_MAX_CHARS = 1000;

/**
 * Checks the enforced rules on `item` as it would be after moving to `targetCategory` at `nowMs`.
 * Rules not enforced at the gate never block, even when they fail.
 */
export function checkTransition(item: WorkItem, targetCategory: StatusCategory, targetStatusName: string, project: ProjectData, rules: readonly EffectiveRule[], nowMs: number, timeZone: string): GateVerdict {
  const enforced = rules.filter((rule) => rule.enforceAtGate);
  if (enforced.length === 0) return { allowed: true };
  // The item as it will be: in the target category, and just updated by this transition.
  const moved: WorkItem = { ...item, statusCategory: targetCategory, updatedMs: nowMs };
  const context = ruleContext(project, nowMs, timeZone);
  const broken: BrokenRule[] = [];
  for (const rule of enforced) {
    const verdict = checkItem(rule, moved, targetCategory, context);
    if (verdict.outcome === 'fail') broken.push({ ruleId: rule.id, title: rule.definition.title, problem: verdict.problem, howToFix: rule.definition.howToFix });
  }
  if (broken.length === 0) return { allowed: true };
  return { allowed: false, broken, message: gateMessage(item.key, targetStatusName, broken) };
}

/** "P-1 cannot move to In Progress. Work in progress has …: it is in progress without an assignee. Fix: …" */
export function gateMessage(key: string, targetStatusName: string, broken: readonly BrokenRule[]): string {
  const parts = broken.map((rule) => `${rule.title}: ${key} ${rule.problem}. Fix: ${rule.howToFix}`);
  const message = `${key} cannot move to ${targetStatusName}. ${parts.join(' ')}`;
  return message.length <= GATE_MESSAGE_MAX_CHARS ? message : `${message.slice(0, GATE_MESSAGE_MAX_CHARS - 1)}…`;
}
