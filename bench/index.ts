/**
 * Benchmark of the metrics engine on the large seed (200 projects, 100,000 issues): `npm run bench`.
 * Prints figures, it is not a test. The yardstick is JSON.parse of the engine's own input: computing
 * every metric (Monte Carlo forecast aside) must take less time than parsing the data it reads.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { generateDemoDataset } from '../local/jira/seed/index';
import { projectDataFromDataset } from '../local/metrics/fromDataset';
import {
  DEFAULT_PORTFOLIO_SETTINGS,
  DEFAULT_PROJECT_SETTINGS,
  computeProjectMetrics,
  dayNumber,
  forecastFinish,
  groupByPortfolio,
  portfolioMetrics,
  workload,
  type ProjectData,
  type ProjectMetrics,
  type ProjectSettings,
} from '../src/metrics/index';
import { evaluateCompliance } from '../src/compliance/evaluate';
import { DEFAULT_COMPLIANCE_SETTINGS, effectiveRules } from '../src/compliance/settings';
import { median, timeMs } from './measure';

const SEED = 42;
const NOW = new Date('2026-03-02T09:00:00Z');
const RUNS = 5;
const SUBSET_ISSUES = [25_000, 50_000, 100_000];
const MB = 1024 * 1024;

/** gc between runs, so one run's garbage does not land in the next one's time or memory. */
function gcFunction(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  // `npm run bench` starts node without --expose-gc: switch it on at run time.
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}
const gc = gcFunction();

/** Memory sampled at every project boundary (the compute is synchronous, so no timer could sample it). */
class MemoryPeak {
  rss = 0;
  heapUsed = 0;
  sample(): void {
    const usage = process.memoryUsage();
    if (usage.rss > this.rss) this.rss = usage.rss;
    if (usage.heapUsed > this.heapUsed) this.heapUsed = usage.heapUsed;
  }
}

const processPeak = new MemoryPeak();

/** Medians of `runs` runs, with a gc before each. */
function medianMs(runs: number, run: () => void): { median: number; all: number[] } {
  const all: number[] = [];
  for (let index = 0; index < runs; index += 1) {
    gc();
    all.push(timeMs(run));
    processPeak.sample();
  }
  return { median: median(all), all };
}

/** What a full refresh computes: every project's metrics (no forecast), every portfolio, the workload. */
function computeEverything(projects: ProjectData[], settings: ProjectSettings, asOfMs: number, peak: MemoryPeak): void {
  const metrics: ProjectMetrics[] = [];
  for (const project of projects) {
    metrics.push(computeProjectMetrics(project, settings, asOfMs, { forecast: false }));
    peak.sample();
  }
  const entries = projects.map((project, index) => ({ portfolio: project.portfolio, metrics: metrics[index], compliance: metrics[index].compliance?.score.value ?? null }));
  for (const [name, group] of groupByPortfolio(entries, (entry) => entry.portfolio)) {
    portfolioMetrics(name, group);
  }
  workload(projects, DEFAULT_PORTFOLIO_SETTINGS, asOfMs);
  peak.sample();
}

function issueCount(projects: ProjectData[]): number {
  return projects.reduce((sum, project) => sum + project.items.length, 0);
}

/** The first projects (in the seed's order) that together hold at least `issues` issues. */
function firstProjectsWith(projects: ProjectData[], issues: number): ProjectData[] {
  let count = 0;
  const subset: ProjectData[] = [];
  for (const project of projects) {
    if (count >= issues) break;
    subset.push(project);
    count += project.items.length;
  }
  return subset;
}

const mb = (bytes: number): string => `${(bytes / MB).toFixed(0)} MB`;
const ms = (value: number): string => `${value.toFixed(0)} ms`;

function table(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n');
}

