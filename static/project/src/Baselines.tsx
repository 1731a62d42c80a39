/**
 * The project page's Baselines section: the chosen baseline (a picker among the project's baselines),
 * "Set baseline" under a name, and each work package's budget change and slip against the chosen one,
 * with the totals. Only PMO editors may set, choose or delete (the server checks it again); others see
 * why not. Reads `project/baselines`; each change answers the new list.
 */
import { useState } from 'react';
import Button from '@atlaskit/button/default/button';
import Lozenge from '@atlaskit/lozenge';
import Spinner from '@atlaskit/spinner';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import { token } from '@atlaskit/tokens';
import type { BaselinePackageLine, ProjectBaselinesView } from '@pmo/contract';
import { callResolver } from '../../shared/api';
import { formatDateTime, formatDay, formatNumber } from '../../shared/format';
import { Failure, FigureValue, Notice, Section, SimpleTable } from '../../shared/ui';
import { asCallError, shownData, useResolver } from '../../shared/useResolver';
import type { ResolverCallError } from '../../shared/api';

/** Native fields in the theme's colours, light or dark. */
const FIELD_STYLE = {
  backgroundColor: token('color.background.input'),
  color: token('color.text'),
  border: `1px solid ${token('color.border.input')}`,
  borderRadius: 3,
  padding: `${token('space.050')} ${token('space.100')}`,
} as const;

const PRESENCE_WORDS = { 'in both': null, 'added since': 'added since', 'removed since': 'removed since' } as const;

/** Signed days: "+9 d" later than the baseline, "−3 d" earlier. */
function SlipValue({ line }: { line: BaselinePackageLine }) {
  if (line.slipDays.value === null) return <FigureValue figure={line.slipDays} kind="count" />;
  const days = line.slipDays.value;
  return <span>{days === 0 ? '0 d' : `${days > 0 ? '+' : '−'}${formatNumber(Math.abs(days), 'count')} d`}</span>;
}

function Comparison({ view }: { view: ProjectBaselinesView }) {
  const { comparison, currency } = view;
  if (!comparison) return null;
  const money = (value: number | null) => (value === null ? '—' : formatNumber(value, 'money', currency));
  const { totals } = comparison;
  return (
    <Stack space="space.100">
      <Inline space="space.200" shouldWrap testId="baseline-totals">
        <Text>
          Budget change: <FigureValue figure={totals.budgetChange} kind="money" currency={currency} testId="baseline-total-change" /> (
          <FigureValue figure={totals.budgetChangePercent} kind="percent" />, {money(totals.baselineBudget)} → {money(totals.currentBudget)})
        </Text>
        <Text>
          Slip: max <FigureValue figure={totals.maxSlipDays} kind="count" testId="baseline-max-slip" /> d, median <FigureValue figure={totals.medianSlipDays} kind="count" /> d
        </Text>
        <Text testId="baseline-counts">
          {formatNumber(totals.slippedCount, 'count')} slipped · {formatNumber(totals.addedCount, 'count')} added · {formatNumber(totals.removedCount, 'count')} removed
        </Text>
      </Inline>
      <SimpleTable<BaselinePackageLine>
        caption="Each work package's budget and due date against the chosen baseline"
        testId="baseline-table"
        rowKey={(line) => line.issueKey}
        rows={comparison.packages}
        empty="Neither the baseline nor the project has work packages."
        columns={[
          {
            key: 'package',
            label: 'Work package',
            value: (line) => (
              <Inline space="space.075" alignBlock="center">
                <Text weight="medium">{line.issueKey}</Text>
                {line.summary ? <Text>{line.summary}</Text> : null}
                {PRESENCE_WORDS[line.presence] ? <Lozenge appearance={line.presence === 'added since' ? 'new' : 'moved'}>{PRESENCE_WORDS[line.presence]}</Lozenge> : null}
              </Inline>
            ),
          },
          { key: 'baselineBudget', label: 'Baseline budget', numeric: true, value: (line) => money(line.baselineBudget) },
          { key: 'currentBudget', label: 'Budget now', numeric: true, value: (line) => money(line.currentBudget) },
          { key: 'change', label: 'Change', numeric: true, value: (line) => <FigureValue figure={line.budgetChange} kind="money" currency={currency} /> },
          { key: 'percent', label: 'Change %', numeric: true, value: (line) => <FigureValue figure={line.budgetChangePercent} kind="percent" /> },
          { key: 'baselineDue', label: 'Baseline due', value: (line) => (line.baselineDue ? formatDay(line.baselineDue) : '—') },
          { key: 'currentDue', label: 'Due now', value: (line) => (line.currentDue ? formatDay(line.currentDue) : '—') },
          { key: 'slip', label: 'Slip', numeric: true, value: (line) => <SlipValue line={line} /> },
        ]}
      />
    </Stack>
  );
}

