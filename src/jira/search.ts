import { route } from '@forge/api';
import { z } from 'zod';
import type { JiraClient } from './client';

const countSchema = z.object({ count: z.number().int().nonnegative() });

/** Jira's approximate count of the issues a JQL matches (exact for recently indexed data). */
export async function countIssues(client: JiraClient, jql: string): Promise<number> {
  const answer = await client.post(route`/rest/api/3/search/approximate-count`, { jql }, countSchema);
  return answer.count;
}

/**
 * Quotes a value for JQL. Values come from Jira answers or validated payloads; quoting still keeps a
 * value with spaces or reserved words from changing the query.
 */
export function jqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
