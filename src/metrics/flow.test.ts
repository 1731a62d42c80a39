import { flow, historyWindow, leafItemsAt, resolvedAtMs, weekIndexOf, compareKeys } from './flow';
import { startOfDayInZoneMs } from './asOf';
import type { StatusCategory, StatusChange } from './model';
import { at, day, project, settings, workItem } from './testing';

function move(dateTime: string, from: StatusCategory, to: StatusCategory): StatusChange {
  return { atMs: at(dateTime), from, to };
}

/** Thursday; the as-of week starts Monday 2026-03-09, so two history weeks start 02-23 and 03-02. */
const T = at('2026-03-12');
const twoWeeks = settings({ forecast: { historyWeeks: 2, trials: 10_000, seed: 1 } });

describe('local midnight and the history weeks', () => {
  it('finds local midnight, also across clock changes', () => {
    expect(startOfDayInZoneMs(day('2026-03-02'), 'UTC')).toBe(at('2026-03-02'));
    expect(startOfDayInZoneMs(day('2026-03-02'), 'Pacific/Auckland')).toBe(at('2026-03-01T11:00'));
    // Auckland leaves summer time at 03:00 on 2026-04-05: that day starts at +13, the next at +12.
    expect(startOfDayInZoneMs(day('2026-04-05'), 'Pacific/Auckland')).toBe(at('2026-04-04T11:00'));
    expect(startOfDayInZoneMs(day('2026-04-06'), 'Pacific/Auckland')).toBe(at('2026-04-05T12:00'));
    // Santiago skips midnight on 2026-09-06: the day starts at 01:00 (-03).
    expect(startOfDayInZoneMs(day('2026-09-06'), 'America/Santiago')).toBe(at('2026-09-06T04:00'));
    expect(startOfDayInZoneMs(day('2026-03-02'), 'Asia/Kolkata')).toBe(at('2026-03-01T18:30'));
  });

  it('takes the full weeks before the as-of week, Monday to Monday', () => {
    const window = historyWindow(T, 'UTC', 2);
    expect(window.weekStartDays).toEqual([day('2026-02-23'), day('2026-03-02')]);
    expect(weekIndexOf(window, at('2026-02-22T23:59'))).toBe(-1);
    expect(weekIndexOf(window, at('2026-02-23'))).toBe(0);
    expect(weekIndexOf(window, at('2026-03-01T23:59'))).toBe(0);
    expect(weekIndexOf(window, at('2026-03-02'))).toBe(1);
    // The as-of week is partial: left out.
    expect(weekIndexOf(window, at('2026-03-09'))).toBe(-1);
    // On a Monday the as-of week has just started.
    expect(historyWindow(at('2026-03-09T00:00'), 'UTC', 1).weekStartDays).toEqual([day('2026-03-02')]);
    expect(historyWindow(T, 'UTC', 0).weekStartDays).toEqual([]);
  });
});

describe('resolution and leaf items', () => {
  it('resolves at the last move into Done at or before T', () => {
    const reopened = workItem('P-1', {
      statusCategory: 'done',
      statusChanges: [move('2026-02-01', 'new', 'done'), move('2026-02-05', 'done', 'new'), move('2026-02-10', 'new', 'done')],
    });
    expect(resolvedAtMs(reopened, at('2026-02-03'))).toBe(at('2026-02-01'));
    expect(resolvedAtMs(reopened, at('2026-02-07'))).toBeNull();
    expect(resolvedAtMs(reopened, T)).toBe(at('2026-02-10'));
    // Without history: Jira's resolution date when not after T.
    const noHistory = workItem('P-2', { statusCategory: 'done', resolvedMs: at('2026-02-01') });
    expect(resolvedAtMs(noHistory, T)).toBe(at('2026-02-01'));
    expect(resolvedAtMs(workItem('P-3', { statusCategory: 'done' }), T)).toBeNull();
  });

  it('counts leaf items: no epics, no parents of existing items', () => {
    const data = project([
      workItem('P-1', { level: 'epic' }),
      workItem('P-2', { parentKey: 'P-1' }),
      workItem('P-3', { parentKey: 'P-1' }),
      workItem('P-4', { level: 'subtask', parentKey: 'P-3' }),
      workItem('P-5', { level: 'subtask', parentKey: 'P-2', createdMs: at('2026-04-01') }),
    ]);
    expect(leafItemsAt(data, T).map((item) => item.key)).toEqual(['P-2', 'P-4']);
  });

  it('orders keys by project, then number', () => {
    expect(['P-10', 'Q-1', 'P-2', 'P-1'].sort(compareKeys)).toEqual(['P-1', 'P-2', 'P-10', 'Q-1']);
  });
});

