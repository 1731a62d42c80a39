/**
 * Benchmark of the sync on the large seed (200 projects, 100,000 issues): `npm run bench:sync` (also
 * part of `npm run bench`). The real app runs on the local site: the hourly trigger starts a round and
 * the in-process Forge queue runs it, against the simulated Jira in a process of its own (a remote
 * server, as Jira is) answering every request after 150 ms and at most 10 at once. Prints figures; it
 * is not a test.
 *
 * Lower bound of a full sync, per project of N issues: ceil(N/100) search pages (Jira's largest page
 * with fields), ceil(N/1000) changelog bulkfetches and ceil(N/1000) worklog requests, plus 1 (its
 * versions); plus, once for the site, the project list pages and the field list.
 *
 * What each scenario costs on Forge is metered by the local runtime as Forge bills it (storage bytes
 * read and written, function duration; local/runtime/usage.ts), and priced at the Forge platform
 * prices in force since January 2026 (PRICES below) for the monthly bill of a site like this one.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { kvs, WhereConditions } from '@forge/kvs';
import { gbSeconds, type UsageTotals } from '../local/runtime';
import { startLocalSite, type LocalSite } from '../local/site/site';
import type { Answer, PortfolioPage } from '../src/shared/contract';
import { loadProjectData, loadProjectHead } from '../src/store/projectData';
import { getSnapshot, listSnapshots, setSnapshot } from '../src/store/snapshots';
import { getLatestRound, roundProgress } from '../src/store/syncRounds';
import { getSyncState, setSyncState } from '../src/store/syncState';
import { median } from './measure';

const LATENCY_MS = 150;
const MAX_CONCURRENT = 10;
const CHANGED_SHARE = 0.01;
const EVENT_EDITS = 20;
/** Forge's default function memory: what GB-seconds are counted at. */
const MEMORY_MB = 512;
/** Forge platform pricing (developer.atlassian.com/platform/forge/forge-platform-pricing), per month. */
const PRICES = {
  compute: { free: 100_000, perUnit: 0.000025, unit: 'GB-s' },
  reads: { free: 0.1, perUnit: 0.055, unit: 'GB' },
  writes: { free: 0.1, perUnit: 1.09, unit: 'GB' },
};
const HOURS_A_MONTH = 720;
const DAYS_A_MONTH = 30;

interface Ready {
  type: 'ready';
  url: string;
  email: string;
  projects: number;
  issues: number;
  lowerBound: number;
}
interface Counts {
  type: 'counts';
  counts: { total: number; byPath: Record<string, number> };
  concurrency: { peakInFlight: number };
  /** CPU time of the simulated Jira's process since it started. */
  cpuMs: number;
}
interface Edited {
  type: 'edit';
  issueId: string;
  issueKey: string;
  projectId: string;
  atMs: number;
}

/** The simulated Jira's process and a typed request/answer over its IPC channel. */
class JiraProcess {
  private constructor(private readonly child: ChildProcess) {}

