/** Small pieces every surface shows alike: health lozenges, defined labels, figures with their reason, errors. */
import { useId, type ReactNode } from 'react';
import Button from '@atlaskit/button/default/button';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import { token } from '@atlaskit/tokens';
import type { Figure, Health, HealthMetrics } from '@pmo/contract';
import type { ResolverCallError } from './api';
import { DEFINITIONS, type DefinedFigure } from './definitions';
import { errorText } from './errorText';
import { formatFigure, type FigureKind } from './format';
import './ui.css';

/** Jira's lozenge appearances for health: red is removed, amber moved, green success, not set up default. */
export const HEALTH_APPEARANCE: Record<Health, 'removed' | 'moved' | 'success' | 'default'> = {
  red: 'removed',
  amber: 'moved',
  'not set up': 'default',
  green: 'success',
};
/** Worst first, for sorting. */
export const HEALTH_ORDER: Record<Health, number> = { red: 0, amber: 1, 'not set up': 2, green: 3 };

export function HealthLozenge({ health, testId }: { health: Health; testId?: string }) {
  return (
    <span data-testid={testId}>
      <Lozenge appearance={HEALTH_APPEARANCE[health]}>{health}</Lozenge>
    </span>
  );
}

/** Why the health is what it is, in words: the criteria, the PMO's override, or that every threshold is met. */
export function healthReason(health: HealthMetrics): string {
  if (health.override) return `Set by hand to ${health.override.rag}: ${health.override.comment} (computed: ${health.computedRag}${health.criteria.length ? `, ${health.criteria.join('; ')}` : ''})`;
  if (health.criteria.length > 0) return health.criteria.join('; ');
  return 'SPI and CPI are known and every threshold is met';
}

/**
 * Text with a hint (a definition, the reason a figure is missing) shown on hover and on keyboard focus,
 * and read out by screen readers as the element's description. Plain CSS, no popup library.
 */
export function Hinted({ hint, children, testId, label }: { hint: string; children: ReactNode; testId?: string; label?: string }) {
  const id = useId();
  return (
    <span className="pmo-hint" tabIndex={0} aria-describedby={id} aria-label={label} data-testid={testId}>
      {children}
      <span className="pmo-hint__text" role="tooltip" id={id}>
        {hint}
      </span>
    </span>
  );
}

/** A label whose definition shows on hover and on keyboard focus. */
export function Defined({ figure, children }: { figure: DefinedFigure; children: ReactNode }) {
  return <Hinted hint={DEFINITIONS[figure]}>{children}</Hinted>;
}

/** A figure's number, or a dash whose reason shows on hover and is read out by screen readers. */
export function FigureValue({ figure, kind, currency = null, testId }: { figure: Figure; kind: FigureKind; currency?: string | null; testId?: string }) {
  const shown = formatFigure(figure, kind, currency);
  if (shown.reason === null) return <span data-testid={testId}>{shown.text}</span>;
  return (
    <Hinted hint={shown.reason} testId={testId} label={`not available: ${shown.reason}`}>
      {shown.text}
    </Hinted>
  );
}

const NOTICE_COLOURS = {
  error: { background: 'color.background.danger', border: 'color.border.danger' },
  warning: { background: 'color.background.warning', border: 'color.border.warning' },
  information: { background: 'color.background.information', border: 'color.border.information' },
} as const;

/** A message box in the theme's colours (lighter than Atlaskit's section message, which brings a popup library). */
export function Notice({ appearance, title, children, actions, testId }: { appearance: keyof typeof NOTICE_COLOURS; title: string; children?: ReactNode; actions?: ReactNode; testId?: string }) {
  const colours = NOTICE_COLOURS[appearance];
  return (
    <Box testId={testId} padding="space.200" backgroundColor={colours.background} style={{ borderLeft: `4px solid ${token(colours.border)}`, borderRadius: 3 }} role={appearance === 'error' ? 'alert' : 'status'}>
      <Stack space="space.100">
        <Text weight="bold">{title}</Text>
        {children}
        {actions ? <Inline space="space.100">{actions}</Inline> : null}
      </Stack>
    </Box>
  );
}

export function Failure({ error, onRetry, testId, retryLabel = 'Try again' }: { error: ResolverCallError; onRetry?: () => void; testId: string; retryLabel?: string }) {
  const text = errorText(error.code);
  return (
    <Notice appearance="error" title={text.title} testId={testId} actions={onRetry ? <Button onClick={onRetry}>{retryLabel}</Button> : undefined}>
      <Text as="p">{error.message}</Text>
      <Text as="p">{text.advice}</Text>
    </Notice>
  );
}

export interface Column<T> {
  key: string;
  label: ReactNode;
  /** Numbers align right, so digits line up. */
  numeric?: boolean;
  value: (row: T) => ReactNode;
}

const cellStyle = (numeric: boolean | undefined) => ({
  padding: `${token('space.050')} ${token('space.100')}`,
  borderBottom: `1px solid ${token('color.border')}`,
  textAlign: numeric ? ('right' as const) : ('left' as const),
  fontVariantNumeric: 'tabular-nums' as const,
  verticalAlign: 'top' as const,
});

/** A plain table of the project view: a caption for screen readers, numbers right-aligned. */
export function SimpleTable<T>({ caption, columns, rows, rowKey, testId, empty }: { caption: string; columns: Column<T>[]; rows: T[]; rowKey: (row: T) => string; testId: string; empty?: string }) {
  if (rows.length === 0 && empty) return <Text color="color.text.subtle" testId={`${testId}-empty`}>{empty}</Text>;
  return (
    <table data-testid={testId} style={{ borderCollapse: 'collapse', width: '100%', color: token('color.text') }}>
      <caption style={{ position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)' }}>{caption}</caption>
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column.key} scope="col" style={{ ...cellStyle(column.numeric), color: token('color.text.subtle'), fontWeight: 600 }}>
              {column.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={rowKey(row)} data-testid={`${testId}-row-${rowKey(row)}`}>
            {columns.map((column) => (
              <td key={column.key} style={cellStyle(column.numeric)} data-column={column.key}>
                {column.value(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A titled block of a page or report, on a raised surface. */
export function Section({ title, children, testId }: { title: string; children: ReactNode; testId: string }) {
  return (
    <Box as="section" testId={testId} padding="space.200" backgroundColor="elevation.surface.raised">
      <Stack space="space.150">
        <Heading size="small" as="h2">
          {title}
        </Heading>
        {children}
      </Stack>
    </Box>
  );
}
