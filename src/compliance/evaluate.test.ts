import { at, day, project, workItem } from '../metrics/testing';
import type { ProjectData, StatusChange, WorkItem } from '../metrics/model';
import { checkItem, evaluateCompliance, ruleContext } from './evaluate';
import type { RuleId } from './rules';
import { DEFAULT_COMPLIANCE_SETTINGS, effectiveRules, parseComplianceSettings, type ComplianceSettings, type RuleOverrides } from './settings';

const T = at('2026-03-12T12:00');
const started: { statusCategory: 'indeterminate'; statusChanges: StatusChange[]; updatedMs: number } = {
  statusCategory: 'indeterminate',
  statusChanges: [{ atMs: at('2026-03-05'), from: 'new', to: 'indeterminate' }],
  updatedMs: at('2026-03-10'),
};
const done: { statusCategory: 'done'; statusChanges: StatusChange[]; resolvedMs: number } = {
  statusCategory: 'done',
  statusChanges: [{ atMs: at('2026-03-01'), from: 'new', to: 'done' }],
  resolvedMs: at('2026-03-01'),
};

/** Settings with every rule on (the fix-version rule too) and the given overrides for project P. */
function settingsWith(overrides: RuleOverrides = {}, site: Partial<ComplianceSettings['site']> = {}): ComplianceSettings {
  const all = structuredClone(DEFAULT_COMPLIANCE_SETTINGS);
  all.site['done-fix-version'].enabled = true;
  Object.assign(all.site, site);
  return { ...all, projects: { P: overrides } };
}

function rule(id: RuleId, settings = settingsWith()) {
  const found = effectiveRules(settings, 'P', null).find((candidate) => candidate.id === id);
  if (!found) throw new Error(`${id} is not in force`);
  return found;
}

/** The verdict of one rule on one item of a project holding `others` too. */
function verdict(id: RuleId, item: WorkItem, options: { settings?: ComplianceSettings; others?: WorkItem[]; data?: Partial<ProjectData>; asOfMs?: number } = {}) {
  const asOfMs = options.asOfMs ?? T;
  const data = project([item, ...(options.others ?? [])], options.data);
  const category = item.statusChanges.length === 0 ? item.statusCategory : checkCategory(item, asOfMs);
  return checkItem(rule(id, options.settings), item, category, ruleContext(data, asOfMs, 'UTC'));
}

function checkCategory(item: WorkItem, asOfMs: number) {
  let category = item.statusChanges[0].from;
  for (const change of item.statusChanges) if (change.atMs <= asOfMs) category = change.to;
  return category;
}

const pass = { outcome: 'pass' };
const notApplicable = { outcome: 'not applicable' };
const failing = (problem: string) => ({ outcome: 'fail', problem });

describe('epic-planned', () => {
  const epic = (fields: Partial<WorkItem> = {}) => workItem('P-1', { level: 'epic', issueType: 'Epic', plannedBudget: 1000, dueDay: day('2026-06-01'), assigneeAccountId: 'ann', ...fields });
  it('passes an epic with a budget, a due date and an assignee', () => expect(verdict('epic-planned', epic())).toEqual(pass));
  it('names what an epic lacks', () => {
    expect(verdict('epic-planned', epic({ plannedBudget: null, assigneeAccountId: null }))).toEqual(failing('lacks a Planned budget and an assignee'));
  });
  it('does not apply to stories or done epics', () => {
    expect(verdict('epic-planned', workItem('P-2', { plannedBudget: null }))).toEqual(notApplicable);
    expect(verdict('epic-planned', epic({ plannedBudget: null, ...done }))).toEqual(notApplicable);
  });
  it('reads the due date the epic had at T', () => {
    const later = epic({ dueDay: day('2026-06-01'), dueDateChanges: [{ atMs: at('2026-03-20'), from: null, to: day('2026-06-01') }] });
    expect(verdict('epic-planned', later)).toEqual(failing('lacks a due date'));
  });
  it('drops the parts the PMO does not ask for', () => {
    const settings = settingsWith({ 'epic-planned': { params: { requireBudget: false } } });
    expect(verdict('epic-planned', epic({ plannedBudget: null }), { settings })).toEqual(pass);
  });
});

