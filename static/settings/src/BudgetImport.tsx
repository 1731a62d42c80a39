/**
 * The settings page's budget import: choose or paste a CSV (issue key, planned budget, actual cost),
 * preview it (every bad row named, every change old -> new), then import it. The server checks it all
 * again on import: this page only shows what it answers.
 */
import { useState } from 'react';
import Button from '@atlaskit/button/default/button';
import Heading from '@atlaskit/heading';
import Spinner from '@atlaskit/spinner';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import type { BudgetImportPreview, BudgetImportSummary } from '@pmo/contract';
import { callResolver } from '../../shared/api';
import { asCallError } from '../../shared/useResolver';

const FIELD = { plannedBudget: 'Planned budget', actualCost: 'Actual cost' } as const;
const amount = (value: number | null, currency: string | null): string =>
  value === null ? '(empty)' : `${value.toLocaleString('en-US', { maximumFractionDigits: 2 })}${currency ? ` ${currency}` : ''}`;

export function BudgetImport({ disabled, currency }: { disabled: boolean; currency: string | null }) {
  const [csv, setCsv] = useState('');
  const [busy, setBusy] = useState(false);
  const [preview, setPreview] = useState<BudgetImportPreview | null>(null);
  const [summary, setSummary] = useState<BudgetImportSummary | null>(null);
  const [failure, setFailure] = useState<string[] | null>(null);
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setFailure(null);
    try {
      await work();
    } catch (error) {
      const failed = asCallError(error);
      setFailure([failed.message, ...failed.details]);
    } finally {
      setBusy(false);
    }
  };
  const changeText = (text: string) => {
    setCsv(text);
    setPreview(null);
    setSummary(null);
    setFailure(null);
  };
  return (
    <Stack space="space.100" testId="budget-import">
      <Heading size="small">Import budgets</Heading>
      <Text>
        A CSV with the header <code>issue key, planned budget, actual cost</code>. An empty cell leaves the field as it is; <code>clear</code> empties it. The file is checked whole:
        nothing is written unless every row is right.
      </Text>
      <input
        type="file"
        accept=".csv,text/csv"
        aria-label="Budget CSV file"
        data-testid="budget-file"
        disabled={disabled || busy}
        onChange={(event) => {
          const file = event.currentTarget.files?.[0];
          if (file) void file.text().then(changeText);
        }}
      />
      <textarea aria-label="Budget CSV" data-testid="budget-csv" rows={6} cols={80} disabled={disabled || busy} value={csv} onChange={(event) => changeText(event.currentTarget.value)} />
      <Inline space="space.100" alignBlock="center">
        <Button testId="budget-preview" isDisabled={disabled || busy || csv.trim() === ''} onClick={() => void run(async () => setPreview(await callResolver('budgets/preview', { csv })))}>
          Preview
        </Button>
        <Button
          appearance="primary"
          testId="budget-import-button"
          isDisabled={disabled || busy || !preview?.ok || preview.changes.length === 0}
          onClick={() =>
            void run(async () => {
              setSummary(await callResolver('budgets/import', { csv }));
              setPreview(null);
            })
          }
        >
          Import
        </Button>
        {busy ? <Spinner size="small" /> : null}
      </Inline>
      {failure ? (
        <ul role="alert" data-testid="budget-failure">
          {failure.map((line, index) => (
            <li key={index}>
              <Text color="color.text.danger">{line}</Text>
            </li>
          ))}
        </ul>
      ) : null}
      {preview && !preview.ok ? (
        <Stack space="space.050" testId="budget-problems">
          <Text color="color.text.danger">
            {preview.problems.length} {preview.problems.length === 1 ? 'problem' : 'problems'}: nothing will be imported until the file is fixed.
          </Text>
          <ul>
            {preview.problems.map((problem) => (
              <li key={`${problem.line}-${problem.issueKey ?? ''}`}>{problem.message}</li>
            ))}
          </ul>
        </Stack>
      ) : null}
      {preview?.ok ? (
        <Stack space="space.050" testId="budget-changes">
          <Text>
            {preview.changes.length} {preview.changes.length === 1 ? 'value changes' : 'values change'} from {preview.rows} rows; {preview.valuesUnchanged} already as the file says.
          </Text>
          <table>
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col">Item</th>
                <th scope="col">Field</th>
                <th scope="col">Now</th>
                <th scope="col">After import</th>
              </tr>
            </thead>
            <tbody>
              {preview.changes.slice(0, 500).map((change) => (
                <tr key={`${change.issueKey}-${change.field}`}>
                  <td>{change.line}</td>
                  <td>{change.issueKey}</td>
                  <td>{FIELD[change.field]}</td>
                  <td>{amount(change.oldValue, currency)}</td>
                  <td>{amount(change.newValue, currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {preview.changes.length > 500 ? <Text>and {preview.changes.length - 500} more.</Text> : null}
        </Stack>
      ) : null}
      {summary ? (
        <span role="status" data-testid="budget-summary">
          <Text color="color.text.success">
            Imported: {summary.valuesChanged} values changed on {summary.itemsChanged} items ({summary.byProject.map((entry) => `${entry.projectKey} ${entry.itemsChanged}`).join(', ')}); {summary.valuesUnchanged} already
            as the file said. Each change is in the audit log; the portfolio page shows the new figures within a minute.
          </Text>
        </span>
      ) : null}
    </Stack>
  );
}
