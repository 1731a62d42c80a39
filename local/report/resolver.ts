/**
 * Live reports for the command line (`pmo report`): every visible project read from Jira on the spot as
 * the user, for any as-of day. Not part of the deployed app, whose resolvers read snapshots only (their
 * cost must not grow with the portfolio's issues, docs/sync.md); a report run now and then by hand may
 * read everything. It runs as a Forge invocation in the local runtime, with the app's envelope, payload
 * checks and per-user Jira permissions.
 */
import Resolver from '@forge/resolver';
import { isValid, parseISO } from 'date-fns';
import { z } from 'zod';
import { jiraAsUser } from '../../src/jira/forge';
import { answered } from '../../src/resolvers/envelope';
import { filterSchema } from '../../src/resolvers/portfolio';
import type { Answer, DataOf, PortfolioOverviewRequest } from '../../src/shared/contract';
import type { LocalSite } from '../site/site';
import { readPortfolioMetrics } from './metrics';
import { readPortfolioOverview } from './overview';

const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine((day) => isValid(parseISO(day)), 'not a real calendar date');

export const reportRequestSchema: z.ZodType<PortfolioOverviewRequest> = z.strictObject({
  filter: filterSchema.optional(),
  asOf: isoDay.optional(),
});

export const liveReportResolver = new Resolver()
  .define('portfolio/overview', answered<'portfolio/overview'>(reportRequestSchema, (payload) => readPortfolioOverview(jiraAsUser(), payload, new Date())))
  .define('portfolio/metrics', answered<'portfolio/metrics'>(reportRequestSchema, (payload) => readPortfolioMetrics(jiraAsUser(), payload, new Date())))
  .getDefinitions();

export type LiveReportKey = 'portfolio/overview' | 'portfolio/metrics';

/** Calls the live report as `accountId` on the site's runtime. */
export function invokeLiveReport<K extends LiveReportKey>(site: LocalSite, key: K, payload: unknown, accountId: string): Promise<Answer<DataOf<K>>> {
  return site.runtime.invokeResolver<Answer<DataOf<K>>>(liveReportResolver, { functionKey: key, payload, accountId, moduleKey: 'pmo-report' });
}
