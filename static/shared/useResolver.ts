import { useCallback, useEffect, useRef, useState } from 'react';
import type { DataOf, PayloadOf, ResolverKey } from '@pmo/contract';
import { callResolver, ResolverCallError } from './api';

export type ResolverState<T> =
  | { status: 'loading'; previous: T | null }
  | { status: 'loaded'; data: T }
  | { status: 'failed'; error: ResolverCallError; previous: T | null };

export function asCallError(error: unknown): ResolverCallError {
  return error instanceof ResolverCallError ? error : new ResolverCallError('INTERNAL', String(error));
}

/**
 * Calls a resolver once and again on reload(), keeping the last answer visible while loading or
 * after a failure, so a failed refresh loses nothing on the page. reload() settles when its call
 * has; only the latest call's answer is shown.
 */
export function useResolver<K extends ResolverKey>(key: K, payload: PayloadOf<K>): { state: ResolverState<DataOf<K>>; reload: () => Promise<void> } {
  const [state, setState] = useState<ResolverState<DataOf<K>>>({ status: 'loading', previous: null });
  const payloadText = JSON.stringify(payload);
  // Each call takes the next number; an answer is shown only if no later call (or unmount) came since.
  const latest = useRef(0);

  const load = useCallback(async () => {
    const call = ++latest.current;
    setState((previous) => (previous.status === 'loading' ? previous : { status: 'loading', previous: shownData(previous) }));
    try {
      const data = await callResolver(key, JSON.parse(payloadText) as PayloadOf<K>);
      if (call === latest.current) setState({ status: 'loaded', data });
    } catch (error: unknown) {
      if (call !== latest.current) return;
      setState((previous) => ({ status: 'failed', error: asCallError(error), previous: shownData(previous) }));
    }
  }, [key, payloadText]);

  useEffect(() => {
    void load();
    return () => {
      latest.current++;
    };
  }, [load]);

  return { state, reload: load };
}

/** The answer to show: the current one, or the last one while loading or after a failure. */
export function shownData<T>(state: ResolverState<T>): T | null {
  return state.status === 'loaded' ? state.data : state.previous;
}
