/**
 * The settings admin page's reads and writes. Anyone signed in reads the settings (without the
 * projects they may not browse); only Jira administrators and the PMO editor group (src/resolvers/
 * pmoEditors.ts, asked of Jira as the app, against the editor group in force, never the one a save
 * names) save or import them, and read the audit log. A save is validated whole, refused whole,
 * audited path by path, and queues a recompute of the projects it affects, from stored data only.
 */
import { DEFAULT_COMPLIANCE_SETTINGS } from '../../compliance/settings';
import type { JiraClient } from '../../jira/client';
import { jiraAsApp } from '../../jira/forge';
import { groupMemberIds } from '../../jira/groups';
import { browsableProjectIds } from '../../jira/permissions';
import { displayNames } from '../../jira/users';
import { UNNAMED } from '../../metrics/projectView';
import { parseSettingsDocument, type SettingsDocument } from '../../settings/schema';
import { getGroupMembers, getSettings, saveSettings, setGroupMembers } from '../../settings/store';
import type { AuditCsv, AuditFilter, AuditPageView, AuditQueryRequest, SettingsExport, SettingsSaved, SettingsView } from '../../shared/contract';
import { allAuditEntries, auditCsvText, queryAudit } from '../../store/audit';
import { listSnapshots } from '../../store/snapshots';
import { pushToSyncQueue } from '../../sync/handlers';
import { recomputeProjects, type PushEvents } from '../../sync/rounds';
import { ResolverFailure } from '../envelope';
import { moneyPermission } from '../pmoEditors';

export interface SettingsDependencies {
  /** As the viewer: what they may browse, the names they see. */
  user: JiraClient;
  /** As the app: who may change money, and the rate groups' members. */
  app?: JiraClient;
  push?: PushEvents;
}

/** The synced projects, split by whether the viewer may browse them. */
async function projectScope(user: JiraClient) {
  const snapshots = await listSnapshots();
  const browsable = snapshots.length === 0 ? new Set<string>() : await browsableProjectIds(user, snapshots.map((snapshot) => snapshot.projectId));
  const visible = snapshots.filter((snapshot) => browsable.has(snapshot.projectId));
  const hidden = new Set(snapshots.filter((snapshot) => !browsable.has(snapshot.projectId)).map((snapshot) => snapshot.projectKey));
  return { all: snapshots.map((snapshot) => snapshot.projectKey), visible, hidden };
}

/** The document without the projects the viewer may not browse. */
function withoutHidden(document: SettingsDocument, hidden: ReadonlySet<string>): SettingsDocument {
  return { ...document, projects: Object.fromEntries(Object.entries(document.projects).filter(([key]) => !hidden.has(key))) };
}

function peopleOf(document: SettingsDocument): string[] {
  return [...new Set([...Object.keys(document.rates.byPerson), ...Object.keys(document.capacity.byPerson)])];
}

export async function readSettingsView(deps: SettingsDependencies, accountId: string): Promise<SettingsView> {
  const [{ version, document }, scope] = await Promise.all([getSettings(), projectScope(deps.user)]);
  const permission = await moneyPermission(accountId, document, deps.app ?? jiraAsApp());
  const ids = peopleOf(document);
  const names = ids.length === 0 ? new Map<string, string>() : await displayNames(deps.user, ids);
  return {
    version,
    document: withoutHidden(document, scope.hidden),
    editable: permission.allowed,
    reason: permission.reason,
    projects: scope.visible.map((snapshot) => ({ key: snapshot.projectKey, name: snapshot.row.name })).sort((a, b) => a.key.localeCompare(b.key)),
    people: ids.map((id) => ({ accountId: id, displayName: names.get(id) ?? UNNAMED })),
    complianceDefaults: structuredClone(DEFAULT_COMPLIANCE_SETTINGS),
  };
}

/** Refuses, with the reason, anyone who may not change money; asks Jira each time. */
async function requireEditor(deps: SettingsDependencies, accountId: string, document: SettingsDocument): Promise<void> {
  const permission = await moneyPermission(accountId, document, deps.app ?? jiraAsApp());
  if (!permission.allowed) throw new ResolverFailure('FORBIDDEN', permission.reason);
}

/** The rate groups' members, read again when the groups the rates name changed. */
async function refreshGroupMembers(app: JiraClient, document: SettingsDocument, nowMs: number): Promise<void> {
  const groups = document.rates.byGroup.map((entry) => entry.group);
  const known = await getGroupMembers();
  if (groups.length === Object.keys(known.byGroup).length && groups.every((group) => Object.hasOwn(known.byGroup, group))) return;
  const byGroup: Record<string, string[]> = {};
  for (const group of groups) byGroup[group] = await groupMemberIds(app, group);
  await setGroupMembers({ byGroup, readAtMs: nowMs });
}

/**
 * Saves a whole document read at `expectedVersion`: the editor's check first, then validation, then
 * the store's version check. Projects the saver may not browse keep their stored settings whatever the
 * document says of them.
 */
