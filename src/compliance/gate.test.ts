import { at, project, workItem } from '../metrics/testing';
import { checkTransition, gateMessage, GATE_MESSAGE_MAX_CHARS } from './gate';
import { DEFAULT_COMPLIANCE_SETTINGS, effectiveRules, type ComplianceSettings } from './settings';

const NOW = at('2026-03-12T12:00');

function rules(change: (settings: ComplianceSettings) => void = () => undefined, projectKey = 'P') {
  const settings = structuredClone(DEFAULT_COMPLIANCE_SETTINGS);
  change(settings);
  return effectiveRules(settings, projectKey, null);
}

const todo = (fields = {}) => workItem('P-1', { statusCategory: 'new', assigneeAccountId: null, storyPoints: null, originalEstimateSeconds: null, ...fields });

describe('checkTransition', () => {
  it('refuses starting an unassigned, unestimated item and says what to fix', () => {
    const item = todo();
    const verdict = checkTransition(item, 'indeterminate', 'In Progress', project([item]), rules(), NOW, 'UTC');
    expect(verdict.allowed).toBe(false);
    if (verdict.allowed) return;
    expect(verdict.broken.map((rule) => rule.ruleId)).toEqual(['in-progress-ready']);
    expect(verdict.message).toBe(
      'P-1 cannot move to In Progress. Work in progress has an assignee and an estimate: P-1 is in progress without an assignee and an estimate. Fix: Assign the item to the person doing it and give it an estimate (story points or an original estimate).',
    );
  });

  it('allows starting an assigned, estimated item', () => {
    const item = todo({ assigneeAccountId: 'ann', storyPoints: 3 });
    expect(checkTransition(item, 'indeterminate', 'In Progress', project([item]), rules(), NOW, 'UTC')).toEqual({ allowed: true });
  });

  it('judges the target category, not the current one', () => {
    const item = todo();
    expect(checkTransition(item, 'new', 'To Do', project([item]), rules(), NOW, 'UTC')).toEqual({ allowed: true });
  });

  it('does not block on a rule that fails but is not enforced at the gate', () => {
    const item = todo();
    const none = rules((settings) => {
      settings.site['in-progress-ready'].enforceAtGate = false;
    });
    expect(none.find((rule) => rule.id === 'in-progress-ready')).toBeDefined();
    expect(checkTransition(item, 'indeterminate', 'In Progress', project([item]), none, NOW, 'UTC')).toEqual({ allowed: true });
  });

  it('follows a project override that turns enforcement off', () => {
    const item = todo();
    const overridden = rules((settings) => {
      settings.projects.P = { 'in-progress-ready': { enforceAtGate: false } };
    });
    expect(checkTransition(item, 'indeterminate', 'In Progress', project([item]), overridden, NOW, 'UTC')).toEqual({ allowed: true });
  });

  it('refuses closing an item with open subtasks when that rule is enforced, naming them', () => {
    const parent = workItem('P-1', { statusCategory: 'indeterminate', assigneeAccountId: 'ann', storyPoints: 1 });
    const child = workItem('P-2', { level: 'subtask', issueType: 'Sub-task', parentKey: 'P-1', statusCategory: 'new' });
    const enforced = rules((settings) => {
      settings.site['done-without-open-subtasks'].enforceAtGate = true;
    });
    const verdict = checkTransition(parent, 'done', 'Done', project([parent, child]), enforced, NOW, 'UTC');
    expect(verdict.allowed).toBe(false);
    if (!verdict.allowed) expect(verdict.message).toContain('P-1 is done with 1 open child item (P-2)');
  });
});

describe('gateMessage', () => {
  it('stays within the length Jira shows', () => {
    const broken = Array.from({ length: 40 }, () => ({ ruleId: 'in-progress-ready' as const, title: 'A rule', problem: 'is wrong', howToFix: 'Fix it with a long explanation of what to do.' }));
    expect(gateMessage('P-1', 'Done', broken).length).toBe(GATE_MESSAGE_MAX_CHARS);
  });
});
