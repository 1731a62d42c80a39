/**
 * The simulated Jira Cloud's SQLite database: opening it (schema applied, WAL) and loading a dataset
 * into it, replacing whatever it held.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Dataset, Grantees } from '../dataset';
import { formatJiraDateTime, parseInstant } from './jira-time';

export type JiraDatabase = Database.Database;

const SCHEMA_FILE = path.join(__dirname, 'schema.sql');

/** Opens (or creates) the database at `file` (or ':memory:') with the schema applied. */
export function openJiraDatabase(file: string): JiraDatabase {
  const db = new Database(file);
  // WAL lets the local site's readers run while a sync writes; NORMAL is safe with WAL and much faster.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.exec(fs.readFileSync(SCHEMA_FILE, 'utf8'));
  return db;
}

/** Whether a dataset has been imported (the site row is written by every import). */
export function jiraDatabaseHasData(db: JiraDatabase): boolean {
  return db.prepare('SELECT 1 FROM site WHERE id = 1').get() !== undefined;
}

export interface ImportSummary {
  users: number;
  projects: number;
  issues: number;
  changelogs: number;
  worklogs: number;
  milliseconds: number;
}

/** Tables from the leaves up, so deleting in this order never leaves a dangling reference. */
const TABLES_CHILDREN_FIRST = [
  'worklogs',
  'changelogs',
  'issue_links',
  'issue_fix_versions',
  'issues',
  'versions',
  'project_permissions',
  'projects',
  'categories',
  'global_permissions',
  'user_groups',
  'groups',
  'users',
  'statuses',
  'issue_types',
  'priorities',
  'custom_fields',
  'site',
] as const;

/**
 * Replaces the database's content with `dataset` in one transaction. References between records
 * (parent, fix versions, links) are resolved here and a dangling one fails the import naming the
 * record; the rest is left to the schema's foreign keys.
 */
