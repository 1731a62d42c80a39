/**
 * The issue fields this Jira knows: the system fields it renders plus the dataset's custom fields,
 * described as GET /field does, and the `fields` parameter's selection rules (`*all`, `*navigable`,
 * `-field` exclusions, `id`).
 */
import type { Catalog, CustomFieldRow } from './catalog';

export interface FieldDefinition {
  id: string;
  name: string;
  custom: boolean;
  orderable: boolean;
  navigable: boolean;
  searchable: boolean;
  clauseNames: string[];
  /** JsonTypeBean; absent for fields Jira describes without one (parent, issuekey). */
  schema?: { type: string; items?: string; system?: string; custom?: string; customId?: number };
  /** Whether issues carry this field in `fields` (issuekey and statusCategory exist only for JQL). */
  rendered: boolean;
}

const system = (
  id: string,
  name: string,
  clauseNames: string[],
  schema: FieldDefinition['schema'] | undefined,
  options: Partial<Pick<FieldDefinition, 'orderable' | 'navigable' | 'searchable' | 'rendered'>> = {},
): FieldDefinition => ({
  id,
  name,
  custom: false,
  orderable: options.orderable ?? true,
  navigable: options.navigable ?? true,
  searchable: options.searchable ?? true,
  clauseNames,
  schema,
  rendered: options.rendered ?? true,
});

export const SYSTEM_FIELDS: readonly FieldDefinition[] = [
  system('issuekey', 'Key', ['id', 'issue', 'issuekey', 'key'], undefined, { orderable: false, rendered: false }),
  system('summary', 'Summary', ['summary'], { type: 'string', system: 'summary' }),
  system('description', 'Description', ['description'], { type: 'string', system: 'description' }, { orderable: false }),
  system('issuetype', 'Issue Type', ['issuetype', 'type'], { type: 'issuetype', system: 'issuetype' }),
  system('status', 'Status', ['status'], { type: 'status', system: 'status' }, { orderable: false }),
  system('statusCategory', 'Status Category', ['statusCategory'], undefined, { orderable: false, navigable: false, rendered: false }),
  system('project', 'Project', ['project'], { type: 'project', system: 'project' }),
  system('priority', 'Priority', ['priority'], { type: 'priority', system: 'priority' }),
  system('assignee', 'Assignee', ['assignee'], { type: 'user', system: 'assignee' }),
  system('reporter', 'Reporter', ['reporter'], { type: 'user', system: 'reporter' }),
  system('parent', 'Parent', ['parent'], undefined, { searchable: false }),
  system('created', 'Created', ['created', 'createdDate'], { type: 'datetime', system: 'created' }, { orderable: false }),
  system('updated', 'Updated', ['updated', 'updatedDate'], { type: 'datetime', system: 'updated' }, { orderable: false }),
  system('resolutiondate', 'Resolved', ['resolutiondate', 'resolved'], { type: 'datetime', system: 'resolutiondate' }, { orderable: false }),
  system('resolution', 'Resolution', ['resolution'], { type: 'resolution', system: 'resolution' }),
  system('duedate', 'Due date', ['due', 'duedate'], { type: 'date', system: 'duedate' }),
  system('labels', 'Labels', ['labels'], { type: 'array', items: 'string', system: 'labels' }),
  system('fixVersions', 'Fix versions', ['fixVersion'], { type: 'array', items: 'version', system: 'fixVersions' }),
  system('issuelinks', 'Linked Issues', ['issueLink'], { type: 'array', items: 'issuelinks', system: 'issuelinks' }),
  system('subtasks', 'Sub-tasks', ['subtasks'], { type: 'array', items: 'issuelinks', system: 'subtasks' }, { orderable: false }),
  system('timeoriginalestimate', 'Original estimate', ['originalEstimate', 'timeoriginalestimate'], { type: 'number', system: 'timeoriginalestimate' }, { orderable: false }),
  system('timeestimate', 'Remaining Estimate', ['remainingEstimate', 'timeestimate'], { type: 'number', system: 'timeestimate' }, { orderable: false }),
  system('timespent', 'Time Spent', ['timespent'], { type: 'number', system: 'timespent' }, { orderable: false }),
  system('aggregatetimespent', 'Σ Time Spent', [], { type: 'number', system: 'aggregatetimespent' }, { orderable: false, searchable: false }),
  system('timetracking', 'Time tracking', [], { type: 'timetracking', system: 'timetracking' }, { navigable: false, searchable: false }),
];

export function customFieldDefinition(field: CustomFieldRow): FieldDefinition {
  const number = Number(field.id.slice('customfield_'.length));
  const schema: FieldDefinition['schema'] = { type: field.type, custom: field.custom, customId: number };
  if (field.items) schema.items = field.items;
  return {
    id: field.id,
    name: field.name,
    custom: true,
    orderable: true,
    navigable: true,
    searchable: true,
    clauseNames: [`cf[${number}]`, field.name],
    schema,
    rendered: true,
  };
}

/** Every field GET /field lists, system fields first. */
export function allFieldDefinitions(catalog: Catalog): FieldDefinition[] {
  return [...SYSTEM_FIELDS, ...catalog.customFields().map(customFieldDefinition)];
}

export interface FieldSelection {
  /** Ids of the fields to put in `fields`, in definition order. */
  fields: string[];
  /** Only `id` (or nothing) was asked for: issues are answered as `{id}` alone. */
  idOnly: boolean;
  /** Only id and/or key: the search may return its largest pages. */
  idOrKeyOnly: boolean;
}

/**
 * Applies Jira's `fields` rules. `defaultSpec` is the endpoint's default (`id` for search, `*all` for
 * GET issue); with only exclusions, search starts from the navigable fields and GET issue from all.
 * Unknown field names are ignored, as Jira does.
 */
export function selectFields(tokens: string[], defaultSpec: 'id' | '*all', definitions: FieldDefinition[]): FieldSelection {
  const rendered = definitions.filter((field) => field.rendered);
  const positives = tokens.filter((token) => !token.startsWith('-'));
  const exclusions = new Set(tokens.filter((token) => token.startsWith('-')).map((token) => token.slice(1)));
  let wanted = positives;
  if (tokens.length === 0) wanted = [defaultSpec];
  else if (positives.length === 0) wanted = [defaultSpec === 'id' ? '*navigable' : '*all'];

  const chosen = new Set<string>();
  for (const token of wanted) {
    if (token === '*all') {
      for (const field of rendered) chosen.add(field.id);
    } else if (token === '*navigable') {
      for (const field of rendered) if (field.navigable) chosen.add(field.id);
    } else {
      chosen.add(token);
    }
  }
  const fields = rendered.map((field) => field.id).filter((id) => chosen.has(id) && !exclusions.has(id));
  const idOrKeyOnly = wanted.every((token) => token === 'id' || token === 'key');
  return { fields, idOnly: idOrKeyOnly && !wanted.includes('key'), idOrKeyOnly };
}
