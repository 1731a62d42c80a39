/**
 * The local site: the simulated Jira Cloud under /jira, the Forge runtime emulator running the
 * app's real functions, and the host shell around the real Custom UI build, in one process on
 * 127.0.0.1. Product calls go to the simulated Jira, or to a real Jira Cloud site when configured.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { LOCAL_APP_ID, LOCAL_CLOUD_ID, LOCAL_ENVIRONMENT_ID } from '../constants';
import { importDataset, jiraDatabaseHasData, openJiraDatabase, type JiraDatabase } from '../jira/db/database';
import type { Dataset } from '../jira/dataset';
import { createJiraApp, type JiraApp, type JiraKnobsPatch, type TransitionCheck, type TransitionValidator } from '../jira/server';
import { siteAdministrator, type InstalledApp } from '../jira/server/access';
import { generateDemoDataset, type DemoDatasetSize } from '../jira/seed';
import { demoSettings } from '../jira/seed/demo-settings';
import { getSettings, saveSettings, setGroupMembers } from '../../src/settings/store';
import { loadDatasetFile } from '../jira/validate';
import { createForgeRuntime, type ForgeRuntimeEmulator, type ProductRequest, type RuntimeManifest } from '../runtime';
import { errorAnswer, loopbackHostsOnly, notFound } from '../http-errors';
import { ConfluencePage } from './confluence-page';
import type { RenderedContextsOptions } from './contexts';
import { createHostRouter, extensionAri, forgeLocale, themeState, UnknownUserError, type FrontendContext, type HostDirectory, type HostUser } from './host';
import { listUiModules, loadFunctionHandlers, PROJECT_ROOT, readManifest, type AppFunction, type Manifest, type UiModule } from './manifest';
import { buildUiIfMissing } from './ui-build';

/** A real Jira Cloud site to use instead of the simulated one. */
export interface RealJiraSite {
  baseUrl: string;
  email: string;
  apiToken: string;
}

/** What the simulated Jira starts with. */
export type DatasetSource =
  | { kind: 'keep' } // what the data folder holds; the demo when it holds nothing
  | { kind: 'demo'; size?: DemoDatasetSize; seed?: number; now?: Date }
  | { kind: 'file'; path: string }
  | { kind: 'dataset'; dataset: Dataset };

export interface LocalSiteOptions {
  /** 0 picks a free port. */
  port?: number;
  /** Folder for the simulated Jira's and Forge storage's SQLite files; ':memory:' keeps nothing. */
  dataDir: string;
  dataset?: DatasetSource;
  knobs?: JiraKnobsPatch;
  realJira?: RealJiraSite | null;
  /** Builds the Custom UI first when its build is missing. */
  buildUi?: boolean;
  /** The app to run: a folder with manifest.yml and src/; this repository by default. */
  appRoot?: string;
  /**
   * Scheduled triggers run on timers ('timer', the default; `triggerSpeedup` divides their
   * intervals) or only when asked through runtime.runScheduledTrigger ('manual', for tests).
   */
  scheduledTriggers?: 'timer' | 'manual';
  triggerSpeedup?: number;
  /**
   * Runs every scheduled trigger once as soon as the site is up (the app's hourly sync fills the
   * snapshots the page reads), instead of waiting for the first interval. `pmo serve` turns it on.
   */
  syncOnStart?: boolean;
  /** How long an open page's contexts live unused, and the clock that says so (tests move it). */
  hostContexts?: RenderedContextsOptions;
  log?: (line: string) => void;
}

export interface LocalSite {
  url: string;
  /** Base URL of the simulated Jira (…/jira), or of the real site. */
  jiraUrl: string;
  runtime: ForgeRuntimeEmulator;
  jira: JiraApp;
  db: JiraDatabase;
  /**
   * Runs a resolver function as a user, as the host's invoke does (the CLI uses it), with the context
   * of a page of that module that shows no project, issue or content, in the light theme.
   */
  invoke(moduleKey: string, functionKey: string, payload: unknown, accountId: string, opened?: { localId?: string; extension?: Record<string, unknown> }): Promise<unknown>;
  directory: HostDirectory;
  close(): Promise<void>;
}

