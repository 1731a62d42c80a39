/**
 * Resolver of the project page (jira:projectPage): the project health view of the project the page is
 * opened in. The portfolio page's drill-down serves the same read (projectHealth below).
 */
import type { Request } from '@forge/resolver';
import { z } from 'zod';
import { jiraAsUser } from '../../jira/forge';
import { projectKeySchema } from '../../jira/projects';
import type { Answer, ProjectHealthRequest, ProjectHealthView, ProjectPageResolvers } from '../../shared/contract';
import type { ChooseBaselineRequest, DeleteBaselineRequest, ProjectBaselinesRequest, SetBaselineRequest } from '../../shared/contract';
import { baselineSchema, daySchema } from '../../settings/schema';
import { answered, ResolverFailure, type Caller } from '../envelope';
import { surfaceResolver } from '../surface';
import { chooseBaseline, deleteBaseline, readBaselines, setBaseline } from './baselines';
import { readProjectHealth } from './health';

export const projectHealthRequestSchema: z.ZodType<ProjectHealthRequest> = z.strictObject({ projectKey: projectKeySchema });

/** The project a module is opened in, as the platform's context names it (never the payload's word). */
function contextProject(request: Request): string | null {
  const extension = (request.context as { extension?: { project?: { key?: unknown } } }).extension;
  return typeof extension?.project?.key === 'string' ? extension.project.key : null;
}

/**
 * The health view of payload.projectKey. On a module opened in a project (the project page) it must be
 * that project: a page cannot be made to read another one by changing its payload.
 */
export const projectHealth = (request: Request): Promise<Answer<ProjectHealthView>> =>
  answered(projectHealthRequestSchema, (payload) => {
    const opened = contextProject(request);
    if (opened !== null && opened !== payload.projectKey) throw new ResolverFailure('NOT_FOUND', `No synced project with key ${payload.projectKey} that you may browse.`);
    return readProjectHealth(jiraAsUser(), payload.projectKey);
  })(request);

const expectedVersionSchema = z.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must be at least 0');
const baselineIdSchema = baselineSchema.shape.id;

export const baselinesRequestSchema: z.ZodType<ProjectBaselinesRequest> = z.strictObject({ projectKey: projectKeySchema, asOfDay: daySchema.optional() });
export const setBaselineRequestSchema: z.ZodType<SetBaselineRequest> = z.strictObject({
  projectKey: projectKeySchema,
  name: z.string({ error: 'must be text' }).trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  expectedVersion: expectedVersionSchema,
});
export const chooseBaselineRequestSchema: z.ZodType<ChooseBaselineRequest> = z.strictObject({ projectKey: projectKeySchema, id: baselineIdSchema.nullable(), expectedVersion: expectedVersionSchema });
export const deleteBaselineRequestSchema: z.ZodType<DeleteBaselineRequest> = z.strictObject({ projectKey: projectKeySchema, id: baselineIdSchema, expectedVersion: expectedVersionSchema });

/** A baseline call about payload.projectKey, which on the project page must be the project it is opened in. */
function inOpenedProject<P extends { projectKey: string }, T>(schema: z.ZodType<P>, run: (payload: P, caller: Caller) => Promise<T>) {
  return (request: Request): Promise<Answer<T>> =>
    answered(schema, (payload, caller) => {
      const opened = contextProject(request);
      if (opened !== null && opened !== payload.projectKey) throw new ResolverFailure('NOT_FOUND', `No synced project with key ${payload.projectKey} that you may browse.`);
      return run(payload, caller);
    })(request);
}

const baselineDeps = () => ({ user: jiraAsUser(), nowMs: Date.now() });

export const projectBaselines = inOpenedProject(baselinesRequestSchema, (payload, caller) => readBaselines(baselineDeps(), caller.accountId, payload));
export const projectSetBaseline = inOpenedProject(setBaselineRequestSchema, (payload, caller) => setBaseline(baselineDeps(), caller.accountId, payload));
export const projectChooseBaseline = inOpenedProject(chooseBaselineRequestSchema, (payload, caller) => chooseBaseline(baselineDeps(), caller.accountId, payload));
export const projectDeleteBaseline = inOpenedProject(deleteBaselineRequestSchema, (payload, caller) => deleteBaseline(baselineDeps(), caller.accountId, payload));

export const projectPage = surfaceResolver<ProjectPageResolvers>({
  'project/health': projectHealth,
  'project/baselines': projectBaselines,
  'project/setBaseline': projectSetBaseline,
  'project/chooseBaseline': projectChooseBaseline,
  'project/deleteBaseline': projectDeleteBaseline,
});

export const handler = projectPage.handler;
