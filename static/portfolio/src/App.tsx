import { useMemo, useState } from 'react';
import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import SectionMessage from '@atlaskit/section-message';
import Select from '@atlaskit/select';
import Spinner from '@atlaskit/spinner';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import { format } from 'date-fns';
import type { PortfolioOverview } from '@pmo/contract';
import { errorText } from '../../shared/errorText';
import { PortfolioTable } from './PortfolioTable';
import { usePortfolio } from './usePortfolio';

const ALL = '';
type PortfolioOption = { label: string; value: string };

export function App() {
  const { state, reload } = usePortfolio();
  const [portfolio, setPortfolio] = useState<string>(ALL);
  const overview: PortfolioOverview | null = state.status === 'loaded' ? state.overview : state.previous;

  const options = useMemo<PortfolioOption[]>(() => {
    const names = new Set((overview?.projects ?? []).map((project) => project.portfolio?.name ?? 'No portfolio'));
    return [{ label: 'All portfolios', value: ALL }, ...[...names].sort().map((name) => ({ label: name, value: name }))];
  }, [overview]);

  const shown = (overview?.projects ?? []).filter(
    (project) => portfolio === ALL || (project.portfolio?.name ?? 'No portfolio') === portfolio,
  );

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
            <Button testId="refresh" onClick={reload} isDisabled={state.status === 'loading'}>
              Refresh
            </Button>
          </Inline>
        </Inline>

        {state.status === 'failed' ? (
          <SectionMessage appearance="error" title={errorText(state.error.code).title} testId="portfolio-error"
            actions={[<Button key="retry" onClick={reload}>Try again</Button>]}>
            <Text as="p">{state.error.message}</Text>
            <Text as="p">{errorText(state.error.code).advice}</Text>
          </SectionMessage>
        ) : null}

        {state.status === 'loading' && !overview ? (
          <Inline space="space.100" alignBlock="center" testId="portfolio-loading">
            <Spinner size="medium" label="Loading" />
            <Text>Reading your projects from Jira…</Text>
          </Inline>
        ) : null}

        {overview ? (
          <>
            <Text testId="portfolio-summary" color="color.text.subtle">
              {state.status === 'failed' ? 'Showing the last figures read. ' : ''}
              {shown.length} of {overview.projects.length} projects · figures as of {format(new Date(overview.asOf), 'd MMM yyyy HH:mm')} · viewing as{' '}
              {overview.viewer.displayName}
            </Text>
            <PortfolioTable projects={shown} isLoading={state.status === 'loading'} now={new Date(overview.asOf)} />
          </>
        ) : null}
      </Stack>
    </Box>
  );
}
