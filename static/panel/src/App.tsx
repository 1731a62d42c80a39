/**
 * The project manager's issue panel: this item's planned budget, actual cost by source, variance with
 * its colour, the roll-up of its children and which child is over budget, EAC for a work package,
 * its schedule status, its place in its package, and (Process) the rules in force it and its children
 * break, each with why it matters and how to fix it. PMO editors edit Planned budget and Actual cost
 * inline; others see why they may not. An edit against a value changed since it was read is refused
 * by the server, and the panel shows the current value instead.
 */
import { useState } from 'react';
import Button from '@atlaskit/button/default/button';
import Lozenge from '@atlaskit/lozenge';
import Spinner from '@atlaskit/spinner';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import { BUDGET_FIELD_NAMES, BUDGET_FIELDS, type BudgetField, type IssuePanelView, type ItemMoney, type ItemCompliance, type PanelBaseline } from '@pmo/contract';
import { callResolver } from '../../shared/api';
import { formatDay, formatMoney } from '../../shared/format';
import { Failure, FigureValue, Notice } from '../../shared/ui';
import { asCallError, shownData, useResolver } from '../../shared/useResolver';

const RAG_APPEARANCE = { red: 'removed', green: 'success', none: 'default' } as const;
const RAG_WORDS = { red: 'Over budget', green: 'Within budget', none: 'No budget' } as const;

function amount(value: number | null, currency: string | null): string {
  return value === null ? '—' : formatMoney(value, currency);
}

/** A variance with its figures: the colour never shows alone. */
function Variance({ money, currency, testId }: { money: Pick<ItemMoney, 'variance' | 'varianceRag'>; currency: string | null; testId: string }) {
  return (
    <Inline space="space.100" alignBlock="center">
      <FigureValue figure={money.variance} kind="money" currency={currency} testId={`${testId}-value`} />
      {money.varianceRag === 'none' ? null : (
        <span data-testid={`${testId}-rag`}>
          <Lozenge appearance={RAG_APPEARANCE[money.varianceRag]}>{RAG_WORDS[money.varianceRag]}</Lozenge>
        </span>
      )}
    </Inline>
  );
}

/** One budget field, inline-editable for PMO editors. */
function BudgetFieldEditor({ view, field, onSaved }: { view: IssuePanelView; field: BudgetField; onSaved: () => Promise<void> }) {
  const shown = view.fields[field];
  const [text, setText] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [message, setMessage] = useState<{ kind: 'error' | 'conflict'; text: string } | null>(null);
  const testId = `field-${field}`;
  const editing = text !== null;
  const save = async () => {
    if (text === null) return;
    const trimmed = text.trim();
    const value = trimmed === '' ? null : Number(trimmed.replace(/,/g, ''));
    if (value !== null && !Number.isFinite(value)) {
      setMessage({ kind: 'error', text: `"${trimmed}" is not an amount.` });
      return;
    }
    setSaving(true);
    setMessage(null);
    try {
      const result = await callResolver('panel/setBudget', { field, value, expected: shown });
      if (result.status === 'conflict') {
        const who = result.changedBy ? ` by ${result.changedBy.displayName}` : '';
        setMessage({ kind: 'conflict', text: `Not saved: ${BUDGET_FIELD_NAMES[field]} was changed to ${amount(result.current, view.currency)}${who} since you opened it. Check the new value and edit again.` });
      } else {
        setText(null);
      }
      await onSaved();
    } catch (error) {
      const failure = asCallError(error);
      setMessage({ kind: 'error', text: [failure.message, ...failure.details].join(' ') });
    } finally {
      setSaving(false);
    }
  };
  return (
    <Stack space="space.050">
      <Inline space="space.100" alignBlock="center">
        <Text weight="semibold">{BUDGET_FIELD_NAMES[field]}</Text>
        {editing ? (
          <>
            <input
              aria-label={BUDGET_FIELD_NAMES[field]}
              data-testid={`${testId}-input`}
              inputMode="decimal"
              value={text}
              disabled={saving}
              onChange={(event) => setText(event.currentTarget.value)}
              onKeyDown={(event) => {
                if (event.key === 'Enter') void save();
                if (event.key === 'Escape') setText(null);
              }}
            />
            <Button appearance="primary" testId={`${testId}-save`} isDisabled={saving} onClick={() => void save()}>
              Save
            </Button>
            <Button appearance="subtle" testId={`${testId}-cancel`} isDisabled={saving} onClick={() => { setText(null); setMessage(null); }}>
              Cancel
            </Button>
            {saving ? <Spinner size="small" /> : null}
          </>
        ) : (
          <>
            <span data-testid={`${testId}-value`}>{amount(shown, view.currency)}</span>
            {view.canEdit ? (
              <Button appearance="subtle" testId={`${testId}-edit`} onClick={() => setText(shown === null ? '' : String(shown))}>
                Edit
              </Button>
            ) : null}
          </>
        )}
      </Inline>
      {message ? (
        <span data-testid={`${testId}-${message.kind}`} role="alert">
          <Text color={message.kind === 'error' ? 'color.text.danger' : 'color.text.warning'}>{message.text}</Text>
        </span>
      ) : null}
    </Stack>
  );
}

