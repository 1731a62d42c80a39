/**
 * The PMO's settings page: currency, the site's default rate, each project's cost source and budget,
 * the PMO editor group; the whole document as JSON to export and import; the audit log with its
 * filters and CSV. Every save is checked again on the server (values, who may save, the version it
 * was read at); a refused save changes nothing and the page says why.
 */
import { useState } from 'react';
import Button from '@atlaskit/button/default/button';
import Heading from '@atlaskit/heading';
import Spinner from '@atlaskit/spinner';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import type { AuditFilter, AuditPageView, CostSourceSetting, SettingsDocumentJson, SettingsView } from '@pmo/contract';
import { callResolver } from '../../shared/api';
import { Failure, Notice } from '../../shared/ui';
import { asCallError, shownData, useResolver } from '../../shared/useResolver';
import { BudgetImport } from './BudgetImport';

type Message = { kind: 'saved' | 'error'; text: string } | null;

const failureText = (error: unknown): string => {
  const failure = asCallError(error);
  return [failure.message, ...failure.details].join(' ');
};

function ProjectRow({ document, project, update, disabled }: { document: SettingsDocumentJson; project: { key: string; name: string }; update: (next: SettingsDocumentJson) => void; disabled: boolean }) {
  const section = document.projects[project.key] ?? { costSource: 'both' as CostSourceSetting, projectBudget: null, defaultRates: [], baselines: [], chosenBaselineId: null };
  const set = (patch: Partial<typeof section>) => update({ ...document, projects: { ...document.projects, [project.key]: { ...section, ...patch } } });
  return (
    <tr data-testid={`project-${project.key}`}>
      <td>
        {project.key} {project.name}
      </td>
      <td>
        <select aria-label={`Cost source of ${project.key}`} data-testid={`cost-source-${project.key}`} disabled={disabled} value={section.costSource} onChange={(event) => set({ costSource: event.currentTarget.value as CostSourceSetting })}>
          <option value="both">Actual cost field and worklogs x rates</option>
          <option value="fields">Actual cost field only</option>
          <option value="worklogs">Worklogs x rates only</option>
        </select>
      </td>
      <td>
        <input
          aria-label={`Project budget of ${project.key}`}
          data-testid={`budget-${project.key}`}
          disabled={disabled}
          inputMode="decimal"
          placeholder="sum of work packages"
          defaultValue={section.projectBudget ?? ''}
          onBlur={(event) => {
            const text = event.currentTarget.value.trim();
            set({ projectBudget: text === '' ? null : Number(text) });
          }}
        />
      </td>
    </tr>
  );
}

