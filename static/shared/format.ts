/** How figures read on every surface: one place for numbers, money, indices and "not available". */
import { format, formatDistanceStrict } from 'date-fns';
import type { Figure } from '@pmo/contract';

const money = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const index = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const percent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });

export type FigureKind = 'money' | 'index' | 'percent';

export interface FormattedFigure {
  text: string;
  /** Why there is no number, for a tooltip; null when there is one. */
  reason: string | null;
  /** For sorting: missing figures sort below every value. */
  sortValue: number;
}

export function formatFigure(figure: Figure | undefined, kind: FigureKind): FormattedFigure {
  if (!figure) return { text: '…', reason: 'Loading', sortValue: Number.NEGATIVE_INFINITY };
  if (figure.value === null) return { text: '—', reason: figure.reason, sortValue: Number.NEGATIVE_INFINITY };
  const text = kind === 'money' ? money.format(figure.value) : kind === 'index' ? index.format(figure.value) : percent.format(figure.value);
  return { text, reason: null, sortValue: figure.value };
}

/** A moment (ISO 8601) in the reader's time zone, as every surface writes it: "25 Nov 2026 19:10". */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : format(date, 'd MMM yyyy HH:mm');
}

/** How long ago a moment was, short enough for a table cell: "just now", "5 minutes ago", "3 days ago". */
export function formatAgo(iso: string, now: Date): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return now.getTime() - date.getTime() < 60_000 ? 'just now' : formatDistanceStrict(date, now, { addSuffix: true });
}
