/**
 * Validates a dataset of the simulated Jira: first each record against the zod schema of dataset.ts,
 * then the references between records (ids, keys, parents, versions, users, statuses) and the rules
 * Jira itself keeps (resolution date iff done, updated after created, sane worklogs).
 *
 * Every problem names the bad record by its position and its key, so a person can find it in the file:
 *   issues[41] (APOLLO-42): statusId "99" is not a status in statuses
 *   users[3] (5f8a...0004): emailAddress: Invalid email address
 */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { datasetSchema, type Dataset, type DatasetIssue, type Grantees } from './dataset';
import { findDuplicateKeys, positionsOf } from './json-keys';

/** How many problems a DatasetError spells out; the rest are counted. */
export const MAX_REPORTED_PROBLEMS = 50;

/** A single worklog longer than a week of wall-clock time cannot be real. */
const MAX_WORKLOG_SECONDS = 7 * 24 * 3600;
const DAY_MS = 86_400_000;

export class DatasetError extends Error {
  /**
   * @param problems the first MAX_REPORTED_PROBLEMS problems, each naming its record
   * @param total how many problems were found in all
   * @param source the file name, when the dataset came from a file
   */
  constructor(
    readonly problems: readonly string[],
    readonly total: number = problems.length,
    readonly source?: string,
  ) {
    super(DatasetError.describe(problems, total, source));
    this.name = 'DatasetError';
  }

  /** Problems found but not spelled out. */
  get omitted(): number {
    return this.total - this.problems.length;
  }

  private static describe(problems: readonly string[], total: number, source: string | undefined): string {
    const head = `${source ? `${source}: ` : ''}invalid dataset (${total} ${total === 1 ? 'problem' : 'problems'})`;
    const lines = problems.map((problem) => `  ${problem}`);
    if (total > problems.length) lines.push(`  ... and ${total - problems.length} more`);
    return [head, ...lines].join('\n');
  }
}

/** One problem as reported: its text and, for a shared one, how many more places it stands for. */
interface Entry {
  text: string;
  others: number;
}

/**
 * Collects problems: keeps the first few, counts all. A shared problem (a value named in many
 * places that does not exist) is one problem, reported where it is first met, with a count of the
 * other places.
 */
class Problems {
  private readonly entries: Entry[] = [];
  /** Shared problems by their group; null once beyond the ones spelled out (still counted once). */
  private readonly groups = new Map<string, Entry | null>();
  total = 0;

  add(problem: string): void {
    this.total += 1;
    if (this.entries.length < MAX_REPORTED_PROBLEMS) this.entries.push({ text: problem, others: 0 });
  }

  addShared(group: string, problem: string): void {
    const known = this.groups.get(group);
    if (known !== undefined) {
      if (known) known.others += 1;
      return;
    }
    this.total += 1;
    const entry = this.entries.length < MAX_REPORTED_PROBLEMS ? { text: problem, others: 0 } : null;
    if (entry) this.entries.push(entry);
    this.groups.set(group, entry);
  }

  get shown(): string[] {
    return this.entries.map(({ text, others }) =>
      others === 0 ? text : `${text} (named in ${others.toLocaleString('en-US')} more ${others === 1 ? 'place' : 'places'})`,
    );
  }

  throwIfAny(source: string | undefined): void {
    if (this.total > 0) throw new DatasetError(this.shown, this.total, source);
  }
}

/**
 * Reads, parses and validates a dataset file. A key written twice in one object is refused before
 * anything else: JSON.parse would silently keep the last value.
 */
export function loadDatasetFile(path: string): Dataset {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DatasetError([`cannot read the file: ${messageOf(error)}`], 1, path);
  }
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    throw new DatasetError([`not valid JSON: ${messageOf(error)}`], 1, path);
  }
  checkDuplicateKeys(text, input, path);
  return parseDataset(input, path);
}

/** `issues[41] (APOLLO-42): summary: duplicate key "summary" at demo.json:12:7 (first at line 11, column 7)`, one per duplicate. */
function checkDuplicateKeys(text: string, input: unknown, path: string): void {
  const duplicates = findDuplicateKeys(text);
  if (duplicates.length === 0) return;
  const shown = duplicates.slice(0, MAX_REPORTED_PROBLEMS);
  const positions = positionsOf(text, shown.flatMap((duplicate) => [duplicate.offset, duplicate.firstOffset]));
  const problems = shown.map((duplicate, index) => {
    const at = positions[2 * index];
    const first = positions[2 * index + 1];
    const where = first.line === at.line ? `column ${first.column}` : `line ${first.line}, column ${first.column}`;
    return describeAt(duplicate.path, `duplicate key ${quote(duplicate.key)} at ${path}:${at.line}:${at.column} (first at ${where}); a key may appear once in an object`, input);
  });
  throw new DatasetError(problems, duplicates.length, path);
}

