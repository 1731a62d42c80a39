import { route } from '@forge/api';
import { z } from 'zod';
import type { JiraClient } from './client';

const orNull = z
  .string()
  .nullish()
  .transform((value) => value ?? null);

/**
 * ChangeDetails. Jira leaves out from/to when they are empty (the spec types them as plain strings), so
 * missing and null read alike. fromString/toString are not read: `from`/`to` carry ids and ISO dates.
 */
export const changeItemSchema = z.object({
  field: z.string().optional(),
  fieldId: z.string().optional(),
  fieldtype: z.string().optional(),
  from: orNull,
  to: orNull,
});
export type JiraChangeItem = z.output<typeof changeItemSchema>;

/** Changelog: one change history (one edit, possibly of several fields). */
export const changeHistorySchema = z.object({
  id: z.string(),
  created: z.string(),
  author: z.object({ accountId: z.string() }).optional(),
  items: z.array(changeItemSchema).default([]),
});
export type JiraChangeHistory = z.output<typeof changeHistorySchema>;

const bulkAnswerSchema = z.object({
  issueChangeLogs: z.array(z.object({ issueId: z.string(), changeHistories: z.array(changeHistorySchema).default([]) })).default([]),
  nextPageToken: z.string().optional(),
});

/** The spec's BulkChangelogRequestBean limits. */
export const BULK_CHANGELOG_MAX_ISSUES = 1000;
export const BULK_CHANGELOG_MAX_FIELDS = 10;
export const BULK_CHANGELOG_MAX_RESULTS = 10_000;

/**
 * The change histories of any number of issues (by id), for the given fields only, oldest first per
 * issue. Issues go 1000 to a request; each batch is paged with nextPageToken. An issue without
 * histories (or that the caller cannot browse) is absent from the map.
 */
export async function bulkFetchChangelogs(
  client: JiraClient,
  issueIds: readonly string[],
  fieldIds: readonly string[],
): Promise<Map<string, JiraChangeHistory[]>> {
  if (fieldIds.length > BULK_CHANGELOG_MAX_FIELDS) throw new Error(`changelog/bulkfetch takes at most ${BULK_CHANGELOG_MAX_FIELDS} field ids`);
  const histories = new Map<string, JiraChangeHistory[]>();
  const unique = [...new Set(issueIds)];
  for (let start = 0; start < unique.length; start += BULK_CHANGELOG_MAX_ISSUES) {
    const batch = unique.slice(start, start + BULK_CHANGELOG_MAX_ISSUES);
    for (let nextPageToken: string | undefined; ; ) {
      const page = await client.post(
        route`/rest/api/3/changelog/bulkfetch`,
        {
          issueIdsOrKeys: batch,
          ...(fieldIds.length > 0 ? { fieldIds } : {}),
          maxResults: BULK_CHANGELOG_MAX_RESULTS,
          ...(nextPageToken ? { nextPageToken } : {}),
        },
        bulkAnswerSchema,
      );
      // One issue's histories may run over a page boundary: append, never replace.
      for (const entry of page.issueChangeLogs) {
        const list = histories.get(entry.issueId);
        if (list) list.push(...entry.changeHistories);
        else histories.set(entry.issueId, [...entry.changeHistories]);
      }
      if (page.nextPageToken === undefined || page.nextPageToken === nextPageToken) break;
      nextPageToken = page.nextPageToken;
    }
  }
  return histories;
}