/** The work package's budget change and slip against the project's chosen baseline, or why there is none. */
function BaselineLine({ baseline, currency }: { baseline: PanelBaseline; currency: string | null }) {
  const { line, chosen } = baseline;
  if (!line || !chosen) {
    return (
      <span data-testid="baseline-none">
        <Text color="color.text.subtle">Baseline: {baseline.reason}</Text>
      </span>
    );
  }
  const slip = line.slipDays.value;
  return (
    <Stack space="space.050" testId="baseline-line">
      <Text weight="semibold">
        Against baseline {chosen.name} ({formatDay(chosen.setAt.slice(0, 10))}){baseline.packageKey ? `, work package ${baseline.packageKey}` : ''}
        {line.presence === 'in both' ? '' : ` (${line.presence})`}
      </Text>
      <Inline space="space.100">
        <Text>Budget change:</Text>
        <FigureValue figure={line.budgetChange} kind="money" currency={currency} testId="baseline-budget-change" />
        <Text color="color.text.subtle">
          ({amount(line.baselineBudget, currency)} → {amount(line.currentBudget, currency)})
        </Text>
      </Inline>
      <Inline space="space.100">
        <Text>Slip:</Text>
        {slip === null ? <FigureValue figure={line.slipDays} kind="count" testId="baseline-slip" /> : <span data-testid="baseline-slip">{slip > 0 ? `+${slip}` : String(slip)} days</span>}
        <Text color="color.text.subtle">
          (due {line.baselineDue ? formatDay(line.baselineDue) : '—'} → {line.currentDue ? formatDay(line.currentDue) : '—'})
        </Text>
      </Inline>
    </Stack>
  );
}

const SEVERITY_APPEARANCE = { high: 'removed', medium: 'moved', low: 'default' } as const;

/** The rules in force broken by this item and its children, grouped by item, each with its fix. */
function Process({ compliance, itemKey }: { compliance: ItemCompliance; itemKey: string }) {
  return (
    <Stack space="space.100" testId="process">
      <Text weight="semibold">Process</Text>
      {compliance.noRulesReason !== null ? (
        <span data-testid="process-no-rules">
          <Text color="color.text.subtle">{compliance.noRulesReason}</Text>
        </span>
      ) : compliance.entries.length === 0 ? (
        <span data-testid="process-clean">
          <Text color="color.text.subtle">
            {compliance.checkedItems > 1 ? 'This item and its children follow every rule in force' : 'This item follows every rule in force'} ({compliance.rulesInForce} rules).
          </Text>
        </span>
      ) : (
        compliance.entries.map((entry) => (
          <Stack key={entry.key} space="space.050" testId={`process-${entry.key}`}>
            <Text weight="medium">
              {entry.key === itemKey ? 'This item' : `Child ${entry.key} ${entry.summary}`}
            </Text>
            <ul>
              {entry.violations.map((violation) => (
                <li key={violation.ruleId} data-testid={`process-${entry.key}-${violation.ruleId}`}>
                  <Stack space="space.025">
                    <Inline space="space.100" alignBlock="center">
                      <Lozenge appearance={SEVERITY_APPEARANCE[violation.severity]}>{violation.severity}</Lozenge>
                      <Text weight="semibold">{violation.title}</Text>
                    </Inline>
                    <Text>
                      {entry.key} {violation.problem}.
                    </Text>
                    <span data-testid="process-fix">
                      <Text>How to fix: {violation.howToFix}</Text>
                    </span>
                    <Text color="color.text.subtle" size="small">
                      Why it matters: {violation.whyItMatters}
                    </Text>
                  </Stack>
                </li>
              ))}
            </ul>
          </Stack>
        ))
      )}
    </Stack>
  );
}