/** Node's errors may come from another realm (e.g. under jest), so instanceof Error is not enough. */
function messageOf(error: unknown): string {
  return isObject(error) && typeof error.message === 'string' ? error.message : String(error);
}

/**
 * Validates a dataset value (already parsed from JSON) and returns it with defaults filled in.
 * @param source names the file in the error message
 * @throws DatasetError listing what is wrong, record by record
 */
export function parseDataset(input: unknown, source?: string): Dataset {
  const result = datasetSchema.safeParse(input);
  if (!result.success) {
    const problems = new Problems();
    for (const issue of result.error.issues) problems.add(describeSchemaIssue(issue, input));
    throw new DatasetError(problems.shown, problems.total, source);
  }
  validateDataset(result.data, source);
  return result.data;
}

/**
 * Checks the references between the records of a dataset that already matches the schema.
 * @throws DatasetError
 */
export function validateDataset(dataset: Dataset, source?: string): void {
  const problems = new Problems();
  new ReferenceCheck(dataset, problems).run();
  problems.throwIfAny(source);
}

// ---- naming records -------------------------------------------------------------------------------

type RecordList = 'users' | 'groups' | 'categories' | 'statuses' | 'issueTypes' | 'priorities' | 'customFields' | 'projects' | 'versions' | 'issues';

/** The field that identifies a record of each list in messages. */
const RECORD_NAME: Record<RecordList, { field: string; asId: boolean }> = {
  users: { field: 'accountId', asId: false },
  groups: { field: 'name', asId: false },
  categories: { field: 'id', asId: true },
  statuses: { field: 'id', asId: true },
  issueTypes: { field: 'id', asId: true },
  priorities: { field: 'id', asId: true },
  customFields: { field: 'id', asId: false },
  projects: { field: 'key', asId: false },
  versions: { field: 'id', asId: true },
  issues: { field: 'key', asId: false },
};

function isRecordList(name: unknown): name is RecordList {
  return typeof name === 'string' && Object.hasOwn(RECORD_NAME, name);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `issues[41] (APOLLO-42)`; just `issues[41]` when the record has no usable name. */
function recordLabel(list: RecordList, index: number, record: unknown): string {
  const { field, asId } = RECORD_NAME[list];
  const name = isObject(record) ? record[field] : undefined;
  if (typeof name !== 'string' || name.length === 0) return `${list}[${index}]`;
  return `${list}[${index}] (${asId ? `id ${name}` : name})`;
}

function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text.length === 0 ? String(part) : `.${String(part)}`;
  }
  return text;
}

/** Turns a zod issue into `issues[41] (APOLLO-42): changelog[2].created: Invalid ISO datetime`. */
function describeSchemaIssue(issue: z.core.$ZodIssue, input: unknown): string {
  return describeAt(issue.path, issue.message, input);
}

/** A problem at `path` of the input: the record's label, the path inside it, then the message. */
function describeAt(path: readonly PropertyKey[], message: string, input: unknown): string {
  const [list, index, ...rest] = path;
  if (isRecordList(list) && typeof index === 'number' && isObject(input)) {
    const records = input[list];
    const record = Array.isArray(records) ? records[index] : undefined;
    const field = formatPath(rest);
    return `${recordLabel(list, index, record)}: ${field ? `${field}: ` : ''}${message}`;
  }
  const field = formatPath(path);
  return `${field || 'dataset'}: ${message}`;
}

function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

// ---- references -----------------------------------------------------------------------------------

interface Located<T> {
  record: T;
  label: string;
}

/** Reports a value named in a record that is not in `list` (one problem for all the places naming it). */
type MissingReport = (list: RecordList, value: string, text: string) => void;

