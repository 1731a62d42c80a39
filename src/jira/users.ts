import { route } from '@forge/api';
import { z } from 'zod';
import type { JiraClient } from './client';

export const userSchema = z.object({
  accountId: z.string().min(1),
  displayName: z.string().optional().default(''),
  emailAddress: z.string().optional(),
  active: z.boolean().optional(),
  timeZone: z.string().optional(),
});
export type JiraUser = z.output<typeof userSchema>;

/** The person (or app) the client acts as. */
export function getMyself(client: JiraClient): Promise<JiraUser> {
  return client.get(route`/rest/api/3/myself`, userSchema);
}