/** Reads JIRA_BASE_URL, JIRA_EMAIL and JIRA_API_TOKEN; all three or none. */
export function realJiraFromEnvironment(env: NodeJS.ProcessEnv = process.env): RealJiraSite | null {
  const { JIRA_BASE_URL: baseUrl, JIRA_EMAIL: email, JIRA_API_TOKEN: apiToken } = env;
  if (!baseUrl && !email && !apiToken) return null;
  if (!baseUrl || !email || !apiToken) {
    throw new Error('To use a real Jira Cloud site set all of JIRA_BASE_URL, JIRA_EMAIL and JIRA_API_TOKEN.');
  }
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`JIRA_BASE_URL is not a URL: ${baseUrl}`);
  }
  // Plain http only to this machine (a Jira under test); a real site's token never travels unencrypted.
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new Error('JIRA_BASE_URL must be an https:// address, such as https://your-site.atlassian.net.');
  }
  return { baseUrl: `${url.origin}${url.pathname.replace(/\/+$/, '')}`, email, apiToken };
}

function basicAuth(email: string, token: string): string {
  return `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`;
}

/** Seeds the simulated Jira; answers the generated demo dataset when that is what it seeded. */
function seedDatabase(db: JiraDatabase, source: DatasetSource, log: (line: string) => void): Dataset | null {
  if (source.kind === 'keep' && jiraDatabaseHasData(db)) return null;
  const started = Date.now();
  let dataset: Dataset;
  let what: string;
  switch (source.kind) {
    case 'file':
      dataset = loadDatasetFile(source.path);
      what = source.path;
      break;
    case 'dataset':
      dataset = source.dataset;
      what = 'the given dataset';
      break;
    case 'keep':
    case 'demo': {
      const size = source.kind === 'demo' ? (source.size ?? 'demo') : 'demo';
      dataset = generateDemoDataset(source.kind === 'demo' ? { size, seed: source.seed, now: source.now } : {});
      what = `the ${size} portfolio`;
      break;
    }
  }
  const summary = importDataset(db, dataset);
  log(`Seeded the simulated Jira with ${what}: ${JSON.stringify(summary)} in ${Date.now() - started} ms.`);
  return source.kind === 'keep' || source.kind === 'demo' ? dataset : null;
}

/** A fresh demo site starts with the demo's settings (rates, budgets, baselines, rules), saved as the site admin. */
async function seedDemoSettings(runtime: ForgeRuntimeEmulator, db: JiraDatabase, dataset: Dataset, log: (line: string) => void): Promise<void> {
  const admin = siteAdministrator(db);
  await runtime.runAsInvocation({ accountId: null, functionKey: 'seed-settings' }, async () => {
    if ((await getSettings()).version !== 0) return;
    const demo = demoSettings(dataset);
    const outcome = await saveSettings(demo, { expectedVersion: 0, actorAccountId: admin?.account_id ?? dataset.users[0].accountId, nowMs: Date.parse(dataset.generatedAt) });
    if (outcome.status === 'invalid') throw new Error(`The demo settings do not validate: ${outcome.problems.join('; ')}`);
    // The rate groups' members, as the settings page reads them from Jira when it saves.
    const byGroup = Object.fromEntries(demo.rates.byGroup.map((entry) => [entry.group, dataset.users.filter((user) => user.groups.includes(entry.group)).map((user) => user.accountId)]));
    await setGroupMembers({ byGroup, readAtMs: Date.parse(dataset.generatedAt) });
    log(`Stored the demo settings (${outcome.status}).`);
  });
}

