/**
 * Who is calling and what they may do. No Authorization header means the site administrator (the
 * first user holding ADMINISTER); Basic auth names a local user by email (the token is not checked:
 * this Jira is offline and local); `Bearer <token>` with the installed app's token is the app itself,
 * which reads as the administrator does and alone may write the values of its own fields.
 */
import type { JiraDatabase } from '../db/database';
import { GLOBAL_PERMISSION_KEYS, PROJECT_PERMISSION_KEYS, type GlobalPermissionKey, type ProjectPermissionKey } from '../dataset';
import { JiraHttpError } from './http';

export const NOT_AUTHENTICATED = (): JiraHttpError =>
  new JiraHttpError(401, ['Client must be authenticated to access this resource.'], {}, { 'WWW-Authenticate': 'Basic realm="protected-area"' });

export function isProjectPermission(key: string): key is ProjectPermissionKey {
  return (PROJECT_PERMISSION_KEYS as readonly string[]).includes(key);
}
export function isGlobalPermission(key: string): key is GlobalPermissionKey {
  return (GLOBAL_PERMISSION_KEYS as readonly string[]).includes(key);
}

export interface UserRow {
  account_id: string;
  display_name: string;
  email: string;
  active: number;
  time_zone: string;
  locale: string;
}

/** The permissions one user holds, read once per request. */
export class Access {
  private constructor(
    readonly user: UserRow,
    /** The installed app, when the app itself calls (its asApp() requests); null for people. */
    readonly app: InstalledApp | null,
    readonly groups: string[],
    private readonly global: ReadonlySet<string>,
    /** project id -> project permissions held there (unused for administrators, who hold all). */
    private readonly byProject: ReadonlyMap<number, ReadonlySet<string>>,
  ) {}

  static load(db: JiraDatabase, user: UserRow, app: InstalledApp | null = null): Access {
    const groups = (db.prepare('SELECT group_name FROM user_groups WHERE account_id = ? ORDER BY group_name').all(user.account_id) as { group_name: string }[]).map(
      (row) => row.group_name,
    );
    const granted = `(grantee_kind = 'user' AND grantee = @account) OR (grantee_kind = 'group' AND grantee IN (SELECT group_name FROM user_groups WHERE account_id = @account))`;
    const global = new Set(
      (db.prepare(`SELECT DISTINCT permission FROM global_permissions WHERE ${granted}`).all({ account: user.account_id }) as { permission: string }[]).map(
        (row) => row.permission,
      ),
    );
    // Jira's system administrators hold everything Jira administrators do.
    if (global.has('SYSTEM_ADMIN')) global.add('ADMINISTER');
    const byProject = new Map<number, Set<string>>();
    const rows = db.prepare(`SELECT project_id, permission FROM project_permissions WHERE ${granted}`).all({ account: user.account_id }) as {
      project_id: number;
      permission: string;
    }[];
    for (const row of rows) {
      let held = byProject.get(row.project_id);
      if (!held) byProject.set(row.project_id, (held = new Set()));
      held.add(row.permission);
    }
    return new Access(user, app, groups, global, byProject);
  }

  get accountId(): string {
    return this.user.account_id;
  }

  /** Jira administrators see every project and hold every project permission. */
  get isAdmin(): boolean {
    return this.global.has('ADMINISTER');
  }

  hasGlobal(permission: GlobalPermissionKey): boolean {
    return this.global.has(permission) || (permission !== 'SYSTEM_ADMIN' && this.isAdmin);
  }

  hasProjectPermission(projectId: number, permission: ProjectPermissionKey): boolean {
    return this.isAdmin || (this.byProject.get(projectId)?.has(permission) ?? false);
  }

  /** Whether the user holds `permission` in at least one project (Jira's global context). */
  hasProjectPermissionAnywhere(permission: ProjectPermissionKey): boolean {
    if (this.isAdmin) return true;
    for (const held of this.byProject.values()) if (held.has(permission)) return true;
    return false;
  }

