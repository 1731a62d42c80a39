import { computeProjectMetrics } from '../metrics';
import { activity } from '../metrics/activity';
import { at, day, project, settings, workItem } from '../metrics/testing';
import { complianceChanges } from '../compliance/changes';
import { DEFAULT_COMPLIANCE_SETTINGS, effectiveRules } from '../compliance/settings';
import type { ReportProjectPart, StatusReportConfig } from '../shared/contract';
import { reportToAdf } from './adf';
import { assembleReport } from './assemble';
import { adfToMarkdown } from './markdown';

const T = at('2026-03-16T12:00');
const config: StatusReportConfig = { scope: 'projects', projectKeys: ['A'], portfolio: '', sections: ['compliance', 'budgetChanges'], mode: 'live', activityDays: 14, budgetChangeShare: 0.05 };
const rules = effectiveRules(DEFAULT_COMPLIANCE_SETTINGS, 'A', null);

function part(complianceOn: boolean, budgetChanges: ReportProjectPart['budgetChanges'] = []): ReportProjectPart {
  // an epic without an owner since the start; A-2: a bug left at the default priority, created this week.
  const data = project([
    workItem('A-1', { level: 'epic', issueType: 'Epic', plannedBudget: 5000, dueDay: day('2026-05-01'), assigneeAccountId: null, createdMs: at('2026-01-05') }),
    workItem('A-2', { issueType: 'Bug', priority: 'Medium', createdMs: at('2026-03-14') }),
  ], { key: 'A' });
  const engine = { ...settings(), complianceRules: complianceOn ? rules : null };
  const metrics = computeProjectMetrics(data, engine, T, { forecast: false });
  return {
    project: { id: '1', key: 'A', name: 'Project A', lead: null, portfolio: null, issueCounts: { total: 2, toDo: 2, inProgress: 0, done: 0 }, percentDone: 0, overdueCount: 0, lastUpdated: null },
    status: { computedAt: new Date(T).toISOString(), syncedAt: null, stale: null },
    metrics,
    lastWeek: null,
    trend: [{ day: '2026-03-09', reconstructed: true, rag: 'green', pv: null, ev: null, ac: null, spi: null, cpi: null, compliance: 0.5 }],
    milestones: [],
    activity: activity(data, engine, T),
    items: {},
    complianceChanges: complianceOn ? complianceChanges(data, rules, metrics.compliance!, T, 'UTC') : null,
    budgetChanges,
  };
}

const markdownOf = (parts: ReportProjectPart[]) =>
  adfToMarkdown(reportToAdf(assembleReport({ config, asOfDay: '2026-03-16', generatedAtMs: T, parts, mayBrowse: () => true, previous: null, record: null, currency: 'EUR' })));

describe('the status report’s compliance and budget changes', () => {
  it('shows the score with its checks, the trend, violations by rule with their items and fix, and what broke this week', () => {
    const text = markdownOf([part(true)]);
    expect(text).not.toContain('No compliance rules are set up');
    const compliance = part(true).metrics.compliance!;
    expect(text).toContain(`### A: score ${(compliance.score.value! * 100).toFixed(1)}%`);
    expect(text).toContain(`${compliance.passedChecks} of ${compliance.applicableChecks} checks passed`);
    expect(text).toContain('Trend:** 2026-03-09 50.0% (reconstructed)');
    expect(text).toMatch(/\| Epics have a Planned budget, a due date and an assignee \| high \| 1 of 1 \| A-1 \| Open the epic/);
    expect(text).toMatch(/\| Bugs have a priority other than the default \| low \| 1 of 1 \| A-2 \|/);
    // A-2 did not exist a week before: newly broken; A-1 was broken then too.
    expect(text).toContain('Newly broken since 2026-03-09 (1): A-2 still has the default priority (Medium) (bug-priority-set)');
    expect(text).toContain('Nothing fixed since 2026-03-09.');
  });

  it('says so when no rule runs for a project', () => {
    expect(markdownOf([part(false)])).toContain('No compliance rules are enabled for this project.');
  });

  it('lists the budget edits old -> new, who and when, and says when there were none', () => {
    const edit = { issueKey: 'A-1', field: 'Planned budget', oldValue: 4000, newValue: 5000, by: { accountId: 'u1', displayName: 'Priya Patel' }, at: '2026-03-15T10:00:00.000Z' };
    expect(markdownOf([part(true, [edit])])).toContain('| A | A-1 | Planned budget | 4,000 EUR | 5,000 EUR | Priya Patel | 2026-03-15T10:00:00.000Z |');
    expect(markdownOf([part(true, [])])).toContain('No budget field was edited through the app since a week before.');
  });
});