function Audit({ view }: { view: SettingsView }) {
  const [filter, setFilter] = useState<AuditFilter>({});
  const [page, setPage] = useState<AuditPageView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [csv, setCsv] = useState<string | null>(null);
  const load = async () => {
    setError(null);
    try {
      setPage(await callResolver('audit/query', { ...filter, limit: 50 }));
      setCsv((await callResolver('audit/csv', filter)).csv);
    } catch (failure) {
      setError(failureText(failure));
    }
  };
  const nameOf = (accountId: string) => view.people.find((person) => person.accountId === accountId)?.displayName ?? accountId;
  return (
    <Stack space="space.100" testId="audit">
      <Heading size="small">Audit log</Heading>
      <Inline space="space.100">
        <select aria-label="Person" data-testid="audit-person" value={filter.accountId ?? ''} onChange={(event) => setFilter({ ...filter, accountId: event.currentTarget.value || undefined })}>
          <option value="">Anyone</option>
          {view.people.map((person) => (
            <option key={person.accountId} value={person.accountId}>
              {person.displayName}
            </option>
          ))}
        </select>
        <select aria-label="Project" data-testid="audit-project" value={filter.projectKey ?? ''} onChange={(event) => setFilter({ ...filter, projectKey: event.currentTarget.value || undefined })}>
          <option value="">Any project</option>
          {view.projects.map((project) => (
            <option key={project.key} value={project.key}>
              {project.key}
            </option>
          ))}
        </select>
        <input type="date" aria-label="From" data-testid="audit-from" onChange={(event) => setFilter({ ...filter, fromDay: event.currentTarget.value || undefined })} />
        <input type="date" aria-label="To" data-testid="audit-to" onChange={(event) => setFilter({ ...filter, toDay: event.currentTarget.value || undefined })} />
        <Button testId="audit-show" onClick={() => void load()}>
          Show
        </Button>
        {csv !== null ? (
          <a data-testid="audit-csv" download="pmo-audit.csv" href={`data:text/csv;charset=utf-8,${encodeURIComponent(csv)}`}>
            Download CSV
          </a>
        ) : null}
      </Inline>
      {error ? <Text color="color.text.danger">{error}</Text> : null}
      {page ? (
        page.entries.length === 0 ? (
          <Text>No changes match.</Text>
        ) : (
          <table data-testid="audit-entries">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">Old value</th>
                <th scope="col">New value</th>
              </tr>
            </thead>
            <tbody>
              {page.entries.map((entry, index) => (
                <tr key={`${entry.at}-${index}`}>
                  <td>{entry.at}</td>
                  <td>{entry.person.displayName || nameOf(entry.person.accountId)}</td>
                  <td>{[entry.projectKey, entry.issueKey, entry.path].filter(Boolean).join(' · ')}</td>
                  <td>{JSON.stringify(entry.oldValue)}</td>
                  <td>{JSON.stringify(entry.newValue)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
    </Stack>
  );
}

function Settings({ initial }: { initial: SettingsView }) {
  const [view, setView] = useState(initial);
  const [document, setDocument] = useState<SettingsDocumentJson>(initial.document);
  const [saving, setSaving] = useState(false);
  const [message, setMessage] = useState<Message>(null);
  const [importText, setImportText] = useState('');
  const [exported, setExported] = useState<{ fileName: string; json: string } | null>(null);
  const disabled = !view.editable || saving;
  const siteRate = document.rates.siteDefault.at(-1) ?? null;
  const run = async (work: () => Promise<{ changedPaths: string[]; recomputing: number; view: SettingsView }>) => {
    setSaving(true);
    setMessage(null);
    try {
      const saved = await work();
      setView(saved.view);
      setDocument(saved.view.document);
      setMessage({
        kind: 'saved',
        text: saved.changedPaths.length === 0 ? 'Nothing changed.' : `Saved ${saved.changedPaths.length} change(s); recomputing ${saved.recomputing} project(s), the portfolio page shows them within a minute.`,
      });
    } catch (error) {
      setMessage({ kind: 'error', text: failureText(error) });
    } finally {
      setSaving(false);
    }
  };
  return (
    <Stack space="space.300">
      <Heading size="large">PMO Portfolio settings</Heading>
      {view.editable ? null : (
        <Notice appearance="information" title="Read-only" testId="read-only">
          {view.reason}
        </Notice>
      )}
      <Stack space="space.100">
        <label>
          Currency (ISO code){' '}
          <input aria-label="Currency" data-testid="currency" disabled={disabled} defaultValue={document.currency ?? ''} onBlur={(event) => setDocument({ ...document, currency: event.currentTarget.value.trim().toUpperCase() || null })} />
        </label>
        <label>
          PMO editor group{' '}
          <input aria-label="PMO editor group" data-testid="editor-group" disabled={disabled} defaultValue={document.pmoEditorGroup ?? ''} onBlur={(event) => setDocument({ ...document, pmoEditorGroup: event.currentTarget.value.trim() || null })} />
        </label>
        <Inline space="space.100" alignBlock="center">
          <Text>Site default hourly rate:</Text>
          <span data-testid="site-rate">{siteRate ? `${siteRate.hourlyRate} from ${siteRate.from}` : 'none'}</span>
          <input aria-label="New site default rate" data-testid="site-rate-amount" disabled={disabled} inputMode="decimal" id="site-rate-amount" />
          <input aria-label="Effective from" data-testid="site-rate-from" disabled={disabled} type="date" id="site-rate-from" />
          <Button
            testId="site-rate-add"
            isDisabled={disabled}
            onClick={() => {
              const amount = (globalThis.document.getElementById('site-rate-amount') as HTMLInputElement).value.trim();
              const from = (globalThis.document.getElementById('site-rate-from') as HTMLInputElement).value;
              setDocument({ ...document, rates: { ...document.rates, siteDefault: [...document.rates.siteDefault, { from, hourlyRate: Number(amount) }] } });
            }}
          >
            Add rate
          </Button>
        </Inline>
      </Stack>
      <table data-testid="projects">
        <thead>
          <tr>
            <th scope="col">Project</th>
            <th scope="col">Cost source</th>
            <th scope="col">Project budget (BAC)</th>
          </tr>
        </thead>
        <tbody>
          {view.projects.map((project) => (
            <ProjectRow key={project.key} project={project} document={document} update={setDocument} disabled={disabled} />
          ))}
        </tbody>
      </table>
      <Inline space="space.100" alignBlock="center">
        <Button appearance="primary" testId="save" isDisabled={disabled} onClick={() => void run(() => callResolver('settings/save', { expectedVersion: view.version, document }))}>
          Save
        </Button>
        {saving ? <Spinner size="small" /> : null}
        {message ? (
          <span role="status" data-testid={`message-${message.kind}`}>
            <Text color={message.kind === 'error' ? 'color.text.danger' : 'color.text.success'}>{message.text}</Text>
          </span>
        ) : null}
      </Inline>
      <Stack space="space.100">
        <Heading size="small">Export and import</Heading>
        <Inline space="space.100">
          <Button testId="export" onClick={() => void callResolver('settings/export', {}).then(setExported, (error: unknown) => setMessage({ kind: 'error', text: failureText(error) }))}>
            Export as JSON
          </Button>
          {exported ? (
            <a data-testid="export-file" download={exported.fileName} href={`data:application/json;charset=utf-8,${encodeURIComponent(exported.json)}`}>
              Download {exported.fileName}
            </a>
          ) : null}
        </Inline>
        <textarea aria-label="Settings JSON to import" data-testid="import-json" rows={6} cols={80} disabled={disabled} value={importText} onChange={(event) => setImportText(event.currentTarget.value)} />
        <Button testId="import" isDisabled={disabled || importText.trim() === ''} onClick={() => void run(() => callResolver('settings/import', { expectedVersion: view.version, json: importText }))}>
          Import (checked whole before anything is stored)
        </Button>
      </Stack>
      <BudgetImport disabled={!view.editable} currency={view.document.currency} />
      <Audit view={view} />
    </Stack>
  );
}

export function App() {
  const { state, reload } = useResolver('settings/get', {});
  const view = shownData(state);
  if (state.status === 'failed' && !view) return <Failure error={state.error} onRetry={() => void reload()} testId="settings-error" />;
  if (!view) return <Spinner label="Loading the settings" testId="settings-loading" />;
  return <Settings initial={view} />;
}
