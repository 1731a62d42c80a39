/**
 * Reads one project from Jira into the metrics model: its issues (one search, only the fields the
 * metrics read), their status and due-date histories (changelog/bulkfetch), worklogs and versions.
 *
 * Requests for a project of N issues, W of them with logged time, V versions, S statuses that only
 * its histories name: 1 (fields, unless given) + ceil(N/100) (search) + ceil(V/100) (versions)
 * + ceil(N/1000) at least (bulkfetch, paged by 10,000 histories) + S (one search per unknown status)
 * + worklogs: per issue W (more for an issue with over 5000), or site-wide 2 × ceil(site worklogs /
 * 1000); 'auto' reads site-wide only while that stays below W (see fetchWorklogs).
 */
import type { Route } from '@forge/api';
import { z } from 'zod';
import { bulkFetchChangelogs, type JiraChangeHistory } from '../jira/changelogs';
import { JiraClient, mapWithConcurrency } from '../jira/client';
import { JiraBadRequestError } from '../jira/errors';
import { getFields, resolveMetricFields, type MetricFieldIds } from '../jira/fields';
import { metricIssueSchema, searchAllIssues, searchIssuePages, statusSchema, type JiraIssue } from '../jira/issues';
import { jqlString } from '../jira/search';
import { getProjectVersions } from '../jira/versions';
import { WORKLOG_LIST_MAX_IDS, issueWorklogs, listWorklogs, worklogUpdatedPages, type JiraWorklog } from '../jira/worklogs';
import type { ProjectData, StatusCategory, Worklog } from '../metrics/model';
import {
  collectStatusCategories,
  issueFieldsFor,
  normalizeIssue,
  normalizeVersion,
  normalizeWorklog,
  parseJiraDateTime,
  statusCategoryFromKey,
  statusIdsIn,
} from './normalize';

export interface ProjectToFetch {
  key: string;
  name: string;
  /** The project's category name (the PMO's portfolio); null when it has none. */
  portfolio: string | null;
  /** When the project started; the earliest issue's creation when not given. */
  createdMs?: number;
}

/**
 * How worklogs are read. 'per-issue': issue/{key}/worklog for each issue with logged time.
 * 'site-wide': worklog/updated + worklog/list (every project's worklogs since the project's first
 * issue, filtered here). 'auto': site-wide while it costs fewer requests than per issue, else per issue.
 */
export type WorklogStrategy = 'auto' | 'per-issue' | 'site-wide';

export interface FetchProjectOptions {
  /** The site's metric fields, when the caller resolved them already (saves GET /field). */
  fieldIds?: MetricFieldIds;
  worklogs?: WorklogStrategy;
  /** Per-issue requests in flight at once. */
  concurrency?: number;
  /**
   * Status id -> category known from earlier fetches; what this fetch learns is added to it, so a sync
   * of many projects looks each status up once.
   */
  statusCategories?: Map<string, StatusCategory>;
}

export interface FetchStats {
  /** Requests made (retries of one request not counted), in all and by endpoint. */
  requests: number;
  byEndpoint: Record<string, number>;
  /** How worklogs were read in the end; 'site-wide+per-issue' when some issues needed a second look. */
  worklogsRead: 'none' | 'per-issue' | 'site-wide' | 'site-wide+per-issue';
  /** Status ids the histories name whose category nothing told (their moves are merged, see normalize). */
  unknownStatusIds: string[];
}

const CHANGELOG_FIELDS = ['status', 'duedate'];
const DEFAULT_CONCURRENCY = 8;
/** Worklogs are updated after their issue is created; a day's margin covers clock skew and imports. */
const SINCE_MARGIN_MS = 86_400_000;

/** The project's data in the metrics model. */
export async function fetchProjectData(client: JiraClient, project: ProjectToFetch, options: FetchProjectOptions = {}): Promise<ProjectData> {
  return (await fetchProjectDataWithStats(client, project, options)).data;
}

