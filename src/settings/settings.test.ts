import { DEFAULT_COMPLIANCE_SETTINGS, effectiveRules } from '../compliance/settings';
/** The settings document: its validation, what it changes, and what the metrics engine gets from it. */
import { actualCostByItem } from '../metrics/cost';
import { computeProjectMetrics } from '../metrics';
import { DEFAULT_PORTFOLIO_SETTINGS, DEFAULT_PROJECT_SETTINGS, DEFAULT_THRESHOLDS } from '../metrics/settings';
import { at, project, workItem } from '../metrics/testing';
import { affectedProjects, settingsChanges } from './diff';
import { portfolioSettingsFor, projectSettingsFor } from './mapping';
import { defaultSettingsDocument, parseSettingsDocument, type SettingsDocument, type SettingsDocumentInput } from './schema';

const ANN = '5f8a1c2e9d4b7a0000000001';
const BOB = '5f8a1c2e9d4b7a0000000002';
const CAROL = '5f8a1c2e9d4b7a0000000003';
const NO_GROUPS = { groupMembers: {} };

function documentOf(input: Omit<SettingsDocumentInput, 'format' | 'formatVersion'>): SettingsDocument {
  const parsed = parseSettingsDocument({ format: 'pmo-settings', formatVersion: 1, ...input });
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.document;
}

const problemsOf = (input: unknown): string[] => {
  const parsed = parseSettingsDocument(input);
  if (parsed.ok) throw new Error('expected the document to be refused');
  return parsed.problems;
};

const worklog = (issueKey: string, authorAccountId: string, startedIso: string, hours: number) => ({ issueKey, authorAccountId, startedMs: at(startedIso), seconds: hours * 3600 });

describe('the settings document', () => {
  it('starts from the product defaults', () => {
    const document = defaultSettingsDocument();
    expect(document).toMatchObject({ currency: null, pmoEditorGroup: null, thresholds: DEFAULT_THRESHOLDS, forecast: { historyWeeks: 12 }, compliance: {} });
    // The product's default compliance rules run until the PMO sets its own.
    expect(projectSettingsFor(document, 'APOLLO', NO_GROUPS)).toEqual({ ...DEFAULT_PROJECT_SETTINGS, complianceRules: effectiveRules(DEFAULT_COMPLIANCE_SETTINGS, 'APOLLO', null) });
    expect(portfolioSettingsFor(document)).toEqual(DEFAULT_PORTFOLIO_SETTINGS);
  });

  it('names the path of every value that is wrong', () => {
    const problems = problemsOf({
      format: 'pmo-settings',
      formatVersion: 1,
      currency: 'EURO',
      rates: { siteDefault: [{ from: '2026-02-30', hourlyRate: 50 }], byPerson: { [ANN]: [{ from: '2026-01-01', hourlyRate: -5 }] }, byGroup: [] },
      projects: { APOLLO: { projectBudget: 12.345, costSource: 'hours' }, 'not a key': {} },
      thresholds: { red: { spiBelow: 0.9, cpiBelow: 0.8, overdueShareAbove: 0.2 }, amber: { spiBelow: 0.85, cpiBelow: 0.95, overdueShareAbove: 0.1, complianceBelow: 0.8 } },
      colour: 'blue',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'currency: must be a three-letter ISO 4217 code such as EUR or USD',
        'rates.siteDefault[0].from: must be a real calendar date',
        `rates.byPerson.${ANN}[0].hourlyRate: must be at least 0`,
        'projects.APOLLO.costSource: must be \'fields\', \'worklogs\' or \'both\'',
        'projects.APOLLO.projectBudget: must have at most 2 decimals',
        'thresholds.amber.spiBelow: must be at least red.spiBelow',
      ]),
    );
    expect(problems).toContain('projects: "not a key" is not a Jira project key');
    expect(problems.some((problem) => problem.includes('colour'))).toBe(true);
  });

  it('refuses a code that is not a currency, two rates on one day, and a chosen baseline that does not exist', () => {
    const problems = problemsOf({
      format: 'pmo-settings',
      formatVersion: 1,
      currency: 'XYZ',
      rates: { siteDefault: [{ from: '2026-01-01', hourlyRate: 50 }, { from: '2026-01-01', hourlyRate: 60 }] },
      projects: { APOLLO: { chosenBaselineId: 'b1' } },
    });
    expect(problems).toEqual(['currency: is not an ISO 4217 currency code', 'rates.siteDefault[1].from: has two rates from 2026-01-01', 'projects.APOLLO.chosenBaselineId: names no baseline of this project (b1)']);
  });

  it('keeps a valid compliance section and refuses one the rule engine cannot read, naming the path', () => {
    const rules = { site: DEFAULT_COMPLIANCE_SETTINGS.site, portfolios: {}, projects: {} };
    expect(documentOf({ compliance: rules }).compliance).toEqual(rules);
    const problems = problemsOf({ format: 'pmo-settings', formatVersion: 1, compliance: { rules: [{ id: 'due-date' }] } });
    expect(problems.some((problem) => problem.startsWith('compliance'))).toBe(true);
  });
});