describe('in-progress-ready', () => {
  it('passes assigned, estimated work in progress', () => expect(verdict('in-progress-ready', workItem('P-1', { ...started, assigneeAccountId: 'ann', storyPoints: 3 }))).toEqual(pass));
  it('fails work in progress without an owner or an estimate', () => {
    expect(verdict('in-progress-ready', workItem('P-1', { ...started }))).toEqual(failing('is in progress without an assignee and an estimate'));
    expect(verdict('in-progress-ready', workItem('P-1', { ...started, originalEstimateSeconds: 3600 }))).toEqual(failing('is in progress without an assignee'));
  });
  it('does not apply to work not started at T', () => {
    expect(verdict('in-progress-ready', workItem('P-1'))).toEqual(notApplicable);
    expect(verdict('in-progress-ready', workItem('P-1', { ...started }), { asOfMs: at('2026-03-04') })).toEqual(notApplicable);
  });
  it('counts only the estimate fields the PMO names', () => {
    const settings = settingsWith({ 'in-progress-ready': { params: { estimateFields: ['originalEstimate'] } } });
    expect(verdict('in-progress-ready', workItem('P-1', { ...started, assigneeAccountId: 'ann', storyPoints: 3 }), { settings })).toEqual(failing('is in progress without an estimate'));
  });
});

describe('in-progress-updated', () => {
  it('passes work updated within the limit', () => expect(verdict('in-progress-updated', workItem('P-1', { ...started }))).toEqual(pass));
  it('fails work idle longer than the limit', () => {
    expect(verdict('in-progress-updated', workItem('P-1', { ...started, updatedMs: at('2026-02-20') }))).toEqual(failing('has not been updated for 20 days (at most 14)'));
  });
  it('counts a worklog as an update', () => {
    const item = workItem('P-1', { ...started, updatedMs: at('2026-02-20') });
    expect(verdict('in-progress-updated', item, { data: { worklogs: [{ issueKey: 'P-1', authorAccountId: 'ann', startedMs: at('2026-03-11'), seconds: 3600 }] } })).toEqual(pass);
  });
  it('as of a past day, uses only the history up to then', () => {
    // Updated today, but as of 2026-03-01 its last known change is the move of 2026-02-01.
    const item = workItem('P-1', { statusCategory: 'indeterminate', statusChanges: [{ atMs: at('2026-02-01'), from: 'new', to: 'indeterminate' }], updatedMs: at('2026-03-12') });
    expect(verdict('in-progress-updated', item, { asOfMs: at('2026-03-01') })).toEqual(failing('has not been updated for 28 days (at most 14)'));
  });
  it('takes the limit from the parameters', () => {
    const settings = settingsWith({ 'in-progress-updated': { params: { maxDaysWithoutUpdate: 30 } } });
    expect(verdict('in-progress-updated', workItem('P-1', { ...started, updatedMs: at('2026-02-20') }), { settings })).toEqual(pass);
  });
  it('does not apply to items not in progress', () => expect(verdict('in-progress-updated', workItem('P-1', { updatedMs: at('2025-01-01') }))).toEqual(notApplicable));
});

describe('bug-priority-set', () => {
  const bug = (priority: string) => workItem('P-1', { issueType: 'Bug', priority });
  it('passes a triaged bug', () => expect(verdict('bug-priority-set', bug('High'))).toEqual(pass));
  it('fails a bug left at the default priority', () => expect(verdict('bug-priority-set', bug('Medium'))).toEqual(failing('still has the default priority (Medium)')));
  it('does not apply to stories', () => expect(verdict('bug-priority-set', workItem('P-2', { priority: 'Medium' }))).toEqual(notApplicable));
  it('takes the default priority from the parameters', () => {
    const settings = settingsWith({ 'bug-priority-set': { params: { defaultPriority: 'Low' } } });
    expect(verdict('bug-priority-set', bug('Medium'), { settings })).toEqual(pass);
    expect(verdict('bug-priority-set', bug('Low'), { settings })).toEqual(failing('still has the default priority (Low)'));
  });
  it('applies to the issue types the PMO names', () => {
    const settings = settingsWith({ 'bug-priority-set': { appliesTo: { issueTypes: ['Incident'] } } });
    expect(verdict('bug-priority-set', bug('Medium'), { settings })).toEqual(notApplicable);
    expect(verdict('bug-priority-set', workItem('P-3', { issueType: 'incident', priority: 'Medium' }), { settings })).toEqual(failing('still has the default priority (Medium)'));
  });
});