/** A field whose values are unique within its list of records. */
interface UniqueField<T> {
  field: string;
  value: (record: T) => string;
  /** Compared ignoring case. */
  fold?: boolean;
  /** Registers the first record with each value: the field identifies the record. */
  add?: (record: T, label: string) => void;
  /** Collects the values that two records claim. */
  ambiguous?: Set<string>;
  /** A repeat that follows from a problem reported already, so is not reported again. */
  excused?: (record: T) => boolean;
}

interface Clash {
  field: string;
  value: string;
  /** The label of the record that has the value first. */
  first: string;
}

/** `id "10002" and key "NOVA" are already used by projects[2] (NOVA)`. */
function describeClashes(clashes: readonly Clash[]): string {
  const named = (clash: Clash): string => `${clash.field} ${quote(clash.value)}`;
  if (clashes.every((clash) => clash.first === clashes[0].first)) {
    return `${clashes.map(named).join(' and ')} ${clashes.length === 1 ? 'is' : 'are'} already used by ${clashes[0].first}`;
  }
  return clashes.map((clash) => `${named(clash)} is already used by ${clash.first}`).join('; ');
}

class ReferenceCheck {
  private readonly users = new Map<string, Located<Dataset['users'][number]>>();
  private readonly groups = new Set<string>();
  private readonly categories = new Set<string>();
  private readonly statuses = new Map<string, Dataset['statuses'][number]>();
  private readonly issueTypes = new Map<string, Dataset['issueTypes'][number]>();
  private readonly priorities = new Set<string>();
  private readonly customFields = new Map<string, Dataset['customFields'][number]>();
  private readonly projects = new Map<string, Located<Dataset['projects'][number]>>();
  private readonly versions = new Map<string, Dataset['versions'][number]>();
  private readonly issues = new Map<string, Located<DatasetIssue>>();
  /**
   * Ids and keys two records claim. A reference to one resolves to the first record, but may have
   * meant the other: checks that depend on which record it is are left out, so one duplicate is one
   * problem, not one more for every record that names it.
   */
  private readonly ambiguous = {
    projects: new Set<string>(),
    statuses: new Set<string>(),
    issueTypes: new Set<string>(),
    customFields: new Set<string>(),
    versions: new Set<string>(),
    issues: new Set<string>(),
  };
  /** Records whose identifying id or key an earlier record has: reported once for that, not checked further. */
  private readonly repeats = new Set<object>();

  constructor(
    private readonly dataset: Dataset,
    private readonly problems: Problems,
  ) {}

  run(): void {
    this.indexRecords();
    this.checkUsers();
    this.checkGlobalPermissions();
    this.checkIssueTypes();
    this.checkProjects();
    this.checkVersions();
    this.checkIssues();
    this.checkParentCycles();
  }

  /** A value that is not in `list`: one problem however many places name it. */
  private missing(list: RecordList, value: string, problem: string): void {
    this.problems.addShared(`${list}\u0000${value}`, problem);
  }

  /**
   * Reports the records that repeat a unique field of an earlier record, one problem per record
   * whatever the number of fields it repeats; the first record with a value wins.
   */
  private claimUnique<T extends object>(list: RecordList, records: readonly T[], fields: readonly UniqueField<T>[]): void {
    const seen = fields.map(() => new Map<string, string>());
    records.forEach((record, index) => {
      const label = recordLabel(list, index, record);
      const clashes: Clash[] = [];
      fields.forEach((unique, position) => {
        const raw = unique.value(record);
        const id = unique.fold ? raw.toLowerCase() : raw;
        const first = seen[position].get(id);
        if (first === undefined) {
          seen[position].set(id, label);
          unique.add?.(record, label);
          return;
        }
        unique.ambiguous?.add(raw);
        // Unreachable by the field that identifies it: a copy, or another record under a taken name.
        if (unique.add) this.repeats.add(record);
        if (!unique.excused?.(record)) clashes.push({ field: unique.field, value: raw, first });
      });
      if (clashes.length > 0) this.problems.add(`${label}: ${describeClashes(clashes)}`);
    });
  }

