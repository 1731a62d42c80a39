import { activity, ACTIVITY_LIST_LIMIT } from './activity';
import { at, day, project, settings, workItem } from './testing';

const T = at('2026-03-14T12:00');

describe('activity of the last 14 days', () => {
  it('counts created, resolved, status moves and due-date changes per day, in the window only', () => {
    const items = [
      workItem('P-1', { createdMs: at('2026-03-01T09:00') }), // the window's first day
      workItem('P-2', { createdMs: at('2026-02-28T23:00') }), // the day before: left out
      workItem('P-3', {
        createdMs: at('2026-01-05'),
        statusCategory: 'done',
        resolvedMs: at('2026-03-10T15:00'),
        statusChanges: [
          { atMs: at('2026-03-09T10:00'), from: 'new', to: 'indeterminate' },
          { atMs: at('2026-03-10T15:00'), from: 'indeterminate', to: 'done' },
        ],
        dueDateChanges: [{ atMs: at('2026-03-12T08:00'), from: day('2026-03-20'), to: day('2026-04-03') }],
      }),
      // After the as-of instant: nothing of it counts, not even its creation.
      workItem('P-4', { createdMs: at('2026-03-14T13:00') }),
    ];
    const result = activity(project(items), settings(), T);
    expect(result).toMatchObject({ fromDay: '2026-03-01', toDay: '2026-03-14', totalEvents: 5 });
    expect(result.byDay).toHaveLength(14);
    const on = (dayText: string) => result.byDay.find((entry) => entry.day === dayText);
    expect(on('2026-03-01')).toEqual({ day: '2026-03-01', created: 1, resolved: 0, statusMoves: 0, dueDateChanges: 0 });
    expect(on('2026-03-10')).toEqual({ day: '2026-03-10', created: 0, resolved: 1, statusMoves: 1, dueDateChanges: 0 });
    expect(on('2026-03-12')).toEqual({ day: '2026-03-12', created: 0, resolved: 0, statusMoves: 0, dueDateChanges: 1 });
    expect(result.latest.map((event) => [event.key, event.kind, event.detail])).toEqual([
      ['P-3', 'due date', 'due 2026-03-20 → 2026-04-03'],
      ['P-3', 'resolved', 'resolved'],
      ['P-3', 'status', 'In Progress → Done'],
      ['P-3', 'status', 'To Do → In Progress'],
      ['P-1', 'created', 'created as Story'],
    ]);
  });

  it("uses the site's time zone for the day boundaries", () => {
    // 23:30 UTC on the 13th is already the 14th in Berlin.
    const item = workItem('P-1', { createdMs: at('2026-03-13T23:30') });
    expect(activity(project([item]), settings({ timeZone: 'Europe/Berlin' }), T).byDay.at(-1)).toMatchObject({ day: '2026-03-14', created: 1 });
    expect(activity(project([item]), settings(), T).byDay.at(-2)).toMatchObject({ day: '2026-03-13', created: 1 });
  });

  it('lists the newest events only, and counts them all', () => {
    const items = Array.from({ length: 80 }, (_, index) => workItem(`P-${index + 1}`, { createdMs: at('2026-03-05') + index * 60_000 }));
    const result = activity(project(items), settings(), T);
    expect(result.totalEvents).toBe(80);
    expect(result.latest).toHaveLength(ACTIVITY_LIST_LIMIT);
    expect(result.latest[0].key).toBe('P-80');
    expect(result.byDay.reduce((sum, entry) => sum + entry.created, 0)).toBe(80);
  });
});
