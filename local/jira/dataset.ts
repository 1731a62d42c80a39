/**
 * The dataset format the simulated Jira Cloud loads: one JSON document with the whole site
 * (users, groups, permissions, categories, projects, fields, issues with their changelogs and
 * worklogs, versions). Documented in docs/dataset.md; `pmo seed --out FILE` writes it.
 *
 * The schema checks each record on its own; `validateDataset` then checks the references between
 * records and names the bad record in every message.
 */
import { z } from 'zod';

export const DATASET_FORMAT_VERSION = 1;

const isoDateTime = z.iso.datetime({ offset: true });
const isoDate = z.iso.date();
const accountId = z.string().min(1).max(128);
const projectKey = z.string().regex(/^[A-Z][A-Z0-9_]{1,9}$/, 'a project key is 2-10 capital letters, digits or _, starting with a letter');
const issueKey = z.string().regex(/^[A-Z][A-Z0-9_]{1,9}-[1-9][0-9]*$/, 'an issue key is PROJECT-NUMBER');
const numericId = z.string().regex(/^[1-9][0-9]*$/, 'an id is a positive whole number as a string');

/** Who a permission is granted to: groups by name and users by account id. */
export const granteesSchema = z.strictObject({
  groups: z.array(z.string().min(1)).default([]),
  users: z.array(accountId).default([]),
});
export type Grantees = z.infer<typeof granteesSchema>;

/** Project permissions the simulated Jira knows (Jira's permission keys). */
export const PROJECT_PERMISSION_KEYS = [
  'BROWSE_PROJECTS',
  'EDIT_ISSUES',
  'CREATE_ISSUES',
  'TRANSITION_ISSUES',
  'WORK_ON_ISSUES',
  'ADMINISTER_PROJECTS',
] as const;
export type ProjectPermissionKey = (typeof PROJECT_PERMISSION_KEYS)[number];

/** Global permissions: ADMINISTER makes a Jira administrator. */
export const GLOBAL_PERMISSION_KEYS = ['ADMINISTER', 'SYSTEM_ADMIN', 'USER_PICKER'] as const;
export type GlobalPermissionKey = (typeof GLOBAL_PERMISSION_KEYS)[number];

export const userSchema = z.strictObject({
  accountId,
  displayName: z.string().min(1),
  emailAddress: z.email(),
  active: z.boolean().default(true),
  timeZone: z.string().min(1).default('UTC'),
  locale: z.string().default('en_US'),
  groups: z.array(z.string().min(1)).default([]),
});
export type DatasetUser = z.infer<typeof userSchema>;

export const groupSchema = z.strictObject({
  name: z.string().min(1),
  groupId: z.string().min(1),
});

export const categorySchema = z.strictObject({
  id: numericId,
  name: z.string().min(1),
  description: z.string().default(''),
});
export type DatasetCategory = z.infer<typeof categorySchema>;

export const projectSchema = z.strictObject({
  id: numericId,
  key: projectKey,
  name: z.string().min(1),
  description: z.string().default(''),
  leadAccountId: accountId,
  categoryId: numericId.optional(),
  projectTypeKey: z.enum(['software', 'business', 'service_desk']).default('software'),
  /** Project permission key -> who holds it. A key that is absent is held by nobody but admins. */
  permissions: z.partialRecord(z.enum(PROJECT_PERMISSION_KEYS), granteesSchema).default({}),
});
export type DatasetProject = z.infer<typeof projectSchema>;

export const statusSchema = z.strictObject({
  id: numericId,
  name: z.string().min(1),
  /** Jira's status category keys: new = To Do, indeterminate = In Progress, done = Done. */
  categoryKey: z.enum(['new', 'indeterminate', 'done']),
});
export type DatasetStatus = z.infer<typeof statusSchema>;

export const issueTypeSchema = z.strictObject({
  id: numericId,
  name: z.string().min(1),
  description: z.string().default(''),
  /** 1 epic, 0 standard (story, task, bug), -1 subtask. */
  hierarchyLevel: z.number().int().min(-1).max(1),
  subtask: z.boolean(),
});
export type DatasetIssueType = z.infer<typeof issueTypeSchema>;

export const prioritySchema = z.strictObject({
  id: numericId,
  name: z.string().min(1),
});

/** A custom field (system fields are built in). Ids look like customfield_10016. */
export const customFieldSchema = z.strictObject({
  id: z.string().regex(/^customfield_[0-9]+$/, 'a custom field id is customfield_NUMBER'),
  name: z.string().min(1),
  description: z.string().default(''),
  /** Jira's schema.type of the field's values. */
  type: z.enum(['number', 'string', 'date', 'datetime', 'array', 'option', 'user']),
  /** For type array: the type of the items. */
  items: z.enum(['string', 'option']).optional(),
  /** Jira's schema.custom, e.g. com.atlassian.jira.plugin.system.customfieldtypes:float. */
  custom: z.string().min(1),
});
export type DatasetCustomField = z.infer<typeof customFieldSchema>;

