/**
 * Jira's JSON for the entities the endpoints share (users, projects, statuses, versions...), in the
 * shapes of the spec's components. `base` is the site URL every `self` starts with.
 */
import type { UserRow } from './access';
import type { CategoryRow, IssueTypeRow, PriorityRow, ProjectRow, StatusRow, VersionRow } from './catalog';

type Json = Record<string, unknown>;

const AVATAR_SIZES = { '48x48': 'large', '24x24': 'small', '16x16': 'xsmall', '32x32': 'medium' } as const;

function avatarUrls(base: string, kind: 'useravatar' | 'projectavatar', owner: string): Record<string, string> {
  const urls: Record<string, string> = {};
  const ownerParam = kind === 'useravatar' ? `ownerId=${encodeURIComponent(owner)}` : `pid=${encodeURIComponent(owner)}`;
  for (const [pixels, size] of Object.entries(AVATAR_SIZES)) urls[pixels] = `${base}/secure/${kind}?size=${size}&${ownerParam}`;
  return urls;
}

export function userSelf(base: string, accountId: string): string {
  return `${base}/rest/api/3/user?accountId=${encodeURIComponent(accountId)}`;
}

/** UserDetails: the user as it appears inside issues, changelogs and worklogs. */
export function userDetailsJson(base: string, user: UserRow): Json {
  return {
    self: userSelf(base, user.account_id),
    accountId: user.account_id,
    emailAddress: user.email,
    avatarUrls: avatarUrls(base, 'useravatar', user.account_id),
    displayName: user.display_name,
    active: user.active === 1,
    timeZone: user.time_zone,
    accountType: 'atlassian',
  };
}

/** User: the full user (myself, project lead), which also carries the locale. */
export function userJson(base: string, user: UserRow): Json {
  return { ...userDetailsJson(base, user), locale: user.locale };
}

/** Jira's three status categories, with the ids and colours Jira Cloud uses. */
const STATUS_CATEGORIES = {
  new: { id: 2, name: 'To Do', colorName: 'blue-gray' },
  indeterminate: { id: 4, name: 'In Progress', colorName: 'yellow' },
  done: { id: 3, name: 'Done', colorName: 'green' },
} as const;

export function statusJson(base: string, status: StatusRow): Json {
  const category = STATUS_CATEGORIES[status.category_key];
  return {
    self: `${base}/rest/api/3/status/${status.id}`,
    description: '',
    iconUrl: `${base}/images/icons/statuses/generic.png`,
    name: status.name,
    id: String(status.id),
    statusCategory: {
      self: `${base}/rest/api/3/statuscategory/${category.id}`,
      id: category.id,
      key: status.category_key,
      colorName: category.colorName,
      name: category.name,
    },
  };
}

export function issueTypeJson(base: string, type: IssueTypeRow): Json {
  return {
    self: `${base}/rest/api/3/issuetype/${type.id}`,
    id: String(type.id),
    description: type.description,
    iconUrl: `${base}/images/icons/issuetypes/${type.id}.svg`,
    name: type.name,
    subtask: type.subtask === 1,
    hierarchyLevel: type.hierarchy_level,
  };
}

export function priorityJson(base: string, priority: PriorityRow): Json {
  return {
    self: `${base}/rest/api/3/priority/${priority.id}`,
    iconUrl: `${base}/images/icons/priorities/${priority.id}.svg`,
    name: priority.name,
    id: String(priority.id),
  };
}

export function categoryJson(base: string, category: CategoryRow): Json {
  return {
    self: `${base}/rest/api/3/projectCategory/${category.id}`,
    id: String(category.id),
    name: category.name,
    description: category.description,
  };
}

/** ProjectDetails: the project as the `project` field of an issue. */
export function projectDetailsJson(base: string, project: ProjectRow, category: CategoryRow | undefined): Json {
  const json: Json = {
    self: `${base}/rest/api/3/project/${project.id}`,
    id: String(project.id),
    key: project.key,
    name: project.name,
    projectTypeKey: project.project_type_key,
    simplified: false,
    avatarUrls: avatarUrls(base, 'projectavatar', String(project.id)),
  };
  if (category) json.projectCategory = categoryJson(base, category);
  return json;
}

export const PROJECT_EXPAND = 'description,lead,issueTypes,url,projectKeys,permissions,insight';

/** Project: the common part of project/search's values and GET project. */
export function projectJson(base: string, project: ProjectRow, category: CategoryRow | undefined): Json {
  const json: Json = {
    expand: PROJECT_EXPAND,
    self: `${base}/rest/api/3/project/${project.id}`,
    id: String(project.id),
    key: project.key,
    name: project.name,
    avatarUrls: avatarUrls(base, 'projectavatar', String(project.id)),
    projectTypeKey: project.project_type_key,
    simplified: false,
    style: 'classic',
    isPrivate: false,
    properties: {},
  };
  if (category) json.projectCategory = categoryJson(base, category);
  return json;
}

/** Version. `today` (YYYY-MM-DD) decides `overdue`, which Jira gives only to dated versions. */
export function versionJson(base: string, version: VersionRow, today: string): Json {
  const json: Json = {
    self: `${base}/rest/api/3/version/${version.id}`,
    id: String(version.id),
    description: version.description,
    name: version.name,
    archived: version.archived === 1,
    released: version.released === 1,
  };
  if (version.start_date !== null) json.startDate = version.start_date;
  if (version.release_date !== null) {
    json.releaseDate = version.release_date;
    json.overdue = version.released === 0 && version.release_date < today;
  }
  json.projectId = version.project_id;
  return json;
}

/** Jira's duration text ("1w 2d 3h 30m") with Jira Cloud's defaults of 8-hour days and 5-day weeks. */
export function formatJiraDuration(seconds: number): string {
  if (seconds <= 0) return '0m';
  const units: [string, number][] = [
    ['w', 5 * 8 * 3600],
    ['d', 8 * 3600],
    ['h', 3600],
    ['m', 60],
  ];
  const parts: string[] = [];
  let rest = Math.round(seconds / 60) * 60;
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count}${unit}`);
    rest -= count * size;
  }
  return parts.length > 0 ? parts.join(' ') : '0m';
}

/** Reads Jira's duration text back into seconds; a bare number is minutes, as in Jira. */
export function parseJiraDuration(text: string): number | null {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 60;
  const sizes: Record<string, number> = { w: 5 * 8 * 3600, d: 8 * 3600, h: 3600, m: 60 };
  let total = 0;
  let matched = false;
  for (const part of trimmed.split(/\s+/)) {
    const match = /^(\d+(?:\.\d+)?)([wdhm])$/i.exec(part);
    if (!match) return null;
    total += Number(match[1]) * sizes[match[2].toLowerCase()];
    matched = true;
  }
  return matched ? Math.round(total) : null;
}

/** Jira's Atlassian Document Format for a plain-text comment. */
export function adfText(text: string): Json {
  return { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] };
}

/** The calendar date (YYYY-MM-DD) of an instant in an IANA time zone. */
export function dateInZone(date: Date, timeZone: string): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}