  /** Browse projects: needed for the project's issues, versions and the project itself. */
  canBrowse(projectId: number): boolean {
    return this.hasProjectPermission(projectId, 'BROWSE_PROJECTS');
  }

  /** Project search's "view": browse, or administer the project (the spec of GET project/search). */
  canView(projectId: number): boolean {
    return this.canBrowse(projectId) || this.hasProjectPermission(projectId, 'ADMINISTER_PROJECTS');
  }

  /**
   * SQL condition restricting `column` (a project id) to browsable projects. The ids come from the
   * database as integers, so inlining them is safe, and an inline list lets SQLite use the index.
   */
  browseFilter(column: string): string {
    if (this.isAdmin) return '1';
    const ids = [...this.byProject].filter(([, held]) => held.has('BROWSE_PROJECTS')).map(([id]) => Math.trunc(id));
    return ids.length === 0 ? '0' : `${column} IN (${ids.join(',')})`;
  }
}

const USER_COLUMNS = 'account_id, display_name, email, active, time_zone, locale';

export function findUserByAccountId(db: JiraDatabase, accountId: string): UserRow | undefined {
  return db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE account_id = ?`).get(accountId) as UserRow | undefined;
}

/**
 * The Forge app installed on the site, as Jira knows it from the app's manifest: the token its asApp()
 * calls carry, the prefix of its fields' keys (`schema.custom`, the app's extension ARI) and the keys
 * of its read-only fields, which no person may set.
 */
export interface InstalledApp {
  token: string;
  extensionPrefix: string;
  readOnlyFieldKeys: readonly string[];
}

/** Whether the custom field (its `schema.custom`) belongs to `app`. */
export function isFieldOfApp(app: InstalledApp | null | undefined, custom: string): boolean {
  return app !== null && app !== undefined && custom.startsWith(app.extensionPrefix);
}

/** Whether only the app may set the custom field: a read-only field of the installed app. */
export function isReadOnlyAppField(app: InstalledApp | null | undefined, custom: string): boolean {
  return isFieldOfApp(app, custom) && app!.readOnlyFieldKeys.includes(custom.slice(app!.extensionPrefix.length));
}

/** The caller of a request, from its Authorization header. */
export function authenticate(db: JiraDatabase, authorization: string | undefined, app: InstalledApp | null = null): Access {
  if (authorization === undefined || authorization.trim() === '') {
    const admin = siteAdministrator(db);
    if (!admin) throw NOT_AUTHENTICATED();
    return Access.load(db, admin);
  }
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (bearer) {
    const admin = siteAdministrator(db);
    if (!app || bearer[1] !== app.token || !admin) throw NOT_AUTHENTICATED();
    return Access.load(db, admin, app);
  }
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(authorization);
  if (!match) throw NOT_AUTHENTICATED();
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const email = colon < 0 ? decoded : decoded.slice(0, colon);
  const user = db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE email = ? COLLATE NOCASE`).get(email) as UserRow | undefined;
  if (!user || !user.active) throw NOT_AUTHENTICATED();
  return Access.load(db, user);
}

/** The first active user (in dataset order) holding ADMINISTER directly or through a group. */
export function siteAdministrator(db: JiraDatabase): UserRow | undefined {
  return db
    .prepare(
      `SELECT ${USER_COLUMNS} FROM users u
       WHERE u.active = 1 AND EXISTS (
         SELECT 1 FROM global_permissions g
         WHERE g.permission IN ('ADMINISTER', 'SYSTEM_ADMIN')
           AND ((g.grantee_kind = 'user' AND g.grantee = u.account_id)
             OR (g.grantee_kind = 'group' AND g.grantee IN (SELECT group_name FROM user_groups WHERE account_id = u.account_id))))
       ORDER BY u.rowid LIMIT 1`,
    )
    .get() as UserRow | undefined;
}
