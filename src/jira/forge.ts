/** Jira clients bound to the Forge invocation they run in. */
import api, { __getRuntime } from '@forge/api';
import { JiraClient } from './client';

/** Retries stop in time for the invocation to answer (resolvers have 25 s, consumers more). */
const remainingTimeMs = (): number => __getRuntime().lambdaContext.getRemainingTimeInMillis();

/** Requests one invocation keeps in flight: enough to overlap latency, few enough not to trip Jira's burst limits. */
const MAX_CONCURRENT_REQUESTS = 10;

/** As the person the invocation runs for: Jira itself limits every answer to what they may browse. */
export function jiraAsUser(): JiraClient {
  return new JiraClient(api.asUser().requestJira, { remainingTimeMs, maxConcurrent: MAX_CONCURRENT_REQUESTS });
}


/**
 * As the app, for work no person started (scheduled syncs, queue consumers). Everything it reads must
 * reach a person only through a check of what that person may browse.
 */
export function jiraAsApp(): JiraClient {
  return new JiraClient(api.asApp().requestJira, { remainingTimeMs, maxConcurrent: MAX_CONCURRENT_REQUESTS });
}

/** The invocation's remaining time, for jobs that pause and re-queue themselves before it runs out. */
export { remainingTimeMs };
