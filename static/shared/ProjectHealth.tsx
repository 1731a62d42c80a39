/**
 * The project health view: why a project is in the state it is, since when, and what changed since last
 * week. Shown on the project page and as the portfolio page's drill-down; it reads `project/health`, one
 * call, and every figure comes from what the sync stored.
 */
import { router } from '@forge/bridge';
import Button from '@atlaskit/button/default/button';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import Spinner from '@atlaskit/spinner';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import { token } from '@atlaskit/tokens';
import type { BudgetVariance, ComplianceViolation, HeadlineFigures, ItemRef, LastWeek, MilestoneForecast, MilestoneStatus, ProjectHealthView, ProjectMetrics, WorkloadRow } from '@pmo/contract';
import { ForecastHistogram, ThroughputChart, TrendChart } from './charts';
import type { DefinedFigure } from './definitions';
import { formatAgo, formatChange, formatDateTime, formatDay, formatNumber, type FigureKind } from './format';
import { Defined, Failure, FigureValue, HealthLozenge, healthReason, Notice, Section, SimpleTable } from './ui';
import { shownData, useResolver } from './useResolver';


/** Opens the item in Jira (the local issue view on the local site). */
function ItemLink({ itemKey, items }: { itemKey: string; items: Record<string, ItemRef> }) {
  const item = items[itemKey];
  return (
    <Inline space="space.075" alignBlock="center">
      <Button appearance="subtle" spacing="compact" onClick={() => void router.open({ target: 'issue', issueKey: itemKey })} testId={`open-${itemKey}`}>
        {itemKey}
      </Button>
      {item ? <Text>{item.summary}</Text> : null}
    </Inline>
  );
}

function ItemList({ title, keys, items, testId, empty }: { title: string; keys: string[]; items: Record<string, ItemRef>; testId: string; empty: string }) {
  const shown = keys.filter((key) => items[key]);
  return (
    <Stack space="space.050" testId={testId}>
      <Text weight="medium">
        {title} ({formatNumber(keys.length, 'count')})
      </Text>
      {keys.length === 0 ? (
        <Text color="color.text.subtle">{empty}</Text>
      ) : (
        <ul style={{ margin: 0, paddingLeft: token('space.200') }}>
          {shown.map((key) => (
            <li key={key}>
              <ItemLink itemKey={key} items={items} />
            </li>
          ))}
          {keys.length > shown.length ? <li>…and {formatNumber(keys.length - shown.length, 'count')} more</li> : null}
        </ul>
      )}
    </Stack>
  );
}

const EV_ROWS: { figure: DefinedFigure; label: string; pick: (metrics: ProjectMetrics) => ProjectMetrics['earnedValue']['bac']; kind: FigureKind }[] = [
  { figure: 'bac', label: 'BAC', pick: (m) => m.earnedValue.bac, kind: 'money' },
  { figure: 'pv', label: 'PV', pick: (m) => m.earnedValue.pv, kind: 'money' },
  { figure: 'ev', label: 'EV', pick: (m) => m.earnedValue.ev, kind: 'money' },
  { figure: 'ac', label: 'AC', pick: (m) => m.earnedValue.ac, kind: 'money' },
  { figure: 'sv', label: 'SV', pick: (m) => m.earnedValue.sv, kind: 'money' },
  { figure: 'cv', label: 'CV', pick: (m) => m.earnedValue.cv, kind: 'money' },
  { figure: 'spi', label: 'SPI', pick: (m) => m.earnedValue.spi, kind: 'index' },
  { figure: 'cpi', label: 'CPI', pick: (m) => m.earnedValue.cpi, kind: 'index' },
  { figure: 'eac', label: 'EAC by CPI', pick: (m) => m.earnedValue.eac.byCpi, kind: 'money' },
  { figure: 'eacByCpiAndSpi', label: 'EAC by CPI and SPI', pick: (m) => m.earnedValue.eac.byCpiAndSpi, kind: 'money' },
  { figure: 'eacAtPlannedRate', label: 'EAC at planned rate', pick: (m) => m.earnedValue.eac.atPlannedRate, kind: 'money' },
  { figure: 'etc', label: 'ETC', pick: (m) => m.earnedValue.etc, kind: 'money' },
  { figure: 'vac', label: 'VAC', pick: (m) => m.earnedValue.vac, kind: 'money' },
  { figure: 'tcpiToBac', label: 'TCPI to BAC', pick: (m) => m.earnedValue.tcpiToBac, kind: 'index' },
  { figure: 'tcpiToEac', label: 'TCPI to EAC', pick: (m) => m.earnedValue.tcpiToEac, kind: 'index' },
];