describe('done-fix-version', () => {
  it('is off by default', () => expect(effectiveRules(DEFAULT_COMPLIANCE_SETTINGS, 'P', null).map((entry) => entry.id)).not.toContain('done-fix-version'));
  it('passes done work with a fix version and fails done work without', () => {
    expect(verdict('done-fix-version', workItem('P-1', { ...done, fixVersionIds: ['7'] }))).toEqual(pass);
    expect(verdict('done-fix-version', workItem('P-1', { ...done }))).toEqual(failing('is done without a fix version'));
  });
  it('does not apply to open work', () => expect(verdict('done-fix-version', workItem('P-1'))).toEqual(notApplicable));
  it('can ask for a released version', () => {
    const settings = settingsWith({ 'done-fix-version': { params: { requireReleased: true } } });
    const versions = [{ id: '7', name: '1.0', releaseDay: null, released: false }];
    expect(verdict('done-fix-version', workItem('P-1', { ...done, fixVersionIds: ['7'] }), { settings, data: { versions } })).toEqual(failing('is done but none of its fix versions is released'));
  });
});

describe('not-overdue', () => {
  it('passes open work due today or later, fails work past its due date', () => {
    expect(verdict('not-overdue', workItem('P-1', { dueDay: day('2026-03-12') }))).toEqual(pass);
    expect(verdict('not-overdue', workItem('P-1', { dueDay: day('2026-03-10') }))).toEqual(failing('is 2 days past its due date'));
  });
  it('does not apply without a due date or once done', () => {
    expect(verdict('not-overdue', workItem('P-1'))).toEqual(notApplicable);
    expect(verdict('not-overdue', workItem('P-1', { dueDay: day('2026-02-01'), ...done }))).toEqual(notApplicable);
  });
  it('allows the grace days the PMO sets', () => {
    const settings = settingsWith({ 'not-overdue': { params: { graceDays: 3 } } });
    expect(verdict('not-overdue', workItem('P-1', { dueDay: day('2026-03-10') }), { settings })).toEqual(pass);
  });
  it('uses the due date the item had at T', () => {
    // Moved from 03-05 to 03-30 on 03-11: as of 03-08 it was 3 days late.
    const item = workItem('P-1', { dueDay: day('2026-03-30'), dueDateChanges: [{ atMs: at('2026-03-11'), from: day('2026-03-05'), to: day('2026-03-30') }] });
    expect(verdict('not-overdue', item)).toEqual(pass);
    expect(verdict('not-overdue', item, { asOfMs: at('2026-03-08T12:00') })).toEqual(failing('is 3 days past its due date'));
  });
});

describe('story-described', () => {
  it('passes a described story and fails one without a description', () => {
    expect(verdict('story-described', workItem('P-1', { hasDescription: true }))).toEqual(pass);
    expect(verdict('story-described', workItem('P-1', { hasDescription: false }))).toEqual(failing('has no description'));
  });
  it('does not apply to bugs, nor to items synced before descriptions were read', () => {
    expect(verdict('story-described', workItem('P-1', { issueType: 'Bug', hasDescription: false }))).toEqual(notApplicable);
    expect(verdict('story-described', workItem('P-1'))).toEqual(notApplicable);
  });
});

