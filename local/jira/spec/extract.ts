/**
 * Developer tool (never run by the project or its tests): copies, from Atlassian's official Jira
 * Cloud platform REST API v3 OpenAPI spec, the response schemas of the endpoints the simulated Jira
 * answers, with every component they reference, into local/jira/spec/responses.json.
 *
 *   npx tsx local/jira/spec/extract.ts /path/to/jira-platform-v3.json
 *
 * Descriptions and examples are dropped to keep the copy small; the schemas are otherwise verbatim,
 * except the one patch listed in NOTES.
 */
import fs from 'node:fs';
import path from 'node:path';

type Schema = Record<string, unknown>;
interface OpenApi {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: Schema }> }> }>>;
  components: { schemas: Record<string, Schema> };
}

/** [method, path] of every endpoint the simulated Jira serves; all their documented responses are copied. */
const ENDPOINTS: [string, string][] = [
  ['get', '/rest/api/3/myself'],
  ['get', '/rest/api/3/project/search'],
  ['get', '/rest/api/3/project/{projectIdOrKey}'],
  ['get', '/rest/api/3/project/{projectIdOrKey}/version'],
  ['get', '/rest/api/3/project/{projectIdOrKey}/versions'],
  ['get', '/rest/api/3/field'],
  ['get', '/rest/api/3/status'],
  ['get', '/rest/api/3/search/jql'],
  ['post', '/rest/api/3/search/jql'],
  ['post', '/rest/api/3/search/approximate-count'],
  ['post', '/rest/api/3/changelog/bulkfetch'],
  ['get', '/rest/api/3/issue/{issueIdOrKey}'],
  ['get', '/rest/api/3/issue/{issueIdOrKey}/worklog'],
  ['get', '/rest/api/3/worklog/updated'],
  ['post', '/rest/api/3/worklog/list'],
  ['post', '/rest/api/3/permissions/check'],
  ['get', '/rest/api/3/mypermissions'],
  ['get', '/rest/api/3/user/groups'],
  ['get', '/rest/api/3/user/bulk'],
  ['get', '/rest/api/3/group/member'],
  ['get', '/rest/api/3/user/search'],
];

/**
 * IssueBean.fields is a free-form map in the spec, so the values of the fields the simulated Jira
 * renders are checked against these components instead.
 */
const nullable = (name: string): Schema => ({ anyOf: [{ type: 'null' }, { $ref: `#/components/schemas/${name}` }] });
const FIELD_VALUES: Record<string, Schema> = {
  status: { $ref: '#/components/schemas/StatusDetails' },
  issuetype: { $ref: '#/components/schemas/IssueTypeDetails' },
  project: { $ref: '#/components/schemas/ProjectDetails' },
  priority: { $ref: '#/components/schemas/Priority' },
  assignee: nullable('UserDetails'),
  reporter: { $ref: '#/components/schemas/UserDetails' },
  parent: nullable('LinkedIssue'),
  resolution: nullable('Resolution'),
  timetracking: { $ref: '#/components/schemas/TimeTrackingDetails' },
  fixVersions: { type: 'array', items: { $ref: '#/components/schemas/Version' } },
  subtasks: { type: 'array', items: { $ref: '#/components/schemas/LinkedIssue' } },
  issuelinks: { type: 'array', items: { $ref: '#/components/schemas/IssueLinkAsAnswered' } },
};

const NOTES = [
  "IssueLinkAsAnswered is the spec's IssueLink with `required` changed from [inwardIssue, outwardIssue, type] to [type] plus exactly one side: " +
    'the spec lists both sides as required, which holds for creating a link, while Jira answers each link from one issue with only the other side.',
];

const DROPPED_KEYWORDS = new Set(['description', 'example', 'examples', 'xml', 'externalDocs']);

/** Copies a schema without its documentation keywords (property names are kept whatever they are). */
function clean(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(clean);
  if (schema === null || typeof schema !== 'object') return schema;
  const copy: Schema = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (DROPPED_KEYWORDS.has(keyword)) continue;
    if (keyword === 'properties' && value && typeof value === 'object') {
      copy.properties = Object.fromEntries(Object.entries(value).map(([name, property]) => [name, clean(property)]));
    } else {
      copy[keyword] = clean(value);
    }
  }
  return copy;
}

function referencedComponents(schema: unknown, found: Set<string>, all: Record<string, Schema>): void {
  if (Array.isArray(schema)) {
    for (const item of schema) referencedComponents(item, found, all);
  } else if (schema && typeof schema === 'object') {
    for (const [keyword, value] of Object.entries(schema)) {
      if (keyword === '$ref' && typeof value === 'string') {
        const name = value.replace('#/components/schemas/', '');
        if (!found.has(name) && all[name]) {
          found.add(name);
          referencedComponents(all[name], found, all);
        }
      } else {
        referencedComponents(value, found, all);
      }
    }
  }
}

function main(): void {
  const specPath = process.argv[2];
  if (!specPath) {
    console.error('usage: npx tsx local/jira/spec/extract.ts /path/to/jira-platform-v3.json');
    process.exit(2);
  }
  const spec = JSON.parse(fs.readFileSync(specPath, 'utf8')) as OpenApi;
  const schemas = { ...spec.components.schemas };
  const issueLink = schemas.IssueLink as Schema & { required?: string[] };
  schemas.IssueLinkAsAnswered = {
    ...issueLink,
    required: ['type'],
    oneOf: [{ required: ['inwardIssue'] }, { required: ['outwardIssue'] }],
  };

  const responses: Record<string, Record<string, unknown>> = {};
  for (const [method, route] of ENDPOINTS) {
    const operation = spec.paths[route]?.[method];
    if (!operation) throw new Error(`The spec has no ${method.toUpperCase()} ${route}`);
    const byStatus: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(operation.responses)) {
      const schema = response.content?.['application/json']?.schema;
      // Error answers the spec leaves undescribed are Jira's ErrorCollection everywhere.
      byStatus[status] = clean(schema && Object.keys(schema).length > 0 ? schema : status.startsWith('2') ? {} : { $ref: '#/components/schemas/ErrorCollection' });
    }
    responses[`${method.toUpperCase()} ${route}`] = byStatus;
  }

  const needed = new Set<string>(['ErrorCollection']);
  referencedComponents(schemas.ErrorCollection, needed, schemas);
  referencedComponents(responses, needed, schemas);
  referencedComponents(FIELD_VALUES, needed, schemas);
  const components = Object.fromEntries([...needed].sort().map((name) => [name, clean(schemas[name])]));

  const document = {
    source: "Atlassian's official Jira Cloud platform REST API v3 OpenAPI spec (jira-platform-v3.json)",
    title: spec.info.title,
    specVersion: spec.info.version,
    openapi: spec.openapi,
    extractedBy: 'local/jira/spec/extract.ts',
    notes: NOTES,
    responses,
    fieldValues: FIELD_VALUES,
    components: { schemas: components },
  };
  const out = path.join(__dirname, 'responses.json');
  fs.writeFileSync(out, `${JSON.stringify(document, null, 1)}\n`);
  console.log(`wrote ${out}: ${Object.keys(responses).length} endpoints, ${needed.size} components`);
}

main();
