/**
 * What every endpoint shares: Jira's error body, the request context handlers receive, and zod parsing
 * of query strings and bodies that answers 400 naming the bad parameter.
 */
import type { Request } from 'express';
import { z } from 'zod';
import type { JiraDatabase } from '../db/database';
import type { Access, InstalledApp } from './access';
import type { Catalog } from './catalog';

/** Jira's ErrorCollection: `{errorMessages: [...], errors: {field: message}}`. */
export interface ErrorCollection {
  errorMessages: string[];
  errors: Record<string, string>;
}

export class JiraHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorMessages: string[],
    readonly errors: Record<string, string> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(errorMessages.concat(Object.values(errors)).join(' '));
    this.name = 'JiraHttpError';
  }

  get body(): ErrorCollection {
    return { errorMessages: this.errorMessages, errors: this.errors };
  }
}

export const badRequest = (message: string): JiraHttpError => new JiraHttpError(400, [message]);
export const notFound = (message: string): JiraHttpError => new JiraHttpError(404, [message]);
export const forbidden = (message: string): JiraHttpError => new JiraHttpError(403, [message]);

export interface JiraRequestContext {
  db: JiraDatabase;
  /** Who is calling and what they may see. */
  access: Access;
  /** Reference tables, read lazily for this request only. */
  catalog: Catalog;
  /** Base of every `self` URL: scheme, host and mount path, e.g. http://127.0.0.1:8080/jira. */
  base: string;
  /** "Now" for JQL and for edits (injectable so tests and demos are reproducible). */
  now: Date;
  /** The site's IANA time zone (relative JQL dates, "today" for overdue versions). */
  timeZone: string;
  req: Request;
  /** Sends a product event to the apps installed on the site (the local site's Forge runtime). */
  emit: ProductEventListener;
  /** The Forge app installed on the site, if any: its fields and the token of its own calls. */
  installedApp: InstalledApp | null;
  /** Runs the workflow validators of the apps installed on the site on a transition. */
  validateTransition: TransitionValidator;
}

/** A transition about to happen, as workflow validators are told of it. */
export interface TransitionCheck {
  issue: { id: string; key: string };
  project: { id: string; key: string };
  transition: { id: string; from: { id: string }; to: { id: string } };
  accountId: string;
}

/** The refusals of the validators (their error messages); none: the transition goes ahead. */
export type TransitionValidator = (check: TransitionCheck) => Promise<string[]>;

/** A Jira product event as Forge delivers it to `trigger` modules: its type and payload. */
export type ProductEventListener = (eventType: string, payload: Record<string, unknown>) => void;

export type JiraReply = { status: 200; body: unknown } | { status: 204 };
export const ok = (body: unknown): JiraReply => ({ status: 200, body });
export const noContent = (): JiraReply => ({ status: 204 });

export type HttpMethod = 'GET' | 'POST' | 'PUT';

export interface JiraRoute {
  method: HttpMethod;
  /** Path as the spec writes it, with {placeholders}; also the name the request counter uses. */
  path: string;
  handle(context: JiraRequestContext): JiraReply | Promise<JiraReply>;
}

/** Parses `req.query` with `schema`; a failure names the parameter as Jira does. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const parsed = schema.safeParse(query ?? {});
  if (parsed.success) return parsed.data;
  const messages = parsed.error.issues.map((issue) => {
    const name = issue.path.map(String).join('.') || 'query';
    return `The value of the parameter '${name}' is invalid: ${issue.message}.`;
  });
  throw new JiraHttpError(400, messages);
}

/** Parses a JSON body with `schema`; errors name the property (`errors: {path: message}`). */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (body === undefined) throw new JiraHttpError(400, ['The request body is missing or is not JSON (Content-Type: application/json).']);
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const errors: Record<string, string> = {};
  const messages: string[] = [];
  for (const issue of parsed.error.issues) {
    const name = issue.path.map(String).join('.');
    if (name === '') messages.push(`Invalid request body: ${issue.message}.`);
    else errors[name] ??= issue.message;
  }
  if (messages.length === 0) messages.push(`Invalid request body: ${Object.keys(errors).map((name) => `'${name}'`).join(', ')}.`);
  throw new JiraHttpError(400, messages, errors);
}

/** Query values arrive as a string, or an array when repeated. */
const queryValue = z.union([z.string(), z.array(z.string())]);

/** Helpers for query-string schemas. */
export const q = {
  /** A whole number written in decimal. */
  int: () =>
    z
      .string()
      .regex(/^-?\d+$/, 'expected a whole number')
      .transform(Number),
  boolean: () => z.enum(['true', 'false']).transform((value) => value === 'true'),
  /** A single string (a repeated parameter is an error). */
  string: () => z.string(),
  /** Comma-separated and/or repeated values, trimmed, empties dropped. */
  list: () => queryValue.transform(splitList),
};

export function splitList(value: string | string[]): string[] {
  return (Array.isArray(value) ? value : [value])
    .flatMap((part) => part.split(','))
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** Paging of the offset-based endpoints: the URL of the next page, keeping the other parameters. */
export function nextPageUrl(context: JiraRequestContext, startAt: number, maxResults: number): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(context.req.query)) {
    if (name === 'startAt' || name === 'maxResults') continue;
    for (const item of Array.isArray(value) ? value : [value]) if (typeof item === 'string') params.append(name, item);
  }
  params.set('startAt', String(startAt));
  params.set('maxResults', String(maxResults));
  // req.path is relative to where the app is mounted, and base already ends with the mount path.
  return `${context.base}${context.req.path}?${params}`;
}

/** The URL of the current request as the caller would see it (PageBean `self`). */
export function requestSelf(context: JiraRequestContext): string {
  // originalUrl starts with the mount path, which base already ends with.
  return `${context.base}${context.req.originalUrl.slice(context.req.baseUrl.length)}`;
}
