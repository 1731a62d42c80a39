/**
 * A project's health (red, amber, green) from its schedule and cost performance, overdue work and
 * process compliance, against the PMO's thresholds; a manual override by the PMO wins. Green needs its
 * figures: without SPI or CPI (no budget, no plan) and no red or amber criterion, health is 'not set
 * up', saying what cannot be computed.
 */
import type { Figure, Health, HealthMetrics } from '../shared/contract';
import type { HealthThresholds, ProjectSettings } from './settings';

export interface HealthInputs {
  spi: Figure;
  cpi: Figure;
  /** Overdue items / unresolved items, 0..1. */
  overdueShare: Figure;
  /** Share of items passing the compliance rules, 0..1; null when no rules run. */
  compliance: number | null;
}

type Format = (value: number, digits: number) => string;

const asIndex: Format = (value, digits) => value.toFixed(digits);
const asPercent: Format = (value, digits) => `${(value * 100).toFixed(digits)}%`;

/**
 * Value and limit in words, with just enough digits that they differ: SPI 0.799 against 0.80 reads
 * "0.799 is below 0.800", never "0.80 is below 0.80".
 */
function compare(label: string, value: number, relation: 'below' | 'above', limit: number, format: Format, digits: number): string {
  let shown = digits;
  while (shown < digits + 4 && format(value, shown) === format(limit, shown)) shown += 1;
  return `${label} ${format(value, shown)} is ${relation} ${format(limit, shown)}`;
}

/** The criteria of one level (red or amber) that the inputs meet; a figure that is not available meets none. */
function criteriaMet(inputs: HealthInputs, level: HealthThresholds['red'] & { complianceBelow?: number }): string[] {
  const met: string[] = [];
  const { spi, cpi, overdueShare, compliance } = inputs;
  if (spi.value !== null && spi.value < level.spiBelow) met.push(compare('SPI', spi.value, 'below', level.spiBelow, asIndex, 2));
  if (cpi.value !== null && cpi.value < level.cpiBelow) met.push(compare('CPI', cpi.value, 'below', level.cpiBelow, asIndex, 2));
  if (overdueShare.value !== null && overdueShare.value > level.overdueShareAbove) {
    met.push(compare('Overdue share', overdueShare.value, 'above', level.overdueShareAbove, asPercent, 0));
  }
  if (level.complianceBelow !== undefined && compliance !== null && compliance < level.complianceBelow) {
    met.push(compare('Compliance', compliance, 'below', level.complianceBelow, asPercent, 0));
  }
  return met;
}

/**
 * The thresholds' answer, with the criteria that set it (red lists only the red criteria met), and the
 * PMO's override when there is one. Given asOfMs, an override made after that instant did not exist
 * yet "as of T" and is not applied.
 */
export function health(inputs: HealthInputs, settings: ProjectSettings, asOfMs?: number): HealthMetrics {
  const red = criteriaMet(inputs, settings.thresholds.red);
  const amber = red.length > 0 ? [] : criteriaMet(inputs, settings.thresholds.amber);
  const missing = [
    ...(inputs.spi.value === null ? [`SPI cannot be computed: ${inputs.spi.reason}`] : []),
    ...(inputs.cpi.value === null ? [`CPI cannot be computed: ${inputs.cpi.reason}`] : []),
  ];
  const computedRag: Health = red.length > 0 ? 'red' : amber.length > 0 ? 'amber' : missing.length > 0 ? 'not set up' : 'green';
  const criteria = red.length > 0 ? red : amber.length > 0 ? amber : missing;

  const manual = settings.healthOverride;
  const override =
    manual !== null && (asOfMs === undefined || manual.atMs <= asOfMs)
      ? { rag: manual.rag, comment: manual.comment, authorAccountId: manual.authorAccountId, at: new Date(manual.atMs).toISOString() }
      : null;
  return { rag: override ? override.rag : computedRag, computedRag, criteria, override };
}
