/**
 * The Forge hosted storage (Key-Value Store, secrets, Custom Entity Store) on SQLite.
 * Every method takes the JSON body @forge/kvs posts (see kvs/out/interfaces/kvs-api.d.ts) and
 * returns the JSON the service answers, or throws KvsError. All writes are synchronous SQLite
 * statements, so each request (and each transaction) is atomic.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import {
  type Condition,
  type FilterGroup,
  matchesFilterGroup,
  parseCondition,
  parseFilterGroup,
  RANGE_CONDITIONS,
} from './kvs-conditions';
import { KvsError, KvsErrors } from './kvs-errors';
import type { EntityAttributeType, EntityDefinition } from './types';

const MAX_VALUE_BYTES = 240 * 1024;
const MAX_DEPTH = 32;
const MAX_BATCH_ITEMS = 25;
const MAX_TRANSACTION_OPERATIONS = 25;
const DEFAULT_PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 100;
const MAX_KEY_LENGTH = 500;
/** The platform's key regex; `\s\-#` spells out the literal "-" the docs' `\s-#` means. */
const KEY_PATTERN = /^(?!\s+$)[a-zA-Z0-9:._\s\-#]+$/;
/** Docs regex for entity names, plus "_" which the manifest allows. */
const ENTITY_NAME_PATTERN = /^(?![.-])(?!.*\.{2})[a-z0-9:_\-.]*(?<![.])$/;
/** Manifest rule for attribute names; also keeps them safe inside a JSON path literal. */
const ATTRIBUTE_PATTERN = /^[_A-Za-z][_0-9A-Za-z]*$/;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

const TTL_UNIT_MS: Record<string, number> = {
  SECONDS: 1000,
  MINUTES: 60_000,
  HOURS: 3_600_000,
  DAYS: 86_400_000,
};

type JsonRecord = Record<string, unknown>;
type SqlValue = string | number | bigint | null;

interface ItemRow {
  key: string;
  value: string;
  created_at: number;
  updated_at: number;
  expire_at: number | null;
}

interface StoredItem {
  key: string;
  value: unknown;
  createdAt: number;
  updatedAt: number;
  expireTime?: string;
}

interface ResolvedIndex {
  name: string;
  range: string;
  partition: string[];
}

interface ResolvedEntity {
  name: string;
  /** null when the app gave no manifest entities: any attributes are accepted. */
  attributes: Map<string, EntityAttributeType> | null;
  indexes: Map<string, ResolvedIndex>;
}

/** A storage location: the KVS, the secret store or one custom entity. */
type Scope = { kind: 'kvs' } | { kind: 'secret' } | { kind: 'entity'; entity: ResolvedEntity };

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireRecord(value: unknown, what: string): JsonRecord {
  if (!isRecord(value)) throw KvsErrors.invalidRequest(`${what} must be a JSON object.`);
  return value;
}

function scopeId(scope: Scope): string {
  return scope.kind === 'entity' ? `entity:${scope.entity.name}` : scope.kind;
}

function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + value.reduce<number>((max, item) => Math.max(max, depthOf(item)), 0);
  if (isRecord(value)) return 1 + Object.values(value).reduce<number>((max, item) => Math.max(max, depthOf(item)), 0);
  return 0;
}

/** A SQL string literal; SQLite escapes a quote by doubling it. */
function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** json_extract of one attribute; attribute names are checked against ATTRIBUTE_PATTERN first. */
function attributeSql(attribute: string): string {
  return `json_extract(value, ${sqlString(`$."${attribute}"`)})`;
}

function encodeCursor(data: unknown): string {
  return Buffer.from(JSON.stringify(data), 'utf8').toString('base64url');
}

function decodeCursor(cursor: unknown): unknown {
  if (typeof cursor !== 'string' || cursor === '') throw KvsErrors.invalidCursor();
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw KvsErrors.invalidCursor();
  }
}

/** SQLite cannot bind booleans; JSON true/false read back through json_extract as 1/0. */
function toSql(value: unknown): SqlValue {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' || typeof value === 'number') return value;
  throw KvsErrors.invalidFilterValues();
}

function metadataFieldsOf(options: unknown): string[] {
  if (!isRecord(options) || !Array.isArray(options.metadataFields)) return [];
  return options.metadataFields.filter((field): field is string => typeof field === 'string');
}

