/**
 * Who may change money (settings, budgets): Jira administrators and members of the PMO editor group
 * the settings name. Asked of Jira as the app each time, never taken from the UI; any failure to ask
 * (Jira down, a bad answer, an unknown person) answers no.
 */
import type { JiraClient } from '../jira/client';
import { jiraAsApp } from '../jira/forge';
import { groupNamesOf, isJiraAdministrator } from '../jira/groups';
import type { SettingsDocument } from '../settings/schema';

export interface MoneyPermission {
  allowed: boolean;
  /** Why, in the PMO's words: shown to people who may only read. */
  reason: string;
}

/** Whether `accountId` may change settings and budgets, and why (asked as the app). */
export async function moneyPermission(accountId: string, settings: Pick<SettingsDocument, 'pmoEditorGroup'>, client: JiraClient = jiraAsApp()): Promise<MoneyPermission> {
  const group = settings.pmoEditorGroup;
  const onlyAdmins = 'Only Jira administrators may change settings and budgets: no PMO editor group is set.';
  const notMember = `Only Jira administrators and members of the ${group} group may change settings and budgets.`;
  try {
    if (await isJiraAdministrator(client, accountId)) return { allowed: true, reason: 'You administer Jira.' };
    if (group === null) return { allowed: false, reason: onlyAdmins };
    const groups = await groupNamesOf(client, accountId);
    return groups.includes(group) ? { allowed: true, reason: `You are in the ${group} group.` } : { allowed: false, reason: notMember };
  } catch (error) {
    console.warn('Could not check who may change money; refusing', error);
    return { allowed: false, reason: 'Jira could not confirm that you may change settings and budgets. Try again later.' };
  }
}

/** True only for Jira administrators and members of the configured PMO editor group; false on any error. */
export async function mayChangeMoney(accountId: string, settings: Pick<SettingsDocument, 'pmoEditorGroup'>, client?: JiraClient): Promise<boolean> {
  return (await moneyPermission(accountId, settings, client)).allowed;
}