  /** Builds the lookups, reporting duplicates as it goes. */
  private indexRecords(): void {
    const { dataset, ambiguous } = this;
    this.claimUnique('users', dataset.users, [
      { field: 'accountId', value: (user) => user.accountId, add: (user, label) => this.users.set(user.accountId, { record: user, label }) },
      // Jira keeps one account per email address, whatever its case.
      { field: 'emailAddress', value: (user) => user.emailAddress, fold: true },
    ]);
    this.claimUnique('groups', dataset.groups, [
      { field: 'name', value: (group) => group.name, add: (group) => this.groups.add(group.name) },
      { field: 'groupId', value: (group) => group.groupId },
    ]);
    this.claimUnique('categories', dataset.categories, [{ field: 'id', value: (category) => category.id, add: (category) => this.categories.add(category.id) }]);
    this.claimUnique('statuses', dataset.statuses, [
      { field: 'id', value: (status) => status.id, add: (status) => this.statuses.set(status.id, status), ambiguous: ambiguous.statuses },
    ]);
    this.claimUnique('issueTypes', dataset.issueTypes, [
      { field: 'id', value: (type) => type.id, add: (type) => this.issueTypes.set(type.id, type), ambiguous: ambiguous.issueTypes },
    ]);
    this.claimUnique('priorities', dataset.priorities, [{ field: 'id', value: (priority) => priority.id, add: (priority) => this.priorities.add(priority.id) }]);
    this.claimUnique('customFields', dataset.customFields, [
      { field: 'id', value: (field) => field.id, add: (field) => this.customFields.set(field.id, field), ambiguous: ambiguous.customFields },
    ]);
    this.claimUnique('projects', dataset.projects, [
      { field: 'id', value: (project) => project.id },
      { field: 'key', value: (project) => project.key, add: (project, label) => this.projects.set(project.key, { record: project, label }), ambiguous: ambiguous.projects },
    ]);
    this.claimUnique('versions', dataset.versions, [
      { field: 'id', value: (version) => version.id, add: (version) => this.versions.set(version.id, version), ambiguous: ambiguous.versions },
    ]);
    this.claimUnique('issues', dataset.issues, [
      { field: 'id', value: (issue) => issue.id },
      {
        field: 'key',
        value: (issue) => issue.key,
        add: (issue, label) => this.issues.set(issue.key, { record: issue, label }),
        ambiguous: ambiguous.issues,
        // Two projects with one key number their issues alike: that is the project's duplicate, reported once.
        excused: (issue) => ambiguous.projects.has(issue.projectKey),
      },
    ]);

    // Changelog, worklog and link ids are unique across the whole site, as in Jira.
    const changelogIds = new Map<string, string>();
    const worklogIds = new Map<string, string>();
    const linkIds = new Map<string, string>();
    dataset.issues.forEach((issue, index) => {
      // A repeated issue repeats its changelog, worklogs and links too: that is the issue's duplicate.
      if (this.repeats.has(issue)) return;
      const label = recordLabel('issues', index, issue);
      const claim = (seen: Map<string, string>, id: string, where: string): void => {
        const first = seen.get(id);
        if (first !== undefined) this.problems.add(`${label}: ${where}: id ${quote(id)} is already used by ${first}`);
        else seen.set(id, `${label} ${where}`);
      };
      issue.changelog.forEach((entry, position) => claim(changelogIds, entry.id, `changelog[${position}]`));
      issue.worklogs.forEach((worklog, position) => claim(worklogIds, worklog.id, `worklogs[${position}]`));
      issue.links.forEach((link, position) => claim(linkIds, link.id, `links[${position}]`));
    });
  }

  private userRef(where: string, field: string, accountId: string | null): void {
    if (accountId !== null && !this.users.has(accountId)) this.missing('users', accountId, `${where}: ${field} ${quote(accountId)} is not a user in users`);
  }

  private granteesRef(where: string, grantees: Grantees): void {
    for (const group of grantees.groups) {
      if (!this.groups.has(group)) this.missing('groups', group, `${where}.groups: ${quote(group)} is not a group in groups`);
    }
    for (const user of grantees.users) {
      if (!this.users.has(user)) this.missing('users', user, `${where}.users: ${quote(user)} is not a user in users`);
    }
  }

  private checkUsers(): void {
    this.dataset.users.forEach((user, index) => {
      if (this.repeats.has(user)) return;
      for (const group of user.groups) {
        if (!this.groups.has(group)) this.missing('groups', group, `${recordLabel('users', index, user)}: groups: ${quote(group)} is not a group in groups`);
      }
    });
  }

  private checkGlobalPermissions(): void {
    for (const [permission, grantees] of Object.entries(this.dataset.globalPermissions)) {
      if (grantees) this.granteesRef(`globalPermissions.${permission}`, grantees);
    }
  }

