/**
 * The parts of a status report from what the sync stored (snapshots, project data, daily history), never
 * Jira in bulk: each project of the report's scope as the project view shows it, as of the report's day.
 * Live (today): each project's figures at its snapshot's instant, so the report agrees with the portfolio
 * page. A past day: the engine's figures as of the end of that day, from the histories, and nothing of
 * the daily history after it.
 */
import type { JiraClient } from '../jira/client';
import { displayNames } from '../jira/users';
import { dayOfInstant, isoDay } from '../metrics/model';
import { projectFigures, projectPeople, TREND_WEEKS } from '../metrics/projectView';
import { complianceChanges } from '../compliance/changes';
import type { ReportBudgetChange, ReportProjectPart, StatusReportConfig, StatusReportRecordRef } from '../shared/contract';
import { allAuditEntries, type AuditEntry } from '../store/audit';
import { projectSettingsIn, settingsInForce } from '../settings/store';
import { loadProjectData } from '../store/projectData';
import { listSnapshots, readHistory, type ProjectSnapshot } from '../store/snapshots';
import { WEEK_MS } from '../sync/lastWeek';

const MS_PER_DAY = 86_400_000;

/** The synced projects of the config's scope, in its order (a portfolio's by key). */
export function inScope(snapshots: readonly ProjectSnapshot[], config: StatusReportConfig): ProjectSnapshot[] {
  if (config.scope === 'projects') {
    const byKey = new Map(snapshots.map((snapshot) => [snapshot.projectKey, snapshot]));
    return config.projectKeys.flatMap((key) => byKey.get(key) ?? []);
  }
  return snapshots.filter((snapshot) => (snapshot.row.portfolio?.name ?? '') === config.portfolio).sort((a, b) => a.projectKey.localeCompare(b.projectKey));
}

export interface BuiltParts {
  asOfDay: string;
  parts: ReportProjectPart[];
  /** The site currency the figures are in (null until the PMO sets it). */
  currency: string | null;
}

/**
 * Every project of the scope that has figures, as of `asOfDay` (today: as its snapshot has them). Names
 * of people come from Jira as `client` sees them.
 */
export async function buildParts(client: JiraClient, config: StatusReportConfig, asOfDay: string, nowMs: number, previous: StatusReportRecordRef | null = null): Promise<BuiltParts> {
  const today = isoDay(dayOfInstant(nowMs));
  const [all, inForce] = await Promise.all([listSnapshots(), settingsInForce()]);
  const snapshots = inScope(all, config).filter((snapshot) => snapshot.metrics !== null && snapshot.status.computedAt !== null);
  const loaded = await Promise.all(
    snapshots.map(async (snapshot) => {
      const asOfMs = asOfDay >= today ? Date.parse(snapshot.status.computedAt!) : Date.parse(`${asOfDay}T00:00:00Z`) + MS_PER_DAY - 1;
      const [data, history, audit] = await Promise.all([
        loadProjectData(snapshot.projectKey),
        readHistory(snapshot.projectKey, dayOfInstant(asOfMs - TREND_WEEKS * WEEK_MS)),
        budgetEditsOf(snapshot.projectKey, asOfMs, previous),
      ]);
      return { snapshot, asOfMs, data, history, audit };
    }),
  );
  const people = new Set(loaded.flatMap(({ data, audit }) => [...(data ? projectPeople(data) : []), ...audit.map((entry) => entry.actorAccountId)]));
  const names = people.size === 0 ? new Map<string, string>() : await displayNames(client, [...people]);
  const parts = loaded.flatMap(({ snapshot, asOfMs, data, history, audit }): ReportProjectPart[] => {
    if (!data) return [];
    const settings = projectSettingsIn(inForce, snapshot.projectKey, snapshot.row.portfolio?.name ?? null);
    const figures = projectFigures(data, settings, asOfMs, history, names, undefined, config.activityDays);
    const compliance = figures.metrics.compliance;
    const changes = compliance && settings.complianceRules ? complianceChanges(data, settings.complianceRules, compliance, asOfMs, settings.timeZone) : null;
    const budgetChanges = audit.map((entry) => budgetChangeOf(entry, names));
    // A week before the report's day: the snapshot's when the report is of its instant.
    const lastWeek = asOfDay >= today ? (snapshot.lastWeek ?? null) : weekBeforeOf(history, asOfMs);
    return [{ project: snapshot.row, status: snapshot.status, lastWeek, ...figures, activity: figures.activity!, complianceChanges: changes, budgetChanges }];
  });
  return { asOfDay: asOfDay >= today ? today : asOfDay, parts, currency: inForce.document.currency };
}

function weekBeforeOf(history: readonly { day: number; figures: NonNullable<ReportProjectPart['lastWeek']>['figures'] }[], asOfMs: number): ReportProjectPart['lastWeek'] {
  const day = dayOfInstant(asOfMs - WEEK_MS);
  const point = history.find((candidate) => candidate.day === day);
  return point ? { day: isoDay(day), figures: point.figures, reconstructed: false } : null;
}

/** An audit entry as the report lists it, the person named as Jira names them for the reader. */
export function budgetChangeOf(entry: AuditEntry, names: ReadonlyMap<string, string>): ReportBudgetChange {
  return {
    issueKey: entry.issueKey,
    field: entry.path,
    oldValue: typeof entry.oldValue === 'number' ? entry.oldValue : null,
    newValue: typeof entry.newValue === 'number' ? entry.newValue : null,
    by: { accountId: entry.actorAccountId, displayName: names.get(entry.actorAccountId) ?? entry.actorAccountId },
    at: new Date(entry.atMs).toISOString(),
  };
}

/**
 * The project's budget edits since the previous record's figures (the end of its day, or when it was
 * frozen if that was earlier); without one, the week up to T. Newest first, nothing after T.
 */
export async function budgetEditsOf(projectKey: string, asOfMs: number, previous: StatusReportRecordRef | null = null): Promise<AuditEntry[]> {
  const previousEndMs = previous === null ? null : Math.min(Date.parse(`${previous.asOfDay}T00:00:00Z`) + MS_PER_DAY - 1, Date.parse(previous.frozenAt));
  // A previous record as recent as T leaves nothing to list: its figures already held every edit.
  const fromMs = previousEndMs ?? asOfMs - WEEK_MS;
  if (fromMs >= asOfMs) return [];
  const { entries } = await allAuditEntries({ projectKey, fromDay: isoDay(dayOfInstant(fromMs)), toDay: isoDay(dayOfInstant(asOfMs)) });
  return entries.filter((entry) => entry.kind === 'budget' && entry.atMs > fromMs && entry.atMs <= asOfMs);
}
