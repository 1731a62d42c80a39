/**
 * Baselines benchmark: `npx tsx bench/baselines.ts`. Prints figures, it is not a test.
 * For projects of growing size (work packages, each an epic with stories under it): the time to take
 * the packages from the synced data (packagesAt), to compare them with a baseline (compareWithBaseline),
 * and the bytes one baseline adds to the settings document, against the document's 200 KB limit.
 */
import { baselinePackagesOf, compareWithBaseline, packagesAt } from '../src/metrics/baseline';
import { at, day, project, workItem } from '../src/metrics/testing';
import { MAX_DOCUMENT_BYTES } from '../src/settings/store';
import type { WorkItem } from '../src/metrics/model';
import { median, timeMs } from './measure';

const RUNS = 7;
const STORIES_PER_PACKAGE = 10;

const asOf = at('2026-06-01');
const rows: string[][] = [['packages', 'items', 'packagesAt', 'compare', 'baseline bytes', 'baselines in 200 KB']];
for (const packages of [100, 1000, 5000]) {
  const items: WorkItem[] = [];
  for (let p = 1; p <= packages; p++) {
    const epic = `BIG-${p}`;
    items.push(workItem(epic, { level: 'epic', plannedBudget: 10_000 + p, dueDay: day('2026-09-01') + (p % 60), dueDateChanges: [{ atMs: at('2026-03-01'), from: day('2026-08-01'), to: day('2026-09-01') + (p % 60) }] }));
    for (let s = 1; s <= STORIES_PER_PACKAGE; s++) items.push(workItem(`BIG-${packages + (p - 1) * STORIES_PER_PACKAGE + s}`, { parentKey: epic, plannedBudget: 500 }));
  }
  const data = project(items, { key: 'BIG' });
  const baselinePackages = baselinePackagesOf(packagesAt(data, at('2026-02-01'))).map((entry, index) => (index % 10 === 0 ? { ...entry, plannedBudget: (entry.plannedBudget ?? 0) - 100 } : entry));
  const baseline = { id: 'bl-00000000-0000-4000-8000-000000000000', name: 'Approved plan', setAt: '2026-02-01T09:00:00.000Z', setBy: '557058:f58131cb-b67d-43c7-b30d-6b58d40bd077', packages: baselinePackages };
  const ref = { id: baseline.id, name: baseline.name, setAt: baseline.setAt, setBy: { accountId: baseline.setBy, displayName: 'A' }, packageCount: baselinePackages.length };
  // A fresh copy each run, so the item tree is built every time as on a new invocation.
  const take = median(Array.from({ length: RUNS }, () => timeMs(() => packagesAt({ ...data, items: [...data.items] }, asOf))));
  const current = packagesAt(data, asOf);
  const compare = median(Array.from({ length: RUNS }, () => timeMs(() => compareWithBaseline(baseline, ref, current, asOf))));
  const bytes = Buffer.byteLength(JSON.stringify(baseline), 'utf8');
  rows.push([String(packages), String(items.length), `${take.toFixed(1)} ms`, `${compare.toFixed(1)} ms`, bytes.toLocaleString('en-US'), String(Math.floor(MAX_DOCUMENT_BYTES / bytes))]);
}
const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
for (const row of rows) console.log(row.map((cell, column) => cell.padStart(widths[column])).join('  '));
