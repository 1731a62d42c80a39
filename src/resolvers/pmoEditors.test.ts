/** Who may change money, asked of the simulated Jira as the app: administrators and the PMO editor group only, no on any failure. */
import type { APIResponse } from '@forge/api';
import { startFixtureJira, USERS, type FixtureJira } from '../../local/jira/server/test-fixture';
import { JiraClient, type RequestJira } from '../jira/client';
import { mayChangeMoney, moneyPermission } from './pmoEditors';

let jira: FixtureJira;
beforeAll(async () => {
  jira = await startFixtureJira();
});
afterAll(() => jira.close());
afterEach(() => jira.server.app.control.setKnobs({ failureRate: 0, failingPaths: [] }));

/** As the app: the simulated Jira answers a request without credentials as its administrator. */
const asApp = (): JiraClient => {
  const requestJira: RequestJira = async (path, init) =>
    (await fetch(`${jira.url}${path.value}`, { method: init?.method ?? 'GET', headers: { 'Content-Type': 'application/json' }, body: init?.body as string | undefined })) as unknown as APIResponse;
  return new JiraClient(requestJira, { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
};

const editors = { pmoEditorGroup: 'team-alpha' };

test('a Jira administrator may, whatever the group', async () => {
  expect(await mayChangeMoney(USERS.alice.accountId, editors, asApp())).toBe(true);
  expect(await mayChangeMoney(USERS.alice.accountId, { pmoEditorGroup: null }, asApp())).toBe(true);
});

test('a member of the PMO editor group may; others may not, and are told why', async () => {
  expect(await mayChangeMoney(USERS.bob.accountId, editors, asApp())).toBe(true);
  expect(await moneyPermission(USERS.carol.accountId, editors, asApp())).toEqual({
    allowed: false,
    reason: 'Only Jira administrators and members of the team-alpha group may change settings and budgets.',
  });
  expect(await mayChangeMoney(USERS.dave.accountId, editors, asApp())).toBe(false);
});

test('without a PMO editor group only administrators may', async () => {
  expect(await moneyPermission(USERS.bob.accountId, { pmoEditorGroup: null }, asApp())).toEqual({
    allowed: false,
    reason: 'Only Jira administrators may change settings and budgets: no PMO editor group is set.',
  });
});

test('an unknown person, a group Jira does not know, or Jira failing answers no', async () => {
  expect(await mayChangeMoney('acc-nobody', editors, asApp())).toBe(false);
  expect(await mayChangeMoney(USERS.bob.accountId, { pmoEditorGroup: 'no-such-group' }, asApp())).toBe(false);
  jira.server.app.control.setKnobs({ failingPaths: ['GET /rest/api/3/user/groups'] });
  expect(await moneyPermission(USERS.bob.accountId, editors, asApp())).toEqual({ allowed: false, reason: 'Jira could not confirm that you may change settings and budgets. Try again later.' });
  jira.server.app.control.setKnobs({ failingPaths: [], failureRate: 1 });
  expect(await mayChangeMoney(USERS.alice.accountId, editors, asApp())).toBe(false);
});
