/**
 * The compliance gate on the local site with the app's own manifest: a transition through the simulated
 * Jira's POST /issue/{key}/transitions runs the app's workflow validator, which refuses a move that would
 * break a rule the PMO enforces at the gate (Jira's 400 with the message, the issue not moved) and lets
 * every other move through.
 */
import type { LocalSite } from '../local/site/site';
import { basicAuth } from '../local/jira/server/test-fixture';
import { DEFAULT_COMPLIANCE_SETTINGS, type ComplianceSettings } from '../src/compliance/settings';
import { complianceGate } from '../src/resolvers/gate/validator';
import { getSettings, saveSettings } from '../src/settings/store';
import { actingAs } from './host-fixture';
import { admin, asApp, dataset, startSite } from './sync-fixture';

const adminEmail = dataset.users.find((user) => user.accountId === admin)!.emailAddress;
const status = (name: string) => dataset.statuses.find((candidate) => candidate.name === name)!.id;
const IN_PROGRESS = status('In Progress');
const TO_DO = status('To Do');
const STORY_POINTS = dataset.customFields.find((field) => field.name === 'Story point estimate')!.id;
const STORY = dataset.issueTypes.find((type) => type.name === 'Story')!.id;

const estimated = (issue: (typeof dataset.issues)[number]) =>
  (issue.timeoriginalestimate ?? 0) > 0 || typeof issue.customFields?.[STORY_POINTS] === 'number';
const toDoStories = dataset.issues.filter((issue) => issue.statusId === TO_DO && issue.issueTypeId === STORY);
const unready = toDoStories.filter((issue) => issue.assigneeAccountId === null && !estimated(issue));
const ready = toDoStories.filter((issue) => issue.assigneeAccountId !== null && estimated(issue));

let site: LocalSite;
beforeAll(async () => {
  site = await startSite();
});
afterAll(() => site.close());

/** Saves the compliance section as the admin would through the settings page. */
async function enforce(change: (settings: ComplianceSettings) => void): Promise<void> {
  await asApp(site, async () => {
    const current = await getSettings();
    const compliance = structuredClone(DEFAULT_COMPLIANCE_SETTINGS);
    change(compliance);
    const outcome = await saveSettings({ ...current.document, compliance }, { expectedVersion: current.version, actorAccountId: admin, nowMs: Date.now() });
    if (outcome.status !== 'saved' && outcome.status !== 'unchanged') throw new Error(`settings not saved: ${JSON.stringify(outcome)}`);
  });
}

const transition = (key: string, id: string) =>
  fetch(`${site.jiraUrl}/rest/api/3/issue/${key}/transitions`, {
    method: 'POST',
    headers: { Authorization: basicAuth(adminEmail), 'Content-Type': 'application/json' },
    body: JSON.stringify({ transition: { id } }),
  });

const statusOf = async (key: string): Promise<string> => {
  const response = await fetch(`${site.jiraUrl}/rest/api/3/issue/${key}?fields=status`, { headers: { Authorization: basicAuth(adminEmail) } });
  return ((await response.json()) as { fields: { status: { id: string } } }).fields.status.id;
};

describe('the compliance gate on transitions', () => {
  beforeAll(() =>
    enforce((settings) => {
      settings.site['in-progress-ready'].enforceAtGate = true;
    }),
  );

  it('has items to move: unassigned, unestimated stories and assigned, estimated ones in To Do', () => {
    expect(unready.length).toBeGreaterThanOrEqual(2);
    expect(ready.length).toBeGreaterThanOrEqual(1);
  });

  it('refuses starting an unassigned, unestimated story with a message naming the rule and the fix, and does not move it', async () => {
    const [issue] = unready;
    const response = await transition(issue.key, IN_PROGRESS);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errorMessages: string[] };
    expect(body.errorMessages).toEqual([
      `${issue.key} cannot move to In Progress. Work in progress has an assignee and an estimate: ${issue.key} is in progress without an assignee and an estimate. Fix: Assign the item to the person doing it and give it an estimate (story points or an original estimate).`,
    ]);
    expect(await statusOf(issue.key)).toBe(TO_DO);
  });

  it('allows starting an assigned, estimated story', async () => {
    const [issue] = ready;
    const response = await transition(issue.key, IN_PROGRESS);
    expect(response.status).toBe(204);
    expect(await statusOf(issue.key)).toBe(IN_PROGRESS);
  });

  it('does not judge a move the rule does not look at (to Done)', async () => {
    const issue = unready[1];
    expect((await transition(issue.key, status('Won\'t Do'))).status).toBe(204);
    expect(await statusOf(issue.key)).toBe(status("Won't Do"));
    // Back, for the next tests; To Do is not judged either.
    expect((await transition(issue.key, TO_DO)).status).toBe(204);
  });

  it('lets the move through when the rule fails but is not enforced at the gate', async () => {
    await enforce((settings) => {
      settings.site['in-progress-ready'].enforceAtGate = false;
    });
    const issue = unready[1];
    expect((await transition(issue.key, IN_PROGRESS)).status).toBe(204);
    expect(await statusOf(issue.key)).toBe(IN_PROGRESS);
  });

  it("follows a project's override that turns enforcement off, and keeps enforcing in other projects", async () => {
    const [issue] = unready;
    const other = unready.find((candidate) => candidate.projectKey !== issue.projectKey && candidate.key !== unready[1].key);
    await enforce((settings) => {
      settings.site['in-progress-ready'].enforceAtGate = true;
      settings.projects[issue.projectKey] = { 'in-progress-ready': { enforceAtGate: false } };
    });
    expect((await transition(issue.key, IN_PROGRESS)).status).toBe(204);
    expect(await statusOf(issue.key)).toBe(IN_PROGRESS);
    expect(other).toBeDefined();
    expect((await transition(other!.key, IN_PROGRESS)).status).toBe(400);
    expect(await statusOf(other!.key)).toBe(TO_DO);
  });

  it('refuses, saying it could not check, when the app cannot read the issue', async () => {
    const issue = ready[1] ?? ready[0];
    expect(await statusOf(issue.key)).not.toBe(status('In Review'));
    site.jira.control.setKnobs({ failingPaths: ['GET /rest/api/3/issue/{issueIdOrKey}'] });
    const warned = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const response = await transition(issue.key, status('In Review'));
      expect(response.status).toBe(400);
      expect(((await response.json()) as { errorMessages: string[] }).errorMessages).toEqual([
        expect.stringMatching(/^PMO Portfolio could not check this transition against the PMO's compliance rules \(.+\)\. Try again in a moment; if it keeps failing, ask the PMO\.$/),
      ]);
      expect(warned).toHaveBeenCalledWith(expect.stringContaining(`pmo-gate: could not check ${issue.key}`));
    } finally {
      warned.mockRestore();
      site.jira.control.setKnobs({ failingPaths: [] });
    }
    expect(await statusOf(issue.key)).not.toBe(status('In Review'));
  });
});

