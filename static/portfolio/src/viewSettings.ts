/**
 * What the viewer chose on the portfolio page (columns, order, filters), kept in the browser per person,
 * so a reload shows the same view. Anything unreadable falls back to the defaults.
 */
import { z } from 'zod/mini';
import { COLUMN_IDS, DEFAULT_COLUMNS, type ColumnId } from './columns';
import type { SortOrder } from './PortfolioTable';

export interface ViewSettings {
  columns: ColumnId[];
  order: SortOrder;
  portfolios: (string | null)[];
  health: ('red' | 'amber' | 'not set up' | 'green' | 'not synced')[];
  leads: string[];
  text: string;
  /** Only projects whose compliance score is below this share; null: any. */
  complianceBelow?: number | null;
}

export const DEFAULT_VIEW: ViewSettings = { columns: DEFAULT_COLUMNS, order: { column: 'health', direction: 'ascending' }, portfolios: [], health: [], leads: [], text: '' };

// zod's small build: the page needs only these checks.
const schema = z.object({
  columns: z.array(z.enum(COLUMN_IDS)),
  order: z.object({ column: z.enum(COLUMN_IDS), direction: z.enum(['ascending', 'descending']) }),
  portfolios: z.array(z.nullable(z.string())),
  health: z.array(z.enum(['red', 'amber', 'not set up', 'green', 'not synced'])),
  leads: z.array(z.string()),
  text: z.string().check(z.maxLength(200)),
  complianceBelow: z.optional(z.nullable(z.number())),
});

const keyOf = (accountId: string) => `pmo-portfolio-view:${accountId}`;

export function loadViewSettings(accountId: string): ViewSettings {
  try {
    const stored = window.localStorage.getItem(keyOf(accountId));
    const parsed = stored === null ? null : schema.safeParse(JSON.parse(stored));
    return parsed?.success ? parsed.data : DEFAULT_VIEW;
  } catch {
    // No storage in this frame (or it is full): the defaults each time.
    return DEFAULT_VIEW;
  }
}

export function saveViewSettings(accountId: string, settings: ViewSettings): void {
  try {
    window.localStorage.setItem(keyOf(accountId), JSON.stringify(settings));
  } catch {
    // Not kept: the page still works with what is chosen now.
  }
}
