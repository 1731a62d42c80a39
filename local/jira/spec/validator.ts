/**
 * Checks answers of the simulated Jira against the response schemas copied from Atlassian's spec
 * (responses.json, written by extract.ts). Used by tests: a shape mistake is a failing test.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import spec from './responses.json';

type Schema = Record<string, unknown>;

const COMPONENTS_ID = 'jira-components';

/** Points the spec's local refs at the registered components document. */
function retarget(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(retarget);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [key, key === '$ref' && typeof value === 'string' ? `${COMPONENTS_ID}${value}` : retarget(value)]),
  );
}

export interface SpecValidator {
  /** Problems of `body` as the answer of `"GET /rest/api/3/myself"` with `status`; empty when it conforms. */
  responseProblems(endpoint: string, status: number, body: unknown): string[];
  /** Problems of an issue field's value (IssueBean.fields is free-form in the spec); [] for fields without a schema. */
  fieldValueProblems(field: string, value: unknown): string[];
  /** Endpoints (and statuses) the copied spec describes. */
  readonly endpoints: Record<string, string[]>;
}

export function createSpecValidator(): SpecValidator {
  // strict: false because the spec uses OpenAPI keywords (readOnly, xml...) Ajv does not know;
  // ownProperties so a missing `toString` property is not read as Object.prototype.toString.
  const ajv = new Ajv({ strict: false, allErrors: true, ownProperties: true });
  addFormats(ajv);
  ajv.addSchema({ $id: COMPONENTS_ID, components: spec.components }, COMPONENTS_ID);
  const compiled = new Map<string, ValidateFunction>();
  const compile = (key: string, schema: unknown): ValidateFunction => {
    let validate = compiled.get(key);
    if (!validate) compiled.set(key, (validate = ajv.compile(retarget(schema) as Schema)));
    return validate;
  };
  const problems = (validate: ValidateFunction, value: unknown): string[] =>
    validate(value) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath || '(root)'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);

  const responses = spec.responses as Record<string, Record<string, unknown>>;
  const fieldValues = spec.fieldValues as Record<string, unknown>;
  return {
    endpoints: Object.fromEntries(Object.entries(responses).map(([endpoint, byStatus]) => [endpoint, Object.keys(byStatus)])),
    responseProblems(endpoint, status, body) {
      const schema = responses[endpoint]?.[String(status)];
      if (schema === undefined) return [`the spec documents no ${status} answer for ${endpoint}`];
      return problems(compile(`${endpoint} ${status}`, schema), body);
    },
    fieldValueProblems(field, value) {
      const schema = fieldValues[field];
      return schema === undefined ? [] : problems(compile(`field ${field}`, schema), value);
    },
  };
}
