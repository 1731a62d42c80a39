/**
 * The portfolio page's one read: the latest snapshot of every project the viewer may browse. Its cost
 * does not grow with issue count: one storage query per 100 projects, one permission check per 1000,
 * and the latest round's record.
 */
import type { JiraClient } from '../../jira/client';
import { browsableProjectIds } from '../../jira/permissions';
import { groupByPortfolio, portfolioMetrics } from '../../metrics/portfolio';
import { getSettings } from '../../settings/store';
import type { PersonRef, PortfolioFilter, PortfolioNarrowing, PortfolioPage, PortfolioPageRequest, SyncProgress } from '../../shared/contract';
import { listSnapshots, type ProjectSnapshot } from '../../store/snapshots';
import { getLatestRound, quietProjects, type LatestRound } from '../../store/syncRounds';
import { ResolverFailure } from '../envelope';

export async function readPortfolioPage(client: JiraClient, request: PortfolioPageRequest, accountId: string): Promise<PortfolioPage> {
  const [snapshots, latest, settings] = await Promise.all([listSnapshots(), getLatestRound(), getSettings()]);
  // Snapshots are written by the app, which sees every project: the viewer's own permissions decide,
  // in one check over the snapshots' projects and the latest round's (some may have no snapshot yet).
  const candidates = [...snapshots.map((snapshot) => snapshot.projectId), ...(latest?.projectIds ?? [])];
  const browsable = candidates.length === 0 ? new Set<string>() : await browsableProjectIds(client, candidates);
  const selected = selectSnapshots(
    snapshots.filter((snapshot) => browsable.has(snapshot.projectId)),
    request.filter ?? { scope: 'all' },
  );
  const visible = request.narrow ? selected.filter(matches(request.narrow)) : selected;

  const computed = visible.flatMap((snapshot) => (snapshot.metrics ? [{ snapshot, metrics: snapshot.metrics, compliance: snapshot.metrics.compliance?.score.value ?? null }] : []));
  return {
    viewer: { accountId },
    rows: visible.map((snapshot) => ({ project: snapshot.row, metrics: snapshot.metrics, status: snapshot.status, lastWeek: snapshot.lastWeek ?? null })),
    portfolios: [...groupByPortfolio(computed, (entry) => entry.snapshot.row.portfolio?.name ?? null)].map(([name, members]) => portfolioMetrics(name, members)),
    total: portfolioMetrics(null, computed),
    sync: latest ? await latestProgress(latest, snapshots, browsable) : null,
    siteHasSynced: latest !== null || snapshots.length > 0,
    currency: settings.document.currency,
    choices: choicesOf(selected),
    unnarrowedCount: selected.length,
  };
}

/**
 * The latest round's progress over the projects the viewer may browse, as the snapshots show it (each
 * records the round that last wrote it), plus the projects the round found nothing for, whose snapshots
 * it did not rewrite (one more read, only when the written ones do not account for every project). Null
 * when the round covers none of the viewer's projects. sync/progress counts the round's own marks when
 * exactness matters.
 */
async function latestProgress(latest: LatestRound, snapshots: readonly ProjectSnapshot[], browsable: ReadonlySet<string>): Promise<SyncProgress | null> {
  const total = (latest.projectIds ?? []).filter((id) => browsable.has(id)).length;
  if (total === 0) return null;
  const written = snapshots.filter((snapshot) => snapshot.roundId === latest.roundId && browsable.has(snapshot.projectId));
  const writtenKeys = new Set(written.map((snapshot) => snapshot.projectKey));
  const visibleKeys = new Set(snapshots.filter((snapshot) => browsable.has(snapshot.projectId)).map((snapshot) => snapshot.projectKey));
  const quiet = written.length < total ? [...(await quietProjects(latest.roundId))].filter((key) => visibleKeys.has(key) && !writtenKeys.has(key)).length : 0;
  const done = Math.min(total, written.length + quiet);
  return {
    roundId: latest.roundId,
    trigger: latest.trigger,
    startedAt: new Date(latest.startedMs).toISOString(),
    total,
    done,
    failed: written.filter((snapshot) => snapshot.status.stale !== null).length,
    finished: done >= total,
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

function matches(narrow: PortfolioNarrowing): (snapshot: ProjectSnapshot) => boolean {
  const text = narrow.text?.trim().toLowerCase() ?? '';
  return (snapshot) => {
    const { row } = snapshot;
    if (narrow.portfolios && !narrow.portfolios.includes(row.portfolio?.name ?? null)) return false;
    if (narrow.health && !narrow.health.includes(snapshot.metrics ? snapshot.metrics.health.rag : 'not synced')) return false;
    if (narrow.leads && !narrow.leads.includes(row.lead?.accountId ?? '')) return false;
    if (text !== '' && !row.key.toLowerCase().includes(text) && !row.name.toLowerCase().includes(text)) return false;
    if (narrow.complianceBelow !== undefined) {
      const score = snapshot.metrics?.compliance?.score.value ?? null;
      if (score === null || score >= narrow.complianceBelow) return false;
    }
    return true;
  };
}

/** The portfolios and leads of the viewer's projects, sorted by name (no portfolio last). */
function choicesOf(snapshots: readonly ProjectSnapshot[]): PortfolioPage['choices'] {
  const portfolios = [...new Set(snapshots.map((snapshot) => snapshot.row.portfolio?.name ?? null))].sort((a, b) => (a === null ? 1 : b === null ? -1 : a.localeCompare(b)));
  const leads = new Map<string, PersonRef>();
  for (const { row } of snapshots) if (row.lead) leads.set(row.lead.accountId, row.lead);
  return { portfolios, leads: [...leads.values()].sort((a, b) => a.displayName.localeCompare(b.displayName)) };
}