function Panel({ view, reload }: { view: IssuePanelView; reload: () => Promise<void> }) {
  const { money, currency } = view;
  return (
    <Stack space="space.200" testId="budget-panel">
      {BUDGET_FIELDS.map((field) => (
        <BudgetFieldEditor key={field} view={view} field={field} onSaved={reload} />
      ))}
      {view.canEdit ? null : (
        <span data-testid="read-only-reason">
          <Text color="color.text.subtle">Read-only: {view.editReason}</Text>
        </span>
      )}
      {money === null ? (
        <Notice appearance="information" title="No figures yet" testId="not-synced">
          {view.notSyncedReason}
        </Notice>
      ) : (
        <Stack space="space.100">
          <Inline space="space.100">
            <Text>Actual cost counted:</Text>
            <span data-testid="actual-total">{formatMoney(money.actual, currency)}</span>
            <Text color="color.text.subtle">
              (field {amount(money.actualFromField, currency)}, worklogs x rate {amount(money.actualFromWorklogs, currency)})
            </Text>
          </Inline>
          <Inline space="space.100" alignBlock="center">
            <Text>Variance:</Text>
            <Variance money={money} currency={currency} testId="variance" />
          </Inline>
          {money.eac ? (
            <Inline space="space.100">
              <Text>EAC (by CPI):</Text>
              <FigureValue figure={money.eac} kind="money" currency={currency} testId="eac" />
            </Inline>
          ) : null}
          {money.children.length > 0 ? (
            <Stack space="space.050">
              <Inline space="space.100" alignBlock="center">
                <Text weight="semibold">With its {money.children.length} children:</Text>
                <span data-testid="rolled-planned">{amount(money.rolledUp.planned, currency)}</span>
                <Text>planned,</Text>
                <span data-testid="rolled-actual">{formatMoney(money.rolledUp.actual, currency)}</span>
                <Text>actual,</Text>
                <Variance money={money.rolledUp} currency={currency} testId="rolled-variance" />
              </Inline>
              <table data-testid="children">
                <thead>
                  <tr>
                    <th scope="col">Child</th>
                    <th scope="col">Planned</th>
                    <th scope="col">Actual</th>
                    <th scope="col">Variance</th>
                  </tr>
                </thead>
                <tbody>
                  {money.children.map((child) => (
                    <tr key={child.key} data-testid={`child-${child.key}`} data-over-budget={child.overBudget ? 'yes' : 'no'}>
                      <td>
                        {child.key} {child.summary}
                      </td>
                      <td>{amount(child.planned, currency)}</td>
                      <td>{formatMoney(child.actual, currency)}</td>
                      <td>
                        <Variance money={child} currency={currency} testId={`child-${child.key}-variance`} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Stack>
          ) : null}
        </Stack>
      )}
      {view.schedule ? (
        <Inline space="space.100" testId="schedule">
          <Text>Due {view.schedule.dueDate ? formatDay(view.schedule.dueDate) : 'date not set'}</Text>
          {view.schedule.overdue ? <Lozenge appearance="removed">Overdue</Lozenge> : null}
          {view.schedule.slipDays ? <Text>slipped {view.schedule.slipDays} days since its first due date</Text> : null}
        </Inline>
      ) : null}
      {view.baseline ? <BaselineLine baseline={view.baseline} currency={currency} /> : null}
      {view.compliance ? <Process compliance={view.compliance} itemKey={view.issue.key} /> : null}
      {view.place ? (
        <span data-testid="place">
          <Text color="color.text.subtle">
            {view.place.workPackage ? `Work package ${view.place.workPackage.key} ${view.place.workPackage.summary}` : 'In no work package (no Planned budget above it)'}
            {view.place.path.length > 0 ? ` · under ${view.place.path.map((step) => step.key).join(' › ')}` : ''}
          </Text>
        </span>
      ) : null}
    </Stack>
  );
}

export function App() {
  const { state, reload } = useResolver('panel/item', {});
  const view = shownData(state);
  if (state.status === 'failed' && !view) return <Failure error={state.error} onRetry={() => void reload()} testId="panel-error" />;
  if (!view) return <Spinner label="Loading the budget" testId="panel-loading" />;
  return (
    <>
      {state.status === 'failed' ? <Failure error={state.error} onRetry={() => void reload()} testId="panel-error" /> : null}
      <Panel view={view} reload={reload} />
    </>
  );
}
