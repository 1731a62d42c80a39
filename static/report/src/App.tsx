/**
 * The PMO status report in a Confluence page: live or a frozen record, the meeting's agenda first, then the
 * sections the macro's config chose. Freezing keeps today's status (or a past day's) as a record under
 * this macro; earlier records stay and can be picked.
 */
import { useState } from 'react';
import { router } from '@forge/bridge';
import Button from '@atlaskit/button/default/button';
import Heading from '@atlaskit/heading';
import Lozenge from '@atlaskit/lozenge';
import Spinner from '@atlaskit/spinner';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import { token } from '@atlaskit/tokens';
import type { PortfolioMetrics, ReportProjectPart, StatusReport, StatusReportView } from '@pmo/contract';
import { callResolver } from '../../shared/api';
import { TrendChart } from '../../shared/charts';
import { formatDateTime, formatDay, formatMoney, formatNumber } from '../../shared/format';
import { Failure, FigureValue, HealthLozenge, healthReason, Notice, Section, SimpleTable } from '../../shared/ui';
import { asCallError, shownData, useResolver } from '../../shared/useResolver';
import type { ResolverCallError } from '../../shared/api';

const isShown = (part: StatusReport['projects'][number]): part is ReportProjectPart => !('hidden' in part);


function openItem(issueKey: string) {
  void router.open({ target: 'issue', issueKey });
}

/** One project's compliance: the score as of the report's day with its checks, the trend, violations by rule with their items, this week's changes. */
function ProjectCompliance({ part }: { part: ReportProjectPart }) {
  const key = part.project.key;
  const compliance = part.metrics.compliance;
  if (compliance === null) {
    return (
      <Stack space="space.050" testId={`report-compliance-${key}`}>
        <Text weight="medium">{key}: no compliance rules are enabled for this project.</Text>
      </Stack>
    );
  }
  const trend = part.trend.filter((point) => point.compliance !== null).slice(-8);
  const broken = compliance.byRule.filter((rule) => rule.applicable > rule.passed);
  const changes = part.complianceChanges ?? null;
  return (
    <Stack space="space.050" testId={`report-compliance-${key}`}>
      <Inline space="space.100" alignBlock="center">
        <Text weight="medium">{key}: score</Text>
        <FigureValue figure={compliance.score} kind="percent" testId={`report-compliance-${key}-score`} />
        <Text color="color.text.subtle">
          ({compliance.passedChecks} of {compliance.applicableChecks} checks passed, weighted by severity)
        </Text>
      </Inline>
      {trend.length > 0 ? (
        <Text color="color.text.subtle">
          Trend: {trend.map((point) => `${formatDay(point.day)} ${formatNumber(point.compliance!, 'percent')}${point.reconstructed ? ' (reconstructed)' : ''}`).join(', ')}
        </Text>
      ) : null}
      {broken.length === 0 ? (
        <Text>Every item follows every rule in force.</Text>
      ) : (
        <ul data-testid={`report-compliance-${key}-rules`}>
          {broken.map((rule) => {
            const keys = compliance.violations.filter((violation) => violation.ruleId === rule.ruleId).map((violation) => violation.key);
            return (
              <li key={rule.ruleId} data-rule={rule.ruleId}>
                <Lozenge>{rule.severity}</Lozenge> <Text weight="semibold">{rule.title}</Text>{' '}
                <Text>
                  {keys.length} of {rule.applicable}. {rule.howToFix}
                </Text>{' '}
                {keys.slice(0, 10).map((issueKey) => (
                  <Button key={issueKey} appearance="subtle" spacing="compact" onClick={() => openItem(issueKey)}>
                    {issueKey}
                  </Button>
                ))}
                {keys.length > 10 ? <Text> and {keys.length - 10} more</Text> : null}
              </li>
            );
          })}
        </ul>
      )}
      {changes ? (
        <Text testId={`report-compliance-${key}-changes`}>
          Since {formatDay(changes.since)}: {changes.newlyBroken.length} newly broken
          {changes.newlyBroken.length > 0 ? ` (${changes.newlyBroken.slice(0, 5).map((violation) => `${violation.key} ${violation.problem}`).join('; ')})` : ''}, {changes.newlyFixed.length} fixed
          {changes.newlyFixed.length > 0 ? ` (${changes.newlyFixed.slice(0, 5).map((violation) => violation.key).join(', ')})` : ''}.
        </Text>
      ) : null}
    </Stack>
  );
}

