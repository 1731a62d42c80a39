/**
 * Whole projects read from Jira in one go, through the sync's own modules: the one batch loop
 * (issueBatches.ts) with its histories and status categories, the versions reader, the site-wide
 * worklog reads of the worklog step and the worklog reconciliation of the finish. For the live report
 * of the command line (local/report/), which reads as the user for any as-of day, and for tests, which
 * compare what the rounds stored with a read of Jira now. Nothing is stored.
 */
import { mapWithConcurrency, type JiraClient } from '../jira/client';
import { getFields, resolveMetricFields, type MetricFieldIds } from '../jira/fields';
import { jqlString } from '../jira/search';
import { getProjectVersions } from '../jira/versions';
import { listWorklogsLeavingOutUnreadable, worklogUpdatedPages, type JiraWorklog } from '../jira/worklogs';
import { canonical, type ProjectData, type WorkItem } from '../metrics/model';
import { normalizeBatch, readIssueBatches } from './issueBatches';
import type { SyncProject } from './job';
import { issueFieldsFor, normalizeVersion, normalizeWorklog } from './normalize';
import { reconcileWorklogs } from './reconcile';
import { StatusCategories } from './statusCategories';

export interface ProjectReadOptions {
  /** The site's metric fields, when the caller resolved them already (saves GET /field). */
  fieldIds?: MetricFieldIds;
  /**
   * 'per-issue': each item with logged time asks its issue (the reference tests compare with);
   * 'site-wide': worklog/updated + worklog/list for every project at once, then the issues whose
   * worklogs do not add up to their timespent, as a round does.
   */
  worklogs?: 'per-issue' | 'site-wide';
  /** Projects read at once. */
  concurrency?: number;
  statuses?: StatusCategories;
}

/** Worklogs are updated after their issue is created; a day's margin covers clock skew and imports. */
const SINCE_MARGIN_MS = 86_400_000;

/** One project's data in the metrics model, as a round would store it. */
export async function readProject(client: JiraClient, project: SyncProject, options: ProjectReadOptions = {}): Promise<ProjectData> {
  const [data] = await readProjects(client, [project], options);
  return data;
}

/** Each project's data, in the order given. */
export async function readProjects(client: JiraClient, projects: readonly SyncProject[], options: ProjectReadOptions = {}): Promise<ProjectData[]> {
  const fieldIds = options.fieldIds ?? resolveMetricFields(await getFields(client));
  const statuses = options.statuses ?? StatusCategories.forRead(client, Date.now());
  const read = await mapWithConcurrency(projects, options.concurrency ?? 3, (project) => readIssuesAndVersions(client, project, fieldIds, statuses));
  const worklogs = options.worklogs === 'site-wide' ? await siteWorklogs(client, read) : null;
  return mapWithConcurrency(read, options.concurrency ?? 3, async (data) => {
    const keyById = new Map(data.items.map((item) => [item.id, item.key]));
    const attributed = (worklogs ?? []).flatMap((worklog) => {
      const issueKey = worklog.issueId === undefined ? undefined : keyById.get(worklog.issueId);
      return issueKey === undefined ? [] : [normalizeWorklog(worklog, issueKey)];
    });
    return (await reconcileWorklogs(client, canonical({ ...data, worklogs: attributed }))).data;
  });
}

async function readIssuesAndVersions(client: JiraClient, project: SyncProject, fieldIds: MetricFieldIds, statuses: StatusCategories): Promise<ProjectData> {
  const items: WorkItem[] = [];
  const versions = getProjectVersions(client, project.key);
  versions.catch(() => undefined);
  await readIssueBatches(client, {
    jql: `project = ${jqlString(project.key)} ORDER BY key ASC`,
    fields: issueFieldsFor(fieldIds),
    from: null,
    onBatch: async (issues) => void items.push(...(await normalizeBatch(client, issues, fieldIds, statuses))),
  });
  const createdMs = items.reduce((earliest, item) => Math.min(earliest, item.createdMs), Number.POSITIVE_INFINITY);
  return canonical({
    key: project.key,
    name: project.name,
    portfolio: project.portfolio,
    createdMs: Number.isFinite(createdMs) ? createdMs : Date.now(),
    items,
    worklogs: [],
    versions: (await versions).map(normalizeVersion),
  });
}

/** Every worklog the caller may see, updated since the earliest item was created. */
async function siteWorklogs(client: JiraClient, projects: readonly ProjectData[]): Promise<JiraWorklog[]> {
  const logged = projects.flatMap((data) => data.items.filter((item) => (item.timeSpentSeconds ?? 0) > 0));
  if (logged.length === 0) return [];
  const since = logged.reduce((earliest, item) => Math.min(earliest, item.createdMs), Number.POSITIVE_INFINITY) - SINCE_MARGIN_MS;
  const worklogs: JiraWorklog[] = [];
  for await (const page of worklogUpdatedPages(client, since)) worklogs.push(...(await listWorklogsLeavingOutUnreadable(client, page.worklogIds)));
  return worklogs;
}