/** Picker, set and delete: enabled for PMO editors; everyone else is told why not. */
function Controls({ view, onChanged, reload }: { view: ProjectBaselinesView; onChanged: (next: ProjectBaselinesView) => void; reload: () => void }) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ResolverCallError | null>(null);
  const run = async (change: () => Promise<ProjectBaselinesView>) => {
    setBusy(true);
    setFailure(null);
    try {
      onChanged(await change());
      return true;
    } catch (error) {
      setFailure(asCallError(error));
      return false;
    } finally {
      setBusy(false);
    }
  };
  const trimmed = name.trim();
  const full = view.baselines.length >= view.maxBaselines;
  const disabled = !view.canEdit || busy;
  return (
    <Stack space="space.100">
      {view.baselines.length > 0 ? (
        <Inline space="space.100" alignBlock="center" shouldWrap>
          <label htmlFor="baseline-picker">
            <Text weight="medium">Compare with</Text>
          </label>
          <select
            id="baseline-picker"
            data-testid="baseline-picker"
            style={FIELD_STYLE}
            value={view.chosenId ?? ''}
            disabled={disabled}
            onChange={(event) => {
              const id = event.currentTarget.value === '' ? null : event.currentTarget.value;
              void run(() => callResolver('project/chooseBaseline', { projectKey: view.projectKey, id, expectedVersion: view.version }));
            }}
          >
            <option value="">No baseline</option>
            {view.baselines.map((baseline) => (
              <option key={baseline.id} value={baseline.id}>
                {baseline.name} ({formatDateTime(baseline.setAt)}, {baseline.packageCount} packages, by {baseline.setBy.displayName})
              </option>
            ))}
          </select>
          {view.chosenId !== null ? (
            <Button
              appearance="subtle"
              testId="baseline-delete"
              isDisabled={disabled}
              onClick={() => void run(() => callResolver('project/deleteBaseline', { projectKey: view.projectKey, id: view.chosenId!, expectedVersion: view.version }))}
            >
              Delete this baseline
            </Button>
          ) : null}
        </Inline>
      ) : null}
      <Inline space="space.100" alignBlock="center" shouldWrap>
        <input
          aria-label="Baseline name"
          data-testid="baseline-name"
          style={{ ...FIELD_STYLE, minWidth: 280 }}
          placeholder="Baseline name, e.g. Approved plan"
          maxLength={200}
          value={name}
          disabled={disabled || full}
          onChange={(event) => setName(event.currentTarget.value)}
        />
        <Button
          appearance="primary"
          testId="baseline-set"
          isDisabled={disabled || full || trimmed === ''}
          onClick={() =>
            void run(() => callResolver('project/setBaseline', { projectKey: view.projectKey, name: trimmed, expectedVersion: view.version })).then((saved) => {
              if (saved) setName('');
            })
          }
        >
          Set baseline
        </Button>
        {busy ? <Spinner size="small" label="Saving" /> : null}
      </Inline>
      {!view.canEdit ? (
        <Text color="color.text.subtle" testId="baseline-read-only">
          Read-only: {view.editReason}
        </Text>
      ) : full ? (
        <Text color="color.text.subtle" testId="baseline-full">
          This project keeps {view.maxBaselines} baselines, the most it can: delete one before setting another.
        </Text>
      ) : (
        <Text color="color.text.subtle" size="small">
          A baseline keeps every work package’s Planned budget and due date as of the last sync.
        </Text>
      )}
      {failure ? (
        <Failure
          error={failure}
          testId="baseline-error"
          retryLabel="Reload the baselines"
          onRetry={() => {
            setFailure(null);
            reload();
          }}
        />
      ) : null}
    </Stack>
  );
}

export function Baselines({ projectKey }: { projectKey: string }) {
  const call = useResolver('project/baselines', { projectKey });
  const [changed, setChanged] = useState<ProjectBaselinesView | null>(null);
  const loaded = shownData(call.state);
  // The answer of the last change made here, until the next load.
  const view = changed ?? loaded;
  return (
    <Section title="Baselines" testId="baselines">
      {call.state.status === 'failed' && !view ? <Failure error={call.state.error} onRetry={() => void call.reload()} testId="baselines-error" /> : null}
      {!view ? (
        call.state.status === 'failed' ? null : <Spinner size="small" label="Loading the baselines" testId="baselines-loading" />
      ) : (
        <Stack space="space.150">
          {view.comparison ? (
            <Text testId="baseline-chosen">
              Against <Text weight="medium">{view.comparison.baseline.name}</Text>, set {formatDateTime(view.comparison.baseline.setAt)} by {view.comparison.baseline.setBy.displayName}; now as of{' '}
              {formatDateTime(view.comparison.asOf)}.
            </Text>
          ) : (
            <Notice appearance="information" title={view.baselines.length === 0 ? 'No baseline yet' : 'No comparison'} testId="baselines-empty">
              <Text as="p">{view.reason}</Text>
            </Notice>
          )}
          <Controls
            view={view}
            onChanged={setChanged}
            reload={() => {
              setChanged(null);
              void call.reload();
            }}
          />
          <Comparison view={view} />
        </Stack>
      )}
    </Section>
  );
}
