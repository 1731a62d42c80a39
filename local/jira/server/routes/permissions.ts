/** POST /permissions/check and GET /mypermissions. */
import { z } from 'zod';
import { GLOBAL_PERMISSION_KEYS, PROJECT_PERMISSION_KEYS } from '../../dataset';
import { Access, findUserByAccountId, isGlobalPermission, isProjectPermission } from '../access';
import { badRequest, forbidden, JiraHttpError, notFound, ok, parseBody, parseQuery, q, splitList, type JiraRoute } from '../http';
import { findVisibleIssue } from '../issues';
import { findVisibleProject } from './projects';

/** Jira's ids, names and descriptions for the permissions this Jira knows. */
const PERMISSION_INFO: Record<string, { id: string; name: string; description: string }> = {
  ADMINISTER: { id: '0', name: 'Administer Jira', description: 'Create and administer projects, issue types, fields, workflows, and schemes for all projects.' },
  SYSTEM_ADMIN: { id: '44', name: 'Administer Jira system', description: 'Configure Jira system settings.' },
  USER_PICKER: { id: '27', name: 'Browse users and groups', description: 'View and select users or groups from the user picker, and share issues.' },
  BROWSE_PROJECTS: { id: '10', name: 'Browse Projects', description: 'Ability to browse projects and the issues within them.' },
  CREATE_ISSUES: { id: '11', name: 'Create Issues', description: 'Ability to create issues.' },
  EDIT_ISSUES: { id: '12', name: 'Edit Issues', description: 'Ability to edit issues.' },
  WORK_ON_ISSUES: { id: '20', name: 'Work On Issues', description: 'Ability to log work done against an issue.' },
  ADMINISTER_PROJECTS: { id: '23', name: 'Administer Projects', description: 'Ability to administer a project in Jira.' },
  TRANSITION_ISSUES: { id: '46', name: 'Transition Issues', description: 'Ability to transition issues.' },
};

/** The spec: "A maximum of 1000 projects and 1000 issues can be checked." */
export const PERMISSION_CHECK_MAX_IDS = 1000;

const checkBody = z.strictObject({
  accountId: z.string().max(128).nullable().optional(),
  globalPermissions: z.array(z.string().nullable()).optional(),
  projectPermissions: z
    .array(
      z.strictObject({
        permissions: z.array(z.string()),
        projects: z.array(z.number().int().nullable()).optional(),
        issues: z.array(z.number().int().nullable()).optional(),
      }),
    )
    .optional(),
});

