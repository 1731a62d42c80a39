/** Resolver of the Portfolio page (jira:globalPage). */
import Resolver from '@forge/resolver';
import { z } from 'zod';
import { isValid, parseISO } from 'date-fns';
import { jiraAsUser } from '../../jira/forge';
import { projectKeySchema } from '../../jira/projects';
import type { PortfolioOverviewRequest, PortfolioPageRequest, SyncProgressRequest } from '../../shared/contract';
import { answered } from '../envelope';
import { readPortfolioMetrics } from './metrics';
import { readPortfolioOverview } from './overview';
import { readPortfolioPage } from './page';
import { refreshNow, syncProgress } from './sync';

const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine((day) => isValid(parseISO(day)), 'not a real calendar date');

const filterSchema = z.discriminatedUnion('scope', [
  z.strictObject({ scope: z.literal('all') }),
  z.strictObject({ scope: z.literal('project'), projectKey: projectKeySchema }),
  z.strictObject({ scope: z.literal('portfolio'), portfolioName: z.string().trim().min(1).max(255) }),
]);

export const overviewRequestSchema: z.ZodType<PortfolioOverviewRequest> = z.strictObject({
  filter: filterSchema.optional(),
  asOf: isoDay.optional(),
});

export const pageRequestSchema: z.ZodType<PortfolioPageRequest> = z.strictObject({ filter: filterSchema.optional() });
const refreshRequestSchema: z.ZodType<Record<string, never>> = z.strictObject({});
const progressRequestSchema: z.ZodType<SyncProgressRequest> = z.strictObject({
  roundId: z.string().regex(/^[a-z0-9]{1,12}-[0-9a-f]{8}$/, 'a sync round id'),
});

export const portfolioResolver = new Resolver()
  .define(
    'portfolio/overview',
    answered<'portfolio/overview'>(overviewRequestSchema, (payload) => readPortfolioOverview(jiraAsUser(), payload, new Date())),
  )
  .define(
    'portfolio/metrics',
    answered<'portfolio/metrics'>(overviewRequestSchema, (payload) => readPortfolioMetrics(jiraAsUser(), payload, new Date())),
  )
  .define('portfolio/page', answered<'portfolio/page'>(pageRequestSchema, (payload, caller) => readPortfolioPage(jiraAsUser(), payload, caller.accountId)))
  .define('sync/refresh', answered<'sync/refresh'>(refreshRequestSchema, (_payload, caller) => refreshNow(jiraAsUser(), caller.accountId, Date.now())))
  .define('sync/progress', answered<'sync/progress'>(progressRequestSchema, (payload) => syncProgress(payload.roundId)));

export const handler = portfolioResolver.getDefinitions();
