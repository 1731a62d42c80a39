/**
 * The one typed client over @forge/bridge: components call `callResolver`, never `invoke`.
 * It unwraps the resolver envelope, so a failure arrives as a ResolverCallError with its code.
 */
import { invoke } from '@forge/bridge';
import type { Answer, DataOf, ErrorCode, PayloadOf, ResolverKey } from '@pmo/contract';

export class ResolverCallError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = 'ResolverCallError';
  }
}

export async function callResolver<K extends ResolverKey>(key: K, payload: PayloadOf<K>): Promise<DataOf<K>> {
  let answer: Answer<DataOf<K>>;
  try {
    answer = (await invoke(key, payload as Record<string, never>)) as Answer<DataOf<K>>;
  } catch (error) {
    // The bridge itself failed (network, rate limit of invoke calls): no envelope came back.
    throw new ResolverCallError('JIRA_UNAVAILABLE', error instanceof Error ? error.message : String(error));
  }
  if (!answer || typeof answer !== 'object' || !('ok' in answer)) {
    throw new ResolverCallError('INTERNAL', 'The app answered in an unexpected form.');
  }
  if (!answer.ok) throw new ResolverCallError(answer.error.code, answer.error.message, answer.error.details);
  return answer.data;
}
