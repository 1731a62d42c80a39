/**
 * The portfolio page: every project the viewer may browse, to run the weekly review from. Filters narrow
 * the rows and the totals (on the server, one source of figures); columns and order are the viewer's;
 * all three survive a reload. A row opens the project's health view.
 */
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { router, view } from '@forge/bridge';
import Button from '@atlaskit/button/default/button';
import DropdownMenu, { DropdownItemCheckbox, DropdownItemCheckboxGroup } from '@atlaskit/dropdown-menu';
import EmptyState from '@atlaskit/empty-state';
import Heading from '@atlaskit/heading';
import Select from '@atlaskit/select';
import Spinner from '@atlaskit/spinner';
import Textfield from '@atlaskit/textfield';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import { token } from '@atlaskit/tokens';
import type { Health, PortfolioNarrowing, PortfolioPage, PortfolioPageRow } from '@pmo/contract';
import { formatDateTime } from '../../shared/format';
import { Failure } from '../../shared/ui';
import { shownData, useResolver } from '../../shared/useResolver';
import { COLUMNS } from './columns';
import { download, portfolioCsv } from './exportCsv';
import { NO_PORTFOLIO, PortfolioTable, type SortOrder } from './PortfolioTable';
import { loadViewSettings, saveViewSettings, type ViewSettings } from './viewSettings';
import { useSyncRound, type SyncRound, type SyncView } from './useSyncRound';

// The settings, for PMO editors who do not administer Jira; loaded only when opened.
const SettingsApp = lazy(() => import('../../settings/src/App').then((module) => ({ default: module.App })));

type Option<T> = { label: string; value: T };
const COMPLIANCE_OPTIONS: Option<number>[] = [0.9, 0.8, 0.7, 0.5].map((share) => ({ label: `Compliance below ${share * 100}%`, value: share }));

const HEALTH_OPTIONS: Option<Health | 'not synced'>[] = [
  { label: 'Red', value: 'red' },
  { label: 'Amber', value: 'amber' },
  { label: 'Not set up', value: 'not set up' },
  { label: 'Green', value: 'green' },
  { label: 'Not synced yet', value: 'not synced' },
];
/** The project page module of manifest.yml: the project health view. */
const PROJECT_PAGE_MODULE = 'pmo-project-health';
/** While a round runs, the page is read again at most this often, so rows appear as their snapshots are written. */
const RELOAD_WHILE_SYNCING_MS = 3000;

const projects = (count: number) => `${count} ${count === 1 ? 'project' : 'projects'}`;

