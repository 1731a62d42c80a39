/**
 * Errors the storage service answers with: HTTP status plus the {code, message} body that
 * @forge/kvs turns into ForgeKvsAPIError. Codes and messages follow the Forge error tables
 * (handling-errors-kvs, handling-errors-customentities); where the docs name none, the code is ours.
 */
export class KvsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'KvsError';
  }
}

export const KvsErrors = {
  keyNotFound: (key: string) => new KvsError(404, 'KEY_NOT_FOUND', `The specified key does not exist: ${key}`),
  keyTooShort: () => new KvsError(400, 'KEY_TOO_SHORT', 'The provided key needs to be more than one character.'),
  emptyKey: () => new KvsError(400, 'EMPTY_KEY', 'Key cannot be empty.'),
  keyTooLong: () => new KvsError(400, 'KEY_TOO_LONG', 'The provided key has exceeded the maximum 500 characters.'),
  invalidKey: () =>
    new KvsError(400, 'INVALID_KEY', 'The provided key does not match the regex: /^(?!\\s+$)[a-zA-Z0-9:._\\s-#]+$/'),
  maxSize: (bytes: number) =>
    new KvsError(
      400,
      'MAX_SIZE',
      `The provided value has exceeded the maximum size limit (${bytes} bytes > 245760 bytes).`,
    ),
  maxDepth: () =>
    new KvsError(400, 'MAX_DEPTH', 'The provided value has exceeded the maximum object depth (32) limit.'),
  invalidValue: (message: string) => new KvsError(400, 'INVALID_VALUE', message),
  keyExists: (key: string) => new KvsError(409, 'KEY_ALREADY_EXISTS', `The key already exists: ${key}`),
  entityTypeTooShort: () =>
    new KvsError(400, 'ENTITY_TYPE_TOO_SHORT', 'The provided key needs to be more than 3 characters.'),
  entityTypeTooLarge: () =>
    new KvsError(400, 'ENTITY_TYPE_TOO_LARGE', 'The provided key has exceeded the maximum 60 characters.'),
  invalidEntityType: (message: string) => new KvsError(400, 'INVALID_ENTITY_TYPE', message),
  invalidEntityValue: (message: string) => new KvsError(400, 'INVALID_ENTITY_VALUE', message),
  invalidEntityIndex: (message: string) => new KvsError(400, 'INVALID_ENTITY_INDEX', message),
  listLimit: () => new KvsError(400, 'LIST_QUERY_LIMIT_EXCEEDED', 'Limit for list query should be below 100.'),
  pageLimit: () =>
    new KvsError(400, 'COMPLEX_QUERY_PAGE_LIMIT_NOT_IN_RANGE', 'The page limit must be set between 1 and 100.'),
  whereInvalid: () => new KvsError(400, 'QUERY_WHERE_INVALID', 'KVS queries should contain only a single "where" clause.'),
  whereFieldInvalid: () =>
    new KvsError(400, 'QUERY_WHERE_FIELD_INVALID', 'The specified field is not supported for filters.'),
  invalidCondition: (condition: string) =>
    new KvsError(400, 'INVALID_FILTER_CONDITION', `The specified condition is not supported for filters: ${condition}`),
  invalidFilterValues: () =>
    new KvsError(400, 'INVALID_FILTER_VALUES', 'The specified number of values are not supported by the given condition.'),
  insufficientFilterValues: () =>
    new KvsError(400, 'INSUFFICIENT_FILTER_VALUES', 'The specified condition needs at least two values.'),
  emptyFilterOperator: () =>
    new KvsError(400, 'EMPTY_FILTER_OPERATOR', 'Filter operators "and" and "or" cannot be empty.'),
  filterOperatorsCombination: () =>
    new KvsError(
      400,
      'INVALID_FILTER_OPERATORS_COMBINATION',
      'Filter operators "and" and "or" cannot be present at the same level.',
    ),
  invalidCursor: () => new KvsError(400, 'INVALID_CURSOR', 'The provided cursor is invalid.'),
  invalidPartition: (message: string) => new KvsError(400, 'INVALID_PARTITION', message),
  invalidRequest: (message: string) => new KvsError(400, 'INVALID_REQUEST', message),
  payloadTooLarge: () => new KvsError(413, 'PAYLOAD_TOO_LARGE', 'The request payload exceeds the 4MB limit.'),
  conditionFailed: (message: string) => new KvsError(409, 'CONDITION_CHECK_FAILED', message),
} as const;
