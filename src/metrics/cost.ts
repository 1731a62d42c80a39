/**
 * Actual cost of each work item as of T: the Actual cost field and/or logged hours x hourly rates,
 * per the project's cost source. Worklogs nobody has a rate for cost 0 and are reported, so a
 * low AC can be told apart from missing rates.
 */
import { dayInZone } from './asOf';
import { dayOfInstant, type DayNumber, type ProjectData, type Worklog } from './model';
import { itemTreeAt, type ItemTree } from './progress';
import type { CostRates, ProjectSettings, RatePeriod } from './settings';

/** The actual cost pass's full answer. */
export interface ActualCosts {
  /** Own actual cost (not including children) of every item that existed at T, 0 when none. */
  byItem: Map<string, number>;
  /** Authors (accountIds) of worklogs started by T with no rate in effect on the worklog's day; in order of first such worklog. */
  unratedWorklogAuthors: string[];
  /** Hours of those worklogs (counted at 0). */
  unratedHours: number;
}

/** Same as ActualCosts but by tree index, for the engine's own roll-ups. */
export interface ActualCostsByIndex {
  ownCost: Float64Array;
  unratedWorklogAuthors: string[];
  unratedHours: number;
}

const MS_PER_DAY = 86_400_000;
const MS_PER_MINUTE = 60_000;

/** zone -> UTC day -> [zone day at the UTC day's start, first ms of the next zone day or Infinity]. */
const zoneDayCache = new Map<string, Map<number, [DayNumber, number]>>();

/**
 * The zone's calendar day of an instant, like dayInZone, but cached per UTC day: formatting a date
 * in a zone costs about a microsecond, too slow to do for every worklog of a large site.
 */
function zoneDayReader(timeZone: string): (ms: number) => DayNumber {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return dayOfInstant;
  let byUtcDay = zoneDayCache.get(timeZone);
  if (!byUtcDay) {
    byUtcDay = new Map();
    zoneDayCache.set(timeZone, byUtcDay);
  }
  const cache = byUtcDay;
  return (ms) => {
    const utcDay = Math.floor(ms / MS_PER_DAY);
    let entry = cache.get(utcDay);
    if (!entry) {
      const startMs = utcDay * MS_PER_DAY;
      const first = dayInZone(startMs, timeZone);
      const last = dayInZone(startMs + MS_PER_DAY - 1, timeZone);
      if (first === last) {
        entry = [first, Infinity];
      } else {
        // The zone's midnight falls inside this UTC day: find its minute (zone offsets are whole minutes).
        let low = 0;
        let high = 1440;
        while (high - low > 1) {
          const mid = (low + high) >> 1;
          if (dayInZone(startMs + mid * MS_PER_MINUTE, timeZone) === first) low = mid;
          else high = mid;
        }
        entry = [first, startMs + high * MS_PER_MINUTE];
      }
      cache.set(utcDay, entry);
    }
    return ms < entry[1] ? entry[0] : entry[0] + 1;
  };
}

/** The rate of the period in effect on the day (latest fromDay on or before it), or null. */
function rateOn(periods: RatePeriod[] | undefined, day: DayNumber): number | null {
  if (!periods) return null;
  let rate: number | null = null;
  let from = -Infinity;
  for (const period of periods) {
    if (period.fromDay <= day && period.fromDay >= from) {
      rate = period.hourlyRate;
      from = period.fromDay;
    }
  }
  return rate;
}

/**
 * The hourly rate for a person on a day: their own, else their role's, else the project default,
 * else the site default. A list with no period in effect yet on that day falls through to the next.
 */
