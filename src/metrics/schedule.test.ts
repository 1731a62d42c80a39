import fc from 'fast-check';
import type { ForecastFinish } from '../shared/contract';
import type { DueDateChange, StatusChange, Version } from './model';
import { isOverdueAt, schedule } from './schedule';
import { at, day, project, settings, workItem } from './testing';

const T = at('2026-03-12T12:00');

function dueChange(dateTime: string, from: string | null, to: string | null): DueDateChange {
  return { atMs: at(dateTime), from: from === null ? null : day(from), to: to === null ? null : day(to) };
}

function doneAt(dateTime: string): { statusCategory: 'done'; statusChanges: StatusChange[] } {
  return { statusCategory: 'done', statusChanges: [{ atMs: at(dateTime), from: 'new', to: 'done' }] };
}

function forecastWithP85(p85: string | null): ForecastFinish {
  return { remainingItems: 10, historyWeeks: 12, trials: 10_000, p50: p85, p85, reason: null, outcomes: [], beyondTrials: 0 };
}

describe('overdue', () => {
  it('counts unresolved items due before today, oldest due first', () => {
    const items = [
      workItem('P-1', { dueDay: day('2026-03-11') }),
      workItem('P-2', { dueDay: day('2026-03-12') }), // due today: not yet overdue
      workItem('P-3', { dueDay: day('2026-02-01') }),
      workItem('P-4', { dueDay: day('2026-03-01'), ...doneAt('2026-03-05') }), // done
      workItem('P-5'), // no due date
    ];
    const result = schedule(project(items), settings(), T);
    expect(result.overdueCount).toBe(2);
    expect(result.overdueKeys).toEqual(['P-3', 'P-1']);
    // 2 overdue of 4 unresolved.
    expect(result.overdueShare).toEqual({ value: 0.5 });
  });

  it('reads status and due date as of T, and skips items created after T', () => {
    const items = [
      // Done only after T: unresolved at T.
      workItem('P-1', { dueDay: day('2026-03-01'), ...doneAt('2026-03-20') }),
      // Due date moved into the past only after T: at T it was due 03-20.
      workItem('P-2', { dueDay: day('2026-03-01'), dueDateChanges: [dueChange('2026-03-15', '2026-03-20', '2026-03-01')] }),
      // Reopened before T: unresolved again.
      workItem('P-3', {
        dueDay: day('2026-03-01'),
        statusCategory: 'new',
        statusChanges: [
          { atMs: at('2026-02-20'), from: 'new', to: 'done' },
          { atMs: at('2026-03-10'), from: 'done', to: 'new' },
        ],
      }),
      workItem('P-4', { dueDay: day('2026-03-01'), createdMs: at('2026-03-13') }),
    ];
    const result = schedule(project(items), settings(), T);
    expect(result.overdueKeys).toEqual(['P-1', 'P-3']);
    expect(result.overdueShare).toEqual({ value: 2 / 3 });
  });

  it('uses today in the site zone: 2026-03-01T20:00Z is already 03-02 in Auckland', () => {
    const evening = at('2026-03-01T20:00');
    const dueFirst = workItem('P-1', { dueDay: day('2026-03-01') });
    const dueSecond = workItem('P-2', { dueDay: day('2026-03-02') });
    const data = project([dueFirst, dueSecond]);
    expect(schedule(data, settings({ timeZone: 'UTC' }), evening).overdueKeys).toEqual([]);
    expect(schedule(data, settings({ timeZone: 'Pacific/Auckland' }), evening).overdueKeys).toEqual(['P-1']);
    // Due 03-02 is due today in Auckland: overdue in neither zone.
    expect(isOverdueAt(dueSecond, evening, day('2026-03-02'))).toBe(false);
  });

  it('is 0 without due dates and not available when nothing is unresolved', () => {
    expect(schedule(project([workItem('P-1'), workItem('P-2')]), settings(), T).overdueShare).toEqual({ value: 0 });
    const allDone = schedule(project([workItem('P-1', { dueDay: day('2026-01-01'), ...doneAt('2026-02-01') })]), settings(), T);
    expect(allDone.overdueCount).toBe(0);
    expect(allDone.overdueShare).toEqual({ value: null, reason: 'no unresolved items' });
    expect(schedule(project([]), settings(), T).overdueShare.value).toBeNull();
  });

  it('never counts more overdue than unresolved items', () => {
    const itemArbitrary = fc.record({
      created: fc.integer({ min: 0, max: 60 }),
      due: fc.option(fc.integer({ min: 0, max: 90 })),
      done: fc.option(fc.integer({ min: 0, max: 90 })),
    });
    fc.assert(
      fc.property(fc.array(itemArbitrary, { maxLength: 30 }), fc.integer({ min: 0, max: 90 }), (specs, asOf) => {
        const base = at('2026-01-01');
        const items = specs.map((spec, i) =>
          workItem(`P-${i + 1}`, {
            createdMs: base + spec.created * 86_400_000,
            dueDay: spec.due === null ? null : day('2026-01-01') + spec.due,
            statusCategory: spec.done === null ? 'new' : 'done',
            statusChanges: spec.done === null ? [] : [{ atMs: base + spec.done * 86_400_000, from: 'new', to: 'done' }],
          }),
        );
        const result = schedule(project(items), settings(), base + asOf * 86_400_000);
        const share = result.overdueShare.value;
        expect(result.overdueCount).toBe(result.overdueKeys.length);
        if (share === null) expect(result.overdueCount).toBe(0);
        else expect(share).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe('milestones', () => {
  const versions: Version[] = [
    { id: '1', name: 'Released', releaseDay: day('2026-02-01'), released: true },
    { id: '2', name: 'Late', releaseDay: day('2026-03-11'), released: false },
    { id: '3', name: 'Soon', releaseDay: day('2026-04-01'), released: false },
    { id: '4', name: 'Later', releaseDay: day('2026-06-01'), released: false },
    { id: '5', name: 'Someday', releaseDay: null, released: false },
    { id: '6', name: 'Empty', releaseDay: day('2026-04-01'), released: false },
    { id: '7', name: 'Today', releaseDay: day('2026-03-12'), released: false },
  ];
  const items = [
    workItem('P-1', { fixVersionIds: ['1'], ...doneAt('2026-01-20') }),
    workItem('P-2', { fixVersionIds: ['2', '3'] }),
    workItem('P-3', { fixVersionIds: ['3'] }),
    workItem('P-4', { fixVersionIds: ['4', '5', '7'] }),
    workItem('P-5', { fixVersionIds: ['6'], ...doneAt('2026-03-01') }),
    workItem('P-6', { fixVersionIds: ['3'], createdMs: at('2026-03-20') }),
  ];

  it('without a forecast: released, overdue, on track or no date, with open items', () => {
    const result = schedule(project(items, { versions }), settings(), T);
    expect(result.milestones).toEqual([
      { id: '1', name: 'Released', releaseDate: '2026-02-01', status: 'released', openItems: 0 },
      { id: '2', name: 'Late', releaseDate: '2026-03-11', status: 'overdue', openItems: 1 },
      { id: '3', name: 'Soon', releaseDate: '2026-04-01', status: 'on track', openItems: 2 },
      { id: '4', name: 'Later', releaseDate: '2026-06-01', status: 'on track', openItems: 1 },
      { id: '5', name: 'Someday', releaseDate: null, status: 'no date', openItems: 1 },
      { id: '6', name: 'Empty', releaseDate: '2026-04-01', status: 'on track', openItems: 0 },
      { id: '7', name: 'Today', releaseDate: '2026-03-12', status: 'on track', openItems: 1 },
    ]);
    expect(result.forecast).toBeNull();
  });

  it('with a forecast: at risk when its P85 passes the release day and work is open', () => {
    const forecast = forecastWithP85('2026-04-15');
    const result = schedule(project(items, { versions }), settings(), T, forecast);
    const statuses = Object.fromEntries(result.milestones.map((milestone) => [milestone.name, milestone.status]));
    expect(statuses).toEqual({
      Released: 'released',
      Late: 'overdue',
      Soon: 'at risk',
      Later: 'on track',
      Someday: 'no date',
      Empty: 'on track', // nothing open
      Today: 'at risk',
    });
    expect(result.forecast).toBe(forecast);
  });

  it('stays on track when the forecast has no P85', () => {
    const forecast: ForecastFinish = { ...forecastWithP85(null), reason: 'nothing was finished in the last 12 weeks' };
    const result = schedule(project(items, { versions }), settings(), T, forecast);
    expect(result.milestones.find((milestone) => milestone.name === 'Soon')?.status).toBe('on track');
  });

  it('takes released as the version says now, even before its release day', () => {
    const early: Version[] = [{ id: '1', name: 'Early', releaseDay: day('2026-05-01'), released: true }];
    expect(schedule(project([], { versions: early }), settings(), T).milestones[0].status).toBe('released');
  });
});

describe('due-date slip', () => {
  const items = [
    // Created due 03-10, moved to 03-15: 5 days.
    workItem('P-1', { dueDay: day('2026-03-15'), dueDateChanges: [dueChange('2026-02-10', '2026-03-10', '2026-03-15')] }),
    // No due date at first, set to 03-01, then 03-04: 3 days from the first one set.
    workItem('P-2', {
      dueDay: day('2026-03-04'),
      dueDateChanges: [dueChange('2026-01-05', null, '2026-03-01'), dueChange('2026-02-20', '2026-03-01', '2026-03-04')],
    }),
    // Never changed.
    workItem('P-3', { dueDay: day('2026-03-20') }),
    // Moved earlier: no slip.
    workItem('P-4', { dueDay: day('2026-03-01'), dueDateChanges: [dueChange('2026-02-01', '2026-03-10', '2026-03-01')] }),
    // Moved after T: at T it still had its first due date.
    workItem('P-5', { dueDay: day('2026-05-01'), dueDateChanges: [dueChange('2026-04-01', '2026-03-20', '2026-05-01')] }),
    // Done items keep their slip: 02-20 -> 03-03 is 11 days.
    workItem('P-6', { dueDay: day('2026-03-03'), dueDateChanges: [dueChange('2026-02-15', '2026-02-20', '2026-03-03')], ...doneAt('2026-03-04') }),
    // Due date removed: nothing to compare.
    workItem('P-7', { dueDay: null, dueDateChanges: [dueChange('2026-02-15', '2026-02-20', null)] }),
  ];

  it('compares with the first due date each item had, largest slip first', () => {
    const result = schedule(project(items), settings(), T);
    expect(result.slippedItems).toEqual([
      { key: 'P-6', days: 11 },
      { key: 'P-1', days: 5 },
      { key: 'P-2', days: 3 },
    ]);
    expect(result.totalSlipDays).toBe(19);
  });

  it('compares with the due date at the end of the baseline day', () => {
    // On 02-12 P-1 was already moved to 03-15 (no slip since), P-2 had 03-01 (3), P-6 had 02-20 (11).
    const result = schedule(project(items), settings({ baselineDay: day('2026-02-12') }), T);
    expect(result.slippedItems).toEqual([
      { key: 'P-6', days: 11 },
      { key: 'P-2', days: 3 },
    ]);
    expect(result.totalSlipDays).toBe(14);
    // A move on the baseline day itself is part of the baseline (P-6 moved at 02-15T00:00).
    expect(schedule(project(items), settings({ baselineDay: day('2026-02-15') }), T).slippedItems).toEqual([{ key: 'P-2', days: 3 }]);
    // By 02-25 every move had happened: nothing slipped since.
    expect(schedule(project(items), settings({ baselineDay: day('2026-02-25') }), T).totalSlipDays).toBe(0);
    // A baseline day after T is read at T: nothing has slipped against what is known at T.
    expect(schedule(project(items), settings({ baselineDay: day('2026-04-10') }), T).totalSlipDays).toBe(0);
  });

  it('has no baseline for an item without a due date on the baseline day', () => {
    const setLate = workItem('P-1', { dueDay: day('2026-03-20'), dueDateChanges: [dueChange('2026-03-01', null, '2026-03-20')] });
    expect(schedule(project([setLate]), settings({ baselineDay: day('2026-02-15') }), T).slippedItems).toEqual([]);
    // Without a baseline day the first due date set is the baseline: no slip either.
    expect(schedule(project([setLate]), settings(), T).slippedItems).toEqual([]);
  });

  it('ends the baseline day in the site zone', () => {
    // Moved at 2026-02-15T20:00Z: still 02-15 in UTC, already 02-16 in Auckland.
    const moved = workItem('P-1', { dueDay: day('2026-03-15'), dueDateChanges: [dueChange('2026-02-15T20:00', '2026-03-10', '2026-03-15')] });
    const baseline = day('2026-02-15');
    expect(schedule(project([moved]), settings({ baselineDay: baseline, timeZone: 'UTC' }), T).totalSlipDays).toBe(0);
    expect(schedule(project([moved]), settings({ baselineDay: baseline, timeZone: 'Pacific/Auckland' }), T).totalSlipDays).toBe(5);
  });

  it('has nothing to report without due dates', () => {
    const result = schedule(project([workItem('P-1'), workItem('P-2')]), settings(), T);
    expect(result.slippedItems).toEqual([]);
    expect(result.totalSlipDays).toBe(0);
    expect(result.milestones).toEqual([]);
  });
});

describe('the target date the forecast is measured against', () => {
  const versions = [
    { id: '1', name: 'R1', releaseDay: day('2026-05-01'), released: true },
    { id: '2', name: 'R2', releaseDay: day('2026-09-30'), released: false },
    { id: '3', name: 'Someday', releaseDay: null, released: false },
  ];
  const items = [workItem('P-1', { dueDay: day('2026-12-24') }), workItem('P-2', { dueDay: day('2026-11-01') })];
  const T = at('2026-06-01');

  it('is the baseline finish when the project has one', () => {
    expect(schedule(project(items, { versions }), settings({ baselineFinishDay: day('2026-10-15') }), T).target).toEqual({ day: '2026-10-15', source: 'baseline finish' });
  });

  it('else the latest release date of its versions', () => {
    expect(schedule(project(items, { versions }), settings(), T).target).toEqual({ day: '2026-09-30', source: 'last release' });
  });

  it('else its latest due date, as it was at the as-of day; none without any', () => {
    expect(schedule(project(items), settings(), T).target).toEqual({ day: '2026-12-24', source: 'latest due date' });
    const moved = workItem('P-1', { createdMs: at('2026-01-01'), dueDay: day('2027-03-01'), dueDateChanges: [{ atMs: at('2026-07-01'), from: day('2026-08-01'), to: day('2027-03-01') }] });
    expect(schedule(project([moved]), settings(), T).target).toEqual({ day: '2026-08-01', source: 'latest due date' });
    expect(schedule(project([workItem('P-9')]), settings(), T).target).toBeNull();
  });
});
