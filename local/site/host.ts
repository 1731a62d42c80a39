/**
 * The host shell: pages that stand in for Jira and Confluence around the app's Custom UI, one route
 * per kind of product page (docs/local-site.md), each loading the real UI build in Forge's sandboxed
 * iframe under Forge's Content-Security-Policy, with a `__bridge` injected. The header switches the
 * acting user and the light or dark theme. getContext and invoke read what the host decided when it
 * rendered the page (module, project, issue, user), never what the page says.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import cookieParser from 'cookie-parser';
import { z } from 'zod';
import { adfToHtml, exportPageHtml } from './adf-html';
import { firstLocalId, type ConfluencePage } from './confluence-page';
import { contentSecurityPolicy, IFRAME_ALLOW, iframeSandbox } from './csp';
import { RenderedContexts, type RenderedContext, type RenderedContextsOptions } from './contexts';
import {
  firstIssueKey,
  firstProjectKey,
  isIssueKey,
  isJiraAdministrator,
  isProjectKey,
  readForgeFields,
  readIssue,
  readProject,
  readTransitions,
  type JiraAsUser,
  type JiraIssue,
  type JiraTransition,
} from './jira-reads';
import type { EntryPointName, ManifestPermissions, UiModule, UiResource } from './manifest';
import { escapeHtml, frameHtml, layout, messageMain, THEME_IDS, THEME_STYLESHEETS, type ColorMode, type NavLink } from './pages';

export const ACTING_USER_COOKIE = 'pmo_acting_user';
export const COLOR_MODE_COOKIE = 'pmo_color_mode';

export interface HostUser {
  accountId: string;
  displayName: string;
  emailAddress: string;
  /** From the user's Jira profile: an IANA zone such as Europe/Berlin. */
  timeZone: string;
  /** From the user's Jira profile, as Jira spells it (en_US). */
  locale: string;
}

/** Who can be acted as, and who is acted as by default. */
export interface HostDirectory {
  listUsers(): HostUser[];
  defaultAccountId(): string;
}

/** Atlaskit's theme state, as Forge gives it in `context.theme`. */
export type ThemeState = typeof THEME_IDS & { colorMode: ColorMode };

/** What `view.getContext()` answers, and what the resolver's `context` carries, for one rendered UI. */
export interface FrontendContext {
  accountId: string;
  cloudId: string;
  siteUrl: string;
  environmentId: string;
  environmentType: 'DEVELOPMENT';
  locale: string;
  timezone: string;
  moduleKey: string;
  localId: string;
  theme: ThemeState;
  extension: Record<string, unknown>;
}

export interface InvokeRequest {
  module: UiModule;
  functionKey: string;
  payload: unknown;
  accountId: string;
  context: FrontendContext;
}

export interface HostOptions {
  modules: UiModule[];
  permissions: ManifestPermissions;
  directory: HostDirectory;
  invoke: (request: InvokeRequest) => Promise<unknown>;
  /** Jira's REST API as one user: the simulated Jira, or the real site. */
  jiraAsUser: JiraAsUser;
  siteUrl: () => string;
  cloudId: string;
  appId: string;
  environmentId: string;
  contexts?: RenderedContextsOptions;
  /** Shown in the header when the product calls go to a real Jira site. */
  notice?: string;
  /** The simulated Confluence page: its macros and their saved configs. */
  confluencePage: ConfluencePage;
  /** Runs a macro's adfExport function for the page's export, as the person exporting. */
  exportMacro: (module: UiModule, payload: unknown, accountId: string) => Promise<unknown>;
  /**
   * Runs a custom field's value function (as the app) for the issue view and stores what it answers
   * as the field's value, as Jira does; resolves to the stored value.
   */
  computeFieldValue: (module: UiModule, field: { id: string; key: string; name: string }, issue: { id: string; value: unknown }) => Promise<unknown>;
}

const PUBLIC_DIR = path.join(__dirname, '..', 'host', 'public');

/** The simulated Confluence page that holds every macro of the manifest. */
export const CONFLUENCE_PAGE = { path: '/wiki/spaces/PMO/pages/1001', content: { id: '1001', type: 'page' }, space: { id: '65538', key: 'PMO' }, title: 'Status report' };

/**
 * Deeper than this the bridge could not carry a payload at all (serializing it overflows the stack, in
 * the browser as here); the app's own guard refuses far shallower ones with a typed error.
 */
export const BRIDGE_MAX_DEPTH = 512;

/** The host's own pages: their scripts and styles are files of this origin, and nothing frames them. */
const HOST_PAGE_CSP = "default-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

/** A request that names no active user of the site: refused, never run as someone else. */
export class UnknownUserError extends Error {
  constructor(accountId: string) {
    super(`No active user has the account id "${accountId.slice(0, 100)}".`);
    this.name = 'UnknownUserError';
  }
}

