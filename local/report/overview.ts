/**
 * The portfolio overview: for every project the viewer may browse, its lead, portfolio, issue counts by
 * status category, percent done, overdue count and last update, as of the day asked. Read with every
 * metric from the projects' data and histories (local/report/metrics.ts), as the viewer, so every figure
 * is of that day and Jira's own permissions decide what they see.
 */
import type { JiraClient } from '../../src/jira/client';
import type { PortfolioOverview, PortfolioOverviewRequest } from './contract';
import { readPortfolioMetrics } from './metrics';

export async function readPortfolioOverview(client: JiraClient, request: PortfolioOverviewRequest, now: Date): Promise<PortfolioOverview> {
  const report = await readPortfolioMetrics(client, request, now);
  return { asOf: report.asOf, viewer: report.viewer, projects: report.rows };
}
