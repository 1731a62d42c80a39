/** The audit log of settings and budget changes, with its filters and CSV (Jira administrators and PMO editors). */
import { useState } from 'react';
import Button from '@atlaskit/button/default/button';
import Heading from '@atlaskit/heading';
import { Inline, Stack, Text } from '@atlaskit/primitives';
import type { AuditFilter, AuditPageView, SettingsView } from '@pmo/contract';
import { callResolver } from '../../../shared/api';
import { failureText } from './failure';

export function AuditSection({ view }: { view: SettingsView }) {
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