/** The simulated Jira's users, for the "acting as" switch; the site admin by default. */
function simulatedDirectory(db: JiraDatabase): HostDirectory {
  const users = db
    .prepare(
      'SELECT account_id AS accountId, display_name AS displayName, email AS emailAddress, time_zone AS timeZone, locale FROM users WHERE active = 1 ORDER BY display_name',
    )
    .all() as HostUser[];
  // The same person the simulated Jira answers as when a request has no credentials.
  const admin = siteAdministrator(db);
  return { listUsers: () => users, defaultAccountId: () => admin?.account_id ?? users[0]?.accountId ?? '' };
}

/** Against a real site every call runs as the API token's owner: that is the only user there. */
async function tokenOwnerDirectory(realJira: RealJiraSite): Promise<HostDirectory> {
  const me = await fetch(`${realJira.baseUrl}/rest/api/3/myself`, {
    headers: { Authorization: basicAuth(realJira.email, realJira.apiToken), Accept: 'application/json' },
  });
  if (!me.ok) throw new Error(`${realJira.baseUrl} did not accept JIRA_EMAIL and JIRA_API_TOKEN (HTTP ${me.status}).`);
  const profile = (await me.json()) as Partial<HostUser> & Pick<HostUser, 'accountId' | 'displayName' | 'emailAddress'>;
  const user: HostUser = { ...profile, timeZone: profile.timeZone ?? 'UTC', locale: profile.locale ?? 'en_US' };
  return { listUsers: () => [user], defaultAccountId: () => user.accountId };
}

