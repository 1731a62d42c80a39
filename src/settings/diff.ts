/**
 * What a new settings document changes: one entry per changed value, named by its path, for the
 * audit log and for choosing the projects to recompute. Objects are compared key by key; lists (a
 * person's dated rates, a project's baselines) are one value each, as the PMO edits them whole.
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
  changes.push({
    path: path.join('.'),
    projectKey: path[0] === 'projects' && path.length > 1 ? path[1] : null,
    oldValue: before === undefined ? null : before,
    newValue: after === undefined ? null : after,
  });
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
