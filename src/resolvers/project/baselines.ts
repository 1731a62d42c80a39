/**
 * A project's baselines on the project page: the list with the chosen one and the comparison of the
 * packages against it (anyone who may browse the project), and setting, choosing and deleting them
 * (PMO editors only: moneyPermission, asked of Jira as the app each time). Baselines live in the
 * settings document, so every change is a versioned save (refused when another save came first),
 * audited path by path, and queues the project's recompute from stored data (slip and planned value
 * follow the chosen baseline). A new baseline takes the packages from the synced data, not from Jira.
 */
import { randomUUID } from 'node:crypto';
import type { JiraClient } from '../../jira/client';
import { jiraAsApp } from '../../jira/forge';
import { browsableProjectIds } from '../../jira/permissions';
import { displayNames } from '../../jira/users';
import { dayInZone, startOfDayInZoneMs } from '../../metrics/asOf';
import { baselinePackagesOf, baselinesKnownAt, compareWithBaseline, packagesAt, type StoredBaseline } from '../../metrics/baseline';
import { dayNumber, isoDay } from '../../metrics/model';
import { UNNAMED } from '../../metrics/projectView';
import { defaultProjectSection, type Baseline, type ProjectSettingsSection, type SettingsDocument } from '../../settings/schema';
import { MAX_DOCUMENT_BYTES, projectSettingsIn, saveSettings, settingsInForce } from '../../settings/store';
import { MAX_BASELINES, type BaselineRef, type ChooseBaselineRequest, type DeleteBaselineRequest, type ProjectBaselinesRequest, type ProjectBaselinesView, type SetBaselineRequest } from '../../shared/contract';
import { loadProjectData } from '../../store/projectData';
import { listSnapshots, type ProjectSnapshot } from '../../store/snapshots';
import { pushToSyncQueue } from '../../sync/handlers';
import { recomputeProjects, type PushEvents } from '../../sync/rounds';
import { ResolverFailure } from '../envelope';
import { moneyPermission } from '../pmoEditors';

export interface BaselineDependencies {
  /** As the viewer: whether they may browse the project, the names they see. */
  user: JiraClient;
  /** As the app: who may change baselines. */
  app?: JiraClient;
  push?: PushEvents;
  nowMs: number;
}

/** The project's snapshot when the viewer may browse it; missing and hidden answer alike. */
export async function browsableSnapshot(user: JiraClient, projectKey: string): Promise<ProjectSnapshot> {
  const snapshots = await listSnapshots();
  const snapshot = snapshots.find((candidate) => candidate.projectKey === projectKey);
  const browsable = snapshot ? await browsableProjectIds(user, [snapshot.projectId]) : new Set<string>();
  if (!snapshot || !browsable.has(snapshot.projectId)) throw new ResolverFailure('NOT_FOUND', `No synced project with key ${projectKey} that you may browse.`);
  return snapshot;
}

function sectionOf(document: SettingsDocument, projectKey: string): ProjectSettingsSection {
  return Object.hasOwn(document.projects, projectKey) ? document.projects[projectKey] : defaultProjectSection();
}

const refOf = (baseline: StoredBaseline, names: ReadonlyMap<string, string>): BaselineRef => ({
  id: baseline.id,
  name: baseline.name,
  setAt: baseline.setAt,
  setBy: { accountId: baseline.setBy, displayName: names.get(baseline.setBy) ?? UNNAMED },
  packageCount: baseline.packages.length,
});