describe('done-without-open-subtasks', () => {
  const parent = workItem('P-1', { ...done });
  const subtask = (key: string, fields: Partial<WorkItem> = {}) => workItem(key, { level: 'subtask', issueType: 'Sub-task', parentKey: 'P-1', ...fields });
  it('passes a done item whose subtasks are done', () => expect(verdict('done-without-open-subtasks', parent, { others: [subtask('P-2', { ...done })] })).toEqual(pass));
  it('fails a done item with open subtasks, naming them', () => {
    expect(verdict('done-without-open-subtasks', parent, { others: [subtask('P-2'), subtask('P-3', { ...done })] })).toEqual(failing('is done with 1 open child item (P-2)'));
  });
  it('does not apply without subtasks or while the parent is open', () => {
    expect(verdict('done-without-open-subtasks', parent)).toEqual(notApplicable);
    expect(verdict('done-without-open-subtasks', workItem('P-1'), { others: [subtask('P-2')] })).toEqual(notApplicable);
  });
  it('looks at stories under a done epic when the PMO asks', () => {
    const epic = workItem('P-1', { level: 'epic', issueType: 'Epic', ...done });
    const story = workItem('P-2', { parentKey: 'P-1' });
    expect(verdict('done-without-open-subtasks', epic, { others: [story] })).toEqual(notApplicable);
    const settings = settingsWith({ 'done-without-open-subtasks': { params: { childLevels: ['standard', 'subtask'] } } });
    expect(verdict('done-without-open-subtasks', epic, { others: [story], settings })).toEqual(failing('is done with 1 open child item (P-2)'));
  });
});

describe('done-time-logged', () => {
  const estimated = workItem('P-1', { ...done, originalEstimateSeconds: 8 * 3600 });
  const logged = (seconds: number, startedMs = at('2026-02-27')) => ({ worklogs: [{ issueKey: 'P-1', authorAccountId: 'ann', startedMs, seconds }] });
  it('passes estimated done work with time logged, fails it without', () => {
    expect(verdict('done-time-logged', estimated, { data: logged(3600) })).toEqual(pass);
    expect(verdict('done-time-logged', estimated)).toEqual(failing('is done with an estimate but no time logged'));
  });
  it('does not apply without an estimate or before done', () => {
    expect(verdict('done-time-logged', workItem('P-1', { ...done }))).toEqual(notApplicable);
    expect(verdict('done-time-logged', workItem('P-1', { originalEstimateSeconds: 3600 }))).toEqual(notApplicable);
  });
  it('counts only time logged up to T', () => {
    expect(verdict('done-time-logged', estimated, { data: logged(3600, at('2026-03-20')) })).toEqual(failing('is done with an estimate but no time logged'));
  });
  it('asks for a share of the estimate when the PMO sets one', () => {
    const settings = settingsWith({ 'done-time-logged': { params: { minShareOfEstimate: 0.5 } } });
    expect(verdict('done-time-logged', estimated, { data: logged(3600), settings })).toEqual(failing('has 13% of its estimate logged (at least 50%)'));
  });
});

describe('effective rules', () => {
  const site = DEFAULT_COMPLIANCE_SETTINGS;
  it('lets a portfolio override the site and a project override its portfolio', () => {
    const settings: ComplianceSettings = {
      ...site,
      portfolios: { Payments: { 'in-progress-updated': { params: { maxDaysWithoutUpdate: 7 }, severity: 'high' }, 'bug-priority-set': { enabled: false } } },
      projects: { PAY: { 'in-progress-updated': { params: { maxDaysWithoutUpdate: 21 } } } },
    };
    const ofPay = effectiveRules(settings, 'PAY', 'Payments').find((entry) => entry.id === 'in-progress-updated');
    const ofCard = effectiveRules(settings, 'CARD', 'Payments').find((entry) => entry.id === 'in-progress-updated');
    const ofOther = effectiveRules(settings, 'OPS', null).find((entry) => entry.id === 'in-progress-updated');
    expect([ofPay?.params, ofPay?.severity]).toEqual([{ maxDaysWithoutUpdate: 21 }, 'high']);
    expect(ofCard?.params).toEqual({ maxDaysWithoutUpdate: 7 });
    expect(ofOther?.params).toEqual({ maxDaysWithoutUpdate: 14 });
    expect(effectiveRules(settings, 'PAY', 'Payments').map((entry) => entry.id)).not.toContain('bug-priority-set');
  });
  it('keeps a rule to the projects it is limited to', () => {
    const settings = structuredClone(site);
    settings.site['story-described'].appliesTo.projectKeys = ['WEB'];
    expect(effectiveRules(settings, 'WEB', null).map((entry) => entry.id)).toContain('story-described');
    expect(effectiveRules(settings, 'OPS', null).map((entry) => entry.id)).not.toContain('story-described');
  });
  it('enforces the in-progress rule at the gate out of the box', () => {
    expect(effectiveRules(site, 'P', null).filter((entry) => entry.enforceAtGate).map((entry) => entry.id)).toEqual(['in-progress-ready']);
  });
  it('validates settings, saying what is wrong', () => {
    expect(parseComplianceSettings(structuredClone(site))).toEqual(site);
    const bad = structuredClone(site) as unknown as { site: Record<string, { params: Record<string, unknown> }> };
    bad.site['in-progress-updated'].params.maxDaysWithoutUpdate = -3;
    expect(() => parseComplianceSettings(bad)).toThrow(/maxDaysWithoutUpdate/);
    expect(() => parseComplianceSettings({ ...site, projects: { P: { 'no-such-rule': { enabled: true } } } })).toThrow(/no-such-rule/);
  });
});

