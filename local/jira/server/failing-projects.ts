/**
 * The `failingProjects` knob: which failing project, if any, a REST request concerns.
 *
 * A request concerns a project when its path names the project (`/project/{key or id}` and below)
 * or one of its issues (`/issue/{KEY-n or id}` and below); when the JQL of search/jql or
 * search/approximate-count names it in a project clause (`project = KEY`, `project in (A, KEY)`,
 * by key, id or name, any case) or names one of its issue keys (`KEY-12`) as a word; when
 * changelog/bulkfetch asks for one of its issues; or when worklog/list asks for a worklog of one
 * of its issues. Visibility plays no part: the project is down for everyone.
 */
import type { Request } from 'express';
import type { JiraDatabase } from '../db/database';
import type { JiraRoute } from './http';
import { projectValuesInJql } from './project-clauses';

interface FailingProject {
  /** Upper case, as the knob may give any case. */
  key: string;
  /** Known when the project exists in the dataset. */
  id?: number;
  name?: string;
}

const ISSUE_KEY = /^([A-Za-z][A-Za-z0-9_]*)-(\d+)$/;
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The key (as the knob gives it, upper case) of the failing project `req` concerns, or undefined. */
export function failingProjectOf(db: JiraDatabase, route: Pick<JiraRoute, 'method' | 'path'>, req: Request, failingKeys: readonly string[]): string | undefined {
  if (failingKeys.length === 0) return undefined;
  const failing = resolve(db, failingKeys);
  const params = req.params as Record<string, string | undefined>;

  const projectParam = params.projectIdOrKey;
  if (route.path.includes('{projectIdOrKey}') && projectParam !== undefined) {
    const hit = /^\d+$/.test(projectParam)
      ? failing.find((project) => project.id === Number(projectParam))
      : failing.find((project) => project.key === projectParam.toUpperCase());
    if (hit) return hit.key;
  }

  const issueParam = params.issueIdOrKey;
  if (route.path.includes('{issueIdOrKey}') && issueParam !== undefined) {
    const hit = issueProject(db, failing, [issueParam]);
    if (hit) return hit;
  }

  const body: unknown = req.body;
  switch (`${route.method} ${route.path}`) {
    case 'GET /rest/api/3/search/jql':
      return jqlProject(failing, req.query.jql);
    case 'POST /rest/api/3/search/jql':
    case 'POST /rest/api/3/search/approximate-count':
      return jqlProject(failing, field(body, 'jql'));
    case 'POST /rest/api/3/changelog/bulkfetch': {
      const items = field(body, 'issueIdsOrKeys');
      return Array.isArray(items) ? issueProject(db, failing, items.filter((item): item is string => typeof item === 'string')) : undefined;
    }
    case 'POST /rest/api/3/worklog/list': {
      const ids = field(body, 'ids');
      return Array.isArray(ids) ? worklogProject(db, failing, ids.filter((id): id is number => Number.isInteger(id))) : undefined;
    }
    default:
      return undefined;
  }
}

function field(body: unknown, name: string): unknown {
  return body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
}

function resolve(db: JiraDatabase, failingKeys: readonly string[]): FailingProject[] {
  const keys = [...new Set(failingKeys.map((key) => key.toUpperCase()))];
  const rows = db
    .prepare('SELECT id, key, name FROM projects WHERE upper(key) IN (SELECT value FROM json_each(?))')
    .all(JSON.stringify(keys)) as { id: number; key: string; name: string }[];
  const byKey = new Map(rows.map((row) => [row.key.toUpperCase(), row]));
  return keys.map((key) => {
    const row = byKey.get(key);
    return row ? { key, id: row.id, name: row.name } : { key };
  });
}

/** Issues named by key (their key's project, whether or not the issue exists) or by id (looked up). */
function issueProject(db: JiraDatabase, failing: FailingProject[], idsOrKeys: readonly string[]): string | undefined {
  const ids: number[] = [];
  for (const value of idsOrKeys) {
    if (/^\d+$/.test(value)) {
      ids.push(Number(value));
      continue;
    }
    const prefix = ISSUE_KEY.exec(value.trim())?.[1].toUpperCase();
    const hit = failing.find((project) => project.key === prefix);
    if (hit) return hit.key;
  }
  if (ids.length === 0) return undefined;
  return projectOfRows(
    failing,
    db
      .prepare('SELECT DISTINCT i.project_id AS projectId FROM issues i WHERE i.id IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(ids)) as { projectId: number }[],
  );
}

function worklogProject(db: JiraDatabase, failing: FailingProject[], ids: readonly number[]): string | undefined {
  if (ids.length === 0) return undefined;
  return projectOfRows(
    failing,
    db
      .prepare(
        `SELECT DISTINCT i.project_id AS projectId FROM worklogs w JOIN issues i ON i.id = w.issue_id
         WHERE w.id IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(ids)) as { projectId: number }[],
  );
}

function projectOfRows(failing: FailingProject[], rows: { projectId: number }[]): string | undefined {
  const projectIds = new Set(rows.map((row) => row.projectId));
  return failing.find((project) => project.id !== undefined && projectIds.has(project.id))?.key;
}

function jqlProject(failing: FailingProject[], jql: unknown): string | undefined {
  const texts = (Array.isArray(jql) ? jql : [jql]).filter((text): text is string => typeof text === 'string');
  for (const text of texts) {
    for (const { value } of projectValuesInJql(text)) {
      const lower = value.toLowerCase();
      const hit = failing.find(
        (project) => project.key.toLowerCase() === lower || (project.id !== undefined && String(project.id) === value) || project.name?.toLowerCase() === lower,
      );
      if (hit) return hit.key;
    }
    for (const project of failing) {
      // An issue key as a word: ALPHA-12, not XALPHA-12 or ALPHA-12B.
      if (new RegExp(`(?<![A-Za-z0-9_])${escapeRegExp(project.key)}-\\d+(?![A-Za-z0-9_])`, 'i').test(text)) return project.key;
    }
  }
  return undefined;
}