describe('flow', () => {
  const items = [
    // 2.5 days in progress, 6.5 days from creation; resolved in week 02-23.
    workItem('P-1', {
      createdMs: at('2026-02-20'),
      statusCategory: 'done',
      statusChanges: [move('2026-02-24', 'new', 'indeterminate'), move('2026-02-26T12:00', 'indeterminate', 'done')],
    }),
    // Straight to Done: a lead time, no cycle time; week 03-02.
    workItem('P-2', { createdMs: at('2026-03-01'), statusCategory: 'done', statusChanges: [move('2026-03-03', 'new', 'done')] }),
    // Resolved before the window: times count, throughput does not.
    workItem('P-3', {
      createdMs: at('2026-02-01'),
      statusCategory: 'done',
      statusChanges: [move('2026-02-02', 'new', 'indeterminate'), move('2026-02-10', 'indeterminate', 'done')],
    }),
    // Reopened: cycle time from the first move into In Progress (02-05) to the last into Done (03-05).
    workItem('P-4', {
      createdMs: at('2026-02-01'),
      statusCategory: 'done',
      statusChanges: [
        move('2026-02-05', 'new', 'indeterminate'),
        move('2026-02-06', 'indeterminate', 'done'),
        move('2026-03-03', 'done', 'indeterminate'),
        move('2026-03-05', 'indeterminate', 'done'),
      ],
    }),
    // In progress since 02-10: 30 days at T.
    workItem('P-5', { createdMs: at('2026-02-01'), statusCategory: 'indeterminate', statusChanges: [move('2026-02-10', 'new', 'indeterminate')] }),
    // In progress for a day.
    workItem('P-6', { statusCategory: 'indeterminate', statusChanges: [move('2026-03-11', 'new', 'indeterminate')] }),
    // An epic and a parent story are not leaf items.
    workItem('P-7', { level: 'epic', statusCategory: 'indeterminate', statusChanges: [move('2026-01-02', 'new', 'indeterminate')] }),
    workItem('P-8', { parentKey: 'P-7', statusCategory: 'indeterminate', statusChanges: [move('2026-01-02', 'new', 'indeterminate')] }),
    workItem('P-9', { level: 'subtask', parentKey: 'P-8' }),
    // Created after T.
    workItem('P-10', { createdMs: at('2026-03-13'), statusCategory: 'indeterminate' }),
  ];

  it('measures throughput, cycle and lead time, WIP and ageing WIP', () => {
    const result = flow(project(items), twoWeeks, T);
    expect(result.weeklyThroughput).toEqual([
      { weekStart: '2026-02-23', done: 1 },
      { weekStart: '2026-03-02', done: 2 },
    ]);
    // Cycle times 2.5, 8, 28: P50 is the 2nd, P85 the 3rd.
    expect(result.cycleTimeDays).toEqual({ p50: { value: 8 }, p85: { value: 28 } });
    // Lead times 2, 6.5, 9, 32: P50 is the 2nd, P85 the 4th (ceil 3.4).
    expect(result.leadTimeDays).toEqual({ p50: { value: 6.5 }, p85: { value: 32 } });
    expect(result.wip).toBe(2);
    expect(result.agingWip).toEqual([{ key: 'P-5', daysInProgress: 30 }]);
  });

  it('ages from the last move into In Progress', () => {
    const reentered = workItem('P-11', {
      createdMs: at('2026-01-01'),
      statusCategory: 'indeterminate',
      statusChanges: [move('2026-01-02', 'new', 'indeterminate'), move('2026-01-03', 'indeterminate', 'new'), move('2026-03-11', 'new', 'indeterminate')],
    });
    const result = flow(project([...items, reentered]), twoWeeks, T);
    expect(result.wip).toBe(3);
    expect(result.agingWip.map(({ key }) => key)).toEqual(['P-5']);
  });

  it('reads the history as of T', () => {
    // At 03-04 P-4 is back in progress (since 03-03) and P-6 has not started.
    const result = flow(project(items), settings({ forecast: { historyWeeks: 1, trials: 1, seed: 1 } }), at('2026-03-04'));
    expect(result.weeklyThroughput).toEqual([{ weekStart: '2026-02-23', done: 1 }]);
    expect(result.wip).toBe(2);
    // Cycle times 2.5 and 8: P85 8; P-5 has been in progress 22 days.
    expect(result.cycleTimeDays.p85).toEqual({ value: 8 });
    expect(result.agingWip).toEqual([{ key: 'P-5', daysInProgress: 22 }]);
  });

  it('has no times and no ageing when nothing is done', () => {
    const result = flow(project([items[4], items[5]]), twoWeeks, T);
    expect(result.weeklyThroughput.map(({ done }) => done)).toEqual([0, 0]);
    expect(result.cycleTimeDays.p50).toEqual({ value: null, reason: 'no finished item went through In Progress yet' });
    expect(result.leadTimeDays.p85).toEqual({ value: null, reason: 'no item is finished yet' });
    expect(result.wip).toBe(2);
    expect(result.agingWip).toEqual([]);
  });

  it('has lead times but no cycle time when everything went straight to Done', () => {
    const result = flow(project([items[1]]), twoWeeks, T);
    expect(result.leadTimeDays.p50).toEqual({ value: 2 });
    expect(result.cycleTimeDays.p50.value).toBeNull();
    expect(result.wip).toBe(0);
  });

  it('is all zeros and not available for an empty project', () => {
    const result = flow(project([]), twoWeeks, T);
    expect(result.weeklyThroughput).toHaveLength(2);
    expect(result.wip).toBe(0);
    expect(result.leadTimeDays.p50.value).toBeNull();
  });

  it('puts a Sunday-evening UTC resolution in the next week in Auckland', () => {
    // 2026-03-01T20:00Z is Sunday in UTC and Monday 09:00 on 03-02 in Auckland.
    const done = workItem('P-1', { createdMs: at('2026-02-01'), statusCategory: 'done', statusChanges: [move('2026-03-01T20:00', 'new', 'done')] });
    expect(flow(project([done]), twoWeeks, T).weeklyThroughput.map(({ done: count }) => count)).toEqual([1, 0]);
    const auckland = { ...twoWeeks, timeZone: 'Pacific/Auckland' };
    expect(flow(project([done]), auckland, T).weeklyThroughput).toEqual([
      { weekStart: '2026-02-23', done: 0 },
      { weekStart: '2026-03-02', done: 1 },
    ]);
  });

  it('counts an item moved between projects only in its current project, with all its history', () => {
    // Q-7 was P-3 until it moved; only Q's data has it (under its new key).
    const moved = workItem('Q-7', {
      createdMs: at('2026-02-01'),
      statusCategory: 'done',
      statusChanges: [move('2026-02-24', 'new', 'indeterminate'), move('2026-02-25', 'indeterminate', 'done')],
    });
    expect(flow(project([moved], { key: 'Q' }), twoWeeks, T).weeklyThroughput[0].done).toBe(1);
    expect(flow(project([], { key: 'P' }), twoWeeks, T).weeklyThroughput[0].done).toBe(0);
  });
});
