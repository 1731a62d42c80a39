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