describe('dated rates through the settings', () => {
  const items = [workItem('P-1')];

  it('10 h at 50, then 20 h at 60 after a rate change, cost 1,700', () => {
    const document = documentOf({ rates: { byPerson: { [ANN]: [{ from: '2026-03-15', hourlyRate: 60 }, { from: '2026-01-01', hourlyRate: 50 }] } } });
    const data = project(items, { worklogs: [worklog('P-1', ANN, '2026-03-01T09:00', 10), worklog('P-1', ANN, '2026-03-20T09:00', 20)] });
    const settings = projectSettingsFor(document, 'P', NO_GROUPS);
    expect(actualCostByItem(data, settings, at('2026-04-01')).get('P-1')).toBe(1700);
  });

  it('charges a person their own rate, else their Jira group’s (first listed), else the project’s, else the site’s', () => {
    const document = documentOf({
      rates: {
        siteDefault: [{ from: '2020-01-01', hourlyRate: 10 }],
        byPerson: { [ANN]: [{ from: '2020-01-01', hourlyRate: 100 }] },
        byGroup: [
          { group: 'external-contractors', rates: [{ from: '2020-01-01', hourlyRate: 80 }] },
          { group: 'jira-users', rates: [{ from: '2020-01-01', hourlyRate: 40 }] },
        ],
      },
      projects: { PX: { defaultRates: [{ from: '2020-01-01', hourlyRate: 20 }] } },
    });
    const groupMembers = { 'external-contractors': [BOB], 'jira-users': [ANN, BOB] };
    const data = project(items, { worklogs: [worklog('P-1', ANN, '2026-03-01T09:00', 1), worklog('P-1', BOB, '2026-03-01T10:00', 1), worklog('P-1', CAROL, '2026-03-01T11:00', 1)] });
    // Ann 100 (own), Bob 80 (contractors listed first), Carol 20 (project default).
    expect(actualCostByItem(data, projectSettingsFor(document, 'PX', { groupMembers }), at('2026-04-01')).get('P-1')).toBe(200);
    // Another project has no default of its own: Carol costs the site's 10.
    expect(actualCostByItem({ ...data, key: 'Q' }, projectSettingsFor(document, 'Q', { groupMembers }), at('2026-04-01')).get('P-1')).toBe(190);
  });

  it('takes the cost source of each project', () => {
    const document = documentOf({
      rates: { siteDefault: [{ from: '2020-01-01', hourlyRate: 50 }] },
      projects: { FF: { costSource: 'fields' }, WW: { costSource: 'worklogs' }, BB: { costSource: 'both' } },
    });
    const data = project([workItem('P-1', { actualCost: 300 })], { worklogs: [worklog('P-1', ANN, '2026-03-01T09:00', 2)] });
    const cost = (key: string) => actualCostByItem(data, projectSettingsFor(document, key, NO_GROUPS), at('2026-04-01')).get('P-1');
    expect([cost('FF'), cost('WW'), cost('BB'), cost('OTHER')]).toEqual([300, 100, 400, 400]);
  });

  it('gives a project budget as BAC, and the thresholds, forecast weeks and capacity the PMO set', () => {
    const thresholds = { red: { spiBelow: 0.7, cpiBelow: 0.7, overdueShareAbove: 0.3 }, amber: { spiBelow: 0.9, cpiBelow: 0.9, overdueShareAbove: 0.15, complianceBelow: 0.7 } };
    const document = documentOf({ projects: { PX: { projectBudget: 50_000 } }, thresholds, forecast: { historyWeeks: 8 }, capacity: { defaultHoursPerWeek: 32, byPerson: { [ANN]: 20 }, workloadWeeks: 6 } });
    const settings = projectSettingsFor(document, 'PX', { groupMembers: {}, timeZone: 'Europe/Berlin' });
    expect(settings).toMatchObject({ projectBudget: 50_000, thresholds, forecast: { historyWeeks: 8 }, timeZone: 'Europe/Berlin' });
    const metrics = computeProjectMetrics(project([workItem('P-1', { plannedBudget: 1000, dueDay: 20600 })]), settings, at('2026-04-01'));
    expect(metrics.earnedValue.bac).toEqual({ value: 50_000 });
    expect(portfolioSettingsFor(document)).toEqual({ capacityHoursPerWeek: { [ANN]: 20 }, defaultCapacityHoursPerWeek: 32, workloadWeeks: 6 });
  });
});