function EarnedValue({ view, metrics }: { view: ProjectHealthView; metrics: ProjectMetrics }) {
  const { currency } = view;
  return (
    <Section title="Earned value" testId="earned-value">
      <SimpleTable
        caption="Earned value figures"
        testId="ev-table"
        rowKey={(row) => row.figure}
        rows={EV_ROWS}
        columns={[
          { key: 'figure', label: 'Figure', value: (row) => <Defined figure={row.figure}>{row.label}</Defined> },
          { key: 'value', label: 'Value', numeric: true, value: (row) => <FigureValue figure={row.pick(metrics)} kind={row.kind} currency={currency} testId={`ev-${row.figure}`} /> },
        ]}
      />
      {metrics.earnedValue.dataProblems.length > 0 ? (
        <Notice appearance="warning" title="Budget data that does not add up" testId="data-problems">
          <ul>
            {metrics.earnedValue.dataProblems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </Notice>
      ) : null}
      <TrendChart
        title="PV, EV and AC over time"
        testId="trend-money"
        points={view.trend}
        kind="money"
        currency={currency}
        series={[
          { key: 'pv', label: 'PV', color: token('color.chart.gray.bolder') },
          { key: 'ev', label: 'EV', color: token('color.chart.blue.bold') },
          { key: 'ac', label: 'AC', color: token('color.chart.orange.bold') },
        ]}
      />
      <TrendChart
        title="SPI and CPI over time"
        testId="trend-indices"
        points={view.trend}
        kind="index"
        reference={1}
        series={[
          { key: 'spi', label: 'SPI', color: token('color.chart.teal.bold') },
          { key: 'cpi', label: 'CPI', color: token('color.chart.purple.bold') },
        ]}
      />
      {view.trend.some((point) => point.reconstructed) ? (
        <Text size="small" color="color.text.subtle">
          Points before the daily history began are reconstructed from Jira’s histories of statuses and due dates; budgets and estimates enter them at their current values.
        </Text>
      ) : null}
    </Section>
  );
}

const HEADLINES: { label: string; figure: DefinedFigure; pick: (figures: HeadlineFigures) => number | null; kind: FigureKind }[] = [
  { label: 'Progress', figure: 'progress', pick: (f) => f.progress, kind: 'percent' },
  { label: 'SPI', figure: 'spi', pick: (f) => f.spi, kind: 'index' },
  { label: 'CPI', figure: 'cpi', pick: (f) => f.cpi, kind: 'index' },
  { label: 'BAC', figure: 'bac', pick: (f) => f.bac, kind: 'money' },
  { label: 'PV', figure: 'pv', pick: (f) => f.pv, kind: 'money' },
  { label: 'EV', figure: 'ev', pick: (f) => f.ev, kind: 'money' },
  { label: 'AC', figure: 'ac', pick: (f) => f.ac, kind: 'money' },
  { label: 'EAC', figure: 'eac', pick: (f) => f.eac, kind: 'money' },
  { label: 'Overdue items', figure: 'overdue', pick: (f) => f.overdueCount, kind: 'count' },
  { label: 'WIP', figure: 'wip', pick: (f) => f.wip, kind: 'count' },
];

function headlineOf(metrics: ProjectMetrics): HeadlineFigures {
  const ev = metrics.earnedValue;
  return {
    rag: metrics.health.rag,
    criteria: metrics.health.criteria,
    progress: metrics.progress.progress.value,
    bac: ev.bac.value,
    pv: ev.pv.value,
    ev: ev.ev.value,
    ac: ev.ac.value,
    spi: ev.spi.value,
    cpi: ev.cpi.value,
    eac: ev.eac.byCpi.value,
    overdueCount: metrics.schedule.overdueCount,
    wip: metrics.flow.wip,
    forecastP85: metrics.schedule.forecast?.p85 ?? null,
    compliance: metrics.compliance?.score.value ?? null,
  };
}

function SinceLastWeek({ lastWeek, metrics, currency }: { lastWeek: LastWeek | null; metrics: ProjectMetrics; currency: string | null }) {
  if (!lastWeek) return null;
  const now = headlineOf(metrics);
  const then = lastWeek.figures;
  const added = now.criteria.filter((criterion) => !then.criteria.includes(criterion));
  const gone = then.criteria.filter((criterion) => !now.criteria.includes(criterion));
  const show = (value: number | null, kind: FigureKind) => (value === null ? '—' : formatNumber(value, kind, currency));
  return (
    <Section title={`Since last week (${formatDay(lastWeek.day)})`} testId="since-last-week">
      <Inline space="space.100" alignBlock="center" testId="health-change">
        <Text>Health</Text>
        <HealthLozenge health={then.rag} />
        <Text>→</Text>
        <HealthLozenge health={now.rag} />
        {then.rag === now.rag ? <Text color="color.text.subtle">unchanged</Text> : null}
      </Inline>
      {added.length + gone.length > 0 ? (
        <ul data-testid="criteria-changes" style={{ margin: 0, paddingLeft: token('space.200') }}>
          {added.map((criterion) => (
            <li key={`+${criterion}`}>New: {criterion}</li>
          ))}
          {gone.map((criterion) => (
            <li key={`-${criterion}`}>No longer: {criterion}</li>
          ))}
        </ul>
      ) : null}
      <SimpleTable
        caption="Headline figures now and a week ago"
        testId="headline-changes"
        rowKey={(row) => row.label}
        rows={HEADLINES}
        columns={[
          { key: 'figure', label: 'Figure', value: (row) => <Defined figure={row.figure}>{row.label}</Defined> },
          { key: 'then', label: 'A week ago', numeric: true, value: (row) => show(row.pick(then), row.kind) },
          { key: 'now', label: 'Now', numeric: true, value: (row) => show(row.pick(now), row.kind) },
          { key: 'change', label: 'Change', numeric: true, value: (row) => formatChange(row.pick(now), row.pick(then), row.kind, currency) ?? '—' },
        ]}
      />
      {lastWeek.reconstructed ? (
        <Text size="small" color="color.text.subtle">
          A week ago is reconstructed from Jira’s histories: the daily history does not reach back that far yet.
        </Text>
      ) : null}
    </Section>
  );
}

const MILESTONE_APPEARANCE: Record<MilestoneStatus, 'success' | 'removed' | 'moved' | 'default' | 'inprogress'> = {
  released: 'success',
  'on track': 'inprogress',
  'at risk': 'moved',
  overdue: 'removed',
  'no date': 'default',
};

function Forecast({ view, metrics }: { view: ProjectHealthView; metrics: ProjectMetrics }) {
  const { forecast, target } = metrics.schedule;
  const late = forecast?.p85 && target ? forecast.p85 > target.day : null;
  return (
    <Section title="Forecast" testId="forecast">
      <Text testId="forecast-target">
        <Defined figure="target">
          <Text weight="medium">Target</Text>
        </Defined>{' '}
        {target ? `${formatDay(target.day)} (${target.source})` : 'none: no baseline, release or due date'}
      </Text>
      {forecast === null || forecast.p85 === null ? (
        <Text testId="forecast-reason">No forecast: {forecast?.reason ?? 'it has not been computed yet'}.</Text>
      ) : (
        <Stack space="space.100">
          <Inline space="space.300" shouldWrap>
            <Text testId="forecast-p50">
              <Text weight="medium">P50</Text> {formatDay(forecast.p50!)}
            </Text>
            <Text testId="forecast-p85">
              <Defined figure="forecastP85">
                <Text weight="medium">P85</Text>
              </Defined>{' '}
              {formatDay(forecast.p85)}
            </Text>
            {late !== null ? <Lozenge appearance={late ? 'removed' : 'success'}>{late ? 'P85 after the target' : 'P85 by the target'}</Lozenge> : null}
          </Inline>
          <Text size="small" color="color.text.subtle">
            {formatNumber(forecast.remainingItems, 'count')} items left; {formatNumber(forecast.trials, 'count')} trials replaying the last {forecast.historyWeeks} weeks’ throughput.
          </Text>
          <ForecastHistogram forecast={forecast} target={target?.day ?? null} testId="forecast-histogram" />
        </Stack>
      )}
      <Heading size="xsmall" as="h3">
        Milestones
      </Heading>
      <SimpleTable<MilestoneForecast>
        caption="Milestones (versions)"
        testId="milestones"
        rowKey={(row) => row.id}
        rows={view.milestones}
        empty="The project has no versions."
        columns={[
          { key: 'name', label: 'Version', value: (row) => row.name },
          { key: 'date', label: 'Release date', value: (row) => (row.releaseDate ? formatDay(row.releaseDate) : '—') },
          { key: 'status', label: 'Status', value: (row) => <Lozenge appearance={MILESTONE_APPEARANCE[row.status]}>{row.status}</Lozenge> },
          { key: 'open', label: 'Items left', numeric: true, value: (row) => formatNumber(row.openItems, 'count') },
          { key: 'forecast', label: 'Forecast P85', value: (row) => (row.forecast?.p85 ? formatDay(row.forecast.p85) : row.forecast ? row.forecast.reason : '—') },
        ]}
      />
    </Section>
  );
}

function Flow({ metrics }: { metrics: ProjectMetrics }) {
  const { flow } = metrics;
  const percentileRow = (label: string, figure: DefinedFigure, pair: ProjectMetrics['flow']['cycleTimeDays']) => ({ label, figure, pair });
  return (
    <Section title="Flow" testId="flow">
      <Inline space="space.300" shouldWrap>
        <Text>
          <Defined figure="wip">
            <Text weight="medium">WIP</Text>
          </Defined>{' '}
          {formatNumber(flow.wip, 'count')}
        </Text>
      </Inline>
      <SimpleTable
        caption="Cycle and lead time"
        testId="flow-times"
        rowKey={(row) => row.label}
        rows={[percentileRow('Cycle time', 'cycleTime', flow.cycleTimeDays), percentileRow('Lead time', 'leadTime', flow.leadTimeDays)]}
        columns={[
          { key: 'what', label: '', value: (row) => <Defined figure={row.figure}>{row.label}</Defined> },
          { key: 'p50', label: 'P50', numeric: true, value: (row) => <FigureValue figure={row.pair.p50} kind="days" /> },
          { key: 'p85', label: 'P85', numeric: true, value: (row) => <FigureValue figure={row.pair.p85} kind="days" /> },
        ]}
      />
      <Defined figure="throughput">
        <Text weight="medium">Weekly throughput</Text>
      </Defined>
      <ThroughputChart weeks={flow.weeklyThroughput} testId="throughput" />
    </Section>
  );
}

function Risks({ view, metrics }: { view: ProjectHealthView; metrics: ProjectMetrics }) {
  const { risk, flow } = metrics;
  return (
    <Section title="Risks" testId="risks">
      <ItemList title="Blocked" keys={risk.blocked} items={view.items} testId="risk-blocked" empty="Nothing is blocked." />
      <ItemList title="Flagged" keys={risk.flagged} items={view.items} testId="risk-flagged" empty="Nothing is flagged." />
      <ItemList title="Overdue, high priority" keys={risk.overdueHighPriority} items={view.items} testId="risk-overdue-high" empty="No high-priority item is overdue." />
      <ItemList title="Ageing work (in progress longer than the P85 cycle time)" keys={flow.agingWip.map((entry) => entry.key)} items={view.items} testId="risk-aging" empty="No item has been in progress unusually long." />
      <ItemList title="In progress, unassigned" keys={risk.unassignedInProgress} items={view.items} testId="risk-unassigned" empty="Every item in progress has an assignee." />
    </Section>
  );
}

/** A violation: the item (opens it in Jira), what is wrong with it. */
function ViolationLine({ violation }: { violation: ComplianceViolation }) {
  return (
    <Inline space="space.075" alignBlock="center" shouldWrap>
      <Button appearance="subtle" spacing="compact" onClick={() => void router.open({ target: 'issue', issueKey: violation.key })} testId={`violation-${violation.ruleId}-${violation.key}`}>
        {violation.key}
      </Button>
      <Text>{violation.summary}</Text>
      <Text color="color.text.subtle">{violation.problem}</Text>
    </Inline>
  );
}

const VIOLATIONS_PER_RULE = 50;

function Compliance({ view, metrics }: { view: ProjectHealthView; metrics: ProjectMetrics }) {
  const { compliance } = metrics;
  if (compliance === null) {
    return (
      <Section title="Process compliance" testId="compliance">
        <Text color="color.text.subtle">No compliance rules run for this project.</Text>
      </Section>
    );
  }
  const changes = view.complianceChanges;
  return (
    <Section title="Process compliance" testId="compliance">
      <Text testId="compliance-score">
        <Defined figure="compliance">Score</Defined>: <FigureValue figure={compliance.score} kind="percent" /> ({formatNumber(compliance.passedChecks, 'count')} of{' '}
        {formatNumber(compliance.applicableChecks, 'count')} checks passed)
      </Text>
      <TrendChart title="Compliance over time" testId="trend-compliance" points={view.trend} kind="percent" series={[{ key: 'compliance', label: 'Compliance', color: token('color.chart.green.bold') }]} />
      {changes ? (
        <Stack space="space.050" testId="compliance-changes">
          <Text weight="medium">
            Since {formatDay(changes.since)}: {formatNumber(changes.newlyBroken.length, 'count')} newly broken, {formatNumber(changes.newlyFixed.length, 'count')} newly fixed
          </Text>
          <Stack space="space.025" testId="compliance-newly-broken">
            {changes.newlyBroken.slice(0, VIOLATIONS_PER_RULE).map((violation) => (
              <ViolationLine key={`${violation.ruleId}-${violation.key}`} violation={violation} />
            ))}
          </Stack>
          <Stack space="space.025" testId="compliance-newly-fixed">
            {changes.newlyFixed.slice(0, VIOLATIONS_PER_RULE).map((violation) => (
              <Inline key={`${violation.ruleId}-${violation.key}`} space="space.075">
                <Lozenge appearance="success">fixed</Lozenge>
                <ViolationLine violation={violation} />
              </Inline>
            ))}
          </Stack>
        </Stack>
      ) : null}
      {compliance.byRule.map((rule) => {
        const violations = compliance.violations.filter((violation) => violation.ruleId === rule.ruleId);
        return (
          <Stack key={rule.ruleId} space="space.050" testId={`compliance-rule-${rule.ruleId}`}>
            <Inline space="space.075" alignBlock="center" shouldWrap>
              <Text weight="medium">{rule.title}</Text>
              <Lozenge appearance={rule.severity === 'high' ? 'removed' : rule.severity === 'medium' ? 'moved' : 'default'}>{rule.severity}</Lozenge>
              {rule.enforcedAtGate ? <Lozenge appearance="inprogress">enforced on transitions</Lozenge> : null}
              <Text color="color.text.subtle">
                {formatNumber(rule.passed, 'count')} of {formatNumber(rule.applicable, 'count')} pass
              </Text>
            </Inline>
            {violations.length > 0 ? (
              <>
                <Text size="small" color="color.text.subtle">
                  How to fix: {rule.howToFix}
                </Text>
                <ul style={{ margin: 0, paddingLeft: token('space.200') }}>
                  {violations.slice(0, VIOLATIONS_PER_RULE).map((violation) => (
                    <li key={violation.key}>
                      <ViolationLine violation={violation} />
                    </li>
                  ))}
                  {violations.length > VIOLATIONS_PER_RULE ? <li>…and {formatNumber(violations.length - VIOLATIONS_PER_RULE, 'count')} more</li> : null}
                </ul>
              </>
            ) : null}
          </Stack>
        );
      })}
    </Section>
  );
}

function Budget({ view, metrics }: { view: ProjectHealthView; metrics: ProjectMetrics }) {
  const { currency } = view;
  // Over budget first, the most over first; then the rest by key.
  const rows = [...metrics.budget].sort(
    (a, b) => (a.rolledUp.variance.value ?? 0) - (b.rolledUp.variance.value ?? 0) || (a.key < b.key ? -1 : 1),
  );
  const money = (value: number | null) => (value === null ? '—' : formatNumber(value, 'money', currency));
  return (
    <Section title="Budget variance by work package" testId="budget">
      <SimpleTable<BudgetVariance>
        caption="Budget variance of each work package, rolled up over its breakdown"
        testId="budget-table"
        rowKey={(row) => row.key}
        rows={rows}
        empty="No item carries a Planned budget yet: set budgets on the work packages to see their variance."
        columns={[
          { key: 'package', label: 'Work package', value: (row) => <ItemLink itemKey={row.key} items={view.items} /> },
          { key: 'planned', label: 'Planned', numeric: true, value: (row) => money(row.rolledUp.planned) },
          { key: 'actual', label: 'Actual', numeric: true, value: (row) => money(row.rolledUp.actual) },
          { key: 'variance', label: 'Variance', numeric: true, value: (row) => <FigureValue figure={row.rolledUp.variance} kind="money" currency={currency} /> },
          { key: 'percent', label: 'Variance %', numeric: true, value: (row) => <FigureValue figure={row.rolledUp.variancePercent} kind="percent" /> },
          {
            key: 'state',
            label: '',
            value: (row) => ((row.rolledUp.variance.value ?? 0) < 0 ? <Lozenge appearance="removed">over budget</Lozenge> : null),
          },
        ]}
      />
    </Section>
  );
}

function Workload({ view }: { view: ProjectHealthView }) {
  return (
    <Section title="Workload of the project’s people" testId="workload">
      <Text size="small" color="color.text.subtle">
        Open remaining estimates across every project you may browse, against {view.workloadWeeks} weeks of capacity.
      </Text>
      <SimpleTable<WorkloadRow>
        caption="Workload of the project's people"
        testId="workload-table"
        rowKey={(row) => row.accountId}
        rows={view.workload}
        empty="No one has open work assigned in this project."
        columns={[
          { key: 'person', label: 'Person', value: (row) => row.person.displayName },
          { key: 'open', label: 'Open work', numeric: true, value: (row) => formatNumber(row.openRemainingHours, 'hours') },
          { key: 'capacity', label: 'Capacity', numeric: true, value: (row) => formatNumber(row.capacityHours, 'hours') },
          { key: 'load', label: <Defined figure="load">Load</Defined>, numeric: true, value: (row) => <FigureValue figure={row.load} kind="percent" /> },
          { key: 'projects', label: 'Projects', value: (row) => row.projects.join(', ') },
          { key: 'state', label: '', value: (row) => (row.overAllocated ? <Lozenge appearance="removed">over-allocated</Lozenge> : null) },
        ]}
      />
    </Section>
  );
}

function Activity({ view }: { view: ProjectHealthView }) {
  const activity = view.activity;
  if (!activity) return null;
  return (
    <Section title={`Activity from ${formatDay(activity.fromDay)} to ${formatDay(activity.toDay)}`} testId="activity">
      <SimpleTable
        caption="What happened each day"
        testId="activity-days"
        rowKey={(row) => row.day}
        rows={activity.byDay}
        columns={[
          { key: 'day', label: 'Day', value: (row) => formatDay(row.day) },
          { key: 'created', label: 'Created', numeric: true, value: (row) => formatNumber(row.created, 'count') },
          { key: 'resolved', label: 'Resolved', numeric: true, value: (row) => formatNumber(row.resolved, 'count') },
          { key: 'moves', label: 'Status moves', numeric: true, value: (row) => formatNumber(row.statusMoves, 'count') },
          { key: 'due', label: 'Due-date changes', numeric: true, value: (row) => formatNumber(row.dueDateChanges, 'count') },
        ]}
      />
      <Text weight="medium">
        Latest {activity.latest.length} of {formatNumber(activity.totalEvents, 'count')} changes
      </Text>
      <ul data-testid="activity-latest" style={{ margin: 0, paddingLeft: token('space.200') }}>
        {activity.latest.map((event, index) => (
          <li key={`${event.at}-${event.key}-${index}`}>
            <Text color="color.text.subtle">{formatDateTime(event.at)}</Text> <ItemLink itemKey={event.key} items={{ [event.key]: { key: event.key, summary: event.summary, issueType: '', statusCategory: 'new', priority: '', assignee: null, dueDate: null } }} />{' '}
            <Text>{event.detail}</Text>
          </li>
        ))}
      </ul>
    </Section>
  );
}

/** The view of one answer: header, why, since last week, then the sections. */
export function ProjectHealthContent({ view }: { view: ProjectHealthView }) {
  const { project, status, metrics } = view;
  return (
    <Stack space="space.200" testId="project-health">
      <Stack space="space.100">
        <Inline space="space.150" alignBlock="center" shouldWrap>
          <Heading size="large" as="h1">
            {project.name} ({project.key})
          </Heading>
          {metrics ? <HealthLozenge health={metrics.health.rag} testId="project-health-lozenge" /> : <Lozenge>Not synced yet</Lozenge>}
        </Inline>
        {metrics ? (
          <Text testId="health-reason">
            <Text weight="medium">Why: </Text>
            {healthReason(metrics.health)}
          </Text>
        ) : null}
        <Text color="color.text.subtle" size="small" testId="figures-as-of">
          {project.portfolio ? `${project.portfolio.name} · ` : ''}
          {project.lead ? `Lead: ${project.lead.displayName} · ` : ''}
          {status.computedAt ? `Figures computed ${formatDateTime(status.computedAt)} (${formatAgo(status.computedAt, new Date())})` : 'No figures yet'}
        </Text>
        {status.stale ? (
          <Notice appearance="warning" title="These figures are stale" testId="project-stale">
            <Text as="p">
              Since {formatDateTime(status.stale.since)} the sync of this project has failed: {status.stale.reason}. The figures shown are the last good ones.
            </Text>
          </Notice>
        ) : null}
      </Stack>
      {metrics === null ? (
        <Notice appearance="information" title="Not synced yet" testId="project-not-synced">
          <Text as="p">This project’s first sync has not finished. Its figures appear as soon as it has.</Text>
        </Notice>
      ) : (
        <>
          <SinceLastWeek lastWeek={view.lastWeek} metrics={metrics} currency={view.currency} />
          <EarnedValue view={view} metrics={metrics} />
          <Forecast view={view} metrics={metrics} />
          <Risks view={view} metrics={metrics} />
          <Compliance view={view} metrics={metrics} />
          <Budget view={view} metrics={metrics} />
          <Flow metrics={metrics} />
          <Workload view={view} />
          <Activity view={view} />
        </>
      )}
    </Stack>
  );
}

/** Loads and shows one project's health view. */
export function ProjectHealth({ projectKey }: { projectKey: string }) {
  const call = useResolver('project/health', { projectKey });
  const view = shownData(call.state);
  if (call.state.status === 'failed' && !view) {
    return <Failure error={call.state.error} onRetry={() => void call.reload()} testId="project-health-error" />;
  }
  if (!view) {
    return (
      <Inline space="space.100" alignBlock="center" testId="project-health-loading">
        <Spinner size="medium" label="Loading" />
        <Text>Loading the project’s figures…</Text>
      </Inline>
    );
  }
  return (
    <Stack space="space.100">
      {call.state.status === 'failed' ? <Failure error={call.state.error} onRetry={() => void call.reload()} testId="project-health-error" /> : null}
      <ProjectHealthContent view={view} />
    </Stack>
  );
}