describe('compliance score', () => {
  // Two rules: in-progress-ready (medium, weight 2) and not-overdue (high, weight 3).
  const only = (...ids: RuleId[]): ComplianceSettings => {
    const settings = structuredClone(DEFAULT_COMPLIANCE_SETTINGS);
    for (const id of Object.keys(settings.site) as RuleId[]) settings.site[id].enabled = ids.includes(id);
    return settings;
  };
  const items = [
    workItem('P-1', { ...started, assigneeAccountId: 'ann', storyPoints: 2, dueDay: day('2026-03-20') }), // passes both
    workItem('P-2', { ...started, dueDay: day('2026-03-01') }), // fails both
    workItem('P-3', { dueDay: day('2026-03-15') }), // not started: only not-overdue, passes
    workItem('P-4', { ...done, dueDay: day('2026-02-01') }), // done: neither applies
  ];
  const rules = effectiveRules(only('in-progress-ready', 'not-overdue'), 'P', null);

  it('weighs the passed checks of a hand-made project by severity', () => {
    const result = evaluateCompliance(project(items), rules, T, 'UTC');
    // Checks: in-progress-ready on P-1 (pass), P-2 (fail); not-overdue on P-1 (pass), P-2 (fail), P-3 (pass).
    expect([result.applicableChecks, result.passedChecks]).toEqual([5, 3]);
    expect(result.score.value).toBeCloseTo((2 + 3 + 3) / (2 + 2 + 3 + 3 + 3), 10);
    expect(result.byRule.map(({ ruleId, applicable, passed }) => [ruleId, applicable, passed])).toEqual([
      ['in-progress-ready', 2, 1],
      ['not-overdue', 3, 2],
    ]);
    expect(result.violations.map(({ ruleId, key }) => `${ruleId} ${key}`)).toEqual(['in-progress-ready P-2', 'not-overdue P-2']);
  });

  it('scores a past day from the history up to it', () => {
    // On 2026-02-20: P-1 and P-2 not started yet and not due; P-4 (done on 03-01) still open and 19 days late.
    const result = evaluateCompliance(project(items), rules, at('2026-02-20T12:00'), 'UTC');
    expect(result.byRule.map(({ applicable, passed }) => [applicable, passed])).toEqual([
      [0, 0],
      [4, 3],
    ]);
    expect(result.score.value).toBeCloseTo(0.75, 10);
    expect(result.violations).toEqual([{ ruleId: 'not-overdue', key: 'P-4', summary: 'P-4', severity: 'high', problem: 'is 19 days past its due date' }]);
  });

  it('leaves out items created after T', () => {
    const result = evaluateCompliance(project([workItem('P-9', { createdMs: at('2026-04-01'), dueDay: day('2026-03-01') })]), rules, T, 'UTC');
    expect(result.score).toEqual({ value: null, reason: 'no item the enabled rules apply to' });
  });

  it('says why without rules', () => {
    expect(evaluateCompliance(project(items), [], T, 'UTC').score).toEqual({ value: null, reason: 'no compliance rules are enabled' });
  });
});
