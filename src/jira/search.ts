import { route } from '@forge/api';
import { z } from 'zod';
import type { JiraClient } from './client';

const countSchema = z.object({ count: z.number().int().nonnegative() });

/** Jira's approximate count of the issues a JQL matches (exact for recently indexed data). */
export async function countIssues(client: JiraClient, jql: string): Promise<number> {
  const answer = await client.post(route`/rest/api/3/search/approximate-count`, { jql }, countSchema);
  return answer.count;
}

export const searchPageSchema = <F extends z.ZodType>(fields: F) =>
  z.object({
    issues: z.array(z.object({ id: z.string(), key: z.string().optional(), fields })),
    nextPageToken: z.string().optional(),
    isLast: z.boolean().optional(),
  });

export interface SearchPageRequest {
  jql: string;
  fields: string[];
  maxResults: number;
  nextPageToken?: string;
}

/** One page of `search/jql`; pass the answer's nextPageToken back for the next one. */
export function searchIssuesPage<F extends z.ZodType>(client: JiraClient, request: SearchPageRequest, fields: F) {
  return client.post(route`/rest/api/3/search/jql`, request, searchPageSchema(fields));
}

/**
 * Quotes a value for JQL. Values come from Jira answers or validated payloads; quoting still keeps a
 * value with spaces or reserved words from changing the query.
 */
export function jqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
