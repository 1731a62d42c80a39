/**
 * What changed in a project's compliance over the last week: violations present now and not a week
 * before (newly broken), and the reverse (newly fixed). Both sides are checked against today's rules,
 * so a rule the PMO switched on this week does not show every item as newly broken.
 */
import type { ComplianceChanges, ComplianceMetrics, ComplianceViolation } from '../shared/contract';
import { isoDay, dayOfInstant, type ProjectData } from '../metrics/model';
import { evaluateCompliance } from './evaluate';
import type { EffectiveRule } from './settings';

const WEEK_MS = 7 * 86_400_000;

const identify = (violation: ComplianceViolation): string => `${violation.ruleId}\n${violation.key}`;

export function complianceChanges(data: ProjectData, rules: readonly EffectiveRule[], now: ComplianceMetrics, nowMs: number, timeZone: string): ComplianceChanges {
  const weekAgoMs = nowMs - WEEK_MS;
  const before = evaluateCompliance(data, rules, weekAgoMs, timeZone);
  const beforeIds = new Set(before.violations.map(identify));
  const nowIds = new Set(now.violations.map(identify));
  return {
    since: isoDay(dayOfInstant(weekAgoMs)),
    newlyBroken: now.violations.filter((violation) => !beforeIds.has(identify(violation))),
    newlyFixed: before.violations.filter((violation) => !nowIds.has(identify(violation))),
  };
}