export function importDataset(db: JiraDatabase, dataset: Dataset): ImportSummary {
  const started = performance.now();
  const counts = { changelogs: 0, worklogs: 0 };

  const insert = {
    site: db.prepare('INSERT INTO site (id, name, time_zone, generated_at) VALUES (1, ?, ?, ?)'),
    user: db.prepare('INSERT INTO users (account_id, display_name, email, active, time_zone, locale) VALUES (?, ?, ?, ?, ?, ?)'),
    group: db.prepare('INSERT INTO groups (name, group_id) VALUES (?, ?)'),
    userGroup: db.prepare('INSERT OR IGNORE INTO user_groups (account_id, group_name) VALUES (?, ?)'),
    globalPermission: db.prepare('INSERT OR IGNORE INTO global_permissions (permission, grantee_kind, grantee) VALUES (?, ?, ?)'),
    category: db.prepare('INSERT INTO categories (id, name, description) VALUES (?, ?, ?)'),
    project: db.prepare(
      `INSERT INTO projects (id, key, name, description, lead_account_id, category_id, project_type_key, next_issue_number)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    projectPermission: db.prepare(
      'INSERT OR IGNORE INTO project_permissions (project_id, permission, grantee_kind, grantee) VALUES (?, ?, ?, ?)',
    ),
    status: db.prepare('INSERT INTO statuses (id, name, category_key) VALUES (?, ?, ?)'),
    issueType: db.prepare('INSERT INTO issue_types (id, name, description, hierarchy_level, subtask) VALUES (?, ?, ?, ?, ?)'),
    priority: db.prepare('INSERT INTO priorities (id, name) VALUES (?, ?)'),
    customField: db.prepare('INSERT INTO custom_fields (id, name, description, type, items, custom) VALUES (?, ?, ?, ?, ?, ?)'),
    version: db.prepare(
      `INSERT INTO versions (id, project_id, name, description, start_date, release_date, released, archived)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    issue: db.prepare(
      `INSERT INTO issues (id, key, project_id, issue_number, issue_type_id, summary, status_id, priority_id,
         reporter_account_id, assignee_account_id, parent_id, created, created_ms, updated, updated_ms,
         resolutiondate, resolved_ms, duedate, labels, timeoriginalestimate, timeestimate, custom_fields, description)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    fixVersion: db.prepare('INSERT OR IGNORE INTO issue_fix_versions (issue_id, version_id) VALUES (?, ?)'),
    link: db.prepare('INSERT INTO issue_links (id, type, inward_issue_id, outward_issue_id) VALUES (?, ?, ?, ?)'),
    changelog: db.prepare(
      'INSERT INTO changelogs (id, issue_id, author_account_id, created, created_ms, items) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    worklog: db.prepare(
      `INSERT INTO worklogs (id, issue_id, author_account_id, started, started_ms, time_spent_seconds, created, updated, updated_ms, comment)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
  };

  const insertGrantees = (grantees: Grantees, write: (kind: 'group' | 'user', grantee: string) => void): void => {
    for (const group of grantees.groups) write('group', group);
    for (const user of grantees.users) write('user', user);
  };

  const run = db.transaction(() => {
    // Parents, links and versions may point forward in the file: check references at commit.
    db.pragma('defer_foreign_keys = ON');
    for (const table of TABLES_CHILDREN_FIRST) db.prepare(`DELETE FROM ${table}`).run();

    insert.site.run(dataset.site.name, dataset.site.timeZone, dataset.generatedAt);
    for (const group of dataset.groups) insert.group.run(group.name, group.groupId);
    for (const user of dataset.users) {
      insert.user.run(user.accountId, user.displayName, user.emailAddress, user.active ? 1 : 0, user.timeZone, user.locale);
      for (const group of user.groups) insert.userGroup.run(user.accountId, group);
    }
    for (const [permission, grantees] of Object.entries(dataset.globalPermissions)) {
      if (grantees) insertGrantees(grantees, (kind, grantee) => insert.globalPermission.run(permission, kind, grantee));
    }
    for (const category of dataset.categories) insert.category.run(Number(category.id), category.name, category.description);

    const projectIdByKey = new Map<string, number>();
    const highestIssueNumber = new Map<string, number>();
    for (const issue of dataset.issues) {
      const number = issueNumber(issue.key);
      highestIssueNumber.set(issue.projectKey, Math.max(highestIssueNumber.get(issue.projectKey) ?? 0, number));
    }
    for (const project of dataset.projects) {
      const id = Number(project.id);
      projectIdByKey.set(project.key, id);
      insert.project.run(
        id,
        project.key,
        project.name,
        project.description,
        project.leadAccountId,
        project.categoryId === undefined ? null : Number(project.categoryId),
        project.projectTypeKey,
        (highestIssueNumber.get(project.key) ?? 0) + 1,
      );
      for (const [permission, grantees] of Object.entries(project.permissions)) {
        if (grantees) insertGrantees(grantees, (kind, grantee) => insert.projectPermission.run(id, permission, kind, grantee));
      }
    }
    const projectId = (key: string, what: string): number => {
      const id = projectIdByKey.get(key);
      if (id === undefined) throw new Error(`${what} names project ${key}, which the dataset does not define`);
      return id;
    };

    for (const status of dataset.statuses) insert.status.run(Number(status.id), status.name, status.categoryKey);
    for (const type of dataset.issueTypes) {
      insert.issueType.run(Number(type.id), type.name, type.description, type.hierarchyLevel, type.subtask ? 1 : 0);
    }
    for (const priority of dataset.priorities) insert.priority.run(Number(priority.id), priority.name);
    for (const field of dataset.customFields) {
      insert.customField.run(field.id, field.name, field.description, field.type, field.items ?? null, field.custom);
    }
    const versionIds = new Set<string>();
    for (const version of dataset.versions) {
      versionIds.add(version.id);
      insert.version.run(
        Number(version.id),
        projectId(version.projectKey, `Version ${version.id}`),
        version.name,
        version.description,
        version.startDate,
        version.releaseDate,
        version.released ? 1 : 0,
        version.archived ? 1 : 0,
      );
    }

    const issueIdByKey = new Map<string, number>();
    for (const issue of dataset.issues) issueIdByKey.set(issue.key, Number(issue.id));
    const issueId = (key: string, what: string): number => {
      const id = issueIdByKey.get(key);
      if (id === undefined) throw new Error(`${what} names issue ${key}, which the dataset does not define`);
      return id;
    };

    for (const issue of dataset.issues) {
      const id = Number(issue.id);
      const createdMs = parseInstant(issue.created);
      const updatedMs = parseInstant(issue.updated);
      const resolvedMs = issue.resolutiondate === null ? null : parseInstant(issue.resolutiondate);
      insert.issue.run(
        id,
        issue.key,
        projectId(issue.projectKey, `Issue ${issue.key}`),
        issueNumber(issue.key),
        Number(issue.issueTypeId),
        issue.summary,
        Number(issue.statusId),
        Number(issue.priorityId),
        issue.reporterAccountId,
        issue.assigneeAccountId,
        issue.parentKey === null ? null : issueId(issue.parentKey, `Issue ${issue.key} (parent)`),
        formatJiraDateTime(createdMs),
        createdMs,
        formatJiraDateTime(updatedMs),
        updatedMs,
        resolvedMs === null ? null : formatJiraDateTime(resolvedMs),
        resolvedMs,
        issue.duedate,
        JSON.stringify(issue.labels),
        issue.timeoriginalestimate,
        issue.timeestimate,
        JSON.stringify(issue.customFields),
        issue.description,
      );
      for (const versionId of issue.fixVersionIds) {
        if (!versionIds.has(versionId)) throw new Error(`Issue ${issue.key} names fix version ${versionId}, which the dataset does not define`);
        insert.fixVersion.run(id, Number(versionId));
      }
      // This issue is the outward side ("blocks"), the named issue the inward side ("is blocked by").
      for (const link of issue.links) {
        insert.link.run(Number(link.id), link.type, issueId(link.outwardIssueKey, `Issue ${issue.key} (link ${link.id})`), id);
      }
      for (const entry of issue.changelog) {
        const createdAt = parseInstant(entry.created);
        insert.changelog.run(Number(entry.id), id, entry.authorAccountId, formatJiraDateTime(createdAt), createdAt, JSON.stringify(entry.items));
        counts.changelogs++;
      }
      for (const worklog of issue.worklogs) {
        const startedAt = parseInstant(worklog.started);
        const updatedAt = parseInstant(worklog.updated);
        insert.worklog.run(
          Number(worklog.id),
          id,
          worklog.authorAccountId,
          formatJiraDateTime(startedAt),
          startedAt,
          worklog.timeSpentSeconds,
          formatJiraDateTime(parseInstant(worklog.created)),
          formatJiraDateTime(updatedAt),
          updatedAt,
          worklog.comment ?? null,
        );
        counts.worklogs++;
      }
    }
  });

  try {
    run();
  } catch (error) {
    // Checked by code, not instanceof: SqliteError may come from another realm (jest's sandbox).
    if ((error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
      throw new Error(`The dataset refers to a record it does not define: ${describeDanglingReferences(dataset)}`, { cause: error });
    }
    throw error;
  }

  return {
    users: dataset.users.length,
    projects: dataset.projects.length,
    issues: dataset.issues.length,
    changelogs: counts.changelogs,
    worklogs: counts.worklogs,
    milliseconds: Math.round(performance.now() - started),
  };
}

function issueNumber(key: string): number {
  return Number(key.slice(key.lastIndexOf('-') + 1));
}

/** Runs only after SQLite refused the import, to say which references were the problem. */
function describeDanglingReferences(dataset: Dataset): string {
  const users = new Set(dataset.users.map((user) => user.accountId));
  const groups = new Set(dataset.groups.map((group) => group.name));
  const ids = (records: { id: string }[]): Set<string> => new Set(records.map((record) => record.id));
  const statuses = ids(dataset.statuses);
  const types = ids(dataset.issueTypes);
  const priorities = ids(dataset.priorities);
  const categories = ids(dataset.categories);
  const problems: string[] = [];
  const check = (ok: boolean, message: string): void => {
    if (!ok && problems.length < 5) problems.push(message);
  };
  for (const user of dataset.users) for (const group of user.groups) check(groups.has(group), `user ${user.accountId} is in unknown group '${group}'`);
  const checkGrantees = (grantees: Grantees | undefined, where: string): void => {
    for (const group of grantees?.groups ?? []) check(groups.has(group), `${where} grants unknown group '${group}'`);
    for (const user of grantees?.users ?? []) check(users.has(user), `${where} grants unknown user '${user}'`);
  };
  for (const [permission, grantees] of Object.entries(dataset.globalPermissions)) checkGrantees(grantees, `global permission ${permission}`);
  for (const project of dataset.projects) {
    check(users.has(project.leadAccountId), `project ${project.key} has unknown lead '${project.leadAccountId}'`);
    check(project.categoryId === undefined || categories.has(project.categoryId), `project ${project.key} has unknown category ${project.categoryId}`);
    for (const [permission, grantees] of Object.entries(project.permissions)) checkGrantees(grantees, `project ${project.key} ${permission}`);
  }
  for (const issue of dataset.issues) {
    check(statuses.has(issue.statusId), `issue ${issue.key} has unknown status ${issue.statusId}`);
    check(types.has(issue.issueTypeId), `issue ${issue.key} has unknown issue type ${issue.issueTypeId}`);
    check(priorities.has(issue.priorityId), `issue ${issue.key} has unknown priority ${issue.priorityId}`);
    check(users.has(issue.reporterAccountId), `issue ${issue.key} has unknown reporter '${issue.reporterAccountId}'`);
    check(issue.assigneeAccountId === null || users.has(issue.assigneeAccountId), `issue ${issue.key} has unknown assignee '${issue.assigneeAccountId}'`);
    for (const entry of issue.changelog) check(users.has(entry.authorAccountId), `issue ${issue.key} changelog ${entry.id} has unknown author`);
    for (const worklog of issue.worklogs) check(users.has(worklog.authorAccountId), `issue ${issue.key} worklog ${worklog.id} has unknown author`);
  }
  return problems.length > 0 ? problems.join('; ') : 'see the foreign keys of local/jira/db/schema.sql';
}
