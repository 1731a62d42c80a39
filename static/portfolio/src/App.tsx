import { useMemo, useState } from 'react';
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import SectionMessage from '@atlaskit/section-message';
import Select from '@atlaskit/select';
import Spinner from '@atlaskit/spinner';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import { format } from 'date-fns';
import type { ProjectMetrics } from '@pmo/contract';
import type { ResolverCallError } from '../../shared/api';
import { errorText } from '../../shared/errorText';
import { shownData, useResolver } from '../../shared/useResolver';
import { PortfolioTable } from './PortfolioTable';
import { PortfolioTotals } from './PortfolioTotals';

const ALL = '';
const NO_PORTFOLIO = 'No portfolio';
type PortfolioOption = { label: string; value: string };

function Failure({ error, onRetry, testId }: { error: ResolverCallError; onRetry: () => void; testId: string }) {
  return (
    <SectionMessage appearance="error" title={errorText(error.code).title} testId={testId} actions={[<Button key="retry" onClick={onRetry}>Try again</Button>]}>
      <Text as="p">{error.message}</Text>
      <Text as="p">{errorText(error.code).advice}</Text>
    </SectionMessage>
  );
}

export function App() {
  const overviewCall = useResolver('portfolio/overview', {});
  const metricsCall = useResolver('portfolio/metrics', {});
  const [portfolio, setPortfolio] = useState<string>(ALL);
  const overview = shownData(overviewCall.state);
  const metrics = shownData(metricsCall.state);
  const loading = overviewCall.state.status === 'loading' || metricsCall.state.status === 'loading';
  const reload = () => {
    overviewCall.reload();
    metricsCall.reload();
  };

  const options = useMemo<PortfolioOption[]>(() => {
    const names = new Set((overview?.projects ?? []).map((project) => project.portfolio?.name ?? NO_PORTFOLIO));
    return [{ label: 'All portfolios', value: ALL }, ...[...names].sort().map((name) => ({ label: name, value: name }))];
  }, [overview]);

  const shown = (overview?.projects ?? []).filter((project) => portfolio === ALL || (project.portfolio?.name ?? NO_PORTFOLIO) === portfolio);
  const metricsByKey = useMemo(() => new Map<string, ProjectMetrics>((metrics?.projects ?? []).map((project) => [project.projectKey, project])), [metrics]);
  const totals = portfolio === ALL ? metrics?.total : metrics?.portfolios.find((candidate) => (candidate.name ?? NO_PORTFOLIO) === portfolio);

  return (
    <Box padding="space.300">
      <Stack space="space.200">
        <Inline spread="space-between" alignBlock="center">
          <Heading size="large">PMO Portfolio</Heading>
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
            <Button testId="refresh" onClick={reload} isDisabled={loading}>
              Refresh
            </Button>
          </Inline>
        </Inline>

        {overviewCall.state.status === 'failed' ? <Failure error={overviewCall.state.error} onRetry={reload} testId="portfolio-error" /> : null}
        {metricsCall.state.status === 'failed' && overviewCall.state.status !== 'failed' ? (
          <Failure error={metricsCall.state.error} onRetry={reload} testId="metrics-error" />
        ) : null}

        {overviewCall.state.status === 'loading' && !overview ? (
          <Inline space="space.100" alignBlock="center" testId="portfolio-loading">
            <Spinner size="medium" label="Loading" />
            <Text>Reading your projects from Jira…</Text>
          </Inline>
        ) : null}

        {overview ? (
          <>
            <Text testId="portfolio-summary" color="color.text.subtle">
              {overviewCall.state.status === 'failed' ? 'Showing the last figures read. ' : ''}
              {shown.length} of {overview.projects.length} projects · figures as of {format(new Date(overview.asOf), 'd MMM yyyy HH:mm')} · viewing as{' '}
              {overview.viewer.displayName}
              {metricsCall.state.status === 'loading' ? ' · computing metrics…' : ''}
            </Text>
            {totals ? <PortfolioTotals portfolio={totals} /> : null}
            <PortfolioTable
              projects={shown}
              metricsByKey={metricsByKey}
              metricsLoading={metricsCall.state.status === 'loading'}
              isLoading={overviewCall.state.status === 'loading'}
              now={new Date(overview.asOf)}
            />
          </>
        ) : null}
      </Stack>
    </Box>
  );
}
