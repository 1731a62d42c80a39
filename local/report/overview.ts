/**
 * The portfolio overview: for every project the viewer may browse, its lead, portfolio, issue
 * counts by status category, percent done, overdue count and last update. Every request runs as
 * the viewer, so Jira's own permissions decide what they see.
 */
import { z } from 'zod';
import { addDays, format } from 'date-fns';
import { mapWithConcurrency, type JiraClient } from '../../src/jira/client';
import { searchAllProjects, type JiraProject } from '../../src/jira/projects';
import { searchIssuePages } from '../../src/jira/issues';
import { countIssues, jqlString } from '../../src/jira/search';
import { getMyself } from '../../src/jira/users';
import type { IssueCounts, PortfolioOverview, PortfolioOverviewRequest, PortfolioProject } from '../../src/shared/contract';
import { identityOf } from '../../src/sync/rounds';
import { selectProjects } from './scope';

/** Projects read at once; each makes five requests, so Jira sees at most 20 in flight. */
const PROJECT_CONCURRENCY = 4;

export async function readPortfolioOverview(client: JiraClient, request: PortfolioOverviewRequest, now: Date): Promise<PortfolioOverview> {
  const [viewer, visibleProjects] = await Promise.all([getMyself(client), searchAllProjects(client)]);
  const projects = selectProjects(visibleProjects, request.filter ?? { scope: 'all' });
  const asOf = request.asOf ?? null;
  const rows = await mapWithConcurrency(projects, PROJECT_CONCURRENCY, (project) => readProjectRow(client, project, asOf));
  return {
    asOf: asOf ? `${asOf}T23:59:59.999Z` : now.toISOString(),
    viewer: { accountId: viewer.accountId, displayName: viewer.displayName },
    projects: rows,
  };
}

async function readProjectRow(client: JiraClient, project: JiraProject, asOf: string | null): Promise<PortfolioProject> {
  // Keys were checked against the project-key pattern when Jira's answer was parsed; quoting is a second guard.
  let scope = `project = ${jqlString(project.key)}`;
  let overdue = `${scope} AND resolved is EMPTY AND duedate < startOfDay()`;
  if (asOf) {
    const dayAfter = format(addDays(new Date(`${asOf}T00:00:00Z`), 1), 'yyyy-MM-dd');
    scope += ` AND created < ${jqlString(dayAfter)}`;
    overdue = `${scope} AND duedate < ${jqlString(asOf)} AND (resolved is EMPTY OR resolved >= ${jqlString(asOf)})`;
  }
  const [toDo, inProgress, done, overdueCount, latest] = await Promise.all([
    countIssues(client, `${scope} AND statusCategory = "To Do"`),
    countIssues(client, `${scope} AND statusCategory = "In Progress"`),
    countIssues(client, `${scope} AND statusCategory = "Done"`),
    countIssues(client, overdue),
    firstPage(client, `${scope} ORDER BY updated DESC`),
  ]);
  const issueCounts: IssueCounts = { total: toDo + inProgress + done, toDo, inProgress, done };
  return {
    ...identityOf(project),
    issueCounts,
    percentDone: issueCounts.total === 0 ? null : Math.round((done / issueCounts.total) * 1000) / 10,
    overdueCount,
    lastUpdated: latest[0] ? new Date(latest[0].fields.updated).toISOString() : null,
  };
}

/** The first issue the JQL orders first (one page of one issue, through the app's one search pager). */
async function firstPage(client: JiraClient, jql: string): Promise<{ fields: { updated: string } }[]> {
  const pages = searchIssuePages(client, { jql, fields: ['updated'], pageSize: 1 }, z.object({ id: z.string(), fields: z.object({ updated: z.string() }) }));
  try {
    const first = await pages.next();
    return first.done ? [] : first.value.issues;
  } finally {
    await pages.return(undefined);
  }
}
