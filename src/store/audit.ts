/**
 * The audit log of settings and budget changes: who, when, what, old value, new value. Append-only
 * in the `audit-entry` custom entity (manifest.yml app.storage.entities, docs/settings.md): this module
 * has no update and no delete, entries are written with FAIL_IF_EXISTS under keys that are never
 * reused, and nothing expires (Forge keeps values without a TTL), so the log outlives the two years it
 * must keep.
 */
import { randomUUID } from 'node:crypto';
import { Filter, FilterConditions, kvs, Sort, WhereConditions } from '@forge/kvs';
import type { EntityQueryBuilder } from '@forge/kvs/out/interfaces/entity-query';
import { stringify } from 'csv-stringify/sync';

export const AUDIT_ENTITY = 'audit-entry';
/** Entries are kept at least this long; this module never deletes one. */
export const AUDIT_RETENTION_DAYS = 731;
/** Forge's largest query page. */
const QUERY_LIMIT = 100;
/** A CSV export stops here and says so, to stay inside a resolver's 25 s. */
export const AUDIT_CSV_MAX_ROWS = 20_000;

export type AuditKind = 'settings' | 'budget';

export interface AuditEntry {
  actorAccountId: string;
  atMs: number;
  kind: AuditKind;
  projectKey: string | null;
  issueKey: string | null;
  /** What changed, as a path in the settings document (`rates.siteDefault`) or a field (`Planned budget`). */
  path: string;
  oldValue: unknown;
  newValue: unknown;
}

/** As stored: index partitions cannot be null, so "no project" is ''; JSON values keep undefined as null. */
interface StoredAuditEntry {
  actorAccountId: string;
  atMs: number;
  kind: AuditKind;
  projectKey: string;
  issueKey: string;
  path: string;
  oldValue: unknown;
  newValue: unknown;
}

export interface AuditQuery {
  accountId?: string;
  projectKey?: string;
  /** UTC days, both included. */
  fromDay?: string;
  toDay?: string;
  cursor?: string;
  /** 1..100, default 50. */
  limit?: number;
}

export interface AuditPage {
  /** Newest first. */
  entries: AuditEntry[];
  /** Set when there may be more: pass it back for the next page. */
  nextCursor: string | null;
}

const entries = () => kvs.entity<StoredAuditEntry>(AUDIT_ENTITY);

/** Unique and in time order: the instant, then a random tail (never reused, so never overwritten). */
const entryKey = (atMs: number): string => `${String(Math.trunc(atMs)).padStart(15, '0')}#${randomUUID()}`;

const stored = (entry: AuditEntry): StoredAuditEntry => ({
  actorAccountId: entry.actorAccountId,
  atMs: entry.atMs,
  kind: entry.kind,
  projectKey: entry.projectKey ?? '',
  issueKey: entry.issueKey ?? '',
  path: entry.path,
  oldValue: entry.oldValue === undefined ? null : entry.oldValue,
  newValue: entry.newValue === undefined ? null : entry.newValue,
});

const read = (entry: StoredAuditEntry): AuditEntry => ({
  actorAccountId: entry.actorAccountId,
  atMs: entry.atMs,
  kind: entry.kind,
  projectKey: entry.projectKey === '' ? null : entry.projectKey,
  issueKey: entry.issueKey === '' ? null : entry.issueKey,
  path: entry.path,
  oldValue: entry.oldValue ?? null,
  newValue: entry.newValue ?? null,
});

/** Appends entries; an entry is never changed or removed afterwards. */
export async function appendAudit(newEntries: readonly AuditEntry[]): Promise<void> {
  // A few at a time: a settings import can change hundreds of paths.
  for (let start = 0; start < newEntries.length; start += 10) {
    await Promise.all(
      newEntries.slice(start, start + 10).map((entry) => entries().set(entryKey(entry.atMs), stored(entry), { keyPolicy: 'FAIL_IF_EXISTS' })),
    );
  }
}

const MS_PER_DAY = 86_400_000;
const dayStartMs = (day: string): number => Date.parse(`${day}T00:00:00Z`);

/** The time range of a query as an index range condition, or none. */
function timeRange(query: AuditQuery) {
  const from = query.fromDay === undefined ? 0 : dayStartMs(query.fromDay);
  const to = query.toDay === undefined ? Number.MAX_SAFE_INTEGER : dayStartMs(query.toDay) + MS_PER_DAY - 1;
  if (query.fromDay === undefined && query.toDay === undefined) return null;
  return WhereConditions.between(from, to);
}

/**
 * Newest first, filtered by person, project and UTC days. The narrowest index serves the query
 * (person, else project, else time) and a filter the rest; a page may then hold fewer than `limit`
 * entries with a cursor for more, as Forge filters after it reads a page.
 */
export async function queryAudit(query: AuditQuery): Promise<AuditPage> {
  const limit = Math.min(QUERY_LIMIT, Math.max(1, query.limit ?? 50));
  const range = timeRange(query);
  let builder: EntityQueryBuilder<StoredAuditEntry>;
  if (query.accountId !== undefined) {
    builder = entries().query().index('by-actor', { partition: [query.accountId] });
    if (query.projectKey !== undefined) builder = builder.filters(new Filter<StoredAuditEntry>().and('projectKey', FilterConditions.equalTo(query.projectKey)));
  } else if (query.projectKey !== undefined) {
    builder = entries().query().index('by-project', { partition: [query.projectKey] });
  } else {
    builder = entries().query().index('atMs');
  }
  if (range) builder = builder.where(range);
  builder = builder.sort(Sort.DESC).limit(limit);
  if (query.cursor) builder = builder.cursor(query.cursor);
  const page = await builder.getMany();
  return { entries: page.results.map((result) => read(result.value)), nextCursor: page.nextCursor ?? null };
}

export const AUDIT_CSV_COLUMNS = ['when', 'person', 'kind', 'project', 'issue', 'what', 'old value', 'new value'] as const;

const cell = (value: unknown): string => (value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value));

/** Every entry a query matches, newest first, up to AUDIT_CSV_MAX_ROWS (`truncated` says when there were more). */
export async function allAuditEntries(query: Omit<AuditQuery, 'cursor' | 'limit'>): Promise<{ entries: AuditEntry[]; truncated: boolean }> {
  const found: AuditEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await queryAudit({ ...query, limit: QUERY_LIMIT, ...(cursor ? { cursor } : {}) });
    found.push(...page.entries);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && found.length < AUDIT_CSV_MAX_ROWS);
  return { entries: found.slice(0, AUDIT_CSV_MAX_ROWS), truncated: found.length > AUDIT_CSV_MAX_ROWS || cursor !== undefined };
}

/** Entries as CSV, one row each, values as JSON; `displayName` names the people; a last line says when the export stopped. */
export function auditCsvText(entries: readonly AuditEntry[], displayName: (accountId: string) => string = (id) => id, truncated = false): string {
  const rows = entries.map((entry) => [
    new Date(entry.atMs).toISOString(),
    displayName(entry.actorAccountId),
    entry.kind,
    entry.projectKey ?? '',
    entry.issueKey ?? '',
    entry.path,
    cell(entry.oldValue),
    cell(entry.newValue),
  ]);
  if (truncated) rows.push([`(stopped after ${AUDIT_CSV_MAX_ROWS.toLocaleString('en-US')} entries: narrow the filters for the rest)`, '', '', '', '', '', '', '']);
  return stringify(rows, { header: true, columns: [...AUDIT_CSV_COLUMNS] });
}
