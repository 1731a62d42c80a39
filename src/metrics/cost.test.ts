import { parseSettingsDocument } from '../settings/schema';
import { projectSettingsFor } from '../settings/mapping';
import { dayInZone } from './asOf';
import { actualCostByItem, actualCosts, hourlyRateOn, unratedWorklogAuthors } from './cost';
import type { Worklog } from './model';
import type { CostRates } from './settings';
import { at, day, project, settings, workItem } from './testing';

const T = at('2026-04-01');

function worklog(issueKey: string, authorAccountId: string, startedIso: string, hours: number): Worklog {
  return { issueKey, authorAccountId, startedMs: at(startedIso), seconds: hours * 3600 };
}

function rates(fields: Partial<CostRates>): CostRates {
  return { byPerson: {}, roleOf: {}, byRole: {}, projectDefault: [], siteDefault: [], ...fields };
}

describe('actualCostByItem', () => {
  const items = [workItem('P-1', { actualCost: 500 }), workItem('P-2')];
  const worklogs = [worklog('P-1', 'ann', '2026-03-02T09:00', 2), worklog('P-2', 'ann', '2026-03-03T09:00', 1.5)];
  const annAt100 = rates({ byPerson: { ann: [{ fromDay: day('2026-01-01'), hourlyRate: 100 }] } });

  it('adds the Actual cost field and worklog cost when the source is both', () => {
    const costs = actualCostByItem(project(items, { worklogs }), settings({ costSource: 'both', rates: annAt100 }), T);
    expect(costs).toEqual(new Map([['P-1', 700], ['P-2', 150]]));
  });

  it('uses only the field, or only worklogs, when the source says so', () => {
    expect(actualCostByItem(project(items, { worklogs }), settings({ costSource: 'fields', rates: annAt100 }), T)).toEqual(new Map([['P-1', 500], ['P-2', 0]]));
    expect(actualCostByItem(project(items, { worklogs }), settings({ costSource: 'worklogs', rates: annAt100 }), T)).toEqual(new Map([['P-1', 200], ['P-2', 150]]));
  });

  it('counts worklogs started by T only, and the field only for items that existed at T', () => {
    const later = [workItem('P-1', { actualCost: 500 }), workItem('P-3', { actualCost: 900, createdMs: at('2026-03-03') })];
    const logs = [worklog('P-1', 'ann', '2026-03-02T09:00', 1), worklog('P-1', 'ann', '2026-03-02T12:00', 4)];
    const costs = actualCostByItem(project(later, { worklogs: logs }), settings({ rates: annAt100 }), at('2026-03-02T10:00'));
    expect(costs).toEqual(new Map([['P-1', 600]]));
  });

  it('prices worklogs before and after a rate change differently', () => {
    const changing = rates({
      byPerson: {
        ann: [
          { fromDay: day('2026-01-01'), hourlyRate: 80 },
          { fromDay: day('2026-03-15'), hourlyRate: 120 },
        ],
      },
    });
    const logs = [worklog('P-2', 'ann', '2026-03-14T17:00', 10), worklog('P-2', 'ann', '2026-03-15T08:00', 10)];
    expect(actualCostByItem(project(items, { worklogs: logs }), settings({ costSource: 'worklogs', rates: changing }), T).get('P-2')).toBe(800 + 1200);
  });

  it('prices 10 h at the site rate of 50, then 20 h after it changes to 60, at 1,700, from the settings document', () => {
    const parsed = parseSettingsDocument({
      format: 'pmo-settings',
      formatVersion: 1,
      rates: { siteDefault: [{ from: '2026-03-10', hourlyRate: 60 }, { from: '2026-01-01', hourlyRate: 50 }], byPerson: {}, byGroup: [] },
      projects: { PAY: { costSource: 'worklogs' } },
    });
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    const s = { ...projectSettingsFor(parsed.document, 'PAY', { groupMembers: {} }), timeZone: 'UTC' };
    const logs = [worklog('P-2', 'ann', '2026-03-02T09:00', 4), worklog('P-2', 'bob', '2026-03-09T16:00', 6), worklog('P-2', 'ann', '2026-03-10T08:00', 20)];
    expect(actualCostByItem(project(items, { worklogs: logs }), s, T).get('P-2')).toBe(10 * 50 + 20 * 60);
    expect(10 * 50 + 20 * 60).toBe(1700);
    // As of the day before the change, only the first 10 h count, at 50.
    expect(actualCostByItem(project(items, { worklogs: logs }), s, at('2026-03-09T23:59')).get('P-2')).toBe(500);
  });

  it('takes the person rate, else the role rate, else the project default, else the site default', () => {
    const layered = rates({
      byPerson: { ann: [{ fromDay: 0, hourlyRate: 100 }] },
      roleOf: { ann: 'architect', bob: 'developer', cy: 'tester' },
      byRole: { architect: [{ fromDay: 0, hourlyRate: 90 }], developer: [{ fromDay: 0, hourlyRate: 70 }] },
      projectDefault: [{ fromDay: 0, hourlyRate: 50 }],
      siteDefault: [{ fromDay: 0, hourlyRate: 40 }],
    });
    const s = settings({ costSource: 'worklogs', rates: layered });
    expect(hourlyRateOn(s.rates, 'ann', day('2026-03-01'))).toBe(100);
    expect(hourlyRateOn(s.rates, 'bob', day('2026-03-01'))).toBe(70);
    expect(hourlyRateOn(s.rates, 'cy', day('2026-03-01'))).toBe(50); // role without rates
    expect(hourlyRateOn(s.rates, 'dee', day('2026-03-01'))).toBe(50);
    expect(hourlyRateOn({ ...s.rates, projectDefault: [] }, 'dee', day('2026-03-01'))).toBe(40);
    const logs = ['ann', 'bob', 'cy', 'dee'].map((who) => worklog('P-2', who, '2026-03-02T09:00', 1));
    expect(actualCostByItem(project(items, { worklogs: logs }), s, T).get('P-2')).toBe(100 + 70 + 50 + 50);
  });

  it('falls through to the next source on days before a person has a rate', () => {
    const r = rates({ byPerson: { ann: [{ fromDay: day('2026-03-10'), hourlyRate: 100 }] }, siteDefault: [{ fromDay: 0, hourlyRate: 40 }] });
    expect(hourlyRateOn(r, 'ann', day('2026-03-09'))).toBe(40);
    expect(hourlyRateOn(r, 'ann', day('2026-03-10'))).toBe(100);
  });

  it('treats a rate of 0 as a rate, not as missing', () => {
    const r = rates({ byPerson: { ann: [{ fromDay: 0, hourlyRate: 0 }] }, siteDefault: [{ fromDay: 0, hourlyRate: 40 }] });
    expect(hourlyRateOn(r, 'ann', day('2026-03-09'))).toBe(0);
  });

  it('counts worklogs without any rate at 0 and names their authors', () => {
    const r = rates({ byPerson: { ann: [{ fromDay: 0, hourlyRate: 100 }] } });
    const logs = [worklog('P-2', 'zed', '2026-03-02T09:00', 3), worklog('P-2', 'ann', '2026-03-02T09:00', 1), worklog('P-1', 'zed', '2026-03-03T09:00', 2), worklog('P-1', 'yo', '2026-03-03T09:00', 0.5)];
    const p = project(items, { worklogs: logs });
    const s = settings({ costSource: 'worklogs', rates: r });
    const result = actualCosts(p, s, T);
    expect(result.byItem).toEqual(new Map([['P-1', 0], ['P-2', 100]]));
    expect(result.unratedWorklogAuthors).toEqual(['zed', 'yo']);
    expect(result.unratedHours).toBe(5.5);
    expect(unratedWorklogAuthors(p, s, T)).toEqual(['zed', 'yo']);
  });

  it('prices a worklog by the day it started in the site time zone', () => {
    // 2026-03-01T23:30Z is 2026-03-02 08:30 in Tokyo: the new rate applies there, the old one in UTC.
    const r = rates({
      byPerson: {
        ann: [
          { fromDay: day('2026-01-01'), hourlyRate: 100 },
          { fromDay: day('2026-03-02'), hourlyRate: 150 },
        ],
      },
    });
    const logs = [worklog('P-2', 'ann', '2026-03-01T23:30', 1)];
    expect(actualCostByItem(project(items, { worklogs: logs }), settings({ costSource: 'worklogs', rates: r, timeZone: 'Asia/Tokyo' }), T).get('P-2')).toBe(150);
    expect(actualCostByItem(project(items, { worklogs: logs }), settings({ costSource: 'worklogs', rates: r, timeZone: 'UTC' }), T).get('P-2')).toBe(100);
  });

  it('reads the zone day of a worklog exactly as dayInZone does, across daylight-saving changes', () => {
    // One rate per day makes the cost reveal which day each worklog was priced on.
    const zones = ['Pacific/Auckland', 'America/New_York', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Europe/London', 'America/St_Johns'];
    const start = at('2026-03-01');
    const perDay = Array.from({ length: 300 }, (_, k) => ({ fromDay: day('2026-02-27') + k, hourlyRate: k }));
    const logs: Worklog[] = [];
    for (let minute = 0; minute < 240 * 24 * 60; minute += 7 * 60 + 13) logs.push({ issueKey: 'P-2', authorAccountId: 'ann', startedMs: start + minute * 60_000, seconds: 3600 });
    for (const timeZone of zones) {
      const s = settings({ costSource: 'worklogs', rates: rates({ siteDefault: perDay }), timeZone });
      const expected = logs.reduce((sum, log) => sum + (dayInZone(log.startedMs, timeZone) - day('2026-02-27')), 0);
      expect(actualCostByItem(project([workItem('P-2')], { worklogs: logs }), s, at('2027-01-01')).get('P-2')).toBe(expected);
    }
  });

  it('leaves out worklogs on keys that are not items of the project', () => {
    const logs = [worklog('OLD-7', 'ann', '2026-03-02T09:00', 5)];
    expect(actualCostByItem(project(items, { worklogs: logs }), settings({ costSource: 'worklogs', rates: annAt100 }), T)).toEqual(new Map([['P-1', 0], ['P-2', 0]]));
  });
});
