/**
 * The contract between the resolvers and the Custom UI: resolver keys, payloads, answers and error
 * codes. Both sides import this one module (the UI through the `@pmo/contract` alias), so a change
 * here is checked by the compiler on both sides. Types and constants only: no runtime dependencies.
 */

/** Every failure a resolver reports. The UI turns each code into words in one place. */
export const ERROR_CODES = [
  'INVALID_PAYLOAD',
  'NOT_AUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'RATE_LIMITED',
  'JIRA_UNAVAILABLE',
  'JIRA_BAD_ANSWER',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ResolverError {
  code: ErrorCode;
  /** A sentence for the person, without internals (no stack traces, no raw Jira bodies). */
  message: string;
  /** What was wrong, item by item (for example each invalid payload field). */
  details?: string[];
}

/** The one envelope every resolver answers with. */
export type Answer<T> = { ok: true; data: T } | { ok: false; error: ResolverError };

export interface PersonRef {
  accountId: string;
  displayName: string;
}

export interface PortfolioRef {
  id: string;
  name: string;
}

/** Issue counts by Jira status category. */
export interface IssueCounts {
  total: number;
  toDo: number;
  inProgress: number;
  done: number;
}

/** One row of the portfolio page: a project the viewer may browse. */
export interface PortfolioProject {
  id: string;
  key: string;
  name: string;
  lead: PersonRef | null;
  /** The project's Jira category, which the PMO uses as its portfolio. */
  portfolio: PortfolioRef | null;
  issueCounts: IssueCounts;
  /** Done issues / all issues, 0..100 with one decimal; null when the project has no issues. */
  percentDone: number | null;
  /** Unresolved issues whose due date is before today (the viewer's day). */
  overdueCount: number;
  /** When any issue of the project last changed (ISO 8601); null when it has no issues. */
  lastUpdated: string | null;
}

export interface PortfolioOverview {
  /** When the figures were read (ISO 8601). */
  asOf: string;
  viewer: PersonRef;
  projects: PortfolioProject[];
}

export type PortfolioFilter =
  | { scope: 'all' }
  | { scope: 'project'; projectKey: string }
  | { scope: 'portfolio'; portfolioName: string };

/** Resolver key -> its payload and answer data. */
export interface PortfolioOverviewRequest {
  /** Which projects; all the viewer may browse when absent. */
  filter?: PortfolioFilter;
  /**
   * The day (YYYY-MM-DD) the figures are measured at: issues created after it are left out and
   * overdue means due before it and not resolved by it. Today when absent.
   */
  asOf?: string;
}

/** Resolver key -> its payload and answer data. */
export interface ResolverDefinitions {
  'portfolio/overview': { payload: PortfolioOverviewRequest; data: PortfolioOverview };
}

export type ResolverKey = keyof ResolverDefinitions;
export type PayloadOf<K extends ResolverKey> = ResolverDefinitions[K]['payload'];
export type DataOf<K extends ResolverKey> = ResolverDefinitions[K]['data'];
