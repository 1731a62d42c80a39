import { asCallError } from '../../../shared/useResolver';

/** A refused call as one line: the server's message and its details. */
export const failureText = (error: unknown): string => {
  const failure = asCallError(error);
  return [failure.message, ...failure.details].join(' ');
};
