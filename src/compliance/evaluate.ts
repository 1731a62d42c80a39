/**
 * Checking a project's items against the rules in force, as of an instant: each rule on each item it
 * applies to is one check; the score is the passed share of the checks, each weighted by its rule's
 * severity. Pure: the synced data and the effective rules in, the figures out.
 */
import type { ComplianceMetrics, ComplianceRuleResult, ComplianceViolation } from '../shared/contract';
import { dayInZone, existedAt, statusCategoryAt } from '../metrics/asOf';
import { notAvailable, ratio } from '../metrics/figure';
import type { ProjectData, StatusCategory, WorkItem } from '../metrics/model';
import { SEVERITY_WEIGHT, type RuleContext, type Verdict } from './rules';
import type { EffectiveRule } from './settings';

/** What the rules need to know about the project at T, built once per evaluation. */
export function ruleContext(project: ProjectData, asOfMs: number, timeZone: string): RuleContext {
  const childrenOf = new Map<string, WorkItem[]>();
  for (const item of project.items) {
    if (item.parentKey === null || !existedAt(item, asOfMs)) continue;
    const siblings = childrenOf.get(item.parentKey);
    if (siblings) siblings.push(item);
    else childrenOf.set(item.parentKey, [item]);
  }
  const loggedSecondsOf = new Map<string, number>();
  const lastWorklogMsOf = new Map<string, number>();
  for (const worklog of project.worklogs) {
    if (worklog.startedMs > asOfMs) continue;
    loggedSecondsOf.set(worklog.issueKey, (loggedSecondsOf.get(worklog.issueKey) ?? 0) + worklog.seconds);
    const last = lastWorklogMsOf.get(worklog.issueKey);
    if (last === undefined || worklog.startedMs > last) lastWorklogMsOf.set(worklog.issueKey, worklog.startedMs);
  }
  const releasedVersionIds = new Set(project.versions.filter((version) => version.released).map((version) => version.id));
  return { asOfMs, today: dayInZone(asOfMs, timeZone), childrenOf, loggedSecondsOf, lastWorklogMsOf, releasedVersionIds };
}

/** Whether the rule looks at an item of this level, type and status category. */
export function ruleApplies(rule: EffectiveRule, item: WorkItem, category: StatusCategory): boolean {
  const { scope } = rule;
  if (!scope.levels.includes(item.level) || !scope.statusCategories.includes(category)) return false;
  if (scope.issueTypes === null) return true;
  const type = item.issueType.toLowerCase();
  return scope.issueTypes.some((name) => name.toLowerCase() === type);
}

/** One rule on one item whose status category at T is `category`. */
export function checkItem(rule: EffectiveRule, item: WorkItem, category: StatusCategory, context: RuleContext): Verdict {
  if (!ruleApplies(rule, item, category)) return { outcome: 'not applicable' };
  return (rule.definition.check as (item: WorkItem, category: StatusCategory, params: unknown, context: RuleContext) => Verdict)(item, category, rule.params, context);
}

/** Every rule on every item that existed at T; violations by rule then key. */
export function evaluateCompliance(project: ProjectData, rules: readonly EffectiveRule[], asOfMs: number, timeZone: string): ComplianceMetrics {
  const byRule: ComplianceRuleResult[] = rules.map((rule) => ({
    ruleId: rule.id,
    title: rule.definition.title,
    whyItMatters: rule.definition.whyItMatters,
    howToFix: rule.definition.howToFix,
    severity: rule.severity,
    enforcedAtGate: rule.enforceAtGate,
    applicable: 0,
    passed: 0,
  }));
  const violationsByRule: ComplianceViolation[][] = rules.map(() => []);
  if (rules.length === 0) return { score: notAvailable('no compliance rules are enabled'), applicableChecks: 0, passedChecks: 0, byRule, violations: [] };

  const context = ruleContext(project, asOfMs, timeZone);
  let applicableWeight = 0;
  let passedWeight = 0;
  for (const item of project.items) {
    if (!existedAt(item, asOfMs)) continue;
    const category = statusCategoryAt(item, asOfMs);
    for (let index = 0; index < rules.length; index += 1) {
      const rule = rules[index];
      const verdict = checkItem(rule, item, category, context);
      if (verdict.outcome === 'not applicable') continue;
      const weight = SEVERITY_WEIGHT[rule.severity];
      const result = byRule[index];
      result.applicable += 1;
      applicableWeight += weight;
      if (verdict.outcome === 'pass') {
        result.passed += 1;
        passedWeight += weight;
      } else {
        violationsByRule[index].push({ ruleId: rule.id, key: item.key, summary: item.summary, severity: rule.severity, problem: verdict.problem });
      }
    }
  }
  const applicableChecks = byRule.reduce((sum, result) => sum + result.applicable, 0);
  const passedChecks = byRule.reduce((sum, result) => sum + result.passed, 0);
  return {
    score: ratio(passedWeight, applicableWeight, 'no item the enabled rules apply to'),
    applicableChecks,
    passedChecks,
    byRule,
    violations: violationsByRule.flat(),
  };
}
