/**
 * The simulated Jira Cloud REST API: an express app, mounted by the local site under /jira, that
 * answers the REST paths the app calls from the SQLite database, in the shapes of Atlassian's spec,
 * with injectable faults (latency, 429, 500/503, a cap on concurrent requests, failing projects) and
 * a per-path request counter for tests.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { errorAnswer, loopbackHostsOnly, notFound } from '../../http-errors';
import type { JiraDatabase } from '../db/database';
import { authenticate, type InstalledApp } from './access';
import { Catalog } from './catalog';
import { ConcurrencyLimiter, type ConcurrencySnapshot } from './concurrency';
import { failingProjectOf } from './failing-projects';
import { JiraHttpError, type JiraRequestContext, type JiraRoute, type ProductEventListener, type TransitionValidator } from './http';
import { doTransition, getTransitions } from './routes/transitions';
import { FaultInjector, jiraKnobsPatchSchema, RequestCounter, type JiraKnobs, type JiraKnobsPatch } from './knobs';
import { updateAppFieldValue, updateAppFieldValues } from './routes/appFields';
import { bulkFetchChangelogs } from './routes/changelogs';
import { listFields } from './routes/fields';
import { editIssueRoute, getIssue } from './routes/issue';
import { checkPermissions, myPermissions } from './routes/permissions';
import { getProject, projectSearch, projectVersionsList, projectVersionsPage } from './routes/projects';
import { approximateCount, removedSearchGet, removedSearchPost, searchJqlGet, searchJqlPost } from './routes/search';
import { listStatuses } from './routes/statuses';
import { groupMembers, myself, userGroups, usersBulk, userSearch } from './routes/users';
import { issueWorklogs, listWorklogs, updatedWorklogs } from './routes/worklogs';

export type { JiraKnobs, JiraKnobsPatch, JiraRateLimit } from './knobs';
export type { ProductEventListener, TransitionCheck, TransitionValidator } from './http';
export type { ConcurrencySnapshot } from './concurrency';
export { DEFAULT_KNOBS } from './knobs';

/** Every endpoint, in matching order (project/search before project/{projectIdOrKey}). */
export const JIRA_ROUTES: readonly JiraRoute[] = [
  myself,
  userGroups,
  usersBulk,
  groupMembers,
  userSearch,
  projectSearch,
  getProject,
  projectVersionsPage,
  projectVersionsList,
  listFields,
  listStatuses,
  searchJqlGet,
  searchJqlPost,
  approximateCount,
  removedSearchGet,
  removedSearchPost,
  bulkFetchChangelogs,
  getIssue,
  editIssueRoute,
  getTransitions,
  doTransition,
  issueWorklogs,
  updatedWorklogs,
  listWorklogs,
  checkPermissions,
  myPermissions,
  updateAppFieldValue,
  updateAppFieldValues,
];

export interface JiraAppOptions {
  db: JiraDatabase;
  knobs?: JiraKnobsPatch;
  /** The clock for JQL ("now", -7d) and edits; the real one by default. */
  now?: () => Date;
  /** Told of each product event Jira would send apps (avi:jira:updated:issue after an edit). */
  onProductEvent?: ProductEventListener;
  /** The Forge app installed on the site: its calls as the app and its own (read-only) fields. */
  installedApp?: InstalledApp;
  /** Runs the installed apps' workflow validators on a transition; none by default. */
  validateTransition?: TransitionValidator;
}

export interface RequestCounts {
  total: number;
  /** "GET /rest/api/3/issue/{issueIdOrKey}" -> requests; unknown paths appear as requested. */
  byPath: Record<string, number>;
}

/** In-process control of what /__admin offers over HTTP. */
export interface JiraControl {
  knobs(): JiraKnobs;
  setKnobs(patch: JiraKnobsPatch): JiraKnobs;
  requestCounts(): RequestCounts;
  /** Also restarts the concurrency peak from the requests in flight now. */
  resetRequestCounts(): void;
  /** REST requests in flight (holding one of the `maxConcurrent` slots) and waiting, and the peak. */
  concurrency(): ConcurrencySnapshot;
}

export type JiraApp = express.Express & { readonly control: JiraControl };


