/**
 * The budget fields on the local site with the app's own manifest: they are read-only to everyone (the
 * site installs them so from manifest.yml), the issue view shows Budget variance as its value function
 * computes it and Jira stores that value, and the sync keeps the stored variance equal to planned minus
 * actual after the app changes a budget.
 */
import api from '@forge/api';
import { setAppFieldValues } from '../src/jira/appFields';
import { JiraClient } from '../src/jira/client';
import { fieldBudgetVariance } from '../src/metrics/budget';
import type { LocalSite } from '../local/site/site';
import { basicAuth } from '../local/jira/server/test-fixture';
import { actingAs } from './host-fixture';
import { admin, asApp, dataset, RETRY, runRound, startSite } from './sync-fixture';

const field = (name: string) => dataset.customFields.find((candidate) => candidate.name === name)!.id;
const PLANNED = field('Planned budget');
const ACTUAL = field('Actual cost');
const VARIANCE = field('Budget variance');
const budgeted = dataset.issues.filter((issue) => typeof issue.customFields?.[PLANNED] === 'number' && typeof issue.customFields?.[ACTUAL] === 'number');
const adminEmail = dataset.users.find((user) => user.accountId === admin)!.emailAddress;

let site: LocalSite;
beforeAll(async () => {
  site = await startSite();
});
afterAll(() => site.close());

const storedValue = async (key: string, fieldId: string): Promise<unknown> => {
  const response = await fetch(`${site.jiraUrl}/rest/api/3/issue/${key}?fields=${fieldId}`, { headers: { Authorization: basicAuth(adminEmail) } });
  return ((await response.json()) as { fields: Record<string, unknown> }).fields[fieldId] ?? null;
};
const setStoredVariance = (key: string, value: number) =>
  site.db.prepare(`UPDATE issues SET custom_fields = json_set(custom_fields, '$.${VARIANCE}', ?) WHERE key = ?`).run(value, key);

describe('the budget fields', () => {
  it('are shipped with the demo: some items have both a planned budget and an actual cost, and Jira holds their variance', async () => {
    expect(budgeted.length).toBeGreaterThan(50);
    const [first] = budgeted;
    expect(await storedValue(first.key, VARIANCE)).toBe(fieldBudgetVariance(first.customFields![PLANNED] as number, first.customFields![ACTUAL] as number));
  });

  it('cannot be set by anyone through Edit issue, the Jira administrator included', async () => {
    for (const fieldId of [PLANNED, ACTUAL, VARIANCE]) {
      const response = await fetch(`${site.jiraUrl}/rest/api/3/issue/${budgeted[0].key}`, {
        method: 'PUT',
        headers: { Authorization: basicAuth(adminEmail), 'Content-Type': 'application/json' },
        body: JSON.stringify({ fields: { [fieldId]: 1 } }),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { errors: Record<string, string> }).errors[fieldId]).toMatch(/cannot be set/);
    }
  });

  it('show on the issue view, Budget variance as its value function computes it, which Jira then stores', async () => {
    const issue = budgeted[1];
    const expected = fieldBudgetVariance(issue.customFields![PLANNED] as number, issue.customFields![ACTUAL] as number)!;
    setStoredVariance(issue.key, 123_456);
    const page = await (await fetch(`${site.url}/browse/${issue.key}`, { headers: actingAs(admin) })).text();
    const shown = (id: string) => new RegExp(`data-testid="field-${id}"><span class="field-value">([^<]*)</span>`).exec(page)?.[1];
    expect(shown('planned-budget')?.replace(/[^\d.-]/g, '')).toBe(String(issue.customFields![PLANNED]));
    expect(shown('budget-variance')?.replace(/[^\d.-]/g, '')).toBe(String(expected));
    expect(await storedValue(issue.key, VARIANCE)).toBe(expected);
  });

  it('keep Budget variance current through the sync after the app changes an actual cost', async () => {
    await runRound(site);
    // An item within its budget, so that only the change makes it over budget.
    const issue = budgeted.slice(2).find((candidate) => (candidate.customFields![PLANNED] as number) >= (candidate.customFields![ACTUAL] as number))!;
    const planned = issue.customFields![PLANNED] as number;
    await asApp(site, () =>
      setAppFieldValues(new JiraClient(api.asApp().requestJira, { retry: RETRY }), [{ fieldId: ACTUAL, issueIds: [String(issue.id)], value: planned + 750.25 }]),
    );
    expect(await storedValue(issue.key, ACTUAL)).toBe(planned + 750.25);
    expect(await storedValue(issue.key, VARIANCE)).not.toBe(-750.25);
    const overBudget = async () => {
      const response = await fetch(`${site.jiraUrl}/rest/api/3/search/jql`, {
        method: 'POST',
        headers: { Authorization: basicAuth(adminEmail), 'Content-Type': 'application/json' },
        body: JSON.stringify({ jql: `key = ${issue.key} AND "Budget variance" < 0`, fields: ['key'] }),
      });
      return ((await response.json()) as { issues: { key: string }[] }).issues.map((found) => found.key);
    };
    expect(await overBudget()).toEqual([]);
    await runRound(site);
    expect(await storedValue(issue.key, VARIANCE)).toBe(-750.25);
    // What JQL finds once the sync has written it: the item is over budget.
    expect(await overBudget()).toEqual([issue.key]);
    // The write was the app's: the next round finds nothing left to write.
    const before = site.jira.control.requestCounts().byPath['POST /rest/api/3/app/field/value'] ?? 0;
    await runRound(site);
    expect(site.jira.control.requestCounts().byPath['POST /rest/api/3/app/field/value'] ?? 0).toBe(before);
  });
});
