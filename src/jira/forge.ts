/** Jira clients bound to the Forge invocation they run in. */
import api, { __getRuntime } from '@forge/api';
import { JiraClient } from './client';

/** Retries stop in time for the invocation to answer (resolvers have 25 s, consumers more). */
const remainingTimeMs = (): number => __getRuntime().lambdaContext.getRemainingTimeInMillis();

/** As the person the invocation runs for: Jira itself limits every answer to what they may browse. */
export function jiraAsUser(): JiraClient {
  return new JiraClient(api.asUser().requestJira, { remainingTimeMs });
}

