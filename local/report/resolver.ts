/**
 * Live reports for the command line (`pmo report`): every visible project read from Jira on the spot as
 * the user, for any as-of day. Not part of the deployed app, whose resolvers read snapshots only (their
 * cost must not grow with the portfolio's issues, docs/sync.md); a report run now and then by hand may
 * read everything. It runs as a Forge invocation in the local runtime, with the app's envelope, payload
 * checks and per-user Jira permissions.
 */
import { isValid, parseISO } from 'date-fns';
import { z } from 'zod';
import { jiraAsUser } from '../../src/jira/forge';
import { answered } from '../../src/resolvers/envelope';
import { filterSchema } from '../../src/resolvers/portfolio';
import { surfaceResolver } from '../../src/resolvers/surface';
import { settingsDocumentSchema } from '../../src/settings/schema';
import type { Answer } from '../../src/shared/contract';
import type { LiveReportResolvers, PortfolioOverviewRequest } from './contract';
import type { LocalSite } from '../site/site';
import { readPortfolioMetrics } from './metrics';
import { readPortfolioOverview } from './overview';
import { readStatusReport } from './status';

const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine((day) => isValid(parseISO(day)), 'not a real calendar date');

export const reportRequestSchema: z.ZodType<PortfolioOverviewRequest> = z.strictObject({
  filter: filterSchema.optional(),
  asOf: isoDay.optional(),
  settings: settingsDocumentSchema.optional(),
});

export const liveReport = surfaceResolver<LiveReportResolvers>({
  'portfolio/overview': answered(reportRequestSchema, (payload) => readPortfolioOverview(jiraAsUser(), payload, new Date())),
  'portfolio/metrics': answered(reportRequestSchema, (payload) => readPortfolioMetrics(jiraAsUser(), payload, new Date())),
  'report/status': answered(reportRequestSchema, (payload) => readStatusReport(jiraAsUser(), payload, new Date())),
});

export type LiveReportKey = keyof LiveReportResolvers;

/** Calls the live report as `accountId` on the site's runtime. */
export function invokeLiveReport<K extends LiveReportKey>(site: LocalSite, key: K, payload: unknown, accountId: string): Promise<Answer<LiveReportResolvers[K]['data']>> {
  return site.runtime.invokeResolver<Answer<LiveReportResolvers[K]['data']>>(liveReport.handler, { functionKey: key, payload, accountId, moduleKey: 'pmo-report' });
}
