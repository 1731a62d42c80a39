/**
 * The category of every status a sync meets, from Jira itself: the category Jira renders with each
 * status in its answers (an issue's own status, its parent's, its links'), and for a status no answer
 * shows (one that only histories name: an empty "In Review", a status retired from a workflow) the
 * site's status list, GET /status, read at most once a round. A status the list does not name either
 * is one Jira does not know any more: it stays unknown, and normalize.ts names it on the item so the
 * project's data problems say so.
 */
import type { JiraChangeHistory } from '../jira/changelogs';
import type { JiraClient } from '../jira/client';
import type { JiraIssue } from '../jira/issues';
import { getStatuses } from '../jira/statuses';
import type { StatusCategory } from '../metrics/model';
import { getStatusCatalog, setStatusCatalog, type StatusCatalog } from '../store/siteCatalog';
import { collectStatusCategories, statusCategoryFromKey, statusIdsIn } from './normalize';

/** Outside a round (a refresh after an edit, a report), a status list read this recently is still current. */
const LIST_FRESH_MS = 10 * 60_000;

export interface StatusScope {
  /** The round the job works for; the list is read once for it. Null outside a round. */
  roundId: string | null;
  nowMs: number;
}

/** Where the categories are kept between jobs: the site's catalog in storage, or nowhere (a one-off report). */
interface CatalogStore {
  load(): Promise<StatusCatalog>;
  save(catalog: StatusCatalog): Promise<void>;
}

const inStorage: CatalogStore = { load: getStatusCatalog, save: setStatusCatalog };

export class StatusCategories {
  private readonly categories = new Map<string, StatusCategory>();
  private listRead: StatusCatalog['listRead'] = null;
  private changed = false;

  private constructor(
    private readonly client: JiraClient,
    private readonly scope: StatusScope,
    private readonly store: CatalogStore | null,
  ) {}

  /** The site's categories as the sync keeps them in storage. */
  static async forSync(client: JiraClient, scope: StatusScope): Promise<StatusCategories> {
    const statuses = new StatusCategories(client, scope, inStorage);
    statuses.take(await inStorage.load());
    return statuses;
  }

  /** Categories learnt for this read only (the live report): nothing is stored. */
  static forRead(client: JiraClient, nowMs: number): StatusCategories {
    return new StatusCategories(client, { roundId: null, nowMs }, null);
  }

  /** Status id -> category, for normalizeIssue. */
  get known(): ReadonlyMap<string, StatusCategory> {
    return this.categories;
  }

  /**
   * Learns the categories the issues and their histories need: those Jira rendered in the answers,
   * then, if any status the histories name is still unknown, the site's status list.
   */
  async learn(issues: readonly JiraIssue[], histories: ReadonlyMap<string, readonly JiraChangeHistory[]>): Promise<void> {
    const rendered = collectStatusCategories(issues);
    for (const [id, category] of rendered) this.note(id, category);
    const unseen = () => [...statusIdsIn(histories.values())].filter((id) => !this.categories.has(id));
    if (unseen().length === 0 || this.listIsCurrent()) return;
    // Another job of the round may have read the list meanwhile.
    if (this.store) this.take(await this.store.load());
    if (unseen().length === 0 || this.listIsCurrent()) return;
    await this.readList();
  }

  /** Keeps what was learnt for the next jobs (only when something was). */
  async save(): Promise<void> {
    if (!this.changed || !this.store) return;
    const stored = await this.store.load();
    await this.store.save({ categories: { ...stored.categories, ...Object.fromEntries(this.categories) }, listRead: this.listRead ?? stored.listRead });
    this.changed = false;
  }

  private async readList(): Promise<void> {
    const listed = await getStatuses(this.client);
    for (const status of listed) {
      const category = statusCategoryFromKey(status.statusCategory?.key);
      if (category !== null) this.note(status.id, category);
    }
    this.listRead = { atMs: this.scope.nowMs, roundId: this.scope.roundId };
    this.changed = true;
  }

  private listIsCurrent(): boolean {
    const read = this.listRead;
    if (read === null) return false;
    if (this.scope.roundId !== null) return read.roundId === this.scope.roundId;
    return this.scope.nowMs - read.atMs < LIST_FRESH_MS;
  }

  private note(id: string, category: StatusCategory): void {
    if (this.categories.get(id) === category) return;
    this.categories.set(id, category);
    this.changed = true;
  }

  private take(catalog: StatusCatalog): void {
    for (const [id, category] of Object.entries(catalog.categories)) {
      if (!this.categories.has(id)) this.categories.set(id, category);
    }
    if (catalog.listRead && (this.listRead === null || catalog.listRead.atMs > this.listRead.atMs)) this.listRead = catalog.listRead;
  }
}
