/**
 * Frozen status reports: each record holds the whole report as it was (every project's part, the config,
 * the day), under the macro's own id, and never changes afterwards. A record's content is split into
 * values of at most RECORD_CHUNK_CHARS (`report:{localId}:{recordId}:{n}`), written before the record's
 * head (entity `status-report-record`), so a reader that finds the head always finds every chunk.
 * Records are kept until the macro is gone; re-freezing adds a record and keeps the earlier ones.
 */
import { kvs, WhereConditions } from '@forge/kvs';
import type { ReportProjectPart, StatusReportConfig, StatusReportRecordRef } from '../shared/contract';

export const REPORT_RECORD_ENTITY = 'status-report-record';
/** Far under Forge's 240 KiB a value: JSON text counts up to 4 bytes a character. */
const RECORD_CHUNK_CHARS = 48_000;
const QUERY_LIMIT = 100;

/** What a record keeps: enough to assemble the report again for any viewer, exactly as it was. */
export interface FrozenContent {
  asOfDay: string;
  generatedAtMs: number;
  config: StatusReportConfig;
  parts: ReportProjectPart[];
  currency: string | null;
}

interface RecordHead {
  localId: string;
  recordId: string;
  asOfDay: string;
  frozenAtMs: number;
  frozenBy: string;
  chunkCount: number;
}

/** Confluence's localIds are UUIDs; anything else would be a bug upstream. */
export const localIdSchemaPattern = /^[A-Za-z0-9._-]{1,128}$/;

function checkLocalId(localId: string): void {
  if (!localIdSchemaPattern.test(localId)) throw new Error(`not a macro id: ${localId.slice(0, 130)}`);
}

const heads = () => kvs.entity<RecordHead>(REPORT_RECORD_ENTITY);
const chunkKey = (localId: string, recordId: string, index: number) => `report:${localId}:${recordId}:${index}`;
const refOf = (head: RecordHead): StatusReportRecordRef => ({ id: head.recordId, asOfDay: head.asOfDay, frozenAt: new Date(head.frozenAtMs).toISOString() });

export async function saveRecord(localId: string, recordId: string, content: FrozenContent, frozenBy: string, frozenAtMs: number): Promise<StatusReportRecordRef> {
  checkLocalId(localId);
  const text = JSON.stringify(content);
  const chunkCount = Math.max(1, Math.ceil(text.length / RECORD_CHUNK_CHARS));
  for (let index = 0; index < chunkCount; index++) {
    await kvs.set(chunkKey(localId, recordId, index), text.slice(index * RECORD_CHUNK_CHARS, (index + 1) * RECORD_CHUNK_CHARS));
  }
  const head: RecordHead = { localId, recordId, asOfDay: content.asOfDay, frozenAtMs, frozenBy, chunkCount };
  await heads().set(`${localId}#${recordId}`, head);
  return refOf(head);
}

/** The macro's records, newest first. */
export async function listRecords(localId: string): Promise<StatusReportRecordRef[]> {
  checkLocalId(localId);
  const found: RecordHead[] = [];
  let cursor: string | undefined;
  do {
    let query = heads().query().index('by-macro', { partition: [localId] }).where(WhereConditions.greaterThan(0)).limit(QUERY_LIMIT);
    if (cursor) query = query.cursor(cursor);
    const page = await query.getMany();
    found.push(...page.results.map((result) => result.value));
    cursor = page.nextCursor;
  } while (cursor);
  return found.sort((a, b) => b.frozenAtMs - a.frozenAtMs).map(refOf);
}

/** A record's content as it was frozen; undefined when the macro has no such record. */
export async function readRecord(localId: string, recordId: string): Promise<FrozenContent | undefined> {
  checkLocalId(localId);
  const head = await heads().get(`${localId}#${recordId}`);
  if (!head) return undefined;
  const chunks = await Promise.all(Array.from({ length: head.chunkCount }, (_, index) => kvs.get<string>(chunkKey(localId, recordId, index))));
  if (chunks.some((chunk) => typeof chunk !== 'string')) throw new Error(`status report record ${recordId} of ${localId} is missing a part`);
  return JSON.parse(chunks.join('')) as FrozenContent;
}
