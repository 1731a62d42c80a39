import DynamicTable from '@atlaskit/dynamic-table';
import type { HeadType, RowType } from '@atlaskit/dynamic-table/types';
import Lozenge from '@atlaskit/lozenge';
import EmptyState from '@atlaskit/empty-state';
import { formatDistanceStrict } from 'date-fns';
import type { PortfolioProject } from '@pmo/contract';

const head: HeadType = {
  cells: [
    { key: 'project', content: 'Project', isSortable: true, width: 22 },
    { key: 'portfolio', content: 'Portfolio', isSortable: true, width: 14 },
    { key: 'lead', content: 'Lead', isSortable: true, width: 13 },
    { key: 'total', content: 'Issues', isSortable: true, width: 7 },
    { key: 'toDo', content: 'To do', isSortable: true, width: 7 },
    { key: 'inProgress', content: 'In progress', isSortable: true, width: 8 },
    { key: 'done', content: 'Done', isSortable: true, width: 7 },
    { key: 'percentDone', content: '% done', isSortable: true, width: 7 },
    { key: 'overdue', content: 'Overdue', isSortable: true, width: 7 },
    { key: 'lastUpdated', content: 'Last updated', isSortable: true, width: 10 },
  ],
};

/** Sort keys are the cells' `key`s: numbers sort as numbers, and "not set" sorts below every value. */
function toRow(project: PortfolioProject, now: Date): RowType {
  const { issueCounts } = project;
  return {
    key: project.key,
    testId: `project-row-${project.key}`,
    cells: [
      { key: project.key, content: <span title={project.name}><strong>{project.key}</strong> {project.name}</span> },
      { key: project.portfolio?.name ?? '', content: project.portfolio?.name ?? <em>No portfolio</em> },
      { key: project.lead?.displayName ?? '', content: project.lead?.displayName ?? <em>No lead</em> },
      { key: issueCounts.total, content: issueCounts.total },
      { key: issueCounts.toDo, content: issueCounts.toDo },
      { key: issueCounts.inProgress, content: issueCounts.inProgress },
      { key: issueCounts.done, content: issueCounts.done },
      { key: project.percentDone ?? -1, content: project.percentDone === null ? <em>No issues</em> : `${project.percentDone}%` },
      {
        key: project.overdueCount,
        content: <Lozenge appearance={project.overdueCount > 0 ? 'removed' : 'success'}>{project.overdueCount}</Lozenge>,
      },
      {
        key: project.lastUpdated ?? '',
        content: project.lastUpdated ? (
          <time dateTime={project.lastUpdated} title={project.lastUpdated}>
            {formatDistanceStrict(new Date(project.lastUpdated), now, { addSuffix: true })}
          </time>
        ) : (
          <em>Never</em>
        ),
      },
    ],
  };
}

export function PortfolioTable({ projects, isLoading, now }: { projects: PortfolioProject[]; isLoading: boolean; now: Date }) {
  return (
    <DynamicTable
      testId="portfolio-table"
      label="Projects in the portfolio"
      head={head}
      rows={projects.map((project) => toRow(project, now))}
      defaultSortKey="project"
      defaultSortOrder="ASC"
      isLoading={isLoading}
      emptyView={
        <EmptyState
          testId="portfolio-empty"
          header="No projects to show"
          description="You cannot browse any Jira project in this portfolio yet. Ask a Jira administrator for access, or choose another portfolio."
        />
      }
    />
  );
}