export async function fetchProjectDataWithStats(
  client: JiraClient,
  project: ProjectToFetch,
  options: FetchProjectOptions = {},
): Promise<{ data: ProjectData; stats: FetchStats }> {
  const counting = new CountingJiraClient(client);
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const fieldIds = options.fieldIds ?? resolveMetricFields(await getFields(counting));

  const [issues, versions] = await Promise.all([
    searchAllIssues(counting, { jql: `project = ${jqlString(project.key)} ORDER BY key ASC`, fields: issueFieldsFor(fieldIds) }, metricIssueSchema),
    getProjectVersions(counting, project.key),
  ]);

  const [{ histories, categories, unknownStatusIds }, worklogs] = await Promise.all([
    fetchHistories(counting, issues, concurrency, options.statusCategories ?? new Map()),
    fetchWorklogs(counting, issues, options.worklogs ?? 'auto', concurrency),
  ]);

  const items = issues.map((issue) => normalizeIssue(issue, fieldIds, categories, histories.get(issue.id) ?? []));
  const flatWorklogs: Worklog[] = [];
  for (const issue of issues) {
    const logged = (worklogs.byIssueId.get(issue.id) ?? []).map((worklog) => normalizeWorklog(worklog, issue.key));
    flatWorklogs.push(...logged.sort((a, b) => a.startedMs - b.startedMs));
  }
  const earliest = items.reduce((min, item) => Math.min(min, item.createdMs), Number.POSITIVE_INFINITY);

  const data: ProjectData = {
    key: project.key,
    name: project.name,
    portfolio: project.portfolio,
    createdMs: project.createdMs ?? (Number.isFinite(earliest) ? earliest : Date.now()),
    items,
    worklogs: flatWorklogs,
    versions: versions.map(normalizeVersion),
  };
  return { data, stats: { ...counting.stats(), worklogsRead: worklogs.read, unknownStatusIds } };
}

/** Histories of every issue, and the category of every status they name that can be found. */
async function fetchHistories(client: JiraClient, issues: readonly JiraIssue[], concurrency: number, categories: Map<string, StatusCategory>) {
  const histories = await bulkFetchChangelogs(client, issues.map((issue) => issue.id), CHANGELOG_FIELDS);
  const unknownStatusIds = await learnStatusCategories(client, issues, histories, categories, concurrency);
  return { histories, categories, unknownStatusIds };
}

const statusOnlySchema = z.object({ id: z.string(), fields: z.object({ status: statusSchema }) });

/**
 * Learns into `categories` the category of every status the issues are in and their histories name,
 * looking up on the site those no issue shows; answers the ids still unknown.
 */
export async function learnStatusCategories(
  client: JiraClient,
  issues: readonly JiraIssue[],
  histories: ReadonlyMap<string, readonly JiraChangeHistory[]>,
  categories: Map<string, StatusCategory>,
  concurrency: number,
): Promise<string[]> {
  collectStatusCategories(issues, categories);
  const unseen = [...statusIdsIn(histories.values())].filter((id) => !categories.has(id));
  const found = await mapWithConcurrency(unseen, concurrency, (id) => statusCategoryOnSite(client, id));
  unseen.forEach((id, index) => {
    const category = found[index];
    if (category !== null) categories.set(id, category);
  });
  return unseen.filter((id) => !categories.has(id));
}

/**
 * Jira's /status is not among the endpoints the app uses, so the category of a status the project's
 * issues no longer show is read from any issue on the site that has it now. Null when none is visible
 * or the status is gone (Jira answers 400 for a status that does not exist).
 */
export async function statusCategoryOnSite(client: JiraClient, statusId: string): Promise<StatusCategory | null> {
  // Ids come from Jira's answers; anything else is never put into JQL.
  if (!/^\d+$/.test(statusId)) return null;
  try {
    for await (const page of searchIssuePages(client, { jql: `status = ${statusId}`, fields: ['status'], pageSize: 1 }, statusOnlySchema)) {
      return statusCategoryFromKey(page[0]?.fields.status.statusCategory?.key);
    }
    return null;
  } catch (error) {
    if (error instanceof JiraBadRequestError) return null;
    throw error;
  }
}

interface WorklogsByIssue {
  byIssueId: Map<string, JiraWorklog[]>;
  read: FetchStats['worklogsRead'];
}

/**
 * Only issues whose timespent > 0 have worklogs. Site-wide reading costs the same whatever the
 * project's share of the site, so 'auto' tries it while its projected cost stays under the per-issue
 * count and gives up (having spent less than that) when it would not. Jira's worklog/updated leaves out
 * the last minute's edits, and may miss worklogs it cannot attribute: every issue whose worklogs do not
 * add up to its timespent is then read issue by issue, so either way the totals match Jira's.
 */
