/**
 * The large site for load and scale work: 200 projects in 8 portfolios, 100,000 issues, project sizes
 * that vary as in a real company (a few big programmes, many small projects).
 */
import { PROFILES, type HealthProfile, type HealthProfileName } from './profiles';
import { GROUP, accountIdFor, type PortfolioPlan, type PortfolioProject, type PortfolioUser } from './portfolio';
import type { Random } from './random';

export const LARGE_PROJECT_COUNT = 200;
export const LARGE_ISSUE_COUNT = 100_000;

const PORTFOLIOS = [
  'Digital Channels',
  'Infrastructure',
  'Regulatory',
  'Customer Operations',
  'Data and Analytics',
  'Finance Systems',
  'Security',
  'Supply Chain',
];

const KEY_WORDS = [
  'APOLLO', 'ORION', 'NOVA', 'VEGA', 'ATLAS', 'TITAN', 'HERMES', 'POLARIS', 'AEGIS', 'BASEL',
  'KYC', 'LEDGER', 'LAB', 'ZEUS', 'HERA', 'ARES', 'IRIS', 'LYRA', 'DRACO', 'CETUS',
  'PHOENIX', 'PEGASUS', 'SIRIUS', 'RIGEL', 'ALTAIR', 'DENEB', 'CASTOR', 'POLLUX', 'ANTARES', 'MIRA',
  'SOLAR', 'LUNA', 'COMET', 'METEOR', 'QUASAR', 'PULSAR', 'NEBULA', 'GALAXY', 'COSMOS', 'ZENITH',
  'ECHO', 'DELTA', 'SIGMA', 'OMEGA', 'KAPPA', 'GAMMA', 'THETA', 'ALPHA', 'BRAVO', 'FALCON',
];

const FIRST_NAMES = [
  'Ava', 'Liam', 'Mia', 'Noah', 'Zoe', 'Omar', 'Ines', 'Yuki', 'Ravi', 'Sara',
  'Jonas', 'Chloe', 'Mateo', 'Anya', 'Kofi', 'Leila', 'Felix', 'Nina', 'Hugo', 'Maya',
];
const LAST_NAMES = ['Andersen', 'Bauer', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'Garcia', 'Hughes', 'Ivanova', 'Jensen', 'Kowalski', 'Lopez'];
const TIME_ZONES = ['Europe/Berlin', 'Europe/London', 'America/New_York', 'Asia/Kolkata', 'Europe/Madrid', 'America/Chicago', 'Asia/Singapore'];

const PROFILE_MIX: readonly HealthProfileName[] = ['on-track', 'mixed', 'late', 'over-budget', 'late-over-budget', 'off-process', 'finished', 'just-started', 'no-budget'];
const PROFILE_WEIGHTS = [0.28, 0.24, 0.12, 0.09, 0.05, 0.09, 0.06, 0.04, 0.03];

const MEMBER_COUNT = 80;
const MANAGER_COUNT = 12;
const CONTRACTOR_COUNT = 3;
const FORMER_COUNT = 6;

function titleCase(word: string): string {
  return word.charAt(0) + word.slice(1).toLowerCase();
}

/** Sizes that sum to exactly `total`: a long tail of small projects and a few large ones. */
function projectSizes(random: Random, count: number, total: number): number[] {
  const weights = Array.from({ length: count }, () => 0.15 + random.next() ** 3 * 6);
  const sum = weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map((weight) => Math.max(20, Math.floor((weight / sum) * total)));
  let difference = total - sizes.reduce((a, b) => a + b, 0);
  for (let index = 0; difference !== 0; index = (index + 1) % count) {
    if (difference > 0) {
      sizes[index] += 1;
      difference -= 1;
    } else if (sizes[index] > 20) {
      sizes[index] -= 1;
      difference += 1;
    }
  }
  return sizes;
}

