/**
 * Benchmark of the pages a PMO opens: `npm run bench:pages` (also part of `npm run bench`). Prints
 * figures; it is not a test.
 *
 * - Time from navigation to the portfolio table being shown, in Chromium, on the large seed (200
 *   projects) against the demo seed (13 projects): medians of several loads, and their ratio (target:
 *   at most 2x).
 * - Opening the project health view of the large seed's largest project: platform calls (storage,
 *   Jira) and time, median of several opens (the resolver's limit is 25 s).
 *
 * Each site is synced once first (the hourly round), in process, without simulated latency.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchBrowser } from '../e2e/browser';
import { generateDemoDataset } from '../local/jira/seed';
import { startLocalSite, type LocalSite } from '../local/site/site';
import type { Answer, ProjectHealthView } from '../src/shared/contract';
import { median } from './measure';

const LOADS = 7;
const OPENS = 7;

async function syncedSite(size: 'demo' | 'large'): Promise<LocalSite> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `pmo-bench-pages-${size}-`));
  const dataset = generateDemoDataset({ size, seed: 42 });
  const site = await startLocalSite({ port: 0, dataDir, dataset: { kind: 'dataset', dataset }, buildUi: true, scheduledTriggers: 'manual', log: () => undefined });
  const started = Date.now();
  await site.runtime.runScheduledTrigger('hourly-sync');
  await site.runtime.drainQueues({ fastForward: true, timeoutMs: 600_000 });
  console.log(`  ${size}: ${dataset.projects.length} projects, ${dataset.issues.length.toLocaleString('en-US')} issues, synced in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return site;
}

/** Milliseconds from navigation until every project's row is in the table. */
async function timesToTable(site: LocalSite, projects: number): Promise<number[]> {
  const browser = await launchBrowser();
  const times: number[] = [];
  try {
    for (let load = 0; load < LOADS + 1; load++) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
      const page = await context.newPage();
      const started = Date.now();
      await page.goto(`${site.url}/`);
      const frame = page.frameLocator('#app-frame');
      await frame.locator('[data-testid^="project-row-"]').nth(projects - 1).waitFor({ timeout: 60_000 });
      // The first load warms the browser's cache and the site's code: not counted.
      if (load > 0) times.push(Date.now() - started);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return times;
}

async function projectView(site: LocalSite): Promise<void> {
  const admin = site.directory.defaultAccountId();
  const largest = [...site.db.prepare('SELECT p.key AS key, COUNT(*) AS issues FROM issues i JOIN projects p ON p.id = i.project_id GROUP BY p.key ORDER BY issues DESC LIMIT 1').all()][0] as { key: string; issues: number };
  const times: number[] = [];
  let calls = { total: 0, detail: '' };
  for (let open = 0; open < OPENS + 1; open++) {
    const before = site.runtime.platformCalls();
    const started = performance.now();
    const answer = (await site.invoke('pmo-portfolio-page', 'project/health', { projectKey: largest.key }, admin)) as Answer<ProjectHealthView>;
    const elapsed = performance.now() - started;
    if (!answer.ok) throw new Error(`project/health ${largest.key}: ${answer.error.message}`);
    const after = site.runtime.platformCalls();
    const byKind = Object.fromEntries(Object.entries(after).filter(([kind]) => kind !== 'total').map(([kind, count]) => [kind, (count as number) - ((before as unknown as Record<string, number>)[kind] ?? 0)]));
    calls = { total: after.total - before.total, detail: JSON.stringify(byKind) };
    if (open > 0) times.push(elapsed);
  }
  console.log(`\nOpening the project view of the largest project (${largest.key}, ${largest.issues.toLocaleString('en-US')} issues):`);
  console.log(`  ${calls.total} platform calls ${calls.detail}`);
  console.log(`  median ${median(times).toFixed(0)} ms of ${OPENS} opens (runs: ${times.map((time) => time.toFixed(0)).join(', ')} ms); the resolver limit is 25,000 ms`);
}

/** One site at a time: a local site owns the process's Forge globals while it runs. */
async function main(): Promise<void> {
  console.log('Each site is synced first:');
  const demo = await syncedSite('demo');
  let demoTimes: number[];
  try {
    demoTimes = await timesToTable(demo, 13);
  } finally {
    await demo.close();
  }
  const large = await syncedSite('large');
  try {
    const largeTimes = await timesToTable(large, 200);
    console.log('\nTime from navigation to the portfolio table shown, in Chromium:');
    console.log(`  demo (13 projects):   median ${median(demoTimes)} ms (runs: ${demoTimes.join(', ')})`);
    console.log(`  large (200 projects): median ${median(largeTimes)} ms (runs: ${largeTimes.join(', ')})`);
    const ratio = median(largeTimes) / median(demoTimes);
    console.log(`  ratio ${ratio.toFixed(2)} (target <= 2.00)${ratio > 2 ? '  OVER TARGET' : ''}`);
    await projectView(large);
  } finally {
    await large.close();
  }
}

void main();
