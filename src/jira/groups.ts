/** Jira groups and global permissions: who is in a group, who administers Jira. */
import { route } from '@forge/api';
import { z } from 'zod';
import type { JiraClient } from './client';

const memberPageSchema = z.object({
  values: z.array(z.object({ accountId: z.string().min(1) })).default([]),
  isLast: z.boolean().optional(),
  total: z.number().int().optional(),
});
/** GET /group/member answers at most 50 users a page. */
const MEMBERS_PER_PAGE = 50;
/** No group the PMO charges a rate for is this large; a bound stops a runaway paging loop. */
const MAX_MEMBER_PAGES = 2000;

/** Every member's account id (inactive ones too: their worklogs still cost), one request per 50. */
export async function groupMemberIds(client: JiraClient, groupName: string): Promise<string[]> {
  const members: string[] = [];
  for (let page = 0; page < MAX_MEMBER_PAGES; page++) {
    const query = new URLSearchParams({ groupname: groupName, includeInactiveUsers: 'true', startAt: String(page * MEMBERS_PER_PAGE), maxResults: String(MEMBERS_PER_PAGE) });
    const answer = await client.get(route`/rest/api/3/group/member?${query}`, memberPageSchema);
    members.push(...answer.values.map((user) => user.accountId));
    if (answer.isLast !== false || answer.values.length === 0) break;
  }
  return members;
}

const userGroupsSchema = z.array(z.object({ name: z.string() }));

/** The names of the groups a person is in (the app may list anyone's). */
export async function groupNamesOf(client: JiraClient, accountId: string): Promise<string[]> {
  const query = new URLSearchParams({ accountId });
  const groups = await client.get(route`/rest/api/3/user/groups?${query}`, userGroupsSchema);
  return groups.map((group) => group.name);
}

const globalCheckSchema = z.object({ globalPermissions: z.array(z.string()).default([]) });

/** Whether a person holds Jira's Administer Jira global permission (asked as the app, for that person). */
export async function isJiraAdministrator(client: JiraClient, accountId: string): Promise<boolean> {
  const answer = await client.post(route`/rest/api/3/permissions/check`, { accountId, globalPermissions: ['ADMINISTER'] }, globalCheckSchema);
  return answer.globalPermissions.includes('ADMINISTER');
}
