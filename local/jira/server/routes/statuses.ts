/**
 * GET /status: every status of the site's active workflows with its category. The site's workflows
 * are its statuses table; a status retired from every workflow is one the table no longer holds. A
 * caller who may browse no project sees none, as Jira asks Browse projects for it.
 */
import { ok, type JiraRoute } from '../http';
import { statusJson } from '../render';

export const listStatuses: JiraRoute = {
  method: 'GET',
  path: '/rest/api/3/status',
  handle(context) {
    const projects = [...context.catalog.projects().keys()];
    if (!context.access.isAdmin && !projects.some((id) => context.access.canBrowse(id))) return ok([]);
    return ok([...context.catalog.statuses().values()].map((status) => statusJson(context.base, status)));
  },
};
