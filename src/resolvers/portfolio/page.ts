/**
 * The portfolio page's one read: the latest snapshot of every project the viewer may browse. Its cost
 * does not grow with issue count: one storage query per 100 projects, one permission check per 1000,
 * and the latest round's record.
 */
import type { JiraClient } from '../../jira/client';
import { browsableProjectIds } from '../../jira/permissions';
import { groupByPortfolio, portfolioMetrics } from '../../metrics/portfolio';
import { DEFAULT_PROJECT_SETTINGS } from '../../metrics/settings';
import type { PortfolioFilter, PortfolioPage, PortfolioPageRequest, SyncProgress } from '../../shared/contract';
import { listSnapshots, type ProjectSnapshot } from '../../store/snapshots';
import { getLatestRound, quietProjects, type LatestRound } from '../../store/syncRounds';
import { ResolverFailure } from '../envelope';

export async function readPortfolioPage(client: JiraClient, request: PortfolioPageRequest, accountId: string): Promise<PortfolioPage> {
  const [snapshots, latest] = await Promise.all([listSnapshots(), getLatestRound()]);
  // Snapshots are written by the app, which sees every project: the viewer's own permissions decide.
  const browsable = snapshots.length === 0 ? new Set<string>() : await browsableProjectIds(client, snapshots.map((snapshot) => snapshot.projectId));
  const visible = selectSnapshots(
    snapshots.filter((snapshot) => browsable.has(snapshot.projectId)),
    request.filter ?? { scope: 'all' },
  );

  const computed = visible.flatMap((snapshot) => (snapshot.metrics ? [{ snapshot, metrics: snapshot.metrics, compliance: DEFAULT_PROJECT_SETTINGS.compliance }] : []));
  return {
    viewer: { accountId },
    rows: visible.map((snapshot) => ({ project: snapshot.row, metrics: snapshot.metrics, status: snapshot.status })),
    portfolios: [...groupByPortfolio(computed, (entry) => entry.snapshot.row.portfolio?.name ?? null)].map(([name, members]) => portfolioMetrics(name, members)),
    total: portfolioMetrics(null, computed),
    sync: latest ? await latestProgress(latest, snapshots) : null,
  };
}

/**
 * The latest round's progress as the snapshots show it (each records the round that last wrote it),
 * plus the projects the round found nothing for, whose snapshots it did not rewrite (one more read,
 * only when the written ones do not account for every project). sync/progress counts the round's own
 * marks when exactness matters.
 */
async function latestProgress(latest: LatestRound, snapshots: readonly ProjectSnapshot[]): Promise<SyncProgress> {
  const written = snapshots.filter((snapshot) => snapshot.roundId === latest.roundId);
  const writtenKeys = new Set(written.map((snapshot) => snapshot.projectKey));
  const quiet = written.length < latest.total ? [...(await quietProjects(latest.roundId))].filter((key) => !writtenKeys.has(key)).length : 0;
  const done = Math.min(latest.total, written.length + quiet);
  return {
    roundId: latest.roundId,
    trigger: latest.trigger,
    startedAt: new Date(latest.startedMs).toISOString(),
    total: latest.total,
    done,
    failed: written.filter((snapshot) => snapshot.status.stale !== null).length,
    finished: done >= latest.total,
  };
}

function selectSnapshots(snapshots: ProjectSnapshot[], filter: PortfolioFilter): ProjectSnapshot[] {
  switch (filter.scope) {
    case 'all':
      return snapshots;
    case 'project': {
      const match = snapshots.filter((snapshot) => snapshot.projectKey === filter.projectKey);
      // Same answer whether the project is missing, hidden or not synced yet.
      if (match.length === 0) throw new ResolverFailure('NOT_FOUND', `No synced project with key ${filter.projectKey} that you may browse.`);
      return match;
    }
    case 'portfolio': {
      const wanted = filter.portfolioName.trim().toLowerCase();
      const match = snapshots.filter((snapshot) => snapshot.row.portfolio?.name.toLowerCase() === wanted);
      if (match.length === 0) throw new ResolverFailure('NOT_FOUND', `No portfolio named "${filter.portfolioName}" with synced projects you may browse.`);
      return match;
    }
  }
}
