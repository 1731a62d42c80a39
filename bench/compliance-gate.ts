/**
 * Benchmark of the compliance gate: `npm run bench:gate` (also part of `npm run bench`). Prints
 * figures; it is not a test. Target: the gate answers a transition in under 1 s on the largest project.
 *
 * On the large seed (200 projects, 100,000 issues), in the largest project, the median time of:
 * - the workflow validator's answer (the function Jira calls, as the app) for TRANSITIONS moves of
 *   different items to In Progress, with the product's default settings (one rule enforced at the
 *   gate) and with every enabled rule enforced (the gate then also reads the item's children and
 *   worklogs);
 * - a whole refused transition through the simulated Jira's POST /issue/{key}/transitions as a person.
 * No sync is needed: the gate reads Jira and the settings, not the synced data.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateDemoDataset } from '../local/jira/seed';
import { startLocalSite, type LocalSite } from '../local/site/site';
import { DEFAULT_COMPLIANCE_SETTINGS, type ComplianceSettings } from '../src/compliance/settings';
import { complianceGate, type ValidatorAnswer } from '../src/resolvers/gate/validator';
import { getSettings, saveSettings } from '../src/settings/store';
import { median } from './measure';

const TRANSITIONS = 20;
const TARGET_MS = 1000;

const ms = (value: number) => `${value.toFixed(1)} ms`;
const verdict = (value: number) => (value < TARGET_MS ? 'within the 1 s target' : 'OVER the 1 s target');

async function saveCompliance(site: LocalSite, compliance: ComplianceSettings): Promise<void> {
  await site.runtime.runAsInvocation({ accountId: null, timeoutMs: 60_000 }, async () => {
    const current = await getSettings();
    const outcome = await saveSettings({ ...current.document, compliance }, { expectedVersion: current.version, actorAccountId: site.directory.defaultAccountId(), nowMs: Date.now() });
    if (outcome.status !== 'saved' && outcome.status !== 'unchanged') throw new Error(`settings not saved: ${JSON.stringify(outcome).slice(0, 300)}`);
  });
}

/** The validator as Jira calls it: as the app, the payload Forge sends; one warm-up call not counted. */
async function validatorTimes(site: LocalSite, keys: readonly string[], toStatusId: string): Promise<{ times: number[]; refused: number }> {
  const times: number[] = [];
  let refused = 0;
  for (const [index, key] of [keys[0], ...keys].entries()) {
    const payload = { issue: { key }, transition: { from: { id: '10000' }, to: { id: toStatusId } }, configuration: {} };
    const started = performance.now();
    const answer = (await site.runtime.runAsInvocation({ accountId: null, moduleKey: 'pmo-compliance-gate', moduleType: 'jira:workflowValidator', functionKey: 'compliance-gate', timeoutMs: 25_000 }, () =>
      complianceGate(payload),
    )) as ValidatorAnswer;
    const elapsed = performance.now() - started;
    if (answer.errorMessage?.startsWith('PMO Portfolio could not check')) throw new Error(`${key}: ${answer.errorMessage}`);
    if (index === 0) continue;
    times.push(elapsed);
    if (!answer.result) refused += 1;
  }
  return { times, refused };
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmo-bench-gate-'));
  const dataset = generateDemoDataset({ size: 'large', seed: 42 });
  const startedSite = Date.now();
  const site = await startLocalSite({ port: 0, dataDir, dataset: { kind: 'dataset', dataset }, buildUi: false, scheduledTriggers: 'manual', log: () => undefined });
  try {
    console.log(`Compliance gate on the large seed: ${dataset.projects.length} projects, ${dataset.issues.length.toLocaleString('en-US')} issues (site started in ${((Date.now() - startedSite) / 1000).toFixed(1)} s)`);
    const counts = new Map<string, number>();
    for (const issue of dataset.issues) counts.set(issue.projectKey, (counts.get(issue.projectKey) ?? 0) + 1);
    const [largest, issues] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
    const toDo = dataset.statuses.find((status) => status.name === 'To Do')!.id;
    const inProgress = dataset.statuses.find((status) => status.name === 'In Progress')!.id;
    const subtask = new Set(dataset.issueTypes.filter((type) => type.subtask).map((type) => type.id));
    const candidates = dataset.issues.filter((issue) => issue.projectKey === largest && issue.statusId === toDo);
    // Parents first: with every rule enforced they make the gate read children too.
    const keys = [...candidates.filter((issue) => !subtask.has(issue.issueTypeId)), ...candidates.filter((issue) => subtask.has(issue.issueTypeId))]
      .slice(0, TRANSITIONS)
      .map((issue) => issue.key);
    if (keys.length < TRANSITIONS) throw new Error(`only ${keys.length} items in To Do in ${largest}`);
    console.log(`Largest project: ${largest}, ${issues.toLocaleString('en-US')} issues; ${TRANSITIONS} items moved from To Do to In Progress, medians:`);

    await saveCompliance(site, structuredClone(DEFAULT_COMPLIANCE_SETTINGS));
    const defaults = await validatorTimes(site, keys, inProgress);
    console.log(`  validator, default settings (Work in progress has an assignee and an estimate enforced): ${ms(median(defaults.times))} (max ${ms(Math.max(...defaults.times))}; ${defaults.refused} of ${TRANSITIONS} refused), ${verdict(median(defaults.times))}`);

    const every = structuredClone(DEFAULT_COMPLIANCE_SETTINGS);
    for (const rule of Object.values(every.site)) rule.enforceAtGate = true;
    await saveCompliance(site, every);
    const all = await validatorTimes(site, keys, inProgress);
    console.log(`  validator, every enabled rule enforced (children and worklogs read too): ${ms(median(all.times))} (max ${ms(Math.max(...all.times))}; ${all.refused} of ${TRANSITIONS} refused), ${verdict(median(all.times))}`);

    await saveCompliance(site, structuredClone(DEFAULT_COMPLIANCE_SETTINGS));
    const admin = dataset.users.find((user) => user.accountId === site.directory.defaultAccountId())!;
    const auth = `Basic ${Buffer.from(`${admin.emailAddress}:local`).toString('base64')}`;
    const unready = dataset.issues
      .filter((issue) => issue.projectKey === largest && issue.statusId === toDo && issue.assigneeAccountId === null)
      .slice(0, TRANSITIONS)
      .map((issue) => issue.key);
    const whole: number[] = [];
    let refused = 0;
    for (const [index, key] of [unready[0], ...unready].entries()) {
      const started = performance.now();
      const response = await fetch(`${site.jiraUrl}/rest/api/3/issue/${key}/transitions`, {
        method: 'POST',
        headers: { Authorization: auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ transition: { id: inProgress } }),
      });
      await response.text();
      const elapsed = performance.now() - started;
      if (response.status !== 400 && response.status !== 204) throw new Error(`${key}: HTTP ${response.status}`);
      if (index === 0) continue;
      whole.push(elapsed);
      if (response.status === 400) refused += 1;
    }
    console.log(`  whole transition through POST /rest/api/3/issue/{key}/transitions (unassigned items, default settings): ${ms(median(whole))} (max ${ms(Math.max(...whole))}; ${refused} of ${whole.length} refused), ${verdict(median(whole))}`);
  } finally {
    await site.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
