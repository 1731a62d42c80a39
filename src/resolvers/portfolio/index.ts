/**
 * Resolver of the Portfolio page (jira:globalPage). Every call reads snapshots and sync records, never
 * Jira in bulk: its cost does not grow with the portfolio's issues (docs/sync.md). Live reads of every
 * issue for any as-of day are the CLI's (`pmo report`, local/report/), not the deployed app's.
 */
import { z } from 'zod';
import { jiraAsUser } from '../../jira/forge';
import { projectKeySchema } from '../../jira/projects';
import type { PortfolioPageRequest, PortfolioPageResolvers, SettingsResolvers, SyncProgressRequest } from '../../shared/contract';
import { answered } from '../envelope';
import { projectHealth } from '../project';
import { pmoEditorsOnly, settingsHandlers } from '../settings';
import { surfaceResolver } from '../surface';
import { readPortfolioPage } from './page';
import { refreshNow, syncProgress } from './sync';

export const filterSchema = z.discriminatedUnion('scope', [
  z.strictObject({ scope: z.literal('all') }),
  z.strictObject({ scope: z.literal('project'), projectKey: projectKeySchema }),
  z.strictObject({ scope: z.literal('portfolio'), portfolioName: z.string().trim().min(1).max(255) }),
]);

const narrowSchema = z.strictObject({
  portfolios: z.array(z.string().trim().min(1).max(255).nullable()).max(1000).optional(),
  health: z.array(z.enum(['red', 'amber', 'not set up', 'green', 'not synced'])).max(5).optional(),
  leads: z.array(z.string().min(1).max(128)).max(1000).optional(),
  text: z.string().max(200).optional(),
  complianceBelow: z.number().min(0).max(1).optional(),
});

export const pageRequestSchema: z.ZodType<PortfolioPageRequest> = z.strictObject({ filter: filterSchema.optional(), narrow: narrowSchema.optional() });
const refreshRequestSchema: z.ZodType<Record<string, never>> = z.strictObject({});
const progressRequestSchema: z.ZodType<SyncProgressRequest> = z.strictObject({
  roundId: z.string().regex(/^[a-z0-9]{1,12}-[0-9a-f]{8}$/, 'a sync round id'),
});

// The Settings view of the page serves the settings keys to PMO editors who do not administer Jira
// (only administrators open the admin page).
export const portfolioPage = surfaceResolver<PortfolioPageResolvers & SettingsResolvers>({
  'portfolio/page': answered(pageRequestSchema, (payload, caller) => readPortfolioPage(jiraAsUser(), payload, caller.accountId)),
  'sync/refresh': answered(refreshRequestSchema, (_payload, caller) => refreshNow(jiraAsUser(), caller.accountId, Date.now())),
  'sync/progress': answered(progressRequestSchema, (payload, caller) => syncProgress(jiraAsUser(), payload.roundId, caller.accountId)),
  'project/health': projectHealth,
  ...settingsHandlers(pmoEditorsOnly),
});

export const handler = portfolioPage.handler;
