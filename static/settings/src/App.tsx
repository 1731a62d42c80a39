/**
 * The PMO's settings page: every section of the settings document (one component each, in
 * sections/), the whole document as JSON to export and import, and the audit log. Every save is
 * checked again on the server (values, who may save, the version it was read at); a refused save
 * changes nothing, the page keeps the unsaved changes and shows each problem next to its section.
 */
import { useState } from 'react';
import Button from '@atlaskit/button/default/button';
import Heading from '@atlaskit/heading';
import Spinner from '@atlaskit/spinner';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import type { PersonRef, SettingsDocumentJson, SettingsSaved, SettingsView } from '@pmo/contract';
import { callResolver } from '../../shared/api';
import { Failure, Notice } from '../../shared/ui';
import { asCallError, shownData, useResolver } from '../../shared/useResolver';
import { AuditSection } from './sections/AuditSection';
import { ComplianceSection } from './sections/ComplianceSection';
import { GeneralSection } from './sections/GeneralSection';
import { ImportExport } from './sections/ImportExport';
import { ProjectsSection } from './sections/ProjectsSection';
import { RatesSection } from './sections/RatesSection';
import { ForecastCapacitySection, ThresholdsSection } from './sections/ThresholdsSection';
import { problemsOf, type SectionProps } from './sections/common';
import { failureText } from './sections/failure';
import { BudgetImport } from './BudgetImport';

type Message = { kind: 'saved' | 'error'; text: string } | null;

/** The document's sections the page shows problems next to; anything else is listed by the Save button. */
const SECTION_PATHS = ['currency', 'pmoEditorGroup', 'rates', 'projects', 'thresholds', 'forecast', 'capacity', 'compliance'];

function Settings({ initial, reload }: { initial: SettingsView; reload: () => Promise<SettingsView | null> }) {
  const [view, setView] = useState(initial);
  const [document, setDocument] = useState<SettingsDocumentJson>(initial.document);
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  const [message, setMessage] = useState<Message>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [stale, setStale] = useState<string | null>(null);
  // Sections remount after a reload or a save, so their typed text shows the stored values again.
  const [generation, setGeneration] = useState(0);
  const [picked, setPicked] = useState<PersonRef[]>([]);
  const disabled = !view.editable || saving;
  const update = (next: SettingsDocumentJson) => {
    setDocument(next);
    setDirty(true);
  };
  const adopt = (next: SettingsView) => {
    setView(next);
    setDocument(next.document);
    setDirty(false);
    setProblems([]);
    setStale(null);
    setGeneration((value) => value + 1);
  };
  const run = async (work: () => Promise<SettingsSaved>) => {
    setSaving(true);
    setMessage(null);
    try {
      const saved = await work();
      adopt(saved.view);
      setMessage({
        kind: 'saved',
        text: saved.changedPaths.length === 0 ? 'Nothing changed.' : `Saved ${saved.changedPaths.length} change(s); recomputing ${saved.recomputing} project(s), the portfolio page shows them within a minute.`,
      });
    } catch (error) {
      const failure = asCallError(error);
      if (failure.code === 'CONFLICT') setStale(failure.message);
      // The document's problems name their paths; the page shows each next to its section.
      setProblems(failure.code === 'INVALID_PAYLOAD' ? failure.details : []);
      setMessage({ kind: 'error', text: failure.code === 'INVALID_PAYLOAD' ? `${failure.message} Your changes are kept: correct the values marked below and save again.` : failureText(error) });
    } finally {
      setSaving(false);
    }
  };
  const people = [...view.people, ...picked.filter((person) => !view.people.some((known) => known.accountId === person.accountId))];
  const props: SectionProps = { document, update, disabled, view: { ...view, people }, problems, addPerson: (person) => setPicked((list) => [...list, person]) };
  const elsewhere = problems.filter((line) => problemsOf([line], SECTION_PATHS).length === 0);
  return (
    <Stack space="space.300">
      <Heading size="large">PMO Portfolio settings</Heading>
      {view.editable ? null : (
        <Notice appearance="information" title="Read-only" testId="read-only">
          {view.reason}
        </Notice>
      )}
      {stale ? (
        <Notice
          appearance="warning"
          title="Someone else saved the settings"
          testId="stale"
          actions={
            <Button
              testId="reload"
              onClick={() =>
                void reload().then((next) => {
                  if (next) adopt(next);
                })
              }
            >
              Reload the saved settings (drops your unsaved changes)
            </Button>
          }
        >
          {stale}
        </Notice>
      ) : null}
      <div key={generation}>
        <Stack space="space.300">
          <GeneralSection {...props} />
          <RatesSection {...props} />
          <ProjectsSection {...props} />
          <ThresholdsSection {...props} />
          <ForecastCapacitySection {...props} />
          <ComplianceSection {...props} />
        </Stack>
      </div>
      <Inline space="space.100" alignBlock="center">
        <Button appearance="primary" testId="save" isDisabled={disabled} onClick={() => void run(() => callResolver('settings/save', { expectedVersion: view.version, document }))}>
          Save
        </Button>
        {dirty ? <Text color="color.text.subtlest">Unsaved changes</Text> : null}
        {saving ? <Spinner size="small" /> : null}
        {message ? (
          <span role="status" data-testid={`message-${message.kind}`}>
            <Text color={message.kind === 'error' ? 'color.text.danger' : 'color.text.success'}>{message.text}</Text>
          </span>
        ) : null}
      </Inline>
      {elsewhere.length > 0 ? (
        <ul data-testid="problems-other">
          {elsewhere.map((line) => (
            <li key={line}>
              <Text color="color.text.danger">{line}</Text>
            </li>
          ))}
        </ul>
      ) : null}
      <ImportExport
        key={`import-${generation}`}
        disabled={disabled}
        problems={[]}
        onError={(text) => setMessage({ kind: 'error', text })}
        onImport={(json) => void run(() => callResolver('settings/import', { expectedVersion: view.version, json }))}
      />
      <BudgetImport disabled={!view.editable} currency={view.document.currency} />
      <AuditSection view={view} />
    </Stack>
  );
}

export function App() {
  const { state, reload } = useResolver('settings/get', {});
  const view = shownData(state);
  if (state.status === 'failed' && !view) return <Failure error={state.error} onRetry={() => void reload()} testId="settings-error" />;
  if (!view) return <Spinner label="Loading the settings" testId="settings-loading" />;
  // The page reloads on its own call, so a failed reload leaves the unsaved changes in place.
  const fresh = async (): Promise<SettingsView | null> => {
    try {
      return await callResolver('settings/get', {});
    } catch {
      return null;
    }
  };
  return <Settings initial={view} reload={fresh} />;
}
