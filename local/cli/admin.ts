/**
 * `pmo budgets import` and `pmo settings export|import`: the settings page's imports and export run
 * through its resolver on a local site, as a person (the site admin by default), with the same
 * checks as on the page: a file with any problem is refused whole and its problems printed.
 */
import fs from 'node:fs';
import type { Answer, BudgetImportPreview, BudgetImportSummary, SettingsExport, SettingsSaved, SettingsView } from '../../src/shared/contract';
import { parseSettingsDocument, type SettingsDocumentInput } from '../../src/settings/schema';
import { realJiraFromEnvironment, startLocalSite, type LocalSite } from '../site/site';

export interface AdminOptions {
  as?: string;
  dataDir: string;
  data?: string;
}

/** The person named by --as (account id, email or display name); the site admin without it. */
export function personOf(site: LocalSite, as: string | undefined): string {
  if (as === undefined) return site.directory.defaultAccountId();
  const users = site.directory.listUsers();
  const wanted = as.trim().toLowerCase();
  const user = wanted === '' ? undefined : users.find((candidate) => [candidate.accountId, candidate.emailAddress, candidate.displayName].some((name) => name.toLowerCase() === wanted));
  if (!user) throw new Error(`--as "${as}" is not an active user: give the account id, email address or display name of one of the ${users.length} active users.`);
  return user.accountId;
}

/** A resolver's data, or its error (with every problem it names) as the command's error. */
function unwrap<T>(answer: Answer<T>): T {
  if (answer.ok) return answer.data;
  const details = answer.error.details?.length ? `\n  ${answer.error.details.join('\n  ')}` : '';
  throw new Error(`${answer.error.message}${details}`);
}

async function withSite<T>(options: AdminOptions, work: (site: LocalSite, accountId: string) => Promise<T>): Promise<T> {
  const site = await startLocalSite({
    port: 0,
    dataDir: options.data ? ':memory:' : options.dataDir,
    dataset: options.data ? { kind: 'file', path: options.data } : { kind: 'keep' },
    realJira: realJiraFromEnvironment(),
    buildUi: false,
    log: (line) => console.error(line),
  });
  try {
    return await work(site, personOf(site, options.as));
  } finally {
    await site.close();
  }
}

const money = (value: number | null): string => (value === null ? '(empty)' : value.toLocaleString('en-US', { maximumFractionDigits: 2 }));

export function budgetSummaryText(summary: BudgetImportSummary | BudgetImportPreview, dryRun: boolean): string {
  const lines = summary.changes.map((change) => `  ${change.issueKey} ${change.field === 'plannedBudget' ? 'Planned budget' : 'Actual cost'}: ${money(change.oldValue)} -> ${money(change.newValue)}`);
  const head =
    'itemsChanged' in summary
      ? `Imported ${summary.rows} rows: ${summary.valuesChanged} values changed on ${summary.itemsChanged} items, ${summary.valuesUnchanged} already as the file says.`
      : `${dryRun ? 'Would change' : 'Changes'} ${summary.changes.length} values from ${summary.rows} rows; ${summary.valuesUnchanged} already as the file says. Nothing was written.`;
  const projects = 'byProject' in summary ? summary.byProject.map((entry) => `  ${entry.projectKey}: ${entry.valuesChanged} values on ${entry.itemsChanged} items`) : [];
  return `${[head, ...projects, ...lines].join('\n')}\n`;
}

export async function budgetsImport(file: string, options: AdminOptions & { dryRun?: boolean }): Promise<void> {
  const csv = fs.readFileSync(file, 'utf8');
  await withSite(options, async (site, accountId) => {
    const preview = unwrap((await site.invoke('pmo-settings', 'budgets/preview', { csv }, accountId)) as Answer<BudgetImportPreview>);
    if (!preview.ok) throw new Error(`${file} was not imported: ${preview.problems.length} ${preview.problems.length === 1 ? 'problem' : 'problems'}, nothing was changed.\n  ${preview.problems.map((problem) => problem.message).join('\n  ')}`);
    if (options.dryRun) {
      process.stdout.write(budgetSummaryText(preview, true));
      return;
    }
    const summary = unwrap((await site.invoke('pmo-settings', 'budgets/import', { csv }, accountId)) as Answer<BudgetImportSummary>);
    process.stdout.write(budgetSummaryText(summary, false));
  });
}

export async function settingsExport(file: string, options: AdminOptions): Promise<void> {
  await withSite(options, async (site, accountId) => {
    const exported = unwrap((await site.invoke('pmo-settings', 'settings/export', {}, accountId)) as Answer<SettingsExport>);
    fs.writeFileSync(file, exported.json);
    console.log(`Wrote the settings document to ${file}.`);
  });
}

export async function settingsImport(file: string, options: AdminOptions): Promise<void> {
  const json = fs.readFileSync(file, 'utf8');
  await withSite(options, async (site, accountId) => {
    const current = unwrap((await site.invoke('pmo-settings', 'settings/get', {}, accountId)) as Answer<SettingsView>);
    const saved = unwrap((await site.invoke('pmo-settings', 'settings/import', { expectedVersion: current.version, json }, accountId)) as Answer<SettingsSaved>);
    console.log(
      saved.changedPaths.length === 0
        ? `Imported ${file}: it is the settings in force, nothing changed (version ${saved.version}).`
        : `Imported ${file}: version ${saved.version}, ${saved.changedPaths.length} paths changed:\n  ${saved.changedPaths.join('\n  ')}`,
    );
  });
}

/** The settings document of `pmo report --settings FILE`, checked whole: every wrong path is named. */
export function readSettingsFile(file: string): SettingsDocumentInput {
  let input: unknown;
  try {
    input = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file} is not a settings document: it is not JSON (${error instanceof Error ? error.message : String(error)}).`);
  }
  const parsed = parseSettingsDocument(input);
  if (!parsed.ok) throw new Error(`${file} is not a valid settings document:\n  ${parsed.problems.join('\n  ')}`);
  return input as SettingsDocumentInput;
}
