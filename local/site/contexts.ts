/**
 * The contexts the host hands to the UIs it embeds. On Forge the platform, not the page, says which
 * module runs where (project, issue, content) for whom: so each iframe the host renders gets an
 * opaque id, and getContext and invoke read the module, extension and user from the host's record of
 * that id. Whatever the page sends beside it is never read.
 */
import { randomBytes } from 'node:crypto';
import type { EntryPointName, UiModule } from './manifest';

/** What the host decided when it rendered one embedded UI. */
export interface RenderedContext {
  id: string;
  module: UiModule;
  entryPoint: EntryPointName;
  /** The resource the iframe loads; only its index may carry this id. */
  resourceKey: string;
  /** The acting user the page was rendered for. */
  accountId: string;
  localId: string;
  extension: Record<string, unknown>;
}

export type ContextLookup = { context: RenderedContext } | { context: null; problem: 'unknown' | 'expired' };

export const CONTEXT_ID_PATTERN = /^[0-9a-f]{32}$/;

export interface RenderedContextsOptions {
  /** Unused this long, a context expires (the page must be reloaded). */
  ttlMs?: number;
  /** Beyond this many, the least recently used are forgotten. */
  maxEntries?: number;
  now?: () => number;
}

export class RenderedContexts {
  private readonly entries = new Map<string, { context: RenderedContext; lastUsedMs: number }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: RenderedContextsOptions = {}) {
    this.ttlMs = options.ttlMs ?? 12 * 60 * 60 * 1000;
    this.maxEntries = options.maxEntries ?? 20_000;
    this.now = options.now ?? Date.now;
  }

  create(context: Omit<RenderedContext, 'id'>): RenderedContext {
    const created = { ...context, id: randomBytes(16).toString('hex') };
    this.entries.set(created.id, { context: created, lastUsedMs: this.now() });
    // Map order is use order (lookups re-insert), so the first entries are the least recently used.
    for (const id of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(id);
    }
    return created;
  }

  lookup(id: string): ContextLookup {
    const entry = CONTEXT_ID_PATTERN.test(id) ? this.entries.get(id) : undefined;
    if (!entry) return { context: null, problem: 'unknown' };
    this.entries.delete(id);
    if (this.now() - entry.lastUsedMs > this.ttlMs) return { context: null, problem: 'expired' };
    this.entries.set(id, { context: entry.context, lastUsedMs: this.now() });
    return { context: entry.context };
  }
}
