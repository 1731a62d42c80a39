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
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { startLocalSite, type LocalSite } from '../local/site/site';
import type { Answer, PortfolioPage } from '../src/shared/contract';
import { getLatestRound, roundProgress } from '../src/store/syncRounds';

const LATENCY_MS = 150;
const MAX_CONCURRENT = 10;
const CHANGED_SHARE = 0.01;

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

async function runRound(site: LocalSite): Promise<number> {
  const started = process.hrtime.bigint();
  await site.runtime.runScheduledTrigger('hourly-sync');
  await site.runtime.drainQueues({ timeoutMs: 30 * 60_000 });
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function table(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n');
}

const FULL_RUNS = 3;

const startSite = (ready: Ready): Promise<LocalSite> =>
  startLocalSite({
    port: 0,
    dataDir: ':memory:',
    realJira: { baseUrl: ready.url, email: ready.email, apiToken: 'bench' },
    buildUi: false,
    scheduledTriggers: 'manual',
    log: () => undefined,
  });

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const { jira, ready } = await JiraProcess.start();
  let site: LocalSite | null = null;
  try {
    const bound = ready.lowerBound;
    console.log(
      `Sync benchmark: ${ready.projects} projects, ${ready.issues.toLocaleString('en')} issues; simulated Jira (own process) ${LATENCY_MS} ms a request, ${MAX_CONCURRENT} at once`,
    );

    // Each full sync starts from empty app storage (a new site) against the same Jira.
    const runs: { ms: number; requests: number; appCpuS: number; jiraCpuS: number; counts: Counts; done: string }[] = [];
    for (let run = 0; run < FULL_RUNS; run++) {
      await site?.close();
      site = await startSite(ready);
      await jira.ask({ type: 'reset' });
      const jiraCpuBefore = (await jira.ask<Counts>({ type: 'counts' })).cpuMs;
      const appCpuBefore = process.cpuUsage();
      const ms = await runRound(site);
      const appCpu = process.cpuUsage(appCpuBefore);
      const counts = await jira.ask<Counts>({ type: 'counts' });
      const progress = await site.runtime.runAsInvocation({ accountId: null }, async () => roundProgress((await getLatestRound())!.roundId, async (round) => new Set(round.projectKeys)));
      runs.push({
        ms,
        requests: counts.counts.total,
        appCpuS: (appCpu.user + appCpu.system) / 1e6,
        jiraCpuS: (counts.cpuMs - jiraCpuBefore) / 1000,
        counts,
        done: `${progress?.done} / ${progress?.failed} of ${progress?.total}`,
      });
    }
    const wallBoundMs = (bound * LATENCY_MS) / MAX_CONCURRENT;
    const wallMs = median(runs.map((run) => run.ms));
    const requests = median(runs.map((run) => run.requests));
    console.log(`\nFull sync from empty storage, ${FULL_RUNS} runs (median)`);
    console.log(
      table([
        ['projects done / failed', runs[runs.length - 1].done],
        ['requests', requests.toLocaleString('en')],
        ['lower bound', bound.toLocaleString('en')],
        ['requests / lower bound', (requests / bound).toFixed(3)],
        ['wall time', `${(wallMs / 1000).toFixed(1)} s (runs: ${runs.map((run) => (run.ms / 1000).toFixed(1)).join(', ')} s)`],
        [`lower bound x ${LATENCY_MS} ms / ${MAX_CONCURRENT}`, `${(wallBoundMs / 1000).toFixed(1)} s`],
        ['wall time / bound', (wallMs / wallBoundMs).toFixed(3)],
        ['peak requests in flight', String(Math.max(...runs.map((run) => run.counts.concurrency.peakInFlight)))],
        ['CPU: app / simulated Jira', `${median(runs.map((run) => run.appCpuS)).toFixed(1)} s / ${median(runs.map((run) => run.jiraCpuS)).toFixed(1)} s`],
      ]),
    );
    console.log(`  by endpoint: ${JSON.stringify(runs[runs.length - 1].counts.counts.byPath)}`);
    if (!site) throw new Error('no site');

    const { changed } = await jira.ask<{ changed: number }>({ type: 'change', share: CHANGED_SHARE });
    await jira.ask({ type: 'reset' });
    const incrementalMs = await runRound(site);
    const incremental = await jira.ask<Counts>({ type: 'counts' });
    console.log(`\nIncremental round after ${changed.toLocaleString('en')} issues (${CHANGED_SHARE * 100}%) changed, spread over every project`);
    console.log(
      table([
        ['requests', incremental.counts.total.toLocaleString('en')],
        ['requests per changed issue', (incremental.counts.total / changed).toFixed(3)],
        ['wall time', `${(incrementalMs / 1000).toFixed(1)} s`],
      ]),
    );
    console.log(`  by endpoint: ${JSON.stringify(incremental.counts.byPath)}`);

    const admin = site.directory.defaultAccountId();
    const before = site.runtime.platformCalls();
    const answer = (await site.invoke('pmo-portfolio-page', 'portfolio/page', {}, admin)) as Answer<PortfolioPage>;
    const after = site.runtime.platformCalls();
    if (!answer.ok) throw new Error(`portfolio/page: ${answer.error.message}`);
    console.log('\nOpening the portfolio page (portfolio/page as the site admin)');
    console.log(
      table([
        ['rows', String(answer.data.rows.length)],
        ['platform calls', `${after.total - before.total} (storage ${after.kvs - before.kvs}, Jira ${after.product - before.product})`],
        ['answer size', `${(JSON.stringify(answer).length / 1024).toFixed(0)} KB`],
      ]),
    );
    console.log(`\nApp process peak RSS ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB`);
  } finally {
    await site?.close();
    jira.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