export async function saveSettingsAs(deps: SettingsDependencies, accountId: string, request: { expectedVersion: number; document: unknown }, nowMs: number): Promise<SettingsSaved> {
  const current = await getSettings();
  await requireEditor(deps, accountId, current.document);
  const parsed = parseSettingsDocument(request.document);
  if (!parsed.ok) throw new ResolverFailure('INVALID_PAYLOAD', `The settings were not saved: ${parsed.problems.length === 1 ? 'one value is' : `${parsed.problems.length} values are`} wrong.`, parsed.problems);
  const scope = await projectScope(deps.user);
  const kept = Object.fromEntries(Object.entries(current.document.projects).filter(([key]) => scope.hidden.has(key)));
  const merged = { ...parsed.document, projects: { ...withoutHidden(parsed.document, scope.hidden).projects, ...kept } };

  const outcome = await saveSettings(merged, { expectedVersion: request.expectedVersion, actorAccountId: accountId, nowMs });
  switch (outcome.status) {
    case 'invalid':
      throw new ResolverFailure('INVALID_PAYLOAD', 'The settings were not saved: some values are wrong.', outcome.problems);
    case 'stale':
      throw new ResolverFailure('CONFLICT', `Someone else saved the settings after you opened them (they are now at version ${outcome.current.version}). Nothing was saved: reload, then make your change again.`, [
        `current version: ${outcome.current.version}`,
      ]);
    case 'unchanged':
      return { version: outcome.version, changedPaths: [], recomputing: 0, view: await readSettingsView(deps, accountId) };
    case 'saved': {
      const app = deps.app ?? jiraAsApp();
      try {
        await refreshGroupMembers(app, outcome.document, nowMs);
      } catch (error) {
        // The new rates count from the next round's reading of the groups; the save stands.
        console.warn('pmo-settings: reading the rate groups from Jira failed; the next round reads them again', error);
      }
      const keys = outcome.affected === 'all' ? scope.all : outcome.affected.filter((key) => scope.all.includes(key));
      const queued = keys.length === 0 ? { queued: 0 } : await recomputeProjects(keys, 'settings changed', { push: deps.push ?? pushToSyncQueue, nowMs });
      return { version: outcome.version, changedPaths: outcome.changes.map((change) => change.path), recomputing: queued.queued, view: await readSettingsView(deps, accountId) };
    }
  }
}

/** An exported file's text: JSON, validated whole, then saved as any edit is. */
export async function importSettingsAs(deps: SettingsDependencies, accountId: string, request: { expectedVersion: number; json: string }, nowMs: number): Promise<SettingsSaved> {
  let document: unknown;
  try {
    document = JSON.parse(request.json);
  } catch (error) {
    throw new ResolverFailure('INVALID_PAYLOAD', 'The file is not a settings export: it is not JSON.', [error instanceof Error ? error.message : String(error)]);
  }
  return saveSettingsAs(deps, accountId, { expectedVersion: request.expectedVersion, document }, nowMs);
}

export async function exportSettings(deps: SettingsDependencies): Promise<SettingsExport> {
  const [{ version, document }, scope] = await Promise.all([getSettings(), projectScope(deps.user)]);
  return { fileName: `pmo-settings-v${version}.json`, json: `${JSON.stringify(withoutHidden(document, scope.hidden), null, 2)}\n` };
}

export async function readAudit(deps: SettingsDependencies, accountId: string, request: AuditQueryRequest): Promise<AuditPageView> {
  const { document } = await getSettings();
  await requireEditor(deps, accountId, document);
  const [page, scope] = await Promise.all([queryAudit(request), projectScope(deps.user)]);
  const entries = page.entries.filter((entry) => entry.projectKey === null || !scope.hidden.has(entry.projectKey));
  const ids = [...new Set(entries.map((entry) => entry.actorAccountId))];
  const names = ids.length === 0 ? new Map<string, string>() : await displayNames(deps.user, ids);
  return {
    entries: entries.map((entry) => ({
      at: new Date(entry.atMs).toISOString(),
      person: { accountId: entry.actorAccountId, displayName: names.get(entry.actorAccountId) ?? UNNAMED },
      kind: entry.kind,
      projectKey: entry.projectKey,
      issueKey: entry.issueKey,
      path: entry.path,
      oldValue: entry.oldValue,
      newValue: entry.newValue,
    })),
    nextCursor: page.nextCursor,
  };
}

export async function exportAuditCsv(deps: SettingsDependencies, accountId: string, filter: AuditFilter, nowMs: number): Promise<AuditCsv> {
  const { document } = await getSettings();
  await requireEditor(deps, accountId, document);
  const [found, scope] = await Promise.all([allAuditEntries(filter), projectScope(deps.user)]);
  // Entries of projects the viewer may not browse are left out: the export names nothing they may not see.
  const entries = found.entries.filter((entry) => entry.projectKey === null || !scope.hidden.has(entry.projectKey));
  const ids = [...new Set(entries.map((entry) => entry.actorAccountId))];
  const names = ids.length === 0 ? new Map<string, string>() : await displayNames(deps.user, ids);
  return { fileName: `pmo-audit-${new Date(nowMs).toISOString().slice(0, 10)}.csv`, csv: auditCsvText(entries, (id) => names.get(id) ?? id, found.truncated) };
}
