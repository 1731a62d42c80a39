/**
 * Resolver of the project page (jira:projectPage): the project health view of the project the page is
 * opened in. The portfolio page's drill-down serves the same read (projectHealth below).
 */
import type { Request } from '@forge/resolver';
import { z } from 'zod';
import { jiraAsUser } from '../../jira/forge';
import { projectKeySchema } from '../../jira/projects';
import type { Answer, ProjectHealthRequest, ProjectHealthView, ProjectPageResolvers } from '../../shared/contract';
import { answered, ResolverFailure } from '../envelope';
import { surfaceResolver } from '../surface';
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

export const projectPage = surfaceResolver<ProjectPageResolvers>({ 'project/health': projectHealth });

export const handler = projectPage.handler;
