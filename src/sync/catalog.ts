/**
 * The site's projects and metric fields for a round, from the catalog (src/store/siteCatalog.ts): read
 * from Jira again only when a day old, or when a project or field event said they changed, so an hourly
 * round in which nothing changed asks Jira nothing about them.
 */
import type { JiraClient } from '../jira/client';
import { getFields, resolveMetricFields, type MetricFieldIds } from '../jira/fields';
import { searchAllProjects } from '../jira/projects';
import type { ProjectIdentity } from '../metrics/summary';
import { getProjectCatalog, setProjectCatalog } from '../store/siteCatalog';
import { identityOf } from './rounds';

/** Renames, new projects and category moves reach the page at least this often even without events. */
export const CATALOG_FRESH_MS = 24 * 3_600_000;

export async function siteCatalog(client: JiraClient, nowMs: number): Promise<{ projects: ProjectIdentity[]; fieldIds: MetricFieldIds; readFromJira: boolean }> {
  const cached = await getProjectCatalog();
  if (cached && cached.staleSinceMs === null && nowMs - cached.readAtMs < CATALOG_FRESH_MS) return { projects: cached.projects, fieldIds: cached.fieldIds, readFromJira: false };
  const [projects, fields] = await Promise.all([searchAllProjects(client), getFields(client)]);
  const identities = projects.map(identityOf);
  const fieldIds = resolveMetricFields(fields);
  await setProjectCatalog(identities, fieldIds, nowMs);
  return { projects: identities, fieldIds, readFromJira: true };
}
