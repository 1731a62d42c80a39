import { at, day, project, workItem } from '../metrics/testing';
import { itemCompliance, NO_RULES_REASON } from './item';
import { DEFAULT_COMPLIANCE_SETTINGS, effectiveRules } from './settings';

const T = at('2026-03-12T12:00');
const rules = effectiveRules(DEFAULT_COMPLIANCE_SETTINGS, 'P', null);
const epic = workItem('P-1', { level: 'epic', issueType: 'Epic', plannedBudget: 1000, dueDay: day('2026-06-01'), assigneeAccountId: null });
const inProgress = { statusCategory: 'indeterminate' as const, statusChanges: [{ atMs: at('2026-03-05'), from: 'new' as const, to: 'indeterminate' as const }], updatedMs: at('2026-03-10') };
const unassignedStory = workItem('P-3', { parentKey: 'P-1', issueType: 'Task', ...inProgress, storyPoints: 3, assigneeAccountId: null });
const fineStory = workItem('P-2', { parentKey: 'P-1', issueType: 'Task', ...inProgress, storyPoints: 3, assigneeAccountId: 'ann' });
const elsewhere = workItem('P-9', { issueType: 'Bug', priority: 'Medium' });

describe('itemCompliance', () => {
  it('lists the item and each child breaking a rule, each violation with why it matters and how to fix it', () => {
    const result = itemCompliance(project([epic, fineStory, unassignedStory, elsewhere]), rules, T, 'UTC', 'P-1')!;
    expect(result).toMatchObject({ rulesInForce: rules.length, noRulesReason: null, checkedItems: 3 });
    expect(result.entries.map((entry) => [entry.key, entry.isChild, entry.violations.map((violation) => violation.ruleId)])).toEqual([
      ['P-1', false, ['epic-planned']],
      ['P-3', true, ['in-progress-ready']],
    ]);
    expect(result.entries[0].violations[0]).toEqual({
      ruleId: 'epic-planned',
      title: 'Epics have a Planned budget, a due date and an assignee',
      whyItMatters: expect.stringContaining('earned value'),
      howToFix: 'Open the epic and set the missing Planned budget, due date or assignee.',
      severity: 'high',
      problem: 'lacks an assignee',
    });
    // An item outside the item's line is not the panel's business.
    expect(JSON.stringify(result)).not.toContain('P-9');
  });

  it('is empty once the item and its children follow every rule', () => {
    const fixed = itemCompliance(project([{ ...epic, assigneeAccountId: 'ann' }, fineStory, { ...unassignedStory, assigneeAccountId: 'bob' }]), rules, T, 'UTC', 'P-1')!;
    expect(fixed).toMatchObject({ checkedItems: 3, entries: [] });
  });

  it('says so when no rule is enabled, and checks nothing', () => {
    expect(itemCompliance(project([epic, unassignedStory]), [], T, 'UTC', 'P-1')).toEqual({ rulesInForce: 0, noRulesReason: NO_RULES_REASON, checkedItems: 0, entries: [] });
  });

  it('knows nothing of an item that is not synced, or did not exist yet at T', () => {
    expect(itemCompliance(project([epic]), rules, T, 'UTC', 'P-404')).toBeNull();
    expect(itemCompliance(project([{ ...epic, createdMs: at('2026-04-01') }]), rules, T, 'UTC', 'P-1')).toBeNull();
  });

  it('judges the item as of T: a child created after T is not checked', () => {
    const later = { ...unassignedStory, createdMs: at('2026-04-01') };
    expect(itemCompliance(project([epic, later]), rules, T, 'UTC', 'P-1')).toMatchObject({ checkedItems: 1 });
  });
});
