import api, { asApp, asUser, getAppContext, route, type ProxyRequestError } from '@forge/api';
import Resolver from '@forge/resolver';
import { LOCAL_APP_ID, LOCAL_CLOUD_ID, LOCAL_ENVIRONMENT_ID, LOCAL_INSTALLATION_ID } from '../constants';
import { ForgeFunctionTimeoutError } from './index';
import { startTestRuntime, type TestRuntime } from './test-helpers';

let t: TestRuntime;

beforeEach(() => {
  t = startTestRuntime({
    siteUrl: 'https://pmo.atlassian.net',
    manifest: { permissions: { scopes: ['read:jira-work', 'storage:app'] } },
  });
});

afterEach(async () => {
  await t.runtime.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('product requests', () => {
  it('routes asUser, asApp and plain requestJira with the right provider and account', async () => {
    await t.runtime.runAsInvocation({ accountId: 'user-1', moduleKey: 'portfolio-page' }, async () => {
      await asUser().requestJira(route`/rest/api/3/myself`);
      await asUser('explicit-user').requestJira(route`/rest/api/3/issue/${'ABC-1'}`, { method: 'PUT', body: '{}' });
      await asApp().requestJira(route`/rest/api/3/search/jql?jql=${'project = ABC'}`);
      await api.requestJira(route`/rest/api/3/serverInfo`);
      await asUser().requestConfluence(route`/wiki/api/v2/spaces`);
    });
    expect(t.requests.map(({ remote, provider, accountId, path }) => ({ remote, provider, accountId, path }))).toEqual([
      { remote: 'jira', provider: 'user', accountId: 'user-1', path: '/rest/api/3/myself' },
      { remote: 'jira', provider: 'user', accountId: 'explicit-user', path: '/rest/api/3/issue/ABC-1' },
      { remote: 'jira', provider: 'app', accountId: null, path: '/rest/api/3/search/jql?jql=project%20%3D%20ABC' },
      { remote: 'jira', provider: 'none', accountId: null, path: '/rest/api/3/serverInfo' },
      { remote: 'confluence', provider: 'user', accountId: 'user-1', path: '/wiki/api/v2/spaces' },
    ]);
    expect(t.requests[1].init).toEqual(expect.objectContaining({ method: 'PUT', body: '{}' }));
  });

  it('keeps the identities of concurrent invocations apart', async () => {
    const call = (accountId: string, delayMs: number) =>
      t.runtime.runAsInvocation({ accountId }, async () => {
        await sleep(delayMs);
        const first = await (await asUser().requestJira(route`/rest/api/3/myself`)).json();
        await sleep(delayMs);
        const second = await (await asUser().requestJira(route`/rest/api/3/myself`)).json();
        return [first.accountId, second.accountId] as string[];
      });
    const results = await Promise.all([call('alice', 20), call('bob', 5), call('carol', 12)]);
    expect(results).toEqual([
      ['alice', 'alice'],
      ['bob', 'bob'],
      ['carol', 'carol'],
    ]);
  });

  it('refuses asUser() without a user and reports product errors as responses', async () => {
    const error = await asUser()
      .requestJira(route`/rest/api/3/myself`)
      .catch((e: unknown) => e as ProxyRequestError);
    expect(error).toMatchObject({ name: 'PROXY_ERR', errorCode: 'NO_USER_CONTEXT' });
    await expect(asApp().requestBitbucket(route`/2.0/user`)).rejects.toMatchObject({ errorCode: 'INVALID_REMOTE_ERR' });
  });
});

describe('invokeResolver', () => {
  it('calls a @forge/resolver definition with payload and context as Forge does', async () => {
    const resolver = new Resolver();
    let seen: { payload: unknown; context: Record<string, unknown> } | undefined;
    resolver.define('getPortfolio', async ({ payload, context }) => {
      seen = { payload, context };
      const me = await (await asUser().requestJira(route`/rest/api/3/myself`)).json();
      return { ok: true, me: me.accountId, when: new Date(0), remaining: getAppContext().invocationRemainingTimeInMillis() };
    });
    const result = await t.runtime.invokeResolver<{ ok: boolean; me: string; when: string; remaining: number }>(resolver.getDefinitions(), {
      functionKey: 'getPortfolio',
      payload: { portfolioId: 'p1', since: new Date(0) },
      accountId: 'user-42',
      moduleKey: 'pmo-portfolio-page',
      extension: { type: 'jira:globalPage' },
      timeoutMs: 10_000,
    });
    expect(result.ok).toBe(true);
    expect(result.me).toBe('user-42');
    expect(result.when).toBe('1970-01-01T00:00:00.000Z'); // results cross JSON, as over the bridge
    expect(result.remaining).toBeGreaterThan(9_000);
    expect(result.remaining).toBeLessThanOrEqual(10_000);
    expect(seen?.payload).toEqual({ portfolioId: 'p1', since: '1970-01-01T00:00:00.000Z' });
    expect(seen?.context).toEqual(
      expect.objectContaining({
        accountId: 'user-42',
        cloudId: LOCAL_CLOUD_ID,
        moduleKey: 'pmo-portfolio-page',
        extension: { type: 'jira:globalPage' },
        siteUrl: 'https://pmo.atlassian.net',
        installContext: `ari:cloud:jira::site/${LOCAL_CLOUD_ID}`,
        localId: expect.stringContaining('pmo-portfolio-page'),
      }),
    );
  });

  it('exposes the app context of the invocation', async () => {
    const resolver = new Resolver().define('ctx', () => {
      const ctx = getAppContext();
      return {
        appAri: ctx.appAri.toString(),
        environmentAri: ctx.environmentAri.toString(),
        installationAri: ctx.installationAri.toString(),
        environmentType: ctx.environmentType,
        moduleKey: ctx.moduleKey,
        scopes: ctx.permissions?.scopes,
      };
    });
    const result = await t.runtime.invokeResolver(resolver.getDefinitions(), {
      functionKey: 'ctx',
      accountId: 'u',
      moduleKey: 'pmo-admin-page',
    });
    expect(result).toEqual({
      appAri: `ari:cloud:ecosystem::app/${LOCAL_APP_ID}`,
      environmentAri: `ari:cloud:ecosystem::environment/${LOCAL_APP_ID}/${LOCAL_ENVIRONMENT_ID}`,
      installationAri: `ari:cloud:ecosystem::installation/${LOCAL_INSTALLATION_ID}`,
      environmentType: 'DEVELOPMENT',
      moduleKey: 'pmo-admin-page',
      scopes: ['read:jira-work', 'storage:app'],
    });
  });

  it('rejects errors and timeouts', async () => {
    const resolver = new Resolver()
      .define('boom', () => {
        throw new Error('kaput');
      })
      .define('slow', () => sleep(200).then(() => 'late'));
    const handler = resolver.getDefinitions();
    await expect(t.runtime.invokeResolver(handler, { functionKey: 'boom', accountId: 'u', moduleKey: 'm' })).rejects.toThrow('kaput');
    await expect(t.runtime.invokeResolver(handler, { functionKey: 'slow', accountId: 'u', moduleKey: 'm', timeoutMs: 50 })).rejects.toBeInstanceOf(
      ForgeFunctionTimeoutError,
    );
    await expect(t.runtime.invokeResolver(handler, { functionKey: 'nope', accountId: 'u', moduleKey: 'm' })).rejects.toThrow(
      "Resolver has no definition for 'nope'.",
    );
  });
});
