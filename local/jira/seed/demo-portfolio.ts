/**
 * The demo site: 13 projects in three portfolios (plus one outside any), each built to show one kind of
 * health, and people whose access differs (admin, PMO, project managers, team members, a contractor).
 */
import { PROFILES, type HealthProfile, type HealthProfileName } from './profiles';
import { GROUP, accountIdFor, type PortfolioPlan, type PortfolioProject, type PortfolioUser } from './portfolio';

interface Person {
  name: string;
  timeZone: string;
  groups: string[];
  active?: boolean;
  /** Email local part when it is not first.last. */
  email?: string;
}

/** People by short handle; the order fixes their account ids. */
const PEOPLE = {
  riley: { name: 'Riley Quinn', timeZone: 'Europe/Berlin', groups: [GROUP.siteAdmins, GROUP.jiraUsers] },
  priya: { name: 'Priya Patel', timeZone: 'Europe/London', groups: [GROUP.pmoOffice, GROUP.jiraUsers] },
  marcus: { name: 'Marcus Chen', timeZone: 'America/New_York', groups: [GROUP.projectManagers, GROUP.jiraUsers] },
  elena: { name: 'Elena Rossi', timeZone: 'Europe/Rome', groups: [GROUP.projectManagers, GROUP.jiraUsers] },
  david: { name: 'David Okafor', timeZone: 'Africa/Lagos', groups: [GROUP.projectManagers, GROUP.jiraUsers] },
  hannah: { name: 'Hannah Schmidt', timeZone: 'Europe/Berlin', groups: [GROUP.projectManagers, GROUP.jiraUsers] },
  aisha: { name: 'Aisha Khan', timeZone: 'Asia/Kolkata', groups: [GROUP.jiraUsers] },
  ben: { name: 'Ben Carter', timeZone: 'Europe/London', groups: [GROUP.jiraUsers] },
  carlos: { name: 'Carlos Mendes', timeZone: 'America/Sao_Paulo', groups: [GROUP.jiraUsers] },
  dana: { name: 'Dana Levy', timeZone: 'Asia/Jerusalem', groups: [GROUP.jiraUsers] },
  erik: { name: 'Erik Larsen', timeZone: 'Europe/Oslo', groups: [GROUP.jiraUsers] },
  fatima: { name: 'Fatima Noor', timeZone: 'Asia/Dubai', groups: [GROUP.jiraUsers] },
  george: { name: 'George Ito', timeZone: 'Asia/Tokyo', groups: [GROUP.jiraUsers] },
  lena: { name: 'Lena Novak', timeZone: 'Europe/Prague', groups: [GROUP.jiraUsers] },
  oskar: { name: 'Oskar Brandt', timeZone: 'Europe/Vienna', groups: [GROUP.contractors], email: 'oskar.brandt.ext' },
  tom: { name: 'Tom Walsh', timeZone: 'Europe/Dublin', groups: [], active: false },
} satisfies Record<string, Person>;
type Handle = keyof typeof PEOPLE;

const HANDLES = Object.keys(PEOPLE) as Handle[];

export function demoAccountId(handle: Handle): string {
  return accountIdFor(HANDLES.indexOf(handle) + 1);
}

interface DemoProject {
  key: string;
  name: string;
  description: string;
  category: 'digital' | 'infrastructure' | 'regulatory' | null;
  lead: Handle;
  workers: Handle[];
  /** In the team group without doing the work: other project managers who follow the project. */
  followers?: Handle[];
  former?: Handle[];
  issues: number;
  profile: HealthProfileName;
  overrides?: Partial<HealthProfile>;
  rate: number;
}

export const DEMO_CATEGORIES = {
  digital: { id: '10000', name: 'Digital Channels', description: 'Customer-facing apps and portals.' },
  infrastructure: { id: '10001', name: 'Infrastructure', description: 'Platforms, networks and the cloud estate.' },
  regulatory: { id: '10002', name: 'Regulatory', description: 'Work a regulator or an auditor asks for, with hard deadlines.' },
} as const;

