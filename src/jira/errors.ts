/** One error class per way a Jira request fails, so callers decide what to retry and what to tell. */

export class JiraError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly path: string,
    /** Jira's own errorMessages / errors, when it gave any. */
    readonly jiraMessages: string[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400: the request was wrong (bad JQL, bad field). Not retried. */
export class JiraBadRequestError extends JiraError {}
/** 401: no valid credentials. */
export class JiraNotAuthenticatedError extends JiraError {}
/** 403: the caller may not do this. */
export class JiraForbiddenError extends JiraError {}
/** 404: the thing does not exist, or the caller may not see it (Jira does not say which). */
export class JiraNotFoundError extends JiraError {}
/** 429 after every retry. */
export class JiraRateLimitedError extends JiraError {
  constructor(message: string, path: string, readonly retryAfterMs: number | null) {
    super(message, 429, path);
  }
}
/** 5xx after every retry, or no answer at all. */
export class JiraUnavailableError extends JiraError {}
/** Jira answered 2xx with a body that is not the documented shape. */
export class JiraBadAnswerError extends JiraError {}

/**
 * Why a Jira request failed, in the PMO's words: what a stale reason on the page says. The one place
 * failures become text; no request paths, which mean nothing to the reader.
 */
export function failureInPmoWords(error: unknown): string {
  if (error instanceof JiraRateLimitedError) return 'Jira kept refusing requests (rate limited)';
  if (error instanceof JiraUnavailableError) return error.status > 0 ? `Jira did not answer (HTTP ${error.status})` : 'Jira could not be reached';
  if (error instanceof JiraForbiddenError || error instanceof JiraNotAuthenticatedError) return `the app may not read it (HTTP ${error.status})`;
  if (error instanceof JiraNotFoundError) return 'Jira no longer has it, or the app may not see it (HTTP 404)';
  if (error instanceof JiraBadAnswerError) return 'Jira answered in an unexpected shape';
  if (error instanceof JiraError) return `Jira refused a request (HTTP ${error.status}): ${error.jiraMessages[0] ?? error.message}`;
  return `an internal error: ${error instanceof Error ? error.message : String(error)}`;
}
