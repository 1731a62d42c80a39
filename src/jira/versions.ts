import { route } from '@forge/api';
import { z } from 'zod';
import type { JiraClient } from './client';

/** Version. releaseDate is a calendar day (YYYY-MM-DD), absent when the version has none. */
export const versionSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  released: z.boolean().optional().default(false),
  archived: z.boolean().optional().default(false),
  releaseDate: z
    .string()
    .nullish()
    .transform((value) => value ?? null),
  startDate: z
    .string()
    .nullish()
    .transform((value) => value ?? null),
});
export type JiraVersion = z.output<typeof versionSchema>;

const versionPageSchema = z.object({
  values: z.array(versionSchema).default([]),
  isLast: z.boolean().optional(),
  startAt: z.number().int().optional(),
  total: z.number().int().optional(),
});

/** Jira's default page is 50; asking for more is allowed, and paging copes if it serves fewer. */
const VERSION_PAGE_SIZE = 100;

/** Every version of a project (archived ones included), from the paged project/{key}/version. */
export async function getProjectVersions(client: JiraClient, projectIdOrKey: string): Promise<JiraVersion[]> {
  const versions: JiraVersion[] = [];
  for (let startAt = 0; ; ) {
    const page = await client.get(
      route`/rest/api/3/project/${projectIdOrKey}/version?startAt=${startAt}&maxResults=${VERSION_PAGE_SIZE}&orderBy=${'sequence'}`,
      versionPageSchema,
    );
    versions.push(...page.values);
    startAt += page.values.length;
    if (page.values.length === 0) return versions;
    if (page.isLast ?? (page.total !== undefined ? startAt >= page.total : page.values.length < VERSION_PAGE_SIZE)) return versions;
  }
}
