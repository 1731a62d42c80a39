-- The simulated Jira Cloud's database. Times are kept twice: as Jira's ISO text for answers and
-- as epoch milliseconds (*_ms) for JQL comparisons and ordering. Dates (due, release) are YYYY-MM-DD.
PRAGMA foreign_keys = ON;

CREATE TABLE IF NOT EXISTS site (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  name TEXT NOT NULL,
  time_zone TEXT NOT NULL,
  generated_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS users (
  account_id TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  active INTEGER NOT NULL,
  time_zone TEXT NOT NULL,
  locale TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS groups (
  name TEXT PRIMARY KEY,
  group_id TEXT NOT NULL UNIQUE
);

CREATE TABLE IF NOT EXISTS user_groups (
  account_id TEXT NOT NULL REFERENCES users(account_id),
  group_name TEXT NOT NULL REFERENCES groups(name),
  PRIMARY KEY (account_id, group_name)
);

-- grantee_kind is 'group' or 'user'.
CREATE TABLE IF NOT EXISTS global_permissions (
  permission TEXT NOT NULL,
  grantee_kind TEXT NOT NULL CHECK (grantee_kind IN ('group', 'user')),
  grantee TEXT NOT NULL,
  PRIMARY KEY (permission, grantee_kind, grantee)
);

CREATE TABLE IF NOT EXISTS categories (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS projects (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  lead_account_id TEXT NOT NULL REFERENCES users(account_id),
  category_id INTEGER REFERENCES categories(id),
  project_type_key TEXT NOT NULL,
  -- Next issue number, so keys are never reused.
  next_issue_number INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE IF NOT EXISTS project_permissions (
  project_id INTEGER NOT NULL REFERENCES projects(id),
  permission TEXT NOT NULL,
  grantee_kind TEXT NOT NULL CHECK (grantee_kind IN ('group', 'user')),
  grantee TEXT NOT NULL,
  PRIMARY KEY (project_id, permission, grantee_kind, grantee)
);

CREATE TABLE IF NOT EXISTS statuses (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  category_key TEXT NOT NULL CHECK (category_key IN ('new', 'indeterminate', 'done'))
);

CREATE TABLE IF NOT EXISTS issue_types (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  hierarchy_level INTEGER NOT NULL,
  subtask INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS priorities (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS custom_fields (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  type TEXT NOT NULL,
  items TEXT,
  custom TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS versions (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id),
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  start_date TEXT,
  release_date TEXT,
  released INTEGER NOT NULL,
  archived INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS versions_project ON versions(project_id);

CREATE TABLE IF NOT EXISTS issues (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  project_id INTEGER NOT NULL REFERENCES projects(id),
  -- The number after the dash, so key order is (project key, number) as in Jira.
  issue_number INTEGER NOT NULL,
  issue_type_id INTEGER NOT NULL REFERENCES issue_types(id),
  summary TEXT NOT NULL,
  status_id INTEGER NOT NULL REFERENCES statuses(id),
  priority_id INTEGER NOT NULL REFERENCES priorities(id),
  reporter_account_id TEXT NOT NULL REFERENCES users(account_id),
  assignee_account_id TEXT REFERENCES users(account_id),
  parent_id INTEGER REFERENCES issues(id),
  created TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  updated TEXT NOT NULL,
  updated_ms INTEGER NOT NULL,
  resolutiondate TEXT,
  resolved_ms INTEGER,
  duedate TEXT,
  labels TEXT NOT NULL DEFAULT '[]',
  timeoriginalestimate INTEGER,
  timeestimate INTEGER,
  -- JSON object: custom field id -> value in Jira's REST shape.
  custom_fields TEXT NOT NULL DEFAULT '{}',
  -- Plain text; answered as an ADF paragraph (null: no description).
  description TEXT
);
CREATE INDEX IF NOT EXISTS issues_project ON issues(project_id, issue_number);
CREATE INDEX IF NOT EXISTS issues_status ON issues(status_id);
CREATE INDEX IF NOT EXISTS issues_updated ON issues(updated_ms);
CREATE INDEX IF NOT EXISTS issues_parent ON issues(parent_id);
CREATE INDEX IF NOT EXISTS issues_assignee ON issues(assignee_account_id);
CREATE INDEX IF NOT EXISTS issues_due ON issues(duedate);

CREATE TABLE IF NOT EXISTS issue_fix_versions (
  issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  version_id INTEGER NOT NULL REFERENCES versions(id),
  PRIMARY KEY (issue_id, version_id)
);
CREATE INDEX IF NOT EXISTS issue_fix_versions_version ON issue_fix_versions(version_id);

-- type is Blocks / Relates / Duplicate / Cloners; outward issue "blocks" the inward one.
CREATE TABLE IF NOT EXISTS issue_links (
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  inward_issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  outward_issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS issue_links_inward ON issue_links(inward_issue_id);
CREATE INDEX IF NOT EXISTS issue_links_outward ON issue_links(outward_issue_id);

CREATE TABLE IF NOT EXISTS changelogs (
  id INTEGER PRIMARY KEY,
  issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  author_account_id TEXT NOT NULL REFERENCES users(account_id),
  created TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  -- JSON array of {field, fieldId, fieldtype, from, fromString, to, toString}
  items TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS changelogs_issue ON changelogs(issue_id, created_ms, id);

CREATE TABLE IF NOT EXISTS worklogs (
  id INTEGER PRIMARY KEY,
  issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  author_account_id TEXT NOT NULL REFERENCES users(account_id),
  started TEXT NOT NULL,
  started_ms INTEGER NOT NULL,
  time_spent_seconds INTEGER NOT NULL,
  created TEXT NOT NULL,
  updated TEXT NOT NULL,
  updated_ms INTEGER NOT NULL,
  comment TEXT
);
CREATE INDEX IF NOT EXISTS worklogs_issue ON worklogs(issue_id);
CREATE INDEX IF NOT EXISTS worklogs_updated ON worklogs(updated_ms, id);
