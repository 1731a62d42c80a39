/**
 * What every HTTP answer of the local site looks like when something is wrong: a short JSON body in
 * the product's shape (Jira's `{errorMessages, errors}` under /jira, `{message}` for the host), never
 * Express's HTML page with a stack trace. The details go to the log. Also the Host check that keeps a
 * web page the developer visits from reading the site through DNS rebinding.
 */
import type { NextFunction, Request, Response } from 'express';

const underJira = (request: Request): boolean => /^\/jira(\/|$)/.test(request.originalUrl);

export function sendError(request: Request, response: Response, status: number, message: string): void {
  if (response.headersSent) return;
  if (underJira(request)) response.status(status).json({ errorMessages: [message], errors: {} });
  else response.status(status).json({ message });
}

/** Answers only requests addressed to this machine's own names for the site (127.0.0.1, localhost). */
export function loopbackHostsOnly(port: () => number) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const host = (request.headers.host ?? '').toLowerCase();
    if (host === `127.0.0.1:${port()}` || host === `localhost:${port()}`) {
      next();
      return;
    }
    sendError(request, response, 421, `This local site answers only http://127.0.0.1:${port()} and http://localhost:${port()}, not the host "${host.slice(0, 100)}".`);
  };
}

export function notFound(request: Request, response: Response): void {
  sendError(request, response, 404, `No resource found for ${request.method} ${request.path.slice(0, 200)}.`);
}

/** What body-parser, static files and routing raise, in words; anything else is a 500 whose details are logged. */
export function errorAnswer(log: (line: string) => void) {
  return (error: unknown, request: Request, response: Response, next: NextFunction): void => {
    if (response.headersSent) {
      next(error);
      return;
    }
    const known = error as { type?: unknown; status?: unknown; statusCode?: unknown };
    const status = typeof known.status === 'number' ? known.status : typeof known.statusCode === 'number' ? known.statusCode : 500;
    const message = (() => {
      switch (known.type) {
        case 'entity.parse.failed':
          return 'The request body is not valid JSON.';
        case 'entity.too.large':
          return 'The request body is too large.';
        case 'charset.unsupported':
          return 'The request body has a character set this site does not read; send UTF-8.';
        case 'encoding.unsupported':
          return 'The request body has a content encoding this site does not read.';
        case 'request.aborted':
          return 'The request was aborted before its body arrived.';
        default:
          if (status === 404) return `No resource found for ${request.method} ${request.path.slice(0, 200)}.`;
          if (status === 403) return 'That resource may not be read.';
          if (status >= 400 && status < 500) return 'The request was not understood.';
          return 'Internal server error. The details are in the local site\'s log.';
      }
    })();
    if (status >= 500) log(`${request.method} ${request.originalUrl.slice(0, 200)} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    sendError(request, response, status >= 400 && status < 600 ? status : 500, message);
  };
}
