/** Each project's cost source, budget (BAC), default rate and the baseline its slip is measured against. */
import { useState } from 'react';
import { Stack, Text } from '@atlaskit/primitives';
import type { CostSourceSetting, ProjectSettingsSection, SettingsDocumentJson } from '@pmo/contract';
import { RateList } from './RateList';
import { Section, type SectionProps } from './common';

const emptySection = (): ProjectSettingsSection => ({ costSource: 'both', projectBudget: null, defaultRates: [], baselines: [], chosenBaselineId: null });

/** A typed amount: empty is "the sum of the packages"; text that is no number goes to the server as typed, which names it. */
const budgetOf = (text: string): number | null => {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const value = Number(trimmed);
  return (Number.isFinite(value) ? value : trimmed) as number;
};

function ProjectRow({ document, project, update, disabled }: { document: SettingsDocumentJson; project: { key: string; name: string }; update: (next: SettingsDocumentJson) => void; disabled: boolean }) {
  const section = document.projects[project.key] ?? emptySection();
  const [budgetText, setBudgetText] = useState(section.projectBudget === null ? '' : String(section.projectBudget));
  const set = (patch: Partial<ProjectSettingsSection>) => update({ ...document, projects: { ...document.projects, [project.key]: { ...section, ...patch } } });
  const budgetHint = budgetText.trim() !== '' && !Number.isFinite(Number(budgetText.trim())) ? 'must be a number' : null;
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
          value={budgetText}
          onChange={(event) => {
            setBudgetText(event.currentTarget.value);
            set({ projectBudget: budgetOf(event.currentTarget.value) });
          }}
        />
        {budgetHint ? <Text color="color.text.danger">{budgetHint}</Text> : null}
      </td>
      <td>
        <RateList label={`Default rate of ${project.key}`} testId={`project-rates-${project.key}`} rates={section.defaultRates} disabled={disabled} onChange={(defaultRates) => set({ defaultRates })} />
      </td>
      <td>
        {section.baselines.length === 0 ? (
          <Text color="color.text.subtlest">No baseline set</Text>
        ) : (
          <select aria-label={`Baseline of ${project.key}`} data-testid={`baseline-${project.key}`} disabled={disabled} value={section.chosenBaselineId ?? ''} onChange={(event) => set({ chosenBaselineId: event.currentTarget.value || null })}>
            <option value="">None</option>
            {section.baselines.map((baseline) => (
              <option key={baseline.id} value={baseline.id}>
                {baseline.name} ({baseline.setAt.slice(0, 10)}, {baseline.packages.length} packages)
              </option>
            ))}
          </select>
        )}
      </td>
    </tr>
  );
}

export function ProjectsSection({ document, update, disabled, problems, view }: SectionProps) {
  return (
    <Section title="Projects" testId="section-projects" problems={problems} prefixes={['projects']}>
      <Stack space="space.100">
        <table data-testid="projects">
          <thead>
            <tr>
              <th scope="col">Project</th>
              <th scope="col">Cost source</th>
              <th scope="col">Project budget (BAC)</th>
              <th scope="col">Project default rate</th>
              <th scope="col">Baseline</th>
            </tr>
          </thead>
          <tbody>
            {view.projects.map((project) => (
              <ProjectRow key={project.key} project={project} document={document} update={update} disabled={disabled} />
            ))}
          </tbody>
        </table>
      </Stack>
    </Section>
  );
}