  private checkIssueTypes(): void {
    this.dataset.issueTypes.forEach((type, index) => {
      if (this.repeats.has(type)) return;
      if (type.subtask !== (type.hierarchyLevel === -1)) {
        this.problems.add(`${recordLabel('issueTypes', index, type)}: subtask is ${type.subtask} but hierarchyLevel is ${type.hierarchyLevel} (a subtask type has level -1, and only it)`);
      }
    });
  }

  private checkProjects(): void {
    this.dataset.projects.forEach((project, index) => {
      if (this.repeats.has(project)) return;
      const label = recordLabel('projects', index, project);
      this.userRef(label, 'leadAccountId', project.leadAccountId);
      if (project.categoryId !== undefined && !this.categories.has(project.categoryId)) {
        this.missing('categories', project.categoryId, `${label}: categoryId ${quote(project.categoryId)} is not a category in categories`);
      }
      for (const [permission, grantees] of Object.entries(project.permissions)) {
        if (grantees) this.granteesRef(`${label}: permissions.${permission}`, grantees);
      }
    });
  }

  private checkVersions(): void {
    const names = new Map<string, string>();
    this.dataset.versions.forEach((version, index) => {
      if (this.repeats.has(version)) return;
      const label = recordLabel('versions', index, version);
      if (!this.projects.has(version.projectKey)) this.missing('projects', version.projectKey, `${label}: projectKey ${quote(version.projectKey)} is not a project in projects`);
      if (version.startDate !== null && version.releaseDate !== null && version.startDate > version.releaseDate) {
        this.problems.add(`${label}: startDate ${version.startDate} is after releaseDate ${version.releaseDate}`);
      }
      // Two projects with one key have their versions in one list: that is the project's duplicate.
      if (this.ambiguous.projects.has(version.projectKey)) return;
      const name = `${version.projectKey}\u0000${version.name.toLowerCase()}`;
      const first = names.get(name);
      // Jira refuses two versions of one project with the same name.
      if (first !== undefined) this.problems.add(`${label}: name ${quote(version.name)} is already used in ${version.projectKey} by ${first}`);
      else names.set(name, label);
    });
  }

  private checkIssues(): void {
    this.dataset.issues.forEach((issue, index) => {
      if (!this.repeats.has(issue)) this.checkIssue(issue, recordLabel('issues', index, issue));
    });
  }

  private checkIssue(issue: DatasetIssue, label: string): void {
    const add = (text: string): void => this.problems.add(`${label}: ${text}`);
    const missing = (list: RecordList, value: string, text: string): void => this.missing(list, value, `${label}: ${text}`);
    const project = this.projects.get(issue.projectKey);
    if (!project) missing('projects', issue.projectKey, `projectKey ${quote(issue.projectKey)} is not a project in projects`);
    const prefix = issue.key.slice(0, issue.key.lastIndexOf('-'));
    if (prefix !== issue.projectKey) add(`key ${quote(issue.key)} does not start with its projectKey ${quote(issue.projectKey)}`);
    const type = this.issueTypes.get(issue.issueTypeId);
    if (!type) missing('issueTypes', issue.issueTypeId, `issueTypeId ${quote(issue.issueTypeId)} is not an issue type in issueTypes`);
    const status = this.statuses.get(issue.statusId);
    if (!status) missing('statuses', issue.statusId, `statusId ${quote(issue.statusId)} is not a status in statuses`);
    if (!this.priorities.has(issue.priorityId)) missing('priorities', issue.priorityId, `priorityId ${quote(issue.priorityId)} is not a priority in priorities`);
    this.userRef(label, 'reporterAccountId', issue.reporterAccountId);
    this.userRef(label, 'assigneeAccountId', issue.assigneeAccountId);

    if (type) this.checkParent(issue, type, add, missing);

    issue.fixVersionIds.forEach((versionId, position) => {
      const version = this.versions.get(versionId);
      if (!version) missing('versions', versionId, `fixVersionIds[${position}]: ${quote(versionId)} is not a version in versions`);
      else if (version.projectKey !== issue.projectKey && !this.ambiguous.versions.has(versionId)) add(`fixVersionIds[${position}]: version ${quote(versionId)} belongs to ${version.projectKey}, not ${issue.projectKey}`);
    });

    for (const [fieldId, value] of Object.entries(issue.customFields)) this.checkCustomFieldValue(fieldId, value, add, missing);

    const created = Date.parse(issue.created);
    const updated = Date.parse(issue.updated);
    if (updated < created) add(`updated ${issue.updated} is before created ${issue.created}`);
    if (status && !this.ambiguous.statuses.has(issue.statusId)) {
      const done = status.categoryKey === 'done';
      if (done && issue.resolutiondate === null) add(`status ${quote(status.name)} is in category done but resolutiondate is null`);
      if (!done && issue.resolutiondate !== null) add(`resolutiondate is set but status ${quote(status.name)} is not in category done`);
    }
    if (issue.resolutiondate !== null) {
      const resolved = Date.parse(issue.resolutiondate);
      if (resolved < created) add(`resolutiondate ${issue.resolutiondate} is before created ${issue.created}`);
      if (resolved > updated) add(`resolutiondate ${issue.resolutiondate} is after updated ${issue.updated}`);
    }

    const linked = new Set<string>();
    issue.links.forEach((link, position) => {
      if (!this.issues.has(link.outwardIssueKey)) missing('issues', link.outwardIssueKey, `links[${position}]: outwardIssueKey ${quote(link.outwardIssueKey)} is not an issue in issues`);
      if (link.outwardIssueKey === issue.key) add(`links[${position}]: an issue cannot link to itself`);
      const pair = `${link.type} ${link.outwardIssueKey}`;
      if (linked.has(pair)) add(`links[${position}]: a ${link.type} link to ${link.outwardIssueKey} is already there`);
      linked.add(pair);
    });

    this.checkChangelog(issue, created, updated, add, missing);
    this.checkWorklogs(issue, created, add, missing);
  }

