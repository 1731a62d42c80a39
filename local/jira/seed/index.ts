/**
 * The demo dataset of the simulated Jira: a deterministic site generated from a seed and a "now".
 *
 *   const dataset = generateDemoDataset({ seed: 42, now: new Date('2026-03-02T09:00:00Z') });
 *
 * `size: 'large'` makes 200 projects and 100,000 issues; `streamDemoDataset` hands them out one project
 * at a time and `writeDatasetJson` writes them without building the whole JSON text in memory.
 */
import type { Dataset } from '../dataset';
import { referenceData } from './catalog';
import { demoPortfolio } from './demo-portfolio';
import { largePortfolio } from './large-portfolio';
import { siteFromPlan, type PortfolioPlan } from './portfolio';
import { generateProject, type GeneratedProject, type GeneratorContext } from './project-generator';
import { Random, deriveSeed } from './random';

export type DemoDatasetSize = 'demo' | 'large';

export interface DemoDatasetOptions {
  /** Same seed and same now give the same dataset. Default 42. */
  seed?: number;
  /** The moment the data describes as now; every date is derived from it. Default: today 09:00 UTC. */
  now?: Date;
  size?: DemoDatasetSize;
}

export interface DemoDatasetStream {
  /** Everything but versions and issues. */
  site: Omit<Dataset, 'versions' | 'issues'>;
  /** Versions and issues, one project at a time in project order; each call starts over and gives the same data. */
  projects(): Generator<GeneratedProject & { projectKey: string }>;
}

export const DEFAULT_SEED = 42;

/** Today (by the clock given) at 09:00 UTC: a stable "now" for a whole day of runs. */
export function defaultNow(clock: Date = new Date()): Date {
  return new Date(Date.UTC(clock.getUTCFullYear(), clock.getUTCMonth(), clock.getUTCDate(), 9, 0, 0));
}

export function streamDemoDataset(options: DemoDatasetOptions = {}): DemoDatasetStream {
  const seed = options.seed ?? DEFAULT_SEED;
  const now = options.now ?? defaultNow();
  if (Number.isNaN(now.getTime())) throw new Error('now is not a valid date');
  const size = options.size ?? 'demo';
  const plan: PortfolioPlan = size === 'large' ? largePortfolio(new Random(deriveSeed(seed, 0))) : demoPortfolio();
  const site = siteFromPlan(plan, now, referenceData());
  const displayNames = new Map(plan.users.map((user) => [user.accountId, user.displayName]));

  function* projects(): Generator<GeneratedProject & { projectKey: string }> {
    const context: GeneratorContext = {
      now: now.getTime(),
      lite: size === 'large',
      displayNames,
      nextId: { issue: 10001, changelog: 100001, worklog: 200001, link: 10001, version: 10001 },
      openIssuesByCategory: new Map(),
    };
    for (const [position, project] of plan.projects.entries()) {
      // Each project has its own random stream, so one project's data does not depend on another's draws.
      const generated = generateProject(project, context, new Random(deriveSeed(seed, position + 1)));
      yield { projectKey: project.key, ...generated };
    }
  }
  return { site, projects };
}

export function generateDemoDataset(options: DemoDatasetOptions = {}): Dataset {
  const { site, projects } = streamDemoDataset(options);
  const versions: Dataset['versions'] = [];
  const issues: Dataset['issues'] = [];
  for (const project of projects()) {
    versions.push(...project.versions);
    for (const issue of project.issues) issues.push(issue);
  }
  return { ...site, versions, issues };
}

/**
 * Writes a dataset as JSON in pieces (one issue at a time), so a large site never becomes one huge
 * string. The text parses to the same value as JSON.stringify(dataset); issues come before versions
 * because versions are only known once a project's issues are.
 */
export function writeDatasetJson(stream: DemoDatasetStream, write: (chunk: string) => void): void {
  const site = JSON.stringify(stream.site);
  write(site.slice(0, -1));
  write(',"issues":[');
  const versions: Dataset['versions'] = [];
  let first = true;
  for (const project of stream.projects()) {
    versions.push(...project.versions);
    for (const issue of project.issues) {
      write(first ? JSON.stringify(issue) : `,${JSON.stringify(issue)}`);
      first = false;
    }
  }
  write(`],"versions":${JSON.stringify(versions)}}`);
}

export { generateProject } from './project-generator';
export type { GeneratedProject, ProjectPlan } from './project-generator';
export type { HealthProfile, HealthProfileName } from './profiles';
export { PROFILES } from './profiles';
export { DEMO_PROJECTS, DEMO_CATEGORIES, demoAccountId } from './demo-portfolio';
export { FIELD, STATUS, ISSUE_TYPE, PRIORITY } from './catalog';
