/**
 * One item's compliance, for the issue panel: the rules in force for its project checked on the item
 * and on each of its children, as of an instant, with what is wrong, why it matters and how to fix it.
 * Only the item and its children are checked, against a context built from the whole project (a rule
 * on a done item reads its subtasks). Pure: the synced data and the effective rules in, the list out.
 */
import type { ItemCompliance, ItemComplianceEntry } from '../shared/contract';
import { existedAt, statusCategoryAt } from '../metrics/asOf';
import type { ProjectData, WorkItem } from '../metrics/model';
import { checkItem, ruleContext } from './evaluate';
import type { EffectiveRule } from './settings';

export const NO_RULES_REASON = 'No compliance rules are enabled for this project.';

/** The violations of `key` and of its children at T; null when the item is not in the synced data at T. */
export function itemCompliance(project: ProjectData, rules: readonly EffectiveRule[], asOfMs: number, timeZone: string, key: string): ItemCompliance | null {
  const item = project.items.find((candidate) => candidate.key === key);
  if (!item || !existedAt(item, asOfMs)) return null;
  if (rules.length === 0) return { rulesInForce: 0, noRulesReason: NO_RULES_REASON, checkedItems: 0, entries: [] };
  const context = ruleContext(project, asOfMs, timeZone);
  const children = [...(context.childrenOf.get(key) ?? [])].sort((a, b) => a.key.localeCompare(b.key, 'en', { numeric: true }));
  const entries: ItemComplianceEntry[] = [];
  const check = (checked: WorkItem, isChild: boolean) => {
    const category = statusCategoryAt(checked, asOfMs);
    const violations: ItemComplianceEntry['violations'] = [];
    for (const rule of rules) {
      const verdict = checkItem(rule, checked, category, context);
      if (verdict.outcome !== 'fail') continue;
      violations.push({
        ruleId: rule.id,
        title: rule.definition.title,
        whyItMatters: rule.definition.whyItMatters,
        howToFix: rule.definition.howToFix,
        severity: rule.severity,
        problem: verdict.problem,
      });
    }
    if (violations.length > 0) entries.push({ key: checked.key, summary: checked.summary, isChild, violations });
  };
  check(item, false);
  for (const child of children) check(child, true);
  return { rulesInForce: rules.length, noRulesReason: null, checkedItems: 1 + children.length, entries };
}
