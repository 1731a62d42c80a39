/**
 * Custom-entity filter conditions (@forge/kvs FilterConditions / WhereConditions), used for
 * index-query filters and transaction conditions. Comparison semantics follow DynamoDB, which
 * backs the platform: values of different types never compare, a missing attribute fails every
 * condition except NOT_EXISTS, NOT_EQUAL_TO and NOT_CONTAINS.
 */
import { KvsErrors } from './kvs-errors';

export type ConditionName =
  | 'BEGINS_WITH'
  | 'BETWEEN'
  | 'CONTAINS'
  | 'NOT_CONTAINS'
  | 'EQUAL_TO'
  | 'NOT_EQUAL_TO'
  | 'EXISTS'
  | 'NOT_EXISTS'
  | 'GREATER_THAN'
  | 'GREATER_THAN_EQUAL_TO'
  | 'LESS_THAN'
  | 'LESS_THAN_EQUAL_TO';

export const FILTER_CONDITIONS: readonly ConditionName[] = [
  'BEGINS_WITH',
  'BETWEEN',
  'CONTAINS',
  'NOT_CONTAINS',
  'EQUAL_TO',
  'NOT_EQUAL_TO',
  'EXISTS',
  'NOT_EXISTS',
  'GREATER_THAN',
  'GREATER_THAN_EQUAL_TO',
  'LESS_THAN',
  'LESS_THAN_EQUAL_TO',
];

/** The subset allowed on an index range (`.where(...)`). */
export const RANGE_CONDITIONS: readonly ConditionName[] = [
  'BEGINS_WITH',
  'BETWEEN',
  'EQUAL_TO',
  'GREATER_THAN',
  'GREATER_THAN_EQUAL_TO',
  'LESS_THAN',
  'LESS_THAN_EQUAL_TO',
];

export interface Condition {
  condition: ConditionName;
  values: unknown[];
}

export interface FilterItem extends Condition {
  property: string;
}

export interface FilterGroup {
  operator: 'and' | 'or';
  items: FilterItem[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates a {condition, values} pair against the allowed condition names. */
export function parseCondition(raw: unknown, allowed: readonly ConditionName[]): Condition {
  if (!isRecord(raw) || typeof raw.condition !== 'string') {
    throw KvsErrors.invalidRequest('A condition needs a "condition" name and "values".');
  }
  const name = raw.condition as ConditionName;
  if (!allowed.includes(name)) throw KvsErrors.invalidCondition(raw.condition);
  const values = Array.isArray(raw.values) ? raw.values : [];
  if (name === 'BETWEEN') {
    if (values.length < 2) throw KvsErrors.insufficientFilterValues();
    if (values.length > 2) throw KvsErrors.invalidFilterValues();
  } else if (values.length !== 1) {
    throw KvsErrors.invalidFilterValues();
  }
  return { condition: name, values };
}

/** Parses `{and: [...]}` or `{or: [...]}` as sent by the SDK for filters and transaction conditions. */
export function parseFilterGroup(raw: unknown): FilterGroup | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isRecord(raw)) throw KvsErrors.invalidRequest('Filters must be an object with "and" or "or".');
  const hasAnd = raw.and !== undefined;
  const hasOr = raw.or !== undefined;
  if (hasAnd && hasOr) throw KvsErrors.filterOperatorsCombination();
  if (!hasAnd && !hasOr) throw KvsErrors.emptyFilterOperator();
  const operator = hasAnd ? 'and' : 'or';
  const list = raw[operator];
  if (!Array.isArray(list) || list.length === 0) throw KvsErrors.emptyFilterOperator();
  const items = list.map((item): FilterItem => {
    if (!isRecord(item) || typeof item.property !== 'string' || item.property === '') {
      throw KvsErrors.invalidRequest('Each filter needs a "property".');
    }
    return { property: item.property, ...parseCondition(item, FILTER_CONDITIONS) };
  });
  return { operator, items };
}

/** Sign of a - b for two numbers or two strings; undefined when the types differ. */
function compare(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function containsValue(container: unknown, needle: unknown): boolean {
  if (typeof container === 'string') return typeof needle === 'string' && container.includes(needle);
  if (Array.isArray(container)) return container.some((item) => deepEqual(item, needle));
  return false;
}

/** Evaluates one condition against an attribute value (undefined when the attribute is missing). */
export function matchesCondition(value: unknown, { condition, values }: Condition): boolean {
  const [first, second] = values;
  switch (condition) {
    case 'EXISTS':
      return value !== undefined;
    case 'NOT_EXISTS':
      return value === undefined;
    case 'EQUAL_TO':
      return value !== undefined && deepEqual(value, first);
    case 'NOT_EQUAL_TO':
      return !deepEqual(value, first);
    case 'BEGINS_WITH':
      return typeof value === 'string' && value.startsWith(String(first));
    case 'CONTAINS':
      return containsValue(value, first);
    case 'NOT_CONTAINS':
      return !containsValue(value, first);
    case 'GREATER_THAN':
      return (compare(value, first) ?? 0) > 0;
    case 'GREATER_THAN_EQUAL_TO':
      return (compare(value, first) ?? -1) >= 0;
    case 'LESS_THAN':
      return (compare(value, first) ?? 0) < 0;
    case 'LESS_THAN_EQUAL_TO':
      return (compare(value, first) ?? 1) <= 0;
    case 'BETWEEN':
      return (compare(value, first) ?? -1) >= 0 && (compare(value, second) ?? 1) <= 0;
  }
}

/** True when the item (an entity value, or undefined for a missing item) satisfies the group. */
export function matchesFilterGroup(item: unknown, group: FilterGroup): boolean {
  const attributes = isRecord(item) ? item : {};
  const test = (filter: FilterItem) => matchesCondition(attributes[filter.property], filter);
  return group.operator === 'and' ? group.items.every(test) : group.items.some(test);
}
