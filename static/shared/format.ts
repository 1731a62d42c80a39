/** How figures read on every surface: one place for numbers, money, indices and "not available". */
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
