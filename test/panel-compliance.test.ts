/**
 * The issue panel's Process part over the local site after a sync round: the rules in force for the
 * item's project checked on the item and its children, each violation with why it matters and how to
 * fix it; a child fixed in Jira is gone after the next sync; no rule enabled says so; and nothing is
 * shown of an item the viewer may not browse.
 */
import type { LocalSite } from '../local/site/site';
import { DEFAULT_COMPLIANCE_SETTINGS } from '../src/compliance/settings';
import type { Answer, IssuePanelView } from '../src/shared/contract';
import { browsableProjectKeys } from './demo-fixture';
import { admin, changeSettings, dataset, editIssue, runRound, startSite } from './sync-fixture';

const epicType = dataset.issueTypes.find((type) => type.hierarchyLevel === 1)!;
const bugType = dataset.issueTypes.find((type) => type.name === 'Bug')!;
const openStatuses = new Set(dataset.statuses.filter((status) => status.categoryKey !== 'done').map((status) => String(status.id)));
const isOpen = (issue: (typeof dataset.issues)[number]) => issue.resolutiondate === null && openStatuses.has(String(issue.statusId));
// An open epic with an open bug under it.
const epic = dataset.issues.find((issue) => issue.issueTypeId === epicType.id && isOpen(issue) && dataset.issues.some((child) => child.parentKey === issue.key && child.issueTypeId === bugType.id && isOpen(child)))!;
const bug = dataset.issues.find((child) => child.parentKey === epic.key && child.issueTypeId === bugType.id && isOpen(child))!;
const project = dataset.projects.find((candidate) => candidate.key === epic.projectKey)!;
const outsider = dataset.users.find((user) => user.active && !browsableProjectKeys(dataset, user.accountId).includes(project.key))!;
const opened = { extension: { issue: { id: String(epic.id), key: epic.key, type: 'Epic' }, project: { id: String(project.id), key: project.key } } };

let site: LocalSite;
beforeAll(async () => {
  // The epic loses its owner and the bug goes back to the default priority, then a round syncs them.
  site = await startSite();
  await editIssue(site, epic.key, { assignee: null });
  await editIssue(site, bug.key, { priority: { name: 'Medium' } });
  await runRound(site);
}, 120_000);
afterAll(() => site.close());

async function panel(accountId = admin): Promise<IssuePanelView> {
  const answer = (await site.invoke('pmo-budget-panel', 'panel/item', {}, accountId, opened)) as Answer<IssuePanelView>;
  if (!answer.ok) throw new Error(`panel/item: ${answer.error.code} ${answer.error.message}`);
  return answer.data;
}
const violationsOf = (view: IssuePanelView, key: string) => view.compliance!.entries.find((entry) => entry.key === key)?.violations ?? [];

describe('the panel’s Process part', () => {
  it('shows an epic without an assignee breaking epic-planned, with why it matters and how to fix it', async () => {
    const view = await panel();
    expect(view.compliance).toMatchObject({ rulesInForce: expect.any(Number), noRulesReason: null });
    expect(view.compliance!.checkedItems).toBe(1 + dataset.issues.filter((child) => child.parentKey === epic.key).length);
    expect(view.compliance!.entries[0]).toMatchObject({ key: epic.key, isChild: false });
    expect(violationsOf(view, epic.key)).toContainEqual({
      ruleId: 'epic-planned',
      title: 'Epics have a Planned budget, a due date and an assignee',
      whyItMatters: expect.stringContaining('nobody answers for it'),
      howToFix: 'Open the epic and set the missing Planned budget, due date or assignee.',
      severity: 'high',
      problem: expect.stringContaining('an assignee'),
    });
  });

  it('lists a child breaking a rule under its own key, and drops it once fixed in Jira and synced', async () => {
    const before = await panel();
    expect(before.compliance!.entries.find((entry) => entry.key === bug.key)).toMatchObject({ isChild: true, summary: expect.any(String) });
    expect(violationsOf(before, bug.key)).toContainEqual(expect.objectContaining({ ruleId: 'bug-priority-set', howToFix: 'Triage the bug: set the priority it deserves.', problem: 'still has the default priority (Medium)' }));

    await editIssue(site, bug.key, { priority: { name: 'High' } });
    await runRound(site);
    const after = await panel();
    expect(violationsOf(after, bug.key).map((violation) => violation.ruleId)).not.toContain('bug-priority-set');
    // The epic's own violation stays: only what was fixed went away.
    expect(violationsOf(after, epic.key).map((violation) => violation.ruleId)).toContain('epic-planned');
  }, 120_000);

  it('shows nothing of an item the viewer may not browse', async () => {
    const answer = (await site.invoke('pmo-budget-panel', 'panel/item', {}, outsider.accountId, opened)) as Answer<IssuePanelView>;
    expect(answer).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(JSON.stringify(answer)).not.toContain('epic-planned');
  });

  it('says so when no rule is enabled', async () => {
    const off = structuredClone(DEFAULT_COMPLIANCE_SETTINGS);
    for (const rule of Object.values(off.site)) rule.enabled = false;
    const saved = await changeSettings(site, (document) => ({ ...document, compliance: off }));
    expect(saved.status).toBe('saved');
    expect((await panel()).compliance).toEqual({ rulesInForce: 0, noRulesReason: 'No compliance rules are enabled for this project.', checkedItems: 0, entries: [] });
  });
});
