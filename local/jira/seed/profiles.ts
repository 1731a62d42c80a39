/**
 * Health profiles: the knobs that give each generated project its character. A project is late,
 * over budget or off process because its work is simulated that way, not because numbers are pasted in,
 * so every metric (EVM, overdue, flow, compliance) agrees with the others.
 */
export type HealthProfileName =
  | 'on-track'
  | 'late'
  | 'over-budget'
  | 'late-over-budget'
  | 'off-process'
  | 'finished'
  | 'mixed'
  | 'just-started'
  | 'no-budget';

export interface HealthProfile {
  name: HealthProfileName;
  /** Days before now the project's plan starts. */
  startDaysAgo: number;
  /** Days after now the plan ends (negative: ended in the past). */
  endDaysFromNow: number;
  /** Actual duration of a work item divided by its planned duration, [min, max). */
  scheduleFactor: readonly [number, number];
  /** Days of start delay added per day of the plan already elapsed: the slip that accumulates in late projects. */
  drift: number;
  /** Hours logged divided by the estimate, [min, max). */
  costFactor: readonly [number, number];
  /** Planned budget = estimated hours x rate x contingency. */
  contingency: number;
  /** 0..1: how often the team follows the process (estimates, due dates, assignees, triage, worklogs). */
  discipline: number;
  /** Whether the app's budget fields are filled at all. */
  budgeted: boolean;
  /** Every item is resolved before the plan's end (which lies in the past). */
  finished: boolean;
  bugShare: number;
  /** Share of in-progress items blocked now (and of finished items blocked once). */
  blockedShare: number;
  /** Share of other in-progress items flagged without being blocked. */
  flaggedShare: number;
  reopenShare: number;
  /** Chance that an item past its due date gets the due date moved (again). */
  slipShare: number;
  wontDoShare: number;
  /** Share of started items that stall and stay in progress far longer than planned. */
  stallShare: number;
}

const base: Omit<HealthProfile, 'name'> = {
  startDaysAgo: 420,
  endDaysFromNow: 150,
  scheduleFactor: [0.85, 1.15],
  drift: 0,
  costFactor: [0.85, 1.1],
  contingency: 1.15,
  discipline: 0.92,
  budgeted: true,
  finished: false,
  bugShare: 0.18,
  blockedShare: 0.03,
  flaggedShare: 0.02,
  reopenShare: 0.05,
  slipShare: 0.15,
  wontDoShare: 0.02,
  stallShare: 0.02,
};

export const PROFILES: Record<HealthProfileName, HealthProfile> = {
  'on-track': { ...base, name: 'on-track' },
  late: {
    ...base,
    name: 'late',
    startDaysAgo: 480,
    endDaysFromNow: 60,
    scheduleFactor: [1.4, 2.2],
    drift: 0.6,
    costFactor: [0.95, 1.2],
    contingency: 1.1,
    discipline: 0.88,
    blockedShare: 0.08,
    flaggedShare: 0.04,
    reopenShare: 0.08,
    slipShare: 0.4,
    stallShare: 0.1,
  },
  'over-budget': {
    ...base,
    name: 'over-budget',
    startDaysAgo: 360,
    endDaysFromNow: 120,
    scheduleFactor: [0.95, 1.25],
    drift: 0.03,
    costFactor: [1.7, 2.4],
    contingency: 1.0,
    discipline: 0.9,
    slipShare: 0.2,
    stallShare: 0.04,
  },
  'late-over-budget': {
    ...base,
    name: 'late-over-budget',
    startDaysAgo: 600,
    endDaysFromNow: 30,
    scheduleFactor: [1.3, 2.0],
    drift: 0.2,
    costFactor: [1.4, 2.0],
    contingency: 1.05,
    discipline: 0.85,
    blockedShare: 0.07,
    reopenShare: 0.07,
    slipShare: 0.45,
    stallShare: 0.08,
  },
  'off-process': {
    ...base,
    name: 'off-process',
    startDaysAgo: 300,
    endDaysFromNow: 200,
    scheduleFactor: [0.9, 1.4],
    drift: 0.05,
    costFactor: [0.9, 1.3],
    discipline: 0.3,
    blockedShare: 0.06,
    flaggedShare: 0.01,
    reopenShare: 0.1,
    slipShare: 0.1,
    wontDoShare: 0.04,
    stallShare: 0.15,
  },
  finished: {
    ...base,
    name: 'finished',
    startDaysAgo: 700,
    endDaysFromNow: -60,
    scheduleFactor: [0.9, 1.05],
    costFactor: [0.9, 1.05],
    contingency: 1.1,
    discipline: 0.95,
    blockedShare: 0.02,
    reopenShare: 0.04,
    slipShare: 0.1,
    stallShare: 0,
  },
  mixed: {
    ...base,
    name: 'mixed',
    startDaysAgo: 400,
    endDaysFromNow: 120,
    scheduleFactor: [1.0, 1.5],
    drift: 0.1,
    costFactor: [1.0, 1.4],
    discipline: 0.7,
    blockedShare: 0.06,
    flaggedShare: 0.03,
    reopenShare: 0.07,
    slipShare: 0.35,
    wontDoShare: 0.03,
    stallShare: 0.07,
  },
  'just-started': {
    ...base,
    name: 'just-started',
    startDaysAgo: 40,
    endDaysFromNow: 320,
  },
  'no-budget': {
    ...base,
    name: 'no-budget',
    startDaysAgo: 250,
    endDaysFromNow: 90,
    scheduleFactor: [0.95, 1.35],
    drift: 0.05,
    discipline: 0.75,
    budgeted: false,
    blockedShare: 0.05,
    slipShare: 0.25,
    stallShare: 0.05,
  },
};