describe('what a change touches', () => {
  const before = documentOf({ projects: { APOLLO: { projectBudget: 1000 } } });

  it('lists each changed value by its path, old and new', () => {
    const after = documentOf({ currency: 'EUR', projects: { APOLLO: { projectBudget: 2000 }, ORION: { costSource: 'worklogs' } } });
    expect(settingsChanges(before, after)).toEqual([
      { path: 'currency', projectKey: null, oldValue: null, newValue: 'EUR' },
      { path: 'projects.APOLLO.projectBudget', projectKey: 'APOLLO', oldValue: 1000, newValue: 2000 },
      { path: 'projects.ORION', projectKey: 'ORION', oldValue: null, newValue: expect.objectContaining({ costSource: 'worklogs' }) },
    ]);
  });

  it("names each baseline set or deleted by its id, not the project's whole list", () => {
    const baseline = (id: string) => ({ id, name: id, setAt: '2026-03-01T09:00:00Z', setBy: ANN, packages: [{ issueKey: 'APOLLO-1', plannedBudget: 100, dueDay: '2026-05-01' }] });
    const one = documentOf({ projects: { APOLLO: { baselines: [baseline('b1')], chosenBaselineId: 'b1' } } });
    const two = documentOf({ projects: { APOLLO: { baselines: [baseline('b1'), baseline('b2')], chosenBaselineId: 'b1' } } });
    const second = documentOf({ projects: { APOLLO: { baselines: [baseline('b2')], chosenBaselineId: null } } });
    expect(settingsChanges(one, two)).toEqual([{ path: 'projects.APOLLO.baselines.b2', projectKey: 'APOLLO', oldValue: null, newValue: two.projects.APOLLO.baselines[1] }]);
    expect(settingsChanges(two, second)).toEqual([
      { path: 'projects.APOLLO.baselines.b1', projectKey: 'APOLLO', oldValue: two.projects.APOLLO.baselines[0], newValue: null },
      { path: 'projects.APOLLO.chosenBaselineId', projectKey: 'APOLLO', oldValue: 'b1', newValue: null },
    ]);
    expect(affectedProjects(settingsChanges(one, two))).toEqual(['APOLLO']);
  });

  it('recomputes only the projects changed, every project for a site-wide value, none for the editor group', () => {
    const projectOnly = documentOf({ projects: { APOLLO: { projectBudget: 3000 } } });
    expect(affectedProjects(settingsChanges(before, projectOnly))).toEqual(['APOLLO']);
    const siteRate = documentOf({ projects: { APOLLO: { projectBudget: 1000 } }, rates: { siteDefault: [{ from: '2026-01-01', hourlyRate: 70 }] } });
    expect(affectedProjects(settingsChanges(before, siteRate))).toBe('all');
    const editors = documentOf({ projects: { APOLLO: { projectBudget: 1000 } }, pmoEditorGroup: 'pmo-office', currency: 'USD' });
    expect(affectedProjects(settingsChanges(before, editors))).toEqual([]);
  });
});
