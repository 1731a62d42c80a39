import { route, type APIResponse } from '@forge/api';
import { z } from 'zod';
import { JiraClient, mapWithConcurrency, retryAfterMs, type RequestJira } from './client';
import { JiraBadAnswerError, JiraBadRequestError, JiraNotFoundError, JiraRateLimitedError, JiraUnavailableError } from './errors';

/** A transport that answers from a script, recording the waits the client asks for. */
function scripted(answers: (() => Response)[]) {
  const calls: string[] = [];
  const sleeps: number[] = [];
  const requestJira: RequestJira = async (path) => {
    calls.push(path.value);
    const next = answers.shift();
    if (!next) throw new Error('no more scripted answers');
    return next() as unknown as APIResponse;
  };
  return { requestJira, calls, sleeps, sleep: async (ms: number) => void sleeps.push(ms) };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => () =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
const countSchema = z.object({ count: z.number() });

test('a 429 with Retry-After waits the announced seconds, then succeeds', async () => {
  const transport = scripted([json(429, {}, { 'Retry-After': '3' }), json(200, { count: 7 })]);
  const client = new JiraClient(transport.requestJira, { sleep: transport.sleep });
  await expect(client.get(route`/rest/api/3/x`, countSchema)).resolves.toEqual({ count: 7 });
  expect(transport.sleeps).toEqual([3000]);
});

test('a 429 without Retry-After backs off exponentially with jitter', async () => {
  const transport = scripted([json(429, {}), json(503, {}), json(500, {}), json(200, { count: 1 })]);
  const client = new JiraClient(transport.requestJira, { sleep: transport.sleep, random: () => 1, retry: { baseDelayMs: 100 } });
  await client.get(route`/rest/api/3/x`, countSchema);
  expect(transport.sleeps).toEqual([100, 200, 400]);
  const low = scripted([json(503, {}), json(200, { count: 1 })]);
  await new JiraClient(low.requestJira, { sleep: low.sleep, random: () => 0, retry: { baseDelayMs: 100 } }).get(route`/rest/api/3/x`, countSchema);
  expect(low.sleeps).toEqual([50]);
});

test('X-RateLimit-Reset is honoured when Retry-After is absent', () => {
  const response = new Response('', { status: 429, headers: { 'X-RateLimit-Reset': '2026-01-01T00:00:10Z' } }) as unknown as APIResponse;
  expect(retryAfterMs(response, () => Date.parse('2026-01-01T00:00:04Z'))).toBe(6000);
});

test('after the last attempt a 429 becomes JiraRateLimitedError and a 5xx JiraUnavailableError', async () => {
  const limited = scripted([json(429, {}), json(429, {})]);
  await expect(new JiraClient(limited.requestJira, { sleep: limited.sleep, retry: { maxAttempts: 2 } }).get(route`/rest/api/3/x`, countSchema)).rejects.toBeInstanceOf(
    JiraRateLimitedError,
  );
  const failing = scripted([json(500, {}), json(503, { errorMessages: ['down'] })]);
  const error = await new JiraClient(failing.requestJira, { sleep: failing.sleep, retry: { maxAttempts: 2 } }).get(route`/rest/api/3/x?secret=${'1'}`, countSchema).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(JiraUnavailableError);
  expect((error as Error).message).toBe('Jira failed with HTTP 503 (/rest/api/3/x): down');
});

test('a retry that would outlive the invocation is not made', async () => {
  const transport = scripted([json(429, {}, { 'Retry-After': '20' })]);
  const client = new JiraClient(transport.requestJira, { sleep: transport.sleep, remainingTimeMs: () => 10_000 });
  await expect(client.get(route`/rest/api/3/x`, countSchema)).rejects.toBeInstanceOf(JiraRateLimitedError);
  expect(transport.sleeps).toEqual([]);
});

test('4xx answers are not retried and carry Jira\'s messages', async () => {
  const transport = scripted([json(400, { errorMessages: ["The value 'X' does not exist for the field 'project'."], errors: { jql: 'bad' } })]);
  const error = await new JiraClient(transport.requestJira, { sleep: transport.sleep }).post(route`/rest/api/3/search/jql`, {}, countSchema).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(JiraBadRequestError);
  expect((error as JiraBadRequestError).jiraMessages).toEqual(["The value 'X' does not exist for the field 'project'.", 'jql: bad']);
  expect(transport.calls).toHaveLength(1);
  const missing = scripted([json(404, {})]);
  await expect(new JiraClient(missing.requestJira).get(route`/rest/api/3/project/${'NOPE'}`, countSchema)).rejects.toBeInstanceOf(JiraNotFoundError);
});

test('an answer that is not the documented shape is a clear error, not undefined data', async () => {
  const wrongShape = scripted([json(200, { count: 'seven' })]);
  await expect(new JiraClient(wrongShape.requestJira).get(route`/rest/api/3/x`, countSchema)).rejects.toThrow(
    "Jira's answer to /rest/api/3/x is not in the documented shape (count: Invalid input: expected number, received string).",
  );
  const notJson = scripted([() => new Response('<html>', { status: 200 })]);
  await expect(new JiraClient(notJson.requestJira).get(route`/rest/api/3/x`, countSchema)).rejects.toBeInstanceOf(JiraBadAnswerError);
});

test('a network failure is retried, then reported as unavailable', async () => {
  let attempts = 0;
  const requestJira: RequestJira = async () => {
    attempts++;
    throw new Error('ECONNREFUSED');
  };
  await expect(new JiraClient(requestJira, { sleep: async () => undefined, retry: { maxAttempts: 3 } }).get(route`/rest/api/3/x`, countSchema)).rejects.toThrow(
    'Jira could not be reached (/rest/api/3/x): ECONNREFUSED',
  );
  expect(attempts).toBe(3);
});

test('mapWithConcurrency keeps order and never exceeds the limit', async () => {
  let inFlight = 0;
  let peak = 0;
  const results = await mapWithConcurrency([5, 1, 4, 2, 3, 0], 2, async (value) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((resolve) => setTimeout(resolve, value));
    inFlight--;
    return value * 10;
  });
  expect(results).toEqual([50, 10, 40, 20, 30, 0]);
  expect(peak).toBe(2);
});

test('maxConcurrent bounds the requests in flight through one client, across callers', async () => {
  let inFlight = 0;
  let peak = 0;
  const requestJira: RequestJira = async () => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 5));
    inFlight--;
    return json(200, { count: 1 })() as unknown as APIResponse;
  };
  const client = new JiraClient(requestJira, { maxConcurrent: 3 });
  const answers = await Promise.all(Array.from({ length: 12 }, () => client.get(route`/rest/api/3/x`, countSchema)));
  expect(answers).toHaveLength(12);
  expect(peak).toBe(3);
});