function main(): void {
  const asOfMs = NOW.getTime();
  console.log(`Metrics engine benchmark: large seed (seed ${SEED}, now ${NOW.toISOString()}), node ${process.version}\n`);

  // ---- set-up (not measured): generate, normalize, serialize ----
  let setupMs = 0;
  let json = '';
  let siteTimeZone = 'UTC';
  let projectCount = 0;
  setupMs = timeMs(() => {
    const dataset = generateDemoDataset({ seed: SEED, now: NOW, size: 'large' });
    processPeak.sample();
    siteTimeZone = dataset.site.timeZone;
    const normalized = projectDataFromDataset(dataset);
    processPeak.sample();
    projectCount = normalized.length;
    json = JSON.stringify(normalized);
    processPeak.sample();
  });
  const setupPeakRss = processPeak.rss;

  const settings: ProjectSettings = {
    ...DEFAULT_PROJECT_SETTINGS,
    // A site default rate, so actual cost from worklogs exists for every project.
    rates: { ...DEFAULT_PROJECT_SETTINGS.rates, siteDefault: [{ fromDay: dayNumber('2000-01-01'), hourlyRate: 100 }] },
    timeZone: siteTimeZone,
  };

  // ---- JSON.parse of the normalized input ----
  let input: ProjectData[] = [];
  const parse = medianMs(RUNS, () => {
    const parsed = JSON.parse(json) as ProjectData[];
    // Keep one parsed copy as the compute input (the set-up's objects and the dataset are garbage now).
    if (input.length === 0) input = parsed;
  });
  const totalIssues = issueCount(input);

  // ---- compute: every project's metrics without the forecast, portfolios, workload ----
  gc();
  const before = process.memoryUsage();
  const computePeak = new MemoryPeak();
  computePeak.sample();
  const compute = medianMs(RUNS, () => computeEverything(input, settings, asOfMs, computePeak));
  processPeak.rss = Math.max(processPeak.rss, computePeak.rss);

  // ---- compliance: every rule the product ships (the fix-version rule too) on every item of every project ----
  const allRules = structuredClone(DEFAULT_COMPLIANCE_SETTINGS);
  for (const rule of Object.values(allRules.site)) rule.enabled = true;
  const rulesOf = input.map((project) => effectiveRules(allRules, project.key, project.portfolio));
  let violationCount = 0;
  const rules = medianMs(RUNS, () => {
    violationCount = 0;
    for (const [index, project] of input.entries()) violationCount += evaluateCompliance(project, rulesOf[index], asOfMs, siteTimeZone).violations.length;
  });
  const rulesRatio = rules.median / compute.median;

  // ---- linear growth: subsets of projects ----
  const growth = SUBSET_ISSUES.map((target) => {
    const subset = firstProjectsWith(input, target);
    const issues = issueCount(subset);
    const time = medianMs(3, () => computeEverything(subset, settings, asOfMs, new MemoryPeak())).median;
    return { projects: subset.length, issues, time };
  });

  // ---- the Monte Carlo finish forecast: 10,000 trials for every project ----
  const forecastSettings: ProjectSettings = { ...settings, forecast: { ...settings.forecast, trials: 10_000 } };
  gc();
  const forecastMs = timeMs(() => {
    for (const project of input) forecastFinish(project, forecastSettings, asOfMs);
  });
  processPeak.sample();

  const ratio = compute.median / parse.median;
  const osPeakRss = process.resourceUsage().maxRSS * 1024;

  console.log('Input');
  console.log(
    table([
      ['projects / issues', `${projectCount} / ${totalIssues.toLocaleString('en-US')}`],
      ['normalized input (JSON)', `${(json.length / MB).toFixed(1)} MB of text`],
      ['set-up: generate + normalize + serialize (not measured)', ms(setupMs)],
    ]),
  );
  console.log('\nTime (median of 5 runs, gc before each)');
  console.log(
    table([
      ['JSON.parse of the input', `${ms(parse.median)}   runs: ${parse.all.map((value) => value.toFixed(0)).join(', ')}`],
      ['compute all metrics, no forecast', `${ms(compute.median)}   runs: ${compute.all.map((value) => value.toFixed(0)).join(', ')}`],
      ['  = compute / parse', `${ratio.toFixed(2)}  (${ratio < 1 ? 'below 1: OK' : 'NOT below 1'})`],
      [`evaluate every rule (${rulesOf[0]?.length ?? 0} rules, ${violationCount.toLocaleString('en-US')} violations)`, `${ms(rules.median)}   runs: ${rules.all.map((value) => value.toFixed(0)).join(', ')}`],
      ['  = rules / compute all metrics', `${rulesRatio.toFixed(2)}  (${rulesRatio < 1 ? 'below 1: OK' : 'NOT below 1'})`],
      ['Monte Carlo forecast, 10,000 trials x 200 projects (1 run)', ms(forecastMs)],
      ['  = forecast / one JSON.parse', (forecastMs / parse.median).toFixed(2)],
    ]),
  );
  console.log('\nGrowth (median of 3 runs; the first projects of the seed holding at least N issues)');
  console.log(`  ${'target'.padEnd(9)}${'projects'.padStart(9)}${'issues'.padStart(10)}${'compute'.padStart(10)}${'per 1,000 issues'.padStart(18)}`);
  for (const [index, row] of growth.entries()) {
    console.log(
      `  ${SUBSET_ISSUES[index].toLocaleString('en-US').padEnd(9)}${String(row.projects).padStart(9)}${row.issues.toLocaleString('en-US').padStart(10)}` +
        `${ms(row.time).padStart(10)}${`${((row.time / row.issues) * 1000).toFixed(2)} ms`.padStart(18)}`,
    );
  }
  console.log('\nMemory (limit 512 MB)');
  console.log(
    table([
      ['peak RSS during set-up (generating the dataset)', mb(setupPeakRss)],
      ['RSS / heapUsed before compute (input parsed, after gc)', `${mb(before.rss)} / ${mb(before.heapUsed)}`],
      ['peak RSS during compute (sampled per project)', mb(computePeak.rss)],
      ['peak heapUsed during compute (sampled per project)', mb(computePeak.heapUsed)],
      ['  heap added by compute (peak - before)', mb(computePeak.heapUsed - before.heapUsed)],
      ['peak RSS of the whole process (OS maxRSS)', `${mb(osPeakRss)} (${osPeakRss < 512 * MB ? 'under 512 MB' : 'OVER 512 MB'})`],
    ]),
  );
}

main();
