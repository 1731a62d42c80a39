/**
 * One resolver per UI surface, implementing exactly the keys its contract names (the compiler checks
 * both ways), behind a guard that answers in the envelope before the SDK sees the call: a function
 * key the surface does not define (`constructor` and `toString` included: only its own keys are looked
 * up) and a payload that is not an object of named values, or is too deep or too large to be a real
 * request, are refused with a typed error instead of reaching a handler.
 */
import Resolver, { type Request } from '@forge/resolver';
import type { Answer, ResolverError } from '../shared/contract';

/** A surface's contract: function key -> its payload and answer data. */
export type SurfaceDefinitions<D> = { [K in keyof D]: { payload: object; data: unknown } };

export type SurfaceHandlers<D extends SurfaceDefinitions<D>> = { [K in keyof D]: (request: Request) => Promise<Answer<D[K]['data']>> };

/** What Forge calls: `handler({call: {functionKey, payload}, context}, backendRuntimePayload)`. */
export type ResolverFunction = (event: unknown, backendRuntimePayload?: unknown) => Promise<unknown>;

export interface SurfaceResolver {
  /** The function keys this surface serves, for the hostile-input tests and the host. */
  readonly keys: readonly string[];
  readonly handler: ResolverFunction;
}

/** No surface's payload needs more: filters and ids are a few levels of small values. */
export const PAYLOAD_LIMITS = { depth: 16, values: 10_000, textCharacters: 200_000 } as const;

const refused = (error: ResolverError): Answer<never> => ({ ok: false, error });

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Why a payload cannot be a request, or null. Walks it without recursion and stops at the first
 * limit it passes, so a payload nested thousands deep costs no more than one that is not.
 */
export function payloadProblem(payload: unknown): string | null {
  if (payload === undefined) return null;
  if (!isRecord(payload)) {
    const kind = payload === null ? 'null' : Array.isArray(payload) ? 'a list' : `a ${typeof payload}`;
    return `The request must be an object of named values, not ${kind}.`;
  }
  const pending: { value: unknown; depth: number }[] = [{ value: payload, depth: 1 }];
  let values = 0;
  let characters = 0;
  while (pending.length > 0) {
    const { value, depth } = pending.pop()!;
    if (++values > PAYLOAD_LIMITS.values) return `The request holds more than ${PAYLOAD_LIMITS.values.toLocaleString('en-US')} values.`;
    if (typeof value === 'string') characters += value.length;
    if (characters > PAYLOAD_LIMITS.textCharacters) return `The request holds more than ${PAYLOAD_LIMITS.textCharacters.toLocaleString('en-US')} characters of text.`;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > PAYLOAD_LIMITS.depth) return `The request is nested more than ${PAYLOAD_LIMITS.depth} levels deep.`;
    for (const [key, child] of Object.entries(value)) {
      characters += key.length;
      pending.push({ value: child, depth: depth + 1 });
    }
  }
  return null;
}

export function surfaceResolver<D extends SurfaceDefinitions<D>>(handlers: SurfaceHandlers<D>): SurfaceResolver {
  const resolver = new Resolver();
  const keys = Object.keys(handlers) as (keyof D & string)[];
  for (const key of keys) resolver.define(key, handlers[key] as (request: Request) => Promise<unknown>);
  const definitions = resolver.getDefinitions() as ResolverFunction;
  const handler: ResolverFunction = async (event, backendRuntimePayload) => {
    const call = isRecord(event) && isRecord(event.call) ? event.call : null;
    const functionKey = call?.functionKey;
    if (typeof functionKey !== 'string' || !Object.hasOwn(handlers, functionKey)) {
      return refused({ code: 'UNKNOWN_FUNCTION', message: 'This page has no function by that name.', details: [`known: ${keys.join(', ')}`] });
    }
    const problem = payloadProblem(call?.payload);
    if (problem !== null) return refused({ code: 'INVALID_PAYLOAD', message: problem });
    return definitions(event, backendRuntimePayload);
  };
  return { keys, handler };
}
