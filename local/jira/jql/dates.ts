/**
 * Dates for JQL: wall-clock arithmetic in an IANA zone (through Intl, as no tz library is
 * installed), the literal formats Jira accepts and its date functions (now(), startOfDay() ...).
 */

export interface WallTime {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
/** The range a JS Date can hold. */
const MAX_EPOCH_MS = 8.64e15;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        era: 'short',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      // The zone comes from the site's configuration, not from the query: a server fault.
      throw new Error(`Unknown time zone '${timeZone}'.`);
    }
    formatters.set(timeZone, format);
  }
  return format;
}

export function isValidEpoch(ms: number): boolean {
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_EPOCH_MS;
}

/** UTC instant of a wall time read as if it were UTC; handles years below 100 and overflowing fields. */
function utcOf(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, millisecond = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millisecond);
  return date.getTime();
}

function wallOfUtc(ms: number): WallTime {
  const date = new Date(ms);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
    millisecond: date.getUTCMilliseconds(),
  };
}

function utcOfWall(wall: WallTime): number {
  return utcOf(wall.year, wall.month, wall.day, wall.hour, wall.minute, wall.second, wall.millisecond);
}

/** The wall-clock time of an instant in a zone. */
export function wallTime(ms: number, timeZone: string): WallTime {
  const wall: WallTime = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0, millisecond: 0 };
  let beforeChrist = false;
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) {
    const value = Number(part.value);
    switch (part.type) {
      case 'year':
        wall.year = value;
        break;
      case 'month':
        wall.month = value;
        break;
      case 'day':
        wall.day = value;
        break;
      case 'hour':
        wall.hour = value;
        break;
      case 'minute':
        wall.minute = value;
        break;
      case 'second':
        wall.second = value;
        break;
      case 'era':
        beforeChrist = part.value === 'BC';
        break;
    }
  }
  if (beforeChrist) wall.year = 1 - wall.year;
  wall.millisecond = ((ms % 1000) + 1000) % 1000;
  return wall;
}

function offsetAt(ms: number, timeZone: string): number {
  return utcOfWall(wallTime(ms, timeZone)) - ms;
}

function sameWall(a: WallTime, b: WallTime): boolean {
  return (
    a.year === b.year &&
    a.month === b.month &&
    a.day === b.day &&
    a.hour === b.hour &&
    a.minute === b.minute &&
    a.second === b.second &&
    a.millisecond === b.millisecond
  );
}

/**
 * The instant a wall time names in a zone. An ambiguous time (clocks going back) takes the earlier
 * instant; a time skipped by clocks going forward is read with the offset before the jump, so it
 * lands after the gap, as Java's lenient calendar (Jira's) does.
 */
export function zonedEpoch(wall: WallTime, timeZone: string): number {
  const local = utcOfWall(wall);
  const offsets = new Set([offsetAt(local - DAY, timeZone), offsetAt(local, timeZone), offsetAt(local + DAY, timeZone)]);
  const matches = [...offsets]
    .map((offset) => local - offset)
    .filter((ms) => sameWall(wallTime(ms, timeZone), wall))
    .sort((a, b) => a - b);
  return matches.length > 0 ? matches[0] : local - offsetAt(local - DAY, timeZone);
}

function pad(value: number, width: number): string {
  const text = String(Math.abs(value)).padStart(width, '0');
  return value < 0 ? `-${text}` : text;
}

/** 'YYYY-MM-DD' of the day an instant falls on in a zone (Jira's due dates are plain dates). */
export function dateInZone(ms: number, timeZone: string): string {
  const wall = wallTime(ms, timeZone);
  return formatDate(wall.year, wall.month, wall.day);
}

