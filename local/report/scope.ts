/** Which of the projects a viewer may browse a request is about. */
import type { JiraProject } from '../../src/jira/projects';
import type { PortfolioFilter } from '../../src/shared/contract';
import { ResolverFailure } from '../../src/resolvers/envelope';

export function selectProjects(projects: JiraProject[], filter: PortfolioFilter): JiraProject[] {
  switch (filter.scope) {
    case 'all':
      return projects;
    case 'project': {
      const match = projects.filter((project) => project.key === filter.projectKey);
      // Same answer whether the project is missing or hidden: Jira does not tell them apart either.
      if (match.length === 0) throw new ResolverFailure('NOT_FOUND', `No project with key ${filter.projectKey} that you may browse.`);
      return match;
    }
    case 'portfolio': {
      const wanted = filter.portfolioName.trim().toLowerCase();
      const match = projects.filter((project) => project.projectCategory?.name.toLowerCase() === wanted);
      if (match.length === 0) throw new ResolverFailure('NOT_FOUND', `No portfolio named "${filter.portfolioName}" with projects you may browse.`);
      return match;
    }
  }
}
