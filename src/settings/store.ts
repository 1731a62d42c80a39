/**
 * The one owner of the PMO's settings in Forge KVS (key space `settings:`, docs/settings.md):
 *
 * - `settings:v:{n}`: version n of the document, written once (FAIL_IF_EXISTS) and never changed, so
 *   every save is kept and two saves can never both become version n;
 * - `settings:current`: the latest version number, a pointer readers start from (a reader also looks
 *   past it, so a pointer left behind by a slow writer is harmless);
 * - `settings:group-members`: the members of the Jira groups the rates name, as Jira last listed them.
 *
 * A save names the version it was read at and is refused, with the current version, when another save
 * came first (optimistic concurrency). Every accepted save is audited path by path.
 */
import { kvs } from '@forge/kvs';
import { appendAudit } from '../store/audit';
import { affectedProjects, settingsChanges, type SettingsChange } from './diff';
import { defaultSettingsDocument, parseSettingsDocument, type SettingsDocument } from './schema';

import type { PortfolioSettings, ProjectSettings } from '../metrics/settings';
import { portfolioSettingsFor, projectSettingsFor } from './mapping';

export { portfolioSettingsFor, projectSettingsFor, type ProjectSettingsExtras } from './mapping';

const CURRENT_KEY = 'settings:current';
const versionKey = (version: number): string => `settings:v:${version}`;
const GROUP_MEMBERS_KEY = 'settings:group-members';
/** Under Forge's 240 KiB a value, with room for the record around the document. */
export const MAX_DOCUMENT_BYTES = 200 * 1024;

export interface StoredSettings {
  /** 0 before the first save: the product's defaults. */
  version: number;
  document: SettingsDocument;
}

interface VersionRecord {
  version: number;
  document: unknown;
  savedAtMs: number;
  savedBy: string;
}

async function latestVersion(): Promise<{ version: number; record: VersionRecord | null }> {
  const pointer = (await kvs.get<{ version: number }>(CURRENT_KEY))?.version ?? 0;
  let version = pointer;
  let record = version === 0 ? null : ((await kvs.get<VersionRecord>(versionKey(version))) ?? null);
  // A save that wrote its version but not yet the pointer: the newer version is the current one.
  for (;;) {
    const next = await kvs.get<VersionRecord>(versionKey(version + 1));
    if (!next) break;
    version += 1;
    record = next;
  }
  return { version, record };
}

/** The current document (defaults filled in for sections added since it was saved) and its version. */
export async function getSettings(): Promise<StoredSettings> {
  const { version, record } = await latestVersion();
  if (!record) return { version: 0, document: defaultSettingsDocument() };
  const parsed = parseSettingsDocument(record.document);
  // Stored documents were valid when saved: failing now is a product bug, never a reason to guess.
  if (!parsed.ok) throw new Error(`Stored settings version ${version} no longer reads: ${parsed.problems.join('; ')}`);
  return { version, document: parsed.document };
}

export interface SaveOptions {
  /** The version the document was read at. */
  expectedVersion: number;
  actorAccountId: string;
  nowMs: number;
}

export type SaveOutcome =
  | {
      status: 'saved';
      version: number;
      document: SettingsDocument;
      changes: SettingsChange[];
      /** Projects whose figures must be recomputed ('all' for a site-wide change). */
      affected: 'all' | string[];
    }
  /** Nothing was stored: every problem, naming its path. */
  | { status: 'invalid'; problems: string[] }
  /** Nothing was stored: another save came first; the current settings to start again from. */
  | { status: 'stale'; current: StoredSettings }
  /** The document equals the current one: no new version, nothing audited. */
  | { status: 'unchanged'; version: number; document: SettingsDocument };

const isKeyExists = (error: unknown): boolean => typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'KEY_ALREADY_EXISTS';

/**
 * Validates the whole document, then stores it as the next version if `expectedVersion` is still the
 * current one, then audits each changed path. A refused save stores nothing.
 */
export async function saveSettings(next: unknown, options: SaveOptions): Promise<SaveOutcome> {
  const parsed = parseSettingsDocument(next);
  if (!parsed.ok) return { status: 'invalid', problems: parsed.problems };
  const bytes = Buffer.byteLength(JSON.stringify(parsed.document), 'utf8');
  if (bytes > MAX_DOCUMENT_BYTES) {
    return { status: 'invalid', problems: [`(the document): is ${Math.ceil(bytes / 1024)} KB, more than the ${MAX_DOCUMENT_BYTES / 1024} KB settings can hold`] };
  }
  const current = await getSettings();
  if (current.version !== options.expectedVersion) return { status: 'stale', current };
  const changes = settingsChanges(current.document, parsed.document);
  if (changes.length === 0) return { status: 'unchanged', version: current.version, document: current.document };

  const version = current.version + 1;
  const record: VersionRecord = { version, document: parsed.document, savedAtMs: options.nowMs, savedBy: options.actorAccountId };
  try {
    await kvs.set(versionKey(version), record, { keyPolicy: 'FAIL_IF_EXISTS' });
  } catch (error) {
    if (isKeyExists(error)) return { status: 'stale', current: await getSettings() };
    throw error;
  }
  await kvs.set(CURRENT_KEY, { version });
  await appendAudit(
    changes.map((change) => ({
      actorAccountId: options.actorAccountId,
      atMs: options.nowMs,
      kind: 'settings' as const,
      projectKey: change.projectKey,
      issueKey: null,
      path: change.path,
      oldValue: change.oldValue,
      newValue: change.newValue,
    })),
  );
  return { status: 'saved', version, document: parsed.document, changes, affected: affectedProjects(changes) };
}

export interface GroupMembers {
  /** Group name -> member account ids. */
  byGroup: Record<string, string[]>;
  readAtMs: number;
}

/** The members of the rate groups as last read from Jira; none before the first read. */
export async function getGroupMembers(): Promise<GroupMembers> {
  return (await kvs.get<GroupMembers>(GROUP_MEMBERS_KEY)) ?? { byGroup: {}, readAtMs: 0 };
}

export async function setGroupMembers(members: GroupMembers): Promise<void> {
  await kvs.set(GROUP_MEMBERS_KEY, members);
}

/** The document and the group membership its rates need: everything the figures are computed under. */
export interface SettingsInForce extends StoredSettings {
  groupMembers: GroupMembers;
}

/** Two or three small reads: the sync's finish and the resolvers call it once per invocation. */
export async function settingsInForce(): Promise<SettingsInForce> {
  const [stored, groupMembers] = await Promise.all([getSettings(), getGroupMembers()]);
  return { ...stored, groupMembers };
}

/** A project's engine settings under the settings in force. */
export function projectSettingsIn(settings: SettingsInForce, projectKey: string, portfolio: string | null): ProjectSettings {
  return projectSettingsFor(settings.document, projectKey, { groupMembers: settings.groupMembers.byGroup, portfolio });
}

export function portfolioSettingsIn(settings: SettingsInForce): PortfolioSettings {
  return portfolioSettingsFor(settings.document);
}

/** One project's engine settings, read now. */
export async function currentProjectSettings(projectKey: string, portfolio: string | null): Promise<ProjectSettings> {
  return projectSettingsIn(await settingsInForce(), projectKey, portfolio);
}
