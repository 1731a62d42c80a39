/**
 * The pmo command line: `serve` (the local site), `seed` (dataset files), `report` (portfolio
 * figures through the same resolvers as the UI) and `check-manifest` (the offline manifest check).
 */
import { invokeLiveReport } from '../report/resolver';
import fs from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { isValid, parseISO } from 'date-fns';
import type { Answer, PortfolioFilter } from '../../src/shared/contract';
import type { PortfolioOverviewRequest } from '../report/contract';
import { openJiraDatabase, importDataset } from '../jira/db/database';
import type { JiraKnobsPatch } from '../jira/server';
import { streamDemoDataset, writeDatasetJson, generateDemoDataset, type DemoDatasetSize } from '../jira/seed';
import { realJiraFromEnvironment, startLocalSite, type DatasetSource } from '../site/site';
import { PROJECT_ROOT } from '../site/manifest';
import { budgetsImport, readSettingsFile, settingsExport, settingsImport, type AdminOptions } from './admin';
import { checkManifest } from './checkManifest';
import { formatReport, REPORT_FORMATS, statusReportMarkdown, toReport, type ReportFormat } from './report';

const DEFAULT_DATA_DIR = path.join(PROJECT_ROOT, '.pmo-data');

// Each refusal names the value it got: it is printed as `error: option '--port <port>': <reason>`.
function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError(`a port is a whole number from 0 to 65535, not ${value}`);
  return port;
}
function parseNonNegative(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw new InvalidArgumentError(`expected a number of 0 or more, not ${value}`);
  return number;
}
function parseRate(value: string): number {
  const rate = parseNonNegative(value);
  if (rate > 1) throw new InvalidArgumentError(`a rate is between 0 and 1, not ${value}`);
  return rate;
}
function parseInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number)) throw new InvalidArgumentError(`expected a whole number, not ${value}`);
  return number;
}
function parsePositiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError(`expected a whole number of 1 or more, not ${value}`);
  return number;
}
function parseDay(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !isValid(parseISO(value))) throw new InvalidArgumentError(`expected a date as YYYY-MM-DD, not ${value}`);
  return value;
}
function parseExistingFile(value: string): string {
  let stats: fs.Stats | undefined;
  try {
    stats = fs.statSync(value);
  } catch {
    throw new InvalidArgumentError(`no file at ${value}`);
  }
  if (!stats.isFile()) throw new InvalidArgumentError(`${value} is a folder, not a file`);
  return path.resolve(value);
}

/** Commander's wording for a refused option value, and the one line pmo prints instead. */
const INVALID_OPTION_VALUE = /^error: option '(.+)' argument '(.*)' is invalid\. (.*)$/s;

export function oneLineValueError(message: string): string {
  const match = INVALID_OPTION_VALUE.exec(message);
  if (!match) return message;
  const [, flags, value, reason] = match;
  return `error: option '${flags}': ${reason.includes(value) ? reason : `'${value}' is invalid. ${reason}`}`;
}

/**
 * The pmo commands. A usage mistake (an unknown command or option, a missing value) is followed by
 * the command's help; a value an option refuses (`--data /nope.json`, `--port 99999`) is one line
 * naming the option and what is wrong with the value, without the help, which would bury it.
 * Every pmo command shows help after errors, so that is what is restored.
 */
class PmoCommand extends Command {
  override createCommand(name?: string): Command {
    return new PmoCommand(name);
  }

  override error(message: string, errorOptions?: { code?: string; exitCode?: number }): never {
    if (errorOptions?.code !== 'commander.invalidArgument') return super.error(message, errorOptions);
    this.showHelpAfterError(false);
    try {
      return super.error(oneLineValueError(message), errorOptions);
    } finally {
      this.showHelpAfterError(true);
    }
  }
}

const sizeOption = () => new Option('--size <size>', 'demo portfolio size: demo (13 projects) or large (200 projects, 100,000 issues)').choices(['demo', 'large']);

export interface ServeOptions {
  port: number;
  dataDir: string;
  size?: DemoDatasetSize;
  data?: string;
  reseed?: boolean;
  seed?: number;
  latency?: number;
  failureRate?: number;
  rateLimit?: number;
  retryAfter: boolean;
  faultSeed?: number;
  jiraMaxConcurrent?: number;
}

function datasetSource(options: { size?: DemoDatasetSize; data?: string; reseed?: boolean; seed?: number }): DatasetSource {
  if (options.data) return { kind: 'file', path: options.data };
  if (options.size || options.reseed || options.seed !== undefined) return { kind: 'demo', size: options.size ?? 'demo', seed: options.seed };
  return { kind: 'keep' };
}