  /** Jira's hierarchy: a subtask sits under a standard issue, a standard issue under an epic, one project. */
  private checkParent(issue: DatasetIssue, type: Dataset['issueTypes'][number], add: (text: string) => void, missing: MissingReport): void {
    const describe = (t: Dataset['issueTypes'][number]): string => `${article(t.name)} ${t.name} (level ${t.hierarchyLevel})`;
    // Which of two types with one id the issue has is not known: its level rules are left out.
    const levelKnown = !this.ambiguous.issueTypes.has(issue.issueTypeId);
    if (issue.parentKey === null) {
      if (type.hierarchyLevel === -1 && levelKnown) add(`${describe(type)} needs a parentKey`);
      return;
    }
    if (type.hierarchyLevel >= 1 && levelKnown) {
      add(`${describe(type)} cannot have a parent (parentKey ${quote(issue.parentKey)})`);
      return;
    }
    const parent = this.issues.get(issue.parentKey);
    if (!parent) {
      missing('issues', issue.parentKey, `parentKey ${quote(issue.parentKey)} is not an issue in issues`);
      return;
    }
    // Nor is which of two issues with one key is the parent.
    if (this.ambiguous.issues.has(issue.parentKey)) return;
    const parentType = this.issueTypes.get(parent.record.issueTypeId);
    const parentLevelKnown = !this.ambiguous.issueTypes.has(parent.record.issueTypeId);
    if (parentType && levelKnown && parentLevelKnown && parentType.hierarchyLevel !== type.hierarchyLevel + 1) {
      const wanted = type.hierarchyLevel === -1 ? 'a standard issue (level 0)' : 'an epic (level 1)';
      add(`parentKey ${quote(issue.parentKey)} is ${describe(parentType)}; the parent of ${describe(type)} must be ${wanted}`);
    }
    if (parent.record.projectKey !== issue.projectKey) {
      add(`parentKey ${quote(issue.parentKey)} is in project ${parent.record.projectKey}, not ${issue.projectKey}`);
    }
  }