/** The app's id as `forge register` wrote it into the manifest (the runtime reads it the same way). */
const appIdOf = (manifest: Manifest): string => manifest.app.id?.replace(/^ari:cloud:ecosystem::app\//, '') ?? LOCAL_APP_ID;

/** Consumers, scheduled triggers and product-event triggers run exactly as the manifest declares them. */
function wireBackgroundModules(runtime: ForgeRuntimeEmulator, manifest: Manifest, functions: Map<string, AppFunction>, options: LocalSiteOptions): void {
  const named = (moduleKey: string, functionKey: string): AppFunction => {
    const fn = functions.get(functionKey);
    if (!fn) throw new Error(`manifest.yml: module ${moduleKey} names function ${functionKey}, which is not declared.`);
    return fn;
  };
  type Handler = Parameters<ForgeRuntimeEmulator['registerConsumer']>[1];
  for (const consumer of manifest.modules.consumer) {
    const resolver = 'resolver' in consumer ? consumer.resolver : null;
    const fn = named(consumer.key, resolver ? resolver.function : (consumer as { function: string }).function);
    runtime.registerConsumer(consumer.queue, fn.handler as Handler, {
      key: consumer.key,
      ...(resolver ? { method: resolver.method } : {}),
      ...(fn.timeoutSeconds ? { timeoutSeconds: fn.timeoutSeconds } : {}),
    });
  }
  for (const trigger of manifest.modules.trigger) {
    const fn = named(trigger.key, trigger.function);
    runtime.registerTrigger(trigger.events, fn.handler as Handler, { key: trigger.key, ...(fn.timeoutSeconds ? { timeoutSeconds: fn.timeoutSeconds } : {}) });
  }
  const scheduled = manifest.modules.scheduledTrigger.map((trigger) => {
    const fn = named(trigger.key, trigger.function);
    return {
      key: trigger.key,
      interval: trigger.interval,
      handler: fn.handler as Parameters<ForgeRuntimeEmulator['startScheduledTriggers']>[0][number]['handler'],
      ...(fn.timeoutSeconds ? { timeoutSeconds: fn.timeoutSeconds } : {}),
    };
  });
  if (options.scheduledTriggers === 'manual') runtime.registerScheduledTriggers(scheduled);
  else runtime.startScheduledTriggers(scheduled, { speedup: options.triggerSpeedup });
}

export async function startLocalSite(options: LocalSiteOptions): Promise<LocalSite> {
  const log = options.log ?? ((line: string) => console.log(line));
  if (options.dataDir !== ':memory:') fs.mkdirSync(options.dataDir, { recursive: true });
  if (options.buildUi !== false) await buildUiIfMissing(options.appRoot ?? PROJECT_ROOT, log);

  const appRoot = options.appRoot ?? PROJECT_ROOT;
  const manifest = readManifest(appRoot);
  const modules = listUiModules(manifest, appRoot);
  const functions = loadFunctionHandlers(manifest, appRoot);

  const realJira = options.realJira ?? null;
  // Checked before anything starts, so bad credentials leave nothing running.
  const tokenOwner = realJira ? await tokenOwnerDirectory(realJira) : null;

  const db = openJiraDatabase(options.dataDir === ':memory:' ? ':memory:' : path.join(options.dataDir, 'jira.sqlite'));
  const seededDemo = realJira ? null : seedDatabase(db, options.dataset ?? { kind: 'keep' }, log);
  // Edits in the simulated Jira reach the app's product-event triggers, as Jira's webhooks do.
  let deliverProductEvent: (eventType: string, payload: Record<string, unknown>) => void = () => undefined;
  // The app as Jira knows it once installed: the token of its asApp() calls and its read-only fields.
  const installedApp: InstalledApp = {
    token: randomUUID(),
    extensionPrefix: extensionAri(appIdOf(manifest), LOCAL_ENVIRONMENT_ID, ''),
    readOnlyFieldKeys: modules.filter((module) => module.moduleType === 'jira:customField' && module.readOnly === true).map((module) => module.moduleKey),
  };
  // The app's workflow validators, wired once the runtime that runs them exists.
  let validateTransition: TransitionValidator = async () => [];
  const jira = createJiraApp({
    db,
    knobs: options.knobs,
    installedApp,
    onProductEvent: (eventType, payload) => deliverProductEvent(eventType, payload),
    validateTransition: (check) => validateTransition(check),
  });
  const directory = tokenOwner ?? simulatedDirectory(db);

  const app = express();
  app.disable('x-powered-by');
  let port = 0;
  app.use(loopbackHostsOnly(() => port));
  app.use('/jira', jira);
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const jiraUrl = realJira ? realJira.baseUrl : `${url}/jira`;

  const emailOf = (accountId: string | null) => directory.listUsers().find((user) => user.accountId === accountId)?.emailAddress;

  const productFetch = async (request: ProductRequest): Promise<Response> => {
    if (request.remote !== 'jira') {
      return Response.json({ message: `The local site has no ${request.remote}.` }, { status: 404, headers: { 'forge-proxy-error': 'NOT_FOUND' } });
    }
    const headers = new Headers(request.init.headers);
    if (realJira) {
      headers.set('Authorization', basicAuth(realJira.email, realJira.apiToken));
    } else if (request.provider === 'user') {
      const email = emailOf(request.accountId);
      if (!email) return Response.json({ errorMessages: ['No user for this request.'], errors: {} }, { status: 401 });
      headers.set('Authorization', basicAuth(email, 'local'));
    } else if (request.provider === 'app') {
      // The app's own identity: it reads what the site admin may, and alone writes its fields' values.
      headers.set('Authorization', `Bearer ${installedApp.token}`);
    }
    return fetch(`${jiraUrl}${request.path}`, { ...request.init, headers });
  };

  const runtime = createForgeRuntime({
    dataDir: options.dataDir,
    productFetch,
    manifest: manifest as unknown as RuntimeManifest,
    siteUrl: realJira ? realJira.baseUrl : url,
    log,
  });

  if (seededDemo) await seedDemoSettings(runtime, db, seededDemo, log);
  wireBackgroundModules(runtime, manifest, functions, options);
  if (options.syncOnStart === true) {
    for (const trigger of manifest.modules.scheduledTrigger) {
      runtime.runScheduledTrigger(trigger.key).catch((error: unknown) => log(`Scheduled trigger ${trigger.key} failed at start: ${String(error)}`));
    }
  }
  deliverProductEvent = (eventType, payload) => void runtime.emitProductEvent(eventType, payload);

  // Invocations still running when the site closes are let finish, so none runs on a closed runtime.
  const running = new Set<Promise<unknown>>();
  const track = <T>(invocation: Promise<T>): Promise<T> => {
    running.add(invocation);
    const forget = () => running.delete(invocation);
    invocation.then(forget, forget);
    return invocation;
  };

  /**
   * Every function validator of the manifest, as Forge calls one: as the app (no user), with the issue
   * and the transition, answering `{result, errorMessage}`. A refusal, an answer not in that shape or
   * a validator that throws stops the transition, as Jira treats a failing validator.
   */
  const runWorkflowValidators = async (check: TransitionCheck): Promise<string[]> => {
    const refusals: string[] = [];
    for (const validator of manifest.modules['jira:workflowValidator']) {
      if (validator.function === undefined) continue;
      const fn = functions.get(validator.function);
      const payload = {
        issue: { key: check.issue.key },
        transition: { from: { id: check.transition.from.id }, to: { id: check.transition.to.id } },
        configuration: {},
        context: { cloudId: LOCAL_CLOUD_ID, moduleKey: validator.key },
      };
      try {
        if (!fn) throw new Error(`manifest.yml names no function ${validator.function}.`);
        const answer = (await track(
          runtime.runAsInvocation({ accountId: null, moduleKey: validator.key, moduleType: 'jira:workflowValidator', functionKey: validator.function, timeoutMs: 25_000 }, () =>
            (fn.handler as (payload: unknown, context: unknown) => unknown)(payload, runtime.functionContext(null)),
          ),
        )) as { result?: unknown; errorMessage?: unknown } | null;
        if (answer?.result === true) continue;
        refusals.push(typeof answer?.errorMessage === 'string' && answer.errorMessage !== '' ? answer.errorMessage : `The transition was refused by ${validator.name}.`);
      } catch (error) {
        log(`Workflow validator ${validator.key} failed on ${check.issue.key}: ${String(error)}`);
        refusals.push(`${validator.name} failed to check this transition.`);
      }
    }
    return refusals;
  };
  validateTransition = runWorkflowValidators;

  /** Runs the module's resolver with the frontend context the host gave the page (or a plain one for the CLI). */
  const invoke = async (module: UiModule, functionKey: string, payload: unknown, accountId: string, frontend: Pick<FrontendContext, 'localId' | 'extension' | 'theme'> | null) => {
    // As on Forge, the platform names the user: only an active user of the site ever reaches the app.
    const user = directory.listUsers().find((candidate) => candidate.accountId === accountId);
    if (!user) throw new UnknownUserError(accountId);
    if (!module.resolverFunctionKey) throw new Error(`No UI module ${module.moduleKey} with a resolver in manifest.yml.`);
    const fn = functions.get(module.resolverFunctionKey);
    if (!fn) throw new Error(`manifest.yml names no function ${module.resolverFunctionKey}.`);
    return track(
      runtime.invokeResolver(fn.handler as Parameters<ForgeRuntimeEmulator['invokeResolver']>[0], {
        functionKey,
        payload,
        accountId,
        moduleKey: module.moduleKey,
        locale: forgeLocale(user.locale),
        timezone: user.timeZone,
        extension: frontend?.extension ?? { type: module.moduleType },
        ...(frontend ? { localId: frontend.localId } : {}),
        context: { theme: frontend?.theme ?? themeState('light') },
      }),
    );
  };

  // Jira's REST API as the acting user, exactly as the app's asUser() calls reach it.
  const jiraAsUser = (accountId: string, path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (!headers.has('Accept')) headers.set('Accept', 'application/json');
    return productFetch({ remote: 'jira', provider: 'user', accountId, path, init: { ...init, headers } });
  };

  app.use(
    createHostRouter({
      modules,
      permissions: manifest.permissions,
      directory,
      invoke: (request) => invoke(request.module, request.functionKey, request.payload, request.accountId, request.context),
      jiraAsUser,
      siteUrl: () => url,
      cloudId: LOCAL_CLOUD_ID,
      appId: runtime.appId,
      environmentId: runtime.environmentId,
      contexts: options.hostContexts,
      notice: realJira ? `Product calls go to ${realJira.baseUrl} as ${realJira.email}.` : undefined,
      confluencePage: ConfluencePage.inFolder(modules.filter((module) => module.placement === 'confluence').map((module) => module.moduleKey), options.dataDir, log),
      exportMacro: (module, payload, accountId) => {
        const fn = module.adfExportFunctionKey ? functions.get(module.adfExportFunctionKey) : undefined;
        if (!fn) throw new Error(`manifest.yml names no function ${module.adfExportFunctionKey} for ${module.moduleKey}'s export.`);
        // As the platform calls it: the exporting person's invocation, the macro's module.
        return track(
          runtime.runAsInvocation({ accountId, moduleKey: module.moduleKey, moduleType: 'macro', functionKey: module.adfExportFunctionKey!, timeoutMs: 25_000 }, () =>
            (fn.handler as (payload: unknown, context: unknown) => unknown)(payload, runtime.functionContext(accountId)),
          ),
        );
      },
      computeFieldValue: async (module, field, issue) => {
        const fn = module.valueFunctionKey ? functions.get(module.valueFunctionKey) : undefined;
        if (!fn) throw new Error(`manifest.yml names no function ${module.valueFunctionKey} for ${module.moduleKey}'s value.`);
        // As Jira calls it: as the app (no user), with the field and the issues, answering their values in order.
        const payload = { field: { id: field.id, key: field.key, name: field.name, type: module.fieldType ?? 'string' }, issues: [issue] };
        const answer = await track(
          runtime.runAsInvocation({ accountId: null, moduleKey: module.moduleKey, moduleType: 'jira:customField', functionKey: module.valueFunctionKey!, timeoutMs: 25_000 }, () =>
            (fn.handler as (payload: unknown, context: unknown) => unknown)(payload, runtime.functionContext(null)),
          ),
        );
        if (!Array.isArray(answer) || answer.length !== 1) throw new Error(`${module.valueFunctionKey} answered ${JSON.stringify(answer)?.slice(0, 200)}, not one value for the one issue.`);
        const [value] = answer as unknown[];
        if (value === issue.value) return value;
        // Jira stores the computed value, so JQL and the REST API see it too.
        const stored = await productFetch({
          remote: 'jira',
          provider: 'app',
          accountId: null,
          path: `/rest/api/3/app/field/${encodeURIComponent(field.id)}/value?generateChangelog=false`,
          init: { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ updates: [{ issueIds: [Number(issue.id)], value }] }) },
        });
        if (!stored.ok) throw new Error(`Jira did not store ${module.moduleKey}'s value (HTTP ${stored.status}): ${(await stored.text()).slice(0, 300)}`);
        return value;
      },
    }),
  );
  app.use(notFound);
  app.use(errorAnswer(log));

  return {
    url,
    jiraUrl,
    runtime,
    jira,
    db,
    directory,
    invoke: (moduleKey, functionKey, payload, accountId, opened) => {
      const module = modules.find((candidate) => candidate.moduleKey === moduleKey);
      if (!module) return Promise.reject(new Error(`No UI module ${moduleKey} in manifest.yml.`));
      // Where a caller says the module is opened (a macro's id and config, a project page's project).
      const frontend = opened
        ? { localId: opened.localId ?? extensionAri(runtime.appId, runtime.environmentId, moduleKey), extension: { type: module.moduleType, ...opened.extension }, theme: themeState('light') }
        : null;
      return invoke(module, functionKey, payload, accountId, frontend);
    },
    close: async () => {
      await Promise.allSettled([...running]);
      await runtime.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      db.close();
    },
  };
}
