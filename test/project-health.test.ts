/**
 * The project health view's read over the local site after a sync round: its figures are the engine's on
 * the synced data at the snapshot's instant, it names what it lists, its trend and last week come from the
 * history (or are reconstructed, and say so), workload adds up only projects the viewer may browse, and a
 * project the viewer may not browse answers exactly as one that does not exist.
 */
import { defaultSettingsFor } from '../local/report/metrics';
import { computeProjectMetrics, dayOfInstant } from '../src/metrics';
import { headlineFigures } from '../src/metrics/summary';
import type { Answer, ProjectHealthView } from '../src/shared/contract';
import { loadProjectData } from '../src/store/projectData';
import { recordHistory } from '../src/store/snapshots';
import { pushToSyncQueue } from '../src/sync/handlers';
import { recomputeProjects } from '../src/sync/rounds';
import type { LocalSite } from '../local/site/site';
import { browsableProjectKeys, userByName } from './demo-fixture';
import { admin, asApp, contractor, dataset, runRound, snapshotsOf, startSite } from './sync-fixture';

let site: LocalSite;
beforeAll(async () => {
  site = await startSite();
  await runRound(site);
});
afterAll(() => site.close());

const view = async (projectKey: string, accountId: string): Promise<Answer<ProjectHealthView>> =>
  (await site.invoke('pmo-portfolio-page', 'project/health', { projectKey }, accountId)) as Answer<ProjectHealthView>;
const data = async (projectKey: string, accountId = admin): Promise<ProjectHealthView> => {
  const answer = await view(projectKey, accountId);
  if (!answer.ok) throw new Error(`${answer.error.code}: ${answer.error.message}`);
  return answer.data;
};

test("its figures are the engine's on the synced data at the snapshot's instant, and agree with the page row", async () => {
  for (const key of ['APOLLO', 'NOVA', 'LAB']) {
    const health = await data(key);
    const stored = (await asApp(site, () => loadProjectData(key)))!;
    const snapshot = (await snapshotsOf(site)).get(key)!;
    const at = Date.parse(snapshot.status.computedAt!);
    expect(health.metrics).toEqual(computeProjectMetrics(stored, defaultSettingsFor(stored), at, { forecast: true }));
    expect(health.project).toEqual(snapshot.row);
    expect(health.metrics!.health).toEqual(snapshot.metrics!.health);
    // Every item it lists is named, with its summary as stored.
    const listed = [...health.metrics!.risk.blocked, ...health.metrics!.risk.flagged, ...health.metrics!.schedule.overdueKeys.slice(0, 100)];
    for (const item of listed) expect(health.items[item]?.summary).toBe(stored.items.find((candidate) => candidate.key === item)!.summary);
    // The forecast's trials, for the histogram, add up.
    const forecast = health.metrics!.schedule.forecast!;
    expect(forecast.outcomes.reduce((sum, outcome) => sum + outcome.trials, 0) + forecast.beyondTrials).toBe(forecast.trials);
    // Activity of the last 14 days ends on the snapshot's day.
    expect(health.activity!.byDay).toHaveLength(14);
  }
});

test('LAB has no budget: SPI and CPI say why, and its health is never green', async () => {
  const lab = (await data('LAB')).metrics!;
  expect(lab.earnedValue.spi).toMatchObject({ value: null, reason: expect.any(String) });
  expect(lab.earnedValue.cpi).toMatchObject({ value: null, reason: expect.any(String) });
  expect(lab.health.rag).not.toBe('green');
  // Red or amber from the figures that exist (overdue work), else what is not set up.
  if (lab.health.rag === 'not set up') expect(lab.health.criteria.join(' ')).toMatch(/SPI cannot be computed/);
  else expect(lab.health.criteria.join(' ')).toMatch(/Overdue share/);
});

test('the trend is reconstructed before the history begins, and uses the history from then on', async () => {
  const before = await data('ORION');
  expect(before.trend.at(-1)).toMatchObject({ reconstructed: false, day: before.trend.at(-1)!.day });
  expect(before.trend.filter((point) => point.reconstructed).length).toBeGreaterThan(4);
  expect(before.lastWeek).toMatchObject({ reconstructed: true });
  // A stored point of a week ago (as if the history reached back) replaces the reconstruction.
  const snapshot = (await snapshotsOf(site)).get('ORION')!;
  const at = Date.parse(snapshot.status.computedAt!);
  const stored = (await asApp(site, () => loadProjectData('ORION')))!;
  const weekAgo = dayOfInstant(at - 7 * 86_400_000);
  const figures = { ...headlineFigures(computeProjectMetrics(stored, defaultSettingsFor(stored), at - 7 * 86_400_000)), spi: 0.5 };
  await asApp(site, () => recordHistory({ projectKey: 'ORION', day: weekAgo, figures }));
  // As a settings change would: the figures recomputed from stored data, without reading Jira.
  await asApp(site, () => recomputeProjects(['ORION'], 'a test', { push: pushToSyncQueue, nowMs: Date.now() }));
  await site.runtime.drainQueues({ fastForward: true, timeoutMs: 60_000 });
  const after = await data('ORION');
  expect(after.lastWeek).toMatchObject({ reconstructed: false, figures: { spi: 0.5 } });
  const fromHistory = after.trend.filter((point) => !point.reconstructed);
  expect(fromHistory[0]).toMatchObject({ spi: 0.5 });
  // No reconstructed point on or after the history's first day.
  expect(after.trend.filter((point) => point.reconstructed).every((point) => point.day < fromHistory[0].day)).toBe(true);
}, 60_000);

test('workload adds up only the projects the viewer may browse', async () => {
  const carlos = userByName(dataset, 'Carlos Mendes').accountId;
  const asAdmin = (await data('NOVA')).workload.find((row) => row.accountId === carlos)!;
  const asContractor = (await data('NOVA', contractor)).workload.find((row) => row.accountId === carlos)!;
  const allowed = browsableProjectKeys(dataset, contractor);
  expect(asAdmin.projects.length).toBeGreaterThan(1);
  expect(asContractor.projects.every((key) => allowed.includes(key))).toBe(true);
  expect(asContractor.openRemainingHours).toBeLessThan(asAdmin.openRemainingHours);
  expect(asAdmin.person.displayName).toBe('Carlos Mendes');
  expect(asAdmin.overAllocated).toBe(asAdmin.load.value !== null && asAdmin.load.value > 1);
});

test('a project the viewer may not browse answers exactly as one that does not exist', async () => {
  const hidden = dataset.projects.map((project) => project.key).find((key) => !browsableProjectKeys(dataset, contractor).includes(key))!;
  const asked = await view(hidden, contractor);
  const missing = await view('NOSUCH', contractor);
  expect(asked).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  expect(JSON.stringify(asked)).toBe(JSON.stringify(missing).replace('NOSUCH', hidden));
  expect((await view(hidden, admin)).ok).toBe(true);
});
