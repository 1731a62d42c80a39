/**
 * The status report macro's config dialog: which projects (some, or one portfolio's), which sections,
 * live or frozen, the activity window and the budget change the agenda reports. Saved with view.submit;
 * the resolver checks it again whenever the report is read.
 */
import { useState } from 'react';
import { view } from '@forge/bridge';
import Button from '@atlaskit/button/default/button';
import Heading from '@atlaskit/heading';
import Spinner from '@atlaskit/spinner';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import { REPORT_SECTIONS, type ReportChoices, type ReportSection, type StatusReportConfig } from '@pmo/contract';
import { Failure, Notice } from '../../shared/ui';
import { shownData, useResolver } from '../../shared/useResolver';

const SECTION_LABELS: Record<ReportSection, string> = {
  summary: 'Summary: health and its reasons',
  earnedValue: 'Earned value with its trend',
  milestones: 'Milestones',
  risks: 'Risks',
  compliance: 'Process compliance',
  budgetChanges: 'Budget changes',
  activity: 'Activity',
};

/** What is wrong with the config, in words, or nothing. The resolver checks the same again. */
export function problemsOf(config: StatusReportConfig): string[] {
  const problems: string[] = [];
  if (config.scope === 'projects' && config.projectKeys.length === 0) problems.push('Choose at least one project.');
  if (config.sections.length === 0) problems.push('Choose at least one section.');
  if (!Number.isInteger(config.activityDays) || config.activityDays < 1 || config.activityDays > 90) problems.push('Activity covers 1 to 90 days.');
  if (!(config.budgetChangeShare >= 0 && config.budgetChangeShare <= 10)) problems.push('The budget change is a share from 0% to 1,000%.');
  return problems;
}

function Form({ choices }: { choices: ReportChoices }) {
  const [config, setConfig] = useState<StatusReportConfig>(choices.config);
  const [saving, setSaving] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  const update = (patch: Partial<StatusReportConfig>) => setConfig((current) => ({ ...current, ...patch }));
  const problems = problemsOf(config);
  const save = () => {
    setSaving(true);
    setFailed(null);
    view.submit({ config }).catch((error: unknown) => {
      setSaving(false);
      setFailed(error instanceof Error ? error.message : String(error));
    });
  };
  return (
    <Stack space="space.200">
      <fieldset>
        <legend>Projects</legend>
        <label>
          <input type="radio" name="scope" data-testid="scope-portfolio" checked={config.scope === 'portfolio'} onChange={() => update({ scope: 'portfolio' })} /> A portfolio:{' '}
          <select data-testid="portfolio" value={config.portfolio} onChange={(event) => update({ scope: 'portfolio', portfolio: event.currentTarget.value })}>
            {choices.portfolios.map((name) => (
              <option key={name ?? ''} value={name ?? ''}>
                {name ?? 'No portfolio'}
              </option>
            ))}
          </select>
        </label>
        <br />
        <label>
          <input type="radio" name="scope" data-testid="scope-projects" checked={config.scope === 'projects'} onChange={() => update({ scope: 'projects' })} /> These projects:
        </label>
        <div data-testid="project-choices">
          {choices.projects.map((project) => (
            <label key={project.key} style={{ display: 'block' }}>
              <input
                type="checkbox"
                data-testid={`project-${project.key}`}
                checked={config.projectKeys.includes(project.key)}
                onChange={(event) => {
                  const checked = event.currentTarget.checked;
                  update({ scope: 'projects', projectKeys: checked ? [...config.projectKeys, project.key] : config.projectKeys.filter((key) => key !== project.key) });
                }}
              />{' '}
              {project.key} {project.name}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>Sections</legend>
        {REPORT_SECTIONS.map((section) => (
          <label key={section} style={{ display: 'block' }}>
            <input
              type="checkbox"
              data-testid={`section-${section}`}
              checked={config.sections.includes(section)}
              onChange={(event) => {
                const checked = event.currentTarget.checked;
                update({ sections: REPORT_SECTIONS.filter((candidate) => (candidate === section ? checked : config.sections.includes(candidate))) });
              }}
            />{' '}
            {SECTION_LABELS[section]}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Mode</legend>
        <label>
          <input type="radio" name="mode" data-testid="mode-live" checked={config.mode === 'live'} onChange={() => update({ mode: 'live' })} /> Live: today’s figures whenever the page is read
        </label>
        <br />
        <label>
          <input type="radio" name="mode" data-testid="mode-frozen" checked={config.mode === 'frozen'} onChange={() => update({ mode: 'frozen' })} /> Frozen: a record kept as it was on its day
        </label>
      </fieldset>
      <Inline space="space.200" shouldWrap>
        <label>
          Activity of the last{' '}
          <input type="number" data-testid="activity-days" min={1} max={90} value={config.activityDays} onChange={(event) => update({ activityDays: Number(event.currentTarget.value) })} style={{ width: 64 }} /> days
        </label>
        <label>
          Agenda: budget changes above{' '}
          <input
            type="number"
            data-testid="budget-change"
            min={0}
            max={1000}
            value={Math.round(config.budgetChangeShare * 100)}
            onChange={(event) => update({ budgetChangeShare: Number(event.currentTarget.value) / 100 })}
            style={{ width: 64 }}
          />{' '}
          %
        </label>
      </Inline>
      {problems.length > 0 ? (
        <Notice appearance="warning" title="Not ready to save" testId="config-problems">
          <ul>
            {problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </Notice>
      ) : null}
      {failed ? (
        <Notice appearance="error" title="The configuration was not saved" testId="config-failed">
          <Text>{failed}</Text>
        </Notice>
      ) : null}
      <Inline space="space.100">
        <Button appearance="primary" testId="save-config" onClick={save} isDisabled={saving || problems.length > 0}>
          {saving ? 'Saving…' : 'Save'}
        </Button>
        <Button appearance="subtle" testId="cancel-config" onClick={() => void view.close()}>
          Cancel
        </Button>
      </Inline>
    </Stack>
  );
}

export function App() {
  const call = useResolver('report/choices', {});
  const choices = shownData(call.state);
  return (
    <Box padding="space.200">
      <Stack space="space.150">
        <Heading size="medium" as="h2">
          Configure the PMO status report
        </Heading>
        {call.state.status === 'failed' ? <Failure error={call.state.error} onRetry={() => void call.reload()} testId="choices-error" /> : null}
        {!choices ? (
          <Inline space="space.100" alignBlock="center">
            <Spinner size="small" label="Loading" />
            <Text>Loading your projects…</Text>
          </Inline>
        ) : choices.projects.length === 0 ? (
          <Notice appearance="information" title="No project to report on" testId="no-projects">
            <Text>No synced project you may browse in Jira yet.</Text>
          </Notice>
        ) : (
          <Form choices={choices} />
        )}
      </Stack>
    </Box>
  );
}
