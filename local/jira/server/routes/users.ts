/** GET /myself, GET /user/groups, GET /user/bulk and GET /user/search. */
import { z } from 'zod';
import { findUserByAccountId, type UserRow } from '../access';
import { badRequest, forbidden, notFound, ok, parseQuery, q, requestSelf, type JiraRequestContext, type JiraRoute } from '../http';
import { userDetailsJson, userJson } from '../render';

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

const bulkQuery = z.object({
  accountId: q.list(),
  startAt: q.int().pipe(z.number().int().nonnegative()).optional(),
  maxResults: q.int().pipe(z.number().int().positive()).optional(),
});
/** Jira Cloud answers at most this many users a page. */
const BULK_MAX_RESULTS = 200;

export const usersBulk: JiraRoute = {
  method: 'GET',
  path: '/rest/api/3/user/bulk',
  handle(context) {
    const { accountId: ids, startAt = 0, maxResults = 10 } = parseQuery(bulkQuery, context.req.query);
    if (ids.length === 0) throw badRequest("The parameter 'accountId' is required.");
    // "Permission to access Jira" is all it needs (the spec documents no 403). Unknown ids are left out, as Jira does; the rest in the order asked.
    const users = [...new Set(ids)].map((id) => findUserByAccountId(context.db, id)).filter((user) => user !== undefined);
    const size = Math.min(maxResults, BULK_MAX_RESULTS);
    const page = users.slice(startAt, startAt + size);
    return ok({
      self: requestSelf(context),
      maxResults: size,
      startAt,
      total: users.length,
      isLast: startAt + page.length >= users.length,
      values: page.map((user) => userDetailsJson(context.base, user)),
    });
  },
};

const groupMembersQuery = z.object({
  groupname: q.string().optional(),
  groupId: q.string().optional(),
  includeInactiveUsers: q.boolean().optional(),
  startAt: q.int().pipe(z.number().int().nonnegative()).optional(),
  maxResults: q.int().pipe(z.number().int().positive()).optional(),
});
/** Jira Cloud answers at most 50 group members a page. */
const GROUP_MEMBERS_MAX_RESULTS = 50;

/** GET /group/member: the members of a group, a page at a time (Browse users and groups, or Administer Jira). */
export const groupMembers: JiraRoute = {
  method: 'GET',
  path: '/rest/api/3/group/member',
  handle(context) {
    const { groupname, groupId, includeInactiveUsers = false, startAt = 0, maxResults = GROUP_MEMBERS_MAX_RESULTS } = parseQuery(groupMembersQuery, context.req.query);
    if ((groupname === undefined || groupname === '') && (groupId === undefined || groupId === '')) throw badRequest('Either a group name or a group ID must be provided.');
    if (!context.access.hasGlobal('USER_PICKER')) throw forbidden('You do not have the permission to browse users and groups.');
    const group = (
      groupId !== undefined && groupId !== ''
        ? context.db.prepare('SELECT name, group_id FROM groups WHERE group_id = ?').get(groupId)
        : context.db.prepare('SELECT name, group_id FROM groups WHERE name = ?').get(groupname)
    ) as { name: string; group_id: string } | undefined;
    if (!group) throw notFound('Group does not exist.');
    // Jira orders members by username; the email's local part stands in for it here.
    const members = context.db
      .prepare(
        `SELECT u.account_id, u.display_name, u.email, u.active, u.time_zone, u.locale FROM user_groups ug JOIN users u ON u.account_id = ug.account_id
         WHERE ug.group_name = ? ${includeInactiveUsers ? '' : 'AND u.active = 1'} ORDER BY u.email COLLATE NOCASE`,
      )
      .all(group.name) as UserRow[];
    const size = Math.min(maxResults, GROUP_MEMBERS_MAX_RESULTS);
    const page = members.slice(startAt, startAt + size);
    const isLast = startAt + page.length >= members.length;
    const next = new URLSearchParams({ groupId: group.group_id, includeInactiveUsers: String(includeInactiveUsers), startAt: String(startAt + size), maxResults: String(size) });
    return ok({
      self: requestSelf(context),
      ...(isLast ? {} : { nextPage: `${context.base}/rest/api/3/group/member?${next}` }),
      maxResults: size,
      startAt,
      total: members.length,
      isLast,
      values: page.map((user) => userDetailsJson(context.base, user)),
    });
  },
};

const searchQuery = z.object({
  query: q.string().optional(),
  accountId: q.string().max(128).optional(),
  startAt: q.int().pipe(z.number().int().nonnegative()).optional(),
  maxResults: q.int().pipe(z.number().int().positive()).optional(),
});

/**
 * GET /user/search: active users whose display name or email starts with the query (or a word of the
 * name does). Without "Browse users and groups" Jira answers no one rather than refusing.
 */
export const userSearch: JiraRoute = {
  method: 'GET',
  path: '/rest/api/3/user/search',
  handle(context) {
    const { query, accountId, startAt = 0, maxResults = 50 } = parseQuery(searchQuery, context.req.query);
    if ((query === undefined || query === '') && (accountId === undefined || accountId === '')) throw badRequest('One of the query parameters query, accountId or property is required.');
    if (!context.access.hasGlobal('USER_PICKER')) return ok([]);
    const rows = context.db.prepare('SELECT account_id, display_name, email, active, time_zone, locale FROM users WHERE active = 1 ORDER BY display_name COLLATE NOCASE').all() as UserRow[];
    const wanted = (query ?? '').toLowerCase();
    const matches = rows.filter((user) => {
      if (accountId !== undefined && accountId !== '' && user.account_id !== accountId) return false;
      if (wanted === '') return true;
      const words = [user.email.toLowerCase(), user.display_name.toLowerCase(), ...user.display_name.toLowerCase().split(/\s+/)];
      return words.some((word) => word.startsWith(wanted));
    });
    return ok(matches.slice(startAt, startAt + Math.min(maxResults, 1000)).map((user) => userDetailsJson(context.base, user)));
  },
};