/** Query results carry metadata only when asked for (the SDK passes them through as they are). */
function withRequestedMetadata(item: StoredItem, fields: string[]): JsonRecord {
  return {
    key: item.key,
    value: item.value,
    ...(fields.includes('CREATED_AT') ? { createdAt: item.createdAt } : {}),
    ...(fields.includes('UPDATED_AT') ? { updatedAt: item.updatedAt } : {}),
    ...(fields.includes('EXPIRE_TIME') && item.expireTime !== undefined ? { expireTime: item.expireTime } : {}),
  };
}

function toStoredItem(row: ItemRow): StoredItem {
  return {
    key: row.key,
    value: JSON.parse(row.value) as unknown,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(row.expire_at !== null ? { expireTime: new Date(row.expire_at).toISOString() } : {}),
  };
}

function resolveEntities(definitions: readonly EntityDefinition[] | undefined): Map<string, ResolvedEntity> | null {
  if (!definitions) return null;
  const entities = new Map<string, ResolvedEntity>();
  for (const definition of definitions) {
    const attributes = new Map<string, EntityAttributeType>(
      Object.entries(definition.attributes).map(([name, attribute]) => [name, attribute.type]),
    );
    for (const name of attributes.keys()) {
      if (!ATTRIBUTE_PATTERN.test(name)) throw new Error(`Entity ${definition.name}: invalid attribute name "${name}".`);
    }
    const indexes = new Map<string, ResolvedIndex>();
    for (const index of definition.indexes ?? []) {
      if (typeof index === 'string') {
        indexes.set(index, { name: index, range: index, partition: [] });
      } else {
        // The manifest allows a range list; the platform ranges over its (single) first attribute.
        indexes.set(index.name, { name: index.name, range: index.range[0], partition: [...(index.partition ?? [])] });
      }
    }
    for (const index of indexes.values()) {
      for (const attribute of [index.range, ...index.partition]) {
        if (!attributes.has(attribute)) {
          throw new Error(`Entity ${definition.name}: index "${index.name}" uses undeclared attribute "${attribute}".`);
        }
      }
    }
    entities.set(definition.name, { name: definition.name, attributes, indexes });
  }
  return entities;
}

export class KvsStore {
  private readonly entities: Map<string, ResolvedEntity> | null;
  private readonly queryCache = new Map<string, Database.Statement<Record<string, SqlValue>, ItemRow & { r: string | number }>>();
  private readonly statements: {
    select: Database.Statement<[string, string, number], ItemRow>;
    upsert: Database.Statement<[string, string, string, number, number, number | null]>;
    remove: Database.Statement<[string, string]>;
    purgeExpired: Database.Statement<[number]>;
    list: Database.Statement<
      { scope: string; now: number; prefix: string; prefixEnd: string; after: string | null; take: number },
      ItemRow
    >;
  };

  constructor(
    private readonly db: Database.Database,
    entityDefinitions: readonly EntityDefinition[] | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.entities = resolveEntities(entityDefinitions);
    db.exec(`
      CREATE TABLE IF NOT EXISTS forge_item (
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        expire_at INTEGER,
        PRIMARY KEY (scope, key)
      ) WITHOUT ROWID;
    `);
    this.statements = {
      select: db.prepare(
        `SELECT key, value, created_at, updated_at, expire_at FROM forge_item
         WHERE scope = ? AND key = ? AND (expire_at IS NULL OR expire_at > ?)`,
      ),
      upsert: db.prepare(
        `INSERT INTO forge_item (scope, key, value, created_at, updated_at, expire_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value, created_at = excluded.created_at,
           updated_at = excluded.updated_at, expire_at = excluded.expire_at`,
      ),
      remove: db.prepare('DELETE FROM forge_item WHERE scope = ? AND key = ?'),
      purgeExpired: db.prepare('DELETE FROM forge_item WHERE expire_at IS NOT NULL AND expire_at <= ?'),
      list: db.prepare(
        `SELECT key, value, created_at, updated_at, expire_at FROM forge_item
         WHERE scope = @scope AND (expire_at IS NULL OR expire_at > @now)
           AND key >= @prefix AND key < @prefixEnd
           AND (@after IS NULL OR key > @after)
         ORDER BY key LIMIT @take`,
      ),
    };
    this.statements.purgeExpired.run(this.now());
    this.ensureIndexes();
  }

  // ---- Key-Value Store and secrets -------------------------------------------------------

