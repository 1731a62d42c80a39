/**
 * What the live report of `pmo report` answers (local/report/): read from Jira on the spot for any
 * as-of day. Not part of the deployed app's contract: its resolvers read snapshots only.
 */
import type { SettingsDocumentInput } from '../../src/settings/schema';
import type { StatusReport, PersonRef, PersonWorkload, PortfolioFilter, PortfolioMetrics, PortfolioProject, ProjectMetrics } from '../../src/shared/contract';

export interface PortfolioOverview {
  /** When the figures were read (ISO 8601). */
  asOf: string;
  viewer: PersonRef;
  projects: PortfolioProject[];
}

export interface PortfolioOverviewRequest {
  /** Which projects; all the viewer may browse when absent. */
  filter?: PortfolioFilter;
  /**
   * The day (YYYY-MM-DD) the figures are measured at: issues created after it are left out and
   * overdue means due before it and not resolved by it. Today when absent.
   */
  asOf?: string;
  /** A settings document to report under (`pmo report --settings FILE`); the stored settings when absent. */
  settings?: SettingsDocumentInput;
}

/** Every metric of the projects a request covers, their portfolios and their people's workload. */
export interface PortfolioMetricsReport {
  asOf: string;
  viewer: PersonRef;
  /** Each project's row (issue counts, percent done, overdue, last update), as of `asOf`. */
  rows: PortfolioProject[];
  projects: ProjectMetrics[];
  /** One roll-up per portfolio (name null: the projects without one). */
  portfolios: PortfolioMetrics[];
  /** The roll-up of every project in the answer. */
  total: PortfolioMetrics;
  workload: PersonWorkload[];
}

export interface LiveReportResolvers {
  'portfolio/overview': { payload: PortfolioOverviewRequest; data: PortfolioOverview };
  'portfolio/metrics': { payload: PortfolioOverviewRequest; data: PortfolioMetricsReport };
  /** The status report of the Confluence macro, for the request's projects (`--format md`). */
  'report/status': { payload: PortfolioOverviewRequest; data: StatusReport };
}