/** The simulated Jira's knobs that `serve`'s flags set. */
export function serveKnobs(options: ServeOptions): JiraKnobsPatch {
  return {
    ...(options.latency !== undefined ? { latencyMs: options.latency } : {}),
    ...(options.failureRate !== undefined ? { failureRate: options.failureRate } : {}),
    ...(options.rateLimit !== undefined ? { rateLimit: { everyNth: options.rateLimit, retryAfter: options.retryAfter } } : {}),
    ...(options.faultSeed !== undefined ? { seed: options.faultSeed } : {}),
    ...(options.jiraMaxConcurrent !== undefined ? { maxConcurrent: options.jiraMaxConcurrent } : {}),
  };
}

async function serve(options: ServeOptions): Promise<void> {
  const site = await startLocalSite({
    syncOnStart: true,
    port: options.port,
    dataDir: options.dataDir,
    dataset: datasetSource(options),
    realJira: realJiraFromEnvironment(),
    knobs: serveKnobs(options),
  });
  console.log(`PMO Portfolio local site: ${site.url}/`);
  console.log(`Simulated Jira Cloud REST API: ${site.jiraUrl}/rest/api/3/`);
  console.log('Press Ctrl-C to stop.');
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      console.log('\nStopping…');
      site.close().then(resolve, (error: unknown) => {
        console.error(error);
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

interface SeedOptions {
  out?: string;
  dataDir: string;
  size: DemoDatasetSize;
  seed?: number;
  now?: string;
}

function seed(options: SeedOptions): void {
  const now = options.now ? new Date(`${options.now}T09:00:00Z`) : undefined;
  const started = Date.now();
  if (options.out) {
    const out = fs.openSync(options.out, 'w');
    try {
      writeDatasetJson(streamDemoDataset({ size: options.size, seed: options.seed, now }), (chunk) => fs.writeSync(out, chunk));
    } finally {
      fs.closeSync(out);
    }
    console.log(`Wrote the ${options.size} portfolio to ${options.out} in ${Date.now() - started} ms.`);
    return;
  }
  fs.mkdirSync(options.dataDir, { recursive: true });
  const db = openJiraDatabase(path.join(options.dataDir, 'jira.sqlite'));
  try {
    const summary = importDataset(db, generateDemoDataset({ size: options.size, seed: options.seed, now }));
    console.log(`Seeded ${options.dataDir} with the ${options.size} portfolio (${JSON.stringify(summary)}) in ${Date.now() - started} ms.`);
  } finally {
    db.close();
  }
}

interface ReportOptions {
  project?: string;
  portfolio?: string;
  format: ReportFormat;
  asOf?: string;
  data?: string;
  as?: string;
  dataDir: string;
  settings?: string;
}

async function report(options: ReportOptions): Promise<void> {
  if (options.project && options.portfolio) throw new Error('Give --project or --portfolio, not both.');
  // Checked whole before any site starts; reported under, never stored.
  const settings = options.settings ? readSettingsFile(options.settings) : undefined;
  const realJira = realJiraFromEnvironment();
  const site = await startLocalSite({
    port: 0,
    // A dataset file is reported on its own, without touching the data folder.
    dataDir: options.data ? ':memory:' : options.dataDir,
    dataset: options.data ? { kind: 'file', path: options.data } : { kind: 'keep' },
    realJira,
    buildUi: false,
    log: (line) => console.error(line),
  });
  try {
    const users = site.directory.listUsers();
    let accountId = site.directory.defaultAccountId();
    if (options.as !== undefined) {
      // Never the site admin by default once --as is given: an empty or unknown name is refused.
      const wanted = options.as.trim().toLowerCase();
      const user = wanted === '' ? undefined : users.find((candidate) => [candidate.accountId, candidate.emailAddress, candidate.displayName].some((name) => name.toLowerCase() === wanted));
      if (!user) throw new Error(`--as "${options.as}" is not an active user: give the account id, email address or display name of one of the ${users.length} active users.`);
      accountId = user.accountId;
    }
    const filter: PortfolioFilter = options.project
      ? { scope: 'project', projectKey: options.project }
      : options.portfolio
        ? { scope: 'portfolio', portfolioName: options.portfolio }
        : { scope: 'all' };
    const payload: PortfolioOverviewRequest = { filter, ...(options.asOf ? { asOf: options.asOf } : {}), ...(settings ? { settings } : {}) };
    if (options.format === 'md') {
      process.stdout.write(statusReportMarkdown(unwrap(await invokeLiveReport(site, 'report/status', payload, accountId))));
      return;
    }
    // One read of every project as the user: the metrics and each project's row, of the same day.
    const metrics = unwrap(await invokeLiveReport(site, 'portfolio/metrics', payload, accountId));
    const scope = { project: options.project ?? null, portfolio: options.portfolio ?? null };
    process.stdout.write(formatReport(toReport(metrics, scope), options.format));
  } finally {
    await site.close();
  }
}

/** A resolver's data, or its error as the command's error. */
function unwrap<T>(answer: Answer<T>): T {
  if (answer.ok) return answer.data;
  const details = answer.error.details?.length ? `\n  ${answer.error.details.join('\n  ')}` : '';
  throw new Error(`${answer.error.message}${details}`);
}

export function buildProgram(): Command {
  const program = new PmoCommand('pmo').description('PMO Portfolio for Jira: local site, datasets and reports.').showHelpAfterError();
  const dataDirOption = () => new Option('--data-dir <dir>', 'folder of the local site\'s databases').default(DEFAULT_DATA_DIR);

  program
    .command('serve')
    .description('start the local site: simulated Jira, the app\'s functions and its pages')
    .addOption(new Option('--port <port>', 'port on 127.0.0.1').default(8080).argParser(parsePort))
    .addOption(dataDirOption())
    .addOption(sizeOption())
    .option('--data <file>', 'load this dataset file instead of the demo', parseExistingFile)
    .option('--reseed', 'replace the data folder\'s Jira data with a fresh demo portfolio')
    .option('--seed <number>', 'random seed of the demo portfolio', parseInteger)
    .option('--latency <ms>', 'simulated Jira: delay every request by this many milliseconds', parseNonNegative)
    .option('--failure-rate <rate>', 'simulated Jira: answer this share of requests with 500/503 (0 to 1)', parseRate)
    .option('--rate-limit <n>', 'simulated Jira: answer every n-th request with 429', parseInteger)
    .option('--no-retry-after', 'simulated Jira: send 429s without Retry-After')
    .option('--fault-seed <number>', 'simulated Jira: seed of the injected faults', parseInteger)
    .option('--jira-max-concurrent <n>', 'simulated Jira: handle at most n requests at once (latency included); the rest wait in turn', parsePositiveInteger)
    .action((options: ServeOptions) => serve(options));

  program
    .command('seed')
    .description('write the demo portfolio as a dataset file (--out), or load it into the data folder')
    .option('--out <file>', 'write the dataset JSON here')
    .addOption(dataDirOption())
    .addOption(sizeOption().default('demo'))
    .option('--seed <number>', 'random seed', parseInteger)
    .option('--now <date>', 'the day the data ends at (YYYY-MM-DD); today by default', parseDay)
    .action((options: SeedOptions) => seed(options));

  program
    .command('report')
    .description('portfolio figures for every project the user may browse, through the app\'s resolvers')
    .option('--project <key>', 'only this project')
    .option('--portfolio <name>', 'only this portfolio (Jira project category)')
    .addOption(new Option('--format <format>', 'output format').choices(REPORT_FORMATS).default('json'))
    .option('--as-of <date>', 'measure as of this day (YYYY-MM-DD)', parseDay)
    .option('--data <file>', 'report on this dataset file', parseExistingFile)
    .option('--as <user>', 'run as this user (account id, email or display name); the site admin by default')
    .addOption(dataDirOption())
    .option('--settings <file>', 'report under this settings document (JSON, docs/settings.md) instead of the stored one', parseExistingFile)
    .action((options: ReportOptions) => report(options));

  const asOption = () => new Option('--as <user>', 'run as this user (account id, email or display name); the site admin by default');
  const budgets = program.command('budgets').description('the budget fields of many items at once');
  budgets
    .command('import')
    .description('set Planned budget and Actual cost from a CSV (docs/budgets.md), checked whole, as a PMO editor')
    .argument('<file>', 'CSV with the header: issue key, planned budget, actual cost', parseExistingFile)
    .addOption(asOption())
    .option('--dry-run', 'check the file and print what would change, writing nothing')
    .option('--data <file>', 'run on this dataset file (in memory) instead of the data folder', parseExistingFile)
    .addOption(dataDirOption())
    .action((file: string, options: AdminOptions & { dryRun?: boolean }) => budgetsImport(file, options));

  const settingsCommand = program.command('settings').description('the PMO settings document as JSON (docs/settings.md)');
  settingsCommand
    .command('export')
    .description('write the settings document to a file')
    .argument('<file>', 'JSON file to write')
    .addOption(asOption())
    .option('--data <file>', 'run on this dataset file (in memory) instead of the data folder', parseExistingFile)
    .addOption(dataDirOption())
    .action((file: string, options: AdminOptions) => settingsExport(file, options));
  settingsCommand
    .command('import')
    .description('replace the settings document with a file, checked whole, as a PMO editor')
    .argument('<file>', 'JSON settings document', parseExistingFile)
    .addOption(asOption())
    .option('--data <file>', 'run on this dataset file (in memory) instead of the data folder', parseExistingFile)
    .addOption(dataDirOption())
    .action((file: string, options: AdminOptions) => settingsImport(file, options));

  program
    .command('check-manifest')
    .description('validate manifest.yml offline, its function handlers and its resource folders')
    .action(async () => {
      const problems = await checkManifest();
      if (problems.length > 0) throw new Error(`manifest.yml has ${problems.length} problem(s):\n${problems.join('\n')}`);
      console.log('manifest.yml is valid: 0 errors; every handler is exported and every resource is built.');
    });

  return program;
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