  private checkCustomFieldValue(fieldId: string, value: unknown, add: (text: string) => void, missing: MissingReport): void {
    const field = this.customFields.get(fieldId);
    if (!field) {
      missing('customFields', fieldId, `customFields.${fieldId} is not a custom field in customFields`);
      return;
    }
    // Two fields with one id may have different types: the value is not held to either.
    if (value === null || this.ambiguous.customFields.has(fieldId)) return;
    const wrong = (expected: string): void => add(`customFields.${fieldId} (${field.name}) should be ${expected}, not ${quote(value)}`);
    const isOption = (item: unknown): boolean => isObject(item) && typeof item.value === 'string';
    switch (field.type) {
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value)) wrong('a number');
        break;
      case 'string':
        if (typeof value !== 'string') wrong('a string');
        break;
      case 'date':
        if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) wrong('a date (YYYY-MM-DD)');
        break;
      case 'datetime':
        if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) wrong('an ISO date-time');
        break;
      case 'option':
        if (!isOption(value)) wrong('an option ({"value": "..."})');
        break;
      case 'user':
        if (!isObject(value) || typeof value.accountId !== 'string') wrong('a user ({"accountId": "..."})');
        else if (!this.users.has(value.accountId)) missing('users', value.accountId, `customFields.${fieldId} (${field.name}): ${quote(value.accountId)} is not a user in users`);
        break;
      case 'array':
        if (!Array.isArray(value)) wrong('an array');
        else if (field.items === 'option' && !value.every(isOption)) wrong('an array of options ([{"value": "..."}])');
        else if (field.items === 'string' && !value.every((item) => typeof item === 'string')) wrong('an array of strings');
        break;
    }
  }

  private checkChangelog(issue: DatasetIssue, created: number, updated: number, add: (text: string) => void, missing: MissingReport): void {
    let previous = -Infinity;
    let lastStatus: string | null = null;
    issue.changelog.forEach((entry, position) => {
      const where = `changelog[${position}]`;
      const at = Date.parse(entry.created);
      if (!this.users.has(entry.authorAccountId)) missing('users', entry.authorAccountId, `${where}: authorAccountId ${quote(entry.authorAccountId)} is not a user in users`);
      if (at < created) add(`${where}: created ${entry.created} is before the issue was created (${issue.created})`);
      if (at > updated) add(`${where}: created ${entry.created} is after the issue's updated (${issue.updated})`);
      if (at < previous) add(`${where}: created ${entry.created} is before the entry above it; a changelog is oldest first`);
      previous = Math.max(previous, at);
      entry.items.forEach((item, itemPosition) => {
        if (item.fieldId !== 'status') return;
        for (const side of ['from', 'to'] as const) {
          const id = item[side];
          if (id === null) add(`${where}.items[${itemPosition}]: a status change needs ${side}`);
          else if (!this.statuses.has(id)) missing('statuses', id, `${where}.items[${itemPosition}]: status ${side} ${quote(id)} is not a status in statuses`);
        }
        lastStatus = item.to;
      });
    });
    if (lastStatus !== null && lastStatus !== issue.statusId && this.statuses.has(lastStatus)) {
      add(`the last status change goes to ${quote(lastStatus)} but statusId is ${quote(issue.statusId)}`);
    }
  }

  private checkWorklogs(issue: DatasetIssue, created: number, add: (text: string) => void, missing: MissingReport): void {
    issue.worklogs.forEach((worklog, position) => {
      const where = `worklogs[${position}]`;
      if (!this.users.has(worklog.authorAccountId)) missing('users', worklog.authorAccountId, `${where}: authorAccountId ${quote(worklog.authorAccountId)} is not a user in users`);
      if (worklog.timeSpentSeconds > MAX_WORKLOG_SECONDS) add(`${where}: timeSpentSeconds ${worklog.timeSpentSeconds} is more than a week`);
      // A day of slack: people log work by their local date, which may be a day off UTC.
      if (Date.parse(worklog.started) < created - DAY_MS) add(`${where}: started ${worklog.started} is before the issue was created (${issue.created})`);
      if (Date.parse(worklog.created) < created) add(`${where}: created ${worklog.created} is before the issue was created (${issue.created})`);
      if (Date.parse(worklog.updated) < Date.parse(worklog.created)) add(`${where}: updated ${worklog.updated} is before created ${worklog.created}`);
    });
  }

  /** Parent chains must end; the level rules already forbid most cycles, this catches the rest. */
  private checkParentCycles(): void {
    const settled = new Set<string>();
    for (const { record } of this.issues.values()) {
      const path: string[] = [];
      const onPath = new Set<string>();
      let key: string | null = record.key;
      while (key !== null && !settled.has(key)) {
        if (onPath.has(key)) {
          const cycle = [...path.slice(path.indexOf(key)), key];
          this.problems.add(`${this.issues.get(key)?.label ?? key}: parentKey makes a cycle: ${cycle.join(' -> ')}`);
          break;
        }
        onPath.add(key);
        path.push(key);
        key = this.issues.get(key)?.record.parentKey ?? null;
      }
      for (const visited of path) settled.add(visited);
    }
  }
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}
