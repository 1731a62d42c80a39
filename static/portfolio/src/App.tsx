import { useEffect, useMemo, useState } from 'react';
import Button from '@atlaskit/button/new';
import EmptyState from '@atlaskit/empty-state';
import Heading from '@atlaskit/heading';
import SectionMessage from '@atlaskit/section-message';
import Select from '@atlaskit/select';
import Spinner from '@atlaskit/spinner';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import type { PortfolioPage, PortfolioPageRow } from '@pmo/contract';
import type { ResolverCallError } from '../../shared/api';
import { errorText } from '../../shared/errorText';
import { formatDateTime } from '../../shared/format';
import { shownData, useResolver } from '../../shared/useResolver';
import { PortfolioTable } from './PortfolioTable';
import { PortfolioTotals } from './PortfolioTotals';
import { useSyncRound, type SyncRound, type SyncView } from './useSyncRound';

const ALL = '';
const NO_PORTFOLIO = 'No portfolio';
type PortfolioOption = { label: string; value: string };

function Failure({ error, onRetry, testId, retryLabel = 'Try again' }: { error: ResolverCallError; onRetry: () => void; testId: string; retryLabel?: string }) {
  return (
    <SectionMessage appearance="error" title={errorText(error.code).title} testId={testId} actions={[<Button key="retry" onClick={onRetry}>{retryLabel}</Button>]}>
      <Text as="p">{error.message}</Text>
      <Text as="p">{errorText(error.code).advice}</Text>
    </SectionMessage>
  );
}

const projects = (count: number) => `${count} ${count === 1 ? 'project' : 'projects'}`;

/** "Refreshing: 3 of 12 projects", while a round runs and until the page shows its figures. */
function progressText(view: SyncView): string | null {
  switch (view.phase) {
    case 'starting':
      return 'Refreshing: queuing a sync of your projects…';
    case 'running':
    case 'reloading': {
      const { done, total, failed } = view.progress;
      const failures = failed > 0 ? ` · ${failed} failed` : '';
      const reading = view.phase === 'reloading' ? ' · reading the new figures…' : '';
      return `Refreshing: ${done} of ${projects(total)}${failures}${reading}`;
    }
    default:
      return null;
  }
}

function SyncStatus({ sync }: { sync: SyncRound }) {
  const text = progressText(sync.view);
  if (text) {
    return (
      <Inline space="space.100" alignBlock="center" testId="sync-progress">
        <Spinner size="small" label="Refreshing" />
        <Text color="color.text.subtle">{text}</Text>
      </Inline>
    );
  }
  if (sync.view.phase === 'stalled') {
    const { done, total } = sync.view.progress;
    return (
      <Text testId="sync-stalled" color="color.text.warning">
        {`The sync has not moved for a while (${done} of ${projects(total)} read). The figures shown are the latest there are; Refresh now to try again.`}
      </Text>
    );
  }
  if (sync.view.phase === 'finished') {
    const { total, failed } = sync.view.progress;
    return (
      <Text testId="sync-done" color={failed > 0 ? 'color.text.warning' : 'color.text.success'}>
        {failed > 0
          ? `Refreshed ${projects(total - failed)}; ${failed} could not be read from Jira and keep their last figures, marked Stale.`
          : total > 0
            ? `Refreshed: ${projects(total)} read from Jira.`
            : 'Refreshed: there is no project you may browse in Jira.'}
      </Text>
    );
  }
  return null;
}

function RefreshButton({ sync }: { sync: SyncRound }) {
  return (
    <Button testId="refresh" appearance="primary" onClick={sync.refresh} isDisabled={sync.busy}>
      Refresh now
    </Button>
  );
}

function EmptyPortfolio({ page, sync }: { page: PortfolioPage; sync: SyncRound }) {
  const syncing = sync.busy || (page.sync !== null && !page.sync.finished);
  const [header, description] = syncing
    ? ['Your projects are being synced', 'PMO Portfolio is reading your Jira projects. Their figures appear here as soon as the sync has finished.']
    : !page.siteHasSynced
      ? ['No project has been synced yet', 'PMO Portfolio reads Jira in the background and keeps the figures of every project. Refresh now to read the projects you may browse.']
      : [
          'No projects to show',
          'No project you may browse in Jira has been synced yet. Refresh now to read projects added since the last sync, or ask a Jira administrator for access.',
        ];
  return <EmptyState testId="portfolio-empty" header={header} description={description} primaryAction={<RefreshButton sync={sync} />} />;
}

