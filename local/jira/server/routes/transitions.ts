/**
 * GET and POST /issue/{issueIdOrKey}/transitions. The simulated Jira's workflow is one global transition
 * into each status (its id is the status id, its name the status name), as a simplified company-managed
 * workflow would have. A transition runs the installed apps' workflow validators first; a refusal is
 * Jira's 400 with each validator's message, and nothing changes.
 */
import { z } from 'zod';
import { formatJiraDateTime } from '../../db/jira-time';
import { badRequest, forbidden, JiraHttpError, noContent, ok, parseBody, parseQuery, q, type JiraRequestContext, type JiraRoute } from '../http';
import { findVisibleIssue, type IssueRow } from '../issues';
import { statusJson } from '../render';

const getQuery = z.object({
  expand: q.list().optional(),
  transitionId: z.string().optional(),
  skipRemoteOnlyCondition: q.boolean().optional(),
  includeUnavailableTransitions: q.boolean().optional(),
  sortByOpsBarAndStatus: q.boolean().optional(),
});

/** IssueUpdateDetails as a transition takes it; screen fields are not offered, so `fields` and `update` must be empty. */
const transitionBody = z.looseObject({
  transition: z.looseObject({ id: z.string().min(1) }).optional(),
  fields: z.record(z.string(), z.unknown()).optional(),
  update: z.record(z.string(), z.unknown()).optional(),
  historyMetadata: z.unknown().optional(),
  properties: z.unknown().optional(),
});

function transitionsOf(context: JiraRequestContext, issue: IssueRow) {
  return [...context.catalog.statuses().values()]
    .filter((status) => status.id !== issue.status_id)
    .map((status) => ({
      id: String(status.id),
      name: status.name,
      to: statusJson(context.base, status),
      hasScreen: false,
      isGlobal: true,
      isInitial: false,
      isAvailable: true,
      isConditional: false,
      isLooped: false,
    }));
}

export const getTransitions: JiraRoute = {
  method: 'GET',
  path: '/rest/api/3/issue/{issueIdOrKey}/transitions',
  handle(context) {
    const params = parseQuery(getQuery, context.req.query);
    const issue = findVisibleIssue(context, String(context.req.params.issueIdOrKey));
    // Jira lists none to a person who may not transition the issue.
    const all = context.access.hasProjectPermission(issue.project_id, 'TRANSITION_ISSUES') ? transitionsOf(context, issue) : [];
    const transitions = params.transitionId === undefined ? all : all.filter((transition) => transition.id === params.transitionId);
    return ok({ transitions });
  },
};

export const doTransition: JiraRoute = {
  method: 'POST',
  path: '/rest/api/3/issue/{issueIdOrKey}/transitions',
  async handle(context) {
    const body = parseBody(transitionBody, context.req.body);
    const issue = findVisibleIssue(context, String(context.req.params.issueIdOrKey));
    if (!context.access.hasProjectPermission(issue.project_id, 'TRANSITION_ISSUES')) throw forbidden('You do not have permission to transition this issue.');
    if (!body.transition) throw badRequest("No transition is specified: send 'transition': {'id': ...}.");
    const transition = transitionsOf(context, issue).find((candidate) => candidate.id === body.transition?.id);
    if (!transition) throw badRequest(`Transition id '${body.transition.id}' is not valid for this issue.`);
    const screenFields = [...Object.keys(body.fields ?? {}), ...Object.keys(body.update ?? {})];
    if (screenFields.length > 0) {
      throw new JiraHttpError(400, [], Object.fromEntries(screenFields.map((field) => [field, `Field '${field}' cannot be set. It is not on the appropriate screen, or unknown.`])));
    }

    const project = context.db.prepare('SELECT id, key FROM projects WHERE id = ?').get(issue.project_id) as { id: number; key: string };
    const refusals = await context.validateTransition({
      issue: { id: String(issue.id), key: issue.key },
      project: { id: String(project.id), key: project.key },
      transition: { id: transition.id, from: { id: String(issue.status_id) }, to: { id: transition.id } },
      accountId: context.access.accountId,
    });
    if (refusals.length > 0) throw new JiraHttpError(400, refusals);

    const from = context.catalog.status(issue.status_id);
    const to = context.catalog.status(Number(transition.id));
    const nowMs = context.now.getTime();
    const now = formatJiraDateTime(nowMs);
    const resolved = to.category_key === 'done' ? (issue.resolutiondate === null ? { at: now, ms: nowMs } : 'keep') : null;
    context.db.transaction(() => {
      context.db
        .prepare(
          `UPDATE issues SET status_id = @status, updated = @now, updated_ms = @nowMs,
             resolutiondate = CASE WHEN @resolve = 'keep' THEN resolutiondate ELSE @resolvedAt END,
             resolved_ms = CASE WHEN @resolve = 'keep' THEN resolved_ms ELSE @resolvedMs END
           WHERE id = @id`,
        )
        .run({
          id: issue.id,
          status: to.id,
          now,
          nowMs,
          resolve: resolved === 'keep' ? 'keep' : 'set',
          resolvedAt: resolved === null || resolved === 'keep' ? null : resolved.at,
          resolvedMs: resolved === null || resolved === 'keep' ? null : resolved.ms,
        });
      const { next } = context.db.prepare('SELECT COALESCE(MAX(id), 10000) + 1 AS next FROM changelogs').get() as { next: number };
      const items = [{ field: 'status', fieldtype: 'jira', fieldId: 'status', from: String(from.id), fromString: from.name, to: String(to.id), toString: to.name }];
      context.db
        .prepare('INSERT INTO changelogs (id, issue_id, author_account_id, created, created_ms, items) VALUES (?, ?, ?, ?, ?, ?)')
        .run(next, issue.id, context.access.accountId, now, nowMs, JSON.stringify(items));
    })();
    context.emit('avi:jira:updated:issue', {
      issue: { id: String(issue.id), key: issue.key, fields: { project: { id: String(project.id), key: project.key } } },
      atlassianId: context.access.user.account_id,
      changelog: { items: [{ field: 'status', fieldId: 'status', from: String(from.id), fromString: from.name, to: String(to.id), toString: to.name }] },
    });
    return noContent();
  },
};