/** "Refreshing: 3 of 12 projects", while a round runs and until the page shows its figures. */
function progressText(syncView: SyncView): string | null {
  switch (syncView.phase) {
    case 'starting':
      return 'Refreshing: queuing a sync of your projects…';
    case 'running':
    case 'reloading': {
      const { done, total, failed } = syncView.progress;
      const failures = failed > 0 ? ` · ${failed} failed` : '';
      const reading = syncView.phase === 'reloading' ? ' · reading the new figures…' : '';
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
    ? ['Your projects are being synced', 'PMO Portfolio is reading your Jira projects. Each appears here as soon as its figures are computed.']
    : !page.siteHasSynced
      ? ['No project has been synced yet', 'PMO Portfolio reads Jira in the background and keeps the figures of every project. Refresh now to read the projects you may browse.']
      : [
          'No projects to show',
          'No project you may browse in Jira has been synced yet. Refresh now to read projects added since the last sync, or ask a Jira administrator for access.',
        ];
  return <EmptyState testId="portfolio-empty" header={header} description={description} primaryAction={<RefreshButton sync={sync} />} />;
}

/** Placeholder rows while the first answer is on its way. */
function LoadingRows() {
  return (
    <Stack space="space.100" testId="portfolio-loading">
      <Inline space="space.100" alignBlock="center">
        <Spinner size="small" label="Loading" />
        <Text>Loading the portfolio…</Text>
      </Inline>
      {Array.from({ length: 6 }, (_, index) => (
        <div key={index} aria-hidden style={{ height: 28, borderRadius: 3, background: token('color.skeleton') }} />
      ))}
    </Stack>
  );
}

/** The oldest computedAt of the rows in view: every figure shown is at least this fresh. */
function oldestComputedAt(rows: PortfolioPageRow[]): string | null {
  let oldest: string | null = null;
  for (const { status } of rows) {
    if (status.computedAt && (oldest === null || new Date(status.computedAt) < new Date(oldest))) oldest = status.computedAt;
  }
  return oldest;
}

function narrowingOf(settings: ViewSettings): PortfolioNarrowing {
  const narrow: PortfolioNarrowing = {};
  if (settings.portfolios.length > 0) narrow.portfolios = settings.portfolios;
  if (settings.health.length > 0) narrow.health = settings.health;
  if (settings.leads.length > 0) narrow.leads = settings.leads;
  if (settings.text.trim() !== '') narrow.text = settings.text.trim();
  if (settings.complianceBelow !== undefined && settings.complianceBelow !== null) narrow.complianceBelow = settings.complianceBelow;
  return narrow;
}

function Portfolio({ accountId, onOpenSettings }: { accountId: string; onOpenSettings: () => void }) {
  const [settings, setSettings] = useState<ViewSettings>(() => loadViewSettings(accountId));
  // Typing narrows after a pause, not at every key.
  const [typed, setTyped] = useState(settings.text);
  useEffect(() => {
    const timer = setTimeout(() => setSettings((current) => (current.text === typed ? current : { ...current, text: typed })), 300);
    return () => clearTimeout(timer);
  }, [typed]);
  useEffect(() => saveViewSettings(accountId, settings), [accountId, settings]);
  const update = (patch: Partial<ViewSettings>) => setSettings((current) => ({ ...current, ...patch }));

  const narrow = narrowingOf(settings);
  const pageCall = useResolver('portfolio/page', Object.keys(narrow).length > 0 ? { narrow } : {});
  const sync = useSyncRound(pageCall.reload);
  const page = shownData(pageCall.state);
  // "3 days ago" is measured from when the page was read.
  const now = useMemo(() => (page ? new Date() : null), [page]);

  // A round that was running when the page was read (the hourly sync, someone else's Refresh now): follow it too.
  const { follow } = sync;
  const pageSync = page?.sync ?? null;
  useEffect(() => {
    if (pageSync && !pageSync.finished) follow(pageSync);
  }, [pageSync, follow]);

  // While a round runs, read the page again as projects finish: rows appear as their snapshots are written.
  const done = sync.view.phase === 'running' ? sync.view.progress.done : null;
  const lastRead = useRef(0);
  const { reload } = pageCall;
  useEffect(() => {
    if (done === null || done === 0) return;
    const wait = Math.max(0, lastRead.current + RELOAD_WHILE_SYNCING_MS - Date.now());
    const timer = setTimeout(() => {
      lastRead.current = Date.now();
      void reload();
    }, wait);
    return () => clearTimeout(timer);
  }, [done, reload]);

  const rows = page?.rows ?? [];
  const empty = page !== null && page.unnarrowedCount === 0;
  const portfolioOptions: Option<string | null>[] = (page?.choices.portfolios ?? []).map((name) => ({ label: name ?? NO_PORTFOLIO, value: name }));
  const leadOptions: Option<string>[] = (page?.choices.leads ?? []).map((lead) => ({ label: lead.displayName, value: lead.accountId }));
  const context = now ? { now, currency: page?.currency ?? null } : null;
  const oldest = oldestComputedAt(rows);
  const staleCount = rows.filter((row) => row.status.stale).length;
  const notSyncedCount = rows.filter((row) => row.metrics === null).length;
  // The drill-down is the project's own health page, as Jira opens it.
  const openProject = (projectKey: string) => void router.navigate({ target: 'module', moduleKey: PROJECT_PAGE_MODULE, projectKey });
  const exportCsv = () => {
    if (!page || !context) return;
    download(portfolioCsv(rows, settings.columns, settings.order, page.portfolios, page.total, context), `pmo-portfolio-${new Date().toISOString().slice(0, 10)}.csv`);
  };

  return (
    <Stack space="space.200">
      <Inline spread="space-between" alignBlock="center">
        <Heading size="large">PMO Portfolio</Heading>
        <Inline space="space.100" alignBlock="center">
          <Button testId="open-settings" appearance="subtle" onClick={onOpenSettings}>
            Settings
          </Button>
          {empty ? null : (
          <Inline space="space.100" alignBlock="center">
            <Button testId="export-csv" onClick={exportCsv} isDisabled={!page || rows.length === 0}>
              Export CSV
            </Button>
            <DropdownMenu trigger="Columns" testId="column-picker" shouldRenderToParent>
              <DropdownItemCheckboxGroup id="columns" title="Columns shown">
                {COLUMNS.filter((column) => column.id !== 'project').map((column) => (
                  <DropdownItemCheckbox
                    key={column.id}
                    id={column.id}
                    testId={`column-choice-${column.id}`}
                    isSelected={settings.columns.includes(column.id)}
                    onClick={() =>
                      update({ columns: settings.columns.includes(column.id) ? settings.columns.filter((id) => id !== column.id) : [...settings.columns, column.id] })
                    }
                  >
                    {column.label}
                  </DropdownItemCheckbox>
                ))}
              </DropdownItemCheckboxGroup>
            </DropdownMenu>
            <RefreshButton sync={sync} />
          </Inline>
          )}
        </Inline>
      </Inline>

      {empty ? null : (
        <Inline space="space.100" alignBlock="end" shouldWrap testId="filters">
          <Box testId="filter-text">
            <Textfield aria-label="Find a project by key or name" placeholder="Find a project" value={typed} onChange={(event) => setTyped(event.currentTarget.value)} width={200} />
          </Box>
          <Box testId="filter-portfolio">
            <Select<Option<string | null>, true>
              inputId="filter-portfolio-input"
              aria-label="Portfolios"
              placeholder="All portfolios"
              isMulti
              options={portfolioOptions}
              value={portfolioOptions.filter((option) => settings.portfolios.includes(option.value))}
              onChange={(chosen) => update({ portfolios: chosen.map((option) => option.value) })}
            />
          </Box>
          <Box testId="filter-health">
            <Select<Option<Health | 'not synced'>, true>
              inputId="filter-health-input"
              aria-label="Health"
              placeholder="Any health"
              isMulti
              options={HEALTH_OPTIONS}
              value={HEALTH_OPTIONS.filter((option) => settings.health.includes(option.value))}
              onChange={(chosen) => update({ health: chosen.map((option) => option.value) })}
            />
          </Box>
          <Box testId="filter-lead">
            <Select<Option<string>, true>
              inputId="filter-lead-input"
              aria-label="Leads"
              placeholder="Any lead"
              isMulti
              options={leadOptions}
              value={leadOptions.filter((option) => settings.leads.includes(option.value))}
              onChange={(chosen) => update({ leads: chosen.map((option) => option.value) })}
            />
          </Box>
          <Box testId="filter-compliance">
            <Select<Option<number>, false>
              inputId="filter-compliance-input"
              aria-label="Compliance below"
              placeholder="Any compliance"
              isClearable
              options={COMPLIANCE_OPTIONS}
              value={COMPLIANCE_OPTIONS.find((option) => option.value === settings.complianceBelow) ?? null}
              onChange={(chosen) => update({ complianceBelow: chosen?.value ?? null })}
            />
          </Box>
          {Object.keys(narrow).length > 0 ? (
            <Button
              appearance="subtle"
              testId="clear-filters"
              onClick={() => {
                setTyped('');
                update({ portfolios: [], health: [], leads: [], text: '', complianceBelow: null });
              }}
            >
              Clear filters
            </Button>
          ) : null}
        </Inline>
      )}

      <SyncStatus sync={sync} />
      {sync.error ? <Failure error={sync.error} onRetry={sync.refresh} testId="sync-error" /> : null}
      {pageCall.state.status === 'failed' ? <Failure error={pageCall.state.error} onRetry={() => void pageCall.reload()} testId="portfolio-error" /> : null}

      {pageCall.state.status === 'loading' && !page ? <LoadingRows /> : null}
      {page && empty ? <EmptyPortfolio page={page} sync={sync} /> : null}

      {page && context && !empty ? (
        <>
          <Text testId="portfolio-summary" color="color.text.subtle">
            {pageCall.state.status === 'failed' ? 'Showing the last figures read. ' : ''}
            {rows.length} of {projects(page.unnarrowedCount)} · figures computed{' '}
            <span title="When the oldest figures in view were computed">{oldest ? formatDateTime(oldest) : 'not yet'}</span>
            {staleCount > 0 ? ` · ${staleCount} stale` : ''}
            {notSyncedCount > 0 ? ` · ${notSyncedCount} not synced yet` : ''}
          </Text>
          {page.currency === null ? (
            <Text testId="currency-note" size="small" color="color.text.subtlest">
              Money is shown without a currency until the PMO sets the site currency.
            </Text>
          ) : null}
          <PortfolioTable
            rows={rows}
            columns={settings.columns}
            order={settings.order}
            onSort={(order: SortOrder) => update({ order })}
            portfolios={page.portfolios}
            total={page.total}
            context={context}
            onOpen={openProject}
            isLoading={pageCall.state.status === 'loading'}
          />
        </>
      ) : null}
    </Stack>
  );
}

export function App() {
  const [accountId, setAccountId] = useState<string | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [showing, setShowing] = useState<'portfolio' | 'settings'>('portfolio');
  useEffect(() => {
    view
      .getContext()
      .then((context) => setAccountId(context.accountId ?? ''))
      .catch((error: unknown) => setFailed(error instanceof Error ? error.message : String(error)));
  }, []);
  const content = useCallback(() => {
    if (failed) return <Text testId="context-error">The page could not start: {failed}</Text>;
    if (accountId === null) return <LoadingRows />;
    if (showing === 'settings') {
      return (
        <Stack space="space.200" testId="portfolio-settings">
          <Inline spread="space-between" alignBlock="center">
            <Heading size="large">PMO Portfolio settings</Heading>
            <Button testId="back-to-portfolio" onClick={() => setShowing('portfolio')}>
              Back to the portfolio
            </Button>
          </Inline>
          <Suspense fallback={<Spinner label="Loading the settings" />}>
            <SettingsApp />
          </Suspense>
        </Stack>
      );
    }
    return <Portfolio accountId={accountId} onOpenSettings={() => setShowing('settings')} />;
  }, [accountId, failed, showing]);
  return <Box padding="space.300">{content()}</Box>;
}

