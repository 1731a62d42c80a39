import { useCallback, useEffect, useRef, useState } from 'react';
import type { SyncProgress } from '@pmo/contract';
import type { ResolverCallError } from '../../shared/api';
import { callResolver } from '../../shared/api';
import { asCallError } from '../../shared/useResolver';

/**
 * @forge/bridge allows 500 invoke calls per 25 s for the whole page: one progress call a second
 * (and slower after a failure) stays far below it however long a round runs.
 */
export const POLL_INTERVAL_MS = 1000;
/** Progress calls that may fail in a row (each waiting twice as long) before the page gives up following. */
const MAX_POLL_FAILURES = 3;
/** How long "Refreshed" stays when every project was read. */
const DONE_NOTICE_MS = 8000;
/** A round whose count has not moved for this long is no longer followed, so Refresh now is usable again. */
export const STALL_MS = 10 * 60_000;

export type SyncView =
  | { phase: 'idle' }
  /** sync/refresh was called and has not answered. */
  | { phase: 'starting' }
  /** Following a round: progress calls until it finishes. `movedAt`: when its count last changed (ms). */
  | { phase: 'running'; progress: SyncProgress; failures: number; movedAt: number }
  /** The round finished; the page is being read again. */
  | { phase: 'reloading'; progress: SyncProgress }
  /** The round finished and the page shows its figures. */
  | { phase: 'finished'; progress: SyncProgress }
  /** The round stopped moving; the page no longer follows it. */
  | { phase: 'stalled'; progress: SyncProgress };

export interface SyncRound {
  view: SyncView;
  /** True from Refresh now until the page shows the round's figures. */
  busy: boolean;
  /** The last failed sync/refresh or sync/progress call, until the next Refresh now. */
  error: ResolverCallError | null;
  /** Queues a sync of the viewer's projects (sync/refresh) and follows it. */
  refresh: () => void;
  /** Follows a round someone else started (the page answered it unfinished). */
  follow: (progress: SyncProgress) => void;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Refresh now and the progress of a sync round: calls sync/refresh, then sync/progress about once a
 * second until the round finishes, then `reloadPage` so the page shows the new snapshots.
 */
export function useSyncRound(reloadPage: () => Promise<void>): SyncRound {
  // reloadPage should be stable (useResolver's reload is): a new one restarts a pending progress call.
  const [view, setView] = useState<SyncView>({ phase: 'idle' });
  const [error, setError] = useState<ResolverCallError | null>(null);
  const mounted = useRef(true);
  // Rounds whose progress could not be read: not followed again when the page still answers them running.
  const abandoned = useRef(new Set<string>());
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const busy = view.phase === 'starting' || view.phase === 'running' || view.phase === 'reloading';

  /** A finished round: read the page again, then say so (unless something else has started since). */
  const finish = useCallback((progress: SyncProgress) => {
    setView({ phase: 'reloading', progress });
    void reloadPage().finally(() => {
      if (!mounted.current) return;
      setView((current) => (current.phase === 'reloading' && current.progress.roundId === progress.roundId ? { phase: 'finished', progress } : current));
    });
  }, [reloadPage]);

  const start = useCallback(
    (progress: SyncProgress) => {
      if (progress.finished) finish(progress);
      else setView({ phase: 'running', progress, failures: 0, movedAt: Date.now() });
    },
    [finish],
  );

  const refresh = useCallback(() => {
    setError(null);
    setView({ phase: 'starting' });
    callResolver('sync/refresh', {})
      .then((progress) => mounted.current && start(progress))
      .catch((failure: unknown) => {
        if (!mounted.current) return;
        setError(asCallError(failure));
        setView({ phase: 'idle' });
      });
  }, [start]);

  const follow = useCallback((progress: SyncProgress) => {
    if (progress.finished || abandoned.current.has(progress.roundId)) return;
    setView((current) => {
      if (current.phase === 'starting' || current.phase === 'running') return current;
      if (current.phase !== 'idle' && current.progress.roundId === progress.roundId) return current;
      return { phase: 'running', progress, failures: 0, movedAt: Date.now() };
    });
  }, []);

  // One progress call per state of a running round: the next one is scheduled when this one has answered.
  const running = view.phase === 'running' ? view : null;
  useEffect(() => {
    if (!running) return;
    let cancelled = false;
    const { progress, failures, movedAt } = running;
    void (async () => {
      await wait(POLL_INTERVAL_MS * 2 ** failures);
      if (cancelled) return;
      try {
        const next = await callResolver('sync/progress', { roundId: progress.roundId });
        if (cancelled) return;
        const moved = next.done !== progress.done || next.failed !== progress.failed;
        if (next.finished) {
          finish(next);
        } else if (!moved && Date.now() - movedAt >= STALL_MS) {
          abandoned.current.add(next.roundId);
          setView({ phase: 'stalled', progress: next });
          void reloadPage();
        } else {
          setView({ phase: 'running', progress: next, failures: 0, movedAt: moved ? Date.now() : movedAt });
        }
      } catch (failure: unknown) {
        if (cancelled) return;
        if (failures + 1 < MAX_POLL_FAILURES) {
          setView({ phase: 'running', progress, failures: failures + 1, movedAt });
        } else {
          // Stop following; the page shows whatever the snapshots hold now.
          abandoned.current.add(progress.roundId);
          setError(asCallError(failure));
          setView({ phase: 'idle' });
          void reloadPage();
        }
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [running, finish, reloadPage]);

  // "Refreshed" goes after a while when every project was read; failures stay until the next refresh.
  const finishedClean = view.phase === 'finished' && view.progress.failed === 0 ? view.progress.roundId : null;
  useEffect(() => {
    if (finishedClean === null) return;
    const timer = setTimeout(() => {
      setView((current) => (current.phase === 'finished' && current.progress.roundId === finishedClean ? { phase: 'idle' } : current));
    }, DONE_NOTICE_MS);
    return () => clearTimeout(timer);
  }, [finishedClean]);

  return { view, busy, error, refresh, follow };
}
