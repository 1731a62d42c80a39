import { route } from '@forge/api';
import { z } from 'zod';
import type { JiraClient } from './client';
import { statusSchema } from './issues';

/**
 * Every status of the site's active workflows with its category (GET /status, not paged; read:jira-work).
 * A status retired from every workflow is not listed: Jira does not know it any more.
 */
export function getStatuses(client: JiraClient) {
  return client.get(route`/rest/api/3/status`, z.array(statusSchema));
}
