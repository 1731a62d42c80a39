/** The local site a browser test file runs against: the dataset loaded, its UI built, its first sync round done. */
import type { Dataset } from '../local/jira/dataset';
import { startLocalSite, type LocalSite } from '../local/site/site';

/** Starts the site with scheduled triggers run by hand, and waits for the first round's every queued job. */
export async function startSyncedSite(dataset: Dataset, timeoutMs = 120_000): Promise<LocalSite> {
  const site = await startLocalSite({ port: 0, dataDir: ':memory:', dataset: { kind: 'dataset', dataset }, buildUi: true, scheduledTriggers: 'manual', log: () => undefined });
  await site.runtime.runScheduledTrigger('hourly-sync');
  await site.runtime.drainQueues({ fastForward: true, timeoutMs });
  return site;
}
