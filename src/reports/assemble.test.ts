import { computeProjectMetrics } from '../metrics';
import { activity } from '../metrics/activity';
import { at, day, project, settings, workItem } from '../metrics/testing';
import type { ReportProjectPart, StatusReportConfig } from '../shared/contract';
import { agendaOf, assembleReport, HIDDEN_PROJECT_MESSAGE } from './assemble';

const config: StatusReportConfig = { scope: 'projects', projectKeys: ['A', 'B'], portfolio: '', sections: ['summary'], mode: 'frozen', activityDays: 14, budgetChangeShare: 0.05 };
const T = at('2026-03-16T12:00');

/** A hand-made project part: items as given, a version, as of T. */
function part(key: string, id: string, items: Parameters<typeof project>[0], release: string | null = '2026-03-30'): ReportProjectPart {
  const data = project(items, { key, versions: [{ id: `${key}-v1`, name: 'Release 1', releaseDay: release === null ? null : day(release), released: false }] });
  const metrics = computeProjectMetrics(data, settings(), T, { forecast: true });
  const row = { id, key, name: `Project ${key}`, lead: null, portfolio: null, issueCounts: { total: items.length, toDo: 0, inProgress: 0, done: 0 }, percentDone: null, overdueCount: metrics.schedule.overdueCount, lastUpdated: null };
  return {
    project: row,
    status: { computedAt: new Date(T).toISOString(), syncedAt: null, stale: null },
    metrics,
    lastWeek: null,
    trend: [],
    milestones: metrics.schedule.milestones.map((milestone) => ({ ...milestone, forecast: null })),
    activity: activity(data, settings(), T),
    items: {},
  };
}

const budgeted = (key: string, budget: number, extra: Partial<Parameters<typeof workItem>[1]> = {}) =>
  workItem(key, { plannedBudget: budget, dueDay: day('2026-04-30'), createdMs: at('2026-01-05'), ...extra });

describe('the agenda of a week of changes', () => {
  // Last week: B-1 a package of 10,000, nothing blocked, the release on 30 March.
  const lastWeek = part('B', '2', [budgeted('B-1', 10_000), workItem('B-2', { createdMs: at('2026-01-05'), fixVersionIds: ['B-v1'] })]);
  // This week: the budget is 12,000 (+20%), B-2 blocked by B-3, the release moved to 20 April.
  const now = part(
    'B',
    '2',
    [
      budgeted('B-1', 12_000),
      workItem('B-2', { createdMs: at('2026-01-05'), fixVersionIds: ['B-v1'], blockedByKeys: ['B-3'] }),
      workItem('B-3', { createdMs: at('2026-03-10') }),
    ],
    '2026-04-20',
  );

  it('names the budget change over the threshold, the slipped milestone and the new blocker', () => {
    const items = agendaOf(now, lastWeek, config, true);
    const text = items.map((item) => `${item.kind}: ${item.text}`);
    expect(text).toContain('budget change: B BAC changed by +20.0%: 10,000 to 12,000');
    expect(text).toContain('milestone: B Release 1 slipped from 2026-03-30 to 2026-04-20');
    expect(items.find((item) => item.kind === 'new blocker')).toMatchObject({ itemKeys: ['B-2'], text: 'B: 1 item blocked since the previous record' });
  });

  it('says nothing of a budget change under the threshold, and of what did not change', () => {
    const items = agendaOf(now, now, { ...config, budgetChangeShare: 0.25 }, true);
    expect(items.filter((item) => item.kind !== 'attention')).toEqual([]);
  });

  it('names a health change with the criteria that are new', () => {
    const red = { ...now, metrics: { ...now.metrics, health: { ...now.metrics.health, rag: 'red' as const, criteria: ['SPI 0.50 is below 0.80'] } } };
    const green = { ...now, metrics: { ...now.metrics, health: { ...now.metrics.health, rag: 'green' as const, criteria: [] } } };
    const items = agendaOf(red, green, config, true);
    expect(items.map((item) => item.text)).toEqual(expect.arrayContaining(['B is red: SPI 0.50 is below 0.80', 'B went from green to red: SPI 0.50 is below 0.80']));
  });
});

describe('a report for one viewer', () => {
  const a = part('A', '1', [budgeted('A-1', 5_000, { statusCategory: 'done', resolvedMs: at('2026-02-01'), statusChanges: [{ atMs: at('2026-02-01'), from: 'new', to: 'done' }] })]);
  const b = part('B', '2', [budgeted('B-1', 10_000, { blockedByKeys: ['B-9'] })]);
  const input = { config, asOfDay: '2026-03-16', generatedAtMs: T, parts: [a, b], previous: null, record: null, currency: null };

  it('keeps the place of a project the viewer may not browse, with a message, and nothing of it elsewhere', () => {
    const report = assembleReport({ ...input, mayBrowse: (id) => id === '1' });
    expect(report.projects).toEqual([a, { hidden: true, message: HIDDEN_PROJECT_MESSAGE }]);
    expect(report.totals.projectKeys).toEqual(['A']);
    expect(report.totals.bac).toEqual({ value: 5_000 });
    const text = JSON.stringify(report);
    expect(text).not.toContain('B-1');
    expect(text).not.toContain('Project B');
    expect(report.agenda.every((item) => item.projectKey === 'A')).toBe(true);
  });

  it('is the same, byte for byte, whenever it is assembled from the same parts', () => {
    const all = () => JSON.stringify(assembleReport({ ...input, mayBrowse: () => true }));
    expect(all()).toBe(all());
    expect(JSON.parse(all()).totals.bac).toEqual({ value: 15_000 });
  });

  it('compares with a week before when there is no earlier record', () => {
    expect(assembleReport({ ...input, mayBrowse: () => true }).agendaSince).toEqual({ day: '2026-03-09', basis: 'a week before' });
    expect(assembleReport({ ...input, mayBrowse: () => true, previous: { asOfDay: '2026-03-02', parts: [a] } }).agendaSince).toEqual({ day: '2026-03-02', basis: 'previous record' });
  });
});
