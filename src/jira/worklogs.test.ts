/** The worklog probes that find which worklogs Jira cannot list, against a Jira that counts requests in flight. */
import type { APIResponse, RequestInit, Route } from '@forge/api';
import { JiraClient, RequestCounter, type RequestJira } from './client';
import { listWorklogs, listWorklogsLeavingOutUnreadable } from './worklogs';

const UNREADABLE = new Set([17, 230, 231, 640, 999]);

/** worklog/list that fails (503) any request asking for an unreadable worklog, and records the peak of requests in flight. */
function probedJira() {
  const seen = { inFlight: 0, peak: 0, requests: 0 };
  const requestJira: RequestJira = async (_path: Route, init?: RequestInit) => {
    seen.requests++;
    seen.inFlight++;
    seen.peak = Math.max(seen.peak, seen.inFlight);
    try {
      // Long enough for every probe the client lets through to overlap.
      await new Promise((resolve) => setTimeout(resolve, 2));
      const { ids } = JSON.parse(String(init?.body)) as { ids: number[] };
      if (ids.some((id) => UNREADABLE.has(id))) return new Response(JSON.stringify({ errorMessages: ['down'] }), { status: 503 }) as unknown as APIResponse;
      const worklogs = ids.map((id) => ({ id: String(id), issueId: '7', started: '2026-01-01T09:00:00.000+0000', timeSpentSeconds: 60 }));
      return new Response(JSON.stringify(worklogs), { status: 200 }) as unknown as APIResponse;
    } finally {
      seen.inFlight--;
    }
  };
  return { requestJira, seen };
}

test('the probes for unreadable worklogs never exceed the client\'s concurrency bound, and leave out only those worklogs', async () => {
  const { requestJira, seen } = probedJira();
  const counter = new RequestCounter();
  const client = new JiraClient(requestJira, { maxConcurrent: 4, sleep: async () => undefined }).countedBy(counter);
  const ids = Array.from({ length: 1000 }, (_, index) => index + 1);
  // As in the worklog step, other pages' requests keep going through the same client while one page is probed.
  let probing = true;
  const others = Array.from({ length: 4 }, async (_, lane) => {
    for (let page = 0; probing; page++) await listWorklogs(client, [2000 + lane * 1000 + page]);
  });
  const read = await listWorklogsLeavingOutUnreadable(client, ids).finally(() => (probing = false));
  await Promise.all(others);

  expect(read.map((worklog) => Number(worklog.id)).sort((a, b) => a - b)).toEqual(ids.filter((id) => !UNREADABLE.has(id)));
  // Dozens of probes ran beside the other requests, never more than 4 at once: they share the client's slots.
  expect(seen.requests).toBeGreaterThan(40);
  expect(seen.peak).toBe(4);
  // And the counter the caller attached saw every probe (its retries are not requests).
  expect(counter.total).toBeLessThanOrEqual(seen.requests);
  expect(counter.total).toBeGreaterThan(40);
});