function Report({ report }: { report: StatusReport }) {
  const shown = report.projects.filter(isShown);
  const { currency } = report;
  const wants = (section: StatusReport['config']['sections'][number]) => report.config.sections.includes(section);
  return (
    <Stack space="space.200" testId="status-report">
      <Text testId="report-as-of" color="color.text.subtle">
        {report.record ? `Frozen record: the status as of ${formatDay(report.asOfDay)}, frozen ${formatDateTime(report.record.frozenAt)}.` : `Live: the status as of ${formatDay(report.asOfDay)}.`} Figures
        computed {formatDateTime(report.generatedAt)}; data synced from Jira {report.dataSyncedAt ? formatDateTime(report.dataSyncedAt) : 'not yet'}.
      </Text>
      {report.projects
        .filter((part) => !isShown(part))
        .map((part, index) => (
          <Notice key={index} appearance="information" title="Not shown" testId="hidden-project">
            <Text>{'message' in part ? part.message : ''}</Text>
          </Notice>
        ))}

      <Section title={`Meeting agenda: exceptions since ${formatDay(report.agendaSince.day)} (${report.agendaSince.basis})`} testId="agenda">
        {report.agenda.length === 0 ? (
          <Text>No exceptions.</Text>
        ) : (
          <ul style={{ margin: 0, paddingLeft: token('space.200') }} data-testid="agenda-items">
            {report.agenda.map((item, index) => (
              <li key={index} data-kind={item.kind}>
                <Lozenge>{item.kind}</Lozenge> <Text>{item.text}</Text>{' '}
                {item.itemKeys.slice(0, 5).map((key) => (
                  <Button key={key} appearance="subtle" spacing="compact" onClick={() => openItem(key)}>
                    {key}
                  </Button>
                ))}
              </li>
            ))}
          </ul>
        )}
      </Section>

      {wants('summary') ? (
        <Section title="Summary" testId="report-summary">
          <Text testId="report-totals">
            {report.totals.byHealth.red} red, {report.totals.byHealth.amber} amber, {report.totals.byHealth['not set up']} not set up, {report.totals.byHealth.green} green · BAC{' '}
            <FigureValue figure={report.totals.bac} kind="money" currency={currency} /> · SPI <FigureValue figure={report.totals.spi} kind="index" /> · CPI <FigureValue figure={report.totals.cpi} kind="index" />
          </Text>
          {report.portfolios.length > 1 ? (
            <SimpleTable<PortfolioMetrics>
              caption="Each portfolio's totals"
              testId="report-portfolios"
              rowKey={(totals) => totals.name ?? ''}
              rows={report.portfolios}
              empty=""
              columns={[
                { key: 'name', label: 'Portfolio', value: (totals) => totals.name ?? 'No portfolio' },
                { key: 'projects', label: 'Projects', numeric: true, value: (totals) => String(totals.projectKeys.length) },
                { key: 'health', label: 'Health', value: (totals) => `${totals.byHealth.red} red, ${totals.byHealth.amber} amber, ${totals.byHealth['not set up']} not set up, ${totals.byHealth.green} green` },
                { key: 'bac', label: 'BAC', numeric: true, value: (totals) => <FigureValue figure={totals.bac} kind="money" currency={currency} /> },
                { key: 'spi', label: 'SPI', numeric: true, value: (totals) => <FigureValue figure={totals.spi} kind="index" /> },
                { key: 'cpi', label: 'CPI', numeric: true, value: (totals) => <FigureValue figure={totals.cpi} kind="index" /> },
              ]}
            />
          ) : null}
          <SimpleTable<ReportProjectPart>
            caption="Each project's health and why"
            testId="report-projects"
            rowKey={(part) => part.project.key}
            rows={shown}
            empty="No project of this report is synced yet, or you may browse none of them."
            columns={[
              { key: 'project', label: 'Project', value: (part) => `${part.project.key} ${part.project.name}` },
              { key: 'health', label: 'Health', value: (part) => <HealthLozenge health={part.metrics.health.rag} testId={`report-health-${part.project.key}`} /> },
              { key: 'why', label: 'Why', value: (part) => healthReason(part.metrics.health) },
              { key: 'done', label: '% done', numeric: true, value: (part) => (part.project.percentDone === null ? '—' : formatNumber(part.project.percentDone / 100, 'percent')) },
              { key: 'spi', label: 'SPI', numeric: true, value: (part) => <FigureValue figure={part.metrics.earnedValue.spi} kind="index" testId={`report-spi-${part.project.key}`} /> },
              { key: 'cpi', label: 'CPI', numeric: true, value: (part) => <FigureValue figure={part.metrics.earnedValue.cpi} kind="index" /> },
              { key: 'forecast', label: 'Forecast P85', value: (part) => (part.metrics.schedule.forecast?.p85 ? formatDay(part.metrics.schedule.forecast.p85) : (part.metrics.schedule.forecast?.reason ?? '—')) },
            ]}
          />
        </Section>
      ) : null}

      {wants('earnedValue') ? (
        <Section title="Earned value" testId="report-earned-value">
          <SimpleTable<ReportProjectPart>
            caption="Earned value of each project"
            testId="report-ev"
            rowKey={(part) => part.project.key}
            rows={shown}
            columns={[
              { key: 'project', label: 'Project', value: (part) => part.project.key },
              ...(['bac', 'pv', 'ev', 'ac', 'cv'] as const).map((figure) => ({
                key: figure,
                label: figure.toUpperCase(),
                numeric: true,
                value: (part: ReportProjectPart) => <FigureValue figure={part.metrics.earnedValue[figure]} kind="money" currency={currency} />,
              })),
              { key: 'eac', label: 'EAC', numeric: true, value: (part) => <FigureValue figure={part.metrics.earnedValue.eac.byCpi} kind="money" currency={currency} /> },
            ]}
          />
          {shown.map((part) => (
            <TrendChart
              key={part.project.key}
              title={`${part.project.key}: PV, EV and AC over time`}
              testId={`report-trend-${part.project.key}`}
              points={part.trend}
              kind="money"
              currency={currency}
              series={[
                { key: 'pv', label: 'PV', color: token('color.chart.gray.bolder') },
                { key: 'ev', label: 'EV', color: token('color.chart.blue.bold') },
                { key: 'ac', label: 'AC', color: token('color.chart.orange.bold') },
              ]}
            />
          ))}
        </Section>
      ) : null}

      {wants('milestones') ? (
        <Section title="Milestones" testId="report-milestones">
          <SimpleTable
            caption="Milestones of the projects"
            testId="report-milestone-table"
            rowKey={(row) => row.id}
            rows={shown.flatMap((part) => part.milestones.map((milestone) => ({ id: `${part.project.key}-${milestone.id}`, key: part.project.key, milestone })))}
            empty="No versions."
            columns={[
              { key: 'project', label: 'Project', value: (row) => row.key },
              { key: 'name', label: 'Version', value: (row) => row.milestone.name },
              { key: 'date', label: 'Release date', value: (row) => (row.milestone.releaseDate ? formatDay(row.milestone.releaseDate) : '—') },
              { key: 'status', label: 'Status', value: (row) => row.milestone.status },
              { key: 'open', label: 'Items left', numeric: true, value: (row) => formatNumber(row.milestone.openItems, 'count') },
              { key: 'forecast', label: 'Forecast P85', value: (row) => (row.milestone.forecast?.p85 ? formatDay(row.milestone.forecast.p85) : '—') },
            ]}
          />
        </Section>
      ) : null}

      {wants('risks') ? (
        <Section title="Risks" testId="report-risks">
          {shown.map((part) => (
            <Stack key={part.project.key} space="space.050">
              <Text weight="medium">
                {part.project.key}: {part.metrics.risk.blocked.length} blocked, {part.metrics.risk.flagged.length} flagged, {part.metrics.risk.overdueHighPriority.length} overdue high priority
              </Text>
              <Inline space="space.050" shouldWrap>
                {[...part.metrics.risk.blocked, ...part.metrics.risk.overdueHighPriority].slice(0, 10).map((key) => (
                  <Button key={key} appearance="subtle" spacing="compact" onClick={() => openItem(key)}>
                    {key}
                  </Button>
                ))}
              </Inline>
            </Stack>
          ))}
        </Section>
      ) : null}

      {wants('compliance') ? (
        <Section title="Process compliance" testId="report-compliance">
          {shown.map((part) => (
            <ProjectCompliance key={part.project.key} part={part} />
          ))}
        </Section>
      ) : null}

      {wants('budgetChanges') ? (
        <Section title="Budget changes" testId="report-budget-changes">
          {report.agenda.filter((item) => item.kind === 'budget change').length === 0 ? (
            <Text>
              No project’s budget changed by more than {formatNumber(report.config.budgetChangeShare, 'percent')} since {formatDay(report.agendaSince.day)}.
            </Text>
          ) : (
            <ul>
              {report.agenda
                .filter((item) => item.kind === 'budget change')
                .map((item, index) => (
                  <li key={index}>{item.text}</li>
                ))}
            </ul>
          )}
          {shown.some((part) => (part.budgetChanges ?? []).length > 0) ? (
            <SimpleTable<{ projectKey: string; change: NonNullable<ReportProjectPart['budgetChanges']>[number] }>
              caption={`Budget edits since ${report.agendaSince.basis === 'previous record' ? 'the previous record' : 'a week before'}`}
              testId="report-budget-edits"
              rowKey={(row) => `${row.projectKey}-${row.change.at}-${row.change.issueKey ?? ''}-${row.change.field}`}
              rows={shown.flatMap((part) => (part.budgetChanges ?? []).map((change) => ({ projectKey: part.project.key, change })))}
              columns={[
                { key: 'project', label: 'Project', value: (row) => row.projectKey },
                { key: 'item', label: 'Item', value: (row) => row.change.issueKey ?? '' },
                { key: 'field', label: 'Field', value: (row) => row.change.field },
                { key: 'old', label: 'Old', numeric: true, value: (row) => (row.change.oldValue === null ? 'empty' : formatMoney(row.change.oldValue, currency)) },
                { key: 'new', label: 'New', numeric: true, value: (row) => (row.change.newValue === null ? 'empty' : formatMoney(row.change.newValue, currency)) },
                { key: 'who', label: 'Who', value: (row) => row.change.by.displayName },
                { key: 'when', label: 'When', value: (row) => formatDateTime(row.change.at) },
              ]}
            />
          ) : (
            <Text>No budget field was edited through the app since {report.agendaSince.basis === 'previous record' ? 'the previous record' : 'a week before'}.</Text>
          )}
        </Section>
      ) : null}

      {wants('activity') ? (
        <Section title={`Activity of the last ${report.config.activityDays} days`} testId="report-activity">
          <SimpleTable<ReportProjectPart>
            caption="What happened in each project"
            testId="report-activity-table"
            rowKey={(part) => part.project.key}
            rows={shown}
            columns={[
              { key: 'project', label: 'Project', value: (part) => part.project.key },
              { key: 'created', label: 'Created', numeric: true, value: (part) => formatNumber(part.activity.byDay.reduce((sum, day) => sum + day.created, 0), 'count') },
              { key: 'resolved', label: 'Resolved', numeric: true, value: (part) => formatNumber(part.activity.byDay.reduce((sum, day) => sum + day.resolved, 0), 'count') },
              { key: 'moves', label: 'Status moves', numeric: true, value: (part) => formatNumber(part.activity.byDay.reduce((sum, day) => sum + day.statusMoves, 0), 'count') },
              { key: 'due', label: 'Due-date changes', numeric: true, value: (part) => formatNumber(part.activity.byDay.reduce((sum, day) => sum + day.dueDateChanges, 0), 'count') },
            ]}
          />
        </Section>
      ) : null}
    </Stack>
  );
}

