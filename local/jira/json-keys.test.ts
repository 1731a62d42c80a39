import fc from 'fast-check';
import { findDuplicateKeys, positionsOf, type JsonPath } from './json-keys';

const paths = (text: string): JsonPath[] => findDuplicateKeys(text).map((duplicate) => duplicate.path);

describe('findDuplicateKeys', () => {
  it('finds nothing in JSON without repeated keys, whatever the nesting and spacing', () => {
    expect(findDuplicateKeys('{}')).toEqual([]);
    expect(findDuplicateKeys('[]')).toEqual([]);
    expect(findDuplicateKeys('"key"')).toEqual([]);
    expect(findDuplicateKeys('42')).toEqual([]);
    expect(findDuplicateKeys('{"a": {"a": {"a": 1}}, "b": [{"a": 1}, {"a": 2}]}')).toEqual([]);
    expect(findDuplicateKeys(' {\n  "a" : [ 1 , 2 ] ,\r\n  "b" : { } \n}\n')).toEqual([]);
  });

  it('names the path, the key and both occurrences of a repeated key', () => {
    const text = '{"issues": [{"key": "A-1"}, {"key": "A-2", "summary": "x", "key": "A-3"}]}';
    expect(findDuplicateKeys(text)).toEqual([
      { path: ['issues', 1, 'key'], key: 'key', offset: text.lastIndexOf('"key"'), firstOffset: text.indexOf('"key": "A-2"') },
    ]);
  });

  it('finds repeated keys at any depth, in document order, each time a key comes again', () => {
    const text = '{"a": 1, "b": {"c": [0, {"d": 1, "d": 2, "d": 3}]}, "a": 2}';
    expect(paths(text)).toEqual([
      ['b', 'c', 1, 'd'],
      ['b', 'c', 1, 'd'],
      ['a'],
    ]);
    expect(findDuplicateKeys(text, 1)).toHaveLength(1);
  });

  it('reads strings as JSON does: escaped quotes and backslashes, escapes in keys', () => {
    // "\u0061" is the key "a", as JSON.parse reads it.
    expect(paths(String.raw`{"a": "say \"a\": 1", "\u0061": 2}`)).toEqual([['a']]);
    expect(paths(String.raw`{"x\\": "\\", "x": 1, "y": "\\\"", "y\\": 2}`)).toEqual([]);
    expect(paths(String.raw`{"x\\": 1, "x\\": 2}`)).toEqual([['x\\']]);
    // Keys and values that look like structure inside strings change nothing.
    expect(paths('{"{\\"a\\":1,": "[,]", "b": "}", "b": 1}')).toEqual([['b']]);
  });

  it('tells a key from a value that reads the same', () => {
    expect(paths('{"a": "a", "b": ["a", "a"], "c": {"a": "b", "b": "a"}}')).toEqual([]);
  });

  it('keeps count past many keys in one object', () => {
    const keys = Array.from({ length: 200 }, (_, index) => `"k${index}": ${index}`);
    expect(paths(`{${keys.join(',')}}`)).toEqual([]);
    expect(paths(`{${keys.join(',')}, "k7": 0, "k150": 0}`)).toEqual([['k7'], ['k150']]);
  });

  it('agrees with JSON.parse on random documents: nothing when every key is unique, the spot when one is repeated', () => {
    const json = fc.jsonValue({ maxDepth: 4 });
    fc.assert(
      fc.property(json, fc.boolean(), (value, pretty) => {
        expect(findDuplicateKeys(JSON.stringify(value, null, pretty ? 2 : undefined))).toEqual([]);
      }),
      { numRuns: 300 },
    );
    // Repeat the first key of some object: the duplicate is found at that object's path.
    fc.assert(
      fc.property(json, (value) => {
        const text = JSON.stringify(value);
        const target = firstObjectWithKeys(value, []);
        fc.pre(target !== null);
        const { path, key } = target as { path: JsonPath; key: string };
        const repeated = repeatKeyAt(value, path, key);
        expect(paths(repeated)).toEqual([[...path, key]]);
        expect(JSON.parse(repeated)).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });
});

describe('positionsOf', () => {
  it('gives 1-based lines and columns, in the order asked', () => {
    const text = '{\n  "a": 1,\r\n  "a": 2\n}';
    const first = text.indexOf('"a"');
    const second = text.lastIndexOf('"a"');
    expect(positionsOf(text, [second, first, 0])).toEqual([
      { line: 3, column: 3 },
      { line: 2, column: 3 },
      { line: 1, column: 1 },
    ]);
    expect(positionsOf('x'.repeat(10), [9])).toEqual([{ line: 1, column: 10 }]);
  });
});

/** The path of the first object (depth first) that has a key, and that key. */
function firstObjectWithKeys(value: unknown, path: JsonPath): { path: JsonPath; key: string } | null {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = firstObjectWithKeys(item, [...path, index]);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length > 0) return { path, key: keys[0] };
  }
  return null;
}

/** JSON text of `value` in which the object at `path` names `key` a second time, first, with its own value. */
function repeatKeyAt(value: unknown, path: JsonPath, key: string): string {
  if (path.length === 0 && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const body = JSON.stringify(record).slice(1, -1);
    // The first copy comes first, then the object as it is: JSON.parse keeps the last, the same value.
    return `{${JSON.stringify(key)}:${JSON.stringify(record[key])},${body}}`;
  }
  const [head, ...rest] = path;
  if (Array.isArray(value)) return `[${value.map((item, index) => (index === head ? repeatKeyAt(item, rest, key) : JSON.stringify(item))).join(',')}]`;
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record)
    .map((name) => `${JSON.stringify(name)}:${name === head ? repeatKeyAt(record[name], rest, key) : JSON.stringify(record[name])}`)
    .join(',')}}`;
}