/** The list, the choice and the comparison, as of the last sync or the end of `asOfDay`. */
export async function readBaselines(deps: BaselineDependencies, accountId: string, request: ProjectBaselinesRequest): Promise<ProjectBaselinesView> {
  const snapshot = await browsableSnapshot(deps.user, request.projectKey);
  const inForce = await settingsInForce();
  const { document, version } = inForce;
  const section = sectionOf(document, request.projectKey);
  const settings = projectSettingsIn(inForce, request.projectKey, snapshot.row.portfolio?.name ?? null);
  const permission = await moneyPermission(accountId, document, deps.app ?? jiraAsApp());

  const computedAt = snapshot.status.computedAt === null ? null : Date.parse(snapshot.status.computedAt);
  // The synced data is as of its sync: a later instant knows nothing more.
  let asOfMs = computedAt ?? deps.nowMs;
  let budgetsUnknownReason: string | null = null;
  let offered: Baseline[] = [...section.baselines].sort((a, b) => Date.parse(b.setAt) - Date.parse(a.setAt));
  if (request.asOfDay !== undefined) {
    const today = dayInZone(deps.nowMs, settings.timeZone);
    const day = dayNumber(request.asOfDay);
    if (day > today) throw new ResolverFailure('INVALID_PAYLOAD', `Baselines can be compared as of today (${isoDay(today)}) or a day before, not ${request.asOfDay}.`);
    const endOfDay = startOfDayInZoneMs(day + 1, settings.timeZone) - 1;
    offered = baselinesKnownAt(section.baselines, endOfDay);
    if (computedAt === null || endOfDay < computedAt) {
      asOfMs = Math.min(endOfDay, asOfMs);
      budgetsUnknownReason = `Planned budgets are kept as of the last sync only, so the budgets of ${request.asOfDay} are not known`;
    }
  }

  const names = offered.length === 0 ? new Map<string, string>() : await displayNames(deps.user, [...new Set(offered.map((baseline) => baseline.setBy))]);
  const chosen = section.chosenBaselineId === null ? null : (offered.find((baseline) => baseline.id === section.chosenBaselineId) ?? null);
  const base = {
    projectKey: request.projectKey,
    version,
    baselines: offered.map((baseline) => refOf(baseline, names)),
    chosenId: chosen?.id ?? null,
    canEdit: permission.allowed,
    editReason: permission.reason,
    currency: document.currency,
    maxBaselines: MAX_BASELINES,
  };
  if (chosen === null) {
    const reason =
      section.chosenBaselineId !== null
        ? `The chosen baseline was set after ${request.asOfDay ?? 'the last sync'}: no baseline of that day to compare with.`
        : offered.length === 0
          ? 'No baseline has been set for this project yet.'
          : 'No baseline is chosen: choose one to see budget change and slip.';
    return { ...base, comparison: null, reason };
  }
  const data = computedAt === null ? null : await loadProjectData(request.projectKey);
  if (data === null) return { ...base, comparison: null, reason: `${request.projectKey} has not been synced yet: the comparison appears after its first sync.` };
  return { ...base, comparison: compareWithBaseline(chosen, refOf(chosen, names), packagesAt(data, asOfMs), asOfMs, { budgetsUnknownReason }), reason: null };
}

/** Refuses anyone who may not browse the project or change money; the settings as read, for the save. */
async function editable(deps: BaselineDependencies, accountId: string, projectKey: string, expectedVersion: number) {
  const snapshot = await browsableSnapshot(deps.user, projectKey);
  const inForce = await settingsInForce();
  // Checked on the server against Jira, whatever the page showed.
  const permission = await moneyPermission(accountId, inForce.document, deps.app ?? jiraAsApp());
  if (!permission.allowed) throw new ResolverFailure('FORBIDDEN', permission.reason);
  if (inForce.version !== expectedVersion) throw staleFailure(inForce.version);
  return { snapshot, document: inForce.document, version: inForce.version, section: sectionOf(inForce.document, projectKey) };
}

const staleFailure = (current: number): ResolverFailure =>
  new ResolverFailure('CONFLICT', `Someone else saved the settings after you opened this page (they are now at version ${current}). Nothing was changed: reload, then try again.`, [`current version: ${current}`]);

/** Saves the project's new section at the version read, queues its recompute and answers the new list. */
async function saveSection(deps: BaselineDependencies, accountId: string, projectKey: string, read: { document: SettingsDocument; version: number }, section: ProjectSettingsSection): Promise<ProjectBaselinesView> {
  const next: SettingsDocument = { ...read.document, projects: { ...read.document.projects, [projectKey]: section } };
  const outcome = await saveSettings(next, { expectedVersion: read.version, actorAccountId: accountId, nowMs: deps.nowMs });
  switch (outcome.status) {
    case 'invalid':
      throw new ResolverFailure('INVALID_PAYLOAD', 'The baselines were not saved: the settings would not be valid.', outcome.problems);
    case 'stale':
      throw staleFailure(outcome.current.version);
    case 'unchanged':
      break;
    case 'saved': {
      const keys = outcome.affected === 'all' ? [projectKey] : outcome.affected;
      if (keys.length > 0) await recomputeProjects(keys, 'baseline changed', { push: deps.push ?? pushToSyncQueue, nowMs: deps.nowMs });
      break;
    }
  }
  return readBaselines(deps, accountId, { projectKey });
}

