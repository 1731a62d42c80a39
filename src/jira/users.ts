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

const userPageSchema = z.object({ values: z.array(userSchema), isLast: z.boolean().optional() });
/** Jira answers at most 200 users a request. */
const USERS_PER_REQUEST = 200;

/**
 * accountId -> display name, for the ids Jira knows, as the client sees them (one request per 200
 * people). Ids Jira does not return are left out: the caller names them as it sees fit.
 */
export async function displayNames(client: JiraClient, accountIds: readonly string[]): Promise<Map<string, string>> {
  const ids = [...new Set(accountIds)].filter((id) => id !== '');
  const names = new Map<string, string>();
  for (let start = 0; start < ids.length; start += USERS_PER_REQUEST) {
    const query = new URLSearchParams({ maxResults: String(USERS_PER_REQUEST) });
    for (const id of ids.slice(start, start + USERS_PER_REQUEST)) query.append('accountId', id);
    const page = await client.get(route`/rest/api/3/user/bulk?${query}`, userPageSchema);
    for (const user of page.values) if (user.displayName !== '') names.set(user.accountId, user.displayName);
  }
  return names;
}

/** Active people whose name or email starts with `query`, as the client may see them (none without "Browse users and groups"). */
export async function searchUsers(client: JiraClient, query: string, maxResults = 20): Promise<JiraUser[]> {
  const params = new URLSearchParams({ query, maxResults: String(maxResults) });
  return client.get(route`/rest/api/3/user/search?${params}`, z.array(userSchema));
}
