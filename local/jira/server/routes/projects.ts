/** Projects and their versions: project/search, project/{id}, project/{id}/version(s). */
import { z } from 'zod';
import { formatJiraDateTime } from '../../db/jira-time';
import type { ProjectRow, VersionRow } from '../catalog';
import { badRequest, nextPageUrl, notFound, ok, parseQuery, q, requestSelf, type JiraRequestContext, type JiraRoute } from '../http';
import { dateInZone, issueTypeJson, projectJson, userJson, versionJson } from '../render';

type Json = Record<string, unknown>;

/** The project `idOrKey` names when the caller may view it; otherwise Jira's 404. */
export function findVisibleProject(context: JiraRequestContext, idOrKey: string): ProjectRow {
  const project = context.catalog.findProject(idOrKey);
  if (!project || !context.access.canView(project.id)) {
    throw notFound(/^\d+$/.test(idOrKey) ? `No project could be found with id '${idOrKey}'.` : `No project could be found with key '${idOrKey}'.`);
  }
  return project;
}

function insightOf(context: JiraRequestContext, projectId: number): { totalIssueCount: number; lastIssueUpdateTime?: string } {
  const row = context.db
    .prepare('SELECT COUNT(*) AS total, MAX(updated_ms) AS last_ms FROM issues WHERE project_id = ?')
    .get(projectId) as { total: number; last_ms: number | null };
  const insight: { totalIssueCount: number; lastIssueUpdateTime?: string } = { totalIssueCount: row.total };
  if (row.last_ms !== null) insight.lastIssueUpdateTime = formatJiraDateTime(row.last_ms);
  return insight;
}

function projectWith(context: JiraRequestContext, project: ProjectRow, expand: Set<string>): Json {
  const { catalog } = context;
  const json = projectJson(context.base, project, catalog.category(project.category_id));
  if (expand.has('description')) json.description = project.description;
  if (expand.has('lead')) {
    const lead = catalog.user(project.lead_account_id);
    if (lead) json.lead = userJson(context.base, lead);
  }
  if (expand.has('issueTypes')) json.issueTypes = [...catalog.issueTypes().values()].map((type) => issueTypeJson(context.base, type));
  if (expand.has('url')) json.url = '';
  if (expand.has('insight')) json.insight = insightOf(context, project.id);
  return json;
}

const PROJECT_ORDERS = ['category', 'key', 'name', 'owner', 'issueCount', 'lastIssueUpdatedDate', 'archivedDate', 'deletedDate'] as const;
const orderByParam = z
  .string()
  .regex(new RegExp(`^[+-]?(${PROJECT_ORDERS.join('|')})$`), `expected one of ${PROJECT_ORDERS.join(', ')} (optionally prefixed by + or -)`);

const projectSearchQuery = z.object({
  startAt: q.int().pipe(z.number().min(0)).optional(),
  maxResults: q.int().pipe(z.number().min(0)).optional(),
  orderBy: orderByParam.optional(),
  id: q.list().pipe(z.array(z.string().regex(/^\d+$/, 'expected project ids')).max(50)).optional(),
  keys: q.list().pipe(z.array(z.string()).max(50)).optional(),
  query: q.string().optional(),
  typeKey: q.list().optional(),
  categoryId: q.int().optional(),
  action: z.enum(['view', 'browse', 'edit', 'create']).optional(),
  expand: q.list().optional(),
  status: q.list().pipe(z.array(z.enum(['live', 'archived', 'deleted']))).optional(),
});