async function fetchWorklogs(client: JiraClient, issues: readonly JiraIssue[], strategy: WorklogStrategy, concurrency: number): Promise<WorklogsByIssue> {
  const logged = issues.filter((issue) => (issue.fields.timespent ?? 0) > 0);
  if (logged.length === 0) return { byIssueId: new Map(), read: 'none' };

  let byIssueId = new Map<string, JiraWorklog[]>();
  let siteWide = false;
  if (strategy !== 'per-issue') {
    const budget = strategy === 'auto' ? logged.length : Number.POSITIVE_INFINITY;
    const found = await siteWideWorklogs(client, issues, logged, budget);
    if (found) {
      byIssueId = found;
      siteWide = true;
    }
  }

  const unmatched = logged.filter((issue) => secondsOf(byIssueId.get(issue.id)) !== issue.fields.timespent);
  const read = await mapWithConcurrency(unmatched, concurrency, (issue) => issueWorklogs(client, issue.key));
  unmatched.forEach((issue, index) => byIssueId.set(issue.id, read[index]));
  return { byIssueId, read: !siteWide ? 'per-issue' : unmatched.length > 0 ? 'site-wide+per-issue' : 'site-wide' };
}

function secondsOf(worklogs: readonly JiraWorklog[] | undefined): number {
  return (worklogs ?? []).reduce((sum, worklog) => sum + worklog.timeSpentSeconds, 0);
}

/** The project's worklogs from worklog/updated + worklog/list, or null once that would cost more than `budget` requests. */
async function siteWideWorklogs(
  client: JiraClient,
  issues: readonly JiraIssue[],
  logged: readonly JiraIssue[],
  budget: number,
): Promise<Map<string, JiraWorklog[]> | null> {
  const firstCreated = logged.reduce((min, issue) => Math.min(min, parseJiraDateTime(issue.fields.created)), Number.POSITIVE_INFINITY);
  const ids: number[] = [];
  let pages = 0;
  for await (const page of worklogUpdatedPages(client, firstCreated - SINCE_MARGIN_MS)) {
    pages += 1;
    ids.push(...page.worklogIds);
    // At least one more page of ids (and its list request) follows a page that is not the last.
    const projected = pages + Math.ceil(ids.length / WORKLOG_LIST_MAX_IDS) + (page.lastPage ? 0 : 2);
    if (projected > budget) return null;
  }
  const projectIssues = new Set(issues.map((issue) => issue.id));
  const byIssueId = new Map<string, JiraWorklog[]>();
  for (const worklog of await listWorklogs(client, ids)) {
    if (worklog.issueId === undefined || !projectIssues.has(worklog.issueId)) continue;
    const list = byIssueId.get(worklog.issueId);
    if (list) list.push(worklog);
    else byIssueId.set(worklog.issueId, [worklog]);
  }
  return byIssueId;
}

/**
 * Counts the requests the endpoint functions make, by endpoint (issue and project keys folded), so a
 * benchmark can tell what a sync costs. Forwards to the caller's client, which keeps its retries.
 */
class CountingJiraClient extends JiraClient {
  private readonly counts = new Map<string, number>();

  constructor(private readonly inner: JiraClient) {
    super(() => Promise.reject(new Error('CountingJiraClient forwards every request')));
  }

  override get<S extends z.ZodType>(path: Route, schema: S): Promise<z.output<S>> {
    this.count('GET', path);
    return this.inner.get(path, schema);
  }

  override post<S extends z.ZodType>(path: Route, body: unknown, schema: S): Promise<z.output<S>> {
    this.count('POST', path);
    return this.inner.post(path, body, schema);
  }

  stats(): Pick<FetchStats, 'requests' | 'byEndpoint'> {
    const byEndpoint = Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
    return { requests: [...this.counts.values()].reduce((sum, n) => sum + n, 0), byEndpoint };
  }

  private count(method: string, path: Route): void {
    const endpoint = `${method} ${path.value.split('?')[0]}`
      .replace(/\/issue\/[^/]+/, '/issue/{issueIdOrKey}')
      .replace(/\/project\/[^/]+\/version$/, '/project/{projectIdOrKey}/version');
    this.counts.set(endpoint, (this.counts.get(endpoint) ?? 0) + 1);
  }
}