/** Whether `value` nests deeper than `limit`, found without recursion. */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth >= limit) return true;
    for (const child of Object.values(next.value)) pending.push({ value: child, depth: next.depth + 1 });
  }
  return false;
}

/** Jira writes locales as en_US; Forge's context has en-US. */
export const forgeLocale = (jiraLocale: string): string => jiraLocale.replace('_', '-');

export const themeState = (colorMode: ColorMode): ThemeState => ({ ...THEME_IDS, colorMode });

/** The Atlassian extension id Forge gives a module, and Jira's custom fields carry in schema.custom. */
export const extensionAri = (appId: string, environmentId: string, moduleKey: string): string => `ari:cloud:ecosystem::extension/${appId}/${environmentId}/static/${moduleKey}`;

const contextBody = z.object({ context: z.string().max(64) });
// Whatever else the page sends (an `extension`, a `surface`) is dropped here and never read.
const invokeBody = z.object({ context: z.string().max(64), functionKey: z.string().min(1).max(200), payload: z.unknown() });
const submitBody = z.object({ context: z.string().max(64), payload: z.unknown() });

type ActingUser = { user: HostUser } | { user: null; problem: string };

type PageResult =
  | { status?: number; title: string; product?: 'Jira' | 'Confluence'; main: string; here?: { projectKey?: string; issueKey?: string } }
  | { redirect: string };

type FrameOptions = { id: string; className: string; localId?: string };

