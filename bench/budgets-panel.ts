/**
 * Benchmark of budgets and settings on the large seed (200 projects): `npm run bench:budgets` (also
 * part of `npm run bench`). Prints figures; it is not a test.
 *
 * - Opening the issue panel (panel/item) on the largest epic of the large seed, as a PMO editor:
 *   platform calls (storage, Jira, events) and time, median of several opens (the resolver's limit
 *   is 25 s).
 * - A settings change that touches every project (a new site default rate, saved through
 *   settings/save): the save's own time and Jira requests, then the time until all 200 projects'
 *   snapshots are recomputed, and the Jira requests made meanwhile (the recompute reads stored data
 *   only: it must be 0).
 *
 * The site is synced once first (the hourly round), in process, without simulated latency.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateDemoDataset } from '../local/jira/seed';
import type { PlatformCalls } from '../local/runtime/forge-fetch';
import { startLocalSite, type LocalSite } from '../local/site/site';
import type { Answer, IssuePanelView, SettingsDocumentJson, SettingsSaved, SettingsView } from '../src/shared/contract';
import { listSnapshots } from '../src/store/snapshots';
import { median } from './measure';

const OPENS = 7;

const callsBetween = (before: PlatformCalls, after: PlatformCalls) => ({
  total: after.total - before.total,
  kvs: after.kvs - before.kvs,
  product: after.product - before.product,
  events: after.events - before.events,
});

async function data<T>(site: LocalSite, moduleKey: string, key: string, payload: unknown, accountId: string, opened?: { extension: Record<string, unknown> }): Promise<T> {
  const answer = (await site.invoke(moduleKey, key, payload, accountId, opened)) as Answer<T>;
  if (!answer.ok) throw new Error(`${key}: ${answer.error.code} ${answer.error.message} ${(answer.error.details ?? []).join('; ')}`);
  return answer.data;
}

const asApp = <T>(site: LocalSite, work: () => Promise<T>) => site.runtime.runAsInvocation({ accountId: null, timeoutMs: 120_000 }, work);

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmo-bench-budgets-'));
  const dataset = generateDemoDataset({ size: 'large', seed: 42 });
  const priya = dataset.users.find((user) => user.displayName === 'Priya Patel')!.accountId;
  const admin = dataset.users.find((user) => user.displayName === 'Riley Quinn')!.accountId;
  const epicType = dataset.issueTypes.find((type) => type.hierarchyLevel === 1)!.id;

  // The largest epic: the most items below it, at any depth.
  const children = new Map<string, string[]>();
  for (const issue of dataset.issues) if (issue.parentKey) children.set(issue.parentKey, [...(children.get(issue.parentKey) ?? []), issue.key]);
  const below = (key: string): number => (children.get(key) ?? []).reduce((sum, child) => sum + 1 + below(child), 0);
  const epics = dataset.issues.filter((issue) => issue.issueTypeId === epicType).map((issue) => ({ issue, items: below(issue.key) }));
  const largest = epics.reduce((best, next) => (next.items > best.items ? next : best));
  const projectIssues = dataset.issues.filter((issue) => issue.projectKey === largest.issue.projectKey).length;

  const site = await startLocalSite({ port: 0, dataDir, dataset: { kind: 'dataset', dataset }, buildUi: false, scheduledTriggers: 'manual', log: () => undefined });
  try {
    const started = Date.now();
    await site.runtime.runScheduledTrigger('hourly-sync');
    await site.runtime.drainQueues({ fastForward: true, timeoutMs: 900_000 });
    console.log(`large: ${dataset.projects.length} projects, ${dataset.issues.length.toLocaleString('en-US')} issues, synced in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // The PMO editor group, so Priya opens the panel as an editor would.
    const first = await data<SettingsView>(site, 'pmo-settings', 'settings/get', {}, admin);
    await data<SettingsSaved>(site, 'pmo-settings', 'settings/save', { expectedVersion: first.version, document: { ...first.document, currency: 'EUR', pmoEditorGroup: 'pmo-office' } }, admin);
    await site.runtime.drainQueues({ fastForward: true, timeoutMs: 600_000 });

    // (a) The panel on the largest epic.
    const opened = { extension: { issue: { id: largest.issue.id, key: largest.issue.key, type: 'Epic' }, project: { key: largest.issue.projectKey } } };
    const times: number[] = [];
    let calls = callsBetween(site.runtime.platformCalls(), site.runtime.platformCalls());
    let jiraRequests = 0;
    let view: IssuePanelView | null = null;
    for (let open = 0; open < OPENS + 1; open++) {
      site.jira.control.resetRequestCounts();
      const before = site.runtime.platformCalls();
      const begun = performance.now();
      view = await data<IssuePanelView>(site, 'pmo-budget-panel', 'panel/item', {}, priya, opened);
      const elapsed = performance.now() - begun;
      calls = callsBetween(before, site.runtime.platformCalls());
      jiraRequests = site.jira.control.requestCounts().total;
      // The first open warms the site's code: not counted.
      if (open > 0) times.push(elapsed);
    }
    console.log(`\nOpening the issue panel on the largest epic (${largest.issue.key}: ${largest.items.toLocaleString('en-US')} items below it, in a project of ${projectIssues.toLocaleString('en-US')} issues), as a PMO editor:`);
    console.log(`  ${calls.total} platform calls (storage ${calls.kvs}, Jira ${calls.product}, events ${calls.events}); ${jiraRequests} requests reached Jira; ${view!.money?.children.length ?? 0} children shown, editable: ${view!.canEdit}`);
    console.log(`  median ${median(times).toFixed(0)} ms of ${OPENS} opens (runs: ${times.map((time) => time.toFixed(0)).join(', ')} ms); the resolver limit is 25,000 ms`);

    // (b) A new site default rate: every project is recomputed from stored data.
    const current = await data<SettingsView>(site, 'pmo-settings', 'settings/get', {}, priya);
    // What a save costs by itself (who may save, validation, the store, the answer): the same document again.
    const sameTimes: number[] = [];
    let sameRequests = 0;
    for (let save = 0; save < 3; save++) {
      site.jira.control.resetRequestCounts();
      const begun = performance.now();
      const same = await data<SettingsSaved>(site, 'pmo-settings', 'settings/save', { expectedVersion: current.version, document: current.document }, priya);
      sameTimes.push(performance.now() - begun);
      sameRequests = site.jira.control.requestCounts().total;
      if (same.changedPaths.length !== 0) throw new Error(`saving the same settings changed ${same.changedPaths.join(', ')}`);
    }
    const document: SettingsDocumentJson = { ...current.document, rates: { ...current.document.rates, siteDefault: [...current.document.rates.siteDefault.filter((rate) => rate.from !== '2020-01-01'), { from: '2020-01-01', hourlyRate: 97 }] } };
    const before = new Map((await asApp(site, listSnapshots)).map((snapshot) => [snapshot.projectKey, snapshot.updatedAtMs]));
    site.jira.control.resetRequestCounts();
    const platformBefore = site.runtime.platformCalls();
    const saveStarted = performance.now();
    const saved = await data<SettingsSaved>(site, 'pmo-settings', 'settings/save', { expectedVersion: current.version, document }, priya);
    const saveMs = performance.now() - saveStarted;
    const saveRequests = site.jira.control.requestCounts().total;
    site.jira.control.resetRequestCounts();
    await site.runtime.drainQueues({ timeoutMs: 600_000 });
    const recomputedMs = performance.now() - saveStarted;
    const recomputeRequests = site.jira.control.requestCounts().total;
    const platform = callsBetween(platformBefore, site.runtime.platformCalls());
    const after = await asApp(site, listSnapshots);
    const fresh = after.filter((snapshot) => snapshot.updatedAtMs > (before.get(snapshot.projectKey) ?? Infinity)).length;
    console.log(`\nA new site default rate (settings/save as a PMO editor), which touches every project:`);
    console.log(`  a save that changes nothing: median ${median(sameTimes).toFixed(0)} ms of ${sameTimes.length}, ${sameRequests} Jira requests`);
    // On the local site the queue runs in this process: the save's answer waits on the recompute's work too.
    console.log(`  the save answered after ${saveMs.toFixed(0)} ms, ${saveRequests} Jira requests (who may save, which projects the saver may browse); changed ${saved.changedPaths.join(', ')}; ${saved.recomputing} projects queued`);
    console.log(`  all ${fresh} of ${after.length} snapshots recomputed ${(recomputedMs / 1000).toFixed(1)} s after the save began; ${recomputeRequests} Jira requests meanwhile${recomputeRequests === 0 ? '' : '  SHOULD BE 0'}`);
    console.log(`  platform calls from the save to the last snapshot: ${platform.total} (storage ${platform.kvs}, Jira ${platform.product}, events ${platform.events})`);
    if (fresh !== dataset.projects.length || recomputeRequests !== 0) process.exitCode = 1;
  } finally {
    await site.close();
  }
}

void main();