export function App() {
  const [recordId, setRecordId] = useState<string | undefined>(undefined);
  const call = useResolver('report/view', recordId ? { recordId } : {});
  const [freezing, setFreezing] = useState(false);
  const [freezeError, setFreezeError] = useState<ResolverCallError | null>(null);
  const [asOfDay, setAsOfDay] = useState(() => new Date().toISOString().slice(0, 10));
  const [frozen, setFrozen] = useState<StatusReportView | null>(null);
  const view = frozen ?? shownData(call.state);

  const freeze = () => {
    setFreezing(true);
    setFreezeError(null);
    callResolver('report/freeze', { asOfDay })
      .then((answer) => {
        setFrozen(answer);
        setRecordId(answer.report?.record?.id);
      })
      .catch((error: unknown) => setFreezeError(asCallError(error)))
      .finally(() => setFreezing(false));
  };
  const pick = (id: string) => {
    setFrozen(null);
    setRecordId(id === '' ? undefined : id);
  };

  return (
    <Box padding="space.200">
      <Stack space="space.150">
        <Inline spread="space-between" alignBlock="center" shouldWrap>
          <Heading size="medium" as="h2">
            PMO status report
          </Heading>
          <Inline space="space.100" alignBlock="center">
            {view && view.records.length > 0 ? (
              <label>
                <Text size="small">Record </Text>
                <select data-testid="record-choice" value={view.report?.record?.id ?? ''} onChange={(event) => pick(event.currentTarget.value)}>
                  <option value="">Live (today)</option>
                  {view.records.map((record) => (
                    <option key={record.id} value={record.id}>
                      As of {record.asOfDay}, frozen {formatDateTime(record.frozenAt)}
                    </option>
                  ))}
                </select>
              </label>
            ) : null}
            <label>
              <Text size="small">As of </Text>
              <input type="date" data-testid="freeze-day" value={asOfDay} max={new Date().toISOString().slice(0, 10)} onChange={(event) => setAsOfDay(event.currentTarget.value)} />
            </label>
            <Button testId="freeze" appearance="primary" onClick={freeze} isDisabled={freezing || !view?.configured}>
              {freezing ? 'Freezing…' : 'Freeze as a record'}
            </Button>
          </Inline>
        </Inline>
        {freezeError ? <Failure error={freezeError} testId="freeze-error" /> : null}
        {call.state.status === 'failed' && !frozen ? <Failure error={call.state.error} onRetry={() => void call.reload()} testId="report-error" /> : null}
        {!view && call.state.status === 'loading' ? (
          <Inline space="space.100" alignBlock="center" testId="report-loading">
            <Spinner size="small" label="Loading" />
            <Text>Loading the status report…</Text>
          </Inline>
        ) : null}
        {view?.reason ? (
          <Notice appearance="information" title="Nothing to show yet" testId="report-reason">
            <Text>{view.reason}</Text>
          </Notice>
        ) : null}
        {view?.report ? <Report report={view.report} /> : null}
      </Stack>
    </Box>
  );
}