  static async start(): Promise<{ jira: JiraProcess; ready: Ready }> {
    const child = fork(path.join(__dirname, 'jira-process.ts'), [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, PMO_BENCH_KNOBS: JSON.stringify({ latencyMs: LATENCY_MS, maxConcurrent: MAX_CONCURRENT }) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const jira = new JiraProcess(child);
    return { jira, ready: await jira.next<Ready>('ready') };
  }

  private next<T>(type: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the simulated Jira exited (${code})`));
      const onMessage = (message: { type: string }) => {
        if (message.type !== type) return;
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
        resolve(message as T);
      };
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
    });
  }

  ask<T>(message: { type: string; [key: string]: unknown }): Promise<T> {
    const answer = this.next<T>(message.type);
    this.child.send(message);
    return answer;
  }

  stop(): void {
    this.child.kill();
  }
}

/** What one scenario cost: wall time, Jira requests, app CPU, and what Forge bills. */
interface Cost {
  ms: number;
  requests: number;
  byPath: Record<string, number>;
  appCpuS: number;
  usage: UsageTotals;
  /** Queue events pushed, and in the busiest minute. */
  events: { total: number; busiestMinute: number };
  /** KVS and entity calls (each one platform call, however many keys). */
  storageCalls: number;
}

async function measured(site: LocalSite, jira: JiraProcess, work: () => Promise<void>): Promise<Cost> {
  await jira.ask({ type: 'reset' });
  const usageBefore = site.runtime.usage();
  const callsBefore = site.runtime.platformCalls().kvs;
  const cpuBefore = process.cpuUsage();
  const startedAt = Date.now();
  const started = process.hrtime.bigint();
  await work();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuBefore);
  const counts = await jira.ask<Counts>({ type: 'counts' });
  const usageAfter = site.runtime.usage();
  return {
    ms,
    requests: counts.counts.total,
    byPath: counts.counts.byPath,
    appCpuS: (cpu.user + cpu.system) / 1e6,
    usage: {
      invocations: usageAfter.invocations - usageBefore.invocations,
      functionMs: usageAfter.functionMs - usageBefore.functionMs,
      kvsBytesRead: usageAfter.kvsBytesRead - usageBefore.kvsBytesRead,
      kvsBytesWritten: usageAfter.kvsBytesWritten - usageBefore.kvsBytesWritten,
    },
    events: site.runtime.pushedEvents(startedAt),
    storageCalls: site.runtime.platformCalls().kvs - callsBefore,
  };
}

async function runRound(site: LocalSite): Promise<void> {
  await site.runtime.runScheduledTrigger('hourly-sync');
  await site.runtime.drainQueues({ timeoutMs: 30 * 60_000 });
}

function table(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n');
}

/** PMO_BENCH_FULL_ONLY=1: one full sync and stop (for profiling). */
const FULL_ONLY = process.env.PMO_BENCH_FULL_ONLY === '1';
const FULL_RUNS = FULL_ONLY ? 1 : 3;
const MB = 1024 * 1024;
const mb = (bytes: number) => `${(bytes / MB).toFixed(2)} MB`;
const gbs = (cost: Cost) => gbSeconds(cost.usage.functionMs, MEMORY_MB);

const startSite = (ready: Ready): Promise<LocalSite> =>
  startLocalSite({
    port: 0,
    dataDir: ':memory:',
    realJira: { baseUrl: ready.url, email: ready.email, apiToken: 'bench' },
    buildUi: false,
    scheduledTriggers: 'manual',
    log: () => undefined,
  });

const asApp = <T>(site: LocalSite, work: () => Promise<T>) => site.runtime.runAsInvocation({ accountId: null, timeoutMs: 600_000 }, work);

/** How many snapshots a round rewrote: those whose updatedAtMs moved. */
async function snapshotsWritten(site: LocalSite, before: Map<string, number>): Promise<number> {
  const after = await asApp(site, listSnapshots);
  return after.filter((snapshot) => snapshot.updatedAtMs !== before.get(snapshot.projectKey)).length;
}
const snapshotTimes = async (site: LocalSite) => new Map((await asApp(site, listSnapshots)).map((snapshot) => [snapshot.projectKey, snapshot.updatedAtMs]));

function usageRows(cost: Cost): [string, string][] {
  return [
    ['storage written / read', `${mb(cost.usage.kvsBytesWritten)} / ${mb(cost.usage.kvsBytesRead)}`],
    [`function time (GB-s at ${MEMORY_MB / 1024} GB)`, `${(cost.usage.functionMs / 1000).toFixed(1)} s in ${cost.usage.invocations} invocations = ${gbs(cost).toFixed(1)} GB-s`],
    ['queue events (busiest minute)', `${cost.events.total} (${cost.events.busiestMinute})`],
    ['storage calls', String(cost.storageCalls)],
  ];
}

async function main(): Promise<void> {
  const { jira, ready } = await JiraProcess.start();
  let site: LocalSite | null = null;
  try {
    const bound = ready.lowerBound;
    console.log(
      `Sync benchmark: ${ready.projects} projects, ${ready.issues.toLocaleString('en')} issues; simulated Jira (own process) ${LATENCY_MS} ms a request, ${MAX_CONCURRENT} at once`,
    );

    // Each full sync starts from empty app storage (a new site) against the same Jira.
    const runs: (Cost & { jiraCpuS: number; peak: number; done: string })[] = [];
    for (let run = 0; run < FULL_RUNS; run++) {
      await site?.close();
      site = await startSite(ready);
      const jiraCpuBefore = (await jira.ask<Counts>({ type: 'counts' })).cpuMs;
      const current = site;
      const cost = await measured(current, jira, () => runRound(current));
      const counts = await jira.ask<Counts>({ type: 'counts' });
      const progress = await asApp(current, async () => roundProgress((await getLatestRound())!.roundId, async (round) => new Set(round.projectKeys)));
      runs.push({ ...cost, jiraCpuS: (counts.cpuMs - jiraCpuBefore) / 1000, peak: counts.concurrency.peakInFlight, done: `${progress?.done} / ${progress?.failed} of ${progress?.total}` });
    }
    if (!site) throw new Error('no site');
    const wallBoundMs = (bound * LATENCY_MS) / MAX_CONCURRENT;
    const full = runs[runs.length - 1];
    const wallMs = median(runs.map((run) => run.ms));
    const requests = median(runs.map((run) => run.requests));
    console.log(`\nFull sync from empty storage, ${FULL_RUNS} runs (median)`);
    console.log(
      table([
        ['projects done / failed', full.done],
        ['requests', requests.toLocaleString('en')],
        ['lower bound', bound.toLocaleString('en')],
        ['requests / lower bound', (requests / bound).toFixed(3)],
        ['wall time', `${(wallMs / 1000).toFixed(1)} s (runs: ${runs.map((run) => (run.ms / 1000).toFixed(1)).join(', ')} s)`],
        [`lower bound x ${LATENCY_MS} ms / ${MAX_CONCURRENT}`, `${(wallBoundMs / 1000).toFixed(1)} s`],
        ['wall time / bound', (wallMs / wallBoundMs).toFixed(3)],
        ['peak requests in flight', String(Math.max(...runs.map((run) => run.peak)))],
        ['CPU: app / simulated Jira', `${median(runs.map((run) => run.appCpuS)).toFixed(1)} s / ${median(runs.map((run) => run.jiraCpuS)).toFixed(1)} s`],
        ...usageRows(full),
      ]),
    );
    console.log(`  by endpoint: ${JSON.stringify(full.byPath)}`);
    if (FULL_ONLY) return;
    const current = site;

    // A round in which nothing changed in Jira.
    let times = await snapshotTimes(current);
    const quiet = await measured(current, jira, () => runRound(current));
    console.log('\nA round where nothing changed');
    console.log(
      table([
        ['requests', `${quiet.requests} ${JSON.stringify(quiet.byPath)}`],
        ['wall time', `${(quiet.ms / 1000).toFixed(2)} s`],
        ['snapshots rewritten', String(await snapshotsWritten(current, times))],
        ...usageRows(quiet),
      ]),
    );

    // A round after 1% of the issues changed, spread over every project.
    const { changed } = await jira.ask<{ changed: number }>({ type: 'change', share: CHANGED_SHARE });
    times = await snapshotTimes(current);
    const incremental = await measured(current, jira, () => runRound(current));
    const searchPages = incremental.byPath['POST /rest/api/3/search/jql'] ?? 0;
    const bulkfetches = incremental.byPath['POST /rest/api/3/changelog/bulkfetch'] ?? 0;
    // The issue step's pages are a chain (each needs the last one's token), then one bulkfetch per 1,000.
    const chainMs = (searchPages + bulkfetches) * LATENCY_MS;
    const allowedMs = 2 * (chainMs + incremental.appCpuS * 1000);
    console.log(`\nA round after ${changed.toLocaleString('en')} issues (${CHANGED_SHARE * 100}%) changed, spread over every project`);
    console.log(
      table([
        ['requests', `${incremental.requests} (${(incremental.requests / changed).toFixed(3)} per changed issue)`],
        ['wall time', `${(incremental.ms / 1000).toFixed(1)} s`],
        ['lower bound of its requests', `${(chainMs / 1000).toFixed(2)} s (${searchPages} search pages + ${bulkfetches} bulkfetch in a chain, ${LATENCY_MS} ms each)`],
        ['compute of the projects that changed', `${incremental.appCpuS.toFixed(1)} s of app CPU (${await snapshotsWritten(current, times)} snapshots recomputed)`],
        ['wall / (bound + compute)', `${(incremental.ms / (chainMs + incremental.appCpuS * 1000)).toFixed(2)} (target ≤ 2: ${(allowedMs / 1000).toFixed(1)} s)`],
        ['written vs the full sync', `${((incremental.usage.kvsBytesWritten / full.usage.kvsBytesWritten) * 100).toFixed(1)}% (target ≤ 10%)`],
        ...usageRows(incremental),
      ]),
    );
    console.log(`  by endpoint: ${JSON.stringify(incremental.byPath)}`);

    // A day later: the first round of a day recomputes every project once (metrics depend on today)
    // and runs each project's ids-only pass, which finds deleted and moved issues.
    await asApp(current, async () => {
      for (const snapshot of await listSnapshots()) {
        const yesterday = new Date(Date.parse(snapshot.status.computedAt ?? new Date().toISOString()) - 86_400_000).toISOString();
        await setSnapshot({ ...snapshot, status: { ...snapshot.status, computedAt: yesterday } });
        const state = await getSyncState(snapshot.projectKey);
        await setSyncState({ ...state, lastFullPassMs: (state.lastFullPassMs ?? 0) - 86_400_000 });
      }
    });
    times = await snapshotTimes(current);
    const daily = await measured(current, jira, () => runRound(current));
    console.log('\nThe first round of a day (every project recomputed once, its daily ids-only pass)');
    console.log(
      table([
        ['requests', String(daily.requests)],
        ['wall time', `${(daily.ms / 1000).toFixed(1)} s`],
        ['snapshots recomputed', String(await snapshotsWritten(current, times))],
        ...usageRows(daily),
      ]),
    );

    // Edits through the event path: a product event per edit, as Jira's webhooks send them.
    const projectKeys = (await asApp(current, listSnapshots)).map((snapshot) => snapshot.projectKey).slice(0, EVENT_EDITS);
    const latencies: number[] = [];
    const dataWritten: number[] = [];
    const itemBytes: number[] = [];
    const bucketBytes = async (key: string) =>
      asApp(current, async () => {
        const values = new Map<string, number>();
        let cursor: string | undefined;
        do {
          let query = kvs.query().where('key', WhereConditions.beginsWith(`project:${key}:d:`)).limit(100);
          if (cursor) query = query.cursor(cursor);
          const page = await query.getMany();
          for (const result of page.results) values.set(result.key, Buffer.byteLength(JSON.stringify(result.value)));
          cursor = page.nextCursor;
        } while (cursor);
        const head = await kvs.get(`project:${key}:head`);
        return { values, head: Buffer.byteLength(JSON.stringify(head)) };
      });
    const beforeData = new Map(await Promise.all(projectKeys.map(async (key) => [key, await bucketBytes(key)] as const)));
    const events = await measured(current, jira, async () => {
      await Promise.all(
        projectKeys.map(async (projectKey, index) => {
          await new Promise((resolve) => setTimeout(resolve, index * 250));
          const edit = await jira.ask<Edited>({ type: 'edit', projectKey });
          // Watched from outside any invocation, so the watching is not billed with the edit.
          const before = await getSnapshot(projectKey);
          current.runtime.emitProductEvent('avi:jira:updated:issue', { issue: { id: edit.issueId, key: edit.issueKey, fields: { project: { id: edit.projectId, key: projectKey } } } });
          for (;;) {
            const snapshot = await getSnapshot(projectKey);
            if (snapshot && snapshot.updatedAtMs !== before?.updatedAtMs) break;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
          latencies.push(Date.now() - edit.atMs);
        }),
      );
      await current.runtime.drainQueues({ timeoutMs: 120_000 });
    });
    for (const key of projectKeys) {
      const before = beforeData.get(key)!;
      const after = await bucketBytes(key);
      // The buckets the edit wrote (new keys) and the head: what the layout cost it.
      dataWritten.push([...after.values].filter(([name]) => !before.values.has(name)).reduce((sum, [, bytes]) => sum + bytes, 0) + after.head);
      const data = await asApp(current, () => loadProjectData(key));
      const item = data?.items.find((entry) => entry.summary.endsWith('(edited now)'));
      itemBytes.push(item ? Buffer.byteLength(JSON.stringify({ item, worklogs: data?.worklogs.filter((worklog) => worklog.issueKey === item.key) })) : 1);
    }
    const perEdit = (value: number) => value / EVENT_EDITS;
    const dataRatio = median(dataWritten.map((bytes, index) => bytes / itemBytes[index]));
    console.log(`\nEdits through the event path: ${EVENT_EDITS} edits, each in its own project, a product event each (refresh after a ${15} s debounce)`);
    console.log(
      table([
        ['edit to updated snapshot', `median ${(median(latencies) / 1000).toFixed(1)} s (fastest ${(Math.min(...latencies) / 1000).toFixed(1)} s, slowest ${(Math.max(...latencies) / 1000).toFixed(1)} s)`],
        ['Jira requests per edit', (events.requests / EVENT_EDITS).toFixed(1)],
        ['storage written / read per edit', `${(perEdit(events.usage.kvsBytesWritten) / 1024).toFixed(1)} KB / ${(perEdit(events.usage.kvsBytesRead) / 1024).toFixed(1)} KB`],
        ['project data written per edit', `${(median(dataWritten) / 1024).toFixed(1)} KB for an item of ${(median(itemBytes) / 1024).toFixed(1)} KB: ${dataRatio.toFixed(1)} x its size (median)`],
        [`function time per edit (GB-s at ${MEMORY_MB / 1024} GB)`, `${(perEdit(events.usage.functionMs) / 1000).toFixed(2)} s = ${perEdit(gbs(events)).toFixed(3)} GB-s`],
      ]),
    );

    // The monthly bill of a site like this one with 1% of its issues changing every hour.
    const changesAMonth = changed * HOURS_A_MONTH;
    const month = (withEvents: boolean) => {
      const scenarios = [
        { cost: incremental, times: HOURS_A_MONTH - DAYS_A_MONTH },
        { cost: daily, times: DAYS_A_MONTH },
        ...(withEvents ? [{ cost: events, times: changesAMonth / EVENT_EDITS }] : []),
      ];
      const sum = (pick: (cost: Cost) => number) => scenarios.reduce((total, scenario) => total + pick(scenario.cost) * scenario.times, 0);
      const use = { compute: sum(gbs), reads: sum((cost) => cost.usage.kvsBytesRead) / 1024 ** 3, writes: sum((cost) => cost.usage.kvsBytesWritten) / 1024 ** 3 };
      const charges = Object.fromEntries(
        (Object.keys(PRICES) as (keyof typeof PRICES)[]).map((kind) => [kind, Math.max(0, use[kind] - PRICES[kind].free) * PRICES[kind].perUnit]),
      ) as Record<keyof typeof PRICES, number>;
      const row = (kind: keyof typeof PRICES): [string, string] => [
        `  ${kind}`,
        `${use[kind].toLocaleString('en', { maximumFractionDigits: kind === 'compute' ? 0 : 2 })} ${PRICES[kind].unit} (free ${PRICES[kind].free.toLocaleString('en')}): ${charges[kind] === 0 ? 'inside the allowance' : `${charges[kind].toFixed(2)} USD`}`,
      ];
      return { rows: [row('compute'), row('reads'), row('writes')], total: charges.compute + charges.reads + charges.writes };
    };
    const roundsOnly = month(false);
    const withEvents = month(true);
    console.log(`\nProjected monthly Forge bill: this site, ${changed.toLocaleString('en')} issues (1%) changing every hour`);
    console.log(`  hourly rounds only (${HOURS_A_MONTH - DAYS_A_MONTH} like the 1% round, ${DAYS_A_MONTH} first rounds of a day):`);
    console.log(table(roundsOnly.rows));
    console.log(`    total ${roundsOnly.total.toFixed(2)} USD a month`);
    console.log(`  and every change also through the event path (${changesAMonth.toLocaleString('en')} refreshes, none coalesced):`);
    console.log(table(withEvents.rows));
    console.log(`    total ${withEvents.total.toFixed(2)} USD a month`);

    const admin = current.directory.defaultAccountId();
    const openPage = async () => {
      const before = current.runtime.platformCalls();
      const answer = (await current.invoke('pmo-portfolio-page', 'portfolio/page', {}, admin)) as Answer<PortfolioPage>;
      const after = current.runtime.platformCalls();
      if (!answer.ok) throw new Error(`portfolio/page: ${answer.error.message}`);
      return { answer, calls: `${after.total - before.total} (storage ${after.kvs - before.kvs}, Jira ${after.product - before.product})` };
    };
    const afterDaily = await openPage();
    // A round that rewrote no snapshot: the page also reads its quiet records to count it done.
    await runRound(current);
    const afterQuiet = await openPage();
    console.log('\nOpening the portfolio page (portfolio/page as the site admin)');
    console.log(
      table([
        ['rows', String(afterDaily.answer.data.rows.length)],
        ['platform calls', `${afterDaily.calls} after a round that wrote every snapshot; ${afterQuiet.calls} after one that wrote none (finished: ${String(afterQuiet.answer.data.sync?.finished)})`],
        ['answer size', `${(JSON.stringify(afterDaily.answer).length / 1024).toFixed(0)} KB`],
      ]),
    );
    const head = await asApp(current, () => loadProjectHead(projectKeys[0]));
    console.log(`\nApp process peak RSS ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB; ${projectKeys[0]} is stored in ${head?.buckets} buckets`);
  } finally {
    await site?.close();
    jira.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
