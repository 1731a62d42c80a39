/** GET /field: the system fields this Jira supports and the dataset's custom fields. */
import { allFieldDefinitions } from '../fields';
import { ok, type JiraRoute } from '../http';

export const listFields: JiraRoute = {
  method: 'GET',
  path: '/rest/api/3/field',
  handle(context) {
    return ok(
      allFieldDefinitions(context.catalog).map((field) => {
        const json: Record<string, unknown> = {
          id: field.id,
          key: field.id,
          name: field.name,
          custom: field.custom,
          orderable: field.orderable,
          navigable: field.navigable,
          searchable: field.searchable,
          clauseNames: field.clauseNames,
        };
        if (field.schema) json.schema = field.schema;
        return json;
      }),
    );
  },
};
