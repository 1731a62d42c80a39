/**
 * The compliance gate's workflow validator function (jira:workflowValidator). Jira calls it, as the
 * app and without a user, before a transition of a company-managed project with
 * `{issue: {key}, transition: {from: {id}, to: {id}}, configuration, …}` and expects
 * `{result: boolean, errorMessage?: string}`. It reads the settings and, only when a rule is enforced at
 * the gate for the issue's project, the issue (only the fields the rules need; its children and
 * worklogs only when an enforced rule looks at them), then judges the issue as it would be in the
 * target status with the rule engine the score uses. Anything it cannot read refuses the transition
 * (docs/compliance.md, "When the app itself fails").
 */
import api, { route } from '@forge/api';
import { z } from 'zod';
import { JiraClient } from '../../jira/client';
import { remainingTimeMs } from '../../jira/forge';
import { getFields, resolveMetricFields, type MetricFieldIds } from '../../jira/fields';
import { metricIssueFieldsSchema, metricIssueSchema, searchAllIssues } from '../../jira/issues';
import { getStatuses } from '../../jira/statuses';
import { getProjectVersions } from '../../jira/versions';
import { issueWorklogs } from '../../jira/worklogs';
import type { ProjectData, StatusCategory, WorkItem, Worklog } from '../../metrics/model';
import { checkTransition } from '../../compliance/gate';
import type { EffectiveRule } from '../../compliance/settings';
import { projectSettingsIn, settingsInForce } from '../../settings/store';
import { getCatalogFieldIds } from '../../store/siteCatalog';
import { issueFieldsFor, normalizeIssue, normalizeVersion, normalizeWorklog, statusCategoryFromKey } from '../../sync/normalize';

export interface ValidatorAnswer {
  result: boolean;
  errorMessage?: string;
}

const idSchema = z.union([z.string().min(1), z.number().int()]).transform(String);

/** What the gate reads of Forge's payload; everything else Jira sends is ignored. */
const payloadSchema = z.looseObject({
  issue: z.looseObject({ key: z.string().min(1).max(255) }),
  transition: z.looseObject({
    from: z.looseObject({ id: idSchema }).nullish(),
    to: z.looseObject({ id: idSchema }),
  }),
});

/** Said when the gate cannot judge: the transition is refused rather than let through unchecked. */
export function couldNotCheck(reason: string): ValidatorAnswer {
  return {
    result: false,
    errorMessage: `PMO Portfolio could not check this transition against the PMO's compliance rules (${reason}). Try again in a moment; if it keeps failing, ask the PMO.`,
  };
}

/** The issue with its project (whose category is the PMO's portfolio). */
const gateIssueSchema = metricIssueSchema.extend({
  fields: metricIssueFieldsSchema.extend({
    project: z.object({ key: z.string().min(1), name: z.string().optional(), projectCategory: z.object({ name: z.string() }).nullish() }),
  }),
});

const needsChildren = (rules: readonly EffectiveRule[]): boolean => rules.some((rule) => rule.id === 'done-without-open-subtasks');
const needsWorklogs = (rules: readonly EffectiveRule[]): boolean => rules.some((rule) => rule.id === 'done-time-logged');
const needsVersions = (rules: readonly EffectiveRule[]): boolean =>
  rules.some((rule) => rule.id === 'done-fix-version' && (rule.params as { requireReleased?: boolean }).requireReleased === true);

/**
 * As the app (the validator runs without a user). A person waits on the transition dialog: one quick
 * retry, then the gate answers that it could not check.
 */
const gateClient = (): JiraClient =>
  new JiraClient(api.asApp().requestJira, { remainingTimeMs, maxConcurrent: 4, retry: { maxAttempts: 2, baseDelayMs: 200, maxDelayMs: 1000 } });

async function metricFieldIds(client: JiraClient): Promise<MetricFieldIds> {
  return (await getCatalogFieldIds()) ?? resolveMetricFields(await getFields(client));
}

/** The function manifest.yml names: Jira passes the payload (and an invocation context, not used). */
export async function complianceGate(payload: unknown): Promise<ValidatorAnswer> {
  return checkGate(payload, Date.now());
}

export async function checkGate(payload: unknown, nowMs: number): Promise<ValidatorAnswer> {
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) return couldNotCheck(`Jira's request did not name the issue and the target status: ${parsed.error.issues[0]?.message ?? ''}`);
  const { issue: named, transition } = parsed.data;
  try {
    const client = gateClient();
    const [inForce, fieldIds, statuses] = await Promise.all([settingsInForce(), metricFieldIds(client), getStatuses(client)]);
    const target = statuses.find((status) => status.id === transition.to.id);
    const targetCategory: StatusCategory | null = statusCategoryFromKey(target?.statusCategory?.key);
    if (!target || targetCategory === null) return couldNotCheck(`Jira did not say which category status ${transition.to.id} is in`);

    const issue = await client.get(route`/rest/api/3/issue/${named.key}?fields=${[...issueFieldsFor(fieldIds), 'project'].join(',')}`, gateIssueSchema);
    const project = issue.fields.project;
    // The project as Jira has it now (the payload's key may be an old one after a move); its category is the portfolio.
    const settings = projectSettingsIn(inForce, project.key, project.projectCategory?.name ?? null);
    const enforced = (settings.complianceRules ?? []).filter((rule) => rule.enforceAtGate);
    if (enforced.length === 0) return { result: true };

    const categories = new Map(statuses.flatMap((status) => {
      const category = statusCategoryFromKey(status.statusCategory?.key);
      return category === null ? [] : [[status.id, category] as const];
    }));
    const item = normalizeIssue(issue, fieldIds, categories);
    const [children, worklogs, versions] = await Promise.all([
      needsChildren(enforced)
        ? searchAllIssues(client, { jql: `parent = ${issue.key}`, fields: issueFieldsFor(fieldIds) }, metricIssueSchema).then((found) => found.map((child) => normalizeIssue(child, fieldIds, categories)))
        : Promise.resolve<WorkItem[]>([]),
      needsWorklogs(enforced)
        ? issueWorklogs(client, issue.key).then((found) => found.map((worklog) => normalizeWorklog(worklog, issue.key, issue.id)))
        : Promise.resolve<Worklog[]>([]),
      needsVersions(enforced) ? getProjectVersions(client, project.key).then((found) => found.map(normalizeVersion)) : Promise.resolve([]),
    ]);
    const data: ProjectData = {
      key: project.key,
      name: project.name ?? project.key,
      portfolio: project.projectCategory?.name ?? null,
      createdMs: item.createdMs,
      items: [item, ...children],
      worklogs,
      versions,
    };
    const verdict = checkTransition(item, targetCategory, target.name ?? `status ${target.id}`, data, enforced, nowMs, settings.timeZone);
    return verdict.allowed ? { result: true } : { result: false, errorMessage: verdict.message };
  } catch (error) {
    console.warn(`pmo-gate: could not check ${named.key} moving to status ${transition.to.id}: ${String(error)}`);
    return couldNotCheck(error instanceof Error && /\b404\b|not found/i.test(error.message) ? 'Jira did not let the app read the issue' : 'the settings or the issue could not be read');
  }
}
