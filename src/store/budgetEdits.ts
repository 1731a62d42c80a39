/**
 * The edits of the budget fields, one numbered record per accepted edit of an item's field. Numbers
 * are taken with FAIL_IF_EXISTS writes, so of two editors who read the same value only the first
 * gets the next number: the other is told of the conflict and nothing of theirs is written. The
 * newest record is the field's current value; an item never edited has Jira's value.
 */
import { kvs } from '@forge/kvs';
import type { BudgetField } from '../shared/contract';

export interface BudgetEditRecord {
  seq: number;
  field: BudgetField;
  oldValue: number | null;
  newValue: number | null;
  actorAccountId: string;
  atMs: number;
}

const recordKey = (issueId: string, field: BudgetField, seq: number): string => `budget-edit:${issueId}:${field}:${seq}`;
const headKey = (issueId: string, field: BudgetField): string => `budget-head:${issueId}:${field}`;

const isKeyExists = (error: unknown): boolean => typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'KEY_ALREADY_EXISTS';

/** The newest accepted edit of the field; null when it was never edited through the app. */
export async function latestBudgetEdit(issueId: string, field: BudgetField): Promise<BudgetEditRecord | null> {
  let seq = (await kvs.get<{ seq: number }>(headKey(issueId, field)))?.seq ?? 0;
  let record = seq === 0 ? null : ((await kvs.get<BudgetEditRecord>(recordKey(issueId, field, seq))) ?? null);
  // The head is moved after the record is written: records past it are newer still.
  for (;;) {
    const next = await kvs.get<BudgetEditRecord>(recordKey(issueId, field, seq + 1));
    if (!next) return record;
    seq += 1;
    record = next;
  }
}

/**
 * Takes the number after `after` (the record the editor's value was read from; 0 for none) for the
 * edit. False when someone took it first: the edit conflicts and nothing was written.
 */
export async function claimBudgetEdit(issueId: string, edit: Omit<BudgetEditRecord, 'seq'>, after: number): Promise<BudgetEditRecord | null> {
  const record: BudgetEditRecord = { ...edit, seq: after + 1 };
  try {
    await kvs.set(recordKey(issueId, edit.field, record.seq), record, { keyPolicy: 'FAIL_IF_EXISTS' });
  } catch (error) {
    if (isKeyExists(error)) return null;
    throw error;
  }
  // Only forward: a slower writer of an older number never moves the head back past a newer one.
  const head = (await kvs.get<{ seq: number }>(headKey(issueId, edit.field)))?.seq ?? 0;
  if (head < record.seq) await kvs.set(headKey(issueId, edit.field), { seq: record.seq });
  return record;
}