export const checkPermissions: JiraRoute = {
  method: 'POST',
  path: '/rest/api/3/permissions/check',
  handle(context) {
    const body = parseBody(checkBody, context.req.body);
    let access = context.access;
    if (body.accountId && body.accountId !== access.accountId) {
      if (!access.isAdmin) throw forbidden('Only Jira administrators can perform this operation.');
      const user = findUserByAccountId(context.db, body.accountId);
      if (!user) throw badRequest(`The account ID '${body.accountId}' is invalid.`);
      access = Access.load(context.db, user);
    }

    // Nulls and empty strings are ignored, as the spec says.
    const globals = (body.globalPermissions ?? []).filter((key): key is string => key !== null && key !== '');
    const requests = (body.projectPermissions ?? []).map((entry) => ({
      permissions: entry.permissions.filter((key) => key !== ''),
      projects: (entry.projects ?? []).filter((id): id is number => id !== null),
      issues: (entry.issues ?? []).filter((id): id is number => id !== null),
    }));
    const errors: Record<string, string> = {};
    for (const key of globals) if (!isGlobalPermission(key)) errors[key] = 'Unrecognized permission';
    for (const request of requests) for (const key of request.permissions) if (!isProjectPermission(key)) errors[key] = 'Unrecognized permission';
    if (Object.keys(errors).length > 0) throw new JiraHttpError(400, [], errors);
    if (requests.some((request) => request.permissions.length === 0)) throw badRequest('At least one project permission is required in each projectPermissions entry.');

    const projects = context.catalog.projects();
    const allProjectIds = new Set(requests.flatMap((request) => request.projects).filter((id) => projects.has(id)));
    const issueProject = new Map<number, number>();
    const issueIds = [...new Set(requests.flatMap((request) => request.issues))];
    if (issueIds.length > 0) {
      const rows = context.db
        .prepare('SELECT id, project_id FROM issues WHERE id IN (SELECT value FROM json_each(?))')
        .all(JSON.stringify(issueIds)) as { id: number; project_id: number }[];
      for (const row of rows) issueProject.set(row.id, row.project_id);
    }
    if (allProjectIds.size > PERMISSION_CHECK_MAX_IDS || issueProject.size > PERMISSION_CHECK_MAX_IDS) {
      throw badRequest(`No more than ${PERMISSION_CHECK_MAX_IDS} valid project IDs and ${PERMISSION_CHECK_MAX_IDS} valid issue IDs can be checked.`);
    }

    // One grant per permission, merging entries that ask about the same permission.
    const grants = new Map<string, { projects: Set<number>; issues: Set<number> }>();
    for (const request of requests) {
      for (const permission of request.permissions) {
        if (!isProjectPermission(permission)) continue;
        let grant = grants.get(permission);
        if (!grant) grants.set(permission, (grant = { projects: new Set(), issues: new Set() }));
        for (const id of request.projects) if (projects.has(id) && access.hasProjectPermission(id, permission)) grant.projects.add(id);
        for (const id of request.issues) {
          const projectId = issueProject.get(id);
          if (projectId !== undefined && access.hasProjectPermission(projectId, permission)) grant.issues.add(id);
        }
      }
    }
    return ok({
      projectPermissions: [...grants].map(([permission, grant]) => ({
        permission,
        issues: [...grant.issues].sort((a, b) => a - b),
        projects: [...grant.projects].sort((a, b) => a - b),
      })),
      globalPermissions: [...new Set(globals)].filter((key) => isGlobalPermission(key) && access.hasGlobal(key)),
    });
  },
};

const myPermissionsQuery = z.object({
  permissions: q.string().optional(),
  projectKey: q.string().optional(),
  projectId: q.string().optional(),
  issueKey: q.string().optional(),
  issueId: q.string().optional(),
  projectUuid: q.string().optional(),
  projectConfigurationUuid: q.string().optional(),
  commentId: q.string().optional(),
});

export const myPermissions: JiraRoute = {
  method: 'GET',
  path: '/rest/api/3/mypermissions',
  handle(context) {
    const params = parseQuery(myPermissionsQuery, context.req.query);
    const keys = splitList(params.permissions ?? '');
    if (keys.length === 0) throw badRequest('The permissions parameter is required: a comma-separated list of permission keys.');
    const unknown = keys.filter((key) => !isGlobalPermission(key) && !isProjectPermission(key));
    if (unknown.length > 0) throw badRequest(`Unrecognized permission keys: ${unknown.join(', ')}. Known: ${[...GLOBAL_PERMISSION_KEYS, ...PROJECT_PERMISSION_KEYS].join(', ')}.`);
    if (params.commentId !== undefined) throw notFound('Comments are not kept by this Jira.');

    // The context: an issue's project, a project, or (with neither) any project at all.
    let projectId: number | undefined;
    const issueRef = params.issueId ?? params.issueKey;
    const projectRef = params.projectId ?? params.projectKey;
    if (issueRef !== undefined) projectId = findVisibleIssue(context, issueRef).project_id;
    else if (projectRef !== undefined) projectId = findVisibleProject(context, projectRef).id;

    const permissions: Record<string, unknown> = {};
    for (const key of keys) {
      const info = PERMISSION_INFO[key];
      let havePermission: boolean;
      if (isGlobalPermission(key)) havePermission = context.access.hasGlobal(key);
      else if (isProjectPermission(key)) {
        havePermission = projectId === undefined ? context.access.hasProjectPermissionAnywhere(key) : context.access.hasProjectPermission(projectId, key);
      } else continue;
      permissions[key] = { id: info.id, key, name: info.name, type: isGlobalPermission(key) ? 'GLOBAL' : 'PROJECT', description: info.description, havePermission };
    }
    return ok({ permissions });
  },
};
