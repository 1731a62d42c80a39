import { route } from '@forge/api';
import { z } from 'zod';
import type { JiraClient } from './client';

/** permissions/check takes at most 1000 project ids a request. */
const CHECK_MAX_IDS = 1000;

const checkAnswerSchema = z.object({
  projectPermissions: z.array(z.object({ permission: z.string(), projects: z.array(z.number().int()).default([]) })).default([]),
});

/**
 * The ids, among `projectIds`, of the projects the caller may browse: one request per 1000 projects,
 * answered by Jira from the caller's own permissions (call it as the viewer).
 */
export async function browsableProjectIds(client: JiraClient, projectIds: readonly string[]): Promise<Set<string>> {
  const numeric = [...new Set(projectIds)].filter((id) => /^\d+$/.test(id)).map(Number);
  const browsable = new Set<string>();
  for (let start = 0; start < numeric.length; start += CHECK_MAX_IDS) {
    const answer = await client.post(
      route`/rest/api/3/permissions/check`,
      { projectPermissions: [{ permissions: ['BROWSE_PROJECTS'], projects: numeric.slice(start, start + CHECK_MAX_IDS) }] },
      checkAnswerSchema,
    );
    for (const grant of answer.projectPermissions) {
      if (grant.permission === 'BROWSE_PROJECTS') for (const id of grant.projects) browsable.add(String(id));
    }
  }
  return browsable;
}
