/** A local site running the real app, and what sync tests compare its stored data with. */
import api from '@forge/api';
import { startLocalSite, type LocalSite, type LocalSiteOptions } from '../local/site/site';
import { JiraClient } from '../src/jira/client';
import type { MetricFieldIds } from '../src/jira/fields';
import { computeProjectMetrics, DEFAULT_PROJECT_SETTINGS } from '../src/metrics';
import type { ProjectData } from '../src/metrics/model';
import type { SettingsDocument, SettingsDocumentInput } from '../src/settings/schema';
import { getSettings, saveSettings, type SaveOutcome } from '../src/settings/store';
import type { Answer } from '../src/shared/contract';
import { loadProjectData } from '../src/store/projectData';
import { listSnapshots } from '../src/store/snapshots';
import { readProject } from '../src/sync/projectReader';
import { canonical } from '../src/sync/job';
import { demoDataset, userByName } from './demo-fixture';

export const dataset = demoDataset();
export const PROJECTS = dataset.projects.map((project) => ({
  key: project.key,
  name: project.name,
  portfolio: dataset.categories.find((category) => category.id === project.categoryId)?.name ?? null,
}));
export const METRICS_AT = Date.parse('2026-06-10T23:59:59.999Z');
export const RETRY = { baseDelayMs: 1, maxDelayMs: 20, maxAttempts: 8 };
export const admin = userByName(dataset, 'Riley Quinn').accountId;
export const contractor = userByName(dataset, 'Oskar Brandt').accountId;
const quiet = () => undefined;

export const startSite = (options: Partial<LocalSiteOptions> = {}) =>
  startLocalSite({ port: 0, dataDir: ':memory:', dataset: { kind: 'dataset', dataset }, buildUi: false, scheduledTriggers: 'manual', log: quiet, ...options });

export async function runRound(site: LocalSite): Promise<void> {
  await site.runtime.runScheduledTrigger('hourly-sync');
  await site.runtime.drainQueues({ fastForward: true, timeoutMs: 120_000 });
}

export const asApp = <T>(site: LocalSite, work: () => Promise<T>) => site.runtime.runAsInvocation({ accountId: null, timeoutMs: 120_000 }, work);

export async function storedData(site: LocalSite): Promise<Map<string, ProjectData>> {
  const found = new Map<string, ProjectData>();
  for (const { key } of PROJECTS) {
    const data = await asApp(site, () => loadProjectData(key));
    if (data) found.set(key, data);
  }
  return found;
}

export const snapshotsOf = async (site: LocalSite) => new Map((await asApp(site, listSnapshots)).map((snapshot) => [snapshot.projectKey, snapshot]));

/** Every project read in one go, worklogs issue by issue: what the stored data must equal. */
export async function readDirectly(site: LocalSite, fieldIds: MetricFieldIds): Promise<Map<string, ProjectData>> {
  const found = new Map<string, ProjectData>();
  for (const project of PROJECTS) {
    const data = await asApp(site, () => readProject(new JiraClient(api.asApp().requestJira, { retry: RETRY }), project, { fieldIds, worklogs: 'per-issue' }));
    found.set(project.key, canonical(data));
  }
  return found;
}

export const metricsAt = (data: ProjectData) => computeProjectMetrics(data, DEFAULT_PROJECT_SETTINGS, METRICS_AT, { forecast: true });

export async function invoke<T>(site: LocalSite, key: string, payload: unknown, accountId: string): Promise<T> {
  const answer = (await site.invoke('pmo-portfolio-page', key, payload, accountId)) as Answer<T>;
  if (!answer.ok) throw new Error(`${key}: ${answer.error.code} ${answer.error.message}`);
  return answer.data;
}


/** Edits an issue through the simulated Jira's REST API, as a person would (product events follow). */
export async function editIssue(site: LocalSite, issueKey: string, fields: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${site.jiraUrl}/rest/api/3/issue/${issueKey}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ fields }),
  });
  if (response.status !== 204) throw new Error(`editing ${issueKey}: HTTP ${response.status} ${await response.text()}`);
}

/** Stores the settings with `change` made to them, as the site administrator saving them would; answers the store's outcome. */
export async function changeSettings(site: LocalSite, change: (document: SettingsDocument) => SettingsDocumentInput): Promise<SaveOutcome> {
  const { version, document } = await asApp(site, getSettings);
  return asApp(site, () => saveSettings(change(document), { expectedVersion: version, actorAccountId: admin, nowMs: Date.now() }));
}
