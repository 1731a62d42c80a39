/** The local site a browser test file runs against: the dataset loaded, its UI built, its first sync round done. */
import type { Page } from 'playwright-core';
import type { Dataset } from '../local/jira/dataset';
import { ACTING_USER_COOKIE } from '../local/site/host';
import { startLocalSite, type LocalSite } from '../local/site/site';

/** Starts the site with scheduled triggers run by hand, and waits for the first round's every queued job. */
export async function startSyncedSite(dataset: Dataset, timeoutMs = 120_000): Promise<LocalSite> {
  const site = await startLocalSite({ port: 0, dataDir: ':memory:', dataset: { kind: 'dataset', dataset }, buildUi: true, scheduledTriggers: 'manual', log: () => undefined });
  await site.runtime.runScheduledTrigger('hourly-sync');
  await site.runtime.drainQueues({ fastForward: true, timeoutMs });
  return site;
}

/**
 * Acts as `accountId` from the next navigation on: the host's acting-user cookie, which the header's
 * person picker sets. Set with no page open, so no page of the previous person is still calling the app when
 * the person changes (the host refuses such calls with a 403).
 */
export async function actAs(page: Page, site: LocalSite, accountId: string): Promise<void> {
  await page.goto('about:blank');
  await page.context().addCookies([{ name: ACTING_USER_COOKIE, value: accountId, url: site.url, httpOnly: true, sameSite: 'Strict' }]);
}
