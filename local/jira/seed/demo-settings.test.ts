import { generateDemoDataset } from '.';
import { parseSettingsDocument } from '../../../src/settings/schema';
import { demoSettings, dueDayAt } from './demo-settings';
import { GROUP } from './portfolio';

const dataset = generateDemoDataset({ seed: 42, now: new Date('2026-06-15T09:00:00Z') });
const settings = demoSettings(dataset);

test('the demo settings are a valid settings document, the same each time', () => {
  const parsed = parseSettingsDocument(JSON.parse(JSON.stringify(settings)));
  expect(parsed).toEqual({ ok: true, document: settings });
  expect(demoSettings(dataset)).toEqual(settings);
  expect(settings.currency).toBe('EUR');
  expect(settings.pmoEditorGroup).toBe(GROUP.pmoOffice);
});

test('every person has a rate of their own or of their group, contractors the group rate', () => {
  const contractors = settings.rates.byGroup.find((entry) => entry.group === GROUP.contractors);
  expect(contractors?.rates.length).toBeGreaterThan(0);
  for (const user of dataset.users) {
    const own = settings.rates.byPerson[user.accountId];
    if (user.groups.includes(GROUP.contractors)) expect(own).toBeUndefined();
    else expect(own?.length).toBeGreaterThan(0);
  }
});

test('some rates change in the middle of running projects', () => {
  const now = Date.parse(dataset.generatedAt);
  const changes = Object.values(settings.rates.byPerson).flatMap((periods) => periods.slice(1).map((period) => Date.parse(period.from)));
  expect(changes.length).toBeGreaterThan(0);
  // A running project has issues created before the change and worklogs after it.
  const worklogDays = dataset.issues.filter((issue) => issue.projectKey === 'APOLLO').flatMap((issue) => issue.worklogs.map((log) => Date.parse(log.started)));
  for (const change of changes) {
    expect(change).toBeLessThan(now);
    expect(worklogDays.some((at) => at < change)).toBe(true);
    expect(worklogDays.some((at) => at > change)).toBe(true);
  }
});

test('some projects have a budget, baselines whose packages slipped later, and one rule is enforced at the gate', () => {
  const budgeted = Object.entries(settings.projects).filter(([, project]) => project.projectBudget !== null);
  expect(budgeted.length).toBeGreaterThanOrEqual(2);
  const baselined = Object.entries(settings.projects).filter(([, project]) => project.baselines.length >= 2);
  expect(baselined.length).toBeGreaterThanOrEqual(2);
  const byKey = new Map(dataset.issues.map((issue) => [issue.key, issue]));
  let slipped = 0;
  for (const [, project] of baselined) {
    for (const baseline of project.baselines) {
      expect(Date.parse(baseline.setAt)).toBeLessThan(Date.parse(dataset.generatedAt) - 7 * 86_400_000);
      for (const entry of baseline.packages) {
        const issue = byKey.get(entry.issueKey)!;
        // What the baseline says is what the package's history says it was then.
        expect(entry.dueDay).toBe(dueDayAt(issue, Date.parse(baseline.setAt)));
        if (entry.dueDay !== null && issue.duedate !== null && issue.duedate > entry.dueDay) slipped += 1;
      }
    }
  }
  expect(slipped).toBeGreaterThan(0);
  const compliance = settings.compliance as { site: Record<string, { enforceAtGate: boolean }> };
  expect(compliance.site['in-progress-ready'].enforceAtGate).toBe(true);
});

test('the large portfolio gets valid settings too', () => {
  const large = generateDemoDataset({ seed: 7, now: new Date('2026-06-15T09:00:00Z'), size: 'large' });
  const document = demoSettings(large);
  expect(parseSettingsDocument(JSON.parse(JSON.stringify(document))).ok).toBe(true);
  // The settings store holds at most 200 KB.
  expect(Buffer.byteLength(JSON.stringify(document))).toBeLessThan(200 * 1024);
}, 120_000);