export function createHostRouter(options: HostOptions): express.Router {
  const router = express.Router();
  router.use(cookieParser());
  router.use('/__host', express.json({ limit: '1mb' }));

  const contexts = new RenderedContexts(options.contexts);
  const csp = contentSecurityPolicy(options.permissions);
  const sandbox = iframeSandbox(options.permissions);
  const allow = IFRAME_ALLOW.join('; ');
  const asUser = options.jiraAsUser;
  const findUser = (accountId: string) => options.directory.listUsers().find((user) => user.accountId === accountId);
  const modulesOf = (placement: UiModule['placement']) => options.modules.filter((module) => module.placement === placement);
  const confluencePage = options.confluencePage;

  /**
   * Who the request acts as: the active user its cookie names. A cookie naming anyone else (an
   * inactive person, an unknown id, an email address, nothing) is refused, never taken as the admin.
   */
  function actingUser(request: Request): ActingUser {
    const wanted: unknown = request.cookies?.[ACTING_USER_COOKIE];
    if (wanted === undefined) return { user: null, problem: 'No acting user: open the site\'s page first, which chooses one.' };
    const user = typeof wanted === 'string' && wanted !== '' ? findUser(wanted) : undefined;
    if (!user) return { user: null, problem: 'The acting user is not an active user of this site. Choose one in the page header.' };
    return { user };
  }

  const colorModeOf = (request: Request): ColorMode => (request.cookies?.[COLOR_MODE_COOKIE] === 'dark' ? 'dark' : 'light');

  /** The acting user of an API call, or a 401 answer. */
  function requireUser(request: Request, response: Response): HostUser | null {
    const acting = actingUser(request);
    if (acting.user) return acting.user;
    response.status(401).json({ message: acting.problem });
    return null;
  }

  /** The context a bridge call names, if it is one the host rendered for this very user; else a 4xx answer. */
  function requireContext(id: string, user: HostUser, response: Response): RenderedContext | null {
    const found = contexts.lookup(id);
    if (!found.context) {
      if (found.problem === 'expired') response.status(410).json({ message: 'This page has been open too long: its context expired. Reload the page.' });
      else response.status(400).json({ message: 'The bridge call named no page context the site rendered. Reload the page.' });
      return null;
    }
    if (found.context.accountId !== user.accountId) {
      response.status(403).json({ message: 'This page was opened as another user. Reload it to act as the user chosen in the header.' });
      return null;
    }
    return found.context;
  }

  function frontendContext(rendered: RenderedContext, user: HostUser, colorMode: ColorMode): FrontendContext {
    return {
      accountId: user.accountId,
      cloudId: options.cloudId,
      siteUrl: options.siteUrl(),
      environmentId: options.environmentId,
      environmentType: 'DEVELOPMENT',
      locale: forgeLocale(user.locale),
      timezone: user.timeZone,
      moduleKey: rendered.module.moduleKey,
      localId: rendered.localId,
      theme: themeState(colorMode),
      extension: rendered.extension,
    };
  }

  for (const file of ['bridge.js', 'host.js', 'host.css', 'favicon.svg']) {
    router.get(`/__host/${file}`, (_request, response) => response.sendFile(path.join(PUBLIC_DIR, file)));
  }
  // Atlaskit's token themes, from 'self' so they pass every CSP: what the bridge's enableTheming loads.
  const themeCss = new Map<string, string>();
  for (const name of THEME_STYLESHEETS) {
    router.get(`/__host/themes/${name}.css`, (_request, response) => {
      let css = themeCss.get(name);
      if (css === undefined) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        css = (require(`@atlaskit/tokens/dist/cjs/artifacts/themes/${name}.js`) as { default: string }).default;
        themeCss.set(name, css);
      }
      response.type('css').send(css);
    });
  }

  router.post('/__host/user', (request: Request, response: Response) => {
    const accountId = z.object({ accountId: z.string() }).safeParse(request.body);
    const user = accountId.success ? options.directory.listUsers().find((candidate) => candidate.accountId === accountId.data.accountId) : undefined;
    if (!user) {
      response.status(400).json({ message: 'No local user has that account id.' });
      return;
    }
    response.cookie(ACTING_USER_COOKIE, user.accountId, { httpOnly: true, sameSite: 'strict' });
    response.json({ accountId: user.accountId });
  });

  router.post('/__host/theme', (request: Request, response: Response) => {
    const body = z.object({ colorMode: z.enum(['light', 'dark']) }).safeParse(request.body);
    if (!body.success) {
      response.status(400).json({ message: 'The theme is "light" or "dark".' });
      return;
    }
    response.cookie(COLOR_MODE_COOKIE, body.data.colorMode, { httpOnly: true, sameSite: 'strict' });
    response.json({ colorMode: body.data.colorMode });
  });

  router.post('/__host/context', (request: Request, response: Response) => {
    const body = contextBody.safeParse(request.body);
    if (!body.success) {
      response.status(400).json({ message: 'The getContext call named no page context.' });
      return;
    }
    const user = requireUser(request, response);
    if (!user) return;
    const rendered = requireContext(body.data.context, user, response);
    if (!rendered) return;
    response.json(frontendContext(rendered, user, colorModeOf(request)));
  });

  router.post('/__host/invoke', async (request: Request, response: Response) => {
    const body = invokeBody.safeParse(request.body);
    if (!body.success) {
      response.status(400).json({ message: 'The invoke call did not name a page context and a function.' });
      return;
    }
    if (nestedDeeperThan(body.data.payload, BRIDGE_MAX_DEPTH)) {
      response.status(400).json({ message: `The invoke payload is nested more than ${BRIDGE_MAX_DEPTH} levels deep: the bridge cannot carry it.` });
      return;
    }
    const user = requireUser(request, response);
    if (!user) return;
    const rendered = requireContext(body.data.context, user, response);
    if (!rendered) return;
    if (!rendered.module.resolverFunctionKey) {
      response.status(400).json({ message: `The module ${rendered.module.moduleKey} declares no resolver in manifest.yml.` });
      return;
    }
    try {
      const answer = await options.invoke({
        module: rendered.module,
        functionKey: body.data.functionKey,
        // As given: the app decides what a missing, null or wrong payload means.
        payload: body.data.payload,
        accountId: user.accountId,
        context: frontendContext(rendered, user, colorModeOf(request)),
      });
      response.json(answer ?? null);
    } catch (error) {
      // A resolver that throws reaches the UI as a failed invoke, as on Forge; details go to the log.
      console.error(`invoke ${rendered.module.moduleKey} ${body.data.functionKey.slice(0, 200)} failed:`, error);
      response.status(500).json({ message: 'There was an error invoking the function.' });
    }
  });

  // view.submit from an edit or config UI: the product saves what it was given, then shows the view again.
  router.post('/__host/submit', async (request: Request, response: Response, next: NextFunction) => {
    const body = submitBody.safeParse(request.body);
    if (!body.success) {
      response.status(400).json({ message: 'The submit call named no page context.' });
      return;
    }
    if (nestedDeeperThan(body.data.payload, BRIDGE_MAX_DEPTH)) {
      response.status(400).json({ message: `The submitted value is nested more than ${BRIDGE_MAX_DEPTH} levels deep: the bridge cannot carry it.` });
      return;
    }
    const user = requireUser(request, response);
    if (!user) return;
    const rendered = requireContext(body.data.context, user, response);
    if (!rendered) return;
    try {
      if (rendered.module.moduleType === 'macro' && rendered.entryPoint === 'config') {
        const config = z.object({ config: z.record(z.string(), z.unknown()) }).safeParse(body.data.payload);
        if (!config.success) {
          response.status(400).json({ message: 'A macro configuration is submitted as {config: {...}}.' });
          return;
        }
        if (!confluencePage.configure(rendered.localId, config.data.config)) {
          response.status(404).json({ message: 'This macro is no longer on the page.' });
          return;
        }
        response.json({ saved: true });
        return;
      }
      const issue = rendered.extension.issue as { key?: unknown } | undefined;
      const fieldId = rendered.extension.fieldId;
      if (rendered.module.moduleType === 'jira:customField' && rendered.entryPoint === 'edit' && typeof issue?.key === 'string' && typeof fieldId === 'string') {
        // Jira writes the field as the person editing it, with their permissions.
        const saved = await asUser(user.accountId, `/rest/api/3/issue/${encodeURIComponent(issue.key)}`, {
          method: 'PUT',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ fields: { [fieldId]: body.data.payload ?? null } }),
        });
        if (!saved.ok) {
          response.status(saved.status >= 500 ? 502 : 400).json({ message: `Jira did not save the field (HTTP ${saved.status}).` });
          return;
        }
        response.json({ saved: true });
        return;
      }
      response.status(400).json({ message: `The ${rendered.entryPoint} UI of ${rendered.module.moduleKey} has nothing to submit.` });
    } catch (error) {
      next(error);
    }
  });

  // Every Custom UI resource, HTML and assets alike, under the CSP Forge applies to it.
  const resources = new Map<string, UiResource>();
  for (const module of options.modules) for (const resource of Object.values(module.entryPoints)) resources.set(resource.key, resource);
  router.use('/__ui', (_request, response, next) => {
    response.setHeader('Content-Security-Policy', csp);
    response.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
  for (const resource of resources.values()) {
    // The bridge goes first, as Jira injects its own ahead of the app's scripts; the context id is its only tie to the page.
    router.get(`/__ui/${resource.key}/`, (request, response) => {
      const id = typeof request.query.context === 'string' ? request.query.context : '';
      const found = contexts.lookup(id);
      if (!found.context || found.context.resourceKey !== resource.key) {
        response.status(found.context === null && found.problem === 'expired' ? 410 : 400).json({ message: 'This UI is shown only inside the site page that embeds it: reload that page.' });
        return;
      }
      const indexFile = path.join(resource.dir, 'index.html');
      if (!fs.existsSync(indexFile)) {
        response.status(503).type('text/plain').send(`The UI of resource ${resource.key} is not built yet: run npm run build:ui.`);
        return;
      }
      const html = fs
        .readFileSync(indexFile, 'utf8')
        .replace(/<head([^>]*)>/i, `<head$1><script src="/__host/bridge.js"></script>`)
        .replace(/<html([^>]*)>/i, `<html$1 data-forge-context="${escapeHtml(found.context.id)}">`);
      response.type('html').send(html);
    });
    router.use(`/__ui/${resource.key}/`, express.static(resource.dir, { index: false, fallthrough: false }));
  }

  /** One embedded UI: its context recorded for this user, its iframe under Forge's sandbox. */
  function frame(module: UiModule, entryPoint: EntryPointName, extension: Record<string, unknown>, user: HostUser, spec: FrameOptions): { html: string; src: string } | null {
    const resource = module.entryPoints[entryPoint];
    if (!resource) return null;
    const rendered = contexts.create({
      module,
      entryPoint,
      resourceKey: resource.key,
      accountId: user.accountId,
      localId: spec.localId ?? extensionAri(options.appId, options.environmentId, module.moduleKey),
      extension: { type: module.moduleType, ...extension },
    });
    const src = `/__ui/${resource.key}/?context=${rendered.id}`;
    return { src, html: frameHtml({ id: spec.id, className: spec.className, title: module.title, src, moduleKey: module.moduleKey, entryPoint, sandbox, allow }) };
  }

  const noCustomUi = (module: UiModule) => `<p class="no-custom-ui">${escapeHtml(module.title)} has no Custom UI resource the local site can show (UI Kit is not served).</p>`;

  const notFoundPage = (what: 'project' | 'issue', key: string): PageResult => ({
    status: 404,
    title: 'Not found',
    main: messageMain(
      'not-found',
      what === 'project' ? 'Project not found' : 'Issue not found',
      `${what === 'project' ? 'The project' : 'The issue'} ${key.slice(0, 300)} does not exist, or you do not have permission to browse it.`,
    ),
  });

  /**
   * Each page module's route, `{projectKey}` standing for the project a navigation names: what
   * `router.navigate({target: 'module', moduleKey, projectKey})` opens, as Jira resolves it.
   */
  const moduleRoutes: Record<string, string> = Object.fromEntries([
    ...modulesOf('global').map((module, index) => [module.moduleKey, index === 0 ? '/' : `/apps/${module.moduleKey}`]),
    ...modulesOf('project').map((module) => [module.moduleKey, `/projects/{projectKey}/apps/${module.moduleKey}`]),
    ...modulesOf('admin').map((module) => [module.moduleKey, `/settings/apps/${module.moduleKey}`]),
  ]);

  function navLinks(currentPath: string, here: { projectKey?: string; issueKey?: string }): NavLink[] {
    const links: Omit<NavLink, 'current'>[] = [];
    modulesOf('global').forEach((module, index) => links.push({ href: index === 0 ? '/' : `/apps/${module.moduleKey}`, label: module.title }));
    for (const module of modulesOf('project')) {
      links.push({ href: here.projectKey ? `/projects/${encodeURIComponent(here.projectKey)}/apps/${module.moduleKey}` : `/projects/apps/${module.moduleKey}`, label: module.title });
    }
    for (const module of modulesOf('admin')) links.push({ href: `/settings/apps/${module.moduleKey}`, label: module.title });
    if (modulesOf('issue').length > 0) {
      const href = here.issueKey ? `/browse/${encodeURIComponent(here.issueKey)}` : here.projectKey ? `/browse?project=${encodeURIComponent(here.projectKey)}` : '/browse';
      links.push({ href, label: 'Issue view' });
    }
    if (modulesOf('confluence').length > 0) links.push({ href: CONFLUENCE_PAGE.path, label: 'Confluence page' });
    return links.map((link) => ({ ...link, current: link.href.split('?')[0] === currentPath }));
  }

  /** A host page: the acting user settled (a first visit acts as the default user, said in the header), then the page's own part. */
  function page(routePath: string, build: (user: HostUser, request: Request) => Promise<PageResult>): void {
    router.get(routePath, async (request: Request, response: Response, next: NextFunction) => {
      try {
        let acting = actingUser(request);
        if (request.cookies?.[ACTING_USER_COOKIE] === undefined) {
          const fallback = findUser(options.directory.defaultAccountId());
          if (fallback) {
            response.cookie(ACTING_USER_COOKIE, fallback.accountId, { httpOnly: true, sameSite: 'strict' });
            acting = { user: fallback };
          }
        }
        const result: PageResult = acting.user
          ? await build(acting.user, request)
          : { status: 401, title: 'Choose a user', main: messageMain('no-acting-user', 'Who are you acting as?', acting.problem) };
        if ('redirect' in result) {
          response.redirect(302, result.redirect);
          return;
        }
        response.setHeader('Content-Security-Policy', HOST_PAGE_CSP);
        response
          .status(result.status ?? 200)
          .type('html')
          .send(
            layout({
              title: result.title,
              product: result.product ?? 'Jira',
              nav: navLinks(request.path, result.here ?? {}),
              users: options.directory.listUsers(),
              user: acting.user,
              colorMode: colorModeOf(request),
              notice: options.notice,
              main: result.main,
              moduleRoutes,
            }),
          );
      } catch (error) {
        next(error);
      }
    });
  }

  // Global pages: the first at /, every one at /apps/<module key> (Jira: /jira/apps/<app>/<environment>).
  modulesOf('global').forEach((module, index) => {
    const build = async (user: HostUser): Promise<PageResult> => {
      const shown = frame(module, 'view', {}, user, { id: 'app-frame', className: 'app-page-frame' });
      return { title: module.title, main: `<main class="app-page">${shown?.html ?? noCustomUi(module)}</main>` };
    };
    if (index === 0) page('/', build);
    page(`/apps/${module.moduleKey}`, build);
  });

  // Project pages under their project (Jira: /jira/software/projects/<KEY>/apps/<app>/<environment>).
  for (const module of modulesOf('project')) {
    page(`/projects/apps/${module.moduleKey}`, async (user) => {
      const key = await firstProjectKey(asUser, user.accountId);
      return key ? { redirect: `/projects/${encodeURIComponent(key)}/apps/${module.moduleKey}` } : notFoundPage('project', '(any)');
    });
    page(`/projects/:projectKey/apps/${module.moduleKey}`, async (user, request) => {
      const key = String(request.params.projectKey);
      const project = await readProject(asUser, user.accountId, key);
      if (!project) return notFoundPage('project', key);
      const shown = frame(module, 'view', { project: { id: project.id, key: project.key, type: project.type } }, user, { id: 'app-frame', className: 'app-page-frame' });
      const crumbs = `<nav class="breadcrumbs" aria-label="Breadcrumbs">Projects / <span data-testid="project-name">${escapeHtml(project.name)}</span></nav>`;
      return { title: `${module.title} · ${project.name}`, here: { projectKey: project.key }, main: `<main class="app-page">${crumbs}${shown?.html ?? noCustomUi(module)}</main>` };
    });
  }

  // Admin pages under Jira's settings, for Jira administrators only (Jira: /jira/settings/apps/<app>/<environment>).
  for (const module of modulesOf('admin')) {
    page(`/settings/apps/${module.moduleKey}`, async (user) => {
      if (!(await isJiraAdministrator(asUser, user.accountId))) {
        return { status: 403, title: 'Access denied', main: messageMain('not-administrator', 'Access denied', 'Only Jira administrators can open this page.') };
      }
      const shown = frame(module, 'view', {}, user, { id: 'app-frame', className: 'app-page-frame' });
      return { title: module.title, main: `<main class="app-page">${shown?.html ?? noCustomUi(module)}</main>` };
    });
  }

  /**
   * Jira's refusals of a transition made from the issue view, kept until the view shows them once (for
   * the user who made it): the view is a plain page, so the message travels by a one-use id, never as
   * text in the address.
   */
  const refusals = new Map<string, { accountId: string; issueKey: string; messages: string[] }>();
  const REFUSALS_KEPT = 100;
  const transitionForm = z.object({ transitionId: z.string().regex(/^\d{1,18}$/) });
  router.post('/__host/issues/:issueKey/transition', express.urlencoded({ extended: false, limit: '8kb' }), async (request: Request, response: Response, next: NextFunction) => {
    try {
      const key = String(request.params.issueKey);
      const acting = actingUser(request);
      if (!acting.user) {
        response.status(401).type('text').send(acting.problem);
        return;
      }
      const form = transitionForm.safeParse(request.body);
      if (!isIssueKey(key) || !form.success) {
        response.status(400).type('text').send('Choose a transition of the issue (a transition id and an issue key).');
        return;
      }
      const answer = await asUser(acting.user.accountId, `/rest/api/3/issue/${encodeURIComponent(key)}/transitions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ transition: { id: form.data.transitionId } }),
      });
      const back = `/browse/${encodeURIComponent(key)}`;
      if (answer.status === 204) {
        response.redirect(303, back);
        return;
      }
      const body = (await answer.json().catch(() => null)) as { errorMessages?: unknown; errors?: unknown } | null;
      const messages = [
        ...(Array.isArray(body?.errorMessages) ? body.errorMessages.filter((message): message is string => typeof message === 'string') : []),
        ...(body?.errors && typeof body.errors === 'object' ? Object.values(body.errors).filter((message): message is string => typeof message === 'string') : []),
      ];
      const id = randomUUID();
      refusals.set(id, { accountId: acting.user.accountId, issueKey: key, messages: messages.length > 0 ? messages : [`Jira did not make the transition (HTTP ${answer.status}).`] });
      if (refusals.size > REFUSALS_KEPT) refusals.delete(refusals.keys().next().value!);
      response.redirect(303, `${back}?refusal=${id}`);
    } catch (error) {
      next(error);
    }
  });

  // The issue view, as Jira's /browse/<KEY-1>: the issue read as the user, every issue panel and custom field of the manifest.
  page('/browse', async (user, request) => {
    const asked = typeof request.query.project === 'string' && isProjectKey(request.query.project) ? request.query.project : null;
    const projectKey = asked ?? (await firstProjectKey(asUser, user.accountId));
    const issueKey = projectKey ? await firstIssueKey(asUser, user.accountId, projectKey) : null;
    return issueKey ? { redirect: `/browse/${encodeURIComponent(issueKey)}` } : notFoundPage('issue', '(any)');
  });
  page('/browse/:issueKey', async (user, request) => {
    const key = String(request.params.issueKey);
    const fieldModules = modulesOf('issue').filter((module) => module.moduleType === 'jira:customField');
    const aris = new Map(fieldModules.map((module) => [module.moduleKey, extensionAri(options.appId, options.environmentId, module.moduleKey)]));
    // Fields first: an issue that does not exist still costs the same reads as a hidden one.
    const fields = isIssueKey(key) ? await readForgeFields(asUser, user.accountId, [...aris.values()]) : new Map();
    const issue = await readIssue(asUser, user.accountId, key, [...fields.values()].map((field) => field.id));
    if (!issue) return notFoundPage('issue', key);
    if (issue.key !== key) return { redirect: `/browse/${encodeURIComponent(issue.key)}` };
    const about = {
      issue: { id: issue.id, key: issue.key, type: issue.issueType.name, typeId: issue.issueType.id },
      project: { id: issue.project.id, key: issue.project.key, type: issue.project.type },
    };
    const panels = modulesOf('issue')
      .filter((module) => module.moduleType === 'jira:issuePanel')
      .map((module) => {
        const shown = frame(module, 'view', { ...about, isNewToIssue: false }, user, { id: `app-frame-${module.moduleKey}`, className: 'issue-panel-frame' });
        return `<section class="issue-panel" data-testid="issue-panel-${escapeHtml(module.moduleKey)}"><h2>${escapeHtml(module.title)}</h2>${shown?.html ?? noCustomUi(module)}</section>`;
      })
      .join('');
    // A field with a value function shows what the function computes now, which Jira then stores.
    for (const module of fieldModules) {
      const field = fields.get(aris.get(module.moduleKey)!);
      if (!field || !module.valueFunctionKey) continue;
      try {
        issue.values[field.id] = await options.computeFieldValue(module, field, { id: issue.id, value: issue.values[field.id] ?? null });
      } catch (error) {
        console.warn(`The value function of ${module.moduleKey} failed on ${issue.key}; the issue view shows the stored value: ${String(error)}`);
      }
    }
    const customFields = fieldModules
      .map((module) => {
        const field = fields.get(aris.get(module.moduleKey)!);
        if (!field) return `<dt>${escapeHtml(module.title)}</dt><dd class="field-missing">Not a field of this Jira site (Jira creates it when the app is installed).</dd>`;
        const extension = { ...about, fieldId: field.id, fieldKey: field.key, fieldType: module.fieldType ?? null, fieldValue: issue.values[field.id] ?? null, renderContext: 'issue-view' };
        const frameId = `app-frame-${module.moduleKey}`;
        const view = frame(module, 'view', extension, user, { id: frameId, className: 'field-frame' });
        const edit = frame(module, 'edit', extension, user, { id: frameId, className: 'field-frame' });
        const shown = view?.html ?? `<span class="field-value">${escapeHtml(formatValue(issue.values[field.id]))}</span>`;
        const editButton = edit && view ? `<button type="button" class="switch-frame" data-frame="${escapeHtml(frameId)}" data-entry-point="edit" data-src="${escapeHtml(edit.src)}">Edit</button>` : '';
        return `<dt>${escapeHtml(field.name)}</dt><dd data-testid="field-${escapeHtml(module.moduleKey)}">${shown}${editButton}</dd>`;
      })
      .join('');
    const transitions = await readTransitions(asUser, user.accountId, issue.key);
    const refusalId = typeof request.query.refusal === 'string' ? request.query.refusal : null;
    const refusal = refusalId === null ? undefined : refusals.get(refusalId);
    const refused = refusal && refusal.accountId === user.accountId && refusal.issueKey === issue.key ? refusal.messages : [];
    if (refused.length > 0) refusals.delete(refusalId!);
    return {
      title: `${issue.key}: ${issue.summary}`,
      here: { projectKey: issue.project.key, issueKey: issue.key },
      main: issueViewMain(issue, panels, customFields, transitionControl(issue.key, transitions, refused)),
    };
  });

  // A simulated Confluence page with the app's macros (Confluence: /wiki/spaces/<SPACE>/pages/<id>): each
  // inserted macro with its view, "Edit macro" (its config dialog) and "Remove"; "Insert" adds one and
  // opens its config dialog, as Confluence does with openOnInsert; "Export to PDF" and "Export to Word"
  // put each macro's adfExport document into the page's export.
  const macros = modulesOf('confluence');
  if (macros.length > 0) {
    const moduleOf = (key: string) => macros.find((module) => module.moduleKey === key);
    page(CONFLUENCE_PAGE.path, async (user, request) => {
      const configuring = typeof request.query.configure === 'string' ? request.query.configure : null;
      const blocks = confluencePage
        .list()
        .map((instance) => {
          const module = moduleOf(instance.moduleKey);
          if (!module) return '';
          const { localId } = instance;
          const extension = { content: CONFLUENCE_PAGE.content, space: CONFLUENCE_PAGE.space, isEditing: false, ...(instance.config === undefined ? {} : { config: instance.config }) };
          // The macro on the page from the start keeps its plain frame id; inserted ones add their own.
          const frameId = localId === firstLocalId(module.moduleKey) ? `app-frame-${module.moduleKey}` : `app-frame-${module.moduleKey}-${localId.slice(0, 8)}`;
          const view = frame(module, 'view', extension, user, { id: frameId, className: 'macro-frame', localId });
          const config = frame(module, 'config', { ...extension, isEditing: true }, user, { id: frameId, className: 'macro-frame', localId });
          if (configuring === localId && config) {
            return `<div class="macro" data-testid="macro-${escapeHtml(module.moduleKey)}" data-local-id="${escapeHtml(localId)}">${config.html.replace('<iframe ', `<iframe data-view-src="${escapeHtml(view?.src ?? '')}" `)}</div>`;
          }
          const configButton = config && view ? `<button type="button" class="switch-frame" data-frame="${escapeHtml(frameId)}" data-entry-point="config" data-src="${escapeHtml(config.src)}">Edit macro</button>` : '';
          const removeButton = `<button type="button" class="remove-macro" data-local-id="${escapeHtml(localId)}">Remove</button>`;
          return `<div class="macro" data-testid="macro-${escapeHtml(module.moduleKey)}" data-local-id="${escapeHtml(localId)}">${view?.html ?? noCustomUi(module)}${configButton}${removeButton}</div>`;
        })
        .join('');
      const inserts = macros.map((module) => `<button type="button" class="insert-macro" data-module-key="${escapeHtml(module.moduleKey)}" data-testid="insert-${escapeHtml(module.moduleKey)}">Insert ${escapeHtml(module.title)}</button>`).join('');
      const exports = `<a href="${CONFLUENCE_PAGE.path}/export/pdf" data-testid="export-pdf">Export to PDF</a> <a href="${CONFLUENCE_PAGE.path}/export/word" data-testid="export-word">Export to Word</a>`;
      return {
        product: 'Confluence',
        title: CONFLUENCE_PAGE.title,
        main: `<main class="confluence-page"><nav class="breadcrumbs" aria-label="Breadcrumbs">Spaces / ${escapeHtml(CONFLUENCE_PAGE.space.key)}</nav><h1>${escapeHtml(CONFLUENCE_PAGE.title)}</h1><p>A page of the simulated Confluence with the app's macros.</p><p class="page-tools">${inserts} ${exports}</p>${blocks}</main>`,
      };
    });

    router.post('/__host/confluence/macros', (request: Request, response: Response) => {
      const body = z.object({ moduleKey: z.string().max(200) }).safeParse(request.body);
      const user = requireUser(request, response);
      if (!user) return;
      if (!body.success || !moduleOf(body.data.moduleKey)) {
        response.status(400).json({ message: 'Name a macro of the app to insert.' });
        return;
      }
      response.json({ localId: confluencePage.insert(body.data.moduleKey).localId });
    });

    router.post('/__host/confluence/macros/remove', (request: Request, response: Response) => {
      const body = z.object({ localId: z.string().max(128) }).safeParse(request.body);
      const user = requireUser(request, response);
      if (!user) return;
      if (!body.success || !confluencePage.remove(body.data.localId)) {
        response.status(404).json({ message: 'No such macro on the page.' });
        return;
      }
      response.json({ removed: true });
    });

    // The page's export: each macro's adfExport document (as the person exporting), rendered into the page.
    router.get(`${CONFLUENCE_PAGE.path}/export/:kind`, async (request: Request, response: Response, next: NextFunction) => {
      const kind = request.params.kind;
      if (kind !== 'pdf' && kind !== 'word') {
        next();
        return;
      }
      const acting = actingUser(request);
      if (!acting.user) {
        response.status(401).json({ message: acting.problem });
        return;
      }
      try {
        const blocks: string[] = [];
        for (const instance of confluencePage.list()) {
          const module = moduleOf(instance.moduleKey);
          if (!module) continue;
          if (!module.adfExportFunctionKey) {
            blocks.push(`<p>${escapeHtml(module.title)} has no export.</p>`);
            continue;
          }
          const context = {
            localId: instance.localId,
            accountId: acting.user.accountId,
            moduleKey: module.moduleKey,
            extension: { type: 'macro', content: CONFLUENCE_PAGE.content, space: CONFLUENCE_PAGE.space, isEditing: false, ...(instance.config === undefined ? {} : { config: instance.config }) },
          };
          const document = await options.exportMacro(module, { exportType: kind, context }, acting.user.accountId);
          blocks.push(adfToHtml(document));
        }
        const html = exportPageHtml(CONFLUENCE_PAGE.title, blocks);
        if (kind === 'word') {
          response.type('application/msword').attachment('status-report.doc').send(html);
          return;
        }
        const { htmlToPdf } = await import('./pdf');
        response.type('application/pdf').attachment('status-report.pdf').send(await htmlToPdf(html));
      } catch (error) {
        next(error);
      }
    });
  }

  return router;
}

function formatValue(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Jira's status button: the transitions the user may make, and what Jira said when it refused the last one. */
function transitionControl(issueKey: string, transitions: readonly JiraTransition[], refused: readonly string[]): string {
  const message = refused.length === 0 ? '' : `<div class="transition-refused" role="alert" data-testid="transition-refused">${refused.map((text) => `<p>${escapeHtml(text)}</p>`).join('')}</div>`;
  if (transitions.length === 0) return `${message}<p class="transition-none" data-testid="transition-none">You cannot move this issue.</p>`;
  const choices = transitions.map((transition) => `<option value="${escapeHtml(transition.id)}">${escapeHtml(transition.name === transition.to ? transition.name : `${transition.name} → ${transition.to}`)}</option>`).join('');
  return `<form class="transition-control" method="post" action="/__host/issues/${encodeURIComponent(issueKey)}/transition" data-testid="transition-control">
<label>Move to <select name="transitionId" data-testid="transition-select">${choices}</select></label> <button type="submit" data-testid="transition-submit">Move</button></form>${message}`;
}

function issueViewMain(issue: JiraIssue, panels: string, customFields: string, transitions = ''): string {
  const system: [string, string][] = [
    ['Status', issue.status.name],
    ['Type', issue.issueType.name],
    ['Priority', issue.priority ?? 'None'],
    ['Assignee', issue.assignee ?? 'Unassigned'],
  ];
  const details = system.map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd data-testid="issue-${escapeHtml(name.toLowerCase())}">${escapeHtml(value)}</dd>`).join('');
  return `<main class="issue-view"><nav class="breadcrumbs" aria-label="Breadcrumbs">Projects / ${escapeHtml(issue.project.name)} / <span data-testid="issue-key">${escapeHtml(issue.key)}</span></nav>
<h1 data-testid="issue-summary">${escapeHtml(issue.summary)}</h1>
${transitions}
<div class="issue-layout"><div class="issue-main">${panels}</div><aside class="issue-details"><h2>Details</h2><dl>${details}${customFields}</dl></aside></div></main>`;
}
