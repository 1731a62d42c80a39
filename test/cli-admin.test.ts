/** `pmo budgets import`, `pmo settings export|import` and `pmo report --settings` as a person runs them. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadDatasetFile } from '../local/jira/validate';
import { userByName } from './demo-fixture';

const PMO = path.join(__dirname, '..', 'bin', 'pmo.js');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pmo-cli-admin-'));
const dataDir = path.join(work, 'site');
const datasetFile = path.join(work, 'demo.json');

function pmo(...args: string[]) {
  const result = spawnSync(process.execPath, [PMO, ...args], { encoding: 'utf8', env: { ...process.env, JIRA_BASE_URL: '', JIRA_EMAIL: '', JIRA_API_TOKEN: '' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
const write = (name: string, text: string): string => {
  const file = path.join(work, name);
  fs.writeFileSync(file, text);
  return file;
};

beforeAll(() => {
  expect(pmo('seed', '--out', datasetFile, '--now', '2026-06-15').status).toBe(0);
  expect(pmo('seed', '--data-dir', dataDir, '--now', '2026-06-15').status).toBe(0);
}, 120_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const dataset = () => loadDatasetFile(datasetFile);

describe('pmo budgets import', () => {
  it('imports a file as the site admin, prints the summary, and the data folder keeps it', () => {
    const [one, two] = dataset().issues;
    const file = write('budgets.csv', `issue key,planned budget,actual cost\n${one.key},1234.5,100\n${two.key},,clear\n`);
    const dry = pmo('budgets', 'import', file, '--data-dir', dataDir, '--dry-run');
    expect(dry.stderr).not.toMatch(/error/i);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toMatch(/^Would change \d+ values from 2 rows/);
    expect(dry.stdout).toContain(`${one.key} Planned budget:`);
    const done = pmo('budgets', 'import', file, '--data-dir', dataDir);
    expect(done.status).toBe(0);
    expect(done.stdout).toMatch(/^Imported 2 rows: \d+ values changed on \d+ items/);
    expect(done.stdout).toContain(`${one.key} Planned budget: `);
    expect(done.stdout).toContain('-> 1,234.5');
    // Imported already: the same file again changes nothing.
    const again = pmo('budgets', 'import', file, '--data-dir', dataDir);
    expect(again.stdout).toMatch(/^Imported 2 rows: 0 values changed on 0 items/);
  }, 120_000);

  it('refuses a file with a bad row with exit code 1, naming the row, and a person who is not a PMO editor', () => {
    const [one] = dataset().issues;
    const bad = write('bad.csv', `issue key,planned budget,actual cost\n${one.key},1,1\nnope,12.345,1\n`);
    const refused = pmo('budgets', 'import', bad, '--data', datasetFile);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('Line 3: "NOPE" is not an issue key (like PROJ-123); planned budget "12.345" has more than 2 decimals.');
    const manager = dataset().users.find((user) => user.groups.includes('project-managers'))!;
    const good = write('good.csv', `issue key,planned budget,actual cost\n${one.key},1,1\n`);
    const notEditor = pmo('budgets', 'import', good, '--data', datasetFile, '--as', manager.emailAddress);
    expect(notEditor.status).toBe(1);
    expect(notEditor.stderr).toMatch(/Only Jira administrators/);
  }, 120_000);
});

describe('pmo settings export|import and report --settings', () => {
  it('exports the settings, imports a changed document, and refuses a bad one with its problems', () => {
    const exported = path.join(work, 'settings.json');
    const result = pmo('settings', 'export', exported, '--data-dir', dataDir);
    expect(result.status).toBe(0);
    const document = JSON.parse(fs.readFileSync(exported, 'utf8')) as Record<string, unknown>;
    const changed = write('changed.json', JSON.stringify({ ...document, currency: 'EUR' }));
    const imported = pmo('settings', 'import', changed, '--data-dir', dataDir);
    expect(imported.status).toBe(0);
    expect(imported.stdout).toMatch(/paths changed:\n {2}currency/);
    const again = path.join(work, 'again.json');
    expect(pmo('settings', 'export', again, '--data-dir', dataDir).status).toBe(0);
    expect(JSON.parse(fs.readFileSync(again, 'utf8')).currency).toBe('EUR');

    const bad = write('bad-settings.json', JSON.stringify({ ...document, currency: 'euros' }));
    const refused = pmo('settings', 'import', bad, '--data-dir', dataDir);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/currency/);
    const notEditor = pmo('settings', 'import', changed, '--data-dir', dataDir, '--as', userByName(dataset(), 'Oskar Brandt').emailAddress);
    expect(notEditor.status).toBe(1);
  }, 180_000);

  it('reports under a given settings document and refuses a bad one before starting', () => {
    const exported = path.join(work, 'for-report.json');
    expect(pmo('settings', 'export', exported, '--data', datasetFile).status).toBe(0);
    const document = JSON.parse(fs.readFileSync(exported, 'utf8')) as Record<string, unknown>;
    // Every hour at 1,000 from the first day: the actual cost counts every worklog at that rate.
    const rates = { ...(document.rates as object), siteDefault: [{ from: '2000-01-01', hourlyRate: 1000 }], byPerson: {}, byGroup: [] };
    const file = write('report-settings.json', JSON.stringify({ ...document, rates }));
    const key = dataset().projects[0].key;
    const actualCost = (stdout: string): unknown => (JSON.parse(stdout) as { projects: { metrics: { earnedValue: { ac: unknown } } }[] }).projects[0].metrics.earnedValue.ac;
    const plain = pmo('report', '--data', datasetFile, '--project', key);
    const report = pmo('report', '--data', datasetFile, '--project', key, '--settings', file);
    expect(report.status).toBe(0);
    expect(actualCost(report.stdout)).not.toEqual(actualCost(plain.stdout));
    const bad = write('report-bad.json', JSON.stringify({ ...document, currency: 12 }));
    const refused = pmo('report', '--data', datasetFile, '--settings', bad);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/is not a valid settings document:\n {2}.*currency/);
  }, 120_000);
});