/** Each project's intended health is in its profile; docs/dataset.md lists them. */
export const DEMO_PROJECTS: readonly DemoProject[] = [
  { key: 'APOLLO', name: 'Apollo Mobile App', description: 'The retail mobile app, release train every quarter.', category: 'digital', lead: 'marcus', workers: ['aisha', 'ben', 'carlos'], former: ['tom'], issues: 320, profile: 'on-track', rate: 110 },
  { key: 'ORION', name: 'Orion Customer Portal', description: 'Self-service portal replacing the legacy web shop.', category: 'digital', lead: 'elena', workers: ['dana', 'ben', 'george'], issues: 300, profile: 'late', rate: 105 },
  { key: 'NOVA', name: 'Nova Checkout Redesign', description: 'New checkout with one-click payments.', category: 'digital', lead: 'marcus', workers: ['carlos', 'fatima', 'oskar'], issues: 240, profile: 'over-budget', rate: 125 },
  { key: 'VEGA', name: 'Vega Loyalty Program', description: 'Points, tiers and partner rewards.', category: 'digital', lead: 'marcus', workers: ['aisha', 'lena', 'george'], followers: ['hannah'], issues: 220, profile: 'mixed', rate: 100 },
  { key: 'ATLAS', name: 'Atlas Cloud Migration', description: 'Moving the data centre workloads to the cloud.', category: 'infrastructure', lead: 'david', workers: ['erik', 'oskar', 'ben', 'fatima'], issues: 340, profile: 'late-over-budget', rate: 130 },
  { key: 'TITAN', name: 'Titan Data Platform', description: 'The shared data lake and its pipelines.', category: 'infrastructure', lead: 'david', workers: ['erik', 'lena', 'dana'], issues: 280, profile: 'on-track', rate: 120 },
  { key: 'HERMES', name: 'Hermes Network Refresh', description: 'Replacing branch routers and switches. Closed.', category: 'infrastructure', lead: 'hannah', workers: ['erik', 'george'], former: ['tom'], issues: 200, profile: 'finished', rate: 95 },
  { key: 'POLARIS', name: 'Polaris Observability', description: 'Logs, metrics and tracing for every service.', category: 'infrastructure', lead: 'hannah', workers: ['lena', 'carlos', 'fatima'], issues: 240, profile: 'off-process', rate: 115 },
  { key: 'AEGIS', name: 'Aegis GDPR Compliance', description: 'Consent, retention and subject access requests.', category: 'regulatory', lead: 'elena', workers: ['dana', 'aisha', 'ben'], followers: ['marcus'], issues: 260, profile: 'late', overrides: { startDaysAgo: 380, endDaysFromNow: 20, drift: 0.25 }, rate: 110 },
  { key: 'BASEL', name: 'Basel IV Reporting', description: 'Capital requirement reports for the regulator.', category: 'regulatory', lead: 'hannah', workers: ['george', 'fatima'], issues: 180, profile: 'on-track', overrides: { startDaysAgo: 500, endDaysFromNow: 25 }, rate: 120 },
  { key: 'KYC', name: 'KYC Onboarding Controls', description: 'Know-your-customer checks in onboarding.', category: 'regulatory', lead: 'elena', workers: ['carlos', 'dana', 'erik'], followers: ['david'], issues: 220, profile: 'off-process', overrides: { blockedShare: 0.2, flaggedShare: 0.05 }, rate: 105 },
  { key: 'LEDGER', name: 'Ledger Audit Trail', description: 'Tamper-evident audit trail for bookings. Just kicked off.', category: 'regulatory', lead: 'david', workers: ['lena', 'aisha'], followers: ['elena'], issues: 90, profile: 'just-started', rate: 115 },
  { key: 'LAB', name: 'Innovation Lab', description: 'Experiments; no budget and no portfolio yet.', category: null, lead: 'david', workers: ['ben', 'george', 'erik'], issues: 80, profile: 'no-budget', rate: 100 },
];

export function demoPortfolio(): PortfolioPlan {
  const users: PortfolioUser[] = HANDLES.map((handle) => {
    const person: Person = PEOPLE[handle];
    const [first, last] = person.name.toLowerCase().split(' ');
    return {
      accountId: demoAccountId(handle),
      displayName: person.name,
      emailAddress: `${person.email ?? `${first}.${last}`}@pmo.example`,
      active: person.active ?? true,
      timeZone: person.timeZone,
      locale: 'en_US',
      groups: person.groups,
    };
  });
  const projects: PortfolioProject[] = DEMO_PROJECTS.map((project, index) => ({
    id: String(10000 + index),
    key: project.key,
    name: project.name,
    description: project.description,
    categoryId: project.category === null ? undefined : DEMO_CATEGORIES[project.category].id,
    leadAccountId: demoAccountId(project.lead),
    workerAccountIds: project.workers.map(demoAccountId),
    extraReporterAccountIds: [demoAccountId('priya')],
    formerAccountIds: (project.former ?? []).map(demoAccountId),
    teamMemberAccountIds: [...project.workers, ...(project.followers ?? [])].map(demoAccountId),
    issueCount: project.issues,
    profile: { ...PROFILES[project.profile], ...project.overrides },
    hourlyRate: project.rate,
  }));
  return {
    siteName: 'PMO Demo (pmo.example)',
    timeZone: 'Europe/Berlin',
    users,
    categories: Object.values(DEMO_CATEGORIES).map((category) => ({ ...category })),
    projects,
  };
}
