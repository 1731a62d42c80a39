/**
 * Building Figure values: a number, or "not available" with the reason in the PMO's words. Every
 * metric goes through these so a division by zero or a missing input never shows as Infinity, NaN or 0.
 */
import type { Figure } from '../shared/contract';

export type { Figure };

/** An available figure. A non-finite number is a bug upstream; it is shown as not available, never as Infinity. */
export function figure(value: number): Figure {
  if (!Number.isFinite(value)) return { value: null, reason: 'could not be computed (not a finite number)' };
  return { value };
}

export function notAvailable(reason: string): Figure {
  return { value: null, reason };
}

/** numerator / denominator; not available with reasonWhenZero when the denominator is 0. */
export function ratio(numerator: number, denominator: number, reasonWhenZero: string): Figure {
  if (denominator === 0) return notAvailable(reasonWhenZero);
  return figure(numerator / denominator);
}

export function isAvailable(value: Figure): value is { value: number } {
  return value.value !== null;
}

/**
 * A figure computed from other figures: not available, with the first missing input's reason, when
 * any input is not available; otherwise compute's answer (a number or a Figure, e.g. from ratio).
 */
export function derive(inputs: readonly Figure[], compute: (values: number[]) => number | Figure): Figure {
  const values: number[] = [];
  for (const input of inputs) {
    if (input.value === null) return input;
    values.push(input.value);
  }
  const result = compute(values);
  return typeof result === 'number' ? figure(result) : result;
}