describe('the validator function', () => {
  const call = (payload: unknown) =>
    site.runtime.runAsInvocation({ accountId: null, moduleKey: 'pmo-compliance-gate', moduleType: 'jira:workflowValidator', functionKey: 'compliance-gate', timeoutMs: 25_000 }, () =>
      complianceGate(payload),
    );

  it.each([
    ['no payload', undefined],
    ['no issue', { transition: { to: { id: IN_PROGRESS } } }],
    ['no target status', { issue: { key: unready[0].key }, transition: {} }],
    ['an issue key of the wrong type', { issue: { key: 42 }, transition: { to: { id: IN_PROGRESS } } }],
  ])('refuses, saying it could not check, when Jira\'s call has %s', async (_what, payload) => {
    expect(await call(payload)).toEqual({ result: false, errorMessage: expect.stringMatching(/^PMO Portfolio could not check this transition .*did not name the issue and the target status/) });
  });

  it('refuses, saying it could not check, a target status Jira does not know', async () => {
    expect(await call({ issue: { key: unready[0].key }, transition: { from: { id: TO_DO }, to: { id: '99999' } } })).toEqual({
      result: false,
      errorMessage: expect.stringContaining('Jira did not say which category status 99999 is in'),
    });
  });
});

describe("the issue view's transition control", () => {
  beforeAll(() => enforce(() => undefined));

  const move = (key: string, transitionId: string) =>
    fetch(`${site.url}/__host/issues/${key}/transition`, {
      method: 'POST',
      redirect: 'manual',
      headers: { ...actingAs(admin), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ transitionId }).toString(),
    });
  const view = async (path: string) => (await fetch(`${site.url}${path}`, { headers: actingAs(admin) })).text();

  it("lists the issue's transitions, shows Jira's refusal once after a refused move, and moves the issue when allowed", async () => {
    const issue = unready.find((candidate) => candidate.key !== unready[0].key && candidate.key !== unready[1].key)!;
    const page = await view(`/browse/${issue.key}`);
    expect(page).toContain('data-testid="transition-control"');
    expect(page).toContain(`<option value="${IN_PROGRESS}">In Progress</option>`);
    expect(page).not.toContain(`<option value="${TO_DO}">`);

    const refused = await move(issue.key, IN_PROGRESS);
    expect(refused.status).toBe(303);
    const location = refused.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^/browse/${issue.key}\\?refusal=[0-9a-f-]{36}$`));
    const shown = await view(location);
    expect(/data-testid="transition-refused"><p>([^<]*)<\/p>/.exec(shown)?.[1]).toBe(
      `${issue.key} cannot move to In Progress. Work in progress has an assignee and an estimate: ${issue.key} is in progress without an assignee and an estimate. Fix: Assign the item to the person doing it and give it an estimate (story points or an original estimate).`,
    );
    expect(/data-testid="issue-status">([^<]*)</.exec(shown)?.[1]).toBe('To Do');
    // Shown once, and only to the person who made the move.
    expect(await view(location)).not.toContain('transition-refused');

    const allowed = await move(issue.key, status("Won't Do"));
    expect(allowed.status).toBe(303);
    expect(allowed.headers.get('location')).toBe(`/browse/${issue.key}`);
    expect(/data-testid="issue-status">([^<]*)</.exec(await view(`/browse/${issue.key}`))?.[1]).toBe('Won&#39;t Do');
  });

  it('refuses a form that names no transition', async () => {
    const response = await move(unready[0].key, 'not-an-id');
    expect(response.status).toBe(400);
  });
});