export function formatDate(year: number, month: number, day: number): string {
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

function daysInMonth(year: number, month: number): number {
  return new Date(utcOf(year, month + 1, 0)).getUTCDate();
}

export type CalendarUnit = 'y' | 'M' | 'w' | 'd' | 'h' | 'm';

/** Adds calendar units in a zone: days keep the wall time across DST, months clamp the day (Jan 31 + 1M = Feb 28/29). */
export function addCalendar(ms: number, unit: CalendarUnit, amount: number, timeZone: string): number {
  if (unit === 'h') return ms + amount * HOUR;
  if (unit === 'm') return ms + amount * MINUTE;
  const wall = wallTime(ms, timeZone);
  if (unit === 'd' || unit === 'w') {
    const shifted = wallOfUtc(utcOf(wall.year, wall.month, wall.day + (unit === 'w' ? 7 * amount : amount)));
    return zonedEpoch({ ...wall, year: shifted.year, month: shifted.month, day: shifted.day }, timeZone);
  }
  const months = wall.year * 12 + (wall.month - 1) + (unit === 'y' ? 12 * amount : amount);
  const year = Math.floor(months / 12);
  const month = months - year * 12 + 1;
  return zonedEpoch({ ...wall, year, month, day: Math.min(wall.day, daysInMonth(year, month)) }, timeZone);
}

export type PeriodUnit = 'day' | 'week' | 'month' | 'year';

const UNIT_LETTER: Record<PeriodUnit, CalendarUnit> = { day: 'd', week: 'w', month: 'M', year: 'y' };

/** Start of the day / week (Sunday, Jira's default en_US locale) / month / year holding an instant. */
export function startOf(unit: PeriodUnit, ms: number, timeZone: string): number {
  const wall = wallTime(ms, timeZone);
  let { year, month, day } = wall;
  if (unit === 'week') {
    const weekday = new Date(utcOf(year, month, day)).getUTCDay();
    ({ year, month, day } = wallOfUtc(utcOf(year, month, day - weekday)));
  } else if (unit === 'month') {
    day = 1;
  } else if (unit === 'year') {
    month = 1;
    day = 1;
  }
  return zonedEpoch({ year, month, day, hour: 0, minute: 0, second: 0, millisecond: 0 }, timeZone);
}

/** Last millisecond of the day / week / month / year holding an instant. */
export function endOf(unit: PeriodUnit, ms: number, timeZone: string): number {
  return addCalendar(startOf(unit, ms, timeZone), UNIT_LETTER[unit], 1, timeZone) - 1;
}

export interface DateLiteral {
  year: number;
  month: number;
  day: number;
  /** Null for a plain date ('yyyy-MM-dd'), which means its midnight. */
  time: { hour: number; minute: number } | null;
}

/** 'yyyy-MM-dd', 'yyyy/MM/dd', optionally followed by ' HH:mm' (one separator style per value). */
export function parseDateLiteral(text: string): DateLiteral | null {
  const match = /^(\d{4})([-/])(\d{1,2})\2(\d{1,2})(?: +(\d{1,2}):(\d{2}))?$/.exec(text.trim());
  if (!match) return null;
  const [, y, , mo, d, h, mi] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (h === undefined) return { year, month, day, time: null };
  const hour = Number(h);
  const minute = Number(mi);
  if (hour > 23 || minute > 59) return null;
  return { year, month, day, time: { hour, minute } };
}

const PERIOD_UNITS: Record<string, number> = { w: WEEK, d: DAY, h: HOUR, m: MINUTE };

/** A period such as '-5d', '4w 2d', '-4w 2d', '1h', '-30m' in milliseconds (the sign covers it all). */
export function parsePeriod(text: string): number | null {
  const trimmed = text.trim();
  let sign = 1;
  let rest = trimmed;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (!/^(\d+[wdhm] *)+$/i.test(rest)) return null;
  let total = 0;
  for (const match of rest.matchAll(/(\d+)([wdhm])/gi)) {
    total += Number(match[1]) * PERIOD_UNITS[match[2].toLowerCase()];
  }
  return sign * total;
}

export interface DateFunction {
  unit: PeriodUnit | null;
  edge: 'start' | 'end' | null;
}

/** Jira's date functions by lower-cased name; now() has no unit. */
export const DATE_FUNCTIONS: ReadonlyMap<string, DateFunction> = new Map<string, DateFunction>([
  ['now', { unit: null, edge: null }],
  ['startofday', { unit: 'day', edge: 'start' }],
  ['endofday', { unit: 'day', edge: 'end' }],
  ['startofweek', { unit: 'week', edge: 'start' }],
  ['endofweek', { unit: 'week', edge: 'end' }],
  ['startofmonth', { unit: 'month', edge: 'start' }],
  ['endofmonth', { unit: 'month', edge: 'end' }],
  ['startofyear', { unit: 'year', edge: 'start' }],
  ['endofyear', { unit: 'year', edge: 'end' }],
]);

/**
 * Evaluates startOfDay("-1") and friends: the offset is (+/-)n with an optional unit
 * (y, M, w, d, h, m; default the function's own). Returns null for a malformed offset.
 * A start is moved by the offset; an end moved by its own unit is the end of the shifted
 * period (so endOfMonth(1) is the last day of next month), by any other unit it is just shifted.
 */
export function evaluateDateFunction(fn: DateFunction, offset: string | undefined, now: number, timeZone: string): number | null {
  if (!fn.unit || !fn.edge) return now;
  let unit: CalendarUnit = UNIT_LETTER[fn.unit];
  let amount = 0;
  if (offset !== undefined) {
    const match = /^([+-]?)(\d+)([yMwdhm]?)$/.exec(offset.trim());
    if (!match) return null;
    amount = Number(match[2]) * (match[1] === '-' ? -1 : 1);
    if (match[3]) unit = match[3] as CalendarUnit;
  }
  if (fn.edge === 'start') return addCalendar(startOf(fn.unit, now, timeZone), unit, amount, timeZone);
  if (unit === UNIT_LETTER[fn.unit]) return endOf(fn.unit, addCalendar(now, unit, amount, timeZone), timeZone);
  return addCalendar(endOf(fn.unit, now, timeZone), unit, amount, timeZone);
}
