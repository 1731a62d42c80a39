/** Shared set-up for the runtime tests: a runtime with a recording fake product fetch. */
import type { ForgeKvsAPIError } from '@forge/kvs';
import { readManifest } from '../site/manifest';
import { createForgeRuntime, type ForgeRuntimeEmulator, type ForgeRuntimeOptions, type ProductRequest } from './index';
import type { RuntimeManifest } from './types';

export interface TestRuntime {
  runtime: ForgeRuntimeEmulator;
  requests: ProductRequest[];
  logs: string[];
}

export function startTestRuntime(overrides: Partial<ForgeRuntimeOptions> = {}): TestRuntime {
  const requests: ProductRequest[] = [];
  const logs: string[] = [];
  const runtime = createForgeRuntime({
    dataDir: ':memory:',
    productFetch: async (request) => {
      requests.push(request);
      return new Response(JSON.stringify({ path: request.path, accountId: request.accountId }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    },
    log: (line) => logs.push(line),
    ...overrides,
  });
  return { runtime, requests, logs };
}

/** The error a KVS call fails with; fails the test when the call succeeds. */
export async function kvsError(promise: Promise<unknown>): Promise<ForgeKvsAPIError> {
  try {
    await promise;
  } catch (error) {
    return error as ForgeKvsAPIError;
  }
  throw new Error('expected the call to fail');
}

/** The app's own manifest, for tests of the stores that use its custom entities. */
export function appManifest(): RuntimeManifest {
  return readManifest() as unknown as RuntimeManifest;
}
