/**
 * Public types of the local Forge runtime emulator.
 * Shapes mirror what the real platform hands to app code (see @forge/{api,kvs,events,resolver}/out).
 */
import type { External, Scopes } from '@forge/manifest';

export type ProductRemote = 'jira' | 'confluence';
export type FetchProvider = 'app' | 'user' | 'none';

/** A product REST call made by app code through @forge/api, as the local site receives it. */
export interface ProductRequest {
  remote: ProductRemote;
  provider: FetchProvider;
  /** The acting user for provider 'user' (explicit asUser(id) or the invocation's user); null otherwise. */
  accountId: string | null;
  path: string;
  init: RequestInit;
}

export type ProductFetch = (request: ProductRequest) => Promise<Response>;

/** Attribute types allowed in manifest `app.storage.entities[].attributes`. */
export type EntityAttributeType = 'string' | 'boolean' | 'float' | 'integer' | 'any';

export interface EntityIndexDefinition {
  name: string;
  range: readonly string[];
  partition?: readonly string[];
}

export interface EntityDefinition {
  name: string;
  attributes: Readonly<Record<string, { type: EntityAttributeType }>>;
  /** A bare string is an index of that name ranging over the attribute of the same name. */
  indexes?: readonly (string | EntityIndexDefinition)[];
}

/** The parts of manifest.yml the runtime reads; a parsed @forge/manifest ManifestSchema fits. */
export interface RuntimeManifest {
  app?: {
    id?: string;
    storage?: { entities?: readonly EntityDefinition[] };
  };
  permissions?: { scopes?: Scopes; external?: External };
  modules?: {
    consumer?: readonly { key: string; queue: string }[];
    [moduleType: string]: unknown;
  };
}

export interface ForgeRuntimeOptions {
  /** Folder for forge-storage.sqlite (created if missing); ':memory:' keeps everything in memory. */
  dataDir: string;
  productFetch: ProductFetch;
  manifest?: RuntimeManifest;
  log?: (line: string) => void;
  /** Defaults to LOCAL_CLOUD_ID; used for installContext and the scheduled-trigger context. */
  cloudId?: string;
  /** Handed to resolvers as context.siteUrl. */
  siteUrl?: string;
  appVersion?: string;
  /** Root of the app code, for @forge/api i18n resources (runtime.container.appCodeDir). */
  appCodeDir?: string;
  queue?: QueueOptions;
}

export interface QueueOptions {
  /** Async-event retention window; Forge drops an event still failing after it (24 h). */
  retentionWindowMs?: number;
  /** Optional cap on retries per event; the platform itself has none, only the retention window. */
  maxRetries?: number;
  /** Consumer function timeout when registerConsumer gives none (Forge default 55 s). */
  defaultTimeoutSeconds?: number;
}

/** What @forge/resolver's getDefinitions() returns, and what Forge calls for a resolver. */
export interface ResolverInvocation {
  call: { functionKey: string; payload?: unknown; jobId?: string };
  context: Record<string, unknown>;
}
export type ResolverHandler = (
  invocation: ResolverInvocation,
  backendRuntimePayload?: Record<string, unknown>,
) => Promise<unknown>;

export interface InvokeResolverOptions {
  functionKey: string;
  payload?: unknown;
  /** The Atlassian account the frontend runs as. */
  accountId: string;
  /** Manifest key of the UI module whose resolver is invoked. */
  moduleKey: string;
  /** The frontend's context.extension (e.g. {type: 'jira:projectPage', project: {...}}). */
  extension?: Record<string, unknown>;
  localId?: string;
  /** The user's locale and time zone from their profile (Forge: `en-US`, `Europe/Berlin`); en-US and UTC when not given. */
  locale?: string;
  timezone?: string;
  /** Extra frontend context fields (theme, ...), merged over the defaults. */
  context?: Record<string, unknown>;
  /** Resolver function timeout; Forge allows 25 s. */
  timeoutMs?: number;
}

/** The second argument Forge passes to function handlers. */
export interface FunctionContext {
  installContext: string;
  principal?: { accountId: string };
  license?: unknown;
  installation?: unknown;
  [key: string]: unknown;
}

/** Plain async-event consumer, @forge/events 2+ style: `handler(event: AsyncEvent, context)`. */
export type ConsumerFunction = (event: AsyncEventPayload, context: FunctionContext) => unknown;

export interface RetryContext {
  retryCount: number;
  retryReason: string;
  retryData: unknown;
  retentionWindow?: { startTime: string; remainingTimeMs: number };
}

export interface AsyncEventPayload {
  body: Record<string, unknown>;
  delayInSeconds?: number;
  concurrency?: { key: string; limit: number };
  queueName: string;
  jobId: string;
  eventId: string;
  retryContext?: RetryContext;
}

export interface RegisterConsumerOptions {
  /** Consumer module key (used as moduleKey of the invocation); defaults to `${queueKey}-consumer`. */
  key?: string;
  /**
   * Set for a manifest consumer with `resolver: {function, method}`: the handler is then a
   * @forge/resolver definitions handler called with functionKey = method (events 1.x style).
   */
  method?: string;
  /** Function module timeoutSeconds (Forge default 55, max 900). */
  timeoutSeconds?: number;
}

export type TriggerHandler = (event: Record<string, unknown>, context: FunctionContext) => unknown;

export interface RegisterTriggerOptions {
  /** Trigger module key; defaults to the first event type. */
  key?: string;
  timeoutSeconds?: number;
}

export type ScheduledInterval = 'fiveMinute' | 'hour' | 'day' | 'week';

export interface ScheduledTriggerDefinition {
  key: string;
  handler: (request: ScheduledTriggerRequest, context: FunctionContext) => unknown;
  interval: ScheduledInterval;
  timeoutSeconds?: number;
}

export interface ScheduledTriggerRequest {
  context: { cloudId: string; moduleKey: string };
  contextToken: string;
}

export interface StartScheduledTriggersOptions {
  /** Divides every interval (60 turns 'hour' into one minute). */
  speedup?: number;
  /** Run each trigger once right away instead of waiting a first interval. */
  runOnStart?: boolean;
}

export interface DrainOptions {
  /** Deliver delayed events and retries now instead of waiting (time is counted as if it passed). */
  fastForward?: boolean;
  /** Reject if work is still pending after this long (default 60 s). */
  timeoutMs?: number;
}

/** Options for running arbitrary code as a Forge invocation (web triggers, test set-up, ...). */
export interface InvocationOptions {
  accountId?: string | null;
  moduleKey?: string;
  moduleType?: string;
  functionKey?: string;
  timeoutMs?: number;
}

export interface JobStats {
  success: number;
  inProgress: number;
  failed: number;
}
