/**
 * The host shell: pages that stand in for Jira around the app's Custom UI. Each page loads the real
 * UI build in an iframe with a `__bridge` injected, and the header lets you act as another user.
 * Invoke calls go to the resolver the manifest names, run as the acting user.
 */
import fs from 'node:fs';
import path from 'node:path';
import express, { type Request, type Response } from 'express';
import cookieParser from 'cookie-parser';
import { z } from 'zod';
import type { Surface } from './manifest';

export const ACTING_USER_COOKIE = 'pmo_acting_user';

export interface HostUser {
  accountId: string;
  displayName: string;
  emailAddress: string;
}

/** Who can be acted as, and who is acted as by default. */
export interface HostDirectory {
  listUsers(): HostUser[];
  defaultAccountId(): string;
}

export interface InvokeRequest {
  surface: Surface;
  functionKey: string;
  payload: unknown;
  accountId: string;
  extension: Record<string, unknown>;
}

export interface HostOptions {
  surfaces: Surface[];
  directory: HostDirectory;
  invoke: (request: InvokeRequest) => Promise<unknown>;
  siteUrl: () => string;
  cloudId: string;
  environmentId: string;
  /** Shown in the header when the product calls go to a real Jira site. */
  notice?: string;
}

const PUBLIC_DIR = path.join(__dirname, '..', 'host', 'public');

const invokeBody = z.object({
  surface: z.string().min(1),
  functionKey: z.string().min(1).max(200),
  payload: z.unknown(),
  extension: z.record(z.string(), z.unknown()).optional(),
});

/**
 * Deeper than this the bridge could not carry a payload at all (serializing it overflows the stack, in
 * the browser as here); the app's own guard refuses far shallower ones with a typed error.
 */
export const BRIDGE_MAX_DEPTH = 512;

