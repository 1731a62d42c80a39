/** GET /myself and GET /user/groups. */
import { z } from 'zod';
import { findUserByAccountId } from '../access';
import { badRequest, forbidden, notFound, ok, parseQuery, q, type JiraRequestContext, type JiraRoute } from '../http';
import { userJson } from '../render';

function groupsOf(context: JiraRequestContext, accountId: string): { name: string; groupId: string; self: string }[] {
  const rows = context.db
    .prepare(
      `SELECT g.name, g.group_id FROM user_groups ug JOIN groups g ON g.name = ug.group_name
       WHERE ug.account_id = ? ORDER BY g.name`,
    )
    .all(accountId) as { name: string; group_id: string }[];
  return rows.map((row) => ({ name: row.name, groupId: row.group_id, self: `${context.base}/rest/api/3/group?groupId=${encodeURIComponent(row.group_id)}` }));
}

const myselfQuery = z.object({ expand: q.list().optional() });

export const myself: JiraRoute = {
  method: 'GET',
  path: '/rest/api/3/myself',
  handle(context) {
    const { expand = [] } = parseQuery(myselfQuery, context.req.query);
    const groups = groupsOf(context, context.access.accountId);
    return ok({
      ...userJson(context.base, context.access.user),
      // Jira gives the count always and the list only with expand=groups.
      groups: { size: groups.length, items: expand.includes('groups') ? groups : [] },
      applicationRoles: { size: 1, items: [] },
      expand: 'groups,applicationRoles',
    });
  },
};

const userGroupsQuery = z.object({ accountId: q.string().max(128).optional() });

export const userGroups: JiraRoute = {
  method: 'GET',
  path: '/rest/api/3/user/groups',
  handle(context) {
    const { accountId } = parseQuery(userGroupsQuery, context.req.query);
    if (accountId === undefined || accountId === '') throw badRequest("The parameter 'accountId' is required.");
    // "Browse users and groups" is Jira Cloud's USER_PICKER global permission.
    if (!context.access.hasGlobal('USER_PICKER')) throw forbidden('You do not have the permission to browse users and groups.');
    if (!findUserByAccountId(context.db, accountId)) throw notFound(`The user with account ID '${accountId}' does not exist.`);
    return ok(groupsOf(context, accountId));
  },
};
