/** The sync checkpoint round-trips through KVS and starts empty. */
import { kvs } from '@forge/kvs';
import { startTestRuntime, type TestRuntime } from '../../local/runtime/test-helpers';
import { deleteSyncState, emptySyncState, getSyncState, setSyncState, syncStateKey, type SyncState } from './syncState';

let t: TestRuntime;
beforeEach(() => {
  t = startTestRuntime();
});
afterEach(() => t.runtime.close());

test('a project never synced has an empty state', async () => {
  expect(await getSyncState('NEW')).toEqual(emptySyncState('NEW'));
});

test('the state is stored under project:{KEY}:sync and read back as written', async () => {
  const state: SyncState = {
    projectKey: 'ABC',
    lastCompleteSyncMs: 1_000,
    lastFullPassMs: 900,
    watermarkMs: 1_000,
    inProgress: {
      kind: 'incremental',
      startedMs: 2_000,
      stage: 'issues',
      cursor: { phase: 'issues', nextPageToken: 'token-2', updatedFromMs: 700, fullPass: true, missingIds: ['10001'] },
    },
    lastError: { message: 'Jira failed with HTTP 503', atMs: 1_500 },
    statusCategories: { '1': 'new', '3': 'indeterminate' },
  };
  await setSyncState(state);
  expect(await kvs.get(syncStateKey('ABC'))).toEqual(state);
  expect(await getSyncState('ABC')).toEqual(state);
  await deleteSyncState('ABC');
  expect(await getSyncState('ABC')).toEqual(emptySyncState('ABC'));
});

test('a state written before a field existed reads with its default', async () => {
  await kvs.set(syncStateKey('OLD'), { projectKey: 'OLD', lastCompleteSyncMs: 5, lastFullPassMs: 5, watermarkMs: 5, inProgress: null, lastError: null });
  expect((await getSyncState('OLD')).statusCategories).toEqual({});
});
