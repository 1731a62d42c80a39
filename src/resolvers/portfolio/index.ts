/** Resolver of the Portfolio page (jira:globalPage). */
import Resolver from '@forge/resolver';
import { z } from 'zod';
import { isValid, parseISO } from 'date-fns';
import { jiraAsUser } from '../../jira/forge';
import { projectKeySchema } from '../../jira/projects';
import type { PortfolioOverviewRequest } from '../../shared/contract';
import { answered } from '../envelope';
import { readPortfolioMetrics } from './metrics';
import { readPortfolioOverview } from './overview';

const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine((day) => isValid(parseISO(day)), 'not a real calendar date');

export const overviewRequestSchema: z.ZodType<PortfolioOverviewRequest> = z.strictObject({
  filter: z
    .discriminatedUnion('scope', [
      z.strictObject({ scope: z.literal('all') }),
      z.strictObject({ scope: z.literal('project'), projectKey: projectKeySchema }),
      z.strictObject({ scope: z.literal('portfolio'), portfolioName: z.string().trim().min(1).max(255) }),
    ])
    .optional(),
  asOf: isoDay.optional(),
});

export const portfolioResolver = new Resolver()
  .define(
    'portfolio/overview',
    answered<'portfolio/overview'>(overviewRequestSchema, (payload) => readPortfolioOverview(jiraAsUser(), payload, new Date())),
  )
  .define(
    'portfolio/metrics',
    answered<'portfolio/metrics'>(overviewRequestSchema, (payload) => readPortfolioMetrics(jiraAsUser(), payload, new Date())),
  );

export const handler = portfolioResolver.getDefinitions();
