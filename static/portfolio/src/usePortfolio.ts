import { useCallback, useEffect, useState } from 'react';
import type { PortfolioOverview } from '@pmo/contract';
import { callResolver, ResolverCallError } from '../../shared/api';

export type PortfolioState =
  | { status: 'loading'; previous: PortfolioOverview | null }
  | { status: 'loaded'; overview: PortfolioOverview }
  | { status: 'failed'; error: ResolverCallError; previous: PortfolioOverview | null };

/** Loads the overview once and again on reload(), keeping the last figures visible while loading or after a failure. */
export function usePortfolio(): { state: PortfolioState; reload: () => void } {
  const [state, setState] = useState<PortfolioState>({ status: 'loading', previous: null });
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let current = true;
    callResolver('portfolio/overview', {})
      .then((overview) => current && setState({ status: 'loaded', overview }))
      .catch((error: unknown) => {
        if (!current) return;
        const failure = error instanceof ResolverCallError ? error : new ResolverCallError('INTERNAL', String(error));
        setState((previous) => ({ status: 'failed', error: failure, previous: previous.status === 'loading' ? previous.previous : null }));
      });
    return () => {
      current = false;
    };
  }, [generation]);

  const reload = useCallback(() => {
    setState((previous) => ({ status: 'loading', previous: previous.status === 'loaded' ? previous.overview : previous.previous }));
    setGeneration((value) => value + 1);
  }, []);

  return { state, reload };
}