  get(body: unknown, secret = false): StoredItem {
    const request = requireRecord(body, 'Request');
    return this.readItem(secret ? { kind: 'secret' } : { kind: 'kvs' }, request.key);
  }

  set(body: unknown, secret = false): StoredItem | undefined {
    const request = requireRecord(body, 'Request');
    return this.writeItem(secret ? { kind: 'secret' } : { kind: 'kvs' }, request.key, request.value, request.options);
  }

  delete(body: unknown, secret = false): void {
    const request = requireRecord(body, 'Request');
    this.deleteItem(secret ? { kind: 'secret' } : { kind: 'kvs' }, request.key);
  }

  query(body: unknown): { data: JsonRecord[]; cursor?: string } {
    const request = requireRecord(body, 'Request');
    const limit = request.limit ?? DEFAULT_PAGE_SIZE;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw KvsErrors.listLimit();
    }
    let prefix: string | null = null;
    if (request.where !== undefined) {
      if (!Array.isArray(request.where) || request.where.length > 1) throw KvsErrors.whereInvalid();
      const where = request.where[0] as unknown;
      if (where !== undefined) {
        const clause = requireRecord(where, 'where');
        if (clause.property !== 'key') throw KvsErrors.whereFieldInvalid();
        const condition = parseCondition(clause, ['BEGINS_WITH']);
        prefix = String(condition.values[0]);
      }
    }
    const after = request.after === undefined ? null : this.decodeKeyCursor(request.after);
    // A key range the primary key serves, not a scan: no key has a character after U+10FFFF.
    const rows = this.statements.list.all({ scope: 'kvs', now: this.now(), prefix: prefix ?? '', prefixEnd: `${prefix ?? ''}\u{10FFFF}`, after, take: limit + 1 });
    const page = rows.slice(0, limit);
    const fields = metadataFieldsOf(request.options);
    return {
      data: page.map((row) => withRequestedMetadata(toStoredItem(row), fields)),
      ...(rows.length > limit ? { cursor: encodeCursor({ k: page[page.length - 1].key }) } : {}),
    };
  }

  // ---- Custom Entity Store ---------------------------------------------------------------

  getEntity(body: unknown): StoredItem {
    const request = requireRecord(body, 'Request');
    return this.readItem(this.entityScope(request.entityName), request.key);
  }

  setEntity(body: unknown): StoredItem | undefined {
    const request = requireRecord(body, 'Request');
    return this.writeItem(this.entityScope(request.entityName), request.key, request.value, request.options);
  }

  deleteEntity(body: unknown): void {
    const request = requireRecord(body, 'Request');
    this.deleteItem(this.entityScope(request.entityName), request.key);
  }

  /**
   * Index query. As on the platform (DynamoDB), `limit` bounds the index items read and filters
   * are applied to that page afterwards, so a page can hold fewer items and still have a cursor.
   */
  queryEntity(body: unknown): { data: JsonRecord[]; cursor?: string } {
    const request = requireRecord(body, 'Request');
    const scope = this.entityScope(request.entityName);
    const index = this.resolveIndex(scope.entity, request.indexName);
    const limit = request.limit ?? DEFAULT_PAGE_SIZE;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw KvsErrors.pageLimit();
    }
    if (request.sort !== undefined && request.sort !== 'ASC' && request.sort !== 'DESC') {
      throw KvsErrors.invalidRequest('sort must be ASC or DESC.');
    }
    const descending = request.sort === 'DESC';
    const range = request.range === undefined ? undefined : parseCondition(request.range, RANGE_CONDITIONS);
    const filters = parseFilterGroup(request.filters);
    const partition = this.partitionValues(index, request.partition);

    // Scope and JSON paths are inlined (not bound) so SQLite can use the expression index of ensureIndexes().
    const r = attributeSql(index.range);
    const params: Record<string, SqlValue> = { now: this.now(), take: limit + 1 };
    const partitionSql = index.partition
      .map((attribute, i) => {
        params[`pv${i}`] = toSql(partition[i]);
        return ` AND ${attributeSql(attribute)} = @pv${i}`;
      })
      .join('');
    const rangeSql = range ? this.rangeSql(range, r, params) : '';
    let cursorSql = '';
    if (request.cursor !== undefined) {
      const cursor = decodeCursor(request.cursor);
      if (!isRecord(cursor) || typeof cursor.k !== 'string' || (typeof cursor.r !== 'string' && typeof cursor.r !== 'number')) {
        throw KvsErrors.invalidCursor();
      }
      params.cr = cursor.r;
      params.ck = cursor.k;
      cursorSql = descending
        ? ` AND (${r} < @cr OR (${r} = @cr AND key < @ck))`
        : ` AND (${r} > @cr OR (${r} = @cr AND key > @ck))`;
    }
    const order = descending ? 'DESC' : 'ASC';
    const sql = `SELECT key, value, created_at, updated_at, expire_at, ${r} AS r FROM forge_item
      WHERE scope = ${sqlString(scopeId(scope))}${partitionSql} AND ${r} IS NOT NULL${rangeSql}${cursorSql}
        AND (expire_at IS NULL OR expire_at > @now)
      ORDER BY ${r} ${order}, key ${order} LIMIT @take`;
    const rows = this.prepared(sql).all(params);
    const page = rows.slice(0, limit);
    const fields = metadataFieldsOf(request.options);
    const items = page.map(toStoredItem).filter((item) => !filters || matchesFilterGroup(item.value, filters));
    const last = page[page.length - 1];
    return {
      data: items.map((item) => withRequestedMetadata(item, fields)),
      ...(rows.length > limit && last ? { cursor: encodeCursor({ r: last.r, k: last.key }) } : {}),
    };
  }

  // ---- Batch operations (each item succeeds or fails on its own) ---------------------------

  batchSet(body: unknown): { successfulKeys: JsonRecord[]; failedKeys: JsonRecord[] } {
    const items = this.batchItems(body);
    return this.runBatch(items, (item) => {
      this.writeItem(this.scopeOf(item.entityName), item.key, item.value, item.options);
      return {};
    });
  }

  batchGet(body: unknown): { successfulKeys: JsonRecord[]; failedKeys: JsonRecord[] } {
    const items = this.batchItems(body);
    return this.runBatch(items, (item) => {
      const stored = this.readItem(this.scopeOf(item.entityName), item.key);
      return { value: stored.value, createdAt: stored.createdAt, updatedAt: stored.updatedAt, ...(stored.expireTime ? { expireTime: stored.expireTime } : {}) };
    });
  }

  batchDelete(body: unknown): { successfulKeys: JsonRecord[]; failedKeys: JsonRecord[] } {
    const items = this.batchItems(body);
    return this.runBatch(items, (item) => {
      this.deleteItem(this.scopeOf(item.entityName), item.key);
      return {};
    });
  }

  // ---- Transactions (all or nothing) -------------------------------------------------------

  transact(body: unknown): void {
    const request = requireRecord(body, 'Transaction');
    const list = (name: string): JsonRecord[] => {
      const value = request[name];
      if (value === undefined || value === null) return [];
      if (!Array.isArray(value)) throw KvsErrors.invalidRequest(`Transaction "${name}" must be a list.`);
      return value.map((item) => requireRecord(item, `Transaction ${name} operation`));
    };
    const sets = list('set');
    const deletes = list('delete');
    const checks = list('check');
    const total = sets.length + deletes.length + checks.length;
    if (total === 0) throw KvsErrors.invalidRequest('A transaction needs at least one operation.');
    if (total > MAX_TRANSACTION_OPERATIONS) {
      throw new KvsError(400, 'TOO_MANY_OPERATIONS', 'Each transaction can contain a maximum of 25 operations.');
    }
    const seen = new Set<string>();
    for (const operation of [...sets, ...deletes, ...checks]) {
      const id = `${String(operation.entityName ?? '')}\u0000${String(operation.key)}`;
      if (seen.has(id)) {
        throw new KvsError(400, 'DUPLICATE_KEYS', `Each key can only be used once in a transaction: ${String(operation.key)}`);
      }
      seen.add(id);
    }
    const conditionsOf = (operation: JsonRecord): FilterGroup | undefined => {
      const group = parseFilterGroup(operation.conditions);
      if (group && operation.entityName === undefined) {
        throw KvsErrors.invalidRequest('Conditions are only supported on custom entity operations.');
      }
      return group;
    };
    // Validate everything before touching data, then apply inside one SQLite transaction.
    const planned = {
      checks: checks.map((operation) => {
        const conditions = conditionsOf(operation);
        if (!conditions) throw KvsErrors.invalidRequest('A transaction check needs conditions.');
        return { scope: this.scopeOf(operation.entityName), key: this.validKey(this.scopeOf(operation.entityName), operation.key), conditions };
      }),
      sets: sets.map((operation) => {
        const scope = this.scopeOf(operation.entityName);
        return { scope, operation, conditions: conditionsOf(operation) };
      }),
      deletes: deletes.map((operation) => {
        const scope = this.scopeOf(operation.entityName);
        return { scope, key: this.validKey(scope, operation.key), conditions: conditionsOf(operation) };
      }),
    };
    this.db.transaction(() => {
      const current = (scope: Scope, key: string): unknown =>
        this.findItem(scope, key)?.value;
      for (const check of planned.checks) {
        const value = current(check.scope, check.key);
        if (value === undefined || !matchesFilterGroup(value, check.conditions)) {
          throw KvsErrors.conditionFailed(`Transaction cancelled: check failed for key ${check.key}.`);
        }
      }
      for (const { scope, operation, conditions } of planned.sets) {
        const key = this.validKey(scope, operation.key);
        if (conditions && !matchesFilterGroup(current(scope, key), conditions)) {
          throw KvsErrors.conditionFailed(`Transaction cancelled: condition failed for set of key ${key}.`);
        }
        this.writeItem(scope, key, operation.value, operation.options);
      }
      for (const { scope, key, conditions } of planned.deletes) {
        if (conditions && !matchesFilterGroup(current(scope, key), conditions)) {
          throw KvsErrors.conditionFailed(`Transaction cancelled: condition failed for delete of key ${key}.`);
        }
        this.deleteItem(scope, key);
      }
    })();
  }

  // ---- internals ---------------------------------------------------------------------------

  private scopeOf(entityName: unknown): Scope {
    return entityName === undefined || entityName === null ? { kind: 'kvs' } : this.entityScope(entityName);
  }

  private entityScope(entityName: unknown): { kind: 'entity'; entity: ResolvedEntity } {
    if (typeof entityName !== 'string') throw KvsErrors.invalidEntityType('entityName must be a string.');
    if (entityName.length < 3) throw KvsErrors.entityTypeTooShort();
    if (entityName.length > 60) throw KvsErrors.entityTypeTooLarge();
    if (!ENTITY_NAME_PATTERN.test(entityName)) {
      throw KvsErrors.invalidEntityType(
        'The provided key does not match the regex: /^(?![\\.\\-])(?!.*\\.{2})[a-z0-9:\\-.]*(?<![.])$/.',
      );
    }
    if (!this.entities) return { kind: 'entity', entity: { name: entityName, attributes: null, indexes: new Map() } };
    const entity = this.entities.get(entityName);
    if (!entity) {
      throw KvsErrors.invalidEntityType(`Entity "${entityName}" is not defined in manifest app.storage.entities.`);
    }
    return { kind: 'entity', entity };
  }

  private resolveIndex(entity: ResolvedEntity, indexName: unknown): ResolvedIndex {
    if (typeof indexName !== 'string' || indexName === '') throw KvsErrors.invalidEntityIndex('indexName is required.');
    const index = entity.indexes.get(indexName);
    if (index) return index;
    // Without manifest entities, treat an index name as a single-attribute range index.
    if (entity.attributes === null && ATTRIBUTE_PATTERN.test(indexName)) return { name: indexName, range: indexName, partition: [] };
    throw KvsErrors.invalidEntityIndex(`Index "${indexName}" is not defined for entity "${entity.name}".`);
  }

  private partitionValues(index: ResolvedIndex, raw: unknown): unknown[] {
    const values = raw === undefined || raw === null ? [] : raw;
    if (!Array.isArray(values)) throw KvsErrors.invalidPartition('partition must be a list of values.');
    if (values.length !== index.partition.length) {
      throw KvsErrors.invalidPartition(
        `Index "${index.name}" needs ${index.partition.length} partition value(s) (${index.partition.join(', ')}), got ${values.length}.`,
      );
    }
    return values;
  }

  private rangeSql(range: Condition, r: string, params: Record<string, SqlValue>): string {
    const [first, second] = range.values;
    params.v0 = toSql(first);
    switch (range.condition) {
      case 'EQUAL_TO':
        return ` AND ${r} = @v0`;
      case 'GREATER_THAN':
        return ` AND ${r} > @v0`;
      case 'GREATER_THAN_EQUAL_TO':
        return ` AND ${r} >= @v0`;
      case 'LESS_THAN':
        return ` AND ${r} < @v0`;
      case 'LESS_THAN_EQUAL_TO':
        return ` AND ${r} <= @v0`;
      case 'BETWEEN':
        params.v1 = toSql(second);
        return ` AND ${r} >= @v0 AND ${r} <= @v1`;
      case 'BEGINS_WITH':
        // A range scan the index can serve, plus the exact prefix test.
        params.v0 = String(first);
        return ` AND ${r} >= @v0 AND typeof(${r}) = 'text' AND substr(${r}, 1, length(@v0)) = @v0`;
      default:
        throw KvsErrors.invalidCondition(range.condition);
    }
  }

  private prepared(sql: string): Database.Statement<Record<string, SqlValue>, ItemRow & { r: string | number }> {
    let statement = this.queryCache.get(sql);
    if (!statement) {
      statement = this.db.prepare<Record<string, SqlValue>, ItemRow & { r: string | number }>(sql);
      // Queries differ only by which conditions are present, so the cache stays small.
      if (this.queryCache.size > 500) this.queryCache.clear();
      this.queryCache.set(sql, statement);
    }
    return statement;
  }

  /** One partial expression index per manifest index: (partition..., range, key) over the entity's rows. */
  private ensureIndexes(): void {
    const wanted = new Map<string, string>();
    for (const entity of this.entities?.values() ?? []) {
      for (const index of entity.indexes.values()) {
        const columns = [...index.partition, index.range].map(attributeSql).join(', ');
        const scope = sqlString(`entity:${entity.name}`);
        const name = `forge_ix_${createHash('sha1').update(`${entity.name}\u0000${columns}`).digest('hex').slice(0, 16)}`;
        wanted.set(name, `CREATE INDEX IF NOT EXISTS ${name} ON forge_item (${columns}, key) WHERE scope = ${scope}`);
      }
    }
    const existing = this.db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'forge_ix_%'")
      .all();
    // Indexes of entities or indexes no longer in the manifest only slow writes down.
    for (const { name } of existing) if (!wanted.has(name)) this.db.exec(`DROP INDEX IF EXISTS ${name}`);
    for (const statement of wanted.values()) this.db.exec(statement);
  }

  private decodeKeyCursor(raw: unknown): string {
    const cursor = decodeCursor(raw);
    if (!isRecord(cursor) || typeof cursor.k !== 'string') throw KvsErrors.invalidCursor();
    return cursor.k;
  }

  private validKey(scope: Scope, key: unknown): string {
    if (typeof key !== 'string' || key.length === 0) {
      throw scope.kind === 'entity' ? KvsErrors.emptyKey() : KvsErrors.keyTooShort();
    }
    if (key.length > MAX_KEY_LENGTH) throw KvsErrors.keyTooLong();
    if (!KEY_PATTERN.test(key)) throw KvsErrors.invalidKey();
    return key;
  }

  private serializeValue(scope: Scope, value: unknown): string {
    if (value === undefined) throw KvsErrors.invalidValue('A value must be provided.');
    if (scope.kind === 'entity') this.checkEntityValue(scope.entity, value);
    const serialized = JSON.stringify(value);
    const bytes = Buffer.byteLength(serialized, 'utf8');
    if (bytes > MAX_VALUE_BYTES) throw KvsErrors.maxSize(bytes);
    if (depthOf(value) > MAX_DEPTH) throw KvsErrors.maxDepth();
    return serialized;
  }

  private checkEntityValue(entity: ResolvedEntity, value: unknown): void {
    if (!isRecord(value)) {
      throw KvsErrors.invalidEntityValue(`A value of entity "${entity.name}" must be an object of attributes.`);
    }
    if (!entity.attributes) return;
    for (const [name, attribute] of Object.entries(value)) {
      if (attribute === undefined || attribute === null) continue;
      const type = entity.attributes.get(name);
      if (!type) {
        throw KvsErrors.invalidEntityValue(`Attribute "${name}" is not defined for entity "${entity.name}".`);
      }
      const ok =
        type === 'any' ||
        (type === 'string' && typeof attribute === 'string') ||
        (type === 'boolean' && typeof attribute === 'boolean') ||
        (type === 'float' && typeof attribute === 'number' && Number.isFinite(attribute)) ||
        (type === 'integer' && Number.isInteger(attribute) && (attribute as number) >= INT32_MIN && (attribute as number) <= INT32_MAX);
      if (!ok) {
        throw KvsErrors.invalidEntityValue(
          `Entity values must match one of the types defined in Custom Entities: attribute "${name}" of entity "${entity.name}" must be ${type}.`,
        );
      }
    }
  }

  private expireAt(options: unknown): number | null {
    if (!isRecord(options) || options.ttl === undefined) return null;
    const ttl = requireRecord(options.ttl, 'ttl');
    const unitMs = typeof ttl.unit === 'string' ? TTL_UNIT_MS[ttl.unit] : undefined;
    if (typeof ttl.value !== 'number' || !Number.isInteger(ttl.value) || ttl.value <= 0 || unitMs === undefined) {
      throw KvsErrors.invalidRequest('ttl needs a positive integer value and a unit of SECONDS, MINUTES, HOURS or DAYS.');
    }
    return this.now() + ttl.value * unitMs;
  }

  private findItem(scope: Scope, key: string): StoredItem | undefined {
    const row = this.statements.select.get(scopeId(scope), key, this.now());
    return row ? toStoredItem(row) : undefined;
  }

  private readItem(scope: Scope, rawKey: unknown): StoredItem {
    const key = this.validKey(scope, rawKey);
    const item = this.findItem(scope, key);
    if (!item) throw KvsErrors.keyNotFound(key);
    return item;
  }

  /** Writes a value; returns the item to answer with when options ask for returnValue. */
  private writeItem(scope: Scope, rawKey: unknown, value: unknown, options: unknown): StoredItem | undefined {
    const key = this.validKey(scope, rawKey);
    const serialized = this.serializeValue(scope, value);
    const expireAt = this.expireAt(options);
    const opts = isRecord(options) ? options : {};
    const previous = this.findItem(scope, key);
    if (opts.keyPolicy === 'FAIL_IF_EXISTS' && previous) throw KvsErrors.keyExists(key);
    const now = this.now();
    const createdAt = previous?.createdAt ?? now;
    this.statements.upsert.run(scopeId(scope), key, serialized, createdAt, now, expireAt);
    if (opts.returnValue === 'PREVIOUS') return previous;
    if (opts.returnValue === 'LATEST') {
      return {
        key,
        value: JSON.parse(serialized) as unknown,
        createdAt,
        updatedAt: now,
        ...(expireAt !== null ? { expireTime: new Date(expireAt).toISOString() } : {}),
      };
    }
    return undefined;
  }

  private deleteItem(scope: Scope, rawKey: unknown): void {
    const key = this.validKey(scope, rawKey);
    this.statements.remove.run(scopeId(scope), key);
  }

  private batchItems(body: unknown): JsonRecord[] {
    if (!Array.isArray(body)) throw KvsErrors.invalidRequest('A batch request must be a list of items.');
    if (body.length === 0) throw KvsErrors.invalidRequest('A batch operation must contain at least one key.');
    if (body.length > MAX_BATCH_ITEMS) {
      throw new KvsError(400, 'TOO_MANY_KEYS', 'Each batch operation can contain a maximum of 25 keys.');
    }
    const items = body.map((item) => requireRecord(item, 'Batch item'));
    const seen = new Set<string>();
    for (const item of items) {
      const id = `${String(item.entityName ?? '')}\u0000${String(item.key)}`;
      if (seen.has(id)) {
        throw new KvsError(400, 'DUPLICATE_KEYS', `A batch operation cannot use the same key twice: ${String(item.key)}`);
      }
      seen.add(id);
    }
    return items;
  }

  private runBatch(
    items: JsonRecord[],
    run: (item: JsonRecord) => JsonRecord,
  ): { successfulKeys: JsonRecord[]; failedKeys: JsonRecord[] } {
    const successfulKeys: JsonRecord[] = [];
    const failedKeys: JsonRecord[] = [];
    for (const item of items) {
      const id = { key: item.key, ...(item.entityName !== undefined ? { entityName: item.entityName } : {}) };
      try {
        successfulKeys.push({ ...id, ...run(item) });
      } catch (error) {
        if (!(error instanceof KvsError)) throw error;
        failedKeys.push({ ...id, error: { code: error.code, message: error.message } });
      }
    }
    return { successfulKeys, failedKeys };
  }
}

export const KVS_LIMITS = { MAX_VALUE_BYTES, MAX_BATCH_ITEMS, MAX_TRANSACTION_OPERATIONS, MAX_PAGE_SIZE } as const;