export const projectSearch: JiraRoute = {
  method: 'GET',
  path: '/rest/api/3/project/search',
  handle(context) {
    const params = parseQuery(projectSearchQuery, context.req.query);
    const { catalog } = context;
    const { access } = context;
    const startAt = params.startAt ?? 0;
    // The spec: more than 100 is read as 100.
    const maxResults = Math.min(params.maxResults ?? 50, 100);
    const allowed = (project: ProjectRow): boolean => {
      switch (params.action ?? 'view') {
        case 'view':
          return access.canView(project.id);
        case 'browse':
          return access.canBrowse(project.id);
        case 'edit':
          return access.hasProjectPermission(project.id, 'ADMINISTER_PROJECTS');
        case 'create':
          return access.hasProjectPermission(project.id, 'CREATE_ISSUES');
      }
    };
    const ids = params.id ? new Set(params.id.map(Number)) : undefined;
    const keys = params.keys ? new Set(params.keys) : undefined;
    const text = params.query?.toLowerCase();
    // This Jira has only live projects: asking only for archived or deleted ones finds none.
    const liveWanted = !params.status || params.status.includes('live');
    let projects = [...catalog.projects().values()].filter(
      (project) =>
        liveWanted &&
        allowed(project) &&
        (!ids || ids.has(project.id)) &&
        (!keys || keys.has(project.key)) &&
        (!params.typeKey || params.typeKey.includes(project.project_type_key)) &&
        (params.categoryId === undefined || project.category_id === params.categoryId) &&
        (!text || project.key.toLowerCase().includes(text) || project.name.toLowerCase().includes(text)),
    );
    projects = sortProjects(context, projects, params.orderBy ?? 'key');

    const page = projects.slice(startAt, startAt + maxResults);
    const expand = new Set(params.expand ?? []);
    const isLast = startAt + page.length >= projects.length;
    const body: Json = {
      self: requestSelf(context),
      maxResults,
      startAt,
      total: projects.length,
      isLast,
      values: page.map((project) => projectWith(context, project, expand)),
    };
    if (!isLast) body.nextPage = nextPageUrl(context, startAt + maxResults, maxResults);
    return ok(body);
  },
};

function sortProjects(context: JiraRequestContext, projects: ProjectRow[], orderBy: string): ProjectRow[] {
  const { catalog } = context;
  const descending = orderBy.startsWith('-');
  const field = orderBy.replace(/^[+-]/, '');
  let key: (project: ProjectRow) => string | number;
  switch (field) {
    case 'name':
      key = (project) => project.name.toLowerCase();
      break;
    case 'category':
      key = (project) => catalog.category(project.category_id)?.name.toLowerCase() ?? '';
      break;
    case 'owner':
      key = (project) => catalog.user(project.lead_account_id)?.display_name.toLowerCase() ?? '';
      break;
    case 'issueCount':
    case 'lastIssueUpdatedDate': {
      const stats = new Map(
        (
          context.db.prepare('SELECT project_id, COUNT(*) AS total, MAX(updated_ms) AS last_ms FROM issues GROUP BY project_id').all() as {
            project_id: number;
            total: number;
            last_ms: number;
          }[]
        ).map((row) => [row.project_id, row]),
      );
      key = field === 'issueCount' ? (project) => stats.get(project.id)?.total ?? 0 : (project) => stats.get(project.id)?.last_ms ?? 0;
      break;
    }
    default:
      key = (project) => project.key;
  }
  const sign = descending ? -1 : 1;
  return [...projects].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka < kb) return -sign;
    if (ka > kb) return sign;
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  });
}

const projectQuery = z.object({ expand: q.list().optional(), properties: q.list().optional() });

export const getProject: JiraRoute = {
  method: 'GET',
  path: '/rest/api/3/project/{projectIdOrKey}',
  handle(context) {
    parseQuery(projectQuery, context.req.query);
    const project = findVisibleProject(context, String(context.req.params.projectIdOrKey));
    // GET project always carries the description, the lead and the issue types.
    const json = projectWith(context, project, new Set(['description', 'lead', 'issueTypes']));
    const today = dateInZone(context.now, context.timeZone);
    json.components = [];
    json.versions = projectVersions(context, project.id).map((version) => versionJson(context.base, version, today));
    json.assigneeType = 'UNASSIGNED';
    json.roles = {};
    return ok(json);
  },
};

function projectVersions(context: JiraRequestContext, projectId: number): VersionRow[] {
  return context.db
    .prepare(
      `SELECT id, project_id, name, description, start_date, release_date, released, archived
       FROM versions WHERE project_id = ? ORDER BY id`,
    )
    .all(projectId) as VersionRow[];
}