/** A request that names no active user of the site: refused, never run as someone else. */
export class UnknownUserError extends Error {
  constructor(accountId: string) {
    super(`No active user has the account id "${accountId.slice(0, 100)}".`);
    this.name = 'UnknownUserError';
  }
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
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

type ActingUser = { user: HostUser } | { user: null; problem: string };

export function createHostRouter(options: HostOptions): express.Router {
  const router = express.Router();
  router.use(cookieParser());
  router.use('/__host', express.json({ limit: '1mb' }));

  const surfaceByKey = new Map(options.surfaces.map((surface) => [surface.moduleKey, surface]));
  const findUser = (accountId: string) => options.directory.listUsers().find((user) => user.accountId === accountId);

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

  /** The acting user of an API call, or a 401 answer. */
  function requireUser(request: Request, response: Response): HostUser | null {
    const acting = actingUser(request);
    if (acting.user) return acting.user;
    response.status(401).json({ message: acting.problem });
    return null;
  }

  for (const file of ['bridge.js', 'host.js', 'host.css']) {
    router.get(`/__host/${file}`, (_request, response) => response.sendFile(path.join(PUBLIC_DIR, file)));
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

  router.post('/__host/context', (request: Request, response: Response) => {
    const body = z.object({ surface: z.string(), extension: z.record(z.string(), z.unknown()).optional() }).safeParse(request.body);
    const surface = body.success ? surfaceByKey.get(body.data.surface) : undefined;
    if (!body.success || !surface) {
      response.status(400).json({ message: 'Unknown surface.' });
      return;
    }
    const user = requireUser(request, response);
    if (!user) return;
    response.json({
      accountId: user.accountId,
      cloudId: options.cloudId,
      siteUrl: options.siteUrl(),
      environmentId: options.environmentId,
      environmentType: 'DEVELOPMENT',
      locale: 'en-US',
      timezone: 'UTC',
      moduleKey: surface.moduleKey,
      localId: `${surface.moduleKey}-local`,
      theme: { colorMode: 'light' },
      extension: { type: surface.moduleType, ...(body.data?.extension ?? {}) },
    });
  });

  router.post('/__host/invoke', async (request: Request, response: Response) => {
    const body = invokeBody.safeParse(request.body);
    const surface = body.success ? surfaceByKey.get(body.data.surface) : undefined;
    if (!body.success || !surface) {
      response.status(400).json({ message: 'The invoke call did not name a known surface and function.' });
      return;
    }
    if (nestedDeeperThan(body.data.payload, BRIDGE_MAX_DEPTH)) {
      response.status(400).json({ message: `The invoke payload is nested more than ${BRIDGE_MAX_DEPTH} levels deep: the bridge cannot carry it.` });
      return;
    }
    const user = requireUser(request, response);
    if (!user) return;
    try {
      const answer = await options.invoke({
        surface,
        functionKey: body.data.functionKey,
        // As given: the app decides what a missing, null or wrong payload means.
        payload: body.data.payload,
        accountId: user.accountId,
        extension: body.data.extension ?? {},
      });
      response.json(answer ?? null);
    } catch (error) {
      // A resolver that throws reaches the UI as a failed invoke, as on Forge; details go to the log.
      console.error(`invoke ${surface.moduleKey} ${body.data.functionKey.slice(0, 200)} failed:`, error);
      response.status(500).json({ message: 'There was an error invoking the function.' });
    }
  });

  // The built Custom UI of each resource, with the bridge injected ahead of the app's own scripts.
  for (const surface of options.surfaces) {
    router.get(`/__ui/${surface.moduleKey}/`, (_request, response) => {
      const indexFile = path.join(surface.resourceDir, 'index.html');
      if (!fs.existsSync(indexFile)) {
        response.status(503).type('text/plain').send(`The UI of ${surface.title} is not built yet: run npm run build:ui.`);
        return;
      }
      const html = fs.readFileSync(indexFile, 'utf8').replace(
        /<head>/i,
        `<head><script src="/__host/bridge.js"></script>`,
      ).replace(/<html([^>]*)>/i, `<html$1 data-pmo-surface="${escapeHtml(surface.moduleKey)}">`);
      response.type('html').send(html);
    });
    router.use(`/__ui/${surface.moduleKey}/`, express.static(surface.resourceDir, { index: false, fallthrough: false }));
  }

  const pagePath = (surface: Surface, index: number) => (index === 0 ? '/' : `/pages/${surface.moduleKey}`);

  options.surfaces.forEach((surface, index) => {
    router.get(pagePath(surface, index), (request, response) => {
      let acting = actingUser(request);
      // A first visit acts as the default user, said in the header; a cookie naming anyone else is refused.
      if (request.cookies?.[ACTING_USER_COOKIE] === undefined) {
        const fallback = findUser(options.directory.defaultAccountId());
        if (fallback) {
          response.cookie(ACTING_USER_COOKIE, fallback.accountId, { httpOnly: true, sameSite: 'strict' });
          acting = { user: fallback };
        }
      }
      const user = acting.user;
      const users = options.directory.listUsers();
      const nav = options.surfaces
        .map((other, otherIndex) => `<a href="${pagePath(other, otherIndex)}"${other === surface ? ' aria-current="page"' : ''}>${escapeHtml(other.title)}</a>`)
        .join('');
      const userOptions = users
        .map((candidate) => `<option value="${escapeHtml(candidate.accountId)}"${candidate.accountId === user?.accountId ? ' selected' : ''}>${escapeHtml(candidate.displayName)} (${escapeHtml(candidate.emailAddress)})</option>`)
        .join('');
      const choose = user ? '' : '<option value="" selected disabled>Choose a user</option>';
      const content = acting.user
        ? `<iframe id="app-frame" title="${escapeHtml(surface.title)}" src="/__ui/${escapeHtml(surface.moduleKey)}/"></iframe>`
        : `<main class="refused" role="alert" data-testid="no-acting-user"><h1>Who are you acting as?</h1><p>${escapeHtml(acting.problem)}</p></main>`;
      response.status(acting.user ? 200 : 401).type('html').send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(surface.title)} · Jira (local site)</title>
<link rel="stylesheet" href="/__host/host.css"></head>
<body>
<header><span class="product">Jira · local site</span><nav>${nav}</nav><span class="spacer"></span>
<label>Acting as<select id="acting-user" data-testid="acting-user">${choose}${userOptions}</select></label></header>
${options.notice ? `<div class="notice">${escapeHtml(options.notice)}</div>` : ''}
${content}
<div id="flags" aria-live="polite"></div>
<script src="/__host/host.js"></script>
</body></html>`);
    });
  });

  return router;
}
