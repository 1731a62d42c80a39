/**
 * The settings a fresh demo site starts with, built from the demo dataset itself so every figure has
 * something real to show: a dated rate for every person (some change in the middle of the projects),
 * the contractors' group rate, budgets for some projects, baselines set weeks ago whose packages have
 * slipped since (read from the packages' own due-date history), the PMO editor group, and the
 * compliance rules with one enforced at the workflow gate. Pure: same dataset, same document.
 */
import { subDays, formatISO } from 'date-fns';
import { DEFAULT_COMPLIANCE_SETTINGS } from '../../../src/compliance/settings';
import { SETTINGS_FORMAT, SETTINGS_FORMAT_VERSION, settingsDocumentSchema, type Baseline, type SettingsDocument } from '../../../src/settings/schema';
import type { Dataset, DatasetIssue } from '../dataset';
import { FIELD, ISSUE_TYPE } from './catalog';
import { GROUP } from './portfolio';

const day = (date: Date): string => formatISO(date, { representation: 'date' });

/** Projects whose BAC the PMO set above the sum of their packages (a contingency reserve). */
const BUDGETED_PROJECTS: Readonly<Record<string, number>> = { APOLLO: 1.1, TITAN: 1.05, ATLAS: 1.0, BASEL: 1.08 };
/** Projects with baselines: the late ones, whose packages' due dates moved after the baselines. */
const BASELINED_PROJECTS = ['ORION', 'ATLAS', 'AEGIS'];
/** Weeks before now the two baselines were set. */
const BASELINE_WEEKS_AGO = [20, 8] as const;
/** People's rate rises this many days before now: in the middle of the running projects. */
const RATE_CHANGE_DAYS_AGO = 120;

const plannedBudgetOf = (issue: DatasetIssue): number | null => {
  const value = issue.customFields[FIELD.plannedBudget];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
};

/** The package's due day as it stood at `atMs`: later due-date changes undone, newest first. */
export function dueDayAt(issue: DatasetIssue, atMs: number): string | null {
  let due = issue.duedate;
  const later = issue.changelog.filter((entry) => Date.parse(entry.created) > atMs).sort((a, b) => Date.parse(b.created) - Date.parse(a.created));
  for (const entry of later) for (const item of entry.items) if (item.field === 'duedate') due = item.from === null ? null : item.from.slice(0, 10);
  return due;
}

function baselinesOf(projectKey: string, packages: DatasetIssue[], setBy: string, now: Date): Baseline[] {
  return BASELINE_WEEKS_AGO.map((weeks) => {
    const setAt = subDays(now, weeks * 7);
    const existing = packages.filter((issue) => Date.parse(issue.created) <= setAt.getTime());
    return {
      id: `baseline-w${weeks}`,
      name: `${projectKey} plan as of ${day(setAt)}`,
      setAt: setAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      setBy,
      packages: existing.map((issue) => ({ issueKey: issue.key, plannedBudget: plannedBudgetOf(issue), dueDay: dueDayAt(issue, setAt.getTime()) })),
    };
  });
}

/** A stable rate per person between 70 and 135 an hour, from their place in the user list. */
const rateFor = (position: number): number => 70 + ((position * 37) % 14) * 5;

export function demoSettings(dataset: Pick<Dataset, 'users' | 'projects' | 'issues' | 'generatedAt'>): SettingsDocument {
  const now = new Date(dataset.generatedAt);
  const since = day(subDays(now, 3 * 365));
  const changeDay = day(subDays(now, RATE_CHANGE_DAYS_AGO));
  const admin = dataset.users.find((user) => user.groups.includes(GROUP.siteAdmins)) ?? dataset.users[0];

  const byPerson: SettingsDocument['rates']['byPerson'] = {};
  const byPersonCapacity: Record<string, number> = {};
  dataset.users.forEach((user, position) => {
    // Contractors are charged at their group's rate; everyone else at their own.
    if (user.groups.includes(GROUP.contractors)) {
      byPersonCapacity[user.accountId] = 24;
      return;
    }
    const rate = rateFor(position);
    // Every third person got a raise in the middle of the running projects.
    byPerson[user.accountId] = position % 3 === 0 ? [{ from: since, hourlyRate: rate }, { from: changeDay, hourlyRate: rate + 15 }] : [{ from: since, hourlyRate: rate }];
  });

  const packagesByProject = new Map<string, DatasetIssue[]>();
  for (const issue of dataset.issues) {
    if (issue.issueTypeId !== ISSUE_TYPE.epic.id) continue;
    const list = packagesByProject.get(issue.projectKey) ?? [];
    list.push(issue);
    packagesByProject.set(issue.projectKey, list);
  }

  const projects: Record<string, unknown> = {};
  for (const project of dataset.projects) {
    const packages = packagesByProject.get(project.key) ?? [];
    const section: Record<string, unknown> = {};
    const reserve = BUDGETED_PROJECTS[project.key];
    if (reserve !== undefined) {
      const sum = packages.reduce((total, issue) => total + (plannedBudgetOf(issue) ?? 0), 0);
      if (sum > 0) section.projectBudget = Math.round((sum * reserve) / 1000) * 1000;
    }
    if (BASELINED_PROJECTS.includes(project.key) && packages.length > 0) {
      const baselines = baselinesOf(project.key, packages, admin.accountId, now);
      section.baselines = baselines;
      section.chosenBaselineId = baselines[0].id;
    }
    // The lab has no budget fields: its cost is the worklogs at the rates.
    if (project.key === 'LAB') section.costSource = 'worklogs';
    if (Object.keys(section).length > 0) projects[project.key] = section;
  }

  const compliance = structuredClone(DEFAULT_COMPLIANCE_SETTINGS);
  // The gate refuses starting work with no owner or estimate (the default) and closing a story with open sub-tasks.
  compliance.site['in-progress-ready'].enforceAtGate = true;
  compliance.site['done-without-open-subtasks'].enforceAtGate = true;
  // A regulator asks for the hours behind every finished item.
  compliance.portfolios['Regulatory'] = { 'done-time-logged': { severity: 'high' } };
  compliance.projects['LAB'] = { 'story-described': { enabled: false } };

  return settingsDocumentSchema.parse({
    format: SETTINGS_FORMAT,
    formatVersion: SETTINGS_FORMAT_VERSION,
    currency: 'EUR',
    rates: {
      siteDefault: [{ from: since, hourlyRate: 100 }],
      byPerson,
      byGroup: [{ group: GROUP.contractors, rates: [{ from: since, hourlyRate: 140 }, { from: changeDay, hourlyRate: 150 }] }],
    },
    projects,
    forecast: { historyWeeks: 12 },
    capacity: { defaultHoursPerWeek: 32, byPerson: byPersonCapacity, workloadWeeks: 4 },
    pmoEditorGroup: GROUP.pmoOffice,
    compliance,
  });
}
