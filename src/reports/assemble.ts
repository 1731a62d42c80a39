/**
 * A status report from its projects' parts, for one viewer: the projects they may browse in the report's
 * order (the others keep their place with a message), the totals over those only, and the meeting's agenda
 * (the exceptions since the previous record, or since a week before when there is none). Pure: the same
 * parts and viewer give the same report, byte for byte, so a frozen record never changes.
 */
import { groupByPortfolio, portfolioMetrics } from '../metrics/portfolio';
import type {
  AgendaItem,
  HiddenReportProject,
  ReportProjectPart,
  StatusReport,
  StatusReportConfig,
  StatusReportRecordRef,
} from '../shared/contract';

export interface ReportInput {
  config: StatusReportConfig;
  asOfDay: string;
  generatedAtMs: number;
  /** Every project of the report's scope, in its order. */
  parts: ReportProjectPart[];
  /** Whether the viewer may browse a project (by Jira's project id). */
  mayBrowse: (projectId: string) => boolean;
  /** The previous record's parts and day, for the agenda; null when there is none. */
  previous: { asOfDay: string; parts: ReportProjectPart[] } | null;
  record: StatusReportRecordRef | null;
  currency: string | null;
}

export const HIDDEN_PROJECT_MESSAGE = 'A project of this report is not shown: you may not browse it in Jira.';

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
const amount = (value: number) => Math.round(value).toLocaleString('en-US');

export function assembleReport(input: ReportInput): StatusReport {
  const shown = input.parts.filter((part) => input.mayBrowse(part.project.id));
  const previousByKey = new Map((input.previous?.parts ?? []).map((part) => [part.project.key, part]));
  const agendaSince = input.previous ? { day: input.previous.asOfDay, basis: 'previous record' as const } : { day: weekBefore(input.asOfDay), basis: 'a week before' as const };
  const computed = shown.map((part) => part.status.computedAt).filter((at): at is string => at !== null);
  return {
    format: 'pmo-status-report',
    version: 1,
    asOfDay: input.asOfDay,
    generatedAt: new Date(input.generatedAtMs).toISOString(),
    dataSyncedAt: computed.length === 0 ? null : computed.reduce((oldest, at) => (at < oldest ? at : oldest)),
    config: input.config,
    projects: input.parts.map((part): ReportProjectPart | HiddenReportProject => (input.mayBrowse(part.project.id) ? part : { hidden: true, message: HIDDEN_PROJECT_MESSAGE })),
    totals: portfolioMetrics(null, shown.map(entryOf)),
    portfolios: [...groupByPortfolio(shown, (part) => part.project.portfolio?.name ?? null)]
      .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : a.localeCompare(b)))
      .map(([name, members]) => portfolioMetrics(name, members.map(entryOf))),
    agenda: shown.flatMap((part) => agendaOf(part, previousByKey.get(part.project.key) ?? null, input.config, input.previous !== null)),
    agendaSince,
    record: input.record,
    currency: input.currency,
  };
}

const entryOf = (part: ReportProjectPart) => ({ metrics: part.metrics, compliance: null });

function weekBefore(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - 7 * 86_400_000).toISOString().slice(0, 10);
}

/** The points of one project: its state, and what changed against the previous record (or last week). */
export function agendaOf(part: ReportProjectPart, previous: ReportProjectPart | null, config: StatusReportConfig, hasRecord: boolean): AgendaItem[] {
  const key = part.project.key;
  const { health } = part.metrics;
  const items: AgendaItem[] = [];
  if (health.rag === 'red' || health.rag === 'amber') {
    items.push({ kind: 'attention', projectKey: key, text: `${key} is ${health.rag}: ${health.criteria.join('; ') || (health.override ? `set by hand, ${health.override.comment}` : '')}`, itemKeys: [] });
  }

  const before = previous ? previous.metrics.health : part.lastWeek ? { rag: part.lastWeek.figures.rag, criteria: part.lastWeek.figures.criteria } : null;
  if (before && before.rag !== health.rag) {
    const added = health.criteria.filter((criterion) => !before.criteria.includes(criterion));
    items.push({ kind: 'health changed', projectKey: key, text: `${key} went from ${before.rag} to ${health.rag}${added.length > 0 ? `: ${added.join('; ')}` : ''}`, itemKeys: [] });
  }

  const previousMilestones = new Map((previous?.milestones ?? []).map((milestone) => [milestone.id, milestone]));
  for (const milestone of part.milestones) {
    const earlier = previousMilestones.get(milestone.id);
    if (earlier?.releaseDate && milestone.releaseDate && milestone.releaseDate > earlier.releaseDate) {
      items.push({ kind: 'milestone', projectKey: key, text: `${key} ${milestone.name} slipped from ${earlier.releaseDate} to ${milestone.releaseDate}`, itemKeys: [] });
    } else if (milestone.status === 'at risk' || milestone.status === 'overdue') {
      const forecast = milestone.forecast?.p85 ? `, forecast P85 ${milestone.forecast.p85}` : '';
      items.push({ kind: 'milestone', projectKey: key, text: `${key} ${milestone.name} is ${milestone.status}: release ${milestone.releaseDate ?? 'not dated'}, ${milestone.openItems} items open${forecast}`, itemKeys: [] });
    }
  }

  const blockedBefore = new Set(previous?.metrics.risk.blocked ?? []);
  const newBlocked = part.metrics.risk.blocked.filter((item) => !blockedBefore.has(item));
  if (newBlocked.length > 0) {
    const basis = hasRecord ? 'since the previous record' : 'now (no earlier record to compare with)';
    items.push({ kind: 'new blocker', projectKey: key, text: `${key}: ${newBlocked.length} ${newBlocked.length === 1 ? 'item' : 'items'} blocked ${basis}`, itemKeys: newBlocked.slice(0, 20) });
  }

  const bacBefore = previous ? previous.metrics.earnedValue.bac.value : (part.lastWeek?.figures.bac ?? null);
  const bacNow = part.metrics.earnedValue.bac.value;
  if (bacBefore !== null && bacNow !== null && bacBefore > 0 && Math.abs(bacNow - bacBefore) / bacBefore > config.budgetChangeShare) {
    const change = (bacNow - bacBefore) / bacBefore;
    items.push({ kind: 'budget change', projectKey: key, text: `${key} BAC changed by ${change > 0 ? '+' : ''}${percent(change)}: ${amount(bacBefore)} to ${amount(bacNow)}`, itemKeys: [] });
  }
  return items;
}
