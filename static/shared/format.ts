/**
 * How figures read on every surface: one place for counts, money, indices, percentages, days and "not
 * available". Each kind has one number of decimals, so a column reads alike from top to bottom.
 */
import { format, formatDistanceStrict } from 'date-fns';
import type { Figure } from '@pmo/contract';

export type FigureKind = 'money' | 'index' | 'percent' | 'count' | 'days' | 'hours';

const count = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const twoDecimals = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const currencies = new Map<string, Intl.NumberFormat>();

/** Money in the site currency once the PMO has set one; without one, a plain amount. */
export function formatMoney(value: number, currency: string | null): string {
  if (currency === null) return count.format(value);
  let formatter = currencies.get(currency);
  if (!formatter) {
    formatter = new Intl.NumberFormat('en-US', { style: 'currency', currency, maximumFractionDigits: 0, minimumFractionDigits: 0 });
    currencies.set(currency, formatter);
  }
  return formatter.format(value);
}

/**
 * SPI, CPI and TCPI with two decimals, rounded toward zero: 0.798 reads 0.79, so an index below a
 * threshold (0.80) never reads as the threshold itself, and agrees with its health reason.
 */
export function formatIndex(value: number): string {
  return twoDecimals.format(Math.trunc(value * 100) / 100);
}

export function formatNumber(value: number, kind: FigureKind, currency: string | null = null): string {
  switch (kind) {
    case 'money':
      return formatMoney(value, currency);
    case 'index':
      return formatIndex(value);
    case 'percent':
      // Shares are 0..1; one decimal of a percent.
      return `${oneDecimal.format(value * 100)}%`;
    case 'count':
      return count.format(value);
    case 'days':
      return `${oneDecimal.format(value)} d`;
    case 'hours':
      return `${count.format(value)} h`;
  }
}

export interface FormattedFigure {
  text: string;
  /** Why there is no number, for a tooltip; null when there is one. */
  reason: string | null;
  /** For sorting: missing figures sort below every value. */
  sortValue: number;
}

export function formatFigure(figure: Figure | undefined, kind: FigureKind, currency: string | null = null): FormattedFigure {
  if (!figure) return { text: '…', reason: 'Loading', sortValue: Number.NEGATIVE_INFINITY };
  if (figure.value === null) return { text: '—', reason: figure.reason, sortValue: Number.NEGATIVE_INFINITY };
  return { text: formatNumber(figure.value, kind, currency), reason: null, sortValue: figure.value };
}

/** A change of a figure, signed: "+0.05", "−1,200", "+2.0%"; "no change" when equal. */
export function formatChange(now: number | null, before: number | null, kind: FigureKind, currency: string | null = null): string | null {
  if (now === null || before === null) return null;
  // Indices change by what is shown of them, so "0.93 → 0.93" never reads as a change.
  const shown = (value: number) => (kind === 'index' ? Math.trunc(value * 100) : value);
  const change = shown(now) - shown(before);
  if (Math.abs(change) < 1e-9) return 'no change';
  const text = kind === 'index' ? twoDecimals.format(Math.abs(change) / 100) : formatNumber(Math.abs(change), kind, currency);
  return `${change > 0 ? '+' : '−'}${text}`;
}

/** A moment (ISO 8601) in the reader's time zone, as every surface writes it: "25 Nov 2026 19:10". */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : format(date, 'd MMM yyyy HH:mm');
}

/** A calendar day (YYYY-MM-DD) as every surface writes it: "25 Nov 2026". */
export function formatDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? day : format(new Date(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()), 'd MMM yyyy');
}

/** How long ago a moment was, short enough for a table cell: "just now", "5 minutes ago", "3 days ago". */
export function formatAgo(iso: string, now: Date): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return now.getTime() - date.getTime() < 60_000 ? 'just now' : formatDistanceStrict(date, now, { addSuffix: true });
}
