/**
 * Benchmark of the budget import on the large seed (200 projects, 100,000 issues): `npm run
 * bench:budget-import` (also part of `npm run bench`). A PMO editor (the site admin) imports a CSV setting
 * Planned budget and Actual cost of 5,000 items through the settings page's resolver, on a local site
 * whose simulated Jira answers every request after 150 ms and at most 10 at once. Each run imports
 * new amounts, so every value changes. Prints the time and Jira's requests by kind; it is not a test.
 *
 * Lower bound of Jira requests per import: ceil(N/100) `key in (...)` searches read as the caller
 * (a page of issues with fields is at most 100), ceil(3N/1000) app field value writes (planned,
 * actual and Budget variance of N items, 1,000 values a request), and the caller's permission check.
 */
import { generateDemoDataset } from '../local/jira/seed';
import { startLocalSite } from '../local/site/site';
import type { Answer, BudgetImportSummary } from '../src/shared/contract';
import { median } from './measure';

const ITEMS = 5000;
const RUNS = 3;
const LATENCY_MS = 150;
const MAX_CONCURRENT = 10;

async function main(): Promise<void> {
  const dataset = generateDemoDataset({ size: 'large', seed: 42 });
  const site = await startLocalSite({
    port: 0,
    dataDir: ':memory:',
    dataset: { kind: 'dataset', dataset },
    buildUi: false,
    scheduledTriggers: 'manual',
    knobs: { latencyMs: LATENCY_MS, maxConcurrent: MAX_CONCURRENT },
    log: () => undefined,
  });
  try {
    const admin = site.directory.defaultAccountId();
    // Items spread over every project: every 20th issue.
    const step = Math.floor(dataset.issues.length / ITEMS);
    const keys = dataset.issues.filter((_issue, index) => index % step === 0).slice(0, ITEMS).map((issue) => issue.key);
    console.log(
      `Budget import benchmark: ${keys.length.toLocaleString('en-US')} items of ${dataset.projects.length} projects (${dataset.issues.length.toLocaleString('en-US')} issues); simulated Jira ${LATENCY_MS} ms a request, ${MAX_CONCURRENT} at once`,
    );
    const times: number[] = [];
    let byKind: Record<string, number> = {};
    let total = 0;
    let summary: BudgetImportSummary | null = null;
    for (let run = 0; run < RUNS; run++) {
      const csv = `issue key,planned budget,actual cost\n${keys.map((key, index) => `${key},${10_000 + run * 100 + (index % 50)},${run * 10 + (index % 7)}.5`).join('\n')}\n`;
      site.jira.control.resetRequestCounts();
      const started = performance.now();
      const answer = (await site.invoke('pmo-settings', 'budgets/import', { csv }, admin)) as Answer<BudgetImportSummary>;
      times.push(performance.now() - started);
      if (!answer.ok) throw new Error(`${answer.error.code}: ${answer.error.message} ${answer.error.details?.slice(0, 5).join('; ') ?? ''}`);
      summary = answer.data;
      const counts = site.jira.control.requestCounts();
      byKind = counts.byPath;
      total = counts.total;
      console.log(`  run ${run + 1}: ${(times[run] / 1000).toFixed(1)} s, ${answer.data.valuesChanged.toLocaleString('en-US')} values changed on ${answer.data.itemsChanged.toLocaleString('en-US')} items in ${answer.data.byProject.length} projects, ${total} Jira requests`);
    }
    console.log(`\nImporting budgets for ${keys.length.toLocaleString('en-US')} items: median ${(median(times) / 1000).toFixed(1)} s of ${RUNS} runs`);
    console.log(`Jira requests per import: ${total} (lower bound ${Math.ceil(keys.length / 100) + Math.ceil((3 * keys.length) / 1000)} plus the permission check)`);
    for (const [kind, count] of Object.entries(byKind).sort((a, b) => b[1] - a[1])) console.log(`  ${String(count).padStart(5)}  ${kind}`);
    if (summary) console.log(`Audit entries per import: ${summary.valuesChanged.toLocaleString('en-US')}`);
  } finally {
    await site.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
