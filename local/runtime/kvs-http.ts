/**
 * The storage service's HTTP face: routes the POST /api/v1/... calls @forge/kvs makes through
 * __forge_fetch__ to KvsStore and answers as the service does (JSON bodies, {code, message} errors,
 * 204 for writes without a body).
 */
import { KvsError } from './kvs-errors';
import type { KvsStore } from './kvs-store';

const MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;

/** The bytes of each answer's body, kept as it is written (metering need not read the body again). */
const bodyBytes = new WeakMap<Response, number>();

function json(status: number, body: unknown): Response {
  const text = JSON.stringify(body);
  const response = new Response(text, { status, headers: { 'content-type': 'application/json' } });
  bodyBytes.set(response, Buffer.byteLength(text, 'utf8'));
  return response;
}

function empty(): Response {
  return new Response(null, { status: 204 });
}

function errorResponse(status: number, code: string, message: string): Response {
  return json(status, { code, message });
}

type Route = (store: KvsStore, body: unknown) => Response;

const routes: Record<string, Route> = {
  '/api/v1/get': (store, body) => json(200, store.get(body)),
  '/api/v1/set': (store, body) => optional(store.set(body)),
  '/api/v1/delete': (store, body) => (store.delete(body), empty()),
  '/api/v1/query': (store, body) => json(200, store.query(body)),
  '/api/v1/secret/get': (store, body) => json(200, store.get(body, true)),
  '/api/v1/secret/set': (store, body) => optional(store.set(body, true)),
  '/api/v1/secret/delete': (store, body) => (store.delete(body, true), empty()),
  '/api/v1/entity/get': (store, body) => json(200, store.getEntity(body)),
  '/api/v1/entity/set': (store, body) => optional(store.setEntity(body)),
  '/api/v1/entity/delete': (store, body) => (store.deleteEntity(body), empty()),
  '/api/v1/entity/query': (store, body) => json(200, store.queryEntity(body)),
  '/api/v1/batch/set': (store, body) => json(200, store.batchSet(body)),
  '/api/v1/batch/get': (store, body) => json(200, store.batchGet(body)),
  '/api/v1/batch/delete': (store, body) => json(200, store.batchDelete(body)),
  '/api/v1/transaction': (store, body) => (store.transact(body), empty()),
};

function optional(result: unknown): Response {
  return result === undefined ? empty() : json(200, result);
}

/** Storage calls that read: Forge bills the bytes they return. Every other call writes: Forge bills the bytes sent. */
const READS = new Set(['/api/v1/get', '/api/v1/query', '/api/v1/secret/get', '/api/v1/entity/get', '/api/v1/entity/query', '/api/v1/batch/get']);

/** Told of the bytes each storage call read or wrote. */
export type StorageMeter = (kind: 'read' | 'write', bytes: number) => void;

export async function handleKvsRequest(store: KvsStore, path: string, init: RequestInit | undefined, meter?: StorageMeter): Promise<Response> {
  const route = routes[path.split('?')[0]];
  if (!route) return errorResponse(404, 'NOT_FOUND', `Unknown storage API path: ${path}`);
  const method = (init?.method ?? 'GET').toUpperCase();
  if (method !== 'POST') return errorResponse(405, 'METHOD_NOT_ALLOWED', `${method} is not supported on ${path}`);
  const text = init?.body === undefined || init.body === null ? '' : await new Response(init.body).text();
  if (Buffer.byteLength(text, 'utf8') > MAX_PAYLOAD_BYTES) {
    return errorResponse(413, 'PAYLOAD_TOO_LARGE', 'The request payload exceeds the 4MB limit.');
  }
  let body: unknown;
  try {
    body = text === '' ? {} : (JSON.parse(text) as unknown);
  } catch {
    return errorResponse(400, 'INVALID_REQUEST_BODY', 'The request body is not valid JSON.');
  }
  try {
    const response = route(store, body);
    if (meter && response.ok) {
      if (READS.has(path.split('?')[0])) meter('read', bodyBytes.get(response) ?? 0);
      else meter('write', Buffer.byteLength(text, 'utf8'));
    }
    return response;
  } catch (error) {
    if (error instanceof KvsError) return errorResponse(error.status, error.code, error.message);
    const message = error instanceof Error ? error.message : String(error);
    return errorResponse(500, 'INTERNAL_SERVER_ERROR', message);
  }
}
