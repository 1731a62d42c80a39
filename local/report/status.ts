/**
 * The status report of `pmo report --format md`: the document the Confluence macro shows, for the
 * command's projects, read from Jira on the spot as the user (any as-of day). Every section; the agenda
 * compares with the figures of a week before, computed from the same data as of that instant.
 */
import type { JiraClient } from '../../src/jira/client';
import { displayNames } from '../../src/jira/users';
import { computeProjectMetrics } from '../../src/metrics';
import { dayOfInstant, isoDay } from '../../src/metrics/model';
import { projectFigures, projectPeople } from '../../src/metrics/projectView';
import { headlineFigures, portfolioRow } from '../../src/metrics/summary';
import { complianceChanges } from '../../src/compliance/changes';
import { assembleReport } from '../../src/reports/assemble';
import { budgetChangeOf, budgetEditsOf } from '../../src/reports/build';
import { DEFAULT_REPORT_CONFIG } from '../../src/resolvers/report';
import { REPORT_SECTIONS, type ReportProjectPart, type StatusReport } from '../../src/shared/contract';
import { WEEK_MS } from '../../src/sync/lastWeek';
import { identityOf } from '../../src/sync/rounds';
import type { PortfolioOverviewRequest } from './contract';
import { readScope, settingsFor } from './metrics';

export async function readStatusReport(client: JiraClient, request: PortfolioOverviewRequest, now: Date): Promise<StatusReport> {
  const { projects, data, asOfMs, settings: inForce } = await readScope(client, request, now);
  const config = {
    ...DEFAULT_REPORT_CONFIG,
    scope: 'projects' as const,
    projectKeys: projects.map((project) => project.key),
    sections: [...REPORT_SECTIONS],
  };
  // The app's audit log of budget edits, as the macro's report lists them.
  const audits = await Promise.all(data.map((project) => budgetEditsOf(project.key, asOfMs)));
  const names = await displayNames(client, [...new Set([...data.flatMap((project) => [...projectPeople(project)]), ...audits.flat().map((entry) => entry.actorAccountId)])]);
  const readAt = now.toISOString();
  const parts = data.map((project, index): ReportProjectPart => {
    const settings = settingsFor(inForce, project.key, project.portfolio);
    const metrics = computeProjectMetrics(project, settings, asOfMs, { forecast: true });
    const figures = projectFigures(project, settings, asOfMs, [], names, metrics, config.activityDays);
    const weekAgoMs = asOfMs - WEEK_MS;
    return {
      project: portfolioRow(identityOf(projects[index]), project, metrics, asOfMs),
      status: { computedAt: new Date(asOfMs).toISOString(), syncedAt: readAt, stale: null },
      lastWeek: { day: isoDay(dayOfInstant(weekAgoMs)), figures: headlineFigures(computeProjectMetrics(project, settings, weekAgoMs, { forecast: true })), reconstructed: true },
      ...figures,
      activity: figures.activity!,
      complianceChanges: metrics.compliance && settings.complianceRules ? complianceChanges(project, settings.complianceRules, metrics.compliance, asOfMs, settings.timeZone) : null,
      budgetChanges: audits[index].map((entry) => budgetChangeOf(entry, names)),
    };
  });
  return assembleReport({
    config,
    asOfDay: isoDay(dayOfInstant(asOfMs)),
    generatedAtMs: now.getTime(),
    parts,
    // Read from Jira as the user: every project here is one they may browse.
    mayBrowse: () => true,
    previous: null,
    record: null,
    currency: inForce.document.currency,
  });
}
