/**
 * Every metric of the projects the viewer may browse, computed from their Jira data read as the
 * viewer, through the same modules the deployed sync reads Jira with (src/sync/projectReader.ts).
 * Reading every issue of every project on request is fine for a demo-sized portfolio; the sync jobs
 * and snapshots replace it for large ones.
 */
import type { JiraClient } from '../../src/jira/client';
import { getFields, resolveMetricFields } from '../../src/jira/fields';
import { searchAllProjects } from '../../src/jira/projects';
import { getMyself } from '../../src/jira/users';
import { computeProjectMetrics, groupByPortfolio, portfolioMetrics, workload } from '../../src/metrics';
import { groupMemberIds } from '../../src/jira/groups';
import type { PortfolioSettings, ProjectSettings } from '../../src/metrics/settings';
import { defaultSettingsDocument, settingsDocumentSchema } from '../../src/settings/schema';
import { portfolioSettingsIn, projectSettingsFor, projectSettingsIn, settingsInForce, type SettingsInForce } from '../../src/settings/store';
import type { ProjectData } from '../../src/metrics/model';
import type { PortfolioMetricsReport, PortfolioOverviewRequest } from './contract';
import { readProjects } from '../../src/sync/projectReader';
import { portfolioRow } from '../../src/metrics/summary';
import { identityOf } from '../../src/sync/rounds';
import { selectProjects } from './scope';

/** Projects read at once: each is many paged requests. */
const PROJECT_CONCURRENCY = 3;

/**
 * The settings a report is computed under: the document given with the request (its rate groups'
 * members read from Jira as the viewer), else the settings the site has stored.
 */
export async function reportSettings(client: JiraClient, request: PortfolioOverviewRequest): Promise<SettingsInForce> {
  if (request.settings === undefined) return settingsInForce();
  const document = settingsDocumentSchema.parse(request.settings);
  const byGroup: Record<string, string[]> = {};
  for (const { group } of document.rates.byGroup) byGroup[group] = await groupMemberIds(client, group);
  return { version: 0, document, groupMembers: { byGroup, readAtMs: Date.now() } };
}

/** A project's engine settings under the report's settings. */
export function settingsFor(settings: SettingsInForce, projectKey: string, portfolio: string | null): ProjectSettings {
  return projectSettingsIn(settings, projectKey, portfolio);
}

/** A project's engine settings under the product's default settings document (no PMO settings saved). */
export function defaultSettingsFor(project: Pick<ProjectData, 'key' | 'portfolio'>): ProjectSettings {
  return projectSettingsFor(defaultSettingsDocument(), project.key, { groupMembers: {}, portfolio: project.portfolio });
}

/** What a live report reads: the viewer, the projects of the request they may browse, each one's data, and the instant. */
export async function readScope(client: JiraClient, request: PortfolioOverviewRequest, now: Date) {
  const [viewer, visibleProjects, fields, settings] = await Promise.all([getMyself(client), searchAllProjects(client), getFields(client), reportSettings(client, request)]);
  const projects = selectProjects(visibleProjects, request.filter ?? { scope: 'all' });
  const fieldIds = resolveMetricFields(fields);
  const asOfMs = request.asOf ? Date.parse(`${request.asOf}T23:59:59.999Z`) : now.getTime();
  const data = await readProjects(
    client,
    projects.map((project) => ({ key: project.key, name: project.name, portfolio: project.projectCategory?.name ?? null })),
    { fieldIds, worklogs: 'site-wide', concurrency: PROJECT_CONCURRENCY },
  );
  return { viewer, projects, data, asOfMs, settings };
}

export async function readPortfolioMetrics(client: JiraClient, request: PortfolioOverviewRequest, now: Date): Promise<PortfolioMetricsReport> {
  const { viewer, projects, data, asOfMs, settings: inForce } = await readScope(client, request, now);
  const entries = data.map((project) => {
    const metrics = computeProjectMetrics(project, settingsFor(inForce, project.key, project.portfolio), asOfMs, { forecast: true });
    return { project, metrics, compliance: metrics.compliance?.score.value ?? null };
  });
  const portfolioSettings: PortfolioSettings = portfolioSettingsIn(inForce);

  return {
    asOf: new Date(asOfMs).toISOString(),
    viewer: { accountId: viewer.accountId, displayName: viewer.displayName },
    // The rows from the same data, as of the same instant: no figure of a past day comes from today.
    rows: entries.map((entry, index) => portfolioRow(identityOf(projects[index]), entry.project, entry.metrics, asOfMs)),
    projects: entries.map((entry) => entry.metrics),
    portfolios: [...groupByPortfolio(entries, (entry) => entry.project.portfolio)].map(([name, members]) => portfolioMetrics(name, members)),
    total: portfolioMetrics(null, entries),
    workload: workload(data, portfolioSettings, asOfMs),
  };
}