export function createJiraApp(options: JiraAppOptions): JiraApp {
  const { db } = options;
  const now = options.now ?? (() => new Date());
  const faults = new FaultInjector(options.knobs);
  const counter = new RequestCounter();
  const limiter = new ConcurrencyLimiter(() => faults.setting('maxConcurrent'));
  const control: JiraControl = {
    knobs: () => faults.current,
    setKnobs: (patch) => {
      const knobs = faults.update(jiraKnobsPatchSchema.parse(patch));
      // A raised or lifted limit lets waiting requests in at once.
      limiter.pump();
      return knobs;
    },
    requestCounts: () => counter.snapshot(),
    resetRequestCounts: () => {
      counter.reset();
      limiter.resetPeak();
    },
    concurrency: () => limiter.snapshot(),
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Repeated parameters become arrays and nothing else is nested, as Jira reads query strings.
  app.set('query parser', 'simple');
  const json = express.json({ limit: '20mb' });

  app.get('/__admin/knobs', (_req, res) => {
    res.json(control.knobs());
  });
  app.put('/__admin/knobs', json, (req, res) => {
    const parsed = jiraKnobsPatchSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      const errors = Object.fromEntries(parsed.error.issues.map((issue) => [issue.path.join('.') || 'body', issue.message]));
      res.status(400).json({ errorMessages: ['Invalid knobs.'], errors });
      return;
    }
    res.json(control.setKnobs(parsed.data));
  });
  app.get('/__admin/requests', (_req, res) => {
    res.json({ ...control.requestCounts(), concurrency: control.concurrency() });
  });
  app.delete('/__admin/requests', (_req, res) => {
    control.resetRequestCounts();
    res.status(204).end();
  });

  // Every REST request (known path or not) holds one of the `maxConcurrent` slots until answered;
  // registered first, so the latency below is spent inside the slot.
  app.use('/rest/api/3', limiter.middleware());

  const injectedFailure = (res: Response, status: 500 | 503): void => {
    const message = status === 500 ? 'Internal server error (injected fault).' : 'Service unavailable (injected fault).';
    res.status(status).json({ errorMessages: [message], errors: {} });
  };

  /** Holds the response's end until `atMs` (the slot stays taken until then). */
  const answerNoSoonerThan = (res: Response, atMs: number): void => {
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    res.end = ((...args: unknown[]) => {
      const waitMs = atMs - Date.now();
      if (waitMs > 0) setTimeout(() => end(...args), waitMs);
      else end(...args);
      return res;
    }) as Response['end'];
  };

  /** Counting, latency and injected faults, in front of every REST request. */
  const instrument = (name: () => string) => async (req: Request, res: Response, next: NextFunction) => {
    counter.record(name());
    const latencyMs = faults.setting('latencyMs');
    // A remote Jira answers in about latencyMs whatever its own work: the answer waits until then,
    // and the request's processing (here, on this process's one thread) happens within that time.
    if (latencyMs > 0) answerNoSoonerThan(res, Date.now() + latencyMs);
    const decision = faults.decide();
    if (decision.kind === 'rateLimited') {
      res.set(decision.headers).status(429).json({ errorMessages: ['Rate limit exceeded.'], errors: {} });
    } else if (decision.kind === 'failure') {
      injectedFailure(res, decision.status);
    } else {
      next();
    }
  };

  /** After the body is read: a request to one of the `failingPaths` or concerning one of the `failingProjects` answers 503. */
  const failProjects = (route: JiraRoute, name: string) => (req: Request, res: Response, next: NextFunction) => {
    const failingProjects = faults.setting('failingProjects');
    if (faults.setting('failingPaths').includes(name)) injectedFailure(res, 503);
    else if (failingProjects.length > 0 && failingProjectOf(db, route, req, failingProjects) !== undefined) injectedFailure(res, 503);
    else next();
  };

  const methodsByPath = new Map<string, string[]>();
  for (const route of JIRA_ROUTES) {
    const expressPath = route.path.replace(/\{(\w+)\}/g, ':$1');
    methodsByPath.set(expressPath, [...(methodsByPath.get(expressPath) ?? []), route.method]);
    const name = `${route.method} ${route.path}`;
    const handler = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      try {
        const context: JiraRequestContext = {
          db,
          access: authenticate(db, req.get('authorization'), options.installedApp ?? null),
          catalog: new Catalog(db),
          base: `${req.protocol}://${req.get('host')}${req.baseUrl}`,
          now: now(),
          timeZone: siteTimeZone(db),
          req,
          emit: options.onProductEvent ?? (() => undefined),
          installedApp: options.installedApp ?? null,
          validateTransition: options.validateTransition ?? (async () => []),
        };
        const reply = await route.handle(context);
        if (reply.status === 204) res.status(204).end();
        else res.status(200).json(reply.body);
      } catch (error) {
        next(error);
      }
    };
    const method = route.method === 'GET' ? 'get' : route.method === 'POST' ? 'post' : 'put';
    app[method](expressPath, instrument(() => name), json, failProjects(route, name), handler);
  }
  for (const [expressPath, methods] of methodsByPath) {
    app.all(expressPath, (req, res) => {
      counter.record(`${req.method} ${req.path}`);
      res
        .status(405)
        .set('Allow', methods.join(', '))
        .json({ errorMessages: [`Method ${req.method} is not allowed here; use ${methods.join(' or ')}.`], errors: {} });
    });
  }

  app.get(['/secure/useravatar', '/secure/projectavatar', '/images/icons/*icon'], (req, res) => {
    res.type('image/svg+xml').send(placeholderIcon(req.originalUrl));
  });

  app.use((req, res) => {
    counter.record(`${req.method} ${req.path}`);
    res.status(404).json({ errorMessages: [`No resource found for ${req.method} ${req.path}.`], errors: {} });
  });

  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (error instanceof JiraHttpError) {
      res.set(error.headers).status(error.status).json(error.body);
      return;
    }
    const bodyError = error as { type?: unknown; status?: unknown; message?: unknown };
    if (bodyError.type === 'entity.parse.failed') {
      res.status(400).json({ errorMessages: [`The request body is not valid JSON: ${String(bodyError.message)}`], errors: {} });
      return;
    }
    if (typeof bodyError.status === 'number' && bodyError.status >= 400 && bodyError.status < 500) {
      res.status(bodyError.status).json({ errorMessages: [String(bodyError.message)], errors: {} });
      return;
    }
    // A bug of this server, not a fault the caller asked for: say so loudly, in the log only.
    console.error('[simulated jira] unexpected error:', error);
    res.status(500).json({ errorMessages: ['Internal server error. The details are in the local site\'s log.'], errors: {} });
  });

  return Object.assign(app, { control });
}

