/**
 * What a new settings document changes: one entry per changed value, named by its path, for the
 * audit log and for choosing the projects to recompute. Objects are compared key by key; lists (a
 * person's dated rates) are one value each, as the PMO edits them whole. A project's baselines are
 * compared baseline by baseline (`projects.KEY.baselines.ID`): each can hold thousands of packages,
 * so an entry names the one set or deleted instead of repeating the whole list twice.
 */
import { isDeepStrictEqual } from 'node:util';
import type { SettingsDocument } from './schema';

export interface SettingsChange {
  /** Dotted path in the document: `rates.byPerson.5f8a…`, `projects.APOLLO.projectBudget`. */
  path: string;
  /** The project the value belongs to (`projects.KEY…`), null for site-wide values. */
  projectKey: string | null;
  /** null where the value did not exist. */
  oldValue: unknown;
  newValue: unknown;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function walk(before: unknown, after: unknown, path: string[], changes: SettingsChange[]): void {
  if (isDeepStrictEqual(before, after)) return;
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) walk(before[key], after[key], [...path, key], changes);
    return;
  }
  if (path.length === 3 && path[0] === 'projects' && path[2] === 'baselines' && Array.isArray(before) && Array.isArray(after)) {
    walkBaselines(before, after, path, changes);
    return;
  }
  changes.push({
    path: path.join('.'),
    projectKey: path[0] === 'projects' && path.length > 1 ? path[1] : null,
    oldValue: before === undefined ? null : before,
    newValue: after === undefined ? null : after,
  });
}

const idOf = (entry: unknown): string | null => (isPlainObject(entry) && typeof entry.id === 'string' ? entry.id : null);

/** One change per baseline added, removed or changed, in the order they are listed. */
function walkBaselines(before: readonly unknown[], after: readonly unknown[], path: string[], changes: SettingsChange[]): void {
  const byId = (list: readonly unknown[]) => new Map(list.flatMap((entry) => (idOf(entry) === null ? [] : [[idOf(entry)!, entry] as const])));
  const old = byId(before);
  const next = byId(after);
  if (old.size !== before.length || next.size !== after.length) {
    // Not keyed by id (never in a valid document): the list as one value.
    changes.push({ path: path.join('.'), projectKey: path[1], oldValue: before, newValue: after });
    return;
  }
  for (const id of new Set([...old.keys(), ...next.keys()])) {
    if (isDeepStrictEqual(old.get(id), next.get(id))) continue;
    changes.push({ path: [...path, id].join('.'), projectKey: path[1], oldValue: old.get(id) ?? null, newValue: next.get(id) ?? null });
  }
}

export function settingsChanges(before: SettingsDocument, after: SettingsDocument): SettingsChange[] {
  const changes: SettingsChange[] = [];
  walk(before, after, [], changes);
  return changes;
}

/** Sections that change no figure: who may edit, and the unit money is shown in. */
const FIGURE_FREE = new Set(['pmoEditorGroup', 'currency']);

/**
 * The projects whose figures a change affects: those named when only project sections changed,
 * 'all' when a site-wide value the metrics use changed (rates, thresholds, forecast, capacity, rules).
 */
export function affectedProjects(changes: readonly SettingsChange[]): 'all' | string[] {
  const projects = new Set<string>();
  for (const change of changes) {
    const section = change.path.split('.')[0];
    if (FIGURE_FREE.has(section)) continue;
    if (change.projectKey === null) return 'all';
    projects.add(change.projectKey);
  }
  return [...projects].sort();
}
