import { route } from '@forge/api';
import { z } from 'zod';
import type { JiraClient } from './client';
import { userSchema } from './users';

export const projectKeySchema = z.string().regex(/^[A-Z][A-Z0-9_]{1,9}$/, 'a Jira project key');

export const projectSchema = z.object({
  id: z.string().min(1),
  key: projectKeySchema,
  name: z.string(),
  lead: userSchema.optional(),
  projectCategory: z.object({ id: z.string(), name: z.string() }).optional(),
});
export type JiraProject = z.output<typeof projectSchema>;

const projectPageSchema = z.object({
  values: z.array(projectSchema),
  isLast: z.boolean().optional(),
  startAt: z.number().int().optional(),
  maxResults: z.number().int().optional(),
  total: z.number().int().optional(),
});

/** Jira serves at most 100 projects a page. */
const PROJECT_PAGE_SIZE = 100;

/** Every project the client may browse (Jira filters by the caller's permissions), paged with startAt. */
export async function searchAllProjects(client: JiraClient): Promise<JiraProject[]> {
  const projects: JiraProject[] = [];
  for (let startAt = 0; ; ) {
    const page = await client.get(
      route`/rest/api/3/project/search?expand=${'lead,description'}&orderBy=${'key'}&startAt=${startAt}&maxResults=${PROJECT_PAGE_SIZE}`,
      projectPageSchema,
    );
    projects.push(...page.values);
    startAt += page.values.length;
    // isLast is documented; a page without it ends when it comes back short.
    if (page.isLast ?? page.values.length < PROJECT_PAGE_SIZE) return projects;
    if (page.values.length === 0) return projects;
  }
}