function siteTimeZone(db: JiraDatabase): string {
  const row = db.prepare('SELECT time_zone FROM site WHERE id = 1').get() as { time_zone: string } | undefined;
  return row?.time_zone ?? 'UTC';
}

/** A coloured disc, so pages that show avatars and icons do not show broken images. */
function placeholderIcon(seed: string): string {
  let hash = 0;
  for (const char of seed) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48" viewBox="0 0 48 48"><circle cx="24" cy="24" r="24" fill="hsl(${hash % 360},55%,50%)"/></svg>`;
}

export interface StartJiraServerOptions extends JiraAppOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
}

export interface RunningJiraServer {
  /** Base URL of the simulated site, e.g. http://127.0.0.1:41234/jira. */
  url: string;
  port: number;
  app: JiraApp;
  close(): Promise<void>;
}

/** Serves the app under /jira on 127.0.0.1 (tests and tools; the local site mounts the app itself). */
export async function startJiraServer(options: StartJiraServerOptions): Promise<RunningJiraServer> {
  const app = createJiraApp(options);
  const outer = express();
  const host = options.host ?? '127.0.0.1';
  let listening = 0;
  if (host === '127.0.0.1') outer.use(loopbackHostsOnly(() => listening));
  outer.use('/jira', app);
  outer.use(notFound);
  outer.use(errorAnswer((line) => console.error(line)));
  const server = http.createServer(outer);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  listening = port;
  return {
    url: `http://${host}:${port}/jira`,
    port,
    app,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // fetch keeps connections alive; without this close() would wait for them to time out.
        server.closeAllConnections();
      }),
  };
}