const VERSION_ORDERS = ['description', 'name', 'releaseDate', 'sequence', 'startDate'] as const;
const versionPageQuery = z.object({
  startAt: q.int().pipe(z.number().min(0)).optional(),
  maxResults: q.int().pipe(z.number().min(0)).optional(),
  orderBy: z
    .string()
    .regex(new RegExp(`^[+-]?(${VERSION_ORDERS.join('|')})$`), `expected one of ${VERSION_ORDERS.join(', ')} (optionally prefixed by + or -)`)
    .optional(),
  query: q.string().optional(),
  status: q.list().pipe(z.array(z.enum(['released', 'unreleased', 'archived']))).optional(),
  expand: q.list().optional(),
});

export const projectVersionsPage: JiraRoute = {
  method: 'GET',
  path: '/rest/api/3/project/{projectIdOrKey}/version',
  handle(context) {
    const params = parseQuery(versionPageQuery, context.req.query);
    const project = findVisibleProject(context, String(context.req.params.projectIdOrKey));
    const startAt = params.startAt ?? 0;
    const maxResults = params.maxResults ?? 50;
    if (maxResults === 0) throw badRequest("The value of the parameter 'maxResults' must be greater than 0.");
    const text = params.query?.toLowerCase();
    const statuses = params.status ? new Set(params.status) : undefined;
    let versions = projectVersions(context, project.id).filter(
      (version) =>
        (!text || version.name.toLowerCase().includes(text) || version.description.toLowerCase().includes(text)) &&
        (!statuses ||
          (statuses.has('archived') && version.archived === 1) ||
          (statuses.has('released') && version.released === 1 && version.archived === 0) ||
          (statuses.has('unreleased') && version.released === 0 && version.archived === 0)),
    );
    if (params.orderBy) versions = sortVersions(versions, params.orderBy);
    const page = versions.slice(startAt, startAt + maxResults);
    const today = dateInZone(context.now, context.timeZone);
    const withStatus = (params.expand ?? []).includes('issuesstatus');
    const isLast = startAt + page.length >= versions.length;
    const body: Json = {
      self: requestSelf(context),
      maxResults,
      startAt,
      total: versions.length,
      isLast,
      values: page.map((version) => {
        const json = versionJson(context.base, version, today);
        if (withStatus) json.issuesStatusForFixVersion = issuesStatus(context, version.id);
        return json;
      }),
    };
    if (!isLast) body.nextPage = nextPageUrl(context, startAt + maxResults, maxResults);
    return ok(body);
  },
};

function sortVersions(versions: VersionRow[], orderBy: string): VersionRow[] {
  const descending = orderBy.startsWith('-');
  const field = orderBy.replace(/^[+-]/, '');
  // Dates sort oldest first with undated versions last (the spec), whatever the direction.
  const key = (version: VersionRow): string | number | null => {
    switch (field) {
      case 'name':
        return version.name.toLowerCase();
      case 'description':
        return version.description.toLowerCase();
      case 'releaseDate':
        return version.release_date;
      case 'startDate':
        return version.start_date;
      default:
        return version.id;
    }
  };
  return [...versions].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka === kb) return a.id - b.id;
    if (ka === null) return 1;
    if (kb === null) return -1;
    return (ka < kb ? -1 : 1) * (descending ? -1 : 1);
  });
}

function issuesStatus(context: JiraRequestContext, versionId: number): Record<string, number> {
  const rows = context.db
    .prepare(
      `SELECT s.category_key, COUNT(*) AS total FROM issue_fix_versions f
       JOIN issues i ON i.id = f.issue_id JOIN statuses s ON s.id = i.status_id
       WHERE f.version_id = ? GROUP BY s.category_key`,
    )
    .all(versionId) as { category_key: string; total: number }[];
  const count = (category: string): number => rows.find((row) => row.category_key === category)?.total ?? 0;
  return { unmapped: 0, toDo: count('new'), inProgress: count('indeterminate'), done: count('done') };
}

const versionsQuery = z.object({ expand: q.list().optional() });

export const projectVersionsList: JiraRoute = {
  method: 'GET',
  path: '/rest/api/3/project/{projectIdOrKey}/versions',
  handle(context) {
    parseQuery(versionsQuery, context.req.query);
    const project = findVisibleProject(context, String(context.req.params.projectIdOrKey));
    const today = dateInZone(context.now, context.timeZone);
    return ok(projectVersions(context, project.id).map((version) => versionJson(context.base, version, today)));
  },
};