export function largePortfolio(random: Random): PortfolioPlan {
  const users: PortfolioUser[] = [];
  let index = 0;
  const person = (displayName: string, local: string, groups: string[], active = true): string => {
    index += 1;
    const accountId = accountIdFor(index);
    users.push({ accountId, displayName, emailAddress: `${local}@pmo.example`, active, timeZone: TIME_ZONES[index % TIME_ZONES.length], locale: 'en_US', groups });
    return accountId;
  };
  const nameAt = (position: number): [string, string] => [
    FIRST_NAMES[position % FIRST_NAMES.length],
    LAST_NAMES[Math.floor(position / FIRST_NAMES.length) % LAST_NAMES.length],
  ];
  let namePosition = 0;
  const nextName = (): [string, string] => nameAt(namePosition++);

  person('Riley Quinn', 'riley.quinn', [GROUP.siteAdmins, GROUP.jiraUsers]);
  const pmo = person('Priya Patel', 'priya.patel', [GROUP.pmoOffice, GROUP.jiraUsers]);
  const managers = Array.from({ length: MANAGER_COUNT }, () => {
    const [first, last] = nextName();
    return person(`${first} ${last}`, `${first}.${last}`.toLowerCase(), [GROUP.projectManagers, GROUP.jiraUsers]);
  });
  const members = Array.from({ length: MEMBER_COUNT }, () => {
    const [first, last] = nextName();
    return person(`${first} ${last}`, `${first}.${last}`.toLowerCase(), [GROUP.jiraUsers]);
  });
  const contractors = Array.from({ length: CONTRACTOR_COUNT }, () => {
    const [first, last] = nextName();
    return person(`${first} ${last}`, `${first}.${last}.ext`.toLowerCase(), [GROUP.contractors]);
  });
  const former = Array.from({ length: FORMER_COUNT }, () => {
    const [first, last] = nextName();
    return person(`${first} ${last}`, `${first}.${last}`.toLowerCase(), [], false);
  });

  const categories = PORTFOLIOS.map((name, position) => ({ id: String(10000 + position), name, description: `The ${name} portfolio.` }));
  const sizes = projectSizes(random, LARGE_PROJECT_COUNT, LARGE_ISSUE_COUNT);
  const projects: PortfolioProject[] = sizes.map((issueCount, position) => {
    const word = KEY_WORDS[position % KEY_WORDS.length];
    const round = Math.floor(position / KEY_WORDS.length);
    const key = round === 0 ? word : `${word}${round + 1}`;
    const base = PROFILES[random.weighted(PROFILE_MIX, PROFILE_WEIGHTS)];
    const profile: HealthProfile = {
      ...base,
      startDaysAgo: Math.min(720, Math.round(base.startDaysAgo * random.between(0.6, 1.4))),
      endDaysFromNow: Math.round(base.endDaysFromNow * random.between(0.5, 1.5)),
    };
    const workers = random.sample(members, random.int(4, 8));
    const category = categories[position % categories.length];
    return {
      id: String(10000 + position),
      key,
      name: `${titleCase(word)}${round === 0 ? '' : ` ${round + 1}`} ${random.pick(['Programme', 'Platform', 'Upgrade', 'Rollout', 'Migration', 'Portal', 'Service'])}`,
      description: `A project of the ${category.name} portfolio.`,
      // Every fifteenth project sits outside any portfolio, as in real sites.
      categoryId: position % 15 === 14 ? undefined : category.id,
      leadAccountId: managers[position % managers.length],
      workerAccountIds: workers,
      extraReporterAccountIds: [pmo],
      formerAccountIds: random.chance(0.3) ? [random.pick(former)] : [],
      teamMemberAccountIds: [...workers, ...(random.chance(0.2) ? [random.pick(managers)] : [])],
      issueCount,
      profile,
      hourlyRate: random.int(90, 140),
    };
  });
  // Each contractor works in exactly two projects.
  contractors.forEach((contractor, position) => {
    for (const projectIndex of [position * 37 + 5, position * 37 + 23]) {
      const project = projects[projectIndex % projects.length];
      project.workerAccountIds = [...project.workerAccountIds, contractor];
      project.teamMemberAccountIds = [...project.teamMemberAccountIds, contractor];
    }
  });
  return { siteName: 'PMO Large (pmo.example)', timeZone: 'Europe/Berlin', users, categories, projects };
}
