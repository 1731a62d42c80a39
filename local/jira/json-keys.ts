/**
 * Finds the object keys a JSON text names more than once (`{"key": "A", "key": "B"}`), which
 * JSON.parse accepts silently, keeping only the last value.
 *
 * The text must already be valid JSON (JSON.parse accepted it): the scan then only has to follow its
 * structure, one pass, skipping string contents with indexOf, so even the 130 MB large dataset takes
 * a fraction of what JSON.parse takes. A general JSON parser with source locations would build a
 * node per value (millions of them for that file) only to throw them away.
 */

export type JsonPath = (string | number)[];

export interface DuplicateKey {
  /** Where the duplicate sits: the object's path and then the key, e.g. ['issues', 41, 'summary']. */
  path: JsonPath;
  key: string;
  /** UTF-16 offset of the duplicate's opening quote, and of the same key's first occurrence. */
  offset: number;
  firstOffset: number;
}

export interface SourcePosition {
  /** 1-based; lines end at \n (a \r\n ends one line). */
  line: number;
  /** 1-based, in characters from the start of the line. */
  column: number;
}

/** Objects with up to this many keys are searched in an array, larger ones through a Map. */
const LINEAR_KEYS = 24;

interface Frame {
  isObject: boolean;
  /** Objects: the key whose value comes next (or came last). Arrays: the current index. */
  key: string;
  index: number;
  keys: string[];
  offsets: number[];
  byKey: Map<string, number> | null;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The duplicate keys of `text` in document order: the second and later occurrences, each pointing
 * at the first. Stops after `limit` duplicates when given (the count of the rest is not needed).
 * @param text valid JSON
 */
export function findDuplicateKeys(text: string, limit = Infinity): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  // Frames are reused by depth, so a file of a million small objects allocates a few dozen.
  const frames: Frame[] = [];
  let depth = -1;
  let expectKey = false;
  const length = text.length;
  let i = 0;

  const enter = (isObject: boolean): void => {
    depth++;
    let frame = frames[depth];
    if (!frame) {
      frame = { isObject, key: '', index: 0, keys: [], offsets: [], byKey: null };
      frames[depth] = frame;
    }
    frame.isObject = isObject;
    frame.key = '';
    frame.index = 0;
    frame.keys.length = 0;
    frame.offsets.length = 0;
    frame.byKey = null;
  };

  /** Index of the quote that closes the string opening at `start`. */
  const stringEnd = (start: number): number => {
    let end = text.indexOf('"', start + 1);
    for (;;) {
      let backslashes = 0;
      while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
      if (backslashes % 2 === 0) return end;
      end = text.indexOf('"', end + 1);
    }
  };

  const claim = (frame: Frame, key: string, offset: number): void => {
    frame.key = key;
    let first: number | undefined;
    if (frame.byKey) {
      first = frame.byKey.get(key);
      if (first === undefined) frame.byKey.set(key, offset);
    } else {
      const at = frame.keys.indexOf(key);
      if (at >= 0) {
        first = frame.offsets[at];
      } else {
        frame.keys.push(key);
        frame.offsets.push(offset);
        if (frame.keys.length > LINEAR_KEYS) frame.byKey = new Map(frame.keys.map((name, position) => [name, frame.offsets[position]]));
      }
    }
    if (first !== undefined) found.push({ path: pathTo(frames, depth), key, offset, firstOffset: first });
  };

  while (i < length && found.length < limit) {
    const code = text.charCodeAt(i);
    switch (code) {
      case 0x7b: // {
        enter(true);
        expectKey = true;
        i++;
        break;
      case 0x5b: // [
        enter(false);
        expectKey = false;
        i++;
        break;
      case 0x7d: // }
      case 0x5d: // ]
        depth--;
        expectKey = false;
        i++;
        break;
      case 0x2c: {
        // ,
        const frame = frames[depth];
        if (frame.isObject) expectKey = true;
        else frame.index++;
        i++;
        break;
      }
      case QUOTE: {
        const end = stringEnd(i);
        if (expectKey) {
          const raw = text.slice(i + 1, end);
          claim(frames[depth], raw.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : raw, i);
          expectKey = false;
        }
        i = end + 1;
        break;
      }
      default:
        // Whitespace, ':' and the characters of numbers, true, false and null.
        i++;
    }
  }
  return found;
}

function pathTo(frames: Frame[], depth: number): JsonPath {
  const path: JsonPath = [];
  for (let level = 0; level <= depth; level++) {
    const frame = frames[level];
    path.push(frame.isObject ? frame.key : frame.index);
  }
  return path;
}

/** Line and column of each offset of `text`, in one pass over the text whatever their number. */
export function positionsOf(text: string, offsets: readonly number[]): SourcePosition[] {
  const order = offsets.map((offset, index) => ({ offset, index })).sort((a, b) => a.offset - b.offset);
  const positions: SourcePosition[] = new Array<SourcePosition>(offsets.length);
  let line = 1;
  let lineStart = 0;
  let nextNewline = text.indexOf('\n');
  for (const { offset, index } of order) {
    while (nextNewline !== -1 && nextNewline < offset) {
      line++;
      lineStart = nextNewline + 1;
      nextNewline = text.indexOf('\n', lineStart);
    }
    positions[index] = { line, column: offset - lineStart + 1 };
  }
  return positions;
}
