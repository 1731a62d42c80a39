/**
 * The simulated Jira in a process of its own, for the sync benchmark: Jira is a remote server, so its
 * work must not compete with the app's for one Node thread. Started by bench/sync.ts with fork();
 * answers its messages: `change` (edit a share of the issues), `edit` (one issue of a project, now),
 * `counts`, `reset`.
 */
import { importDataset, openJiraDatabase } from '../local/jira/db/database';
import { formatJiraDateTime } from '../local/jira/db/jira-time';
import { defaultNow, generateDemoDataset } from '../local/jira/seed/index';
import { startJiraServer } from '../local/jira/server';

type Message = { type: 'change'; share: number } | { type: 'edit'; projectKey: string } | { type: 'counts' } | { type: 'reset' };

async function main(): Promise<void> {
  const knobs = JSON.parse(process.env.PMO_BENCH_KNOBS ?? '{}') as Record<string, unknown>;
  // The seed's day starts at 09:00 UTC; run before that, its "now" would lie ahead and every round would
  // read the issues "updated" in the future again. An hour ago at the latest.
  const dataset = generateDemoDataset({ size: 'large', now: new Date(Math.min(defaultNow().getTime(), Date.now() - 3_600_000)) });
  const db = openJiraDatabase(':memory:');
  importDataset(db, dataset);
  const server = await startJiraServer({ db, knobs });
  const admin = dataset.users.find((user) => user.displayName === 'Riley Quinn')!;

  process.on('message', (message: Message) => {
    const control = server.app.control;
    if (message.type === 'counts') {
      const cpu = process.cpuUsage();
      process.send!({ type: 'counts', counts: control.requestCounts(), concurrency: control.concurrency(), cpuMs: (cpu.user + cpu.system) / 1000 });
    } else if (message.type === 'reset') {
      control.resetRequestCounts();
      process.send!({ type: 'reset' });
    } else if (message.type === 'edit') {
      // One person's edit now, as the event path sees it: the summary changes and `updated` is now.
      const nowMs = Date.now();
      const issue = db
        .prepare('SELECT i.id, i.key, p.id AS project_id FROM issues i JOIN projects p ON p.id = i.project_id WHERE p.key = ? ORDER BY i.id LIMIT 1 OFFSET 7')
        .get(message.projectKey) as { id: number; key: string; project_id: number };
      db.prepare('UPDATE issues SET summary = summary || ?, updated = ?, updated_ms = ? WHERE id = ?').run(' (edited now)', formatJiraDateTime(nowMs), nowMs, issue.id);
      process.send!({ type: 'edit', issueId: String(issue.id), issueKey: issue.key, projectId: String(issue.project_id), atMs: nowMs });
    } else {
      // An edit as Jira records it: the summary changes and `updated` moves (two minutes back, so
      // worklog/updated's last-minute blind spot plays no part).
      const nowMs = Date.now() - 120_000;
      const ids = db.prepare('SELECT id FROM issues ORDER BY id').all() as { id: number }[];
      const step = Math.round(1 / message.share);
      const update = db.prepare('UPDATE issues SET summary = summary || ?, updated = ?, updated_ms = ? WHERE id = ?');
      let changed = 0;
      db.transaction(() => {
        for (let index = 0; index < ids.length; index += step, changed += 1) update.run(' (edited)', formatJiraDateTime(nowMs), nowMs, ids[index].id);
      })();
      process.send!({ type: 'change', changed });
    }
  });
  process.send!({ type: 'ready', url: server.url, email: admin.emailAddress, projects: dataset.projects.length, issues: dataset.issues.length, lowerBound: lowerBound(dataset) });
}

/** See bench/sync.ts for the definition. */
function lowerBound(dataset: ReturnType<typeof generateDemoDataset>): number {
  const issues = new Map<string, number>();
  for (const issue of dataset.issues) issues.set(issue.projectKey, (issues.get(issue.projectKey) ?? 0) + 1);
  let requests = Math.ceil(dataset.projects.length / 100) + 1;
  for (const project of dataset.projects) {
    const n = issues.get(project.key) ?? 0;
    requests += Math.ceil(n / 100) + 2 * Math.ceil(n / 1000) + 1;
  }
  return requests;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