export const changelogItemSchema = z.strictObject({
  field: z.string().min(1),
  fieldId: z.string().min(1),
  fieldtype: z.enum(['jira', 'custom']).default('jira'),
  from: z.string().nullable(),
  fromString: z.string().nullable(),
  to: z.string().nullable(),
  toString: z.string().nullable(),
});

export const changelogSchema = z.strictObject({
  id: numericId,
  authorAccountId: accountId,
  created: isoDateTime,
  items: z.array(changelogItemSchema).min(1),
});
export type DatasetChangelog = z.infer<typeof changelogSchema>;

export const worklogSchema = z.strictObject({
  id: numericId,
  authorAccountId: accountId,
  started: isoDateTime,
  timeSpentSeconds: z.number().int().positive(),
  created: isoDateTime,
  updated: isoDateTime,
  comment: z.string().optional(),
});
export type DatasetWorklog = z.infer<typeof worklogSchema>;

export const issueLinkSchema = z.strictObject({
  id: numericId,
  /** The link type's name as Jira spells it: Blocks, Relates, Duplicate, Cloners. */
  type: z.enum(['Blocks', 'Relates', 'Duplicate', 'Cloners']),
  /** This issue (outward side: "blocks") -> the other issue (inward side: "is blocked by"). */
  outwardIssueKey: issueKey,
});

export const issueSchema = z.strictObject({
  id: numericId,
  key: issueKey,
  projectKey,
  issueTypeId: numericId,
  summary: z.string().min(1).max(255),
  statusId: numericId,
  priorityId: numericId,
  reporterAccountId: accountId,
  assigneeAccountId: accountId.nullable().default(null),
  parentKey: issueKey.nullable().default(null),
  created: isoDateTime,
  updated: isoDateTime,
  resolutiondate: isoDateTime.nullable().default(null),
  duedate: isoDate.nullable().default(null),
  labels: z.array(z.string().min(1)).default([]),
  fixVersionIds: z.array(numericId).default([]),
  /** Seconds, as Jira keeps them. */
  timeoriginalestimate: z.number().int().nonnegative().nullable().default(null),
  timeestimate: z.number().int().nonnegative().nullable().default(null),
  /** Custom field id -> value in Jira's REST shape (number, string, ISO date, [{value}] ...). */
  customFields: z.record(z.string().regex(/^customfield_[0-9]+$/), z.unknown()).default({}),
  /** Plain text (Jira answers it as one ADF paragraph); null: no description. */
  description: z.string().max(32_768).nullable().default(null),
  links: z.array(issueLinkSchema).default([]),
  changelog: z.array(changelogSchema).default([]),
  worklogs: z.array(worklogSchema).default([]),
});
export type DatasetIssue = z.infer<typeof issueSchema>;

export const versionSchema = z.strictObject({
  id: numericId,
  projectKey,
  name: z.string().min(1),
  description: z.string().default(''),
  startDate: isoDate.nullable().default(null),
  releaseDate: isoDate.nullable().default(null),
  released: z.boolean().default(false),
  archived: z.boolean().default(false),
});
export type DatasetVersion = z.infer<typeof versionSchema>;

export const datasetSchema = z.strictObject({
  format: z.literal('pmo-portfolio-jira-dataset'),
  version: z.literal(DATASET_FORMAT_VERSION),
  /** The moment the data describes as "now" (when it was generated); informational. */
  generatedAt: isoDateTime,
  site: z.strictObject({
    name: z.string().min(1),
    /** IANA zone Jira resolves relative dates in (startOfDay(), -7d). */
    timeZone: z.string().min(1).default('UTC'),
  }),
  users: z.array(userSchema).min(1),
  groups: z.array(groupSchema),
  globalPermissions: z.partialRecord(z.enum(GLOBAL_PERMISSION_KEYS), granteesSchema).default({}),
  categories: z.array(categorySchema),
  statuses: z.array(statusSchema).min(1),
  issueTypes: z.array(issueTypeSchema).min(1),
  priorities: z.array(prioritySchema).min(1),
  customFields: z.array(customFieldSchema),
  projects: z.array(projectSchema),
  versions: z.array(versionSchema),
  issues: z.array(issueSchema),
});
export type Dataset = z.infer<typeof datasetSchema>;
/** What a dataset file may leave out (everything with a default). */
export type DatasetInput = z.input<typeof datasetSchema>;
