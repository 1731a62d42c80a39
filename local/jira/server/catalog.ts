/**
 * Read access to the small reference tables (statuses, types, projects, users...), loaded lazily and
 * kept for one request only, so an import or an edit is seen by the next request.
 */
import type { JiraDatabase } from '../db/database';
import { findUserByAccountId, type UserRow } from './access';

export interface StatusRow {
  id: number;
  name: string;
  category_key: 'new' | 'indeterminate' | 'done';
}
export interface IssueTypeRow {
  id: number;
  name: string;
  description: string;
  hierarchy_level: number;
  subtask: number;
}
export interface PriorityRow {
  id: number;
  name: string;
}
export interface CategoryRow {
  id: number;
  name: string;
  description: string;
}
export interface ProjectRow {
  id: number;
  key: string;
  name: string;
  description: string;
  lead_account_id: string;
  category_id: number | null;
  project_type_key: 'software' | 'business' | 'service_desk';
}
export interface CustomFieldRow {
  id: string;
  name: string;
  description: string;
  type: 'number' | 'string' | 'date' | 'datetime' | 'array' | 'option' | 'user';
  items: 'string' | 'option' | null;
  custom: string;
}
export interface VersionRow {
  id: number;
  project_id: number;
  name: string;
  description: string;
  start_date: string | null;
  release_date: string | null;
  released: number;
  archived: number;
}

function byId<T extends { id: number }>(rows: T[]): Map<number, T> {
  return new Map(rows.map((row) => [row.id, row]));
}

export class Catalog {
  private statusMap?: Map<number, StatusRow>;
  private typeMap?: Map<number, IssueTypeRow>;
  private priorityMap?: Map<number, PriorityRow>;
  private categoryMap?: Map<number, CategoryRow>;
  private projectMap?: Map<number, ProjectRow>;
  private customFieldList?: CustomFieldRow[];
  private readonly users = new Map<string, UserRow | undefined>();

  constructor(readonly db: JiraDatabase) {}

  statuses(): Map<number, StatusRow> {
    return (this.statusMap ??= byId(this.db.prepare('SELECT id, name, category_key FROM statuses ORDER BY id').all() as StatusRow[]));
  }
  issueTypes(): Map<number, IssueTypeRow> {
    return (this.typeMap ??= byId(
      this.db.prepare('SELECT id, name, description, hierarchy_level, subtask FROM issue_types ORDER BY id').all() as IssueTypeRow[],
    ));
  }
  priorities(): Map<number, PriorityRow> {
    return (this.priorityMap ??= byId(this.db.prepare('SELECT id, name FROM priorities ORDER BY id').all() as PriorityRow[]));
  }
  categories(): Map<number, CategoryRow> {
    return (this.categoryMap ??= byId(this.db.prepare('SELECT id, name, description FROM categories ORDER BY id').all() as CategoryRow[]));
  }
  projects(): Map<number, ProjectRow> {
    return (this.projectMap ??= byId(
      this.db
        .prepare('SELECT id, key, name, description, lead_account_id, category_id, project_type_key FROM projects ORDER BY key')
        .all() as ProjectRow[],
    ));
  }
  customFields(): CustomFieldRow[] {
    return (this.customFieldList ??= this.db
      .prepare('SELECT id, name, description, type, items, custom FROM custom_fields ORDER BY CAST(substr(id, 13) AS INTEGER)')
      .all() as CustomFieldRow[]);
  }

  status(id: number): StatusRow {
    return required(this.statuses().get(id), 'status', id);
  }
  issueType(id: number): IssueTypeRow {
    return required(this.issueTypes().get(id), 'issue type', id);
  }
  priority(id: number): PriorityRow {
    return required(this.priorities().get(id), 'priority', id);
  }
  project(id: number): ProjectRow {
    return required(this.projects().get(id), 'project', id);
  }
  category(id: number | null): CategoryRow | undefined {
    return id === null ? undefined : this.categories().get(id);
  }
  user(accountId: string): UserRow | undefined {
    if (!this.users.has(accountId)) this.users.set(accountId, findUserByAccountId(this.db, accountId));
    return this.users.get(accountId);
  }

  /**
   * A project by id or key, as Jira's `{projectIdOrKey}`: digits are an id, anything else a key
   * (case sensitive, as the spec says).
   */
  findProject(idOrKey: string): ProjectRow | undefined {
    if (/^\d+$/.test(idOrKey)) return this.projects().get(Number(idOrKey));
    for (const project of this.projects().values()) if (project.key === idOrKey) return project;
    return undefined;
  }
}

function required<T>(row: T | undefined, what: string, id: number): T {
  if (row === undefined) throw new Error(`The database has no ${what} ${id} though an issue refers to it`);
  return row;
}