export function hourlyRateOn(rates: CostRates, accountId: string, day: DayNumber): number | null {
  const own = Object.hasOwn(rates.byPerson, accountId) ? rateOn(rates.byPerson[accountId], day) : null;
  if (own !== null) return own;
  const role = Object.hasOwn(rates.roleOf, accountId) ? rates.roleOf[accountId] : undefined;
  const byRole = role !== undefined && Object.hasOwn(rates.byRole, role) ? rateOn(rates.byRole[role], day) : null;
  if (byRole !== null) return byRole;
  return rateOn(rates.projectDefault, day) ?? rateOn(rates.siteDefault, day);
}

const lastCosts = new WeakMap<ItemTree, { worklogs: Worklog[]; settings: ProjectSettings; result: ActualCostsByIndex }>();

/**
 * Own actual cost per item of the tree. Earned value and budget variance both need it; the tree is
 * already for one T, so the last result is reused for the same worklogs and settings.
 */
export function actualCostsOfTree(tree: ItemTree, project: ProjectData, settings: ProjectSettings, asOfMs: number): ActualCostsByIndex {
  const last = lastCosts.get(tree);
  if (last && last.worklogs === project.worklogs && last.settings === settings) return last.result;
  const result = computeActualCosts(tree, project, settings, asOfMs);
  lastCosts.set(tree, { worklogs: project.worklogs, settings, result });
  return result;
}

/** In one pass over the items and one over the worklogs. */
function computeActualCosts(tree: ItemTree, project: ProjectData, settings: ProjectSettings, asOfMs: number): ActualCostsByIndex {
  const ownCost = new Float64Array(tree.items.length);
  const unratedWorklogAuthors: string[] = [];
  let unratedHours = 0;
  const source = settings.costSource;
  if (source === 'fields' || source === 'both') {
    // The field has no date: it counts in full for every item that existed at T (all items of the tree).
    for (let i = 0; i < tree.items.length; i++) {
      const cost = tree.items[i].actualCost;
      if (cost !== null && Number.isFinite(cost)) ownCost[i] += cost;
    }
  }
  if (source === 'worklogs' || source === 'both') {
    const zoneDay = zoneDayReader(settings.timeZone);
    const unrated = new Set<string>();
    for (const worklog of project.worklogs) {
      if (worklog.startedMs > asOfMs) continue;
      // Worklogs on keys not in the project (or on items not created by T) belong to no item here.
      const i = tree.indexOf.get(worklog.issueKey);
      if (i === undefined) continue;
      const hours = worklog.seconds / 3600;
      const rate = hourlyRateOn(settings.rates, worklog.authorAccountId, zoneDay(worklog.startedMs));
      if (rate === null) {
        unratedHours += hours;
        if (!unrated.has(worklog.authorAccountId)) {
          unrated.add(worklog.authorAccountId);
          unratedWorklogAuthors.push(worklog.authorAccountId);
        }
        continue;
      }
      ownCost[i] += hours * rate;
    }
  }
  return { ownCost, unratedWorklogAuthors, unratedHours };
}

/** Everything the cost pass finds: cost per item plus who logged work without any rate. */
export function actualCosts(project: ProjectData, settings: ProjectSettings, asOfMs: number): ActualCosts {
  const tree = itemTreeAt(project, asOfMs);
  const costs = actualCostsOfTree(tree, project, settings, asOfMs);
  const byItem = new Map<string, number>();
  for (let i = 0; i < tree.items.length; i++) byItem.set(tree.items[i].key, costs.ownCost[i]);
  return { byItem, unratedWorklogAuthors: costs.unratedWorklogAuthors, unratedHours: costs.unratedHours };
}

/** Each item's own actual cost at T (key -> cost), for every item that existed at T. */
export function actualCostByItem(project: ProjectData, settings: ProjectSettings, asOfMs: number): Map<string, number> {
  return actualCosts(project, settings, asOfMs).byItem;
}

/** People whose worklogs (started by T) had no rate at all on their day, so they cost 0. */
export function unratedWorklogAuthors(project: ProjectData, settings: ProjectSettings, asOfMs: number): string[] {
  return actualCosts(project, settings, asOfMs).unratedWorklogAuthors;
}
