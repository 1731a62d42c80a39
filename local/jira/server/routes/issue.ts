/** GET and PUT /issue/{issueIdOrKey}. */
import { z } from 'zod';
import { allFieldDefinitions, selectFields } from '../fields';
import { forbidden, noContent, ok, parseBody, parseQuery, q, type JiraRequestContext, type JiraRoute } from '../http';
import { editIssue, issueEditBody } from '../issue-edit';
import { findVisibleIssue, IssueRenderer } from '../issues';

const getIssueQuery = z.object({
  fields: q.list().optional(),
  fieldsByKeys: q.boolean().optional(),
  expand: q.list().optional(),
  properties: q.list().optional(),
  updateHistory: q.boolean().optional(),
  failFast: q.boolean().optional(),
});

function renderIssue(context: JiraRequestContext, issueId: number, fields: string[], expand: string[]): unknown {
  const selection = selectFields(fields, '*all', allFieldDefinitions(context.catalog));
  // GET issue always answers the full shape, even for fields=id.
  const [issue] = new IssueRenderer(context).render([issueId], { ...selection, idOnly: false }, {
    changelog: expand.includes('changelog'),
    names: expand.includes('names'),
    schema: expand.includes('schema'),
  });
  return issue;
}

export const getIssue: JiraRoute = {
  method: 'GET',
  path: '/rest/api/3/issue/{issueIdOrKey}',
  handle(context) {
    const params = parseQuery(getIssueQuery, context.req.query);
    const issue = findVisibleIssue(context, String(context.req.params.issueIdOrKey));
    return ok(renderIssue(context, issue.id, params.fields ?? [], params.expand ?? []));
  },
};

const editIssueQuery = z.object({
  notifyUsers: q.boolean().optional(),
  overrideScreenSecurity: q.boolean().optional(),
  overrideEditableFlag: q.boolean().optional(),
  returnIssue: q.boolean().optional(),
  expand: q.list().optional(),
});

export const editIssueRoute: JiraRoute = {
  method: 'PUT',
  path: '/rest/api/3/issue/{issueIdOrKey}',
  handle(context) {
    const params = parseQuery(editIssueQuery, context.req.query);
    const issue = findVisibleIssue(context, String(context.req.params.issueIdOrKey));
    if ((params.overrideScreenSecurity || params.overrideEditableFlag) && !context.access.isAdmin) {
      throw forbidden('Only Jira administrators can override screen security or the editable flag.');
    }
    if (!context.access.hasProjectPermission(issue.project_id, 'EDIT_ISSUES')) {
      throw forbidden('You do not have permission to edit issues in this project.');
    }
    editIssue(context, issue, parseBody(issueEditBody, context.req.body));
    const project = context.db.prepare('SELECT id, key FROM projects WHERE id = ?').get(issue.project_id) as { id: number; key: string };
    context.emit('avi:jira:updated:issue', {
      issue: { id: String(issue.id), key: issue.key, fields: { project: { id: String(project.id), key: project.key } } },
      atlassianId: context.access.user.account_id,
    });
    return params.returnIssue ? ok(renderIssue(context, issue.id, [], params.expand ?? [])) : noContent();
  },
};