/** A new baseline of the packages as of the last sync; the first one set becomes the chosen one. */
export async function setBaseline(deps: BaselineDependencies, accountId: string, request: SetBaselineRequest): Promise<ProjectBaselinesView> {
  const read = await editable(deps, accountId, request.projectKey, request.expectedVersion);
  const { section, snapshot } = read;
  const name = request.name.trim();
  if (section.baselines.length >= MAX_BASELINES) {
    throw new ResolverFailure('INVALID_PAYLOAD', `${request.projectKey} already keeps ${MAX_BASELINES} baselines, the most it can: delete one before setting another.`);
  }
  if (section.baselines.some((baseline) => baseline.name === name)) throw new ResolverFailure('INVALID_PAYLOAD', `${request.projectKey} already has a baseline named "${name}": choose another name.`);
  const computedAt = snapshot.status.computedAt === null ? null : Date.parse(snapshot.status.computedAt);
  const data = computedAt === null ? null : await loadProjectData(request.projectKey);
  if (computedAt === null || data === null) throw new ResolverFailure('NOT_FOUND', `${request.projectKey} has not been synced yet: a baseline keeps the synced packages, so set it after the first sync.`);
  const packages = baselinePackagesOf(packagesAt(data, computedAt));
  if (packages.length === 0) throw new ResolverFailure('INVALID_PAYLOAD', `${request.projectKey} has no work packages yet: set a Planned budget on its epics (or other top items) before setting a baseline.`);
  const baseline: Baseline = { id: `bl-${randomUUID()}`, name, setAt: new Date(deps.nowMs).toISOString(), setBy: accountId, packages: [...packages] };
  const next = { ...section, baselines: [...section.baselines, baseline], chosenBaselineId: section.chosenBaselineId ?? baseline.id };
  // Baselines share the settings document's room with every other setting: say so in baseline terms.
  const bytes = Buffer.byteLength(JSON.stringify({ ...read.document, projects: { ...read.document.projects, [request.projectKey]: next } }), 'utf8');
  if (bytes > MAX_DOCUMENT_BYTES) {
    throw new ResolverFailure(
      'INVALID_PAYLOAD',
      `A baseline of ${packages.length.toLocaleString('en-US')} work packages does not fit: the settings would be ${Math.ceil(bytes / 1024)} KB, more than the ${MAX_DOCUMENT_BYTES / 1024} KB they can hold. Delete baselines no longer needed (of this or another project) first.`,
    );
  }
  return saveSection(deps, accountId, request.projectKey, read, next);
}

export async function chooseBaseline(deps: BaselineDependencies, accountId: string, request: ChooseBaselineRequest): Promise<ProjectBaselinesView> {
  const read = await editable(deps, accountId, request.projectKey, request.expectedVersion);
  if (request.id !== null && !read.section.baselines.some((baseline) => baseline.id === request.id)) throw new ResolverFailure('NOT_FOUND', `${request.projectKey} has no baseline ${request.id}.`);
  return saveSection(deps, accountId, request.projectKey, read, { ...read.section, chosenBaselineId: request.id });
}

export async function deleteBaseline(deps: BaselineDependencies, accountId: string, request: DeleteBaselineRequest): Promise<ProjectBaselinesView> {
  const read = await editable(deps, accountId, request.projectKey, request.expectedVersion);
  const { section } = read;
  if (!section.baselines.some((baseline) => baseline.id === request.id)) throw new ResolverFailure('NOT_FOUND', `${request.projectKey} has no baseline ${request.id}.`);
  return saveSection(deps, accountId, request.projectKey, read, {
    ...section,
    baselines: section.baselines.filter((baseline) => baseline.id !== request.id),
    chosenBaselineId: section.chosenBaselineId === request.id ? null : section.chosenBaselineId,
  });
}
