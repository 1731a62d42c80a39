/**
 * `global.__forge_fetch__(target, path, init)`: the single door through which the Forge SDKs
 * reach the platform. Product calls go to the site's productFetch, storage to KvsStore, the
 * @forge/events calls (stargate) to EventsService; anything else answers with a
 * `forge-proxy-error` header, which @forge/api turns into ProxyRequestError. Every call is counted
 * by kind (PlatformCallCounter), whatever its answer.
 */
import type { EventsService } from './events';
import type { InvocationContexts } from './invocation';
import { handleKvsRequest } from './kvs-http';
import type { KvsStore } from './kvs-store';
import type { UsageMeter } from './usage';
import type { FetchProvider, ProductFetch } from './types';

/** The first argument the SDKs pass (api/out/api/fetch.js, endpoint.js, kvs/out/index.js, sendEmail.js). */
export interface ForgeFetchTarget {
  type: string;
  provider?: string;
  remote?: string;
  accountId?: string;
  contextAri?: string;
  service?: string;
}

export type ForgeFetch = (target: ForgeFetchTarget, path: string, init?: RequestInit) => Promise<Response>;

export interface ForgeFetchDeps {
  kvs: KvsStore;
  events: EventsService;
  invocations: InvocationContexts;
  productFetch: ProductFetch;
  log: (line: string) => void;
  /** Told of every call; none by default. */
  calls?: PlatformCallCounter;
  /** Told of the storage bytes each invocation reads and writes; none by default. */
  usage?: UsageMeter;
}

/**
 * Calls that reached the platform through __forge_fetch__, since the start: one request is one call,
 * however many keys or events it carries. `total` also counts calls of no kind here (kinds the
 * emulator does not offer, such as remote fetch or email), so it can exceed the sum of the others.
 */
export interface PlatformCalls {
  /** KVS, secrets, custom entities, their batches, queries and transactions (@forge/kvs). */
  kvs: number;
  /** Product REST calls (requestJira, requestConfluence, …) and GraphQL (requestGraph). */
  product: number;
  /** @forge/events: queue push, job stats and cancel. */
  events: number;
  total: number;
}

export type PlatformCallKind = 'kvs' | 'product' | 'events' | 'other';

/** Which kind of platform call a __forge_fetch__ request is. */
export function platformCallKind(target: ForgeFetchTarget, path: string): PlatformCallKind {
  if (target.type === 'kvs') return 'kvs';
  if (target.type !== 'fpp') return 'other';
  // @forge/events reaches its queue endpoints through stargate, as requestGraph reaches GraphQL.
  if (target.remote === 'stargate' && path.startsWith('/webhook/queue/')) return 'events';
  return 'product';
}

export class PlatformCallCounter {
  private counts: PlatformCalls = { kvs: 0, product: 0, events: 0, total: 0 };

  record(kind: PlatformCallKind): void {
    if (kind !== 'other') this.counts[kind]++;
    this.counts.total++;
  }

  snapshot(): PlatformCalls {
    return { ...this.counts };
  }
}

function proxyError(status: number, code: string, message: string): Response {
  return new Response(JSON.stringify({ message }), {
    status,
    headers: { 'forge-proxy-error': code, 'content-type': 'application/json' },
  });
}

async function readJson(init: RequestInit | undefined): Promise<unknown> {
  if (init?.body === undefined || init.body === null) return {};
  const text = await new Response(init.body).text();
  try {
    return text === '' ? {} : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

function isProvider(value: unknown): value is FetchProvider {
  return value === 'app' || value === 'user' || value === 'none';
}

export function createForgeFetch(deps: ForgeFetchDeps): ForgeFetch {
  const product = async (target: ForgeFetchTarget, path: string, init: RequestInit | undefined): Promise<Response> => {
    const remote = target.remote;
    const provider = target.provider;
    if (!isProvider(provider)) return proxyError(400, 'INVALID_PROVIDER', `Unknown provider "${String(provider)}".`);
    if (remote === 'stargate') {
      const body = await readJson(init);
      const answer = deps.events.handleStargate(path, body);
      if (answer) return answer;
      deps.log(`[forge-runtime] unsupported stargate call ${path} (GraphQL is not emulated)`);
      return proxyError(501, 'NOT_SUPPORTED_LOCALLY', `The local Forge runtime does not emulate ${path}.`);
    }
    if (remote !== 'jira' && remote !== 'confluence') {
      return proxyError(400, 'INVALID_REMOTE_ERR', `The local Forge runtime has no product "${String(remote)}".`);
    }
    let accountId: string | null = null;
    if (provider === 'user') {
      accountId = target.accountId ?? deps.invocations.current().accountId;
      if (!accountId) {
        deps.log(`[forge-runtime] asUser() ${path} outside a user invocation (scheduled trigger, product event or set-up code)`);
        return proxyError(401, 'NO_USER_CONTEXT', 'asUser() needs an invocation with a user, or an explicit accountId.');
      }
    }
    const invocationId = deps.invocations.current().invocationId;
    deps.usage?.productCallStarted(invocationId);
    try {
      return await deps.productFetch({ remote, provider, accountId, path, init: init ?? {} });
    } finally {
      deps.usage?.productCallEnded(invocationId);
    }
  };

  return async (target, path, init) => {
    deps.calls?.record(platformCallKind(target, path));
    switch (target.type) {
      case 'kvs': {
        const invocationId = deps.invocations.current().invocationId;
        return handleKvsRequest(deps.kvs, path, init, deps.usage ? (kind, bytes) => deps.usage?.storage(invocationId, kind, bytes) : undefined);
      }
      case 'fpp':
        return product(target, path, init);
      default:
        deps.log(`[forge-runtime] unsupported __forge_fetch__ target type "${target.type}" for ${path}`);
        return proxyError(501, 'NOT_SUPPORTED_LOCALLY', `The local Forge runtime does not emulate "${target.type}" requests.`);
    }
  };
}
