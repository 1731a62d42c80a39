import { route } from '@forge/api';
import { z } from 'zod';
import type { JiraClient } from './client';
import { JiraBadRequestError } from './errors';

/** Jira answers a missing value as null or leaves the key out; both read as null. */
const orNull = <T extends z.ZodType>(schema: T) => schema.nullish().transform((value): z.output<T> | null => value ?? null);
const orEmpty = <T extends z.ZodType>(schema: T) => z.array(schema).nullish().transform((value): z.output<T>[] => value ?? []);

/** StatusDetails: the category is what the metrics read; `key` is new, indeterminate or done. */
export const statusSchema = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  statusCategory: z.object({ key: z.string() }).optional(),
});
export type JiraStatus = z.output<typeof statusSchema>;

/** LinkedIssue: another issue as it appears in `parent` and `issuelinks`, with its status when Jira sends it. */
export const linkedIssueSchema = z.object({
  id: z.string().optional(),
  key: z.string().min(1),
  fields: z.object({ status: statusSchema.optional() }).optional(),
});

/** IssueLink as Jira answers it from one issue: the type and exactly one side, the other issue. */
export const issueLinkSchema = z.object({
  id: z.string().optional(),
  type: z.object({ name: z.string(), inward: z.string().optional(), outward: z.string().optional() }),
  inwardIssue: linkedIssueSchema.optional(),
  outwardIssue: linkedIssueSchema.optional(),
});
export type JiraIssueLink = z.output<typeof issueLinkSchema>;

/**
 * The fields the metrics read. Loose: the custom fields (whose ids differ by site) stay in the object
 * as unknown values and are checked where they are read. Only what every issue has is required.
 */
export const metricIssueFieldsSchema = z.looseObject({
  summary: orNull(z.string()).transform((value) => value ?? ''),
  /** An ADF document (null when empty); only whether it holds any text is kept. */
  description: z.unknown().optional(),
  issuetype: z.object({
    id: z.string().optional(),
    name: z.string(),
    hierarchyLevel: z.number().int().optional(),
    subtask: z.boolean().optional(),
  }),
  status: statusSchema,
  priority: orNull(z.object({ name: z.string() })),
  parent: orNull(linkedIssueSchema),
  assignee: orNull(z.object({ accountId: z.string().min(1) })),
  created: z.string(),
  updated: z.string(),
  resolutiondate: orNull(z.string()),
  duedate: orNull(z.string()),
  timeoriginalestimate: orNull(z.number()),
  timeestimate: orNull(z.number()),
  timespent: orNull(z.number()),
  issuelinks: orEmpty(issueLinkSchema),
  fixVersions: orEmpty(z.object({ id: z.string().min(1), name: z.string().optional() })),
});
export type JiraIssueFields = z.output<typeof metricIssueFieldsSchema>;

export const metricIssueSchema = z.object({ id: z.string().min(1), key: z.string().min(1), fields: metricIssueFieldsSchema });
export type JiraIssue = z.output<typeof metricIssueSchema>;

/** search/jql's page caps: 5000 issues when only ids or keys are asked for, else 100. */
export const SEARCH_MAX_ID_ONLY = 5000;
export const SEARCH_MAX_WITH_FIELDS = 100;

/** The largest page Jira serves for these fields (no fields means Jira's default, id only). */
export function maxPageSize(fields: readonly string[]): number {
  return fields.every((field) => field === 'id' || field === 'key') ? SEARCH_MAX_ID_ONLY : SEARCH_MAX_WITH_FIELDS;
}

export interface IssueSearch {
  jql: string;
  fields: readonly string[];
  /** Defaults to, and is capped at, maxPageSize(fields). */
  pageSize?: number;
  /**
   * Where to resume: a page token a job checkpointed in an earlier invocation (null or absent: from
   * the start). Jira may refuse a token that has expired; the search then starts over, which callers
   * that merge by id can afford.
   */
  from?: string | null;
}

export interface IssuePage<T> {
  issues: T[];
  /** The token of the page after this one; null on the last page. */
  nextPageToken: string | null;
}

const pageSchema = <S extends z.ZodType>(issue: S) =>
  z.object({
    issues: z.array(issue),
    nextPageToken: z.string().optional(),
    isLast: z.boolean().optional(),
  });

/**
 * search/jql page by page, following nextPageToken; each page's issues are checked against `issue`.
 * The one search pager of the app: every read of issues goes through it.
 */
export async function* searchIssuePages<S extends z.ZodType>(client: JiraClient, search: IssueSearch, issue: S): AsyncGenerator<IssuePage<z.output<S>>> {
  const cap = maxPageSize(search.fields);
  const maxResults = Math.max(1, Math.min(search.pageSize ?? cap, cap));
  const schema = pageSchema(issue);
  const read = (nextPageToken: string | null) =>
    client.post(route`/rest/api/3/search/jql`, { jql: search.jql, fields: search.fields, maxResults, ...(nextPageToken !== null ? { nextPageToken } : {}) }, schema);
  let token = search.from ?? null;
  let page: z.output<ReturnType<typeof pageSchema<S>>>;
  try {
    page = await read(token);
  } catch (error) {
    // Only a token kept from an earlier invocation may have expired; one Jira just gave us may not.
    if (!(error instanceof JiraBadRequestError) || token === null) throw error;
    token = null;
    page = await read(token);
  }
  for (;;) {
    // isLast is documented; without it the token alone says whether more follow.
    const last = page.isLast === true || page.nextPageToken === undefined;
    const nextPageToken = last ? null : (page.nextPageToken ?? null);
    yield { issues: page.issues, nextPageToken };
    if (nextPageToken === null) return;
    page = await read(nextPageToken);
  }
}

/** Every issue the JQL matches, all pages collected. */
export async function searchAllIssues<S extends z.ZodType>(client: JiraClient, search: IssueSearch, issue: S): Promise<z.output<S>[]> {
  const issues: z.output<S>[] = [];
  for await (const page of searchIssuePages(client, search, issue)) issues.push(...page.issues);
  return issues;
}
