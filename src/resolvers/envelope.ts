/**
 * Wraps every resolver in the one answer envelope: validated payload in, `{ok, data}` or
 * `{ok: false, error: {code, message}}` out. Internals (stacks, raw Jira bodies) stay in the log.
 */
import type { Request } from '@forge/resolver';
import type { z } from 'zod';
import type { Answer, ErrorCode, ResolverError } from '../shared/contract';
import {
  JiraBadAnswerError,
  JiraBadRequestError,
  JiraForbiddenError,
  JiraNotAuthenticatedError,
  JiraNotFoundError,
  JiraRateLimitedError,
  JiraUnavailableError,
} from '../jira/errors';

/** A failure the resolver itself decided on, with the code the UI shows. */
export class ResolverFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: string[],
  ) {
    super(message);
    this.name = 'ResolverFailure';
  }
}

export interface Caller {
  /** The person the invocation runs for; resolvers answer only what this person may see. */
  accountId: string;
  context: Request['context'];
}

export type ResolverHandler<P, T> = (payload: P, caller: Caller) => Promise<T>;

/** Validates the payload with `schema`, runs `handler` and answers in the envelope. */
export function answered<P, T>(schema: z.ZodType<P>, handler: ResolverHandler<P, T>) {
  return async (request: Request): Promise<Answer<T>> => {
    try {
      const accountId = request.context.accountId;
      if (typeof accountId !== 'string' || accountId === '') {
        throw new ResolverFailure('NOT_AUTHENTICATED', 'This page needs a signed-in Jira user.');
      }
      // The surface's guard (surface.ts) has refused anything but an object; absent is {}.
      const parsed = schema.safeParse(request.payload ?? {});
      if (!parsed.success) {
        throw new ResolverFailure(
          'INVALID_PAYLOAD',
          'The request was not understood.',
          parsed.error.issues.map((issue) => `${issue.path.join('.') || 'payload'}: ${issue.message}`),
        );
      }
      return { ok: true, data: await handler(parsed.data, { accountId, context: request.context }) };
    } catch (error) {
      return { ok: false, error: toResolverError(error) };
    }
  };
}

export function toResolverError(error: unknown): ResolverError {
  if (error instanceof ResolverFailure) {
    return { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
  }
  if (error instanceof JiraRateLimitedError) return { code: 'RATE_LIMITED', message: error.message };
  if (error instanceof JiraUnavailableError) return { code: 'JIRA_UNAVAILABLE', message: error.message };
  if (error instanceof JiraBadAnswerError) return { code: 'JIRA_BAD_ANSWER', message: error.message };
  if (error instanceof JiraNotAuthenticatedError) return { code: 'NOT_AUTHENTICATED', message: error.message };
  if (error instanceof JiraForbiddenError) return { code: 'FORBIDDEN', message: error.message };
  if (error instanceof JiraNotFoundError) return { code: 'NOT_FOUND', message: error.message };
  if (error instanceof JiraBadRequestError) return { code: 'INVALID_PAYLOAD', message: error.message, details: error.jiraMessages };
  console.error('Unexpected resolver failure', error);
  return { code: 'INTERNAL', message: 'Something went wrong on our side. The error was logged.' };
}
