/** The one place error codes become words for the person reading the page. */
import type { ErrorCode } from '@pmo/contract';

export interface ErrorText {
  title: string;
  advice: string;
}

const TEXT: Record<ErrorCode, ErrorText> = {
  INVALID_PAYLOAD: { title: 'The request was not valid', advice: 'Check the values you entered and try again.' },
  UNKNOWN_FUNCTION: { title: 'This version of the page is out of date', advice: 'Reload the page; if it keeps failing, tell the PMO Portfolio team.' },
  NOT_AUTHENTICATED: { title: 'You are not signed in', advice: 'Sign in to Jira and reload the page.' },
  FORBIDDEN: { title: 'You do not have access', advice: 'Ask a Jira administrator or the PMO for access.' },
  NOT_FOUND: { title: 'Not found', advice: 'It may have been removed, or you may not have permission to browse it.' },
  CONFLICT: { title: 'Someone else saved first', advice: 'Reload to see the current values, then make your change again.' },
  RATE_LIMITED: { title: 'Jira is busy', advice: 'Jira is limiting requests right now. Wait a minute and try again.' },
  JIRA_UNAVAILABLE: { title: 'Jira could not be reached', advice: 'Try again in a moment. If it keeps failing, check Jira’s status.' },
  JIRA_BAD_ANSWER: { title: 'Jira answered unexpectedly', advice: 'Try again; if it persists, tell the PMO Portfolio team.' },
  INTERNAL: { title: 'Something went wrong', advice: 'Try again. If it keeps failing, tell the PMO Portfolio team.' },
};

export function errorText(code: ErrorCode): ErrorText {
  return TEXT[code] ?? TEXT.INTERNAL;
}
