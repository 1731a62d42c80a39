/** The pmo command as a person runs it: real processes, real files, real output. */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadDatasetFile } from '../local/jira/validate';
import { browsableProjectKeys, userByName } from './demo-fixture';

const PMO = path.join(__dirname, '..', 'bin', 'pmo.js');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pmo-cli-'));
const datasetFile = path.join(work, 'demo.json');

function pmo(...args: string[]) {
  const result = spawnSync(process.execPath, [PMO, ...args], { encoding: 'utf8', env: { ...process.env, JIRA_BASE_URL: '', JIRA_EMAIL: '', JIRA_API_TOKEN: '' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  const seeded = pmo('seed', '--out', datasetFile, '--now', '2026-06-15');
  expect(seeded.stderr).toBe('');
  expect(seeded.status).toBe(0);
});

test('seed --out writes a dataset file that validates', () => {
  const dataset = loadDatasetFile(datasetFile);
  expect(dataset.projects.length).toBeGreaterThanOrEqual(12);
  expect(dataset.generatedAt.startsWith('2026-06-15')).toBe(true);
});

test('report --format json is the documented report, for the projects the user may browse', () => {
  const dataset = loadDatasetFile(datasetFile);
  const contractor = userByName(dataset, 'Oskar Brandt');
  const result = pmo('report', '--data', datasetFile, '--as', contractor.emailAddress);
  expect(result.status).toBe(0);
  const report = JSON.parse(result.stdout);
  expect(report).toMatchObject({ format: 'pmo-portfolio-report', version: 1, scope: { project: null, portfolio: null } });
  expect(report.viewer.accountId).toBe(contractor.accountId);
  expect(report.projects.map((project: { key: string }) => project.key).sort()).toEqual(browsableProjectKeys(dataset, contractor.accountId));
  expect(Object.keys(report.projects[0]).sort()).toEqual(['id', 'issueCounts', 'key', 'lastUpdated', 'lead', 'metrics', 'name', 'overdueCount', 'percentDone', 'portfolio'].sort());
  expect(Object.keys(report).sort()).toEqual(['asOf', 'format', 'portfolios', 'projects', 'scope', 'total', 'version', 'viewer', 'workload'].sort());
  for (const project of report.projects) {
    expect(project.metrics.projectKey).toBe(project.key);
    expect(['red', 'amber', 'not set up', 'green']).toContain(project.metrics.health.rag);
  }
  expect(report.total.projectKeys.sort()).toEqual(browsableProjectKeys(dataset, contractor.accountId));
});

test('report --project --format csv gives one row with the figures', () => {
  const dataset = loadDatasetFile(datasetFile);
  const key = dataset.projects[0].key;
  const result = pmo('report', '--data', datasetFile, '--project', key, '--format', 'csv', '--as-of', '2026-06-01');
  expect(result.status).toBe(0);
  const lines = result.stdout.trim().split('\n');
  expect(lines[0]).toBe(
    'Project,Name,Portfolio,Lead,Issues,To do,In progress,Done,% done,Overdue,Last updated,Health,Progress,BAC,PV,EV,AC,SPI,CPI,EAC,Forecast P50,Forecast P85',
  );
  expect(lines).toHaveLength(2);
  const issues = dataset.issues.filter((issue) => issue.projectKey === key && Date.parse(issue.created) < Date.parse('2026-06-02T00:00:00Z'));
  expect(lines[1].startsWith(`${key},`)).toBe(true);
  expect(lines[1].split(',')[4]).toBe(String(issues.length));
});

test('report --portfolio --format md is the status report as an e-mail: the agenda, every section, every project, the figures of the JSON report', () => {
  const dataset = loadDatasetFile(datasetFile);
  const category = dataset.categories[0];
  const result = pmo('report', '--data', datasetFile, '--portfolio', category.name, '--format', 'md');
  expect(result.status).toBe(0);
  const keys = dataset.projects.filter((project) => project.categoryId === category.id).map((project) => project.key);
  const text = result.stdout;
  expect(text).toMatch(/^# Status report as of \d{4}-\d{2}-\d{2}\n/);
  const headings = text.split('\n').filter((line) => line.startsWith('## '));
  expect(headings).toEqual([
    expect.stringMatching(/^## Meeting agenda: exceptions since \d{4}-\d{2}-\d{2} \(a week before\)$/),
    '## Summary',
    '## Earned value',
    '## Milestones',
    '## Risks',
    '## Process compliance',
    '## Budget changes',
    '## Activity of the last 14 days',
  ]);
  // The compliance section comes from the rule engine: every project's score, never "no rules set up".
  const compliance = text.slice(text.indexOf('## Process compliance'), text.indexOf('## Budget changes'));
  expect(compliance).not.toContain('No compliance rules are set up');
  for (const key of keys) expect(compliance).toMatch(new RegExp(`### ${key}: score (\\d+\\.\\d%|not available)`));
  // The same figures as the JSON report of the same data.
  const json = JSON.parse(pmo('report', '--data', datasetFile, '--portfolio', category.name).stdout) as { projects: { key: string; name: string; metrics: { health: { rag: string; criteria: string[] }; earnedValue: { spi: { value: number | null } } } }[]; total: { byHealth: Record<string, number> } };
  const summary = text.slice(text.indexOf('## Summary'), text.indexOf('## Earned value'));
  const { byHealth } = json.total;
  expect(summary).toContain(`**Totals:** ${byHealth.red} red, ${byHealth.amber} amber, ${byHealth['not set up']} not set up, ${byHealth.green} green; BAC `);
  for (const project of json.projects) {
    const spi = project.metrics.earnedValue.spi.value;
    const row = summary.split('\n').find((line) => line.startsWith(`| ${project.key} ${project.name} |`));
    expect({ key: project.key, row }).toEqual({ key: project.key, row: expect.stringContaining(`| ${project.metrics.health.rag} |`) });
    if (spi !== null) expect(row).toContain(`| ${(Math.trunc(spi * 100) / 100).toFixed(2)} |`);
    // The agenda names every red and amber project with the reasons of its health.
    if (project.metrics.health.rag === 'red' || project.metrics.health.rag === 'amber') expect(text).toContain(`- ${project.key} is ${project.metrics.health.rag}: ${project.metrics.health.criteria.join('; ')}`);
  }
  expect(json.projects.map((project) => project.key).sort()).toEqual([...keys].sort());
});

test('report --as-of a past day: every figure is of that day, nothing after it appears', () => {
  const dataset = loadDatasetFile(datasetFile);
  const day = '2026-03-31';
  const end = Date.parse(`${day}T23:59:59.999Z`);
  const result = pmo('report', '--data', datasetFile, '--as-of', day);
  expect(result.status).toBe(0);
  const report = JSON.parse(result.stdout) as { projects: { key: string; issueCounts: { total: number; done: number }; lastUpdated: string | null }[] };
  const doneCategory = new Set(dataset.statuses.filter((status) => status.categoryKey === 'done').map((status) => status.id));
  for (const project of report.projects) {
    const issues = dataset.issues.filter((issue) => issue.projectKey === project.key && Date.parse(issue.created) <= end);
    // An issue's status on the day: the last status change by then, else the one it was created in.
    const statusOn = (issue: (typeof issues)[number]): string => {
      const moves = issue.changelog.flatMap((entry) => entry.items.filter((item) => item.fieldId === 'status').map((item) => ({ at: Date.parse(entry.created), from: item.from, to: item.to })));
      const before = moves.filter((move) => move.at <= end).sort((a, b) => a.at - b.at);
      if (before.length > 0) return before[before.length - 1].to!;
      const first = moves.sort((a, b) => a.at - b.at)[0];
      return first ? first.from! : issue.statusId;
    };
    expect({ key: project.key, total: project.issueCounts.total }).toEqual({ key: project.key, total: issues.length });
    expect({ key: project.key, done: project.issueCounts.done }).toEqual({ key: project.key, done: issues.filter((issue) => doneCategory.has(statusOn(issue))).length });
    if (project.lastUpdated !== null) expect(Date.parse(project.lastUpdated)).toBeLessThanOrEqual(end);
  }
});

test('bad input gets a clear error and a failing exit code', () => {
  const missingProject = pmo('report', '--data', datasetFile, '--project', 'NOPE');
  expect(missingProject.status).toBe(1);
  expect(missingProject.stderr).toContain('No project with key NOPE that you may browse.');
  const nobody = pmo('report', '--data', datasetFile, '--as', 'nobody@nowhere.example');
  expect(nobody.status).toBe(1);
  expect(nobody.stderr).toContain('--as "nobody@nowhere.example" is not an active user');
  // Never the site admin's report for a name that is empty or of a person no longer active.
  for (const who of ['', 'Tom Walsh']) {
    const refused = pmo('report', '--data', datasetFile, '--as', who);
    expect({ who, status: refused.status, out: refused.stdout }).toEqual({ who, status: 1, out: '' });
    expect(refused.stderr).toContain(`--as "${who}" is not an active user`);
  }
  const badDate = pmo('report', '--data', datasetFile, '--as-of', '2026-13-01');
  expect(badDate.status).not.toBe(0);
  expect(badDate.stderr).toContain('expected a date as YYYY-MM-DD');
  const badFormat = pmo('report', '--format', 'xml');
  expect(badFormat.stderr).toContain("Allowed choices are json, md, csv");
});

test('a missing --data file is one line naming the option, without the usage text', () => {
  const missing = path.join(work, 'nope.json');
  for (const command of ['serve', 'report']) {
    const result = pmo(command, '--data', missing);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`error: option '--data <file>': no file at ${missing}\n`);
    expect(result.stdout).toBe('');
  }
  const port = pmo('serve', '--port', '99999');
  expect(port.status).toBe(1);
  expect(port.stderr).toBe("error: option '--port <port>': a port is a whole number from 0 to 65535, not 99999\n");
  // A usage mistake still shows how the command is used.
  const unknown = pmo('report', '--port', '5');
  expect(unknown.status).toBe(1);
  expect(unknown.stderr).toMatch(/^error: unknown option '--port'/);
  expect(unknown.stderr).toContain('Usage: pmo report [options]');
});

test('a dataset file with a key written twice is refused, naming the file, the key and where it is', () => {
  const text = fs.readFileSync(datasetFile, 'utf8');
  const at = text.indexOf('"summary":');
  const inserted = '"summary":"first",';
  const file = path.join(work, 'duplicate-key.json');
  fs.writeFileSync(file, `${text.slice(0, at)}${inserted}${text.slice(at)}`);
  const result = pmo('report', '--data', file);
  expect(result.status).toBe(1);
  const dataset = loadDatasetFile(datasetFile);
  const line = `issues[0] (${dataset.issues[0].key}): summary: duplicate key "summary" at ${file}:1:${at + inserted.length + 1} (first at column ${at + 1}); a key may appear once in an object`;
  expect(result.stderr).toBe(`${file}: invalid dataset (1 problem)\n  ${line}\n`);
});

test('a broken dataset file is refused with the record that is wrong', () => {
  const broken = JSON.parse(fs.readFileSync(datasetFile, 'utf8'));
  broken.issues[3].statusId = '999';
  const file = path.join(work, 'broken.json');
  fs.writeFileSync(file, JSON.stringify(broken));
  const result = pmo('report', '--data', file);
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(new RegExp(`issues\\[3\\] \\(${broken.issues[3].key}\\): statusId "999" is not a status`));
});

test('check-manifest validates the manifest offline', () => {
  const result = pmo('check-manifest');
  expect(result.stdout).toContain('0 errors');
  expect(result.status).toBe(0);
});

test('serve prints its URL, serves the portfolio page, and stops cleanly on Ctrl-C', async () => {
  const dataDir = path.join(work, 'site');
  const child = spawn(process.execPath, [PMO, 'serve', '--port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed: ${output}`)), 60_000);
    child.stdout.on('data', () => {
      const match = /local site: (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  const page = await fetch(`${url}/`);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('<iframe id="app-frame" title="PMO Portfolio"');
  // The UI the iframe loads, as the browser asks for it: with the page's context and acting user.
  const src = /<iframe id="app-frame"[^>]* src="([^"]+)"/.exec(html)![1];
  const ui = await fetch(`${url}${src}`, { headers: { Cookie: (page.headers.get('set-cookie') ?? '').split(';')[0] } });
  expect(await ui.text()).toContain('<script src="/__host/bridge.js"></script>');
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  expect(await exit).toBe(0);
  expect(output).toContain('Stopping');
  expect(fs.existsSync(path.join(dataDir, 'jira.sqlite'))).toBe(true);
}, 90_000);