/** The oldest computedAt of the rows in view: every figure shown is at least this fresh. */
function oldestComputedAt(rows: PortfolioPageRow[]): string | null {
  let oldest: string | null = null;
  for (const { status } of rows) {
    if (status.computedAt && (oldest === null || new Date(status.computedAt) < new Date(oldest))) oldest = status.computedAt;
  }
  return oldest;
}

export function App() {
  const pageCall = useResolver('portfolio/page', {});
  const sync = useSyncRound(pageCall.reload);
  const [chosen, setPortfolio] = useState<string>(ALL);
  const page = shownData(pageCall.state);
  // "Last updated 3 days ago" is measured from when the page was read.
  const now = useMemo(() => (page ? new Date() : null), [page]);

  // A round that was running when the page was read (the hourly sync, someone else's Refresh now): follow it too.
  const { follow } = sync;
  const pageSync = page?.sync ?? null;
  useEffect(() => {
    if (pageSync && !pageSync.finished) follow(pageSync);
  }, [pageSync, follow]);

  const options = useMemo<PortfolioOption[]>(() => {
    const names = new Set((page?.rows ?? []).map((row) => row.project.portfolio?.name ?? NO_PORTFOLIO));
    return [{ label: 'All portfolios', value: ALL }, ...[...names].sort().map((name) => ({ label: name, value: name }))];
  }, [page]);

  // A portfolio no longer in the answer (its last project gone) falls back to all.
  const portfolio = options.some((option) => option.value === chosen) ? chosen : ALL;
  const rows = page?.rows ?? [];
  const shown = rows.filter((row) => portfolio === ALL || (row.project.portfolio?.name ?? NO_PORTFOLIO) === portfolio);
  const totals = portfolio === ALL ? page?.total : page?.portfolios.find((candidate) => (candidate.name ?? NO_PORTFOLIO) === portfolio);
  const oldest = oldestComputedAt(shown);
  const staleCount = shown.filter((row) => row.status.stale).length;
  const notSyncedCount = shown.filter((row) => row.metrics === null).length;
  const empty = page !== null && rows.length === 0;

  return (
    <Box padding="space.300">
      <Stack space="space.200">
        <Inline spread="space-between" alignBlock="center">
          <Heading size="large">PMO Portfolio</Heading>
          {empty ? null : (
            <Inline space="space.100" alignBlock="center">
              <Box testId="portfolio-filter">
                <Select<PortfolioOption>
                  inputId="portfolio-filter-input"
                  aria-label="Portfolio"
                  options={options}
                  value={options.find((option) => option.value === portfolio) ?? options[0]}
                  onChange={(option) => setPortfolio(option?.value ?? ALL)}
                  isSearchable={false}
                />
              </Box>
              <RefreshButton sync={sync} />
            </Inline>
          )}
        </Inline>

        <SyncStatus sync={sync} />
        {sync.error ? <Failure error={sync.error} onRetry={sync.refresh} testId="sync-error" /> : null}
        {pageCall.state.status === 'failed' ? <Failure error={pageCall.state.error} onRetry={() => void pageCall.reload()} testId="portfolio-error" /> : null}

        {pageCall.state.status === 'loading' && !page ? (
          <Inline space="space.100" alignBlock="center" testId="portfolio-loading">
            <Spinner size="medium" label="Loading" />
            <Text>Loading the portfolio…</Text>
          </Inline>
        ) : null}

        {page && empty ? <EmptyPortfolio page={page} sync={sync} /> : null}

        {page && now && !empty ? (
          <>
            <Text testId="portfolio-summary" color="color.text.subtle">
              {pageCall.state.status === 'failed' ? 'Showing the last figures read. ' : ''}
              {shown.length} of {projects(rows.length)} · figures computed{' '}
              <span title="When the oldest figures in view were computed">{oldest ? formatDateTime(oldest) : 'not yet'}</span>
              {staleCount > 0 ? ` · ${staleCount} stale` : ''}
              {notSyncedCount > 0 ? ` · ${notSyncedCount} not synced yet` : ''}
            </Text>
            {totals ? <PortfolioTotals portfolio={totals} /> : null}
            <PortfolioTable rows={shown} isLoading={pageCall.state.status === 'loading'} now={now} />
          </>
        ) : null}
      </Stack>
    </Box>
  );
}
