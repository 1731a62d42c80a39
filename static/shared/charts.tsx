/**
 * The charts of the project view (Recharts: SVG, no eval, no external hosts, styles inline, so it runs
 * under Forge's Content-Security-Policy). Every colour is an Atlaskit token, so dark mode follows the
 * theme; every chart has its figures as a table beside it, for screen readers and for reading exact values.
 */
import type { ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { token } from '@atlaskit/tokens';
import { Box, Stack, Text } from '@atlaskit/primitives';
import type { ForecastFinish, TrendPoint } from '@pmo/contract';
import { formatDay, formatNumber, type FigureKind } from './format';

const AXIS = { stroke: token('color.border'), tick: { fill: token('color.text.subtle'), fontSize: 12 } };
const GRID = token('color.border');
const TOOLTIP_STYLE = { backgroundColor: token('elevation.surface.overlay'), borderColor: token('color.border'), color: token('color.text') };

export interface Series<T> {
  key: keyof T & string;
  label: string;
  color: string;
}

/** The chart's figures as a table, inside a disclosure everyone can open and screen readers read. */
function DataTable<T extends object>({ caption, rows, columns, testId }: { caption: string; rows: T[]; columns: { label: string; value: (row: T) => ReactNode }[]; testId: string }) {
  return (
    <details data-testid={`${testId}-table`}>
      <summary>
        <Text size="small" color="color.text.subtle">
          Show the figures as a table
        </Text>
      </summary>
      <table className="pmo-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.label} scope="col">
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={index}>
              {columns.map((column) => (
                <td key={column.label}>{column.value(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

const valueText = (value: number | null | undefined, kind: FigureKind, currency: string | null) => (value === null || value === undefined ? '—' : formatNumber(value, kind, currency));

/** Lines over days: PV, EV and AC, or SPI and CPI. Reconstructed points are marked in the table. */
export function TrendChart({
  title,
  points,
  series,
  kind,
  currency = null,
  reference,
  testId,
}: {
  title: string;
  points: TrendPoint[];
  series: Series<TrendPoint>[];
  kind: FigureKind;
  currency?: string | null;
  reference?: number;
  testId: string;
}) {
  if (points.length === 0) return <Text color="color.text.subtle">No history yet.</Text>;
  return (
    <Stack space="space.100" testId={testId}>
      <Box role="img" aria-label={`${title}: ${points.length} points from ${formatDay(points[0].day)} to ${formatDay(points[points.length - 1].day)}. The figures are in the table below.`}>
        <ResponsiveContainer width="100%" height={220}>
          <LineChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
            <CartesianGrid stroke={GRID} strokeDasharray="3 3" />
            <XAxis dataKey="day" {...AXIS} tickFormatter={(day: string) => formatDay(day).slice(0, -5)} />
            <YAxis {...AXIS} tickFormatter={(value: number) => formatNumber(value, kind, currency)} width={72} />
            <Tooltip contentStyle={TOOLTIP_STYLE} labelFormatter={(day) => formatDay(String(day))} formatter={(value) => (typeof value === 'number' ? formatNumber(value, kind, currency) : String(value))} />
            <Legend wrapperStyle={{ color: token('color.text') }} />
            {reference !== undefined ? <ReferenceLine y={reference} stroke={token('color.border.bold')} strokeDasharray="4 4" /> : null}
            {series.map((line) => (
              <Line key={line.key} type="monotone" dataKey={line.key} name={line.label} stroke={line.color} dot={false} strokeWidth={2} connectNulls isAnimationActive={false} />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </Box>
      <DataTable
        caption={title}
        rows={points}
        testId={testId}
        columns={[
          { label: 'Day', value: (point) => `${formatDay(point.day)}${point.reconstructed ? ' (reconstructed)' : ''}` },
          ...series.map((line) => ({ label: line.label, value: (point: TrendPoint) => valueText(point[line.key] as number | null, kind, currency) })),
        ]}
      />
    </Stack>
  );
}

/** How the forecast's trials spread over the weeks they finish in, with P50, P85 and the target marked. */
export function ForecastHistogram({ forecast, target, testId }: { forecast: ForecastFinish; target: string | null; testId: string }) {
  if (forecast.outcomes.length === 0) return null;
  const data = forecast.outcomes.map((outcome) => ({ ...outcome, share: outcome.trials / forecast.trials }));
  return (
    <Stack space="space.100" testId={testId}>
      <Box role="img" aria-label={`How ${formatNumber(forecast.trials, 'count')} trials finish: from ${formatDay(data[0].finishBy)} to ${formatDay(data[data.length - 1].finishBy)}. The figures are in the table below.`}>
        <ResponsiveContainer width="100%" height={200}>
          <BarChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
            <CartesianGrid stroke={GRID} strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="finishBy" {...AXIS} tickFormatter={(day: string) => formatDay(day).slice(0, -5)} />
            <YAxis {...AXIS} tickFormatter={(value: number) => formatNumber(value, 'percent')} width={56} dataKey="share" />
            <Tooltip contentStyle={TOOLTIP_STYLE} labelFormatter={(day) => `Finished by ${formatDay(String(day))}`} formatter={(value) => (typeof value === 'number' ? formatNumber(value, 'percent') : String(value))} />
            <Bar dataKey="share" name="Share of trials" fill={token('color.chart.blue.bold')} isAnimationActive={false} />
            {forecast.p50 ? <ReferenceLine x={forecast.p50} stroke={token('color.chart.gray.bolder')} label={{ value: 'P50', fill: token('color.text.subtle'), position: 'top' }} /> : null}
            {forecast.p85 ? <ReferenceLine x={forecast.p85} stroke={token('color.chart.gray.boldest')} label={{ value: 'P85', fill: token('color.text.subtle'), position: 'top' }} /> : null}
            {target && data.some((entry) => entry.finishBy >= target) ? <ReferenceLine x={data.find((entry) => entry.finishBy >= target)!.finishBy} stroke={token('color.chart.danger')} strokeDasharray="4 4" label={{ value: 'Target', fill: token('color.text.danger'), position: 'insideTopRight' }} /> : null}
          </BarChart>
        </ResponsiveContainer>
      </Box>
      <DataTable
        caption="Trials by the week they finish"
        rows={data}
        testId={testId}
        columns={[
          { label: 'Finished by', value: (entry) => formatDay(entry.finishBy) },
          { label: 'Trials', value: (entry) => formatNumber(entry.trials, 'count') },
          { label: 'Share', value: (entry) => formatNumber(entry.share, 'percent') },
        ]}
      />
    </Stack>
  );
}

/** Items finished each week. */
export function ThroughputChart({ weeks, testId }: { weeks: { weekStart: string; done: number }[]; testId: string }) {
  if (weeks.length === 0) return null;
  return (
    <Stack space="space.100" testId={testId}>
      <Box role="img" aria-label={`Weekly throughput, ${weeks.length} weeks. The figures are in the table below.`}>
        <ResponsiveContainer width="100%" height={180}>
          <BarChart data={weeks} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
            <CartesianGrid stroke={GRID} strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="weekStart" {...AXIS} tickFormatter={(day: string) => formatDay(day).slice(0, -5)} />
            <YAxis {...AXIS} allowDecimals={false} width={40} />
            <Tooltip contentStyle={TOOLTIP_STYLE} labelFormatter={(day) => `Week of ${formatDay(String(day))}`} />
            <Bar dataKey="done" name="Items done" fill={token('color.chart.green.bold')} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </Box>
      <DataTable
        caption="Items done each week"
        rows={weeks}
        testId={testId}
        columns={[
          { label: 'Week of', value: (week) => formatDay(week.weekStart) },
          { label: 'Items done', value: (week) => formatNumber(week.done, 'count') },
        ]}
      />
    </Stack>
  );
}
