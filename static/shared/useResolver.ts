import { useCallback, useEffect, useState } from 'react';
import type { DataOf, PayloadOf, ResolverKey } from '@pmo/contract';
import { callResolver, ResolverCallError } from './api';

export type ResolverState<T> =
  | { status: 'loading'; previous: T | null }
  | { status: 'loaded'; data: T }
  | { status: 'failed'; error: ResolverCallError; previous: T | null };

/**
 * Calls a resolver once and again on reload(), keeping the last answer visible while loading or
 * after a failure, so a failed refresh loses nothing on the page.
 */
export function useResolver<K extends ResolverKey>(key: K, payload: PayloadOf<K>): { state: ResolverState<DataOf<K>>; reload: () => void } {
  const [state, setState] = useState<ResolverState<DataOf<K>>>({ status: 'loading', previous: null });
  const [generation, setGeneration] = useState(0);
  const payloadText = JSON.stringify(payload);

  useEffect(() => {
    let current = true;
    callResolver(key, JSON.parse(payloadText) as PayloadOf<K>)
      .then((data) => current && setState({ status: 'loaded', data }))
      .catch((error: unknown) => {
        if (!current) return;
        const failure = error instanceof ResolverCallError ? error : new ResolverCallError('INTERNAL', String(error));
        setState((previous) => ({ status: 'failed', error: failure, previous: previous.status === 'loading' ? previous.previous : null }));
      });
    return () => {
      current = false;
    };
  }, [key, payloadText, generation]);

  const reload = useCallback(() => {
    setState((previous) => ({ status: 'loading', previous: previous.status === 'loaded' ? previous.data : previous.previous }));
    setGeneration((value) => value + 1);
  }, []);

  return { state, reload };
}

/** The answer to show: the current one, or the last one while loading or after a failure. */
export function shownData<T>(state: ResolverState<T>): T | null {
  return state.status === 'loaded' ? state.data : state.previous;
}
