/**
 * Pointing the local site at another Jira (JIRA_BASE_URL, JIRA_EMAIL, JIRA_API_TOKEN): every product
 * call goes there with the token owner's Basic credentials, and the app acts as that one person.
 * A second simulated Jira stands in for the real Cloud site.
 */
import { invokeLiveReport } from '../local/report/resolver';
import { openJiraDatabase, importDataset } from '../local/jira/db/database';
import { startJiraServer, type RunningJiraServer } from '../local/jira/server';
import { realJiraFromEnvironment, startLocalSite, type LocalSite } from '../local/site/site';
import { browsableProjectKeys, demoDataset, userByName } from './demo-fixture';

const dataset = demoDataset();
const contractor = userByName(dataset, 'Oskar Brandt');
let remote: RunningJiraServer;
let site: LocalSite;

beforeAll(async () => {
  const db = openJiraDatabase(':memory:');
  importDataset(db, dataset);
  remote = await startJiraServer({ db });
  site = await startLocalSite({
    port: 0,
    dataDir: ':memory:',
    realJira: realJiraFromEnvironment({ JIRA_BASE_URL: remote.url, JIRA_EMAIL: contractor.emailAddress, JIRA_API_TOKEN: 'token-123' }),
    buildUi: false,
    log: () => undefined,
  });
});
afterAll(async () => {
  await site?.close();
  await remote?.close();
});

test('the app reads the other site as the API token owner', async () => {
  expect(site.directory.listUsers().map((user) => user.accountId)).toEqual([contractor.accountId]);
  remote.app.control.resetRequestCounts();
  const answer = await invokeLiveReport(site, 'portfolio/overview', {}, contractor.accountId);
  if (!answer.ok) throw new Error(JSON.stringify(answer.error));
  expect(answer.data.viewer.accountId).toBe(contractor.accountId);
  expect(answer.data.projects.map((project) => project.key).sort()).toEqual(browsableProjectKeys(dataset, contractor.accountId));
  expect(remote.app.control.requestCounts().byPath['GET /rest/api/3/myself']).toBe(1);
  // Nothing was served by the local site's own simulated Jira.
  expect(site.jira.control.requestCounts().total).toBe(0);
});

test('the settings are checked before anything is sent', () => {
  expect(realJiraFromEnvironment({})).toBeNull();
  expect(() => realJiraFromEnvironment({ JIRA_BASE_URL: 'https://x.atlassian.net' })).toThrow('set all of JIRA_BASE_URL, JIRA_EMAIL and JIRA_API_TOKEN');
  expect(() => realJiraFromEnvironment({ JIRA_BASE_URL: 'http://x.atlassian.net', JIRA_EMAIL: 'a@b.c', JIRA_API_TOKEN: 't' })).toThrow('must be an https:// address');
  expect(() => realJiraFromEnvironment({ JIRA_BASE_URL: 'not a url', JIRA_EMAIL: 'a@b.c', JIRA_API_TOKEN: 't' })).toThrow('JIRA_BASE_URL is not a URL');
  expect(realJiraFromEnvironment({ JIRA_BASE_URL: 'https://x.atlassian.net/', JIRA_EMAIL: 'a@b.c', JIRA_API_TOKEN: 't' })).toEqual({
    baseUrl: 'https://x.atlassian.net',
    email: 'a@b.c',
    apiToken: 't',
  });
});

test('credentials the other site refuses stop the start with a clear message', async () => {
  await expect(
    startLocalSite({
      port: 0,
      dataDir: ':memory:',
      realJira: { baseUrl: remote.url, email: 'nobody@nowhere.example', apiToken: 'x' },
      buildUi: false,
      log: () => undefined,
    }),
  ).rejects.toThrow(`${remote.url} did not accept JIRA_EMAIL and JIRA_API_TOKEN (HTTP 401).`);
});
